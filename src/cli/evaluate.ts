/** `stcsim evaluate <model>`: test accuracy of a saved model via app/evaluate.ts; --timesteps/--vth0 lists give a grid. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DATASET_NAMES } from '../data/datasets.ts';
import type { EvaluateCommandOptions } from '../app/evaluate.ts';
import { FORCED_BACKENDS } from './choices.ts';
import { positiveInt } from './parse.ts';
import { runAction } from './run-action.ts';
import { NEURON_KINDS } from '../neuron/settings.ts';

const numberList = (name: string) => (v: string): number[] => {
  const xs = v.split(',').map(Number);
  if (xs.length === 0 || xs.some((x) => !(x > 0) || !Number.isFinite(x))) throw new InvalidArgumentError(`${name} must be a comma-separated list of positive numbers`);
  return xs;
};

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description('test accuracy of a saved model (model.json); --timesteps/--vth0 lists give an accuracy grid')
    .argument('<model>', 'model folder or model.json')
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).default('fashion-mnist'))
    .option('--data-dir <dir>', 'folder with the dataset files')
    .option('--test-limit <n>', 'use only the first n test images', positiveInt('--test-limit'))
    .option('--timesteps <list>', 'comma-separated T values to evaluate the trained weights at', numberList('--timesteps'))
    .option('--vth0 <list>', 'comma-separated V0 values', numberList('--vth0'))
    .option('--markdown <file>', 'write the grid as a Markdown table')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(FORCED_BACKENDS))
    .addOption(new Option('--neuron <kind>', 'check the saved network is this neuron model (LIF/mlif: --timesteps gives accuracy vs T)').choices(NEURON_KINDS))
    .action(async (model: string, o: EvaluateCommandOptions) => {
      await runAction(async () => {
        const { evaluateModel } = await import('../app/evaluate.ts');
        const r = await evaluateModel(model, o, {
          onAccuracy: (acc, images) => process.stdout.write(`${model}: test accuracy ${(100 * acc).toFixed(2)}% on ${images} ${o.dataset} images\n`),
          onGridRow: (row) => process.stderr.write(`T=${row.timesteps} V0=${row.vth0}: ${(100 * row.accuracy).toFixed(2)}%\n`),
        });
        if (r.grid) process.stdout.write(r.grid.markdown);
      });
    });
}
