/** `stcsim dse <arch|model> --sweep key=v1,v2 ...`: design-space exploration with a Pareto front. */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { paperPreset } from '../energy/paper.ts';
import { initBackend, type BackendChoice } from '../run/backend.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import type { InputFlags } from '../run/setup.ts';
import { defaultWorkers, runDse } from '../dse/run.ts';
import { ALIASES, parseSweep, type Axis } from '../dse/space.ts';
import { energyVsTimestepsChart, paretoChart } from '../reports/charts/index.ts';
import { writeChart } from '../reports/charts/render.ts';
import { parseCsv } from '../reports/table.ts';
import { runAction } from './run-action.ts';
import { nonNegativeInt, positiveNumber } from './parse.ts';
import { addInputOptions, addModelOptions, addStcbOptions } from './options.ts';

interface DseFlags extends InputFlags, StcbSettings {
  sweep: string[];
  batch: number;
  energyPreset: string;
  spikingClassifier: boolean;
  accelerator: string;
  node: number;
  voltage?: number;
  workers: number;
  out?: string;
  backend: BackendChoice;
  progress: boolean;
  charts: boolean;
}

/** Charts of a finished sweep, read back from its CSV files (the source of truth). */
async function sweepCharts(out: string, axes: readonly Axis[], front: ReadonlySet<string>): Promise<string[]> {
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

export function registerDseCommand(program: Command): void {
  const cmd = program
    .command('dse')
    .description('sweep STCB settings, technology and any accelerator field; one spike trace per network setting; Pareto front')
    .argument('<model>', 'zoo network or path to a tfjs model.json')
    .option('--sweep <key=v1,v2,...>', `an axis (repeatable): timesteps, vth0, tau, schedule, node, voltage, or an accelerator field by JSON path (e.g. acArray.lanes, options.spikeStorage); aliases: ${Object.keys(ALIASES).join(', ')}`, (v: string, acc: string[]) => [...acc, v], []);
  addStcbOptions(cmd, ' where not swept');
  addInputOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--node <nm>', 'process node where not swept', positiveNumber('--node'), 45)
    .option('--voltage <V>', 'supply voltage where not swept (default: nominal)', positiveNumber('--voltage'))
    .option('--workers <n>', 'worker threads (0: main thread)', nonNegativeInt('--workers'), defaultWorkers())
    .option('--out <dir>', 'output folder (default reports/<model>-dse); re-running resumes it')
    .option('--no-progress', 'no progress bar')
    .option('--no-charts', 'skip the PNG/SVG charts')
    .action(async (model: string, flags: DseFlags, c: Command) => {
      await runAction(async () => {
        if (flags.sweep.length === 0) throw new Error('give at least one --sweep key=v1,v2,...');
        const axes = flags.sweep.map(parseSweep);
        const dup = axes.find((a, i) => axes.findIndex((b) => b.key === a.key) !== i);
        if (dup) throw new Error(`--sweep ${dup.key} is given twice`);
        await initBackend(flags.backend);
        const out = flags.out ?? join('reports', `${model.replace(/[^A-Za-z0-9._-]+/g, '_')}-dse`);
        const total = axes.reduce((a, x) => a * x.values.length, 1);
        const bar = flags.progress && process.stderr.isTTY
          ? new SingleBar({ format: 'dse |{bar}| {value}/{total} points | {duration_formatted} | eta {eta_formatted}', stream: process.stderr }, Presets.shades_classic)
          : null;
        bar?.start(total, 0);
        const t0 = performance.now();
        const result = await runDse({
          model, inputs: flags, settings: { timesteps: flags.timesteps, vth0: flags.vth0, tau: flags.tau, schedule: flags.schedule },
          explicitSettings: (['timesteps', 'vth0', 'tau', 'schedule'] as const).filter((k) => c.getOptionValueSource(k) === 'cli'),
          spikingClassifier: flags.spikingClassifier, preset: paperPreset(flags.energyPreset), accelerator: flags.accelerator,
          node: flags.node, voltageV: flags.voltage, axes, out, batch: flags.batch, workers: flags.workers,
          onProgress: (done) => bar?.update(done),
        });
        bar?.stop();
        const charts = flags.charts ? await sweepCharts(out, axes, new Set(result.front)) : [];
        process.stdout.write([
          `${result.points.length} points (${result.evaluated} evaluated now, ${result.points.length - result.evaluated} from an earlier run) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
          result.complete ? `Pareto front (${result.objectives.join(', ')}): ${result.front.length} point(s)` : 'sweep incomplete: re-run the same command to finish it',
          `files: ${out}/dse.csv, ${out}/pareto.csv${charts.map((c) => `, ${out}/${c}`).join('')}`,
          '',
        ].join('\n'));
      });
    });
}
