/**
 * `stcsim train <arch>`: trains a zoo network as an STCSNN (and, with --ann, its ANN twin under the
 * same settings) on a real dataset via app/train.ts; checkpoints, resume, and model.json + weights.bin
 * + train.json under --out (stcsnn/ and ann/ sub-folders).
 */
import { Option, type Command } from 'commander';
import { zooNames } from '../model/zoo.ts';
import { PAPER_DEFAULTS, SCHEDULE_KINDS } from '../stcb/schedule.ts';
import { DATASET_NAMES } from '../data/datasets.ts';
import type { TrainCommandOptions } from '../app/train.ts';
import { FORCED_BACKENDS } from './choices.ts';
import { numberList, positiveInt, positiveNumber } from './parse.ts';
import { runAction } from './run-action.ts';
import { addNeuronOptions, lifFlags, type NeuronFlags } from './neuron-options.ts';

const percent = (acc: number | undefined): string => (acc === undefined ? 'n/a' : `${(100 * acc).toFixed(2)}%`);

export function registerTrainCommand(program: Command): void {
  const cmd = program
    .command('train')
    .description('train a zoo network as an STCSNN (and its ANN twin with --ann) on a real dataset')
    .argument('<arch>', `network: ${zooNames().join(', ')}`)
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).default('fashion-mnist'))
    .option('--data-dir <dir>', 'folder with the dataset files (default: standard places, see docs/training.md)')
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 10)
    .option('--ann', 'also train the ANN twin (same net with ReLU + conv) under the same settings', false)
    .option('--ann-only', 'train only the ANN twin', false)
    .option('--resume', 'resume from the last checkpoint in --out', false)
    .option('--force', 'start over in an --out that holds a finished run or a checkpoint (refused otherwise)', false)
    .option('--out <dir>', 'output folder (stcsnn/ and ann/ inside)', 'runs/train')
    .option('--timesteps <T>', 'STEB time steps T', positiveInt('--timesteps'), PAPER_DEFAULTS.timesteps)
    .option('--vth0 <V0>', 'initial threshold V0', positiveNumber('--vth0'), PAPER_DEFAULTS.vth0)
    .option('--tau <tau>', 'threshold time constant tau', positiveNumber('--tau'), PAPER_DEFAULTS.tau)
    .addOption(new Option('--schedule <kind>', 'threshold schedule').choices(SCHEDULE_KINDS).default(PAPER_DEFAULTS.schedule))
    .option('--batch <n>', 'batch size', positiveInt('--batch'), 64)
    .option('--lr <rate>', 'Adam learning rate (cosine-decayed to 0)', positiveNumber('--lr'), 1e-3)
    .option('--seed <n>', 'seed for initialisation and shuffling', positiveInt('--seed'), 1)
    .option('--events <dir>', 'train on an event dataset folder (Train/<label>/ and Test/<label>/ event files, e.g. from `stcsim events convert`) instead of --dataset')
    .option('--synaptic-kernel <h0,h1,...>', '--events: synaptic convolution over adjacent steps (default 1)', numberList)
    .option('--limit <n>', 'use only the first n training images', positiveInt('--limit'))
    .option('--test-limit <n>', 'use only the first n test images', positiveInt('--test-limit'))
    .addOption(new Option('--backend <name>', 'tfjs backend (default: tensorflow, else wasm, else cpu)').choices(FORCED_BACKENDS))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['bar', 'log', 'none']))
    // The conventions shared with profile, dse and evaluate: --no-progress, --json (result alone on stdout).
    .option('--no-progress', 'no progress display (same as --progress none)')
    .option('--json', 'print the training reports (per mode) as JSON to stdout at the end', false)
    .addOption(new Option('--training <mode>', 'LIF/mlif: bptt (backprop through time) or trace (STOP-style online, memory flat in T)').choices(['bptt', 'trace']).default('bptt'));
  addNeuronOptions(cmd)
    .action(async (arch: string, flags: Omit<TrainCommandOptions, 'progress'> & NeuronFlags & { progress?: TrainCommandOptions['progress'] | boolean; json: boolean }, command: Command) => {
      await runAction(async () => {
        const o: TrainCommandOptions = { ...flags, progress: flags.progress === false ? 'none' : flags.progress === true ? undefined : flags.progress };
        const { trainNetwork } = await import('../app/train.ts');
        // A LIF-family net takes its kind's default T (mlif: 2) unless --timesteps is given.
        const explicitT = command.getOptionValueSource('timesteps') === 'cli';
        const opts: TrainCommandOptions = { ...o, lif: { ...lifFlags(flags), ...(explicitT ? { timesteps: o.timesteps } : {}) } };
        const reports = await trainNetwork(arch, opts, {
          onStart: (s) => process.stderr.write(`backend ${s.backend}; ${o.events ?? o.dataset}: ${s.trainImages} train / ${s.testImages} test images from ${s.source}\n`),
          onModeStart: (mode, outDir) => process.stderr.write(`training ${arch} (${mode}) -> ${outDir}\n`),
          onModeDone: (mode, report) => process.stderr.write(`${arch} (${mode}): test accuracy ${percent(report.testAccuracy)}\n`),
        });
        if (flags.json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
      });
    });
}
