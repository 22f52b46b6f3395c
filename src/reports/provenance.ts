/**
 * Provenance of every constant a run used: the paper-mode preset's two energies, and every ERT entry
 * the hardware replay actually charged (count > 0), each with its bibliography key resolved to the
 * full citation in hw-models/bibliography.json, the estimator and the node/voltage scaling.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaperEnergy } from '../energy/paper.ts';
import type { ErtEntry } from '../energy/ert.ts';
import type { SimResult } from '../energy/price.ts';
import { HW_MODELS_DIR } from '../arch/validate.ts';
import type { ProvenanceRecord } from './html.ts';

export interface BibEntry {
  citation: string;
  doi?: string;
}

export type Bibliography = Record<string, BibEntry>;

let cached: Bibliography | undefined;

/** hw-models/bibliography.json, without its $comment. */
export function loadBibliography(file = join(HW_MODELS_DIR, 'bibliography.json')): Bibliography {
  if (cached !== undefined && file === join(HW_MODELS_DIR, 'bibliography.json')) return cached;
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const out: Bibliography = {};
  if (typeof json === 'object' && json !== null) {
    for (const [k, v] of Object.entries(json)) {
      if (k.startsWith('$') || typeof v !== 'object' || v === null) continue;
      const citation = 'citation' in v && typeof v.citation === 'string' ? v.citation : undefined;
      if (citation === undefined) continue;
      const doi = 'doi' in v && typeof v.doi === 'string' ? v.doi : undefined;
      out[k] = doi === undefined ? { citation } : { citation, doi };
    }
  }
  if (file === join(HW_MODELS_DIR, 'bibliography.json')) cached = out;
  return out;
}

/**
 * Full citation of a source key. 'user' is an explicit value from a file or flag; unknown keys are
 * reported as such rather than dropped, so a typo in a hardware file is visible in the report.
 */
export function citationOf(key: string, bib: Bibliography = loadBibliography()): string {
  if (key === 'user') return 'user-supplied value (tech file override or command-line flag)';
  const interpolated = /^interpolated\((.*)\)$/.exec(key);
  if (interpolated) return `interpolated between tabulated nodes: ${interpolated[1].split(',').map((k) => citationOf(k, bib)).join('; ')}`;
  const e = bib[key];
  if (e === undefined) return `unknown source key '${key}' (not in hw-models/bibliography.json)`;
  return e.doi === undefined ? e.citation : `${e.citation} doi:${e.doi}`;
}

/** One ERT entry actually charged at one node. */
export interface ErtUse {
  node: string;
  voltageV: number;
  entry: ErtEntry;
  count: number;
  energyPJ: number;
}

/** ERT entries with a non-zero action count in the replay (per node, in ERT order). */
export function ertUsed(results: readonly SimResult[]): ErtUse[] {
  return results.flatMap((r) => {
    const counts = new Map<string, number>();
    for (const l of r.layers) for (const a of l.actions) counts.set(`${a.component}.${a.action}`, (counts.get(`${a.component}.${a.action}`) ?? 0) + a.count);
    return r.ert.flatMap((entry) => {
      const count = counts.get(`${entry.component}.${entry.action}`) ?? 0;
      return count > 0 ? [{ node: r.tech.node, voltageV: r.tech.voltageV, entry, count, energyPJ: count * entry.pJ }] : [];
    });
  });
}

const sig = (x: number): string => (x === 0 ? '0' : Number(x.toPrecision(4)).toString());

/** Bibliography keys named in a source field or in brackets inside a scaling text. */
export function sourceKeys(text: string): string[] {
  const keys = [...text.matchAll(/\[([A-Za-z0-9_-]+)\]/g)].map((m) => m[1]);
  const interpolated = /^interpolated\((.*)\)$/.exec(text);
  if (interpolated) keys.push(...interpolated[1].split(','));
  return keys;
}

/**
 * Records for the HTML page: the paper preset's constants, every ERT entry the replay charged
 * (value at its node and voltage, [source key], estimator, scaling), then one row per source key
 * used, resolved to its full citation.
 */
export function provenanceRecords(paper: PaperEnergy['preset'], results: readonly SimResult[], bib: Bibliography = loadBibliography()): ProvenanceRecord[] {
  const paperRecords: ProvenanceRecord[] = [
    { name: `paper mode E_AC (${paper.name})`, value: paper.acPJ, unit: 'pJ/op', source: paper.source },
    { name: `paper mode E_MAC (${paper.name})`, value: paper.macPJ, unit: 'pJ/op', source: paper.source },
  ];
  const keys: string[] = [];
  const note = (k: string): void => { if (!keys.includes(k) && k !== 'user') keys.push(k); };
  const hw = ertUsed(results).map((u): ProvenanceRecord => {
    const e = u.entry;
    if (/^interpolated\(/.test(e.source)) sourceKeys(e.source).forEach(note);
    else note(e.source);
    sourceKeys(e.scaling).forEach(note);
    return {
      name: `${u.node}: ${e.component}.${e.action}`,
      value: sig(e.pJ),
      unit: `pJ/${e.unit}`,
      source: `[${e.source}] ${e.estimator}. Scaling: ${e.scaling}.`,
    };
  });
  const refs = keys.map((k): ProvenanceRecord => ({ name: `source [${k}]`, value: '', unit: '', source: citationOf(k, bib) }));
  return [...paperRecords, ...hw, ...refs];
}
