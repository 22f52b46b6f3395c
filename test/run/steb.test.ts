import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { encodeArray, encodeValue, stebEncode } from '../../src/stcb/steb.ts';
import { representableMax, thresholds, SCHEDULE_KINDS, type StcbSettings } from '../../src/stcb/schedule.ts';
import { cpuBackend, randomArray } from '../helpers.ts';

test.before(cpuBackend);

const settingsFor = (schedule: StcbSettings['schedule']): StcbSettings => ({ timesteps: 8, vth0: 0.8, tau: 2, schedule });

test('threshold schedules follow their closed forms', (t) => {
  const exp = thresholds(settingsFor('exp'));
  const pow2 = thresholds(settingsFor('pow2'));
  const cst = thresholds(settingsFor('const'));
  for (let i = 0; i < 8; i++) {
    t.is(exp[i], 0.8 * Math.exp(-i / 2));
    t.is(pow2[i], 0.8 / 2 ** i);
    t.is(cst[i], 0.8);
  }
});

for (const schedule of SCHEDULE_KINDS) {
  test(`STEB (${schedule}): |ReLU(x) - x_hat| < V(T) in range, saturation above it, no spikes for x <= 0`, (t) => {
    const s = settingsFor(schedule);
    const v = thresholds(s);
    const max = representableMax(s);
    const vT = v[v.length - 1];
    for (let i = 0; i <= 2000; i++) {
      const x = -1 + (i / 2000) * (max + 2);
      const { code, decoded } = encodeValue(x, v);
      if (x <= 0) {
        t.is(code, 0);
        t.is(decoded, 0);
      } else if (x < max) {
        // The const schedule is a rate code: its error bound is the single threshold V0 = V(T).
        t.true(Math.abs(x - decoded) < vT + 1e-12, `x=${x} decoded=${decoded}`);
        t.true(decoded <= x + 1e-12);
      } else {
        t.true(Math.abs(decoded - max) < 1e-12, `saturates at sum V(t): x=${x}`);
      }
    }
  });
}

test('tensor STEB gives the same spike codes as the float32 reference encoder', (t) => {
  for (const schedule of SCHEDULE_KINDS) {
    const s = settingsFor(schedule);
    const v = thresholds(s);
    const xs = randomArray(4000, 7, -0.5, 2.5);
    const enc = stebEncode(tf.tensor1d(xs), s);
    const codes = enc.codes.dataSync();
    const decoded = enc.decoded.dataSync();
    for (let i = 0; i < xs.length; i++) {
      // Mirror float32 arithmetic of the backend.
      let u = xs[i];
      let code = 0;
      let dec = 0;
      for (let k = 0; k < v.length; k++) {
        const vk = Math.fround(v[k]);
        if (u >= vk) {
          code |= 1 << k;
          u = Math.fround(u - vk);
          dec = Math.fround(dec + vk);
        }
      }
      t.is(codes[i], code);
      t.true(Math.abs(decoded[i] - dec) < 1e-6);
    }
    enc.codes.dispose();
    enc.decoded.dispose();
  }
});

test('array STEB (the profiler\'s) equals the tensor STEB (training\'s), codes and decoded values', (t) => {
  for (const schedule of SCHEDULE_KINDS) {
    for (const timesteps of [1, 8, 20]) {
      const s: StcbSettings = { timesteps, vth0: 0.8, tau: 2, schedule };
      const xs = randomArray(3000, timesteps, -0.5, 3);
      const enc = stebEncode(tf.tensor1d(xs), s);
      const arr = encodeArray(xs, thresholds(s));
      t.deepEqual(Array.from(arr.codes), Array.from(enc.codes.dataSync()));
      t.deepEqual(Array.from(arr.decoded), Array.from(enc.decoded.dataSync()));
    }
  }
});
