/**
 * smallnet-gap (ALBSNN's global-average-pool head): on a tiny 8x8 input, every layer's exact counts
 * against closed forms and a per-synapse brute force over the recorded spike codes, with the 1x1
 * classifier conv real-valued (default) and as an STCB (--spiking-classifier); the hardware replay's
 * MACs and ACs against the same numbers; binarising the classifier conv prices its 1-bit weights.
 */
import test from 'ava';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import type { LayerCounts } from '../../src/counts/types.ts';
import { replay } from '../../src/hw/replay.ts';
import { weightStorage } from '../../src/hw/storage.ts';
import { classifierOf, spikingLayers, toStcsnn } from '../../src/model/stcsnn.ts';
import { initWeights } from '../../src/model/weights.ts';
import { zooGraph } from '../../src/model/zoo.ts';
import { syntheticImages } from '../../src/run/inputs.ts';
import { profileNetwork, type ProfileRun } from '../../src/run/profile.ts';
import type { SpikeTrace, SpikeTraceLayer } from '../../src/trace/types.ts';
import { cpuBackend } from '../helpers.ts';

test.before(cpuBackend);

const T = 4;
const CLASSES = 3;
const settings = { timesteps: T, vth0: 0.8, tau: 2, schedule: 'exp' as const };
const graph = zooGraph('smallnet-gap', { inputShape: [8, 8, 1], classes: CLASSES });

function run(spikingClassifier: boolean, binaryLayers?: string[]): ProfileRun {
  // Inputs scaled up so that every STCB layer sees spikes from untrained weights.
  const input = syntheticImages(1, [8, 8, 1], 11);
  input.images.forEach((v, i) => { input.images[i] = 4 * v; });
  return profileNetwork(graph, initWeights(graph, 5), input, { settings, batch: 1, traceImages: 1, spikingClassifier, binaryLayers });
}

const row = (r: ProfileRun, layer: string): LayerCounts => {
  const x = r.counts.layers.find((l) => l.layer === layer);
  if (!x) throw new Error(`no row ${layer}`);
  return x;
};
const traced = (r: ProfileRun, layer: string): SpikeTraceLayer => {
  const x = r.trace?.layers.find((l) => l.layer === layer);
  if (!x) throw new Error(`no trace layer ${layer}`);
  return x;
};

/** Spikes and ACs per step by scanning every (spike, output, tap) triple of one image. */
function bruteForce(l: SpikeTraceLayer): { spikes: number; acs: number } {
  let spikes = 0;
  let acs = 0;
  for (let i = 0; i < l.inH; i++) for (let j = 0; j < l.inW; j++) for (let c = 0; c < l.inC; c++) {
    const code = l.codes[(i * l.inW + j) * l.inC + c];
    for (let t = 0; t < T; t++) {
      if (!((code >> t) & 1)) continue;
      spikes++;
      for (let oh = 0; oh < l.outH; oh++) for (let ow = 0; ow < l.outW; ow++) for (let kh = 0; kh < l.kernelH; kh++) for (let kw = 0; kw < l.kernelW; kw++) {
        if (oh * l.strideH - l.padTop + kh === i && ow * l.strideW - l.padLeft + kw === j) acs += l.outC;
      }
    }
  }
  return { spikes, acs };
}

test('the 1x1 conv before global average pooling is the classifier: real-valued unless --spiking-classifier', (t) => {
  t.is(classifierOf(graph)?.name, 'classifier');
  t.deepEqual([...spikingLayers(toStcsnn(graph))].sort(), ['conv2', 'conv3']);
  t.deepEqual([...spikingLayers(toStcsnn(graph, { spikingClassifier: true }))].sort(), ['classifier', 'conv2', 'conv3']);
  // smallnet's dense classifier is found the same way (the output node itself).
  t.is(classifierOf(zooGraph('smallnet'))?.name, 'fc');
});

test('exact counts of every layer on an 8x8 input: closed forms and per-synapse brute force', (t) => {
  const r = run(false);
  t.deepEqual(r.counts.layers.map((l) => `${l.layer}:${l.kind}`), ['conv1:mac-conv', 'conv2:stcb-conv', 'conv3:stcb-conv', 'classifier:mac-conv']);
  // conv1: 3x3, padding 1, 1 -> 32 channels on 8x8; pool1 (2x2) attributed to it.
  t.is(row(r, 'conv1').macs, 9 * 1 * 32 * 64);
  t.is(row(r, 'conv1').batchNormOps, 64 * 32);
  t.is(row(r, 'conv1').poolingOps, 4 * 4 * 32 * 4);
  // conv2 (4x4x32 -> 4x4x64) and conv3 (2x2x64 -> 2x2x128): STCBs.
  for (const [name, nIn, nOut] of [['conv2', 4 * 4 * 32, 4 * 4 * 64], ['conv3', 2 * 2 * 64, 2 * 2 * 128]] as const) {
    const ref = bruteForce(traced(r, name));
    const c = row(r, name);
    t.true(ref.spikes > 0, `${name} sees spikes`);
    t.is(c.spikes, ref.spikes);
    t.is(c.acExact, ref.acs);
    t.is(c.encoderCompares, T * nIn);
    t.is(c.encoderSubtracts, ref.spikes);
    t.is(c.cabMultiplies, T * nOut);
    t.is(c.cabAdds, T * nOut);
    t.is(c.macs, 0);
  }
  // Classifier: 1x1 conv 128 -> 3 on 2x2 with bias, then the global average pool over its 2x2x3 map.
  const cls = row(r, 'classifier');
  t.is(cls.macs, 2 * 2 * 128 * CLASSES);
  t.is(cls.biasAdds, 2 * 2 * CLASSES);
  t.is(cls.poolingOps, 2 * 2 * CLASSES);
  t.is(cls.acExact, 0);
  t.deepEqual(cls.outputShape, [2, 2, CLASSES]);
  // Totals are the sums of the rows.
  t.is(r.counts.totals.acExact, row(r, 'conv2').acExact + row(r, 'conv3').acExact);
  t.is(r.counts.totals.macs, 9 * 32 * 64 + 2 * 2 * 128 * CLASSES);
  // Replay: the same ACs on the AC array, the classifier's MACs on the MAC path.
  const accel = withChanges(loadAccelerator('stcb-ideal'), { options: { weightStationary: false } });
  const hw = replay(r.trace as SpikeTrace, accel, loadTech(45), { annTwin: false, lifTwin: false });
  const layer = (n: string) => hw.layers.find((l) => l.layer === n);
  t.is(layer('conv2')?.acs, row(r, 'conv2').acExact);
  t.is(layer('conv3')?.acs, row(r, 'conv3').acExact);
  t.is(layer('classifier')?.kind, 'mac');
  t.is(layer('classifier')?.work.macOps, 2 * 2 * 128 * CLASSES);
});

test('spiking 1x1 classifier: each spike reaches exactly one output position, so ACs = spikes x classes', (t) => {
  const r = run(true);
  const cls = row(r, 'classifier');
  t.is(cls.kind, 'stcb-conv');
  t.true(cls.spikes > 0);
  t.is(cls.acExact, cls.spikes * CLASSES);
  t.is(cls.acExact, bruteForce(traced(r, 'classifier')).acs);
  t.is(cls.encoderCompares, T * 2 * 2 * 128);
  t.is(cls.cabMultiplies, T * 2 * 2 * CLASSES);
  t.is(cls.macs, 0);
});

test('binary layers of smallnet-gap: 1 bit per weight plus one alpha word per output channel', (t) => {
  // The real-valued classifier is a MAC layer of the trace; its 1-bit weights count all the same.
  const r = run(false, ['conv3', 'classifier']);
  const accel = loadAccelerator('stcb-default');
  const s = weightStorage([...(r.trace?.macLayers ?? []), ...(r.trace?.layers ?? [])], accel);
  const bits = (n: string) => s.layers.find((l) => l.layer === n)?.bits;
  t.is(bits('conv2'), 9 * 32 * 64 * accel.weightBits);
  t.is(bits('conv3'), 9 * 64 * 128 + 128 * accel.weightBits);
  t.is(bits('classifier'), 128 * CLASSES + CLASSES * accel.weightBits);
  t.is(bits('conv1'), 9 * 32 * accel.weightBits);
  t.deepEqual([...s.binaryLayers].sort(), ['classifier', 'conv3']);
});
