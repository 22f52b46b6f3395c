/**
 * A LIF-family network's own trace on the LIF accelerator (src/hw/lif-network.ts) against a
 * brute-force per-neuron, per-step count on tiny layers: membrane reads and writes T x neurons x
 * width, one leak / integrate / compare per neuron and step, one reset per output spike, synaptic
 * ops from each spike's scanned fan-out (mlif: one add per set bit of the level, one shift per set
 * bit above bit 0), and the first layer's MACs as on the STCB chip.
 */
import test from 'ava';
import { lifTwinSpec, loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { geometry } from '../../src/trace/synthetic.ts';
import type { LayerGeometry, SpikeTrace, SpikeTraceLayer } from '../../src/trace/types.ts';
import { prng } from '../../src/util/random.ts';
import { count } from './helpers.ts';
import { decodeTrace, encodeTrace } from '../../src/trace/store.ts';

const tech = loadTech(45);
const accel = loadAccelerator('stcb-default');
const spec = lifTwinSpec(accel);

const popcount = (x: number): number => { let c = 0; for (let v = x; v; v >>= 1) c += v & 1; return c; };

/** Outputs a spike at (i, j) reaches, by scanning every output position and kernel tap. */
function reach(l: LayerGeometry, i: number, j: number): number {
  let r = 0;
  for (let oh = 0; oh < l.outH; oh++) for (let ow = 0; ow < l.outW; ow++) for (let kh = 0; kh < l.kernelH; kh++) for (let kw = 0; kw < l.kernelW; kw++) {
    if (oh * l.strideH - l.padTop + kh === i && ow * l.strideW - l.padLeft + kw === j) r++;
  }
  return r * l.outC;
}

interface Tiny { trace: SpikeTrace; levels: Map<string, Uint8Array[]> }

/** A MAC first layer and two spiking layers with random levels 0..K per (image, neuron, step). */
function tinyTrace(K: number, T: number, images: number, seed: number): Tiny {
  const rnd = prng(seed);
  const mac: LayerGeometry = geometry({ layer: 'm', inH: 6, inW: 6, inC: 1, outC: 3, k: 3, stride: 1, pad: 1 });
  const specs = [
    { layer: 'a', inH: 6, inW: 6, inC: 3, outC: 4, k: 3, stride: 1, pad: 1 },
    { layer: 'b', inH: 6, inW: 6, inC: 4, outC: 5, k: 3, stride: 2, pad: 1 },
  ];
  const planes = Math.max(1, Math.ceil(Math.log2(K + 1)));
  const levels = new Map<string, Uint8Array[]>();
  const layers: SpikeTraceLayer[] = specs.map((s) => {
    const g = geometry(s);
    const n = images * g.inH * g.inW * g.inC;
    const lv = Array.from({ length: T }, () => Uint8Array.from({ length: n }, () => (rnd() < 0.3 ? 1 + Math.floor(rnd() * K) : 0)));
    levels.set(g.layer, lv);
    const codes = new Uint32Array(n);
    const bitPlanes = Array.from({ length: planes }, () => new Uint32Array(n));
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) {
      if (lv[t][i] > 0) codes[i] |= 1 << t;
      for (let b = 0; b < planes; b++) if ((lv[t][i] >> b) & 1) bitPlanes[b][i] |= 1 << t;
    }
    return { ...g, codes, ...(K > 1 ? { levelPlanes: bitPlanes } : {}) };
  });
  const outSpikes = (): number[] => Array.from({ length: images }, () => Math.floor(rnd() * 50));
  const trace: SpikeTrace = {
    network: 'tiny-lif', images, timesteps: T, schedule: 'const', thresholds: new Array<number>(T).fill(1),
    layers, macLayers: [mac], order: ['m', 'a', 'b'],
    neuron: {
      kind: K > 1 ? 'mlif' : 'lif', levels: K, payloadBits: K > 1 ? planes : 1, reset: 'soft', params: [],
      groups: {
        m: { neurons: 6 * 6 * 3, spikes: outSpikes(), fires: true },
        a: { neurons: 6 * 6 * 4, spikes: outSpikes(), fires: true },
        b: { neurons: 3 * 3 * 5, spikes: new Array<number>(images).fill(0), fires: false },
      },
    },
  };
  return { trace, levels };
}

for (const K of [1, 3, 7]) {
  test(`LIF network trace (K = ${K}): neuron ops, membrane traffic and synaptic ops equal a brute-force count`, (t) => {
    const T = 3;
    const images = 2;
    const { trace, levels } = tinyTrace(K, T, images, 17 + K);
    const r = simulate(trace, accel, tech, { annTwin: false, lifTrace: trace });
    const twin = r.lifTwin;
    if (!twin) return t.fail('no LIF twin');
    t.is(twin.source, 'lif-network');
    for (const name of ['m', 'a', 'b']) {
      const l = twin.layers.find((x) => x.layer === name);
      if (!l) return t.fail(name);
      const grp = trace.neuron?.groups[name];
      if (!grp) return t.fail(name);
      // Brute force: one update per neuron per step per image.
      const updates = images * T * grp.neurons;
      t.is(l.traffic.membrane_buffer?.readBits, updates * spec.membraneBits, `${name} membrane reads`);
      t.is(l.traffic.membrane_buffer?.writeBits, updates * spec.membraneBits, `${name} membrane writes`);
      t.is(count(l.actions, 'lif_neuron', 'compare'), updates, `${name} compares`);
      t.is(count(l.actions, 'lif_neuron', 'integrate'), updates, `${name} integrates`);
      t.is(count(l.actions, 'lif_neuron', 'leak_multiply'), updates, `${name} leaks`);
      t.is(count(l.actions, 'lif_neuron', 'reset'), grp.spikes.reduce((a, b) => a + b, 0), `${name} resets`);
    }
    // The first layer's MACs are those of the STCB chip's MAC layer (computed once per image: direct input).
    const chipM = r.layers.find((x) => x.layer === 'm');
    const twinM = twin.layers.find((x) => x.layer === 'm');
    t.is(count(twinM?.actions ?? [], 'cab', 'mac_multiply'), count(chipM?.actions ?? [], 'cab', 'mac_multiply'));
    for (const sl of trace.layers) {
      let adds = 0;
      let shifts = 0;
      let events = 0;
      const lv = levels.get(sl.layer) ?? [];
      const n = sl.inH * sl.inW * sl.inC;
      for (let img = 0; img < images; img++) for (let i = 0; i < sl.inH; i++) for (let j = 0; j < sl.inW; j++) for (let c = 0; c < sl.inC; c++) {
        const idx = img * n + (i * sl.inW + j) * sl.inC + c;
        for (let st = 0; st < T; st++) {
          const level = lv[st][idx];
          if (level === 0) continue;
          events++;
          adds += popcount(level) * reach(sl, i, j);
          shifts += popcount(level >> 1) * reach(sl, i, j);
        }
      }
      const l = twin.layers.find((x) => x.layer === sl.layer);
      t.is(l?.spikes, events, `${sl.layer} events`);
      t.is(count(l?.actions ?? [], 'ac_array', 'add'), adds, `${sl.layer} adds`);
      t.is(count(l?.actions ?? [], 'ac_array', 'shift'), shifts, `${sl.layer} shifts`);
    }
    return undefined;
  });
}

test('a multi-threshold trace survives the trace file: same levels, same LIF-twin counts', (t) => {
  const { trace } = tinyTrace(3, 2, 1, 5);
  const back = decodeTrace(encodeTrace(trace));
  t.deepEqual(back.neuron, trace.neuron);
  back.layers.forEach((l, i) => {
    t.deepEqual(Array.from(l.codes), Array.from(trace.layers[i].codes));
    t.deepEqual(l.levelPlanes?.map((p) => Array.from(p)), trace.layers[i].levelPlanes?.map((p) => Array.from(p)));
  });
  const a = simulate(trace, accel, tech, { annTwin: false, lifTrace: trace }).lifTwin?.totals;
  const b = simulate(back, accel, tech, { annTwin: false, lifTrace: back }).lifTwin?.totals;
  t.deepEqual(b, a);
});
