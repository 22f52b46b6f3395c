import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paretoFront, dominates } from '../../src/dse/pareto.ts';
import { runDse, type DseOptions } from '../../src/dse/run.ts';
import { parseSweep, cartesian } from '../../src/dse/space.ts';
import { paperPreset } from '../../src/energy/paper.ts';
import { PAPER_DEFAULTS } from '../../src/stcb/schedule.ts';
import { cpuBackend } from '../helpers.ts';

test.before(cpuBackend);

test('Pareto front of a hand-made point set', (t) => {
  const pts = [[1, 9], [2, 5], [3, 6], [4, 2], [5, 2], [2, 5], [9, 1], [6, 6]];
  // By hand: [3,6] is dominated by [2,5]; [5,2] by [4,2]; [6,6] by [2,5]; both copies of [2,5] stay.
  t.deepEqual(paretoFront(pts), [0, 1, 3, 5, 6]);
  t.true(dominates([1, 1], [1, 2]));
  t.false(dominates([1, 2], [1, 2]));
  // Brute force on random sets: a point is on the front iff nothing dominates it.
  for (let s = 1; s <= 20; s++) {
    const set = Array.from({ length: 30 }, (_, i) => [((i * 7919 * s) % 13), ((i * 104729 + s) % 11), ((i * s) % 5)]);
    const brute = set.map((p, i) => i).filter((i) => !set.some((q) => dominates(q, set[i])));
    t.deepEqual(paretoFront(set), brute);
  }
});

test('sweep keys: aliases, value types, cartesian order, clear errors', (t) => {
  t.deepEqual(parseSweep('ac_lanes=64,256'), { key: 'acArray.lanes', values: [64, 256] });
  t.deepEqual(parseSweep('options.spikeStorage=bitmap,address-events').values, ['bitmap', 'address-events']);
  t.deepEqual(cartesian([parseSweep('a=1,2'), parseSweep('b=x,y')]), [{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }]);
  t.throws(() => parseSweep('timesteps=0,4'), { message: /timesteps.*1\.\.31/ });
  t.throws(() => parseSweep('timesteps'), { message: /key=v1,v2/ });
});

function options(out: string, extra: Partial<DseOptions> = {}): DseOptions {
  return {
    model: 'smallnet', inputs: { seed: 3, images: 2 }, settings: { ...PAPER_DEFAULTS }, spikingClassifier: false,
    preset: paperPreset('int32-45nm'), accelerator: 'stcb-default', node: 45,
    axes: [parseSweep('timesteps=2,4'), parseSweep('node=45,7'), parseSweep('ac_lanes=16,64,256')],
    out, batch: 16, workers: 0, ...extra,
  };
}

test('an interrupted and resumed sweep yields the same dse.csv as an uninterrupted one; traces are shared', async (t) => {
  const full = mkdtempSync(join(tmpdir(), 'stcsim-dse-full-'));
  const cut = mkdtempSync(join(tmpdir(), 'stcsim-dse-cut-'));
  const a = await runDse(options(full));
  t.true(a.complete);
  t.is(a.evaluated, 12);
  // One trace per network setting (timesteps), shared by the 6 hardware points of each.
  t.is(readdirSync(join(full, 'traces')).filter((f) => f.endsWith('.trace')).length, 2);

  const first = await runDse(options(cut, { stopAfter: 5 }));
  t.false(first.complete);
  t.is(first.evaluated, 5);
  // An interruption in the middle of writing a line: the partial line is dropped and recomputed.
  writeFileSync(join(cut, 'dse.csv'), readFileSync(join(cut, 'dse.csv'), 'utf8') + 'deadbeef,2,4');
  const second = await runDse(options(cut, { workers: 2 }));
  t.true(second.complete);
  t.is(second.evaluated, 7);
  t.is(readFileSync(join(cut, 'dse.csv'), 'utf8'), readFileSync(join(full, 'dse.csv'), 'utf8'));
  t.is(readFileSync(join(cut, 'pareto.csv'), 'utf8'), readFileSync(join(full, 'pareto.csv'), 'utf8'));
  const again = await runDse(options(cut));
  t.is(again.evaluated, 0, 'a finished sweep recomputes nothing');

  // More lanes never add cycles, at equal node and timesteps (monotonic sanity through the whole flow).
  const rows = readFileSync(join(full, 'dse.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const head = readFileSync(join(full, 'dse.csv'), 'utf8').split('\n')[0].split(',');
  const c = (r: string[], k: string): number => Number(r[head.indexOf(k)]);
  for (const r of rows) {
    for (const s of rows) {
      if (c(r, 'timesteps') === c(s, 'timesteps') && c(r, 'node') === c(s, 'node') && c(r, 'acArray.lanes') < c(s, 'acArray.lanes')) {
        t.true(c(s, 'cycles') <= c(r, 'cycles'));
      }
    }
  }
});

test('a sweep of a field the accelerator file does not have fails before any work', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stcsim-dse-bad-'));
  await t.throwsAsync(runDse(options(out, { axes: [parseSweep('acArray.lanez=1,2')] })), { message: /no field "acArray.lanez"/ });
  await t.throwsAsync(runDse(options(out, { axes: [parseSweep('acArray.lanes=-4')] })), { message: /lanes/ });
});
