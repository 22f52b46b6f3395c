/**
 * `stcsim profile --check <run>/summary.json`: repeat a run from the settings saved in its
 * summary.json, into a temporary folder, and list every number that changed (summary.json and the
 * run's CSV files) and every input whose content hash changed. Exit 0 when everything reproduced.
 *
 * Numbers are equal when |a - b| <= 1e-9 * max(|a|, |b|) (src/app/compare.ts). Wall-clock timings,
 * time stamps and the git commit are not compared; text fields are not compared either (paths are
 * made absolute for the re-run, so they legitimately differ); file changes show up in the hashes instead.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compareHashes, type HashChange, type RunHashes } from '../util/hashes.ts';
import { UsageError } from '../util/errors.ts';
import type { ProfileFlags, RerunSpec } from '../run/profile-settings.ts';
import { compareCsv, compareJson, REL_TOL, type ValueChange } from './compare.ts';
import { profile } from './profile.ts';

/** The CSV files of a run folder compared cell by cell when both runs have them. */
export const CHECKED_CSV = ['layers.csv', 'steps.csv', 'compute.csv', 'access.csv', 'energy.csv', 'actions.csv', 'gap.csv'] as const;

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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
    const total = compareJson(raw, fresh, { relTol: options.relTol });
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

function show(v: ValueChange['old']): string {
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
