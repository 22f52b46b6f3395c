import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../../src/run/wasm-kernels.ts';
import { initBackend } from '../../src/run/backend.ts';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case { x: [number, number, number, number]; w: [number, number, number, number]; s: number | [number, number]; pad: Pad }

const CASES: Case[] = [
  { x: [2, 7, 7, 3], w: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 7, 8, 3], w: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [2, 7, 7, 3], w: [3, 3, 3, 4], s: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], w: [3, 3, 2, 5], s: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { x: [1, 6, 6, 2], w: [1, 1, 2, 3], s: 2, pad: 'valid' },
  { x: [1, 8, 8, 2], w: [5, 3, 2, 2], s: [2, 1], pad: [[0, 0], [2, 0], [1, 2], [0, 0]] },
  { x: [2, 9, 9, 3], w: [3, 3, 3, 2], s: 3, pad: 'valid' },
  { x: [2, 8, 8, 3], w: [3, 3, 3, 2], s: 1, pad: [[0, 0], [3, 3], [0, 4], [0, 0]] },
];

/** Gradients of sum(conv(x, w)^2) w.r.t. x and w on the active backend, as plain arrays. */
async function grads(c: Case, xv: Float32Array, wv: Float32Array): Promise<[Float32Array, Float32Array]> {
  const x = tf.tensor4d(xv, c.x);
  const w = tf.tensor4d(wv, c.w);
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad).square().sum())([x, w]);
  const out: [Float32Array, Float32Array] = [(await gx.data()) as Float32Array, (await gw.data()) as Float32Array];
  tf.dispose([x, w, gx, gw]);
  return out;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

test.serial('wasm filter and input gradients equal the cpu backend on several shapes, strides and paddings', async (t) => {
  t.is(await initBackend('wasm'), 'wasm');
  registerWasmTrainingKernels(); // idempotent
  let seed = 7;
  for (const c of CASES) {
    const xv = tf.randomNormal(c.x, 0, 1, 'float32', seed++).dataSync() as Float32Array;
    const wv = tf.randomNormal(c.w, 0, 1, 'float32', seed++).dataSync() as Float32Array;
    await tf.setBackend('wasm');
    const [gxW, gwW] = await grads(c, xv, wv);
    await tf.setBackend('cpu');
    const [gxC, gwC] = await grads(c, xv, wv);
    const label = `x ${c.x} w ${c.w} stride ${String(c.s)} pad ${JSON.stringify(c.pad)}`;
    t.true(maxAbsDiff(gwW, gwC) <= 1e-5 * Math.max(1, maxAbs(gwC)), `dW ${label}`);
    t.true(maxAbsDiff(gxW, gxC) <= 1e-5 * Math.max(1, maxAbs(gxC)), `dx ${label}`);
  }
});

test.serial('a conv + BN + ReLU + max/avg pool + dense model trains on wasm', async (t) => {
  await tf.setBackend('wasm');
  const inp = tf.input({ shape: [8, 8, 2] });
  let h = tf.layers.zeroPadding2d({ padding: 1 }).apply(inp) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, useBias: false }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.averagePooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 3 }).apply(h) as tf.SymbolicTensor });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const hist = await model.fit(tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 3), tf.tensor1d([0, 1, 2, 1]), { epochs: 2, verbose: 0 });
  t.true(Number.isFinite(hist.history.loss[1] as number));
});
