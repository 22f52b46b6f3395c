import test from 'ava';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { bruteForce, count, traceOf } from './helpers.ts';
import type { ConvSpec } from '../../src/trace/synthetic.ts';

const tech = loadTech(45);
const ideal = loadAccelerator('stcb-ideal');

// Every stride/padding/kernel combination on small odd and even maps.
const cases: ConvSpec[] = [];
for (const k of [1, 2, 3, 5]) {
  for (const stride of [1, 2, 3]) {
    for (const pad of [0, 1, 2]) {
      if (pad >= k) continue;
      for (const [h, w] of [[7, 7], [6, 9]]) {
        cases.push({ layer: `k${k}s${stride}p${pad}_${h}x${w}`, inH: h, inW: w, inC: 3, outC: 5, k, stride, pad });
      }
    }
  }
}

test('AC, encoder and CAB counts equal a per-synapse brute force for every stride/padding case', (t) => {
  for (const spec of cases) {
    const T = 5;
    const trace = traceOf([spec], { T, images: 2, seed: spec.layer.length });
    const r = simulate(trace, ideal, tech, { annTwin: false });
    const l = r.layers[0];
    const g = trace.layers[0];
    let spikes = 0;
    const acsPerStep = new Array<number>(T).fill(0);
    for (let img = 0; img < 2; img++) {
      const b = bruteForce(g, img, T);
      spikes += b.spikes;
      b.acsPerStep.forEach((v, i) => { acsPerStep[i] += v; });
    }
    const nIn = g.inH * g.inW * g.inC;
    const nOut = g.outH * g.outW * g.outC;
    t.deepEqual(l.acsPerStep, acsPerStep, spec.layer);
    t.is(count(l.actions, 'ac_array', 'add'), acsPerStep.reduce((a, b) => a + b, 0), spec.layer);
    t.is(count(l.actions, 'encoder', 'compare'), 2 * T * nIn, spec.layer);
    t.is(count(l.actions, 'encoder', 'subtract'), spikes, spec.layer);
    t.is(count(l.actions, 'cab', 'multiply'), 2 * T * nOut, spec.layer);
    t.is(count(l.actions, 'cab', 'add'), 2 * T * nOut, spec.layer);
  }
});

test('per-spike chunking costs sum over spikes of ceil(fan-out / lanes) (border and partial chunks)', (t) => {
  const perSpike = withChanges(ideal, { acLanes: 16, options: { acPacking: 'per-spike' } });
  for (const spec of cases.slice(0, 24)) {
    const T = 3;
    const trace = traceOf([spec], { T, seed: 3 });
    const l = simulate(trace, perSpike, tech, { annTwin: false }).layers[0];
    const b = bruteForce(trace.layers[0], 0, T);
    const chunks = b.fanouts.flat().reduce((s, f) => s + Math.ceil(f / 16), 0);
    const packed = b.acsPerStep.reduce((s, a) => s + Math.ceil(a / 16), 0);
    t.is(l.stageCycles.ac, chunks, spec.layer);
    t.is(l.acChunkOverheadCycles, chunks - packed, spec.layer);
  }
});

test('pow2 schedule turns CAB multiplies into shifts; shared encoders are counted once', (t) => {
  const a: ConvSpec = { layer: 'a', inH: 6, inW: 6, inC: 4, outC: 8, k: 3, stride: 2, pad: 1, encoder: 'e' };
  const b: ConvSpec = { layer: 'b', inH: 6, inW: 6, inC: 4, outC: 8, k: 1, stride: 2, pad: 0, encoder: 'e' };
  const trace = traceOf([a, b], { T: 4, schedule: 'pow2' });
  const r = simulate(trace, ideal, tech, { annTwin: false });
  t.is(count(r.layers[0].actions, 'cab', 'multiply'), 0);
  t.is(count(r.layers[0].actions, 'cab', 'shift'), 4 * 3 * 3 * 8);
  t.is(count(r.layers[0].actions, 'encoder', 'compare'), 4 * 6 * 6 * 4);
  t.is(count(r.layers[1].actions, 'encoder', 'compare'), 0);
  t.is(count(r.layers[1].actions, 'encoder', 'subtract'), 0);
});

test('6.1 memory accounting in the ideal model: psum RMW per AC, CAB reads per step, bitmap spikes', (t) => {
  const spec: ConvSpec = { layer: 'm', inH: 8, inW: 8, inC: 4, outC: 6, k: 3, stride: 1, pad: 1 };
  const T = 4;
  const trace = traceOf([spec], { T });
  const l = simulate(trace, ideal, tech, { annTwin: false }).layers[0];
  const A = l.acs;
  const nIn = 8 * 8 * 4;
  const nOut = 8 * 8 * 6;
  t.is(l.traffic.psum_buffer.readBits, A * ideal.psumBits + T * nOut * ideal.psumBits);
  t.is(l.traffic.psum_buffer.writeBits, A * ideal.psumBits);
  t.is(l.traffic.weight_buffer.readBits, A * ideal.weightBits);
  t.is(l.traffic.spike_buffer.writeBits, nIn * T);
  t.is(l.traffic.spike_buffer.readBits, nIn * T);
  t.is(l.traffic.act_buffer.writeBits, nOut * ideal.activationBits);
  t.is(l.traffic.act_buffer.readBits, nIn * ideal.activationBits);
  const aer = simulate(trace, withChanges(ideal, { options: { spikeStorage: 'address-events' } }), tech, { annTwin: false }).layers[0];
  t.is(aer.traffic.spike_buffer.writeBits, l.spikes * Math.ceil(Math.log2(nIn)));
});
