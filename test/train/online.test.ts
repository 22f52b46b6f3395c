/**
 * Trace-based training (src/train/online.ts) against BPTT where they must agree: at T = 1 there is
 * no past, so the eligibility traces are the inputs themselves and one optimizer step of each mode
 * gives the same weights. At T > 1 the trace mode must still move the weights and keep them finite.
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { GraphBuilder } from '../../src/model/builder.ts';
import { lifDefaults, type LifSettings } from '../../src/neuron/settings.ts';
import { buildModel } from '../../src/train/build.ts';
import { onlineStep } from '../../src/train/online.ts';
import { cpuBackend, randomArray } from '../helpers.ts';

test.before(async () => cpuBackend());

/** smallnet's shape (conv-bn-lif-pool twice, linear) at toy size, so both modes run in a fraction of a second. */
function tinyNet() {
  const b = new GraphBuilder('tiny', [8, 8, 1]);
  let x = b.maxpool(b.convBnRelu('input', 'conv1', 4), 'pool1', 2);
  x = b.maxpool(b.convBnRelu(x, 'conv2', 6), 'pool2', 2);
  return b.build(b.dense(b.flatten(x, 'flatten'), 'fc', 3));
}
const graph = tinyNet();
const x = (): tf.Tensor4D => tf.tensor4d(randomArray(4 * 64, 3, 0, 1), [4, 8, 8, 1]);
const y = (): tf.Tensor1D => tf.tensor1d([0, 1, 2, 1], 'int32');

function weightsAfter(mode: 'bptt' | 'trace', neuron: LifSettings): Float32Array[] {
  const model = buildModel(graph, { mode: 'lif', neuron, seed: 4 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const opt = tf.train.sgd(0.5);
  const xs = x();
  const ys = y();
  if (mode === 'trace') onlineStep(model, xs, ys, 3, opt, vars);
  else opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(ys, 3), model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, false, vars);
  const out = model.trainableWeights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
  model.dispose();
  return out;
}

test('T = 1: one trace-based step equals one BPTT step (weights, threshold, leak)', (t) => {
  for (const kind of ['lif', 'mlif'] as const) {
    const neuron = { ...lifDefaults(kind), timesteps: 1, threshold: 0.5 };
    const a = weightsAfter('bptt', neuron);
    const b = weightsAfter('trace', neuron);
    const init = buildModel(graph, { mode: 'lif', neuron, seed: 4 }).trainableWeights.map((w) => w.read().dataSync() as Float32Array);
    let moved = 0;
    a.forEach((wa, i) => {
      wa.forEach((v, j) => {
        t.true(Math.abs(v - b[i][j]) <= 1e-4 * Math.max(1, Math.abs(v)), `${kind} weight ${i}[${j}]: ${v} vs ${b[i][j]}`);
        if (Math.abs(v - init[i][j]) > 1e-7) moved++;
      });
    });
    t.true(moved > 40, `${kind}: the step changed ${moved} weights`);
  }
});

test('T = 4: trace-based training moves every parameter kind and stays finite', (t) => {
  const neuron = { ...lifDefaults('lif'), timesteps: 4, threshold: 0.5 };
  const model = buildModel(graph, { mode: 'lif', neuron, seed: 4 });
  const names = model.trainableWeights.map((w) => w.name);
  const before = model.trainableWeights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
  const after = weightsAfter('trace', neuron);
  for (const [i, name] of names.entries()) {
    t.true(after[i].every(Number.isFinite), name);
    if (/kernel|threshold|leak_logit/.test(name)) t.true(after[i].some((v, j) => v !== before[i][j]), `${name} moved`);
  }
  model.dispose();
});
