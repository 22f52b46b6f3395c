/**
 * A multi-threshold LIF layer on event-camera input (train/lif-layers.ts EventSteps -> conv -> Lif)
 * against the reference dynamics on plain numbers: per-step currents from a brute-force convolution
 * of each step's events, smoothed by the synaptic kernel (stcb/synaptic.ts smoothCurrents), then
 * neuron/dynamics.ts runNeuron per output. And a LIF network on events records the events themselves
 * as its first layer's input (event-driven, no MAC layer), with its kernel and learned tau.
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { runNeuron } from '../../src/neuron/dynamics.ts';
import { lifSettingsFor } from '../../src/neuron/settings.ts';
import { smoothCurrents } from '../../src/stcb/synaptic.ts';
import { zooGraph } from '../../src/model/zoo.ts';
import { buildModel } from '../../src/train/build.ts';
import { EventSteps, Lif } from '../../src/train/lif-layers.ts';
import { runLifNetwork } from '../../src/train/lif-profile.ts';
import { cpuBackend, prng } from '../helpers.ts';

test.before(cpuBackend);

const H = 4;
const W = 4;
const C = 2;
const F = 2;

/** Events 0..3 per (image, y, x, polarity, step), step fastest (the layout of run/event-input.ts). */
function events(n: number, T: number, seed: number): Uint16Array {
  const rnd = prng(seed);
  return Uint16Array.from({ length: n * H * W * C * T }, () => (rnd() < 0.5 ? Math.floor(rnd() * 4) : 0));
}

for (const kernel of [[1], [0.6, 0.4], [0.5, 0.3, 0.2]]) {
  test(`mlif on events, kernel [${kernel.join(', ')}]: spike levels equal the reference dynamics`, (t) => {
    const T = 3;
    const N = 2;
    const neuron = { ...lifSettingsFor('mlif', T, { levels: 3, threshold: 0.7, leak: 0.6 }) };
    const rnd = prng(5);
    const w = Float32Array.from({ length: 3 * 3 * C * F }, () => rnd() - 0.4);
    const counts = events(N, T, 9);
    const input = tf.input({ shape: [H, W, C * T] });
    const steps = new EventSteps({ timesteps: T, kernel }).apply(input) as tf.SymbolicTensor;
    const conv = tf.layers.conv2d({ filters: F, kernelSize: 3, padding: 'same', useBias: false });
    const lif = new Lif({ neuron });
    const model = tf.model({ inputs: input, outputs: lif.apply(conv.apply(steps)) as tf.SymbolicTensor });
    conv.setWeights([tf.tensor4d(w, [3, 3, C, F])]);
    const out = tf.tidy(() => model.predict(tf.tensor4d(Float32Array.from(counts), [N, H, W, C * T])) as tf.Tensor).dataSync();
    let compared = 0;
    for (let n = 0; n < N; n++) {
      // I(t)[o] by scanning every kernel tap (zero padding 1).
      const currents = Array.from({ length: T }, (_, st) => {
        const cur = new Array<number>(H * W * F).fill(0);
        for (let oy = 0; oy < H; oy++) for (let ox = 0; ox < W; ox++) for (let f = 0; f < F; f++) {
          let v = 0;
          for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let c = 0; c < C; c++) {
            const y = oy + kh - 1;
            const x = ox + kw - 1;
            if (y < 0 || y >= H || x < 0 || x >= W) continue;
            v += w[((kh * 3 + kw) * C + c) * F + f] * counts[(((n * H + y) * W + x) * C + c) * T + st];
          }
          cur[(oy * W + ox) * F + f] = v;
        }
        return cur;
      });
      const smoothed = smoothCurrents(currents, kernel);
      for (let o = 0; o < H * W * F; o++) {
        const ref = runNeuron(smoothed.map((s) => s[o]), { threshold: 0.7, leak: 0.6, reset: 'soft', levels: 3 });
        for (let st = 0; st < T; st++) {
          t.is(out[(st * N + n) * H * W * F + o], ref.spikes[st], `image ${n} output ${o} step ${st + 1}`);
          compared += ref.spikes[st];
        }
      }
    }
    t.true(compared > 0, 'some neurons fire');
    model.dispose();
  });
}

test('a LIF network on events traces its first layer as event-driven, with the events, the kernel and tau', (t) => {
  const T = 2;
  const N = 3;
  const graph = zooGraph('smallnet', { inputShape: [H * 2, W * 2, C], classes: 3 });
  const neuron = lifSettingsFor('mlif', T, {});
  const model = buildModel(graph, { mode: 'lif', neuron, seed: 3, eventKernel: [0.7, 0.3] });
  const rnd = prng(4);
  const counts = Uint16Array.from({ length: N * 8 * 8 * C * T }, () => (rnd() < 0.3 ? 1 + Math.floor(rnd() * 2) : 0));
  const run = runLifNetwork(model, graph, { images: Float32Array.from(counts), shape: [N, 8, 8, C * T], eventCounts: counts }, { batch: 2, traceImages: 2, calibrate: true });
  const first = run.trace.layers[0];
  t.is(first.encoder, 'input.events');
  t.is(first.layer, 'conv1');
  t.deepEqual(Array.from(first.eventCounts ?? []), Array.from(counts.subarray(0, 2 * 8 * 8 * C * T)));
  t.false(run.trace.macLayers.some((l) => l.layer === 'conv1'), 'conv1 is not a MAC layer on events');
  t.deepEqual(run.trace.neuron?.synapticKernel, [0.7, 0.3]);
  // lambda = 0.5 at initialisation: tau = -1 / ln 0.5 = 1.4427 steps.
  for (const p of run.trace.neuron?.params ?? []) t.true(Math.abs((p.tau ?? 0) - 1 / Math.LN2) < 1e-5, `${p.layer} tau`);
  model.dispose();
});
