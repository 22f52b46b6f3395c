import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { stebEncode } from '../../src/stcb/steb.ts';
import { thresholds, type StcbSettings } from '../../src/stcb/schedule.ts';
import { cpuBackend, randomArray } from '../helpers.ts';

test.before(cpuBackend);

const settings: StcbSettings = { timesteps: 8, vth0: 0.8, tau: 2, schedule: 'exp' };

const cases: { stride: number; pad: 'same' | 'valid' | number }[] = [
  { stride: 1, pad: 'same' }, { stride: 2, pad: 'same' }, { stride: 1, pad: 'valid' },
  { stride: 2, pad: 'valid' }, { stride: 1, pad: 1 }, { stride: 2, pad: 1 },
];

for (const { stride, pad } of cases) {
  test(`STEB -> conv per step -> CAB equals conv(x_hat) + b (stride ${stride}, padding ${pad})`, (t) => {
    const x = tf.tensor4d(randomArray(2 * 7 * 7 * 3, 11, -1, 2.5), [2, 7, 7, 3]);
    const w = tf.tensor4d(randomArray(3 * 3 * 3 * 4, 12), [3, 3, 3, 4]);
    const b = tf.tensor1d(randomArray(4, 13));
    const { decoded, codes } = stebEncode(x, settings);
    const v = thresholds(settings);
    // CAB: y = sum_t V(t) * (W (*) s(t)) + b, with s(t) read back from the spike codes.
    const codeArr = codes.dataSync();
    let y = tf.zeros([1]) as tf.Tensor;
    for (let k = 0; k < v.length; k++) {
      const s = tf.tensor4d(Float32Array.from(codeArr, (c) => (c >> k) & 1), [2, 7, 7, 3]);
      y = tf.add(y, tf.mul(tf.conv2d(s, w as tf.Tensor4D, stride, pad), v[k]));
    }
    y = tf.add(y, b);
    const ref = tf.add(tf.conv2d(decoded as tf.Tensor4D, w as tf.Tensor4D, stride, pad), b);
    t.deepEqual(y.shape, ref.shape);
    const a = y.dataSync();
    const r = ref.dataSync();
    for (let i = 0; i < a.length; i++) t.true(Math.abs(a[i] - r[i]) < 1e-4, `${a[i]} vs ${r[i]}`);
  });
}
