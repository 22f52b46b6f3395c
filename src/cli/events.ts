/** `stcsim events convert`: images -> N-MNIST-format event files by simulated saccades. */
import { Option, type Command } from 'commander';
import { DATASET_NAMES, type DatasetName } from '../data/datasets.ts';
import { SACCADE_DEFAULTS } from '../data/saccade.ts';
import { nonNegativeInt, positiveInt, positiveNumber } from './parse.ts';
import { runAction } from './run-action.ts';

interface ConvertFlags {
  dataset: DatasetName;
  dataDir?: string;
  train: number;
  test: number;
  out: string;
  threshold: number;
  epsilon: number;
  amplitude: number;
  steps: number;
  saccadeUs: number;
}

export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('event-camera data: convert images to event streams');
  events
    .command('convert')
    .description('turn dataset images into event streams by three simulated saccades (N-MNIST style), written as N-MNIST .bin files in <out>/Train|Test/<label>/')
    .addOption(new Option('--dataset <name>', 'grey-scale image dataset').choices(DATASET_NAMES).default('fashion-mnist'))
    .option('--data-dir <dir>', 'folder with the dataset files')
    .option('--train <n>', 'train images to convert (the first n)', nonNegativeInt('--train'), 300)
    .option('--test <n>', 'test images to convert (the first n)', nonNegativeInt('--test'), 100)
    .option('--out <dir>', 'output folder', 'runs/events')
    .option('--threshold <C>', 'contrast threshold in log intensity', positiveNumber('--threshold'), SACCADE_DEFAULTS.threshold)
    .option('--epsilon <e>', 'log offset: L = ln(I + e)', positiveNumber('--epsilon'), SACCADE_DEFAULTS.epsilon)
    .option('--amplitude <px>', 'saccade amplitude in pixels (sensor = image + amplitude)', nonNegativeInt('--amplitude'), SACCADE_DEFAULTS.amplitude)
    .option('--steps <n>', 'positions sampled per saccade', positiveInt('--steps'), SACCADE_DEFAULTS.stepsPerSaccade)
    .option('--saccade-us <us>', 'duration of one saccade, microseconds', positiveNumber('--saccade-us'), SACCADE_DEFAULTS.saccadeUs)
    .action(async (f: ConvertFlags) => {
      await runAction(async () => {
        const { convertDataset } = await import('../data/event-dataset.ts');
        const r = convertDataset({
          dataset: f.dataset, dataDir: f.dataDir, train: f.train, test: f.test, out: f.out,
          saccade: { threshold: f.threshold, epsilon: f.epsilon, amplitude: f.amplitude, stepsPerSaccade: f.steps, saccadeUs: f.saccadeUs },
        });
        process.stdout.write(`${r.files} event files (${r.sensor.height}x${r.sensor.width} sensor, ${r.events} events, ${r.bytes} bytes) from ${r.source} -> ${r.out}\n`);
      });
    });
}
