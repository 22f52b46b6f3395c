/** `stcsim evaluate <model>`: test accuracy of a saved model via app/evaluate.ts; --timesteps/--vth0 lists give a grid. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DATASET_NAMES } from '../data/datasets.ts';
import type { EvaluateCommandOptions } from '../app/evaluate.ts';
import { FORCED_BACKENDS } from './choices.ts';
import { positiveInt } from './parse.ts';
import { runAction } from './run-action.ts';
import { NEURON_KINDS } from '../neuron/settings.ts';
import { progressBar } from './progress.ts';

interface EvaluateFlags extends EvaluateCommandOptions {
  json: boolean;
  progress: boolean;
}

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
    .option('--out <dir>', 'report folder: evaluate.json (accuracy, grid, settings) and grid.md')
    .option('--force', 'replace a non-empty --out folder that stcsim did not write (docs/robustness.md)')
    .option('--json', 'print the result as JSON to stdout instead of text', false)
    .option('--no-progress', 'no progress bar')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(FORCED_BACKENDS))
    .addOption(new Option('--neuron <kind>', 'check the saved network is this neuron model (LIF/mlif: --timesteps gives accuracy vs T)').choices(NEURON_KINDS))
    .action(async (model: string, o: EvaluateFlags) => {
      await runAction(async () => {
        // The same conventions as profile, dse and train: bar on stderr (a terminal only), --json alone on stdout.
        const bar = await progressBar('evaluate |{bar}| {value}/{total} settings | {duration_formatted} | eta {eta_formatted}', o.progress && !o.json);
        const { evaluateModel } = await import('../app/evaluate.ts');
        let done = 0;
        const r = await evaluateModel(model, o, {
          onAccuracy: (acc, images) => { if (!o.json) process.stdout.write(`${model}: test accuracy ${(100 * acc).toFixed(2)}% on ${images} ${o.dataset} images\n`); },
          onGridStart: (total) => bar?.start(total, 0),
          onGridRow: (row) => {
            if (bar) bar.update(++done);
            else if (!o.json) process.stderr.write(`T=${row.timesteps} V0=${row.vth0}: ${(100 * row.accuracy).toFixed(2)}%\n`);
          },
        });
        bar?.stop();
        if (o.json) {
          process.stdout.write(JSON.stringify(r, null, 2) + '\n');
          return;
        }
        if (r.grid) process.stdout.write(r.grid.markdown);
        if (r.files.length > 0) process.stdout.write(`report: ${o.out}/ (${r.files.join(', ')})\n`);
      });
    });
}
