/** `stcsim dse <arch|model> --sweep key=v1,v2 ...`: flags in, app/dse.ts runs, a progress bar and the summary out. */
import { InvalidArgumentError, type Command } from 'commander';
import type { BackendChoice } from '../run/backend.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import type { InputFlags } from '../run/setup.ts';
import { ALIASES, parseSweep, type Axis } from '../dse/space.ts';
import { parseConstraint } from '../dse/objectives.ts';
import type { DseCommandResult } from '../app/dse.ts';
import { runAction } from './run-action.ts';
import { nonNegativeInt, positiveInt, positiveNumber } from './parse.ts';
import { addEventOptions, addInputOptions, addModelOptions, addStcbOptions } from './options.ts';
import { addNeuronOptions, lifFlags, type NeuronFlags } from './neuron-options.ts';
import { progressBar } from './progress.ts';

interface DseFlags extends InputFlags, StcbSettings, NeuronFlags {
  lifModel?: string;
  sweep: Axis[];
  sweepFile?: string;
  objectives?: string[];
  constraint: string[];
  fixedArea?: string;
  quantize: boolean;
  batch: number;
  energyPreset: string;
  spikingClassifier: boolean;
  accelerator: string;
  node: number;
  voltage?: number;
  workers?: number;
  out?: string;
  backend: BackendChoice;
  progress: boolean;
  charts: boolean;
  json: boolean;
  queue?: string;
  maxPoints?: number;
}

/** One --sweep, parsed as it is read (so a bad axis is a usage error before anything loads). */
function sweepAxis(spec: string, acc: Axis[]): Axis[] {
  try {
    return [...acc, parseSweep(spec)];
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
}

/** "energy,latency" -> ['energy', 'latency'] (checked against the columns when the sweep is planned). */
function objectiveList(v: string): string[] {
  const names = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError('--objectives takes column names, e.g. energy,latency,area');
  return names;
}

function constraintList(spec: string, acc: string[]): string[] {
  try {
    parseConstraint(spec);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
  return [...acc, spec];
}

function summary(r: DseCommandResult): string {
  const infeasible = r.rows - r.feasible.length;
  const earlier = r.points.length - r.evaluated - r.failed.length;
  return [
    `${r.points.length} points (${r.evaluated} evaluated now, ${earlier} from an earlier run${r.failed.length > 0 ? `, ${r.failed.length} failed` : ''}) in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    ...(r.rows > r.points.length ? [`dse.csv also keeps ${r.rows - r.points.length} row(s) of earlier sweeps into this folder`] : []),
    ...r.failed.slice(0, 5).map((f) => `failed: ${f.id} after ${f.attempts} attempt(s): ${f.error}`),
    ...(r.failed.length > 5 ? [`failed: ${r.failed.length - 5} more (see ${r.storeFile}, table points)`] : []),
    ...(r.areaBudgetMm2 !== undefined ? [`fixed area: every point's chip is ${r.areaBudgetMm2.toPrecision(4)} mm² (the base accelerator's)`] : []),
    ...r.refused.map((x) => `refused: ${x.reason}`),
    ...(r.complete && r.constraints.length > 0 ? [`constraints ${r.constraints.map((c) => c.text).join(', ')}: ${r.feasible.length} feasible, ${infeasible} infeasible`] : []),
    r.complete ? `Pareto front (${r.objectives.map((o) => `${o.column} ${o.sense}`).join(', ')}): ${r.front.length} point(s)` : 'sweep incomplete: re-run the same command to finish it',
    `files: ${r.out}/dse.csv, ${r.out}/pareto.csv${r.charts.map((c) => `, ${r.out}/${c}`).join('')}, ${r.storeFile}`,
    '',
  ].join('\n');
}

export function registerDseCommand(program: Command): void {
  const cmd = program
    .command('dse')
    .description('sweep STCB settings, technology and any accelerator field; one spike trace per network setting (weight and activation widths included); Pareto front over energy, latency and area (plus accuracy with labels), constraints, same-area comparisons')
    .argument('<model>', 'zoo network or path to a tfjs model.json')
    .option('--sweep <key=v1,v2,...>', `an axis (repeatable): timesteps, vth0, tau, schedule, node, voltage, or an accelerator field by JSON path (e.g. acArray.lanes, options.spikeStorage; a bare number in a width field such as precision.weight means bits); aliases: ${Object.keys(ALIASES).join(', ')}`, sweepAxis, [])
    .option('--sweep-file <file>', 'YAML or JSON file with "sweep" (key: [values]) and optionally "objectives" and "constraints"; --sweep adds axes (a key in both takes the command line\'s values)')
    .option('--objectives <list>', 'Pareto axes: numeric dse.csv columns by name, e.g. energy,latency,area,edp (default energy,latency,area, plus accuracy when the images have labels); minimised, except accuracy, throughput and utilisation', objectiveList)
    .option('--constraint <column op number>', "keep only points that meet it on the front, e.g. 'area_mm2<=2' (repeatable; <=, <, >=, >); violating points stay in dse.csv with feasible=false", constraintList, [])
    .option('--fixed-area <buffer>', 'same-area comparison: solve this buffer\'s capacity (weight_buffer, act_buffer, spike_buffer, psum_buffer) per point so the chip keeps the base accelerator\'s area')
    .option('--no-quantize', 'run the network in float32 instead of each point\'s weight and activation widths');
  addStcbOptions(cmd, ' where not swept');
  addInputOptions(cmd);
  addEventOptions(cmd);
  addModelOptions(cmd);
  addNeuronOptions(cmd)
    .option('--lif-model <dir>', '--neuron lif|mlif: a trained LIF-family model whose own spikes every point\'s LIF twin replays (default: seeded weights at each point\'s T)');
  cmd
    .option('--node <nm>', 'process node where not swept', positiveNumber('--node'), 45)
    .option('--voltage <V>', 'supply voltage where not swept (default: nominal)', positiveNumber('--voltage'))
    .option('--workers <n>', 'worker threads (0: main thread; default: one per CPU)', nonNegativeInt('--workers'))
    .option('--out <dir>', 'output folder (default reports/<model>-dse); re-running resumes it, a different sweep adds its rows')
    .option('--queue <redis://HOST:PORT/DB>', 'enqueue the points without a result in Redis for `stcsim worker` processes (any machine) and wait for them; results still go to <out>/results.sqlite')
    .option('--max-points <n>', 'refuse a sweep of more points than this before planning it (default 100000)', positiveInt('--max-points'))
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result (points, front, files) as JSON to stdout instead of the summary', false)
    .option('--no-charts', 'skip the PNG/SVG charts')
    .action(async (model: string, flags: DseFlags, c: Command) => {
      await runAction(async () => {
        const bar = await progressBar(flags.queue === undefined
          ? 'dse |{bar}| {value}/{total} points | {duration_formatted} | eta {eta_formatted}'
          : 'dse |{bar}| {value}/{total} done | {failed} failed | {waiting} waiting | {duration_formatted} | eta {eta_formatted}', flags.progress && !flags.json);
        const { dse } = await import('../app/dse.ts');
        let started = false;
        const result = await dse({
          model, axes: flags.sweep, sweepFile: flags.sweepFile, objectives: flags.objectives, constraints: flags.constraint,
          fixedArea: flags.fixedArea, quantize: flags.quantize, inputs: flags,
          settings: { timesteps: flags.timesteps, vth0: flags.vth0, tau: flags.tau, schedule: flags.schedule },
          explicitSettings: (['timesteps', 'vth0', 'tau', 'schedule'] as const).filter((k) => c.getOptionValueSource(k) === 'cli'),
          batch: flags.batch, energyPreset: flags.energyPreset, spikingClassifier: flags.spikingClassifier,
          accelerator: flags.accelerator, node: flags.node, voltageV: flags.voltage, workers: flags.workers,
          out: flags.out, backend: flags.backend, charts: flags.charts, queue: flags.queue, maxPoints: flags.maxPoints,
          ...(flags.neuron === 'lif' || flags.neuron === 'mlif' ? { neuron: { kind: flags.neuron, lifModel: flags.lifModel, lif: lifFlags(flags) } } : {}),
        }, {
          onProgress: (p) => {
            if (!bar) return;
            // Failed points have a result too: the bar reaches its end when every point has one.
            const payload = { failed: p.failed, waiting: p.waiting ?? 0 };
            if (!started) { bar.start(p.total, p.done + p.failed, payload); started = true; }
            bar.update(p.done + p.failed, payload);
          },
          onRedisError: (e) => { if (!bar) process.stderr.write(`dse: redis: ${e.message} (retrying)\n`); },
        });
        bar?.stop();
        process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : summary(result));
        // A point that failed for good makes the run a failed run (exit 1), its rows kept.
        if (result.failed.length > 0) process.exitCode = 1;
      });
    });
}
