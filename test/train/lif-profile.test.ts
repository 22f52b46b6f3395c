/**
 * A LIF network's own trace (src/train/lif-profile.ts) against the plain-number reference neuron:
 * the first layer's currents (conv + batch norm, read from the model) are fed to runNeuron per neuron,
 * and the trace must hold exactly those neurons' output spikes and, for the next layer, the 2x2
 * max-pooled spike levels at every step (event codes and level bit planes).
 */
import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { GraphBuilder } from '../../src/model/builder.ts';
import { runNeuron } from '../../src/neuron/dynamics.ts';
import { lifDefaults } from '../../src/neuron/settings.ts';
import { buildModel } from '../../src/train/build.ts';
import { runLifNetwork } from '../../src/train/lif-profile.ts';
import { cpuBackend, randomArray } from '../helpers.ts';

test.before(async () => cpuBackend());

function tinyNet() {
  const b = new GraphBuilder('tiny', [6, 6, 1]);
  let x = b.maxpool(b.convBnRelu('input', 'conv1', 3), 'pool1', 2);
  x = b.maxpool(b.convBnRelu(x, 'conv2', 4), 'pool2', 3);
  return b.build(b.dense(b.flatten(x, 'flatten'), 'fc', 3));
}

for (const kind of ['lif', 'mlif'] as const) {
  test(`${kind}: output spikes and pooled input levels of the trace equal the reference neuron`, (t) => {
    const graph = tinyNet();
    const T = 3;
    const neuron = { ...lifDefaults(kind), timesteps: T, threshold: 0.4, leak: 0.7 };
    const model = buildModel(graph, { mode: 'lif', neuron, seed: 2 });
    const N = 2;
    const images = randomArray(N * 36, 8, 0, 1);
    const run = runLifNetwork(model, graph, { images, shape: [N, 6, 6, 1] }, { batch: N });
    // Reference: the currents into conv1's neurons (inference mode: moving statistics), step by step.
    const bn = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv1.bn').output as tf.SymbolicTensor });
    const cur = (bn.predict(tf.tensor4d(images, [N, 6, 6, 1])) as tf.Tensor).dataSync();
    const per = 6 * 6 * 3;
    const theta = Math.fround(0.4);
    const lambda = Math.fround(1 / (1 + Math.exp(-Math.log(0.7 / 0.3))));
    const levels = new Float32Array(T * N * per);
    const outSpikes = new Array<number>(N).fill(0);
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < per; i++) {
        const r = runNeuron(Array.from({ length: T }, (_, st) => cur[(st * N + n) * per + i]), { threshold: theta, leak: lambda, reset: neuron.reset, levels: neuron.levels });
        r.spikes.forEach((s, st) => { levels[(st * N + n) * per + i] = s; if (s > 0) outSpikes[n]++; });
      }
    }
    t.deepEqual(run.trace.neuron?.groups.conv1.spikes, outSpikes);
    const conv2 = run.trace.layers.find((l) => l.layer === 'conv2');
    if (!conv2) return t.fail('no conv2 layer in the trace');
    // 2x2 max pooling of the levels, then codes: bit t-1 set when the pooled level at step t is > 0.
    for (let n = 0; n < N; n++) {
      for (let ph = 0; ph < 3; ph++) for (let pw = 0; pw < 3; pw++) for (let c = 0; c < 3; c++) {
        let code = 0;
        const planes = [0, 0];
        for (let st = 0; st < T; st++) {
          let m = 0;
          for (let dh = 0; dh < 2; dh++) for (let dw = 0; dw < 2; dw++) m = Math.max(m, levels[(st * N + n) * per + ((2 * ph + dh) * 6 + 2 * pw + dw) * 3 + c]);
          if (m > 0) code |= 1 << st;
          for (let b = 0; b < 2; b++) if ((m >> b) & 1) planes[b] |= 1 << st;
        }
        const idx = n * 27 + (ph * 3 + pw) * 3 + c;
        t.is(conv2.codes[idx], code);
        if (kind === 'mlif') t.deepEqual(conv2.levelPlanes?.map((p) => p[idx]), planes);
      }
    }
    model.dispose();
    return undefined;
  });
}
