/**
 * Design-space exploration: points are planned (plan.ts), the ones whose id is not stored as done in
 * <out>/results.sqlite (store.ts) are evaluated by an executor, and dse.csv and pareto.csv are
 * exported from the store. The local executor groups points by network setting, records each group's
 * spike trace once (traces.ts) and evaluates the hardware points in worker threads; the queued
 * executor (queue.ts) hands the same points to `stcsim worker` processes through Redis, which run the
 * same evaluation (worker.ts). Every finished point is stored at once, so an interrupted sweep loses
 * nothing and a re-run computes only the missing points. dse.csv lists the rows of every sweep run
 * into the folder (oldest sweep first, each in point order), so an interrupted-and-resumed sweep
 * leaves the same file as an uninterrupted one, and a different sweep adds its rows.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { PaperPreset } from '../energy/paper.ts';
import { loadTrace } from '../trace/store.ts';
import { csvHeader, csvHeaderLine, csvRowLine } from '../reports/table.ts';
import { UsageError } from '../util/errors.ts';
import { contentHash } from '../util/hashes.ts';
import { dseColumns, numericHeaders } from './columns.ts';
import { evaluatePoint, type DseRow } from './evaluate.ts';
import { fixedAreaBuffer } from './fixed-area.ts';
import { DEFAULT_OBJECTIVES, resolveConstraints, resolveObjectives, type Constraint, type Objective } from './objectives.ts';
import { planPoints, type Plan, type PlanOptions } from './plan.ts';
import type { DesignPoint } from './point.ts';
import { selectFront } from './select.ts';
import type { Axis, SweepValue } from './space.ts';
import { ResultStore, type FailedPoint } from './store.ts';
import { ensureLifTrace, ensureTrace, type TraceRecipe } from './traces.ts';
import type { WorkerTask } from './worker.ts';
import { WORKER_URL } from './worker-url.ts';
import { writeFileAtomic } from '../util/output-dir.ts';

/** Progress of a sweep: points with a result (including earlier runs'), of `total`. */
export interface DseProgress {
  done: number;
  total: number;
  /** Points that failed for good (queued executor: after three attempts). */
  failed: number;
  /** Queued executor: jobs waiting for a worker or being evaluated. */
  waiting?: number;
}

/** Where finished points go: the executor calls these as results come in. */
export interface ResultSink {
  rows(rows: readonly DseRow[]): void;
  failed(failed: readonly FailedPoint[]): void;
}

/** Evaluates `pending` (points without a stored result), reporting each result to `sink`. */
export type Executor = (pending: readonly DesignPoint[], sink: ResultSink) => Promise<void>;

export interface DseOptions extends PlanOptions {
  preset: PaperPreset;
  out: string;
  batch: number;
  /** Worker threads; 0 evaluates in the main thread. */
  workers: number;
  /**
   * Pareto axes, numeric dse.csv columns by header or key (minimised; accuracy, throughput and
   * utilisation maximised). Default: energy, latency, area (not under --fixed-area), plus accuracy
   * when every image has a label.
   */
  objectives?: readonly string[];
  /** `column op number` (op: <=, <, >=, >); points that violate one are infeasible: kept, never on the front. */
  constraints?: readonly string[];
  /** Stop after this many newly evaluated points (simulates an interruption in tests; local executor). */
  stopAfter?: number;
  /**
   * Evaluates the pending points instead of the local executor (queue.ts builds one that goes
   * through Redis); it receives the recipe for the traces the points need.
   */
  executor?: (recipe: TraceRecipe, onQueue: (p: Pick<DseProgress, 'waiting'>) => void) => Executor;
  onProgress?: (p: DseProgress) => void;
}

export interface DseOutcome {
  points: DesignPoint[];
  /** Combinations --fixed-area refused (even an empty buffer leaves the chip over the area budget). */
  refused: Plan['refused'];
  /** --fixed-area: the area every point keeps, mm^2. */
  areaBudgetMm2?: number;
  /** Points evaluated by this run (the rest were already in the store). */
  evaluated: number;
  /** Points of this sweep that failed for good, with their errors (they have no row). */
  failed: FailedPoint[];
  complete: boolean;
  /** The results store (SQLite). */
  storeFile: string;
  dseFile: string;
  paretoFile?: string;
  /** Rows in dse.csv: this sweep's and earlier sweeps' into the same folder. */
  rows: number;
  /** Ids on the Pareto front. */
  front: string[];
  /** Ids that meet every constraint. */
  feasible: string[];
  /** What the front optimises (dse.csv headers). */
  objectives: Objective[];
  constraints: Constraint[];
  /** The axes of every sweep run into the folder (dse.csv's axis columns; a row's cell is empty under an axis its sweep lacked). */
  folderAxes: Axis[];
}

/** Objectives and constraints resolved against the sweep's columns, so a typo fails before any work. */
function selection(o: DseOptions, numeric: readonly string[], all: readonly string[], labelled: boolean): { objectives: Objective[]; constraints: Constraint[] } {
  // Under --fixed-area every point has the same area: as an objective it would only sort rounding noise.
  const defaults = DEFAULT_OBJECTIVES.filter((x) => !(x === 'area' && o.fixedArea !== undefined));
  const names = o.objectives ?? [...defaults, ...(labelled ? ['accuracy'] : [])];
  const objectives = resolveObjectives(names, numeric, all);
  if (!labelled && objectives.some((x) => x.column === 'accuracy')) throw new Error('objective accuracy needs labelled images (--dataset, or a .npy input with labels)');
  return { objectives, constraints: resolveConstraints(o.constraints ?? [], numeric, all) };
}

/** The local executor: one trace per network setting, hardware points in `workers` threads (0: this thread). */
export function localExecutor(recipe: TraceRecipe, traceDir: string, workers: number, stopAfter = Infinity): Executor {
  return async (pending, sink) => {
    const groups = new Map<string, DesignPoint[]>();
    for (const p of pending) groups.set(p.networkKey, [...(groups.get(p.networkKey) ?? []), p]);
    const limit = Math.min(pending.length, stopAfter);
    let evaluated = 0;
    const threads = Math.min(workers, Math.max(1, pending.length));
    const pool = threads > 0 && limit > 0
      ? new Piscina<WorkerTask, DseRow>({ filename: WORKER_URL, maxThreads: threads, minThreads: threads })
      : null;
    try {
      for (const [key, points] of groups) {
        if (evaluated >= limit) break;
        const { file, facts } = ensureTrace(recipe, key, points[0].network, traceDir);
        // --neuron lif|mlif: the LIF twin of every point replays the LIF-family network's own trace.
        const lifFile = points[0].network.neuron ? await ensureLifTrace(recipe, key, points[0].network, traceDir) : undefined;
        const todo = points.slice(0, limit - evaluated);
        evaluated += todo.length;
        if (pool) {
          await Promise.all(todo.map(async (point) => sink.rows([await pool.run({ point, traceFile: file, facts, ...(lifFile ? { lifTraceFile: lifFile } : {}) })])));
        } else {
          const trace = loadTrace(file);
          const lifTrace = lifFile ? loadTrace(lifFile) : undefined;
          for (const point of todo) sink.rows([evaluatePoint(point, trace, facts, lifTrace)]);
        }
      }
    } finally {
      await pool?.destroy();
    }
  };
}

/** The axes of every sweep in the store, merged by key in order of first appearance (dse.csv's axis columns). */
function unionAxes(sweeps: readonly { axes: { key: string; values: SweepValue[] }[] }[]): Axis[] {
  const byKey = new Map<string, SweepValue[]>();
  for (const s of sweeps) {
    for (const a of s.axes) {
      const values = byKey.get(a.key) ?? [];
      for (const v of a.values) if (!values.includes(v)) values.push(v);
      byKey.set(a.key, values);
    }
  }
  return [...byKey].map(([key, values]) => ({ key, values }));
}

export async function runDse(o: DseOptions): Promise<DseOutcome> {
  const storeFile = join(o.out, 'results.sqlite');
  // A folder of an stcsim from before the store: its rows live only in dse.csv, which this run would
  // overwrite (they cannot be read back into rows), so it is refused rather than lost.
  if (existsSync(join(o.out, 'dse.csv')) && !existsSync(storeFile)) {
    throw new UsageError(`${join(o.out, 'dse.csv')} was written by an older stcsim (no results.sqlite beside it); move it away or choose another --out`);
  }
  const plan = planPoints(o);
  const { points } = plan;
  mkdirSync(o.out, { recursive: true });
  const store = new ResultStore(storeFile);
  try {
    store.addSweep({ id: contentHash(points.map((p) => p.id)), axes: o.axes, points: points.map((p) => p.id) });
    // Every sweep into this folder, so the columns (and a typo in an objective) are known before any work.
    const sweeps = store.sweeps();
    const derived = o.fixedArea === undefined ? undefined : { buffer: fixedAreaBuffer(o.fixedArea).buffer };
    const folderAxes = unionAxes(sweeps);
    const columns = dseColumns(folderAxes, derived);
    const headers = columns.map((c) => csvHeader(c));
    const { objectives, constraints } = selection(o, numericHeaders(columns), headers, plan.labelled);

    const done = store.doneIds();
    const ids = new Set(points.map((p) => p.id));
    const pending = points.filter((p) => !done.has(p.id));
    let finished = points.length - pending.length;
    let failedNow = 0;
    let waiting: number | undefined;
    let evaluated = 0;
    const report = (): void => o.onProgress?.({ done: finished, total: points.length, failed: failedNow, ...(waiting !== undefined ? { waiting } : {}) });
    report();
    const sink: ResultSink = {
      rows: (rows) => {
        store.putRows(rows.map((row) => ({ row })));
        const fresh = rows.filter((r) => ids.has(r.id) && !done.has(r.id));
        for (const r of fresh) done.add(r.id);
        finished += fresh.length;
        evaluated += fresh.length;
        report();
      },
      failed: (failed) => {
        store.putFailed(failed);
        failedNow += failed.filter((f) => ids.has(f.id)).length;
        report();
      },
    };
    const recipe: TraceRecipe = { model: o.model, inputs: o.inputs, batch: o.batch, spikingClassifier: o.spikingClassifier, preset: o.preset };
    const executor = o.executor
      ? o.executor(recipe, (q) => { waiting = q.waiting; report(); })
      : localExecutor(recipe, join(o.out, 'traces'), o.workers, o.stopAfter);
    if (pending.length > 0) await executor(pending, sink);

    // The rows of every sweep in the folder: earlier sweeps first, each in point order (not
    // completion order), so the file is the same however a sweep was interrupted.
    const order: string[] = [];
    const seen = new Set<string>();
    for (const s of sweeps) for (const id of s.points) if (!seen.has(id)) { seen.add(id); order.push(id); }
    const rows = store.rows(order);
    const listed = order.filter((id) => rows.has(id));
    const header = csvHeaderLine(columns);
    const lines = listed.map((id) => csvRowLine(columns, rows.get(id) as DseRow));
    // Feasibility is recomputed, so a sweep resumed with other constraints marks every row by the current ones.
    const chosen = selectFront(header, lines, objectives, constraints);
    const dseFile = join(o.out, 'dse.csv');
    writeFileAtomic(dseFile, [header, ...chosen.lines].join('\n') + '\n');
    const failed = store.failed(ids);
    const complete = points.every((p) => done.has(p.id));
    const base = {
      points, refused: plan.refused, ...(plan.areaBudgetMm2 !== undefined ? { areaBudgetMm2: plan.areaBudgetMm2 } : {}),
      evaluated, failed, storeFile, dseFile, rows: listed.length, objectives, constraints, folderAxes,
    };
    if (!complete) return { ...base, complete, front: [], feasible: [] };
    const paretoFile = join(o.out, 'pareto.csv');
    writeFileAtomic(paretoFile, [header, ...chosen.front.map((i) => chosen.lines[i])].join('\n') + '\n');
    return {
      ...base, complete, paretoFile,
      front: chosen.front.map((i) => listed[i]),
      feasible: listed.filter((_, i) => chosen.feasible[i]),
    };
  } finally {
    store.close();
  }
}


export const defaultWorkers = (): number => Math.max(1, availableParallelism());
