/**
 * A LIF-family network on event-camera input, replayed on the LIF accelerator (hw/lif-network.ts):
 * the first layer's synaptic adds equal a brute-force sum over events of the outputs each reaches
 * (several events of one pixel in one step each count), it carries no level payload, and a synaptic
 * kernel costs one multiply-add per output, step and tap that reaches a step >= 1, with the past
 * currents read from and kept in the membrane buffer, all counted by enumerating (step, tap) pairs.
 */
import test from 'ava';
import { lifTwinSpec, loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { synapticFilterOps } from '../../src/hw/lif-network.ts';
import { geometry } from '../../src/trace/synthetic.ts';
import type { LayerGeometry, SpikeTrace } from '../../src/trace/types.ts';
import { prng } from '../../src/util/random.ts';
import { count } from './helpers.ts';

const tech = loadTech(45);
const accel = loadAccelerator('stcb-default');
const spec = lifTwinSpec(accel);

/** Outputs an input at (i, j) reaches, by scanning every output position and kernel tap. */
function reach(l: LayerGeometry, i: number, j: number): number {
  let r = 0;
  for (let oh = 0; oh < l.outH; oh++) for (let ow = 0; ow < l.outW; ow++) for (let kh = 0; kh < l.kernelH; kh++) for (let kw = 0; kw < l.kernelW; kw++) {
    if (oh * l.strideH - l.padTop + kh === i && ow * l.strideW - l.padLeft + kw === j) r++;
  }
  return r * l.outC;
}

/** Events 0..3 per (image, y, x, polarity, step) into a stride-2 first layer, then a spiking layer; mlif K = 3. */
function eventTrace(T: number, images: number, kernel: number[] | undefined): SpikeTrace {
  const rnd = prng(11);
  const first = { ...geometry({ layer: 'conv1', inH: 5, inW: 5, inC: 2, outC: 3, k: 3, stride: 2, pad: 1 }), encoder: 'input.events' };
  const n = images * 5 * 5 * 2;
  const eventCounts = Uint16Array.from({ length: n * T }, () => (rnd() < 0.4 ? 1 + Math.floor(rnd() * 3) : 0));
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) if (eventCounts[i * T + t] > 0) codes[i] |= 1 << t;
  const second = geometry({ layer: 'conv2', inH: 3, inW: 3, inC: 3, outC: 2, k: 3, stride: 1, pad: 1 });
  const levels = Uint32Array.from({ length: images * 27 }, () => Math.floor(rnd() * 2 ** T));
  return {
    network: 'tiny-events-mlif', images, timesteps: T, schedule: 'const', thresholds: new Array<number>(T).fill(1),
    layers: [{ ...first, codes, eventCounts }, { ...second, codes: levels, levelPlanes: [levels, new Uint32Array(levels.length)] }],
    macLayers: [], order: ['conv1', 'conv2'],
    neuron: {
      kind: 'mlif', levels: 3, payloadBits: 2, reset: 'soft', params: [],
      groups: {
        conv1: { neurons: 27, spikes: new Array<number>(images).fill(5), fires: true },
        conv2: { neurons: 18, spikes: new Array<number>(images).fill(0), fires: false },
      },
      ...(kernel ? { synapticKernel: kernel } : {}),
    },
  };
}

for (const kernel of [undefined, [1], [0.6, 0.4], [0.5, 0, 0.25]]) {
  test(`event input layer on the LIF chip, kernel ${kernel ? `[${kernel.join(', ')}]` : 'none'}: adds, filter ops and membrane traffic by brute force`, (t) => {
    const T = 4;
    const images = 2;
    const trace = eventTrace(T, images, kernel);
    const l = simulate(trace, accel, tech, { annTwin: false, lifTrace: trace }).lifTwin?.layers.find((x) => x.layer === 'conv1');
    if (!l) return t.fail('no conv1 on the LIF twin');
    const g = trace.layers[0];
    const counts = g.eventCounts ?? new Uint16Array(0);
    let adds = 0;
    let events = 0;
    for (let img = 0; img < images; img++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) for (let c = 0; c < 2; c++) for (let st = 0; st < T; st++) {
      const e = counts[((img * 25 + i * 5 + j) * 2 + c) * T + st];
      events += e;
      adds += e * reach(g, i, j);
    }
    t.is(l.spikes, events);
    t.is(count(l.actions, 'ac_array', 'add'), adds);
    t.is(count(l.actions, 'ac_array', 'shift'), 0, 'sensor events carry no level');
    // (step, tap) pairs with a nonzero tap reaching back no further than step 1; the identity kernel needs none.
    const h = kernel ?? [1];
    const identity = h.length === 1 && h[0] === 1;
    let pairs = 0;
    let past = 0;
    let kept = 0;
    for (let st = 0; st < T; st++) {
      for (let k = 0; k < h.length; k++) if (h[k] !== 0 && k <= st) { pairs++; if (k >= 1) past++; }
      if (h.some((hk, k) => hk !== 0 && k >= 1 && st + k < T)) kept++;
    }
    const outputs = 27;
    const filterOps = identity ? 0 : images * outputs * pairs;
    t.is(count(l.actions, 'lif_neuron', 'filter_multiply'), filterOps);
    t.is(count(l.actions, 'lif_neuron', 'filter_add'), filterOps);
    const updates = images * T * outputs;
    t.is(l.traffic.membrane_buffer?.readBits, (updates + (identity ? 0 : images * outputs * past)) * spec.membraneBits);
    t.is(l.traffic.membrane_buffer?.writeBits, (updates + (identity ? 0 : images * outputs * kept)) * spec.membraneBits);
    return undefined;
  });
}

test('synaptic filter ops by hand: [0.6, 0.4] over 3 steps is 1 + 2 + 2 multiply-adds, 2 past reads, 2 kept currents', (t) => {
  t.deepEqual(synapticFilterOps([0.6, 0.4], 3), { multiplyAdds: 5, historyReads: 2, historyWrites: 2 });
  t.deepEqual(synapticFilterOps([1], 5), { multiplyAdds: 0, historyReads: 0, historyWrites: 0 });
});

test('the LIF twin of an STCB event trace pays the synaptic kernel that the STCB chip folds into its CAB', (t) => {
  const T = 4;
  const images = 2;
  const outputs = 27;
  const lifEvents = eventTrace(T, images, undefined);
  const { neuron: _neuron, ...stcb } = lifEvents;
  const withKernel = (kernel: number[] | undefined): SpikeTrace => ({
    ...stcb, schedule: 'exp',
    layers: stcb.layers.map((l, i) => (i === 0 ? { ...l, ...(kernel ? { synapticKernel: kernel } : {}) } : { ...l, levelPlanes: undefined })),
  });
  const filterOps = (kernel: number[] | undefined): { twin: number; chip: number; twinReadBits: number } => {
    const r = simulate(withKernel(kernel), accel, tech, { annTwin: false });
    const twin = r.lifTwin?.layers.find((x) => x.layer === 'conv1');
    const chip = r.layers.find((x) => x.layer === 'conv1');
    return {
      twin: twin ? count(twin.actions, 'lif_neuron', 'filter_multiply') : NaN,
      chip: chip ? chip.actions.filter((a) => a.action.startsWith('filter_')).reduce((a, b) => a + b.count, 0) : NaN,
      twinReadBits: twin?.traffic.membrane_buffer?.readBits ?? NaN,
    };
  };
  const none = filterOps(undefined);
  const smoothed = filterOps([0.6, 0.4]);
  // [0.6, 0.4] over 4 steps: taps (t, k) with k <= t: 1 + 2 + 2 + 2 = 7 multiply-adds per output, 3 past currents read.
  t.is(none.twin, 0);
  t.is(smoothed.twin, images * outputs * 7);
  t.is(smoothed.twinReadBits - none.twinReadBits, images * outputs * 3 * spec.membraneBits);
  t.is(smoothed.chip, 0, 'the STCB chip pays nothing for the kernel');
  t.is(none.chip, 0);
});
