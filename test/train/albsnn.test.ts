import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GraphBuilder } from '../../src/model/builder.ts';
import { isBinaryKernel } from '../../src/model/binarize.ts';
import { buildModel } from '../../src/train/build.ts';
import { trainAlbsnn, type AlbsnnReport } from '../../src/train/albsnn.ts';
import { binarizeTensor } from '../../src/train/albsnn-kernels.ts';
import { loadModel } from '../../src/train/io.ts';
import { quantizeWeightsPerChannel } from '../../src/stcb/quantize.ts';
import { cpuBackend, randomArray } from '../helpers.ts';

test.before(cpuBackend);

test('train-binary: estimates are loss differences, the saved kernels of the chosen layers are +-alpha', async (t) => {
  const b = new GraphBuilder('tiny', [6, 6, 1]);
  const graph = b.build(b.dense(b.flatten(b.relu(b.conv('input', 'conv1', 4, 3), 'relu1'), 'flat'), 'fc', 3));
  const model = buildModel(graph, { mode: 'stcsnn', seed: 2 });
  const n = 96;
  const images = randomArray(n * 36, 5, 0, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => (images[i * 36] > 0.5 ? 1 : 0) + (images[i * 36 + 35] > 0.5 ? 1 : 0));
  const out = mkdtempSync(join(tmpdir(), 'stcsim-albsnn-'));
  // Tolerance 10 keeps every layer binary; the check is on what was saved and recorded.
  const r = await trainAlbsnn(model, { images, labels, shape: [n, 6, 6, 1], classes: 3 }, {
    epochs: 2, outDir: out, candidates: ['conv1', 'fc'], heldOut: 32, tolerance: 10, batchSize: 16, learningRate: 1e-3, seed: 1, log: () => undefined,
  });
  const saved = JSON.parse(readFileSync(join(out, 'albsnn.json'), 'utf8')) as AlbsnnReport;
  t.deepEqual(saved.binaryLayers, r.binaryLayers);
  t.deepEqual(r.binaryLayers.sort(), ['conv1', 'fc']);
  t.is(r.epochs.length, 2);
  for (const e of r.epochs) for (const x of e.estimates) t.true(Math.abs(x.deltaLoss - (x.loss - x.lossFullPrecision)) < 1e-12);
  const reloaded = await loadModel(out);
  for (const name of ['conv1', 'fc']) {
    const k = reloaded.getLayer(name).getWeights()[0];
    t.true(isBinaryKernel(k.dataSync() as Float32Array, k.shape[k.rank - 1]), name);
  }
  tf.dispose([model, reloaded].flatMap((m) => m.getWeights()));
});

/** Mean softmax cross-entropy of a linear classifier y = x W + b, computed in plain JS. */
function crossEntropy(x: Float32Array, labels: Int32Array, w: ArrayLike<number>, bias: ArrayLike<number>, features: number, classes: number): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const z = Array.from({ length: classes }, (_, k) => {
      let v = bias[k];
      for (let f = 0; f < features; f++) v += x[i * features + f] * w[f * classes + k];
      return v;
    });
    const m = Math.max(...z);
    sum += m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - z[labels[i]];
  }
  return sum / labels.length;
}

/** +-mean|W| per output channel (last axis), by hand. */
function binarised(w: ArrayLike<number>, classes: number): number[] {
  const alpha = new Array<number>(classes).fill(0);
  for (let i = 0; i < w.length; i++) alpha[i % classes] += Math.abs(w[i]) / (w.length / classes);
  return Array.from(w, (v, i) => Math.sign(v) * alpha[i % classes]);
}

/**
 * A linear 36 -> 3 classifier whose label is the brightest of three pixels, with a frozen optimiser
 * (learning rate 0), so the estimator's losses have closed forms: the reference is the starting
 * network's cross-entropy and a layer trained binary is compared with its starting kernel.
 */
async function linearRun(kernel: (f: number, k: number) => number, tolerance: number) {
  const b = new GraphBuilder('linear', [6, 6, 1]);
  const graph = b.build(b.dense(b.flatten('input', 'flat'), 'fc', 3));
  const model = buildModel(graph, { mode: 'stcsnn', seed: 2 });
  const w = Float32Array.from({ length: 36 * 3 }, (_, i) => kernel(Math.floor(i / 3), i % 3));
  model.getLayer('fc').setWeights([tf.tensor2d(w, [36, 3]), tf.zeros([3])]);
  const n = 64;
  const images = randomArray(n * 36, 9, 0, 1);
  const pixels = [0, 14, 35];
  const labels = Int32Array.from({ length: n }, (_, i) => pixels.reduce((best, p, k) => (images[i * 36 + p] > images[i * 36 + pixels[best]] ? k : best), 0));
  const out = mkdtempSync(join(tmpdir(), 'stcsim-albsnn-'));
  const r = await trainAlbsnn(model, { images, labels, shape: [n, 6, 6, 1], classes: 3 }, {
    epochs: 1, outDir: out, candidates: ['fc'], heldOut: 32, tolerance, batchSize: 16, learningRate: 0, seed: 1, log: () => undefined,
  });
  const held = images.subarray(32 * 36);
  const heldLabels = labels.subarray(32);
  const saved = (await loadModel(out)).getLayer('fc').getWeights()[0].dataSync();
  model.dispose();
  return { r, w, saved, ceStart: crossEntropy(held, heldLabels, w, [0, 0, 0], 36, 3), ceBinary: crossEntropy(held, heldLabels, binarised(w, 3), [0, 0, 0], 36, 3) };
}

test('estimator: reference = starting network, full-precision side = starting kernel; a harmful layer goes back to it', async (t) => {
  // Weight 20 on each class's own pixel, 0.01 elsewhere: binarising spreads the weight over all 36 pixels.
  const pixels = [0, 14, 35];
  const { r, w, saved, ceStart, ceBinary } = await linearRun((f, k) => (f === pixels[k] ? 20 : 0.01), 0.05);
  t.true(Math.abs(r.reference.loss - ceStart) < 1e-4);
  const e = r.epochs[0].estimates[0];
  t.is(e.fullPrecisionKernel, 'start');
  t.true(Math.abs(e.lossFullPrecision - ceStart) < 1e-4);
  t.true(Math.abs(e.loss - ceBinary) < 1e-4);
  t.true(ceBinary > 1.05 * ceStart);
  t.false(e.passes);
  t.deepEqual(r.binaryLayers, []);
  t.deepEqual(Array.from(saved), Array.from(w));
});

test('estimator: a kernel that is already +-alpha loses nothing when binarised and stays binary', async (t) => {
  const { r, saved, ceStart } = await linearRun((f, k) => ((f + k) % 2 === 0 ? 0.3 : -0.3) * (k + 1), 0);
  const e = r.epochs[0].estimates[0];
  t.true(Math.abs(e.deltaLoss) < 1e-6);
  t.true(e.passes);
  t.deepEqual(r.binaryLayers, ['fc']);
  t.true(Math.abs(r.epochs[0].selection.heldOutLoss - ceStart) < 1e-4);
  t.true(isBinaryKernel(saved as Float32Array, 3));
});

test('binarised kernels are +-mean|W| per output channel, a zero becoming +alpha', (t) => {
  // Channels (last axis): [0, -3] and [1, 2], alpha 1.5 each; [0, -2] alpha 1, [4, -2] alpha 3.
  const b = binarizeTensor(tf.tensor2d([0, 1, -3, 2], [2, 2]));
  t.deepEqual(Array.from(b.dataSync()), [1.5, 1.5, -1.5, 1.5]);
  const c = binarizeTensor(tf.tensor2d([0, 4, -2, -2], [2, 2]));
  t.deepEqual(Array.from(c.dataSync()), [1, 3, -1, -3]);
  tf.dispose([b, c]);
});

test('training binarises as the shared 1-bit quantiser does, exact zeros included (+alpha)', (t) => {
  const channels = 3;
  const w = Float32Array.from([0.5, -2, 0, -1.5, 0, 0.25, 1, 4, -0.75, 0, -1, 0]); // [4 rows, 3 channels]
  const trained = binarizeTensor(tf.tensor2d(w, [4, channels])).dataSync();
  const shared = quantizeWeightsPerChannel(Float32Array.from(w), channels, 1);
  for (let i = 0; i < w.length; i++) t.true(Math.abs(trained[i] - shared[i]) <= 1e-6 * Math.abs(shared[i]), `weight ${i}: training ${trained[i]}, quantiser ${shared[i]}`);
  t.true([...shared].every((v) => v !== 0), 'no zero in a 1-bit kernel');
});
