/**
 * What a sweep optimises and what it requires: Pareto objectives and constraints, both naming
 * numeric dse.csv columns (by CSV header, energy_pJ, or by column key, energy). Objectives are
 * minimised except those where more is better (accuracy, throughput, utilisation); a constraint is
 * `column op number` with op one of <=, <, >=, >.
 */

/** Default Pareto axes; accuracy joins them when every image has a label. */
export const DEFAULT_OBJECTIVES = ['energy', 'latency', 'area'] as const;

/** Columns where a larger value is better: maximised when named as objectives. */
const MAXIMISED = /^(accuracy|throughput_per_s|util_\w+)$/;

export interface Objective {
  /** CSV header of the column. */
  column: string;
  sense: 'min' | 'max';
}

export type ConstraintOp = '<=' | '<' | '>=' | '>';

export interface Constraint {
  /** CSV header of the column. */
  column: string;
  op: ConstraintOp;
  value: number;
  /** As written, for messages. */
  text: string;
}

/** The CSV header `name` refers to: itself, or the header whose unit suffix it omits (energy -> energy_pJ). */
export function resolveColumn(name: string, numeric: readonly string[], all: readonly string[], what: string): string {
  const n = name.trim();
  const hit = numeric.find((h) => h === n) ?? numeric.find((h) => h === `${n}_${unitSuffixOf(h) ?? ''}`);
  if (hit) return hit;
  if (all.includes(n)) throw new Error(`${what} "${n}": the column holds no numbers; choose one of ${numeric.join(', ')}`);
  throw new Error(`${what} "${n}" is no dse.csv column; choose one of ${numeric.join(', ')}`);
}

/** The unit suffix of a header (energy_pJ -> pJ), matching the units the DSE columns carry. */
function unitSuffixOf(header: string): string | undefined {
  return /_(pJ|pJs|s|mm2|bytes|bits)$/.exec(header)?.[1];
}

export function resolveObjectives(names: readonly string[], numeric: readonly string[], all: readonly string[]): Objective[] {
  if (names.length === 0) throw new Error('--objectives: give at least one column');
  const out = names.map((n): Objective => {
    const column = resolveColumn(n, numeric, all, 'objective');
    return { column, sense: MAXIMISED.test(column) ? 'max' : 'min' };
  });
  const dup = out.find((o, i) => out.findIndex((p) => p.column === o.column) !== i);
  if (dup) throw new Error(`--objectives names ${dup.column} twice`);
  return out;
}

/** "area_mm2<=2" -> { name: 'area_mm2', op: '<=', value: 2 } (column not yet resolved). */
export function parseConstraint(text: string): { name: string; op: ConstraintOp; value: number } {
  const m = /^\s*([A-Za-z_][\w.]*)\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/.exec(text);
  if (!m) throw new Error(`--constraint takes column<=number (or <, >=, >), e.g. 'area_mm2<=2', got "${text}"`);
  return { name: m[1], op: m[2] as ConstraintOp, value: Number(m[3]) };
}

export function resolveConstraints(texts: readonly string[], numeric: readonly string[], all: readonly string[]): Constraint[] {
  return texts.map((text) => {
    const c = parseConstraint(text);
    return { column: resolveColumn(c.name, numeric, all, 'constraint'), op: c.op, value: c.value, text: text.trim() };
  });
}

/** True when `v` meets the constraint; a missing value (NaN, e.g. accuracy without labels) never does. */
export function satisfies(c: Constraint, v: number): boolean {
  if (Number.isNaN(v)) return false;
  switch (c.op) {
    case '<=': return v <= c.value;
    case '<': return v < c.value;
    case '>=': return v >= c.value;
    case '>': return v > c.value;
  }
}

/** A CSV cell as a number; an empty cell (no accuracy without labels) is NaN, not 0. */
export function cellNumber(cell: string | undefined): number {
  return cell === undefined || cell.trim() === '' ? NaN : Number(cell);
}

/** Objective vector of one row, every entry to be minimised (maximised columns negated). */
export function objectiveVector(objectives: readonly Objective[], value: (column: string) => number): number[] {
  return objectives.map((o) => (o.sense === 'max' ? -value(o.column) : value(o.column)));
}
