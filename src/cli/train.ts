/**
 * `stcsim train <arch>`: trains a zoo network as an STCSNN (and, with --ann, its ANN twin under the
 * same settings) on a real dataset, with checkpoints, resume, and model.json + weights.bin + train.json
 * written to --out (stcsnn/ and ann/ sub-folders).
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { zooGraph, zooNames } from '../model/zoo.ts';
import { SCHEDULE_KINDS, validateSettings, type ScheduleKind, type StcbSettings } from '../stcb/schedule.ts';
import { DATASET_NAMES, isDatasetName, loadDataset, type DatasetName } from '../data/datasets.ts';
import { buildModel, type NetMode } from '../train/build.ts';
import { train, type TrainReport } from '../train/trainer.ts';
import { initBackend } from '../run/backend.ts';
import { loadModel } from '../train/io.ts';
import { evaluateAccuracy } from '../train/trainer.ts';
import { stebLayers } from '../train/layers.ts';
import { accuracyGrid, gridMarkdown } from '../train/sweep.ts';
import { writeFileSync } from 'node:fs';

export interface TrainCommandOptions {
  dataset: DatasetName;
  dataDir?: string;
  epochs: number;
  ann: boolean;
  annOnly: boolean;
  resume: boolean;
  out: string;
  timesteps: number;
  vth0: number;
  tau: number;
  schedule: ScheduleKind;
  batch: number;
  lr: number;
  seed: number;
  limit?: number;
  testLimit?: number;
  backend?: 'wasm' | 'cpu' | 'tensorflow';
  progress?: 'bar' | 'log' | 'none';
}

const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};
const positive = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

/** Trains one or both variants; returns their reports (keyed by mode). */
export async function runTrain(arch: string, o: TrainCommandOptions): Promise<Partial<Record<NetMode, TrainReport>>> {
  const stcb: StcbSettings = { timesteps: o.timesteps, vth0: o.vth0, tau: o.tau, schedule: o.schedule };
  validateSettings(stcb);
  const backend = await initBackend(o.backend ?? 'auto');
  const trainSet = loadDataset(o.dataset, 'train', { dataDir: o.dataDir, limit: o.limit });
  const testSet = loadDataset(o.dataset, 'test', { dataDir: o.dataDir, limit: o.testLimit });
  const [, h, w, c] = trainSet.shape;
  const graph = zooGraph(arch, { inputShape: [h, w, c], classes: trainSet.classes });
  const modes: NetMode[] = o.annOnly ? ['ann'] : o.ann ? ['stcsnn', 'ann'] : ['stcsnn'];
  const reports: Partial<Record<NetMode, TrainReport>> = {};
  process.stderr.write(`backend ${backend}; ${o.dataset}: ${trainSet.shape[0]} train / ${testSet.shape[0]} test images from ${trainSet.source}\n`);
  for (const mode of modes) {
    const model = buildModel(graph, { mode, stcb, seed: o.seed });
    const outDir = join(o.out, mode);
    process.stderr.write(`training ${arch} (${mode}) -> ${outDir}\n`);
    reports[mode] = await train(model, trainSet, {
      epochs: o.epochs,
      outDir,
      batchSize: o.batch,
      learningRate: o.lr,
      seed: o.seed,
      resume: o.resume,
      test: testSet,
      progress: o.progress,
      settings: { network: arch, mode, dataset: o.dataset, stcb: mode === 'stcsnn' ? stcb : null, limit: o.limit ?? null },
    });
    model.dispose();
    const acc = reports[mode]?.testAccuracy;
    process.stderr.write(`${arch} (${mode}): test accuracy ${acc === undefined ? 'n/a' : (100 * acc).toFixed(2) + '%'}\n`);
  }
  return reports;
}

const numberList = (name: string) => (v: string): number[] => {
  const xs = v.split(',').map(Number);
  if (xs.length === 0 || xs.some((x) => !(x > 0) || !Number.isFinite(x))) throw new InvalidArgumentError(`${name} must be a comma-separated list of positive numbers`);
  return xs;
};

export interface EvalCommandOptions {
  dataset: DatasetName;
  dataDir?: string;
  testLimit?: number;
  timesteps?: number[];
  vth0?: number[];
  markdown?: string;
  backend?: 'wasm' | 'cpu' | 'tensorflow';
}

/** Test accuracy of a saved model; with --timesteps/--vth0 lists, a grid over STCB settings. */
export async function runEvaluate(modelPath: string, o: EvalCommandOptions): Promise<void> {
  await initBackend(o.backend ?? 'auto');
  const model = await loadModel(modelPath);
  const test = loadDataset(o.dataset, 'test', { dataDir: o.dataDir, limit: o.testLimit });
  const steb = stebLayers(model)[0];
  const acc = evaluateAccuracy(model, test);
  process.stdout.write(`${modelPath}: test accuracy ${(100 * acc).toFixed(2)}% on ${test.shape[0]} ${o.dataset} images\n`);
  if (!steb || (!o.timesteps && !o.vth0)) return;
  const base = steb.settings;
  const rows = await accuracyGrid(model, test, o.timesteps ?? [base.timesteps], o.vth0 ?? [base.vth0], (r) =>
    process.stderr.write(`T=${r.timesteps} V0=${r.vth0}: ${(100 * r.accuracy).toFixed(2)}%\n`));
  const md = gridMarkdown(rows, base);
  process.stdout.write(md);
  if (o.markdown) writeFileSync(o.markdown, md);
}

/** Registers `train` and `evaluate` (accuracy of a saved model, optionally over a T x V0 grid). */
export function registerTrainCommand(program: Command): Command {
  program
    .command('evaluate')
    .description('test accuracy of a saved model (model.json); --timesteps/--vth0 lists give an accuracy grid')
    .argument('<model>', 'model folder or model.json')
    .addOption(new Option('--dataset <name>', 'dataset').choices([...DATASET_NAMES]).default('fashion-mnist'))
    .option('--data-dir <dir>', 'folder with the dataset files')
    .option('--test-limit <n>', 'use only the first n test images', int('--test-limit'))
    .option('--timesteps <list>', 'comma-separated T values to evaluate the trained weights at', numberList('--timesteps'))
    .option('--vth0 <list>', 'comma-separated V0 values', numberList('--vth0'))
    .option('--markdown <file>', 'write the grid as a Markdown table')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['wasm', 'cpu', 'tensorflow']))
    .action(async (model: string, o: EvalCommandOptions) => runEvaluate(model, o));
  return program
    .command('train')
    .description('train a zoo network as an STCSNN (and its ANN twin with --ann) on a real dataset')
    .argument('<arch>', `network: ${zooNames().join(', ')}`)
    .addOption(
      new Option('--dataset <name>', 'dataset').choices([...DATASET_NAMES]).default('fashion-mnist'),
    )
    .option('--data-dir <dir>', 'folder with the dataset files (default: standard places, see docs/training.md)')
    .option('--epochs <n>', 'epochs', int('--epochs'), 10)
    .option('--ann', 'also train the ANN twin (same net with ReLU + conv) under the same settings', false)
    .option('--ann-only', 'train only the ANN twin', false)
    .option('--resume', 'resume from the last checkpoint in --out', false)
    .option('--out <dir>', 'output folder (stcsnn/ and ann/ inside)', 'runs/train')
    .option('--timesteps <T>', 'STEB time steps T', int('--timesteps'), 8)
    .option('--vth0 <V0>', 'initial threshold V0', positive('--vth0'), 0.8)
    .option('--tau <tau>', 'threshold time constant tau', positive('--tau'), 2)
    .addOption(new Option('--schedule <kind>', 'threshold schedule').choices([...SCHEDULE_KINDS]).default('exp'))
    .option('--batch <n>', 'batch size', int('--batch'), 64)
    .option('--lr <rate>', 'Adam learning rate (cosine-decayed to 0)', positive('--lr'), 1e-3)
    .option('--seed <n>', 'seed for initialisation and shuffling', int('--seed'), 1)
    .option('--limit <n>', 'use only the first n training images', int('--limit'))
    .option('--test-limit <n>', 'use only the first n test images', int('--test-limit'))
    .addOption(new Option('--backend <name>', 'tfjs backend (default: tensorflow, else wasm, else cpu)').choices(['wasm', 'cpu', 'tensorflow']))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['bar', 'log', 'none']))
    .action(async (arch: string, o: TrainCommandOptions) => {
      if (!isDatasetName(o.dataset)) throw new InvalidArgumentError(`unknown dataset ${o.dataset}`);
      await runTrain(arch, o);
    });
}
