/** `stcsim profile <arch|model.json>`: run a network, count every operation, write the report folder. */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../data/datasets.ts';
import { paperEnergy, paperPreset, PAPER_PRESETS } from '../energy/paper.ts';
import { isModelPath, loadModel } from '../model/load.ts';
import { BACKENDS, initBackend, type BackendChoice } from '../run/backend.ts';
import { syntheticImages, takeImages, type ImageSet } from '../run/inputs.ts';
import { profileNetwork, type ProfileRun } from '../run/profile.ts';
import { PAPER_DEFAULTS, SCHEDULE_KINDS, type ScheduleKind, type StcbSettings } from '../run/schedule.ts';
import { readNpyImages } from '../run/npy-input.ts';
import { layerRows, profileSummary, terminalTable, writeProfileReport, writeSummary, type ProfileSummary } from '../reports/profile-report.ts';
import { runAction, UsageError } from './errors.ts';
import { nodeList, nonNegativeInt, positiveInt, positiveNumber, shape3 } from './parse.ts';
import { loadAccelerator, loadTech, simulate, type SimResult } from '../hw/index.ts';
import { paperToHardwareGap, type GapStep } from '../energy/gap.ts';
import { gapRows, hardwareTerminalTable, HW_FILES, writeHardwareReport } from '../reports/hw-report.ts';
import type { SpikeTrace } from '../trace/types.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { Accelerator } from '../hw/accelerator.ts';
import { hashFiles, inputHashes, weightHashes, type InputSource, type RunHashes } from '../run/hashes.ts';
import { RUN_REPORT_FILES, writeRunReport, type RunReportResult } from '../reports/run-report.ts';

export interface ProfileFlags {
  timesteps: number;
  vth0: number;
  tau: number;
  schedule: ScheduleKind;
  images?: number;
  batch: number;
  seed: number;
  input?: string;
  dataset?: DatasetName;
  dataDir?: string;
  inputShape?: number[];
  classes?: number;
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
  };
  return { model: isModelPath(modelSpec) ? resolve(modelSpec) : modelSpec, flags: f, explicit: STEB_FLAGS.filter((k) => explicit(k)) };
}

/** What the images were, for their fingerprint. */
function inputSource(flags: ProfileFlags, images: ImageSet): InputSource {
  if (flags.input) return { kind: 'file', path: flags.input };
  if (flags.dataset) return { kind: 'dataset', name: flags.dataset, images: images.images, labels: images.labels, shape: images.shape };
  return { kind: 'synthetic', seed: flags.seed, shape: images.shape };
}

/** Images to profile: a .npy file, a dataset's test split, or seeded synthetic images. */
function loadImages(flags: ProfileFlags, defaultShape: readonly number[]): ImageSet {
  if (flags.input && flags.dataset) throw new UsageError('give either --input or --dataset, not both');
  if (flags.input) {
    const set = readNpyImages(flags.input);
    return flags.images ? takeImages(set, flags.images) : set;
  }
  if (flags.dataset) {
    const d = loadDataset(flags.dataset, 'test', { dataDir: flags.dataDir, limit: flags.images ?? 100 });
    return { images: d.images, shape: d.shape, labels: d.labels, origin: `${flags.dataset} test split from ${d.source}` };
  }
  return syntheticImages(flags.images ?? 1, flags.inputShape ?? defaultShape, flags.seed);
}

export interface ProfileOutcome {
  run: ProfileRun;
  summary: ProfileSummary;
  outDir: string;
  /** Files written by writeRunReport, with phase timings. */
  report: RunReportResult;
}

/** The whole profile flow; the CLI action and tests call this. */
export async function profile(modelSpec: string, flags: ProfileFlags, explicit: (name: string) => boolean): Promise<ProfileOutcome> {
  const backend = await initBackend(flags.backend);
  const preset = paperPreset(flags.energyPreset);
  // Zoo networks adapt to the data they are given (e.g. resnet18 on 28x28x1 or 224x224x3 inputs).
  const probe = loadModel(modelSpec, { seed: flags.seed, inputShape: flags.inputShape, classes: flags.classes });
  const inputNode = probe.graph.nodes[0];
  const modelShape = inputNode.kind === 'input' ? inputNode.shape : [];
  const images = loadImages(flags, modelShape);
  const dataShape = images.shape.slice(1);
  let model = probe;
  if (probe.source === 'zoo' && dataShape.join(',') !== modelShape.join(',')) {
    model = loadModel(modelSpec, { seed: flags.seed, inputShape: dataShape, classes: flags.classes });
  }

  // A trained STCSNN carries its own STEB settings; flags given on the command line override them.
  const stored = model.settings;
  const pick = <K extends keyof StcbSettings>(k: K): StcbSettings[K] => (stored && !explicit(k) ? stored[k] : flags[k]);
  const settings: StcbSettings = { timesteps: pick('timesteps'), vth0: pick('vth0'), tau: pick('tau'), schedule: pick('schedule') };

  const total = images.shape[0];
  const bar = flags.progress && !flags.json && total > flags.batch && process.stderr.isTTY
    ? new SingleBar({ format: 'profiling |{bar}| {value}/{total} images | {duration_formatted}', stream: process.stderr }, Presets.shades_classic)
    : null;
  bar?.start(total, 0);
  const run = profileNetwork(model.graph, model.weights, images, {
    settings, batch: flags.batch, traceImages: flags.hardware ? flags.hwImages : 0, spikingClassifier: flags.spikingClassifier,
    onBatch: (done) => bar?.update(done),
  });
  bar?.stop();

  const energy = paperEnergy(run.counts, preset);
  const summary = profileSummary({
    network: model.graph.name, model: modelSpec, settings, spikingClassifier: flags.spikingClassifier, backend,
    seed: flags.seed, images: total, batch: flags.batch, inputOrigin: images.origin,
    weightsOrigin: model.weights.origin, weightsTrained: model.weights.trained, accuracy: run.accuracy,
    elapsedMs: run.elapsedMs,
  }, run.counts, energy);
  const outDir = flags.out ?? join('reports', model.graph.name);
  writeProfileReport(outDir, summary, run.counts, energy);
  const hardware = run.trace ? replayOnHardware(run.trace, energy, flags) : null;
  if (hardware) {
    summary.hardware = writeHardwareReport(outDir, hardware.results, hardware.gaps);
    summary.hardwareImages = run.trace?.images;
    summary.gap = gapRows(hardware.results, hardware.gaps);
    summary.files.push(...HW_FILES);
  }
  const hashes: RunHashes = {
    algorithm: 'sha256',
    accelerator: hardware ? hashFiles([hardware.accel.file]) : {},
    tech: hardware ? hashFiles(hardware.results.flatMap((r) => r.tech.files)) : {},
    weights: weightHashes(model.source === 'file' ? { kind: 'file', modelJson: modelSpec } : { kind: 'init', seed: flags.seed, network: model.graph.name }),
    inputs: inputHashes(inputSource(flags, images)),
  };
  summary.hashes = hashes;
  summary.rerun = rerunSpec(modelSpec, flags, backend, explicit);
  const charts = flags.charts !== false;
  summary.files.push(...RUN_REPORT_FILES.filter((f) => charts || f !== 'charts/'));
  writeSummary(outDir, summary);
  const report = await writeRunReport(outDir, { summary, counts: run.counts, energy, ...(hardware ? { hardware } : {}) }, { charts });

  if (flags.quiet) {
    // the check's re-run: the caller reports
  } else if (flags.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } else {
    process.stdout.write(terminalTable(layerRows(run.counts, energy)));
    const p = summary.paperEnergy;
    const fmt = (pj: number): string => `${(pj / 1e6).toFixed(3)} uJ`;
    process.stdout.write([
      '',
      `${summary.network}: T=${settings.timesteps} V0=${settings.vth0} tau=${settings.tau} ${settings.schedule}, ${total} image(s), backend ${backend}, ${Math.round(run.elapsedMs)} ms`,
      `paper-mode energy (${preset.name}) per image: SNN ${fmt(p.snnPJ)} (exact AC: ${fmt(p.snnExactPJ)}), ANN twin ${fmt(p.annPJ)}, ANN/SNN ${p.annOverSnn.toFixed(2)}x`,
      `AC: exact ${Math.round(p.acExact).toLocaleString('en-US')}, T*MAC*rate ${Math.round(p.acFormula).toLocaleString('en-US')} (${(100 * p.acFormulaError).toFixed(1)}% off)`,
      summary.hardware ? `\nhardware mode (${flags.accelerator}, ${summary.hardwareImages} image(s) replayed):\n${hardwareTerminalTable(summary.hardware)}` : '',
      summary.accuracy !== undefined ? `top-1 accuracy: ${(100 * summary.accuracy).toFixed(2)}% on ${total} images` : '',
      summary.weights.warning ? `note: ${summary.weights.warning}` : '',
      `report: ${outDir}/ (${summary.files.join(', ')})`,
      `open ${join(outDir, 'report.html')} in a browser: charts, tables, settings and the source of every constant`,
      '',
    ].filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1).join('\n'));
  }
  return { run, summary, outDir, report };
}

/** Replays the recorded trace on the accelerator at every requested node. */
function replayOnHardware(trace: SpikeTrace, energy: PaperEnergy, flags: ProfileFlags): { accel: Accelerator; results: SimResult[]; gaps: GapStep[][] } {
  const accel = loadAccelerator(flags.accelerator);
  const results = flags.node.map((node) => simulate(trace, accel, loadTech(node, { voltageV: flags.voltage })));
  return { accel, results, gaps: results.map((r) => paperToHardwareGap(energy, r)) };
}

export function registerProfileCommand(program: Command): void {
  program
    .command('profile')
    .description('profile a zoo network or a tfjs model.json as an STCSNN: per-layer spikes, op counts and paper-mode energy')
    .argument('[model]', 'zoo network (vgg11, vgg16, resnet18, resnet18-imagenet, smallnet) or path to a tfjs model.json')
    .option('--timesteps <T>', 'time steps T', positiveInt('--timesteps'), PAPER_DEFAULTS.timesteps)
    .option('--vth0 <V0>', 'initial threshold V0', positiveNumber('--vth0'), PAPER_DEFAULTS.vth0)
    .option('--tau <tau>', 'threshold time constant (exp schedule)', positiveNumber('--tau'), PAPER_DEFAULTS.tau)
    .addOption(new Option('--schedule <kind>', 'threshold schedule').choices(SCHEDULE_KINDS).default(PAPER_DEFAULTS.schedule))
    .option('--images <n>', 'images to profile (default: 1 synthetic, all of --input, 100 of --dataset)', positiveInt('--images'))
    .option('--batch <n>', 'images per forward pass', positiveInt('--batch'), 16)
    .option('--seed <n>', 'seed of synthetic images and initial weights', nonNegativeInt('--seed'), 1)
    .option('--input <file.npy>', 'float32 NHWC images in numpy .npy format')
    .addOption(new Option('--dataset <name>', 'profile on the test split of a dataset').choices(DATASET_NAMES))
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--input-shape <H,W,C>', 'input shape of a zoo network (e.g. 224,224,3 selects the ImageNet ResNet18 stem)', shape3)
    .option('--classes <n>', 'classes of a zoo network', positiveInt('--classes'))
    .addOption(new Option('--energy-preset <name>', 'paper-mode energy constants').choices(Object.keys(PAPER_PRESETS)).default('int32-45nm'))
    .option('--spiking-classifier', 'make the final classifier an STCB too', false)
    .option('--accelerator <name|file>', 'hardware model: a file in hw-models/accelerators/ or a path', 'stcb-default')
    .option('--node <nm,...>', 'process node(s) in nm, e.g. 45,28,7', nodeList, [45])
    .option('--voltage <V>', 'supply voltage (default: each node\'s nominal voltage)', positiveNumber('--voltage'))
    .option('--hw-images <n>', 'images replayed on the hardware model (the first n)', positiveInt('--hw-images'), 16)
    .option('--no-hardware', 'skip the hardware replay (paper mode only)')
    .option('--out <dir>', 'report folder (default reports/<network>)')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKENDS).default('auto'))
    .option('--json', 'print summary.json to stdout instead of the table', false)
    .option('--no-progress', 'no progress bar')
    .option('--no-charts', 'skip the charts (report.html then holds tables only)')
    .option('--check <summary.json>', 're-run the settings saved in a summary.json and report every number and input hash that changed (exit 1 if any)')
    .action(async (model: string | undefined, flags: ProfileFlags, cmd: Command) => {
      await runAction(async () => {
        if (flags.check !== undefined) {
          if (model !== undefined) throw new UsageError('give either a model or --check <summary.json>, not both');
          // Loaded on demand: check.ts calls profile(), so a static import would be circular.
          const { runCheck } = await import('./check.ts');
          process.exitCode = await runCheck(flags.check, { json: flags.json });
          return;
        }
        if (model === undefined) throw new UsageError('missing model: name a zoo network or a model.json (or give --check <summary.json>)');
        await profile(model, flags, (name) => cmd.getOptionValueSource(name) === 'cli');
      });
    });
}
