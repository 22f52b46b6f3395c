/** `stcsim dse-merge <into> <from...>`: merges results stores of sweeps run on other machines, by point id. */
import type { Command } from 'commander';
import { runAction } from './run-action.ts';

export function registerDseMergeCommand(program: Command): void {
  program
    .command('dse-merge')
    .description('merge DSE results stores (folders or results.sqlite files) into one, keyed by point id; re-run the sweep on the merged folder to export dse.csv')
    .argument('<into>', 'DSE folder (or .sqlite file) to merge into; created when missing')
    .argument('<from...>', 'DSE folders or .sqlite files to merge from')
    .action(async (into: string, from: string[]) => {
      await runAction(async () => {
        const { mergeResults } = await import('../app/dse.ts');
        const r = await mergeResults(into, from);
        for (const m of r.merged) process.stdout.write(`${m.file}: ${m.points} point(s) added or updated\n`);
        process.stdout.write(`merged into ${r.file}\n`);
      });
    });
}
