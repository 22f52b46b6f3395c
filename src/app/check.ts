/**
 * `stcsim profile --check <run>/summary.json`: repeat a run from the settings saved in its
 * summary.json, into a temporary folder, and list every number that changed (summary.json and the
 * run's CSV files) and every input whose content hash changed. Exit 0 when everything reproduced.
 *
 * Numbers are equal when |a - b| <= 1e-9 * max(|a|, |b|). Wall-clock timings, time stamps and the
 * git commit are not compared; text fields are not compared either (paths are made absolute for the
 * re-run, so they legitimately differ); file changes show up in the hashes instead.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compareHashes, type HashChange, type RunHashes } from '../util/hashes.ts';
import { parseCsv } from '../reports/table.ts';
import { UsageError } from '../util/errors.ts';
import type { ProfileFlags, RerunSpec } from '../run/profile-settings.ts';
import { profile } from './profile.ts';

export const REL_TOL = 1e-9;

/** Keys never compared, wherever they appear: timings, time stamps, the checkout's commit. */
export const IGNORED_KEYS: ReadonlySet<string> = new Set(['createdAt', 'elapsedMs', 'commit', 'hashes', 'rerun']);

/** The CSV files of a run folder compared cell by cell when both runs have them. */
export const CHECKED_CSV = ['layers.csv', 'steps.csv', 'compute.csv', 'access.csv', 'energy.csv', 'actions.csv', 'gap.csv'] as const;

type Leaf = number | boolean | string | null | undefined;

export interface ValueChange {
  /** JSON path (`paperEnergy.snnPJ`, `hardware[0].energyPerInferencePJ`) or CSV cell (`layers.csv[2 conv2].ac_exact`). */
  path: string;
  old: Leaf;
  new: Leaf;
}

export interface Comparison {
  /** Numbers (and booleans) that agree within the tolerance. */
  identical: number;
  changes: ValueChange[];
}

export function sameNumber(a: number, b: number, relTol = REL_TOL): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every number/boolean leaf under `v` (for a subtree present on one side only). */
function leaves(v: unknown, path: string, out: [string, Leaf][]): void {
  if (typeof v === 'number' || typeof v === 'boolean') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  else if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (!IGNORED_KEYS.has(k)) leaves(x, path === '' ? k : `${path}.${k}`, out);
}

/** Walks two JSON values side by side and lists every number or boolean that differs. */
export function compareJson(oldV: unknown, newV: unknown, relTol = REL_TOL): Comparison {
  const result: Comparison = { identical: 0, changes: [] };
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      if (sameNumber(a, b, relTol)) result.identical++;
      else result.changes.push({ path, old: a, new: b });
      return;
    }
    if (typeof a === 'boolean' && typeof b === 'boolean') {
      if (a === b) result.identical++;
      else result.changes.push({ path, old: a, new: b });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (isRecord(a) && isRecord(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!IGNORED_KEYS.has(k)) walk(a[k], b[k], path === '' ? k : `${path}.${k}`);
      }
      return;
    }
    if (typeof a === 'string' && typeof b === 'string') return;
    // Different shapes (a number became null, a node disappeared, ...): every number on either side counts.
    const la: [string, Leaf][] = [];
    const lb: [string, Leaf][] = [];
    leaves(a, path, la);
    leaves(b, path, lb);
    const mb = new Map(lb);
    const ma = new Map(la);
    for (const [p, v] of la) result.changes.push({ path: p, old: v, new: mb.get(p) ?? (b === null ? null : undefined) });
    for (const [p, v] of lb) if (!ma.has(p)) result.changes.push({ path: p, old: a === null ? null : undefined, new: v });
  };
  walk(oldV, newV, '');
  return result;
}

/** Cell-by-cell comparison of two CSV texts written by toCsv (numbers at full precision). */
export function compareCsv(name: string, oldText: string, newText: string, relTol = REL_TOL): Comparison {
  const result: Comparison = { identical: 0, changes: [] };
  const a = parseCsv(oldText).filter((r) => r.length > 1 || r[0] !== '');
  const b = parseCsv(newText).filter((r) => r.length > 1 || r[0] !== '');
  const header = a[0] ?? [];
  const headerB = b[0] ?? [];
  const isNum = (s: string | undefined): boolean => s !== undefined && s !== '' && !Number.isNaN(Number(s));
  for (let i = 1; i < Math.max(a.length, b.length); i++) {
    const ra = a[i] ?? [];
    const rb = b[i] ?? [];
    const label = (ra.length > 0 ? ra : rb).filter((c) => !isNum(c) && c.length <= 40).slice(0, 3).join('/');
    for (let j = 0; j < Math.max(header.length, headerB.length); j++) {
      const col = header[j] ?? headerB[j];
      const x = ra[j];
      const y = rb[j];
      if (!isNum(x) && !isNum(y)) continue;
      const path = `${name}[${i}${label !== '' ? ` ${label}` : ''}].${col}`;
      if (isNum(x) && isNum(y) && sameNumber(Number(x), Number(y), relTol)) result.identical++;
      else result.changes.push({ path, old: isNum(x) ? Number(x) : x, new: isNum(y) ? Number(y) : y });
    }
  }
  return result;
}

export interface CheckResult {
  /** The summary.json checked. */
  summaryPath: string;
  /** Where the re-run wrote its files (removed unless keepDir). */
  rerunDir: string;
  identical: number;
  changes: ValueChange[];
  hashChanges: HashChange[];
  /** Files compared besides summary.json. */
  csvFiles: string[];
  ok: boolean;
}

interface SavedSummary {
  network?: string;
  hashes?: RunHashes;
  rerun?: RerunSpec;
}

function readSummary(path: string): { raw: unknown; saved: SavedSummary } {
  if (!existsSync(path)) throw new UsageError(`--check: ${path} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--check: ${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(raw)) throw new UsageError(`--check: ${path} is not a summary.json`);
  const saved = raw as SavedSummary;
  if (saved.rerun === undefined || typeof saved.rerun.model !== 'string' || !isRecord(saved.rerun.flags)) {
    throw new UsageError(`--check: ${path} has no "rerun" settings (it was written by an older stcsim); profile again to get a checkable run`);
  }
  return { raw, saved };
}

/** Re-runs the saved settings and compares. Does not print. */
export async function checkRun(summaryPath: string, options: { keepDir?: boolean; relTol?: number } = {}): Promise<CheckResult> {
  const { raw, saved } = readSummary(summaryPath);
  const rerun = saved.rerun as RerunSpec;
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-check-'));
  try {
    const flags: ProfileFlags = { ...rerun.flags, out: dir, json: false, progress: false, charts: false };
    const explicit = new Set(rerun.explicit);
    const outcome = await profile(rerun.model, flags, (name) => explicit.has(name));
    const fresh: unknown = JSON.parse(readFileSync(join(outcome.outDir, 'summary.json'), 'utf8'));
    const total = compareJson(raw, fresh, options.relTol);
    const csvFiles: string[] = [];
    const runDir = dirname(summaryPath);
    for (const f of CHECKED_CSV) {
      const a = join(runDir, f);
      const b = join(dir, f);
      if (!existsSync(a) || !existsSync(b)) continue;
      csvFiles.push(f);
      const c = compareCsv(f, readFileSync(a, 'utf8'), readFileSync(b, 'utf8'), options.relTol);
      total.identical += c.identical;
      total.changes.push(...c.changes);
    }
    const hashChanges = compareHashes(saved.hashes, outcome.summary.hashes ?? {});
    return {
      summaryPath, rerunDir: dir, identical: total.identical, changes: total.changes, hashChanges, csvFiles,
      ok: total.changes.length === 0 && hashChanges.length === 0,
    };
  } finally {
    if (options.keepDir !== true) rmSync(dir, { recursive: true, force: true });
  }
}

function show(v: Leaf): string {
  if (v === undefined) return '(absent)';
  if (v === null) return 'null';
  return String(v);
}

/** Human-readable report; the last line says reproduced or not. */
export function formatCheck(r: CheckResult): string {
  const lines: string[] = [];
  const what = `summary.json${r.csvFiles.length > 0 ? ` and ${r.csvFiles.join(', ')}` : ''}`;
  for (const h of r.hashChanges) lines.push(`input changed: ${h.message}${h.old !== undefined && h.new !== undefined ? ` (${h.old.slice(0, 19)}... -> ${h.new.slice(0, 19)}...)` : ''}`);
  for (const c of r.changes) {
    const r = typeof c.old === 'number' && typeof c.new === 'number' && c.old !== 0 ? (c.new - c.old) / Math.abs(c.old) : undefined;
    const rel = r === undefined ? '' : Math.abs(r) >= 1e-3 ? ` (${r > 0 ? '+' : ''}${(100 * r).toPrecision(3)}%)` : ` (relative ${r.toExponential(2)})`;
    lines.push(`changed: ${c.path}: ${show(c.old)} -> ${show(c.new)}${rel}`);
  }
  if (r.ok) lines.push(`reproduced: ${r.identical} numbers identical (${what}; relative tolerance ${REL_TOL})`);
  else lines.push(`NOT reproduced: ${r.changes.length} number(s) changed, ${r.hashChanges.length} input hash(es) changed; ${r.identical} numbers identical (${what})`);
  return lines.join('\n') + '\n';
}
