/**
 * The one value-by-value comparison of two results: JSON trees (summary.json, the golden hardware
 * report) and CSV files written by toCsv. `profile --check` uses it with its defaults; the golden
 * test compares text too and ignores nothing.
 *
 * Numbers are equal when |a - b| <= relTol * max(|a|, |b|).
 */
import { parseCsv } from '../reports/table.ts';

export const REL_TOL = 1e-9;

/** Keys `profile --check` never compares, wherever they appear: timings, time stamps, the checkout's commit. */
export const IGNORED_KEYS: ReadonlySet<string> = new Set(['createdAt', 'elapsedMs', 'commit', 'hashes', 'rerun']);

type Leaf = number | boolean | string | null | undefined;

export interface ValueChange {
  /** JSON path (`paperEnergy.snnPJ`, `hardware[0].energyPerInferencePJ`) or CSV cell (`layers.csv[2 conv2].ac_exact`). */
  path: string;
  old: Leaf;
  new: Leaf;
}

export interface Comparison {
  /** Leaves (numbers, booleans; strings when compared) that agree. */
  identical: number;
  changes: ValueChange[];
}

export interface CompareOptions {
  relTol?: number;
  /** Keys skipped at any depth (default IGNORED_KEYS). */
  ignoredKeys?: ReadonlySet<string>;
  /**
   * Compare strings and nulls too (default false: a re-run makes paths absolute, so text
   * legitimately differs; changed files show up in the content hashes instead).
   */
  text?: boolean;
}

export function sameNumber(a: number, b: number, relTol = REL_TOL): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Walks two JSON values side by side and lists every leaf that differs. */
export function compareJson(oldV: unknown, newV: unknown, options: CompareOptions = {}): Comparison {
  const relTol = options.relTol ?? REL_TOL;
  const ignored = options.ignoredKeys ?? IGNORED_KEYS;
  const text = options.text ?? false;
  const result: Comparison = { identical: 0, changes: [] };
  const isLeaf = (v: unknown): v is Leaf => typeof v === 'number' || typeof v === 'boolean' || (text && (typeof v === 'string' || v === null));
  const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

  /** Every leaf under `v` (for a subtree present on one side only). */
  const leaves = (v: unknown, path: string, out: Map<string, Leaf>): void => {
    if (isLeaf(v)) out.set(path, v);
    else if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (!ignored.has(k)) leaves(x, join(path, k), out);
  };

  const walk = (a: unknown, b: unknown, path: string): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      if (sameNumber(a, b, relTol)) result.identical++;
      else result.changes.push({ path, old: a, new: b });
      return;
    }
    if ((typeof a === 'boolean' && typeof b === 'boolean') || (text && typeof a === 'string' && typeof b === 'string')) {
      if (a === b) result.identical++;
      else result.changes.push({ path, old: a, new: b });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (isRecord(a) && isRecord(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!ignored.has(k)) walk(a[k], b[k], join(path, k));
      return;
    }
    if (typeof a === 'string' && typeof b === 'string') return;
    if (a === null && b === null) return;
    // Different shapes (a number became null, a node disappeared, ...): every leaf on either side counts.
    const la = new Map<string, Leaf>();
    const lb = new Map<string, Leaf>();
    leaves(a, path, la);
    leaves(b, path, lb);
    for (const [p, v] of la) result.changes.push({ path: p, old: v, new: lb.get(p) ?? (b === null ? null : undefined) });
    for (const [p, v] of lb) if (!la.has(p)) result.changes.push({ path: p, old: a === null ? null : undefined, new: v });
    // With text compared, even a difference without leaves ({} vs absent) is a change.
    if (text && la.size === 0 && lb.size === 0) result.changes.push({ path, old: JSON.stringify(a), new: JSON.stringify(b) });
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
