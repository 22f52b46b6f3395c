/** `stcsim train-binary <model>`: ALBSNN fine-tuning (estimator-chosen binary layers) of a trained STCSNN. */
import { Option, type Command } from 'commander';
import { DATASET_NAMES } from '../data/datasets.ts';
import type { TrainBinaryOptions } from '../app/albsnn.ts';
import { FORCED_BACKENDS } from './choices.ts';
import { positiveInt, positiveNumber } from './parse.ts';
import { runAction } from './run-action.ts';

export function registerTrainBinaryCommand(program: Command): void {
  program
    .command('train-binary')
    .description('ALBSNN: fine-tune a trained STCSNN with binary (+-alpha) layers chosen by an accuracy-loss estimator')
    .argument('<model>', 'trained model folder or model.json (e.g. fixtures/fashion-smallnet/stcsnn)')
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).default('fashion-mnist'))
    .option('--data-dir <dir>', 'folder with the dataset files')
    .option('--epochs <n>', 'fine-tuning epochs (the estimator re-selects layers before each)', positiveInt('--epochs'), 1)
    .option('--out <dir>', 'output folder (model.json, weights.bin, albsnn.json)', 'runs/albsnn')
    .option('--batch <n>', 'batch size', positiveInt('--batch'), 64)
    .option('--lr <rate>', 'Adam learning rate', positiveNumber('--lr'), 2e-4)
    .option('--seed <n>', 'shuffling seed', positiveInt('--seed'), 1)
    .option('--held-out <n>', 'training images held out for the estimator (the last n)', positiveInt('--held-out'), 2000)
    .option('--tolerance <r>', 'binarise a layer while its held-out loss rises by at most r x its full-precision loss, and the network\'s by at most r x the starting network\'s', positiveNumber('--tolerance'), 0.05)
    .option('--layers <names>', 'candidate layers, comma-separated (default: every Conv2D/Dense)', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--limit <n>', 'use only the first n training images', positiveInt('--limit'))
    .option('--test-limit <n>', 'use only the first n test images', positiveInt('--test-limit'))
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(FORCED_BACKENDS))
    .action(async (model: string, o: TrainBinaryOptions) => {
      await runAction(async () => {
        const { trainBinary } = await import('../app/albsnn.ts');
        const r = await trainBinary(model, o);
        const pct = (a: number | undefined): string => (a === undefined ? 'n/a' : `${(100 * a).toFixed(2)}%`);
        process.stdout.write(`binary layers: ${r.binaryLayers.join(', ') || 'none'}; test accuracy ${pct(r.testAccuracy)} (start ${pct(r.initialTestAccuracy)}); written to ${o.out}\n`);
      });
    });
}
