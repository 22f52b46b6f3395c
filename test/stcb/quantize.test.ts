import test from 'ava';
import fc from 'fast-check';
import { quantizeActivations, quantizeWeightsPerChannel } from '../../src/stcb/quantize.ts';

const kernel = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 20 }))
  .chain(([channels, per]) => fc.array(fc.integer({ min: -4000, max: 4000 }).map((v) => v / 1000), { minLength: channels * per, maxLength: channels * per })
    .map((v) => ({ channels, w: Float32Array.from(v) })));

test('weights: per channel, at most 2^b - 1 symmetric levels, max kept, error <= half a step', (t) => {
  fc.assert(fc.property(kernel, fc.integer({ min: 2, max: 8 }), ({ channels, w }, bits) => {
    const q = quantizeWeightsPerChannel(Float32Array.from(w), channels, bits);
    const levels = 2 ** (bits - 1) - 1;
    for (let c = 0; c < channels; c++) {
      const orig = [...w].filter((_, i) => i % channels === c);
      const got = [...q].filter((_, i) => i % channels === c);
      const max = Math.max(...orig.map(Math.abs));
      const scale = max / levels;
      if (max === 0) { t.deepEqual(got, orig); continue; }
      if (Math.abs(Math.max(...got.map(Math.abs)) - max) > 1e-5 * max) return false;
      if (new Set(got.map((v) => Math.round(v / scale))).size > 2 * levels + 1) return false;
      for (let i = 0; i < orig.length; i++) {
        if (Math.abs(got[i] - orig[i]) > scale / 2 + 1e-5 * max) return false;
        if (Math.abs(got[i] / scale - Math.round(got[i] / scale)) > 1e-3) return false;
      }
    }
    return true;
  }));
  t.pass('property held for every generated kernel');
});

test('weights at 1 bit: sign times the mean magnitude of the channel; an exact 0 becomes +alpha, as in training', (t) => {
  const w = Float32Array.from([0.5, -2, -1.5, 4, 1, 0]); // two channels: [0.5, -1.5, 1] and [-2, 4, 0]
  const q = quantizeWeightsPerChannel(Float32Array.from(w), 2, 1);
  const a0 = (0.5 + 1.5 + 1) / 3;
  const a1 = (2 + 4 + 0) / 3;
  t.deepEqual([...q].map((v) => Number(v.toFixed(6))), [a0, -a1, -a0, a1, a0, a1].map((v) => Number(v.toFixed(6))));
});

test('weights at 2 bit: three levels -m, 0, +m per channel', (t) => {
  const q = quantizeWeightsPerChannel(Float32Array.from([0.2, 0.6, 1, -0.4]), 1, 2);
  t.deepEqual([...q].map((v) => Number(v.toFixed(6))), [0, 1, 1, 0]);
});

test('activations: clamped to the encoder range, on a grid of 2^b - 1 steps, idempotent', (t) => {
  fc.assert(fc.property(fc.array(fc.float({ min: -3, max: 5, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 12 }), (xs, bits) => {
    const range = 2.1;
    const step = range / (2 ** bits - 1);
    const q = quantizeActivations(Float32Array.from(xs), range, bits);
    for (let i = 0; i < xs.length; i++) {
      const clamped = Math.min(Math.max(xs[i], 0), range);
      if (Math.abs(q[i] - clamped) > step / 2 + 1e-6) return false;
      if (q[i] < 0 || q[i] > range + 1e-6) return false;
    }
    const again = quantizeActivations(Float32Array.from(q), range, bits);
    return again.every((v, i) => Math.abs(v - q[i]) < 1e-6);
  }));
  t.pass('property held');
});

test('bad widths are refused with the width named', (t) => {
  t.throws(() => quantizeWeightsPerChannel(new Float32Array(4), 2, 0), { message: /weight width .* 1\.\.32, got 0/ });
  t.throws(() => quantizeActivations(new Float32Array(4), 1, 2.5), { message: /activation width/ });
});
