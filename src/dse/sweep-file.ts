/**
 * `--sweep-file sweep.json|sweep.yaml`: many axes (and optionally objectives and constraints) in one
 * file. YAML is read with the `yaml` package (JSON is YAML, so one parser serves both). Axes are
 * built by the same function as `--sweep`, so a file and the equivalent flags give the same points.
 *
 *   sweep:                      # key (alias or JSON path) -> list of values, or "v1,v2" as on the command line
 *     ac_lanes: [64, 256, 1024]
 *     weight_buffer: [64 KiB, 256 KiB]
 *     precision.weight: [2, 4, 8]
 *   objectives: [energy, latency, area]
 *   constraints: ["area_mm2<=2"]
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { makeAxis, parseSweep, type Axis, type SweepValue } from './space.ts';

export interface SweepFile {
  axes: Axis[];
  objectives?: string[];
  constraints?: string[];
}

const FIELDS = ['sweep', 'objectives', 'constraints'];

const isScalar = (v: unknown): v is SweepValue => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

/** A list of strings, or one comma-separated string. */
function stringList(v: unknown, what: string): string[] {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.map((s) => s.trim());
  throw new Error(`${what} must be a list of strings`);
}

/** Parses the text of a sweep file; `file` names it in error messages. */
export function parseSweepFile(text: string, file: string): SweepFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`${file}: not valid YAML or JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: expected a mapping with "sweep" (and optionally "objectives", "constraints")`);
  const d = doc as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) throw new Error(`${file}: unknown field(s) ${unknown.join(', ')}; a sweep file has ${FIELDS.join(', ')}`);
  const sweep = d.sweep ?? {};
  if (typeof sweep !== 'object' || sweep === null || Array.isArray(sweep)) throw new Error(`${file}: "sweep" must map each key to its values`);
  const axes = Object.entries(sweep as Record<string, unknown>).map(([key, values]): Axis => {
    const at = `${file}: sweep.${key}`;
    try {
      if (typeof values === 'string') return parseSweep(`${key}=${values}`);
      const list = Array.isArray(values) ? values : [values];
      if (!list.every(isScalar)) throw new Error('values must be numbers, strings or booleans');
      return makeAxis(key, list);
    } catch (e) {
      throw new Error(`${at}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const out: SweepFile = { axes };
  if (d.objectives !== undefined) out.objectives = stringList(d.objectives, `${file}: objectives`);
  if (d.constraints !== undefined) out.constraints = stringList(d.constraints, `${file}: constraints`);
  return out;
}

export function readSweepFile(file: string): SweepFile {
  if (!existsSync(file)) throw new Error(`--sweep-file ${file}: no such file`);
  return parseSweepFile(readFileSync(file, 'utf8'), file);
}

/**
 * The command line on top of a file: --sweep adds axes (a key the file also sweeps takes the
 * command line's values, in the file's position); --objectives replaces the file's; --constraint adds.
 */
export function mergeSweeps(file: SweepFile | undefined, cli: { axes: readonly Axis[]; objectives?: readonly string[]; constraints: readonly string[] }): SweepFile {
  const axes = [...(file?.axes ?? [])];
  for (const a of cli.axes) {
    const i = axes.findIndex((b) => b.key === a.key);
    if (i >= 0) axes[i] = a;
    else axes.push(a);
  }
  const objectives = cli.objectives ?? file?.objectives;
  return { axes, ...(objectives ? { objectives: [...objectives] } : {}), constraints: [...(file?.constraints ?? []), ...cli.constraints] };
}
