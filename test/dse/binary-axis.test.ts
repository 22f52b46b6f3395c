import test from 'ava';
import { readFileSync } from 'node:fs';
import { makePoint, type PointBase } from '../../src/dse/point.ts';
import { binaryLayerList, cartesian, parseSweep } from '../../src/dse/space.ts';
import { loadTech } from '../../src/arch/tech.ts';

test('binary_layers sweep axis: layer sets joined by +, each a separate network setting (own spike trace)', (t) => {
  const axis = parseSweep('binary_layers=none,fc,conv2+fc');
  t.deepEqual(axis.values.map(binaryLayerList), [[], ['fc'], ['conv2', 'fc']]);
  t.throws(() => parseSweep('binary_layers=1,2'), { message: /layer names joined by/ });
  const base: PointBase = {
    network: { model: 'smallnet', modelHash: 'init:1', input: 'synthetic', inputHash: 'x', images: 1, settings: { timesteps: 8, vth0: 0.8, tau: 2, schedule: 'exp' }, spikingClassifier: false },
    accelerator: JSON.parse(readFileSync('hw-models/accelerators/stcb-default.json', 'utf8')) as unknown,
    acceleratorName: 'stcb-default', node: 45, quantize: true, techAt: (n) => loadTech(n),
  };
  const points = cartesian([axis]).map((v) => makePoint(base, v));
  t.deepEqual(points.map((p) => p.network.binaryLayers), [undefined, ['fc'], ['conv2', 'fc']]);
  t.is(new Set(points.map((p) => p.networkKey)).size, 3);
});
