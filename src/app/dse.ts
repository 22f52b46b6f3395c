/**
 * The dse flow as one function: sweep axes -> backend -> dse/run.ts (traces, workers, dse.csv,
 * pareto.csv) -> charts read back from the CSV. Returns data; printing and the progress bar are the
 * CLI's job (src/cli/dse.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paperPreset } from '../energy/paper.ts';
import { initBackend, type BackendChoice } from '../run/backend.ts';
import type { InputFlags } from '../run/setup.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import { defaultWorkers, runDse, type DseOutcome } from '../dse/run.ts';
import type { Axis } from '../dse/space.ts';
import { parseCsv } from '../reports/table.ts';
import { UsageError } from '../util/errors.ts';

export interface DseCommandOptions {
  /** Zoo network or path to a tfjs model.json. */
  model: string;
  /** The swept axes (dse/space.ts parseSweep); at least one, each key once. */
  axes: Axis[];
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
}

export interface DseHooks {
  /** Points finished (including those found in an earlier run's dse.csv), of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface DseCommandResult extends DseOutcome {
  out: string;
  /** Chart files written, relative to `out`. */
  charts: string[];
  /** Number of design points (the product of the axes' lengths). */
  total: number;
  elapsedMs: number;
}

/** Rejects a sweep that cannot run before any work starts. */
function checkAxes(axes: readonly Axis[]): void {
  if (axes.length === 0) throw new UsageError('give at least one --sweep key=v1,v2,...');
  const dup = axes.find((a, i) => axes.findIndex((b) => b.key === a.key) !== i);
  if (dup) throw new UsageError(`--sweep ${dup.key} is given twice`);
}

/** Charts of a finished sweep, read back from its CSV files (the source of truth). */
async function sweepCharts(out: string, axes: readonly Axis[], front: ReadonlySet<string>): Promise<string[]> {
  // Vega and resvg load only when charts are drawn.
  const { energyVsTimestepsChart, paretoChart } = await import('../reports/charts/index.ts');
  const { writeChart } = await import('../reports/charts/render.ts');
  const rows = parseCsv(readFileSync(join(out, 'dse.csv'), 'utf8')).filter((r) => r.length > 1);
  const [head, ...data] = rows;
  const at = (r: string[], k: string): string => r[head.indexOf(k)];
  const label = (r: string[]): string => axes.map((a) => `${a.key}=${at(r, a.key)}`).join(' ');
  const written: string[] = [];
  await writeChart(join(out, 'charts'), 'pareto', paretoChart(data.map((r) => ({
    id: at(r, 'id'), energyPJ: Number(at(r, 'energy_pJ')), latencyS: Number(at(r, 'latency_s')), onFront: front.has(at(r, 'id')),
    label: front.has(at(r, 'id')) ? label(r) : undefined,
  })), { title: 'Energy vs latency per inference (Pareto front highlighted)' }));
  written.push('charts/pareto.png');
  const others = axes.filter((a) => a.key !== 'timesteps');
  if (axes.some((a) => a.key === 'timesteps')) {
    await writeChart(join(out, 'charts'), 'energy-vs-timesteps', energyVsTimestepsChart(data.map((r) => ({
      timesteps: Number(at(r, 'timesteps')),
      series: others.length > 0 ? others.map((a) => `${a.key}=${at(r, a.key)}`).join(' ') : 'hardware',
      energyPJ: Number(at(r, 'energy_pJ')),
    })), { title: 'Hardware-mode energy per inference vs time steps' }));
    written.push('charts/energy-vs-timesteps.png');
  }
  return written;
}

/** The whole dse command; the CLI action and tests call this. */
export async function dse(o: DseCommandOptions, hooks: DseHooks = {}): Promise<DseCommandResult> {
  checkAxes(o.axes);
  const preset = paperPreset(o.energyPreset);
  await initBackend(o.backend);
  const out = o.out ?? join('reports', `${o.model.replace(/[^A-Za-z0-9._-]+/g, '_')}-dse`);
  const total = o.axes.reduce((a, x) => a * x.values.length, 1);
  const t0 = performance.now();
  const result = await runDse({
    model: o.model, inputs: o.inputs, settings: o.settings, explicitSettings: o.explicitSettings,
    spikingClassifier: o.spikingClassifier, preset, accelerator: o.accelerator,
    node: o.node, voltageV: o.voltageV, axes: o.axes, out, batch: o.batch, workers: o.workers ?? defaultWorkers(),
    onProgress: hooks.onProgress,
  });
  const charts = o.charts !== false && result.complete ? await sweepCharts(out, o.axes, new Set(result.front)) : [];
  return { ...result, out, charts, total, elapsedMs: performance.now() - t0 };
}
