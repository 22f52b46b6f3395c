import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { GraphBuilder } from '../../src/model/builder.ts';
import { initWeights, type NetworkWeights } from '../../src/model/weights.ts';
import { quantizeNetworkWeights } from '../../src/model/quantize.ts';
import { profileNetwork } from '../../src/run/profile.ts';
import type { ImageSet } from '../../src/run/inputs.ts';
import { traceNeuroBench } from '../../src/counts/neurobench.ts';
import { traceCounts } from '../../src/counts/trace-counts.ts';
import { cpuBackend, randomArray } from '../helpers.ts';
import type { LayerGeometry } from '../../src/trace/types.ts';

test.before(cpuBackend);

/**
 * conv 3x3/1 pad 1 (MAC, first layer) -> relu -> [conv 3x3/2 pad 1 + conv 1x1/2 shortcut] (two STCBs
 * sharing one encoder) -> add -> relu -> flatten -> dense (STCB: spiking classifier).
 */
function tinyNet() {
  const b = new GraphBuilder('tiny', [6, 6, 2]);
  const r1 = b.relu(b.conv('input', 'c1', 3, 3, 1, 1), 'r1');
  const x = b.relu(b.add(b.conv(r1, 'c2', 4, 3, 2, 1), b.conv(r1, 's2', 4, 1, 2, 0), 'add'), 'r2');
  return b.build(b.dense(b.flatten(x, 'flat'), 'fc', 3));
}

/** Seeded weights with every third kernel entry zero, so zero weights matter. */
function weightsWithZeros(g: ReturnType<typeof tinyNet>): NetworkWeights {
  const w = initWeights(g, 3);
  for (const [name, p] of w.params) {
    if (p.kind !== 'weights') continue;
    const data = Float32Array.from(p.kernel.dataSync() as Float32Array, (v, i) => (i % 3 === 0 ? 0 : v));
    const shape = p.kernel.shape;
    p.kernel.dispose();
    w.params.set(name, { ...p, kernel: tf.tensor(data, shape) });
  }
  return w;
}

/** Brute force: every (active input, weight, output) triple of a conv/dense, by its definition. */
function bruteOps(g: LayerGeometry, kernel: Float32Array, active: (y: number, x: number, c: number) => number, ones = false): number {
  let ops = 0;
  for (let oy = 0; oy < g.outH; oy++) for (let ox = 0; ox < g.outW; ox++) for (let o = 0; o < g.outC; o++) {
    for (let ky = 0; ky < g.kernelH; ky++) for (let kx = 0; kx < g.kernelW; kx++) for (let c = 0; c < g.inC; c++) {
      const y = oy * g.strideH - g.padTop + ky;
      const x = ox * g.strideW - g.padLeft + kx;
      if (y < 0 || x < 0 || y >= g.inH || x >= g.inW) continue;
      if (!ones && kernel[((ky * g.kernelW + kx) * g.inC + c) * g.outC + o] === 0) continue;
      ops += ones ? 1 : active(y, x, c);
    }
  }
  return ops;
}

const popcount = (v: number): number => v.toString(2).split('').filter((b) => b === '1').length;

test('NeuroBench synaptic operations, sparsities and footprint equal brute-force counts on a tiny net (4-bit weights)', (t) => {
  const g = tinyNet();
  const weights = weightsWithZeros(g);
  const images = 2;
  const T = 4;
  // Images with some exact zeros (a MAC layer's effective MACs skip them).
  const pixels = Float32Array.from(randomArray(images * 72, 9, -0.5, 1), (v) => (v < 0 ? 0 : v));
  const input: ImageSet = { images: pixels, shape: [images, 6, 6, 2], origin: 'test' };
  const run = profileNetwork(g, weights, input, {
    settings: { timesteps: T, vth0: 0.8, tau: 2, schedule: 'exp' }, batch: 1, traceImages: images, spikingClassifier: true,
    quantization: { weightBits: 4 },
  });
  const trace = run.trace;
  if (!trace) return t.fail('no trace');
  // The weights as the run used them.
  const q = quantizeNetworkWeights(weights, 4);
  const kernel = (name: string): Float32Array => {
    const p = q.params.get(name);
    if (p?.kind !== 'weights') throw new Error(name);
    return p.kernel.dataSync() as Float32Array;
  };
  const nb = run.neurobench;
  // Effective ACs: spiking layers, every spike of every step.
  let acs = 0;
  let dense = 0;
  let spikes = 0;
  let neuronSteps = 0;
  const encodersSeen = new Set<string>();
  for (const l of trace.layers) {
    const k = kernel(l.layer);
    for (let b = 0; b < images; b++) {
      const per = l.inH * l.inW * l.inC;
      const code = (y: number, x: number, c: number): number => l.codes[b * per + (y * l.inW + x) * l.inC + c];
      acs += bruteOps(l, k, (y, x, c) => popcount(code(y, x, c))) / images;
      if (!encodersSeen.has(l.encoder)) {
        for (let i = 0; i < per; i++) spikes += popcount(l.codes[b * per + i]) / images;
      }
    }
    if (!encodersSeen.has(l.encoder)) neuronSteps += l.inH * l.inW * l.inC * T;
    encodersSeen.add(l.encoder);
    dense += T * bruteOps(l, k, () => 1, true);
  }
  // Effective MACs: the first layer on the images' nonzero pixels.
  const [first] = trace.macLayers;
  let macs = 0;
  for (let b = 0; b < images; b++) {
    macs += bruteOps(first, kernel(first.layer), (y, x, c) => (pixels[b * 72 + (y * 6 + x) * 2 + c] !== 0 ? 1 : 0)) / images;
  }
  dense += bruteOps(first, kernel(first.layer), () => 1, true);
  t.true(spikes > 0 && acs > 0 && macs > 0);
  t.is(nb.SynapticOperations.Effective_ACs, acs);
  t.is(nb.SynapticOperations.Effective_MACs, macs);
  t.is(nb.SynapticOperations.Dense, dense);
  t.true(Math.abs(nb.ActivationSparsity - (1 - spikes / neuronSteps)) < 1e-12);
  // Zero weights skip work: fewer effective ACs than stcsim's exact AC count (which ignores weight values).
  t.true(nb.SynapticOperations.Effective_ACs < run.counts.totals.acExact);
  // Connection sparsity over all kernels; footprint: 4-bit kernels, float32 biases (dense has one).
  t.is(encodersSeen.size, 2);
  t.is(trace.layers.length, 3);
  const all = ['c1', 'c2', 's2', 'fc'].map(kernel);
  const zeros = all.reduce((a, k) => a + k.filter((v) => v === 0).length, 0);
  const total = all.reduce((a, k) => a + k.length, 0);
  t.is(nb.ConnectionSparsity, zeros / total);
  t.true(zeros >= total / 3);
  t.is(total, 3 * 3 * 2 * 3 + 3 * 3 * 3 * 4 + 3 * 4 + 36 * 3);
  t.is(nb.Footprint, Math.ceil((54 * 4) / 8) + Math.ceil((108 * 4) / 8) + Math.ceil((12 * 4) / 8) + Math.ceil((108 * 4) / 8) + 3 * 4);
});

test('without zero weights Effective_ACs equals the exact AC count; a SCALE-Sim-style trace has no connection sparsity', (t) => {
  const g = tinyNet();
  const input: ImageSet = { images: randomArray(72, 4, 0, 1), shape: [1, 6, 6, 2], origin: 'test' };
  const run = profileNetwork(g, initWeights(g, 5), input, { settings: { timesteps: 3, vth0: 0.8, tau: 2, schedule: 'exp' }, batch: 1, traceImages: 1, spikingClassifier: true });
  t.is(run.neurobench.ConnectionSparsity, 0);
  t.is(run.neurobench.SynapticOperations.Effective_ACs, run.counts.totals.acExact);
  // 32-bit (float32) everything when the run is not quantised.
  t.is(run.neurobench.Footprint, 4 * (54 + 108 + 12 + 108 + 3));
  if (!run.trace) return t.fail('no trace');
  const fromTrace = traceNeuroBench(run.trace, traceCounts(run.trace), 8);
  t.is(fromTrace.ConnectionSparsity, null);
  t.is(fromTrace.SynapticOperations.Effective_ACs, run.counts.totals.acExact);
  t.is(fromTrace.SynapticOperations.Dense, run.neurobench.SynapticOperations.Dense);
  t.is(fromTrace.ActivationSparsity, run.neurobench.ActivationSparsity);
  t.is(fromTrace.Footprint, 54 + 108 + 12 + 108);
});
