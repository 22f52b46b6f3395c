/**
 * The train flow as one function: dataset -> zoo network -> an STCSNN (and/or its ANN twin) trained
 * with checkpoints and resume -> model.json + weights.bin + train.json under <out>/<mode>/. Returns the
 * reports; what to print is the CLI's job (src/cli/train.ts). The per-batch progress display is still
 * drawn by train/trainer.ts, chosen with `progress`.
 */
import { join } from 'node:path';
import { loadDataset, type DatasetName } from '../data/datasets.ts';
import { zooGraph } from '../model/zoo.ts';
import { initBackend, type BackendChoice } from '../run/backend.ts';
import { validateSettings, type StcbSettings } from '../stcb/schedule.ts';
import { buildModel, type NetMode } from '../train/build.ts';
import { refuseExistingRun, train, type ProgressMode, type TrainData, type TrainReport } from '../train/trainer.ts';
import { lifSettingsFor, type LifSettings, type NeuronKind } from '../neuron/settings.ts';
import { readEventSamples } from '../data/event-files.ts';
import { eventImageSet, eventStepImages } from '../run/event-input.ts';
import { UsageError } from '../util/errors.ts';

export interface TrainCommandOptions extends StcbSettings {
  dataset: DatasetName;
  dataDir?: string;
  epochs: number;
  /** Also train the ANN twin under the same settings. */
  ann: boolean;
  /** Train only the ANN twin. */
  annOnly: boolean;
  /** Continue from the last checkpoint in <out>/<mode>/. */
  resume: boolean;
  /** Start over in an --out that holds a finished run or a checkpoint. */
  force?: boolean;
  out: string;
  batch: number;
  lr: number;
  seed: number;
  /** Use only the first n training images. */
  limit?: number;
  /** Use only the first n test images. */
  testLimit?: number;
  backend?: BackendChoice;
  progress?: ProgressMode;
  /** Neuron model (default stcb). lif / mlif train a LIF-family network into <out>/<neuron>/. */
  neuron?: NeuronKind;
  /** LIF-family settings given on the command line (the rest: lifDefaults). */
  lif?: Partial<LifSettings>;
  /** LIF family: backprop through time (default) or trace-based online training. */
  training?: 'bptt' | 'trace';
  /**
   * An event dataset folder in the N-MNIST layout (Train/<label>/, Test/<label>/ event files) instead
   * of --dataset: each sample becomes its compressed event current (src/run/event-input.ts).
   */
  events?: string;
  /** --events: synaptic convolution kernel over adjacent steps. */
  synapticKernel?: number[];
}

/**
 * Train and test splits of an event dataset folder compressed into T steps: image sets of their folded
 * event currents (STCSNN), or of the events per step (`perStep`: a LIF-family network, [N, H, W, 2T]).
 */
function eventSplits(o: TrainCommandOptions, T: number, perStep: boolean): { train: TrainData; test: TrainData; source: string } {
  const dir = o.events as string;
  const split = (name: string, limit?: number, sensor?: { height: number; width: number }): TrainData => {
    const folded = eventImageSet(readEventSamples(join(dir, name), limit), { timesteps: T, kernel: o.synapticKernel, sensor });
    const set = perStep ? eventStepImages(folded) : folded;
    if (!set.labels) throw new Error(`${join(dir, name)}: event files need <label>/ folders for training`);
    return { images: set.images, labels: set.labels, shape: set.shape, classes: Math.max(...set.labels) + 1, source: dir };
  };
  const train = split('Train', o.limit);
  // The test files are read on the training sensor (the smallest size holding a split's events can differ).
  const test = split('Test', o.testLimit, { height: train.shape[1], width: train.shape[2] });
  const classes = Math.max(train.classes, test.classes);
  return { train: { ...train, classes }, test: { ...test, classes }, source: dir };
}


/** What was loaded, before training starts. */
export interface TrainStart {
  backend: string;
  trainImages: number;
  testImages: number;
  /** Folder the dataset was read from. */
  source: string;
}

export interface TrainHooks {
  onStart?: (start: TrainStart) => void;
  /** One variant (mode) is about to train into outDir. */
  onModeStart?: (mode: NetMode, outDir: string) => void;
  onModeDone?: (mode: NetMode, report: TrainReport) => void;
}

export type TrainResult = Partial<Record<NetMode, TrainReport>>;

/** Trains one or both variants of a zoo network; returns their reports (keyed by mode). */
export async function trainNetwork(arch: string, o: TrainCommandOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const stcb: StcbSettings = { timesteps: o.timesteps, vth0: o.vth0, tau: o.tau, schedule: o.schedule };
  validateSettings(stcb);
  const spikingMode: NetMode = o.neuron === 'lif' || o.neuron === 'mlif' ? 'lif' : 'stcsnn';
  const neuron = spikingMode === 'lif' ? lifSettingsFor(o.neuron as 'lif' | 'mlif', undefined, o.lif) : undefined;
  const modes: NetMode[] = o.annOnly ? ['ann'] : o.ann ? [spikingMode, 'ann'] : [spikingMode];
  // Refused before the backend and the dataset load: nothing is overwritten without --resume or --force.
  if (!o.resume && !o.force) for (const mode of modes) refuseExistingRun(join(o.out, mode));
  const backend = await initBackend(o.backend ?? 'auto');
  // A LIF-family network on events integrates every step's current: it reads the events per step.
  const perStep = o.events !== undefined && neuron !== undefined;
  if (perStep && modes.includes('ann')) throw new UsageError('--events with --neuron lif|mlif trains the LIF-family network only (no --ann twin)');
  const events = o.events !== undefined ? eventSplits(o, neuron?.timesteps ?? o.timesteps, perStep) : undefined;
  const trainSet = events?.train ?? loadDataset(o.dataset, 'train', { dataDir: o.dataDir, limit: o.limit });
  const testSet = events?.test ?? loadDataset(o.dataset, 'test', { dataDir: o.dataDir, limit: o.testLimit });
  const [, h, w, c] = trainSet.shape;
  const graph = zooGraph(arch, { inputShape: [h, w, perStep ? c / (neuron?.timesteps ?? 1) : c], classes: trainSet.classes });
  hooks.onStart?.({ backend, trainImages: trainSet.shape[0], testImages: testSet.shape[0], source: trainSet.source ?? '' });
  const reports: TrainResult = {};
  for (const mode of modes) {
    const model = buildModel(graph, { mode, stcb, seed: o.seed, neuron, ...(perStep ? { eventKernel: o.synapticKernel ?? [1] } : {}) });
    const outDir = join(o.out, mode === 'lif' && neuron ? neuron.kind : mode);
    hooks.onModeStart?.(mode, outDir);
    const report = await train(model, trainSet, {
      epochs: o.epochs,
      outDir,
      batchSize: o.batch,
      learningRate: o.lr,
      seed: o.seed,
      resume: o.resume,
      force: o.force,
      test: testSet,
      progress: o.progress,
      training: mode === 'lif' ? o.training ?? 'bptt' : 'bptt',
      settings: {
        network: arch, mode, dataset: o.events !== undefined ? `events ${o.events}` : o.dataset, stcb: mode === 'stcsnn' ? stcb : null, limit: o.limit ?? null,
        ...(o.events !== undefined ? { synapticKernel: o.synapticKernel ?? [1] } : {}),
        ...(mode === 'lif' ? { neuron, training: o.training ?? 'bptt' } : {}),
      },
    });
    model.dispose();
    reports[mode] = report;
    hooks.onModeDone?.(mode, report);
  }
  return reports;
}
