/**
 * Surrogate gradients against finite differences: each shape's derivative g against the central
 * difference of its primitive G (two separately written formulas), and the tfjs spike function's
 * gradients in u and theta against finite differences of the smooth level sum_k G(u/theta - k).
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { SURROGATE_SHAPES, surrogateDerivative, surrogatePrimitive } from '../../src/neuron/surrogate.ts';
import { spikeFn, surrogateTensor } from '../../src/neuron/spike-fn.ts';
import { cpuBackend } from '../helpers.ts';

test.before(async () => cpuBackend());

const xs = [-2.3, -1.1, -0.7, -0.31, -0.05, 0.04, 0.22, 0.49, 0.8, 1.3, 2.7];

test('g = dG/dx (central differences) for every shape and width; G goes 0 -> 1', (t) => {
  for (const shape of SURROGATE_SHAPES) {
    for (const a of [0.5, 1, 2]) {
      for (const x of xs) {
        const h = 1e-5;
        const fd = (surrogatePrimitive(shape, x + h, a) - surrogatePrimitive(shape, x - h, a)) / (2 * h);
        t.true(Math.abs(fd - surrogateDerivative(shape, x, a)) < 1e-5, `${shape} a=${a} x=${x}: fd ${fd} vs g ${surrogateDerivative(shape, x, a)}`);
      }
      t.true(surrogatePrimitive(shape, -1e4, a) < 1e-3 && surrogatePrimitive(shape, 1e4, a) > 1 - 1e-3);
    }
  }
});

test('tfjs surrogate equals the scalar one', (t) => {
  for (const shape of SURROGATE_SHAPES) {
    const v = surrogateTensor(shape, tf.tensor1d(xs), 1.5).dataSync();
    xs.forEach((x, i) => t.true(Math.abs(v[i] - surrogateDerivative(shape, x, 1.5)) < 1e-5, `${shape} ${x}`));
  }
});

test('spike function gradients in u and theta match finite differences of the smooth level', (t) => {
  const us = [0.1, 0.55, 0.93, 1.02, 1.4, 1.97, 2.3, 3.05];
  for (const shape of SURROGATE_SHAPES) {
    for (const K of [1, 3]) {
      const o = { levels: K, surrogate: shape, surrogateWidth: 1 };
      const theta0 = 0.9;
      const smooth = (u: number, th: number): number => {
        let s = 0;
        for (let k = 1; k <= K; k++) s += surrogatePrimitive(shape, u / th - k, 1);
        return s;
      };
      const weights = us.map((_, i) => 1 + 0.1 * i);
      const loss = (u: tf.Tensor, th: tf.Tensor): tf.Scalar => tf.sum(tf.mul(spikeFn(u, th, o), tf.tensor1d(weights)));
      const g = tf.grads(loss)([tf.tensor1d(us), tf.scalar(theta0)]);
      const du = g[0].dataSync();
      const dth = g[1].dataSync()[0];
      const h = 1e-6;
      us.forEach((u, i) => {
        const fd = (weights[i] * (smooth(u + h, theta0) - smooth(u - h, theta0))) / (2 * h);
        t.true(Math.abs(fd - du[i]) < 2e-3 * Math.max(1, Math.abs(fd)), `${shape} K=${K} du at u=${u}: ${du[i]} vs ${fd}`);
      });
      const fdTh = us.reduce((a, u, i) => a + (weights[i] * (smooth(u, theta0 + h) - smooth(u, theta0 - h))) / (2 * h), 0);
      t.true(Math.abs(fdTh - dth) < 2e-3 * Math.max(1, Math.abs(fdTh)), `${shape} K=${K} dtheta ${dth} vs ${fdTh}`);
    }
  }
});
