import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerProfileCommand } from '../../src/cli/profile.ts';
import { registerDseCommand } from '../../src/cli/dse.ts';
import { registerTrainCommand } from '../../src/cli/train.ts';
import { registerEvaluateCommand } from '../../src/cli/evaluate.ts';
import { candidateDirs, locateDataset } from '../../src/data/datasets.ts';
import { testWithTool } from '../tools.ts';

test('profile, dse, evaluate and train share --no-progress, --json and --out', (t) => {
  const program = new Command();
  registerProfileCommand(program);
  registerDseCommand(program);
  registerTrainCommand(program);
  registerEvaluateCommand(program);
  for (const name of ['profile', 'dse', 'evaluate', 'train']) {
    const cmd = program.commands.find((c) => c.name() === name);
    const flags = cmd?.options.map((o) => o.long) ?? [];
    for (const f of ['--no-progress', '--json', '--out']) t.true(flags.includes(f), `${name} ${f}`);
  }
});

const fashion = (() => {
  try {
    return locateDataset('fashion-mnist', 'test').dir;
  } catch {
    return undefined;
  }
})();

testWithTool(fashion, `Fashion-MNIST not found in ${candidateDirs('fashion-mnist').join(', ')} (apt-get install -y dataset-fashion-mnist)`,
  'evaluate --out writes evaluate.json and grid.md holding the returned result', async (t) => {
    const { evaluateModel } = await import('../../src/app/evaluate.ts');
    const out = join(mkdtempSync(join(tmpdir(), 'stcsim-eval-')), 'report');
    const rows: number[] = [];
    let total = 0;
    const r = await evaluateModel('fixtures/fashion-smallnet/stcsnn', { dataset: 'fashion-mnist', testLimit: 20, timesteps: [2, 4], out, backend: 'cpu' }, {
      onGridStart: (n) => { total = n; },
      onGridRow: (row) => rows.push(row.accuracy),
    });
    t.is(total, 2);
    t.deepEqual(r.files, ['evaluate.json', 'grid.md']);
    t.true(existsSync(join(out, 'grid.md')));
    const saved = JSON.parse(readFileSync(join(out, 'evaluate.json'), 'utf8')) as typeof r;
    t.deepEqual(saved, JSON.parse(JSON.stringify(r)));
    t.is(r.images, 20);
    t.deepEqual(r.grid?.rows.map((x) => x.accuracy), rows);
    t.is(readFileSync(join(out, 'grid.md'), 'utf8'), r.grid?.markdown ?? '');
  });
