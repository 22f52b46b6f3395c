/**
 * Word widths in sweeps: a bare number in a width field means bits, and the weight and activation
 * widths are part of the network setting, so each runs the network at its widths (real accuracy per point).
 */
import test from 'ava';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/datasets.ts';
import { planPoints } from '../../src/dse/plan.ts';
import { runDse } from '../../src/dse/run.ts';
import { parseSweep } from '../../src/dse/space.ts';
import { initBackend } from '../../src/run/backend.ts';
import { testWithTool } from '../tools.ts';
import { num, readRows, smallnetSweep, tempDir } from './support.ts';

// WASM: the trained model's 2 x 200 test images took three times as long on the CPU backend.
test.before(async () => {
  await initBackend('wasm');
});

test('a bare number in a width field means bits; capacities need a unit', (t) => {
  t.deepEqual(parseSweep('precision.weight=2,4,8').values, [2, 4, 8]);
  const bare = planPoints(smallnetSweep('', ['precision.weight=4', 'buffers.weights.portWidth=64']));
  const withUnit = planPoints(smallnetSweep('', ['precision.weight=4 bit', 'buffers.weights.portWidth=64 bit']));
  t.is(bare.points[0].id, withUnit.points[0].id);
  t.deepEqual((bare.points[0].accelerator as { precision: { weight: string } }).precision.weight, '4 bit');
  t.throws(() => parseSweep('weight_buffer=64,128'), { message: /give a unit/ });
  t.throws(() => parseSweep('clock=500'), { message: /give a unit/ });
  t.throws(() => parseSweep('precision.weight=2.5'), { message: /whole numbers of bits/ });
});

test('weight and activation widths are part of the network setting; other widths and --no-quantize are not', (t) => {
  const keys = (sweeps: string[], quantize = true): number => new Set(planPoints(smallnetSweep('', sweeps, { quantize })).points.map((p) => p.networkKey)).size;
  t.is(keys(['precision.weight=2,4,8']), 3);
  t.is(keys(['precision.activation=8,16']), 2);
  t.is(keys(['precision.psum=20,24', 'ac_lanes=16,64']), 1);
  t.is(keys(['precision.weight=2,4,8'], false), 1);
  const p = planPoints(smallnetSweep('', ['precision.weight=2'])).points[0];
  t.deepEqual(p.network.quantization, { weightBits: 2, activationBits: 16 });
  t.is(planPoints(smallnetSweep('', ['precision.weight=2'], { quantize: false })).points[0].network.quantization, null);
});

test('untrained smallnet: each weight width records its own trace', async (t) => {
  const out = tempDir('dse-widths');
  await runDse(smallnetSweep(out, ['precision.weight=2,8', 'ac_lanes=16,64']));
  const rows = readRows(join(out, 'dse.csv'));
  const byWidth = (w: string): Set<string> => new Set(rows.filter((r) => r['precision.weight'] === w).map((r) => r.network_key));
  t.is(byWidth('2').size, 1);
  t.is(byWidth('8').size, 1);
  t.notDeepEqual([...byWidth('2')], [...byWidth('8')]);
  // Different weights spike differently.
  t.not(num(rows[0], 'spikes'), num(rows[2], 'spikes'));
});

/** Fashion-MNIST from the Debian package (or $STCSIM_DATA_DIR); null, with the reason, when absent. */
/** True when the Fashion-MNIST test split is readable (undefined: the test is skipped and says why). */
function fashionMnist(): true | undefined {
  try {
    loadDataset('fashion-mnist', 'test', { limit: 1, dataDir: process.env.STCSIM_DATA_DIR });
    return true;
  } catch {
    return undefined;
  }
}

testWithTool(fashionMnist(), 'Fashion-MNIST test files not found (apt-get install -y dataset-fashion-mnist)',
  'trained fashion-smallnet on 200 test images: 2-bit weights lose accuracy that 8-bit weights keep', async (t) => {
  const out = tempDir('dse-fashion');
  const r = await runDse(smallnetSweep(out, ['precision.weight=2,8'], {
    model: 'fixtures/fashion-smallnet/stcsnn/model.json',
    inputs: { seed: 1, images: 200, dataset: 'fashion-mnist', dataDir: process.env.STCSIM_DATA_DIR },
  }));
  // Labelled images: accuracy joins the default objectives.
  t.deepEqual(r.objectives.map((o) => `${o.column}:${o.sense}`), ['energy_pJ:min', 'latency_s:min', 'area_mm2:min', 'accuracy:max']);
  const rows = readRows(join(out, 'dse.csv'));
  const acc = (w: string): number => num(rows.find((x) => x['precision.weight'] === w) ?? {}, 'accuracy');
  t.log(`accuracy: 2-bit weights ${acc('2')}, 8-bit weights ${acc('8')}`);
  t.true(acc('2') < acc('8'), `2 bit ${acc('2')} vs 8 bit ${acc('8')}`);
  // The trained model reaches ~90% at 8 bits on these images.
  t.true(acc('8') > 0.8);
  t.not(rows[0].network_key, rows[1].network_key);
});
