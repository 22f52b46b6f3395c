/** `stcsim profile <arch|model.json>`: run a network, count every operation, write the report folder. */
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { paperEnergy, paperPreset } from '../energy/paper.ts';
import { isModelPath } from '../model/load.ts';
import { importScaleSimTopology, DEFAULT_SCALESIM_FIRING_RATE } from '../model/scalesim.ts';
import { traceCounts } from '../counts/trace-counts.ts';
import type { NetworkCounts } from '../counts/types.ts';
import { BACKENDS, initBackend, type BackendChoice } from '../run/backend.ts';
import type { ImageSet } from '../run/inputs.ts';
import { profileNetwork } from '../run/profile.ts';
import { prepareRun, type InputFlags } from '../run/setup.ts';
import type { StcbSettings } from '../run/schedule.ts';
import { layerRows, profileSummary, terminalTable, writeProfileReport, writeSummary, type ProfileSummary } from '../reports/profile-report.ts';
import { runAction, UsageError } from './errors.ts';
import { nodeList, positiveInt, positiveNumber, rateList } from './parse.ts';
import { addInputOptions, addModelOptions, addStcbOptions } from './options.ts';
import { loadAccelerator, loadTech, simulate, type SimResult } from '../hw/index.ts';
import { paperToHardwareGap, type GapStep } from '../energy/gap.ts';
import { gapRows, hardwareTerminalTable, HW_FILES, writeHardwareReport } from '../reports/hw-report.ts';
import type { SpikeTrace } from '../trace/types.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { Accelerator } from '../hw/accelerator.ts';
import { hashFiles, inputHashes, sha256File, displayPath, weightHashes, type HashGroup, type InputSource, type RunHashes } from '../run/hashes.ts';
import { RUN_REPORT_FILES, writeRunReport, type RunReportResult } from '../reports/run-report.ts';

export interface ProfileFlags extends InputFlags, StcbSettings {
  batch: number;
  energyPreset: string;
  spikingClassifier: boolean;
  hwImages: number;
  hardware: boolean;
  accelerator: string;
  node: number[];
  voltage?: number;
  out?: string;
  backend: BackendChoice;
  json: boolean;
  progress: boolean;
  /** Charts (PNG/SVG/Vega-Lite) and their place in report.html; default true (`--no-charts`). */
  charts?: boolean;
  /** `--check <summary.json>`: re-run the settings saved there instead of profiling a model. */
  check?: string;
  /** Print nothing (the check's re-run). */
  quiet?: boolean;
  /** `--scalesim <topology.csv>`: profile a SCALE-Sim topology with synthetic spikes instead of a network. */
  scalesim?: string;
  /** Firing rate(s) of the synthetic spikes of --scalesim: one value, or one per CSV row. */
  firingRate?: number[];
  /** --scalesim: make the first row an STCB too. */
  spikingFirstLayer?: boolean;
}

/** The flags that define a run's numbers (output and display flags left out). */
export type RerunFlags = Omit<ProfileFlags, 'out' | 'json' | 'progress' | 'charts' | 'check' | 'quiet'>;

/** What summary.json records so that `profile --check` can repeat the run from any folder. */
export interface RerunSpec {
  /** Zoo name, or the absolute path of the model.json. */
  model: string;
  /** Paths made absolute; backend = the one that ran. */
  flags: RerunFlags;
  /** STEB flags given on the command line (they override settings stored in a trained model). */
  explicit: string[];
}

const STEB_FLAGS = ['timesteps', 'vth0', 'tau', 'schedule'] as const;

function rerunSpec(modelSpec: string, flags: ProfileFlags, backend: string, explicit: (name: string) => boolean): RerunSpec {
  const { out: _out, json: _json, progress: _progress, charts: _charts, check: _check, quiet: _quiet, ...rest } = flags;
  const isPath = (s: string): boolean => s.endsWith('.json') || s.includes('/');
  const chosen = (BACKENDS as readonly string[]).includes(backend) ? (backend as BackendChoice) : flags.backend;
  const f: RerunFlags = {
    ...rest,
    backend: chosen,
    accelerator: isPath(flags.accelerator) ? resolve(flags.accelerator) : flags.accelerator,
    ...(flags.input !== undefined ? { input: resolve(flags.input) } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: resolve(flags.dataDir) } : {}),
    ...(flags.scalesim !== undefined ? { scalesim: resolve(flags.scalesim) } : {}),
    ...(flags.weights !== undefined ? { weights: resolve(flags.weights) } : {}),
  };
  return { model: isModelPath(modelSpec) ? resolve(modelSpec) : modelSpec, flags: f, explicit: STEB_FLAGS.filter((k) => explicit(k)) };
}

/** What the images were, for their fingerprint. */
function inputSource(flags: ProfileFlags, images: ImageSet): InputSource {
  if (flags.input) return { kind: 'file', path: flags.input };
  if (flags.dataset) return { kind: 'dataset', name: flags.dataset, images: images.images, labels: images.labels, shape: images.shape };
  return { kind: 'synthetic', seed: flags.seed, shape: images.shape };
}

export interface ProfileOutcome {
  counts: NetworkCounts;
  summary: ProfileSummary;
  outDir: string;
  /** Files written by writeRunReport, with phase timings. */
  report: RunReportResult;
}

/** What was profiled: a network run on images, or an imported workload with synthetic spikes. */
interface Workload {
  network: string;
  counts: NetworkCounts;
  /** Counts of the images replayed on hardware (equal to counts when all were). */
  tracedCounts?: NetworkCounts;
  trace?: SpikeTrace;
  settings: StcbSettings;
  images: number;
  inputOrigin: string;
  weightsOrigin: string;
  weightsTrained: boolean;
  weightsWarning?: string;
  assumptions?: string[];
  accuracy?: number;
  elapsedMs: number;
  weightHashes: HashGroup;
  inputHashes: HashGroup;
}

/** A zoo network or tfjs model run on images. */
function networkWorkload(modelSpec: string, flags: ProfileFlags, explicit: (name: string) => boolean): Workload {
  const { model, images } = prepareRun(modelSpec, flags);
  // A trained STCSNN carries its own STEB settings; flags given on the command line override them.
  const stored = model.settings;
  const pick = <K extends keyof StcbSettings>(k: K): StcbSettings[K] => (stored && !explicit(k) ? stored[k] : flags[k]);
  const settings: StcbSettings = { timesteps: pick('timesteps'), vth0: pick('vth0'), tau: pick('tau'), schedule: pick('schedule') };
  const total = images.shape[0];
  const bar = flags.progress && !flags.json && !flags.quiet && total > flags.batch && process.stderr.isTTY
    ? new SingleBar({ format: 'profiling |{bar}| {value}/{total} images | {duration_formatted}', stream: process.stderr }, Presets.shades_classic)
    : null;
  bar?.start(total, 0);
  const run = profileNetwork(model.graph, model.weights, images, {
    settings, batch: flags.batch, traceImages: flags.hardware ? flags.hwImages : 0, spikingClassifier: flags.spikingClassifier,
    onBatch: (done) => bar?.update(done),
  });
  bar?.stop();
  return {
    network: model.graph.name, counts: run.counts, tracedCounts: run.tracedCounts, trace: run.trace, settings,
    images: total, inputOrigin: images.origin, weightsOrigin: model.weights.origin, weightsTrained: model.weights.trained,
    accuracy: run.accuracy, elapsedMs: run.elapsedMs,
    weightHashes: flags.weights !== undefined ? hashFiles([flags.weights])
      : weightHashes(model.source === 'file' ? { kind: 'file', modelJson: modelSpec } : { kind: 'init', seed: flags.seed, network: model.graph.name }),
    inputHashes: inputHashes(inputSource(flags, images)),
  };
}

/** A SCALE-Sim topology: its layers with seeded synthetic spikes at the given firing rate(s). */
function scaleSimWorkload(file: string, flags: ProfileFlags): Workload {
  const t0 = performance.now();
  const settings: StcbSettings = { timesteps: flags.timesteps, vth0: flags.vth0, tau: flags.tau, schedule: flags.schedule };
  const rate = flags.firingRate ?? [DEFAULT_SCALESIM_FIRING_RATE];
  const { trace, description } = importScaleSimTopology(file, {
    ...settings, seed: flags.seed, images: flags.images ?? 1, firstLayerMac: flags.spikingFirstLayer !== true,
    firingRate: rate.length === 1 ? rate[0] : rate,
  });
  const counts = traceCounts(trace);
  return {
    network: description.network, counts, tracedCounts: counts, trace: flags.hardware ? trace : undefined, settings,
    images: trace.images, inputOrigin: `synthetic spikes at firing rate ${rate.join(', ')} per neuron and step, seed ${flags.seed}`,
    weightsOrigin: `SCALE-Sim topology ${file} (no weights: counts and energy only)`, weightsTrained: false,
    weightsWarning: 'SCALE-Sim topology: the spikes are synthetic (seeded Bernoulli at the given firing rate), not the activity of a trained network.',
    assumptions: description.assumptions, elapsedMs: performance.now() - t0,
    weightHashes: {}, inputHashes: { [displayPath(file)]: sha256File(file) },
  };
}

/** The whole profile flow; the CLI action and tests call this. */
export async function profile(modelSpec: string, flags: ProfileFlags, explicit: (name: string) => boolean): Promise<ProfileOutcome> {
  const backend = flags.scalesim ? 'none' : await initBackend(flags.backend);
  const preset = paperPreset(flags.energyPreset);
  const work = flags.scalesim ? scaleSimWorkload(flags.scalesim, flags) : networkWorkload(modelSpec, flags, explicit);
  const { settings, counts } = work;
  const total = work.images;

  const energy = paperEnergy(counts, preset);
  const summary = profileSummary({
    network: work.network, model: flags.scalesim ?? modelSpec, settings, spikingClassifier: flags.spikingClassifier, backend,
    seed: flags.seed, images: total, batch: flags.batch, inputOrigin: work.inputOrigin,
    weightsOrigin: work.weightsOrigin, weightsTrained: work.weightsTrained, weightsWarning: work.weightsWarning,
    assumptions: work.assumptions, accuracy: work.accuracy, elapsedMs: work.elapsedMs,
  }, counts, energy);
  const outDir = flags.out ?? join('reports', work.network);
  writeProfileReport(outDir, summary, counts, energy);
  // The gap compares paper mode and the replay on the same images.
  const tracedEnergy = work.tracedCounts && work.tracedCounts !== counts ? paperEnergy(work.tracedCounts, preset) : energy;
  const hardware = work.trace ? replayOnHardware(work.trace, tracedEnergy, flags) : null;
  if (hardware) {
    summary.hardware = writeHardwareReport(outDir, hardware.results, hardware.gaps);
    summary.hardwareImages = work.trace?.images;
    summary.gap = gapRows(hardware.results, hardware.gaps);
    summary.files.push(...HW_FILES);
  }
  const hashes: RunHashes = {
    algorithm: 'sha256',
    accelerator: hardware ? hashFiles([hardware.accel.file]) : {},
    tech: hardware ? hashFiles(hardware.results.flatMap((r) => r.tech.files)) : {},
    weights: work.weightHashes,
    inputs: work.inputHashes,
  };
  summary.hashes = hashes;
  summary.rerun = rerunSpec(modelSpec, flags, backend, explicit);
  const charts = flags.charts !== false;
  summary.files.push(...RUN_REPORT_FILES.filter((f) => charts || f !== 'charts/'));
  writeSummary(outDir, summary);
  const report = await writeRunReport(outDir, { summary, counts, energy, ...(hardware ? { hardware } : {}) }, { charts });

  if (flags.quiet) {
    // the check's re-run: the caller reports
  } else if (flags.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } else {
    process.stdout.write(terminalTable(layerRows(counts, energy)));
    const p = summary.paperEnergy;
    const fmt = (pj: number): string => `${(pj / 1e6).toFixed(3)} uJ`;
    process.stdout.write([
      '',
      `${summary.network}: T=${settings.timesteps} V0=${settings.vth0} tau=${settings.tau} ${settings.schedule}, ${total} image(s), backend ${backend}, ${Math.round(work.elapsedMs)} ms`,
      `paper-mode energy (${preset.name}) per image: SNN ${fmt(p.snnPJ)} (exact AC: ${fmt(p.snnExactPJ)}), ANN twin ${fmt(p.annPJ)}, ANN/SNN ${p.annOverSnn.toFixed(2)}x`,
      `AC: exact ${Math.round(p.acExact).toLocaleString('en-US')}, T*MAC*rate ${Math.round(p.acFormula).toLocaleString('en-US')} (${(100 * p.acFormulaError).toFixed(1)}% off)`,
      summary.hardware ? `\nhardware mode (${flags.accelerator}, ${summary.hardwareImages} image(s) replayed):\n${hardwareTerminalTable(summary.hardware)}` : '',
      summary.accuracy !== undefined ? `top-1 accuracy: ${(100 * summary.accuracy).toFixed(2)}% on ${total} images` : '',
      summary.weights.warning ? `note: ${summary.weights.warning}` : '',
      ...(summary.assumptions ?? []).map((a) => `assumption: ${a}`),
      `report: ${outDir}/ (${summary.files.join(', ')})`,
      `open ${join(outDir, 'report.html')} in a browser: ${charts ? 'charts, ' : ''}tables, settings and the source of every constant`,
      '',
    ].filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1).join('\n'));
  }
  return { counts, summary, outDir, report };
}

/** Replays the recorded trace on the accelerator at every requested node. */
function replayOnHardware(trace: SpikeTrace, energy: PaperEnergy, flags: ProfileFlags): { accel: Accelerator; results: SimResult[]; gaps: GapStep[][] } {
  const accel = loadAccelerator(flags.accelerator);
  const results = flags.node.map((node) => simulate(trace, accel, loadTech(node, { voltageV: flags.voltage })));
  return { accel, results, gaps: results.map((r) => paperToHardwareGap(energy, r)) };
}

export function registerProfileCommand(program: Command): void {
  const cmd = program
    .command('profile')
    .description('profile a zoo network, a tfjs model.json or a SCALE-Sim topology as an STCSNN: per-layer spikes, op counts, paper-mode and hardware-mode energy')
    .argument('[model]', 'zoo network (vgg11, vgg16, resnet18, resnet18-imagenet, smallnet) or path to a tfjs model.json');
  addStcbOptions(cmd);
  addInputOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--node <nm,...>', 'process node(s) in nm, e.g. 45,28,7', nodeList, [45])
    .option('--voltage <V>', 'supply voltage (default: each node\'s nominal voltage)', positiveNumber('--voltage'))
    .option('--hw-images <n>', 'images replayed on the hardware model (the first n)', positiveInt('--hw-images'), 16)
    .option('--no-hardware', 'skip the hardware replay (paper mode only)')
    .option('--scalesim <topology.csv>', 'profile a SCALE-Sim topology (layers with synthetic spikes) instead of a model')
    .option('--firing-rate <r,...>', `--scalesim: spike probability per neuron and step, one value or one per CSV row (default ${DEFAULT_SCALESIM_FIRING_RATE})`, rateList)
    .option('--spiking-first-layer', '--scalesim: make the first row an STCB too (default: a MAC layer on the raw input)')
    .option('--out <dir>', 'report folder (default reports/<network>)')
    .option('--json', 'print summary.json to stdout instead of the table', false)
    .option('--no-progress', 'no progress bar')
    .option('--no-charts', 'skip the charts (report.html then holds tables only)')
    .option('--check <summary.json>', 're-run the settings saved in a summary.json and report every number and input hash that changed (exit 1 if any)')
    .action(async (model: string | undefined, flags: ProfileFlags, c: Command) => {
      await runAction(async () => {
        if (flags.check !== undefined) {
          if (model !== undefined) throw new UsageError('give either a model or --check <summary.json>, not both');
          // Loaded on demand: check.ts calls profile(), so a static import would be circular.
          const { runCheck } = await import('./check.ts');
          process.exitCode = await runCheck(flags.check, { json: flags.json });
          return;
        }
        if (flags.scalesim !== undefined && model !== undefined) throw new UsageError('give either a model or --scalesim <topology.csv>, not both');
        if (flags.scalesim !== undefined) {
          const stray = ['input', 'dataset', 'dataDir', 'inputShape', 'classes', 'weights', 'hwImages', 'spikingClassifier']
            .filter((k) => c.getOptionValueSource(k) === 'cli');
          if (stray.length > 0) {
            throw new UsageError(`--scalesim makes its own synthetic spikes and replays all --images on the hardware model; it does not take ${stray.map((k) => `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`).join(', ')}`);
          }
        }
        if (flags.scalesim === undefined && (flags.firingRate !== undefined || flags.spikingFirstLayer)) {
          throw new UsageError('--firing-rate and --spiking-first-layer go with --scalesim');
        }
        if (model === undefined && flags.scalesim === undefined) {
          throw new UsageError('missing model: name a zoo network or a model.json (or give --scalesim <topology.csv> or --check <summary.json>)');
        }
        await profile(model ?? '', flags, (name) => c.getOptionValueSource(name) === 'cli');
      });
    });
}
