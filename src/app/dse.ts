/**
 * The dse flow as one function: sweep axes -> backend -> dse/run.ts (traces, workers, dse.csv,
 * pareto.csv) -> charts read back from the CSV. Returns data; printing and the progress bar are the
 * CLI's job (src/cli/dse.ts).
 */
import type { PlanOptions } from '../dse/plan.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paperPreset } from '../energy/paper.ts';
import { initBackend, type BackendChoice } from '../run/backend.ts';
import type { InputFlags } from '../run/setup.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import { defaultWorkers, runDse, type DseOutcome, type DseProgress } from '../dse/run.ts';
import { checkSweepSize } from '../dse/plan.ts';
import type { Objective } from '../dse/objectives.ts';
import { ALIASES, type Axis } from '../dse/space.ts';
import { mergeSweeps, readSweepFile } from '../dse/sweep-file.ts';
import { parseCsv } from '../reports/table.ts';
import { UsageError } from '../util/errors.ts';

export interface DseCommandOptions {
  /** Zoo network or path to a tfjs model.json. */
  model: string;
  /** `--neuron lif|mlif` (+ --lif-model): every point's LIF twin replays that network's own trace. */
  neuron?: PlanOptions['neuron'];
  /** The swept axes (dse/space.ts parseSweep); with `sweepFile`, added to its axes (a key in both takes these values). */
  axes: Axis[];
  /** YAML or JSON file of axes, objectives and constraints (dse/sweep-file.ts). */
  sweepFile?: string;
  /** Pareto axes (dse.csv columns); replaces the sweep file's. Default energy, latency, area (+ accuracy with labels). */
  objectives?: string[];
  /** `column op number` constraints, added to the sweep file's. */
  constraints?: string[];
  /** Buffer whose capacity is solved per point so the chip keeps the base accelerator's area. */
  fixedArea?: string;
  /** Run each network setting at its accelerator's weight/activation widths (default true). */
  quantize?: boolean;
  inputs: InputFlags;
  /** STEB settings where not swept. */
  settings: StcbSettings;
  /** STEB settings given explicitly; the others come from a trained model's own settings when it has them. */
  explicitSettings?: readonly (keyof StcbSettings)[];
  batch: number;
  energyPreset: string;
  spikingClassifier: boolean;
  accelerator: string;
  /** Process node in nm where not swept. */
  node: number;
  voltageV?: number;
  /** Worker threads (0: main thread); default one per CPU. */
  workers?: number;
  /** Output folder; default reports/<model>-dse. Re-running resumes it. */
  out?: string;
  backend: BackendChoice;
  /** PNG/SVG charts of the finished sweep; default true. */
  charts?: boolean;
  /** redis://HOST:PORT/DB: evaluate through the BullMQ queue by `stcsim worker` processes instead of local threads. */
  queue?: string;
  /** Refuse a sweep of more points than this (default DEFAULT_MAX_POINTS). */
  maxPoints?: number;
}

export interface DseHooks {
  /** Points finished (including those stored by an earlier run), failed and waiting in the queue, of `total`. */
  onProgress?: (p: DseProgress) => void;
  /** Errors talking to Redis (the sweep keeps trying until Redis answers again). */
  onRedisError?: (e: Error) => void;
}

export interface DseCommandResult extends DseOutcome {
  out: string;
  /** The axes swept (the sweep file's and the command line's). */
  axes: Axis[];
  /** Chart files written, relative to `out`. */
  charts: string[];
  /** Number of design points (the product of the axes' lengths). */
  total: number;
  elapsedMs: number;
}

/** Rejects a sweep that cannot run before any work starts. */
function checkAxes(axes: readonly Axis[]): void {
  if (axes.length === 0) throw new UsageError('give at least one --sweep key=v1,v2,... (or a --sweep-file)');
  const dup = axes.find((a, i) => axes.findIndex((b) => b.key === a.key) !== i);
  if (dup) throw new UsageError(`--sweep ${dup.key} is given twice`);
}

/** Short axis names for chart labels: the alias when there is one (ac_lanes rather than acArray.lanes). */
const SHORT_NAMES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(ALIASES).map(([alias, path]) => [path, alias]));

/** Most front points labelled; a larger front gets labels on the best point of each objective. */
const MAX_LABELS = 6;

/**
 * Front points to label: all of a small front; else the best front point of each objective (the
 * ends of the trade-off a designer reads first), in objective order, up to MAX_LABELS.
 */
export function labelledFront(front: readonly number[], objectives: readonly Objective[], value: (row: number, column: string) => number): number[] {
  if (front.length <= MAX_LABELS) return [...front];
  const picked: number[] = [];
  for (const o of objectives) {
    const best = front.reduce((b, i) => {
      const better = o.sense === 'max' ? value(i, o.column) > value(b, o.column) : value(i, o.column) < value(b, o.column);
      return better ? i : b;
    });
    if (!picked.includes(best)) picked.push(best);
  }
  return picked.slice(0, MAX_LABELS);
}

/** Charts of a finished sweep, read back from its CSV files (the source of truth). */
async function sweepCharts(out: string, axes: readonly Axis[], r: DseOutcome): Promise<string[]> {
  // Vega and resvg load only when charts are drawn.
  const { energyVsTimestepsChart, paretoChart } = await import('../reports/charts/index.ts');
  const { writeChart } = await import('../reports/charts/render.ts');
  const rows = parseCsv(readFileSync(join(out, 'dse.csv'), 'utf8')).filter((x) => x.length > 1);
  const [head, ...data] = rows;
  const at = (x: string[], k: string): string => x[head.indexOf(k)];
  const num = (i: number, k: string): number => Number(at(data[i], k));
  const onFront = new Set(r.front);
  const frontRows = data.map((_, i) => i).filter((i) => onFront.has(at(data[i], 'id')));
  const labelled = new Set(labelledFront(frontRows, r.objectives, num));
  // --fixed-area: the solved capacity is part of what tells the points apart.
  const fixed = r.points[0]?.fixedArea?.buffer;
  const label = (x: string[]): string => [
    // Every sweep in the folder names its points by its own axes: empty cells belong to another sweep's.
    ...r.folderAxes.filter((a) => at(x, a.key) !== '').map((a) => `${SHORT_NAMES[a.key] ?? a.key}=${at(x, a.key)}`),
    ...(fixed ? [`${fixed}=${(Number(at(x, `${fixed}_capacity_bits`)) / 8192).toFixed(0)} KiB`] : []),
  ].join(' ');
  const accuracyKnown = data.every((x) => at(x, 'accuracy') !== '');
  const names = r.objectives.map((o) => o.column.replace(/_(pJ|s|mm2|pJs)$/, ''));
  const twoAxes = names.length === 2 && names.includes('energy') && names.includes('latency');
  const written: string[] = [];
  await writeChart(join(out, 'charts'), 'pareto', paretoChart(data.map((x, i) => ({
    id: at(x, 'id'), energyPJ: Number(at(x, 'energy_pJ')), latencyS: Number(at(x, 'latency_s')), onFront: onFront.has(at(x, 'id')),
    areaMm2: Number(at(x, 'area_mm2')), feasible: at(x, 'feasible') !== 'false',
    ...(accuracyKnown ? { accuracy: Number(at(x, 'accuracy')) } : {}),
    label: labelled.has(i) ? label(x) : undefined,
    tooltip: label(x),
  })), {
    title: 'Energy vs latency per inference',
    subtitle: `Pareto front over ${names.join(', ')}${r.constraints.length > 0 ? ` with ${r.constraints.map((c) => c.text).join(', ')}` : ''}${
      r.areaBudgetMm2 !== undefined ? `; chip area fixed at ${r.areaBudgetMm2.toPrecision(4)} mm²` : ''}`,
    frontLine: twoAxes,
  }));
  written.push('charts/pareto.png');
  const others = axes.filter((a) => a.key !== 'timesteps');
  if (axes.some((a) => a.key === 'timesteps')) {
    await writeChart(join(out, 'charts'), 'energy-vs-timesteps', energyVsTimestepsChart(data.filter((x) => at(x, 'timesteps') !== '').map((x) => ({
      timesteps: Number(at(x, 'timesteps')),
      series: others.length > 0 ? others.map((a) => `${a.key}=${at(x, a.key)}`).join(' ') : 'hardware',
      energyPJ: Number(at(x, 'energy_pJ')),
    })), { title: 'Hardware-mode energy per inference vs time steps' }));
    written.push('charts/energy-vs-timesteps.png');
  }
  return written;
}

/** The whole dse command; the CLI action and tests call this. */
export async function dse(o: DseCommandOptions, hooks: DseHooks = {}): Promise<DseCommandResult> {
  const file = o.sweepFile === undefined ? undefined : readSweepFile(o.sweepFile);
  const sweep = mergeSweeps(file, { axes: o.axes, objectives: o.objectives, constraints: o.constraints ?? [] });
  checkAxes(sweep.axes);
  const total = checkSweepSize(sweep.axes, o.maxPoints);
  const preset = paperPreset(o.energyPreset);
  await initBackend(o.backend);
  const out = o.out ?? join('reports', `${o.model.replace(/[^A-Za-z0-9._-]+/g, '_')}-dse`);
  // Queue workers record and read the STCB trace only; the LIF-family trace is recorded by the local executor.
  if (o.queue !== undefined && o.neuron) throw new UsageError('--queue with --neuron lif|mlif is not supported yet: run that sweep without --queue');
  // The queue module (BullMQ, ioredis) loads only for a queued sweep.
  const executor = o.queue === undefined ? undefined
    : (await import('../dse/queue.ts')).queueExecutor({ url: o.queue, onRedisError: hooks.onRedisError });
  const t0 = performance.now();
  const result = await runDse({
    model: o.model, inputs: o.inputs, settings: o.settings, explicitSettings: o.explicitSettings,
    spikingClassifier: o.spikingClassifier, preset, accelerator: o.accelerator,
    node: o.node, voltageV: o.voltageV, axes: sweep.axes, out, batch: o.batch, workers: o.workers ?? defaultWorkers(),
    objectives: sweep.objectives, constraints: sweep.constraints, fixedArea: o.fixedArea, quantize: o.quantize,
    maxPoints: o.maxPoints, executor, onProgress: hooks.onProgress,
    ...(o.neuron ? { neuron: o.neuron } : {}),
  });
  const charts = o.charts !== false && result.complete ? await sweepCharts(out, sweep.axes, result) : [];
  return { ...result, out, axes: sweep.axes, charts, total, elapsedMs: performance.now() - t0 };
}

/**
 * `stcsim dse-merge`: copies the points of other results stores (results.sqlite of sweeps run
 * elsewhere) into `into` (a DSE folder or a .sqlite file), keyed by point id. Re-running the sweep
 * command on the merged folder then exports dse.csv and pareto.csv without evaluating a point twice.
 */
export async function mergeResults(into: string, from: readonly string[]): Promise<{ file: string; merged: { file: string; points: number }[] }> {
  const { ResultStore } = await import('../dse/store.ts');
  const { existsSync, mkdirSync, statSync } = await import('node:fs');
  const storePath = (p: string): string => (p.endsWith('.sqlite') ? p : join(p, 'results.sqlite'));
  for (const f of from) {
    if (!existsSync(storePath(f)) || !statSync(storePath(f)).isFile()) throw new UsageError(`${storePath(f)}: no results store to merge`);
  }
  const file = storePath(into);
  if (!into.endsWith('.sqlite')) mkdirSync(into, { recursive: true });
  const store = new ResultStore(file);
  try {
    return { file, merged: from.map((f) => ({ file: storePath(f), points: store.merge(storePath(f)) })) };
  } finally {
    store.close();
  }
}
