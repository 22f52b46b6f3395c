import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { spikeStats } from '../../src/counts/spikes.ts';
import type { PaddingSpec } from '../../src/model/graph.ts';
import { GraphBuilder } from '../../src/model/builder.ts';
import { inferShapes } from '../../src/model/shapes.ts';
import { layerGeometry, denseMacs } from '../../src/trace/geometry.ts';
import type { LayerGeometry } from '../../src/trace/types.ts';
import { cpuBackend, prng } from '../helpers.ts';

test.before(cpuBackend);

function convGeometry(h: number, w: number, cin: number, cout: number, k: number, stride: number, padding: PaddingSpec): LayerGeometry {
  const b = new GraphBuilder('g', [h, w, cin]);
  const g = b.build(b.conv('input', 'conv', cout, k, stride, padding));
  const node = g.nodes[1];
  if (node.kind !== 'conv2d') throw new Error('unreachable');
  return layerGeometry(g, inferShapes(g), node);
}

function randomCodes(n: number, T: number, density: number, seed: number): Int32Array {
  const r = prng(seed);
  return Int32Array.from({ length: n }, () => {
    let c = 0;
    for (let t = 0; t < T; t++) if (r() < density) c |= 1 << t;
    return c;
  });
}

/** Per-synapse reference: every (spike, output, tap) triple checked one by one. */
function bruteForce(g: LayerGeometry, codes: Int32Array, T: number): { spikes: number[]; acs: number[] } {
  const spikes = new Array<number>(T).fill(0);
  const acs = new Array<number>(T).fill(0);
  for (let i = 0; i < g.inH; i++) for (let j = 0; j < g.inW; j++) for (let c = 0; c < g.inC; c++) {
    const code = codes[(i * g.inW + j) * g.inC + c];
    for (let t = 0; t < T; t++) {
      if (!((code >> t) & 1)) continue;
      spikes[t]++;
      for (let oh = 0; oh < g.outH; oh++) for (let ow = 0; ow < g.outW; ow++) for (let kh = 0; kh < g.kernelH; kh++) for (let kw = 0; kw < g.kernelW; kw++) {
        if (oh * g.strideH - g.padTop + kh === i && ow * g.strideW - g.padLeft + kw === j) acs[t] += g.outC;
      }
    }
  }
  return { spikes, acs };
}

const paddings: PaddingSpec[] = ['same', 'valid', 0, 1, 2];
for (const padding of paddings) {
  for (const stride of [1, 2, 3]) {
    for (const k of [1, 3]) {
      test(`exact ACs equal the per-synapse loop and tfjs's own convolution (k=${k}, stride ${stride}, padding ${padding})`, (t) => {
        const T = 4;
        const g = convGeometry(7, 6, 3, 2, k, stride, padding);
        const codes = randomCodes(7 * 6 * 3, T, 0.3, 100 * stride + k);
        const got = spikeStats(g, codes, 1, T);
        const ref = bruteForce(g, codes, T);
        t.deepEqual(got.spikes[0], ref.spikes);
        t.deepEqual(got.acs[0], ref.acs);
        // Independent of our padding rules: the sum of conv(s_t, ones) counts spikes in every receptive field.
        for (let step = 0; step < T; step++) {
          const s = tf.tensor4d(Float32Array.from(codes, (c) => (c >> step) & 1), [1, 7, 6, 3]);
          const hits = tf.sum(tf.conv2d(s, tf.ones([k, k, 3, 2]) as tf.Tensor4D, stride, padding)).dataSync()[0];
          t.is(got.acs[0][step], hits);
        }
      });
    }
  }
}

test('all spikes reproduce the dense closed forms; no spikes give no work', (t) => {
  const T = 5;
  const full = (1 << T) - 1;
  for (const [h, w] of [[8, 8], [5, 9]]) {
    const valid = convGeometry(h, w, 4, 3, 3, 1, 'valid');
    const allValid = spikeStats(valid, new Int32Array(h * w * 4).fill(full), 1, T);
    t.deepEqual(allValid.acs[0], new Array(T).fill(denseMacs(valid)));
    t.deepEqual(allValid.spikes[0], new Array(T).fill(h * w * 4));
    // 3x3, stride 1, padding 1: each axis has 3n - 2 valid (output, tap) pairs.
    const same = convGeometry(h, w, 4, 3, 3, 1, 1);
    const allSame = spikeStats(same, new Int32Array(h * w * 4).fill(full), 1, T);
    t.deepEqual(allSame.acs[0], new Array(T).fill(4 * 3 * (3 * h - 2) * (3 * w - 2)));
    const none = spikeStats(same, new Int32Array(h * w * 4), 1, T);
    t.deepEqual(none.acs[0], new Array(T).fill(0));
    t.deepEqual(none.spikes[0], new Array(T).fill(0));
  }
});

test('property: ACs never exceed spikes x kernel taps x Cout and add up over images', (t) => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1000 }),
    (h, w, stride, kHalf, pad, seed) => {
      const k = 2 * kHalf - 1;
      if (h + 2 * pad < k || w + 2 * pad < k) return;
      const g = convGeometry(h, w, 2, 3, k, stride, pad);
      const T = 3;
      const codes = randomCodes(2 * h * w * 2, T, 0.5, seed);
      const both = spikeStats(g, codes, 2, T);
      const first = spikeStats(g, codes.subarray(0, h * w * 2), 1, T);
      const second = spikeStats(g, codes.subarray(h * w * 2), 1, T);
      t.deepEqual(both.acs, [first.acs[0], second.acs[0]]);
      for (let s = 0; s < T; s++) t.true(both.acs[0][s] <= both.spikes[0][s] * k * k * 3);
    },
  ), { numRuns: 60 });
});
