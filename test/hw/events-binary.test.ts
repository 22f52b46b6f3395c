/**
 * Event input and binary weights through counting and replay, against brute force: ACs of an
 * event-driven first layer = sum over events of each event's reachable outputs; a binary layer's
 * weight bits (storage, DRAM loads, buffer reads) = 1 per weight (+ alpha words) against the full width.
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { replay } from '../../src/hw/replay.ts';
import { weightStorage } from '../../src/hw/storage.ts';
import { geometry } from '../../src/trace/synthetic.ts';
import type { SpikeTrace, SpikeTraceLayer } from '../../src/trace/types.ts';
import { binarizeNetworkWeights, isBinaryKernel } from '../../src/model/binarize.ts';
import { GraphBuilder } from '../../src/model/builder.ts';
import { initWeights } from '../../src/model/weights.ts';
import { eventImageSet } from '../../src/run/event-input.ts';
import { profileNetwork } from '../../src/run/profile.ts';
import { foldedCabCoefficients, smoothCurrents } from '../../src/stcb/synaptic.ts';
import { EVENT_ENCODER } from '../../src/model/event-input.ts';
import { allocEvents } from '../../src/data/events.ts';
import { count } from './helpers.ts';
import { cpuBackend, prng, randomArray } from '../helpers.ts';

test.before(cpuBackend);
const tech = loadTech(45);
// Per-AC weight reads (no weight-stationary array) so weight-buffer read bits follow the ACs.
const accel = withChanges(loadAccelerator('stcb-ideal'), { options: { weightStationary: false } });

/** Outputs reached by an input at (i, j), by scanning every output and tap. */
function reach(l: SpikeTraceLayer, i: number, j: number): number {
  let r = 0;
  for (let oh = 0; oh < l.outH; oh++) for (let ow = 0; ow < l.outW; ow++) for (let kh = 0; kh < l.kernelH; kh++) for (let kw = 0; kw < l.kernelW; kw++) {
    if (oh * l.strideH - l.padTop + kh === i && ow * l.strideW - l.padLeft + kw === j) r++;
  }
  return r * l.outC;
}

function eventTrace(T: number, seed: number, weightBits?: number): SpikeTrace {
  const g = geometry({ layer: 'conv1', inH: 6, inW: 5, inC: 2, outC: 3, k: 3, stride: 2, pad: 1, encoder: EVENT_ENCODER });
  const n = g.inH * g.inW * g.inC;
  const rand = prng(seed);
  // Up to 3 events per neuron and step: several events in one step are several synaptic events.
  const eventCounts = Uint16Array.from({ length: n * T }, () => Math.floor(rand() * 4) * (rand() < 0.4 ? 1 : 0));
  const codes = Uint32Array.from({ length: n }, (_, i) => eventCounts.subarray(i * T, (i + 1) * T).reduce((c, k, t) => (k > 0 ? c | (1 << t) : c), 0));
  const layer: SpikeTraceLayer = { ...g, codes, eventCounts, ...(weightBits ? { weightBits } : {}) };
  return { network: 'events', images: 1, timesteps: T, schedule: 'exp', thresholds: Array.from({ length: T }, () => 1), layers: [layer], macLayers: [], order: ['conv1'] };
}

test('event-driven first layer: ACs = sum over events of their fan-out, no encoder work', (t) => {
  const T = 4;
  const trace = eventTrace(T, 5);
  const l = trace.layers[0];
  const counts = l.eventCounts as Uint16Array;
  const acsPerStep = new Array<number>(T).fill(0);
  let events = 0;
  for (let i = 0; i < l.inH; i++) for (let j = 0; j < l.inW; j++) for (let c = 0; c < l.inC; c++) for (let s = 0; s < T; s++) {
    const k = counts[((i * l.inW + j) * l.inC + c) * T + s];
    events += k;
    acsPerStep[s] += k * reach(l, i, j);
  }
  t.true(events > 50);
  const r = replay(trace, accel, tech, { annTwin: false, lifTwin: false }).layers[0];
  t.deepEqual(r.acsPerStep, acsPerStep);
  t.is(r.spikes, events);
  t.is(count(r.actions, 'ac_array', 'add'), acsPerStep.reduce((a, b) => a + b, 0));
  t.is(count(r.actions, 'encoder', 'compare'), 0);
  t.is(count(r.actions, 'encoder', 'subtract'), 0);
  t.is(count(r.actions, 'cab', 'multiply'), T * l.outH * l.outW * l.outC);
});

test('binary layer: weight storage, DRAM loads and buffer reads at 1 bit per weight against the full width', (t) => {
  const full = replay(eventTrace(3, 9), accel, tech, { annTwin: false, lifTwin: false }).layers[0];
  const bin = replay(eventTrace(3, 9, 1), accel, tech, { annTwin: false, lifTwin: false }).layers[0];
  const l = eventTrace(3, 9).layers[0];
  const weights = l.kernelH * l.kernelW * l.inC * l.outC;
  t.is(full.acs, bin.acs);
  t.is(full.traffic.weight_buffer.readBits, full.acs * accel.weightBits);
  t.is(bin.traffic.weight_buffer.readBits, bin.acs * 1);
  t.is(full.traffic.weight_buffer.writeBits, weights * accel.weightBits);
  t.is(bin.traffic.weight_buffer.writeBits, weights);
  t.is(full.traffic.dram.readBits - bin.traffic.dram.readBits, weights * (accel.weightBits - 1));
  const s = weightStorage([l, { ...l, layer: 'b', weightBits: 1 }], accel);
  t.deepEqual(s.layers.map((r) => r.bits), [weights * accel.weightBits, weights + l.outC * accel.weightBits]);
  t.is(s.fullPrecisionBits, 2 * weights * accel.weightBits);
  t.deepEqual(s.binaryLayers, ['b']);
  t.is(s.saving, 1 - (weights * accel.weightBits + weights + l.outC * accel.weightBits) / (2 * weights * accel.weightBits));
});

test('binarised kernels are +-mean|W| per output channel and detected as binary', (t) => {
  const g = new GraphBuilder('tiny', [5, 5, 1]);
  const graph = g.build(g.dense(g.flatten(g.relu(g.conv('input', 'conv1', 3, 3), 'relu1'), 'flat'), 'fc', 4));
  const w = initWeights(graph, 3);
  const b = binarizeNetworkWeights(w, ['conv1']);
  const k = (w.params.get('conv1') as { kernel: tf.Tensor }).kernel.dataSync();
  const kb = (b.params.get('conv1') as { kernel: tf.Tensor }).kernel.dataSync();
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    for (let i = c; i < k.length; i += 3) sum += Math.abs(k[i]);
    const alpha = sum / (k.length / 3);
    for (let i = c; i < k.length; i += 3) t.true(Math.abs(kb[i] - Math.sign(k[i]) * alpha) < 1e-6);
  }
  t.true(isBinaryKernel(kb, 3));
  t.false(isBinaryKernel(k, 3));
  t.false(isBinaryKernel([1, -1, 0, 1], 2));
});

test('synaptic kernel folded into the CAB equals smoothing the step currents first', (t) => {
  const T = 6;
  const h = [0.6, 0.3, 0.1];
  const currents = Array.from({ length: T }, (_, s) => Array.from(randomArray(5, 20 + s)));
  const w = Array.from(randomArray(T, 40, 0.2, 1));
  const smoothed = smoothCurrents(currents, h);
  const c = foldedCabCoefficients(w, h);
  for (let i = 0; i < 5; i++) {
    const direct = smoothed.reduce((a, I, s) => a + w[s] * I[i], 0);
    const folded = currents.reduce((a, I, s) => a + c[s] * I[i], 0);
    t.true(Math.abs(direct - folded) < 1e-12);
  }
});

test('profile with events: first layer counts = events x fan-out, output = sum_t c(t) conv(E_t) + b', (t) => {
  const T = 3;
  const b = new GraphBuilder('ev', [4, 4, 2]);
  const graph = b.build(b.dense(b.flatten(b.relu(b.conv('input', 'conv1', 2, 3), 'relu1'), 'flat'), 'fc', 3));
  const weights = initWeights(graph, 2);
  const e = allocEvents(40);
  const rand = prng(17);
  for (let i = 0; i < 40; i++) {
    e.x[i] = Math.floor(rand() * 4); e.y[i] = Math.floor(rand() * 4); e.p[i] = rand() < 0.5 ? 1 : 0; e.tUs[i] = Math.floor(rand() * 900);
  }
  e.tUs[0] = 0;
  e.tUs[1] = 899;
  const kernel = [0.7, 0.3];
  const set = eventImageSet([{ file: 'mem', events: e }], { timesteps: T, kernel, sensor: { width: 4, height: 4 } });
  t.is(set.events?.timesteps, T);
  const run = profileNetwork(graph, weights, set, { settings: { timesteps: T, vth0: 0.8, tau: 2, schedule: 'exp' }, batch: 1, traceImages: 1 });
  const row = run.counts.layers.find((r) => r.layer === 'conv1');
  const l = run.trace?.layers.find((x) => x.layer === 'conv1') as SpikeTraceLayer;
  let acs = 0;
  for (let i = 0; i < 40; i++) acs += reach(l, e.y[i], e.x[i]);
  t.is(row?.kind, 'stcb-conv');
  t.is(row?.spikes, 40);
  t.is(row?.acExact, acs);
  t.is(row?.encoderCompares, 0);
  // The layer's input is the CAB-folded current: per step E_t, coefficients c = fold([1,1,1], h).
  const c = foldedCabCoefficients([1, 1, 1], kernel);
  const frames = Array.from({ length: T }, () => new Float32Array(32));
  for (let i = 0; i < 40; i++) frames[Math.min(T - 1, Math.floor((e.tUs[i] * T) / 900))][(e.y[i] * 4 + e.x[i]) * 2 + e.p[i]]++;
  const kern = (weights.params.get('conv1') as { kernel: tf.Tensor4D }).kernel;
  const perStep = tf.tidy(() => frames.reduce((acc, f, s) => tf.add(acc, tf.mul(tf.conv2d(tf.tensor4d(f, [1, 4, 4, 2]), kern, 1, 'same'), c[s])), tf.zeros([1, 4, 4, 2])));
  const direct = tf.tidy(() => tf.conv2d(tf.tensor4d(set.images, [1, 4, 4, 2]), kern, 1, 'same'));
  const a = perStep.dataSync();
  const d = direct.dataSync();
  for (let i = 0; i < a.length; i++) t.true(Math.abs(a[i] - d[i]) < 1e-4);
  const hw = replay(run.trace as SpikeTrace, accel, tech, { annTwin: false, lifTwin: false });
  t.is(hw.layers.find((x) => x.layer === 'conv1')?.acs, acs);
});
