/**
 * Design-space exploration on one machine: points are grouped by network setting, each group's spike
 * trace is recorded once (content-addressed, reused on re-runs), and hardware points are evaluated in
 * worker threads. Every finished point is appended to dse.csv at once, so an interrupted sweep loses
 * nothing and a re-run computes only the missing points. At the end dse.csv is rewritten in point
 * order, so an interrupted-and-resumed sweep leaves the same file as an uninterrupted one. Planning
 * (points, --fixed-area) is plan.ts; feasibility and the Pareto front over the finished rows, select.ts.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { paperEnergy, type PaperPreset } from '../energy/paper.ts';
import { profileNetwork } from '../run/profile.ts';
import { prepareRun } from '../run/setup.ts';
import { loadTrace, saveTrace, traceFile } from '../trace/store.ts';
import { csvHeader, csvHeaderLine, csvRowLine, parseCsv } from '../reports/table.ts';
import { dseColumns, numericHeaders } from './columns.ts';
import { evaluatePoint, type DseRow, type NetworkFacts } from './evaluate.ts';
import { fixedAreaBuffer } from './fixed-area.ts';
import { DEFAULT_OBJECTIVES, cellNumber, resolveConstraints, resolveObjectives, satisfies, type Constraint, type Objective } from './objectives.ts';
import { planPoints, type Plan, type PlanOptions } from './plan.ts';
import type { DesignPoint, NetworkSetting } from './point.ts';
import { selectFront } from './select.ts';
import type { WorkerTask } from './worker.ts';

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
  /** Stop after this many newly evaluated points (simulates an interruption in tests). */
  stopAfter?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DseOutcome {
  points: DesignPoint[];
  /** Combinations --fixed-area refused (even an empty buffer leaves the chip over the area budget). */
  refused: Plan['refused'];
  /** --fixed-area: the area every point keeps, mm^2. */
  areaBudgetMm2?: number;
  /** Points evaluated by this run (the rest were already in dse.csv). */
  evaluated: number;
  complete: boolean;
  dseFile: string;
  paretoFile?: string;
  /** Ids on the Pareto front. */
  front: string[];
  /** Ids that meet every constraint. */
  feasible: string[];
  /** What the front optimises (dse.csv headers). */
  objectives: Objective[];
  constraints: Constraint[];
}

/** Existing rows by id (the raw CSV lines), after checking the file was made by the same sweep. */
function readDone(file: string, header: string): Map<string, string> {
  const done = new Map<string, string>();
  if (!existsSync(file)) return done;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[0] !== header) {
    throw new Error(`${file} was written by a different sweep (its columns differ); choose another --out or delete it`);
  }
  // The last element is '' after a final newline, or a line cut by an interruption: drop it (that
  // point is recomputed) and leave the file ending on a whole line for the appends that follow.
  if (!text.endsWith('\n')) writeFileSync(file, lines.slice(0, -1).join('\n') + '\n');
  for (const line of lines.slice(1, -1)) {
    if (line.trim() === '') continue;
    const id = parseCsv(line)[0]?.[0];
    if (id) done.set(id, line);
  }
  return done;
}

interface Group {
  key: string;
  network: NetworkSetting;
  points: DesignPoint[];
}

/** Records (or reuses) the spike trace and the network facts of one network setting. */
function ensureTrace(o: DseOptions, g: Group, traceDir: string): { file: string; facts: NetworkFacts } {
  const file = traceFile(traceDir, g.key);
  const factsFile = join(traceDir, `${g.key}.json`);
  if (existsSync(file) && existsSync(factsFile)) {
    return { file, facts: JSON.parse(readFileSync(factsFile, 'utf8')) as NetworkFacts };
  }
  // Fresh weights per setting: untrained zoo weights calibrate batch norm on the run itself.
  const { model, images } = prepareRun(o.model, o.inputs);
  const run = profileNetwork(model.graph, model.weights, images, {
    settings: g.network.settings, batch: o.batch, traceImages: images.shape[0], spikingClassifier: o.spikingClassifier,
    ...(g.network.quantization ? { quantization: g.network.quantization } : {}),
    ...(g.network.binaryLayers ? { binaryLayers: g.network.binaryLayers } : {}),
  });
  if (!run.trace) throw new Error('no spike trace was recorded');
  const energy = paperEnergy(run.counts, o.preset);
  const spikingNeuronSteps = run.counts.layers.reduce((a, l) => a + (l.encoderCompares > 0 ? l.neuronsIn * l.timesteps : 0), 0);
  const facts: NetworkFacts = {
    accuracy: run.accuracy ?? null,
    paperSnnPJ: energy.totals.snnPJ,
    paperAnnPJ: energy.totals.annPJ,
    firingRate: spikingNeuronSteps > 0 ? run.counts.totals.encoderSubtracts / spikingNeuronSteps : 0,
    spikesPerImage: run.counts.totals.spikes,
    acsPerImage: run.counts.totals.acExact,
  };
  saveTrace(traceDir, g.key, run.trace);
  writeFileSync(factsFile, JSON.stringify(facts, null, 2) + '\n');
  return { file, facts };
}

/**
 * The worker's entry file beside this one: worker.ts when this module runs from src/ (tsx: tests, bench),
 * worker.js when it runs compiled from dist/ (tsc rewrites import specifiers, not URLs in strings).
 */
const WORKER_URL = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/** Objectives and constraints resolved against the sweep's columns, so a typo fails before any work. */
function selection(o: DseOptions, numeric: readonly string[], all: readonly string[], labelled: boolean): { objectives: Objective[]; constraints: Constraint[] } {
  // Under --fixed-area every point has the same area: as an objective it would only sort rounding noise.
  const defaults = DEFAULT_OBJECTIVES.filter((x) => !(x === 'area' && o.fixedArea !== undefined));
  const names = o.objectives ?? [...defaults, ...(labelled ? ['accuracy'] : [])];
  const objectives = resolveObjectives(names, numeric, all);
  if (!labelled && objectives.some((x) => x.column === 'accuracy')) throw new Error('objective accuracy needs labelled images (--dataset, or a .npy input with labels)');
  return { objectives, constraints: resolveConstraints(o.constraints ?? [], numeric, all) };
}

export async function runDse(o: DseOptions): Promise<DseOutcome> {
  const columns = dseColumns(o.axes, o.fixedArea === undefined ? undefined : { buffer: fixedAreaBuffer(o.fixedArea).buffer });
  const headers = columns.map((c) => csvHeader(c));
  const plan = planPoints(o);
  const { points } = plan;
  const { objectives, constraints } = selection(o, numericHeaders(columns), headers, plan.labelled);
  mkdirSync(o.out, { recursive: true });
  const traceDir = join(o.out, 'traces');
  const header = csvHeaderLine(columns);
  const dseFile = join(o.out, 'dse.csv');
  const done = readDone(dseFile, header);
  if (!existsSync(dseFile)) writeFileSync(dseFile, `${header}\n`);

  const groups = new Map<string, Group>();
  for (const p of points) {
    if (done.has(p.id)) continue;
    const g = groups.get(p.networkKey) ?? { key: p.networkKey, network: p.network, points: [] };
    g.points.push(p);
    groups.set(p.networkKey, g);
  }
  const pending = [...groups.values()].reduce((a, g) => a + g.points.length, 0);
  const limit = Math.min(pending, o.stopAfter ?? Infinity);
  let evaluated = 0;
  o.onProgress?.(points.length - pending, points.length);

  const record = (row: DseRow): void => {
    const cell = (column: string): number => {
      const v = columns[headers.indexOf(column)].value(row);
      return typeof v === 'number' ? v : cellNumber(String(v));
    };
    const line = csvRowLine(columns, { ...row, feasible: constraints.every((c) => satisfies(c, cell(c.column))) });
    appendFileSync(dseFile, `${line}\n`);
    done.set(row.id, line);
    evaluated++;
    o.onProgress?.(points.length - pending + evaluated, points.length);
  };

  const workers = Math.min(o.workers, Math.max(1, pending));
  const pool = workers > 0 && limit > 0
    ? new Piscina<WorkerTask, DseRow>({ filename: WORKER_URL, maxThreads: workers, minThreads: workers })
    : null;
  try {
    for (const g of groups.values()) {
      if (evaluated >= limit) break;
      const { file, facts } = ensureTrace(o, g, traceDir);
      const todo = g.points.slice(0, limit - evaluated);
      if (pool) {
        await Promise.all(todo.map(async (point) => record(await pool.run({ point, traceFile: file, facts }))));
      } else {
        const trace = loadTrace(file);
        for (const point of todo) record(evaluatePoint(point, trace, facts));
      }
    }
  } finally {
    await pool?.destroy();
  }

  const base = {
    points, refused: plan.refused, ...(plan.areaBudgetMm2 !== undefined ? { areaBudgetMm2: plan.areaBudgetMm2 } : {}),
    evaluated, dseFile, objectives, constraints,
  };
  const complete = points.every((p) => done.has(p.id));
  if (!complete) return { ...base, complete, front: [], feasible: [] };

  // Point order, not completion order: the file is the same however the sweep was interrupted.
  // Feasibility is recomputed, so a sweep resumed with other constraints marks every row by the current ones.
  const chosen = selectFront(header, points.map((p) => done.get(p.id) as string), objectives, constraints);
  const tmp = `${dseFile}.tmp`;
  writeFileSync(tmp, [header, ...chosen.lines].join('\n') + '\n');
  renameSync(tmp, dseFile);
  const paretoFile = join(o.out, 'pareto.csv');
  writeFileSync(paretoFile, [header, ...chosen.front.map((i) => chosen.lines[i])].join('\n') + '\n');
  return {
    ...base, complete, paretoFile,
    front: chosen.front.map((i) => points[i].id),
    feasible: points.filter((_, i) => chosen.feasible[i]).map((p) => p.id),
  };
}

export const defaultWorkers = (): number => Math.max(1, availableParallelism());
