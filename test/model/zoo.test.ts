import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { isWeightNode } from '../../src/model/graph.ts';
import { inferShapes } from '../../src/model/shapes.ts';
import { spikingLayers, toStcsnn } from '../../src/model/stcsnn.ts';
import { zooGraph } from '../../src/model/zoo.ts';
import { denseMacs, layerGeometry } from '../../src/trace/geometry.ts';
import { initWeights } from '../../src/model/weights.ts';
import { forwardBatch } from '../../src/run/forward.ts';
import { PAPER_DEFAULTS } from '../../src/stcb/schedule.ts';
import { initBackend } from '../../src/run/backend.ts';
import { randomArray } from '../helpers.ts';

// WASM, the default backend without tfjs-node: the forward passes below (shapes only, no numbers
// compared) take a quarter of the cpu backend's time there.
test.before(async () => {
  await initBackend('wasm');
});

function totalDenseMacs(name: string, inputShape?: number[]): number {
  const g = zooGraph(name, { inputShape });
  const shapes = inferShapes(g);
  return g.nodes.filter(isWeightNode).reduce((a, n) => a + denseMacs(layerGeometry(g, shapes, n)), 0);
}

/** 3x3 conv with padding 1, stride s, on an n x n map: 9 * cin * cout * (n / s)^2 MACs. */
const conv3 = (n: number, cin: number, cout: number, s = 1): number => 9 * cin * cout * (n / s) ** 2;

test('VGG11 and VGG16 dense MACs equal their closed forms (CIFAR)', (t) => {
  const vgg = (cfg: (number | 'M')[]): number => {
    let n = 32;
    let c = 3;
    let macs = 0;
    for (const item of cfg) {
      if (item === 'M') n /= 2;
      else { macs += conv3(n, c, item); c = item; }
    }
    return macs + c * n * n * 10;
  };
  t.is(totalDenseMacs('vgg11'), vgg([64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']));
  t.is(totalDenseMacs('vgg16'), vgg([64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']));
  // By hand: 1,769,472 + 18,874,368 + 18,874,368 + 37,748,736 + 18,874,368 + 37,748,736 + 2 x 9,437,184 + 512 x 10.
  t.is(totalDenseMacs('vgg11'), 152_764_416 + 5_120);
});

test('ResNet18 dense MACs equal the closed form (CIFAR and ImageNet stems)', (t) => {
  const stages = (n0: number): number => {
    let macs = 0;
    let n = n0;
    let c = 64;
    for (const [i, outC] of [64, 128, 256, 512].entries()) {
      const s = i === 0 ? 1 : 2;
      n /= s;
      macs += conv3(n * s, c, outC, s) + 3 * conv3(n, outC, outC); // first conv strided, three more
      if (c !== outC) macs += c * outC * n * n; // 1x1 shortcut
      c = outC;
    }
    return macs;
  };
  t.is(totalDenseMacs('resnet18'), conv3(32, 3, 64) + stages(32) + 512 * 10);
  t.is(totalDenseMacs('resnet18'), 555_422_720);
  // ImageNet: 7x7/2 stem on 224 -> 112, max-pool/2 -> 56.
  const imagenet = 7 * 7 * 3 * 64 * 112 * 112 + stages(56) + 512 * 1000;
  t.is(totalDenseMacs('resnet18-imagenet'), imagenet);
  t.is(totalDenseMacs('resnet18', [224, 224, 3]), imagenet - 512 * 990);
  t.is(imagenet, 1_814_073_344);
});

test('STCSNN conversion: first layer and classifier stay MAC, every other conv is an STCB; shortcuts share the encoder', (t) => {
  const g = toStcsnn(zooGraph('resnet18'));
  const spiking = spikingLayers(g);
  const weights = g.nodes.filter(isWeightNode).map((n) => n.name);
  t.deepEqual(weights.filter((n) => !spiking.has(n)), ['stem', 'fc']);
  t.is(spiking.size, 16 + 3);
  const conv1 = g.nodes.find((n) => n.name === 'layer2.0.conv1');
  const shortcut = g.nodes.find((n) => n.name === 'layer2.0.shortcut');
  t.is(conv1?.inputs[0], shortcut?.inputs[0]);
  t.is(g.nodes.filter((n) => n.kind === 'steb').length, 16);
  const withFc = spikingLayers(toStcsnn(zooGraph('vgg11'), { spikingClassifier: true }));
  t.true(withFc.has('fc'));
  t.false(spikingLayers(toStcsnn(zooGraph('vgg11'))).has('fc'));
});

test('shape inference agrees with the tfjs forward pass for every zoo network', (t) => {
  for (const [name, shape] of [['smallnet', undefined], ['vgg11', undefined], ['resnet18', undefined], ['resnet18', [64, 64, 3]]] as const) {
    const g = toStcsnn(zooGraph(name, { inputShape: shape }));
    const shapes = inferShapes(g);
    const input = shapes.get('input')?.output ?? [];
    const x = tf.tensor4d(randomArray(input.reduce((a, b) => a * b, 1), 3, 0, 1), [1, input[0], input[1], input[2]]);
    const run = forwardBatch(g, shapes, initWeights(g, 1), x, { settings: { ...PAPER_DEFAULTS }, calibrateBatchNorm: true });
    t.deepEqual(run.logits.shape.slice(1), [...(shapes.get(g.output)?.output ?? [])], name);
    for (const [steb, codes] of run.codes) {
      const s = shapes.get(steb)?.output ?? [];
      t.is(codes.length, s.reduce((a, b) => a * b, 1), `${name} ${steb}`);
    }
  }
});
