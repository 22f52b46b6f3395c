/**
 * LIF-family dynamics (src/neuron/dynamics.ts and the tfjs Lif layer) against closed forms and brute force:
 * - constant input I, leak lambda, hard reset: the membrane after n steps from rest is I (1 - lambda^n) / (1 - lambda),
 *   so the neuron fires every n* = ceil(log(1 - theta (1 - lambda) / I) / log lambda) steps;
 * - no leak, soft reset: after T steps exactly floor(T I / theta) spikes (the IF neuron's rate code);
 * - multi-threshold levels: the number of thresholds k theta (k = 1..K) the membrane reaches, counted one by one;
 * - the tfjs layer (time folded into the batch) gives the reference's spikes step by step.
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { runNeuron, spikeLevel } from '../../src/neuron/dynamics.ts';
import { lifDefaults } from '../../src/neuron/settings.ts';
import { Lif } from '../../src/train/lif-layers.ts';
import { cpuBackend, prng } from '../helpers.ts';

test.before(async () => cpuBackend());

test('constant input, hard reset: firing period equals the closed form', (t) => {
  for (const [I, lambda, theta] of [[0.3, 0.9, 1], [0.6, 0.5, 1], [0.25, 0.95, 2], [1.5, 0.8, 1], [0.45, 0.7, 1.2]]) {
    const period = Math.ceil(Math.log(1 - (theta * (1 - lambda)) / I) / Math.log(lambda));
    const T = period * 5;
    const run = runNeuron(new Array<number>(T).fill(I), { threshold: theta, leak: lambda, reset: 'hard', levels: 1 });
    const times = run.spikes.flatMap((s, i) => (s > 0 ? [i + 1] : []));
    t.deepEqual(times, Array.from({ length: 5 }, (_, k) => (k + 1) * period), `I=${I} lambda=${lambda} theta=${theta}`);
    // Membrane between spikes follows I (1 - lambda^n) / (1 - lambda).
    for (let n = 1; n <= period; n++) t.true(Math.abs(run.membrane[n - 1] - (I * (1 - lambda ** n)) / (1 - lambda)) < 1e-12);
  }
});

test('no leak, soft reset: floor(T I / theta) spikes after T steps', (t) => {
  // Dyadic values: every membrane value is exact in binary floating point, so the count is exact.
  for (const [I, theta, T] of [[0.375, 1, 20], [0.625, 1, 13], [0.3125, 0.5, 9], [0.1875, 0.75, 31], [0.25, 1, 8]]) {
    const run = runNeuron(new Array<number>(T).fill(I), { threshold: theta, leak: 1, reset: 'soft', levels: 1 });
    t.is(run.spikes.reduce((a, b) => a + b, 0), Math.floor((T * I) / theta));
  }
});

test('multi-threshold level = number of thresholds k*theta reached (brute force)', (t) => {
  const rnd = prng(5);
  for (let i = 0; i < 2000; i++) {
    const theta = 0.2 + rnd() * 2;
    const K = 1 + Math.floor(rnd() * 7);
    const u = (rnd() * 2 - 0.5) * theta * (K + 2);
    let brute = 0;
    for (let k = 1; k <= K; k++) if (u >= k * theta) brute++;
    t.is(spikeLevel(u, theta, K), brute);
  }
});

test('the tfjs Lif layer reproduces the reference step by step (lif and mlif, soft and hard reset)', (t) => {
  const rnd = prng(9);
  for (const [kind, reset, levels] of [['lif', 'soft', 1], ['lif', 'hard', 1], ['mlif', 'soft', 3], ['mlif', 'hard', 7]] as const) {
    const T = 6;
    const N = 5;
    const F = 7;
    const s = { ...lifDefaults(kind), timesteps: T, reset, levels, threshold: 0.7, leak: 0.8 };
    const currents = Float32Array.from({ length: T * N * F }, () => rnd() * 2.5 - 0.5);
    const layer = new Lif({ neuron: s });
    const out = tf.tidy(() => (layer.apply(tf.tensor2d(currents, [T * N, F])) as tf.Tensor).dataSync());
    for (let n = 0; n < N; n++) {
      for (let f = 0; f < F; f++) {
        const seq = Array.from({ length: T }, (_, st) => currents[(st * N + n) * F + f]);
        // The reference in float32 steps, as the layer computes.
        const ref = runNeuron(seq, { threshold: Math.fround(0.7), leak: Math.fround(1 / (1 + Math.exp(-Math.log(0.8 / 0.2)))), reset, levels });
        for (let st = 0; st < T; st++) t.is(out[(st * N + n) * F + f], ref.spikes[st], `${kind} ${reset} n=${n} f=${f} t=${st + 1}`);
      }
    }
  }
});
