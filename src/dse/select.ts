/**
 * Selection over a finished sweep's rows (the dse.csv lines, the source of truth): each row's
 * `feasible` cell from the constraints, then the Pareto front of the feasible rows over the objectives.
 */
import { parseCsv } from '../reports/table.ts';
import { cellNumber, objectiveVector, satisfies, type Constraint, type Objective } from './objectives.ts';
import { paretoFront } from './pareto.ts';

export interface Selection {
  /** The rows with their `feasible` cell set by the constraints. */
  lines: string[];
  feasible: boolean[];
  /** Indices (into `lines`) of the Pareto front of the feasible rows. */
  front: number[];
}

const FEASIBLE = 'feasible';

/** `lines` are CSV rows under `header`, whose last column is `feasible`. */
export function selectFront(header: string, lines: readonly string[], objectives: readonly Objective[], constraints: readonly Constraint[]): Selection {
  if (!header.endsWith(`,${FEASIBLE}`)) throw new Error(`dse.csv must end with the ${FEASIBLE} column`);
  const [head, ...rows] = parseCsv([header, ...lines].join('\n')).filter((r) => r.length > 1);
  if (rows.length !== lines.length) throw new Error('dse.csv: a row did not parse');
  const index = (column: string): number => {
    const i = head.indexOf(column);
    if (i < 0) throw new Error(`dse.csv has no column ${column}`);
    return i;
  };
  const at = (r: readonly string[], column: string): number => cellNumber(r[index(column)]);
  const feasible = rows.map((r) => constraints.every((c) => satisfies(c, at(r, c.column))));
  const candidates = rows.map((_, i) => i).filter((i) => feasible[i]);
  const vectors = candidates.map((i) => {
    const v = objectiveVector(objectives, (c) => at(rows[i], c));
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new Error(`objective ${objectives[bad].column} has no finite value for point ${rows[i][0]} (${rows[i][index(objectives[bad].column)] || 'empty'})`);
    return v;
  });
  const front = paretoFront(vectors).map((k) => candidates[k]);
  const out = lines.map((l, i) => `${l.slice(0, l.lastIndexOf(','))},${feasible[i] ? 'true' : 'false'}`);
  return { lines: out, feasible, front };
}
