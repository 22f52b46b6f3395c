/**
 * The conventional LIF-SNN twin (src/hw/lif-layer.ts): closed-form membrane traffic and neuron ops,
 * the same exact ACs as the STCB chip, the fixed per-step cost at zero spikes, bounds, and energy
 * conservation (count x pJ adds up to the totals).
 */
import test from 'ava';
import { lifTwinSpec, loadAccelerator, parseAccelerator, withChanges, type Accelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate, type LayerResult, type SimResult } from '../../src/energy/price.ts';
import { actionRows, energyRows, summary, twinResult } from '../../src/reports/hw-tables.ts';
import { resnet18Trace } from '../../src/trace/synthetic.ts';
import { readJson } from '../../src/arch/validate.ts';
import { acceleratorPath } from '../../src/arch/accelerator.ts';
import type { SpikeTrace } from '../../src/trace/types.ts';
import { bruteForce, count, traceOf } from './helpers.ts';

const tech = loadTech(28);
const base = loadAccelerator('stcb-default');
const ideal = loadAccelerator('stcb-ideal');
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const variants: [string, Accelerator][] = [
  ['default', base],
  ['ideal', ideal],
  ['sequential', withChanges(base, { options: { timing: 'sequential' } })],
  ['overlapped', withChanges(base, { options: { timing: 'overlapped' } })],
  ['psums in buffer, 1rw', withChanges(base, { options: { psumsInArrayRegisters: false }, buffers: { ...base.buffers, psum_buffer: { ...base.buffers.psum_buffer, ports: '1rw' } } })],
  ['aer, no double buffering', withChanges(base, { options: { spikeStorage: 'address-events', doubleBufferedLoads: false } })],
  ['small buffers, slow dram', withChanges(base, { dramBitsPerSecond: 8e9, buffers: { ...base.buffers, spike_buffer: { ...base.buffers.spike_buffer, capacityBits: 8 * 4096 }, psum_buffer: { ...base.buffers.psum_buffer, capacityBits: 8 * 16384 } } })],
  ['16-bit shift-leak membranes, 16 lanes', withChanges(base, { lifTwin: { membraneBits: 16, leak: 'shift', lanes: 16 } })],
];

const rnTrace = resnet18Trace({ rate: 0.1, timesteps: 4, seed: 3, images: 2 });
const small = traceOf([
  { layer: 'a', inH: 9, inW: 9, inC: 4, outC: 6, k: 3, stride: 1, pad: 1 },
  { layer: 'b', inH: 9, inW: 9, inC: 6, outC: 8, k: 3, stride: 2, pad: 1 },
  { layer: 'c', inH: 5, inW: 5, inC: 8, outC: 5, k: 2, stride: 1, pad: 0 },
], { T: 5, images: 2, rate: 0.25, seed: 11 });

function lifLayers(r: SimResult): LayerResult[] {
  if (!r.lifTwin) throw new Error('no LIF twin');
  return r.lifTwin.layers;
}

function geometryOf(trace: SpikeTrace, name: string): { nIn: number; nOut: number } {
  const g = trace.layers.find((l) => l.layer === name);
  if (!g) throw new Error(name);
  return { nIn: g.inH * g.inW * g.inC, nOut: g.outH * g.outW * g.outC };
}

test('membrane reads and writes are N_out*T per layer and image exactly, in every configuration', (t) => {
  for (const trace of [small, rnTrace]) {
    for (const [name, accel] of variants) {
      const r = simulate(trace, accel, tech, { annTwin: false });
      const spec = lifTwinSpec(accel);
      const T = trace.timesteps;
      for (const l of lifLayers(r).filter((x) => x.kind === 'lif')) {
        const { nOut } = geometryOf(trace, l.layer);
        const updates = trace.images * nOut * T;
        const mem = l.traffic.membrane_buffer ?? { readBits: -1, writeBits: -1 };
        t.is(mem.readBits, updates * spec.membraneBits, `${name} ${l.layer} membrane reads`);
        t.is(mem.writeBits, updates * spec.membraneBits, `${name} ${l.layer} membrane writes`);
        t.is(count(l.actions, 'membrane_buffer', 'read'), updates * spec.membraneBits);
        for (const op of ['integrate', 'compare', spec.leak === 'shift' ? 'leak_shift' : 'leak_multiply']) {
          t.is(count(l.actions, 'lif_neuron', op), updates, `${name} ${l.layer} ${op}`);
        }
        t.is(count(l.actions, 'lif_neuron', spec.leak === 'shift' ? 'leak_multiply' : 'leak_shift'), 0);
        // Every neuron emits its output spike every step (bitmap); no encoder, no CAB.
        if (accel.options.spikeStorage === 'bitmap') t.true(l.traffic.spike_buffer.writeBits >= updates, `${name} ${l.layer} spike writes`);
        t.is(count(l.actions, 'encoder', 'compare') + count(l.actions, 'cab', 'multiply') + count(l.actions, 'cab', 'add'), 0);
        t.is(l.stageCycles.encoder, 0);
      }
    }
  }
});

test('the LIF twin does the same exact ACs as the STCB chip (and as the per-synapse brute force)', (t) => {
  for (const [name, accel] of variants) {
    const r = simulate(small, accel, tech, { annTwin: false });
    const lif = lifLayers(r);
    r.layers.forEach((l, i) => {
      const m = lif[i];
      t.is(m.layer, l.layer);
      t.is(m.acs, l.acs, `${name} ${l.layer}`);
      t.deepEqual(m.acsPerStep, l.acsPerStep, `${name} ${l.layer}`);
      t.is(count(m.actions, 'ac_array', 'add'), count(l.actions, 'ac_array', 'add'));
      t.is(m.spikes, l.spikes);
      t.is(m.bounds.ac, l.bounds.ac, `${name} ${l.layer} AC lane bound`);
    });
  }
  const r = simulate(small, base, tech, { annTwin: false });
  for (const g of small.layers) {
    let brute = 0;
    for (let img = 0; img < small.images; img++) brute += bruteForce(g, img, small.timesteps).acsPerStep.reduce((a, b) => a + b, 0);
    t.is(lifLayers(r).find((l) => l.layer === g.layer)?.acs, brute, g.layer);
  }
});

test('zero spikes: no AC work on either chip, but the LIF twin still pays N_out*T membrane updates', (t) => {
  const spec = { layer: 'z', inH: 8, inW: 8, inC: 4, outC: 8, k: 3, stride: 1, pad: 1 };
  const T = 4;
  const nOut = 8 * 8 * 8;
  const zero = traceOf([spec], { T, rate: 0 });
  const r = simulate(zero, base, tech, { annTwin: false });
  const stcb = r.layers[0];
  const lif = lifLayers(r)[0];
  t.is(stcb.acs, 0);
  t.is(stcb.stageCycles.ac, 0);
  t.is(lif.acs, 0);
  t.is(lif.stageCycles.ac, 0);
  t.is(count(lif.actions, 'ac_array', 'add'), 0);
  t.is(count(lif.actions, 'lif_neuron', 'reset'), 0);
  t.is(lif.traffic.weight_buffer.readBits, 0);
  const mb = lifTwinSpec(base).membraneBits;
  t.is(lif.traffic.membrane_buffer?.readBits, nOut * T * mb);
  t.is(lif.traffic.membrane_buffer?.writeBits, nOut * T * mb);
  // Output spikes N_out*T bits, plus the network input's N_in*T bits (this layer is first, read from DRAM).
  t.is(lif.traffic.spike_buffer.writeBits, nOut * T + 8 * 8 * 4 * T);
  t.is(count(lif.actions, 'lif_neuron', 'compare'), nOut * T);
  t.true(lif.stageCycles.cab >= Math.ceil((nOut * T) / lifTwinSpec(base).lanes));
  // The fixed per-step cost is energy: membrane traffic and neuron ops at zero spikes.
  const fixed = lif.energy.filter((e) => (e.component === 'membrane_buffer' || e.component === 'lif_neuron') && e.action !== 'leak').reduce((s, e) => s + e.energyPJ, 0);
  t.true(fixed > 0);
  const ert = new Map(r.ert.map((e) => [`${e.component}.${e.action}`, e.pJ]));
  const expected = nOut * T * (mb * ((ert.get('membrane_buffer.read') ?? NaN) + (ert.get('membrane_buffer.write') ?? NaN)) + (ert.get('lif_neuron.integrate') ?? NaN) + (ert.get('lif_neuron.compare') ?? NaN) + (ert.get('lif_neuron.leak_multiply') ?? NaN) + (ert.get('lif_neuron.bias') ?? NaN));
  t.true(close(fixed, expected), `${fixed} vs ${expected}`);
});

test('energy conserves: every LIF cell is count x pJ, layers and components add up to the totals', (t) => {
  for (const [name, accel] of variants) {
    const r = simulate(rnTrace, accel, tech, { annTwin: false });
    const lif = r.lifTwin;
    if (!lif) { t.fail(name); continue; }
    const ert = new Map(r.ert.map((e) => [`${e.component}.${e.action}`, e]));
    for (const l of lif.layers) {
      for (const c of l.energy) {
        const e = ert.get(`${c.component}.${c.action}`);
        t.truthy(e, `${c.component}.${c.action}`);
        t.true(close(c.energyPJ, c.count * (e?.pJ ?? NaN)), `${name} ${l.layer} ${c.component}.${c.action}`);
        t.true(Number.isInteger(c.count) && c.count >= 0, `${name} ${l.layer} ${c.component}.${c.action} count ${c.count}`);
      }
      t.true(close(l.energy.reduce((s, c) => s + c.energyPJ, 0), l.energyPJ));
    }
    t.true(close(lif.layers.reduce((s, l) => s + l.energyPJ, 0), lif.totals.energyPJ), name);
    t.true(close(Object.values(lif.totals.energyByComponentPJ).reduce((s, v) => s + v, 0), lif.totals.energyPJ), name);
    t.true(close(lif.totals.dynamicPJ + lif.totals.leakagePJ, lif.totals.energyPJ), name);
    const view = twinResult(r, 'lif');
    if (!view) { t.fail(name); continue; }
    // Report rows are per image.
    t.true(close(energyRows(view).rows.reduce((s, x) => s + Number(x.energy_pJ), 0) * view.images, lif.totals.energyPJ), name);
    t.true(close(actionRows(view).rows.reduce((s, x) => s + Number(x.energy_pJ), 0) * view.images, lif.totals.energyPJ), name);
    const s = summary(r);
    t.truthy(s.lifTwin);
    t.true(close((s.lifTwin?.energyPerInferencePJ ?? NaN) * rnTrace.images, lif.totals.energyPJ));
    t.true(close(s.lifTwin?.energyRatioLifOverStcb ?? NaN, lif.totals.energyPJ / r.totals.energyPJ));
    t.true(close(s.lifTwin?.edpPJs ?? NaN, (s.lifTwin?.energyPerInferencePJ ?? NaN) * (s.lifTwin?.latencyS ?? NaN)));
    // No encoder and no CAB leak on the twin; it has its own neuron lanes and membrane buffer.
    t.false('encoder' in lif.totals.energyByComponentPJ);
    t.true((lif.totals.energyByComponentPJ.membrane_buffer ?? 0) > 0);
  }
});

test('cycles >= every lower bound and the DRAM bound; equal to the max of AC and neuron bounds when ideal', (t) => {
  for (const [name, accel] of variants) {
    const r = simulate(rnTrace, accel, tech, { annTwin: false });
    for (const l of lifLayers(r)) {
      for (const [k, v] of Object.entries(l.bounds)) t.true(l.cycles >= v, `${name} ${l.layer} ${k}: ${l.cycles} < ${v}`);
      const dramBound = Math.ceil(((l.traffic.dram.readBits + l.traffic.dram.writeBits) * r.clockHz) / accel.dramBitsPerSecond);
      t.true(l.cycles >= dramBound, `${name} ${l.layer} dram`);
    }
  }
  const r = simulate(rnTrace, ideal, tech, { annTwin: false });
  const lanes = lifTwinSpec(ideal).lanes;
  for (const l of lifLayers(r).filter((x) => x.kind === 'lif')) {
    const { nOut } = geometryOf(rnTrace, l.layer);
    // Rows are sums over images of max(sum_t ceil(A_t / AC lanes), ceil(T * N_out / neuron lanes)).
    t.is(l.bounds.cab, rnTrace.images * Math.ceil((rnTrace.timesteps * nOut) / lanes));
    t.true(l.cycles <= l.bounds.ac + l.bounds.cab && l.cycles >= Math.max(l.bounds.ac, l.bounds.cab), l.layer);
  }
  const one = resnet18Trace({ rate: 0.1, timesteps: 4, seed: 3, images: 1 });
  const r1 = simulate(one, ideal, tech, { annTwin: false });
  for (const l of lifLayers(r1).filter((x) => x.kind === 'lif')) t.is(l.cycles, Math.max(l.bounds.ac, l.bounds.cab), l.layer);
});

test('output spikes (one reset each) are the consuming layer\'s recorded input spikes, else the input rate', (t) => {
  const r = simulate(small, base, tech, { annTwin: false });
  const lif = lifLayers(r);
  const stcb = new Map(r.layers.map((l) => [l.layer, l]));
  // a (9x9x6 out) feeds b (9x9x6 in): a's resets are b's recorded input spikes.
  t.is(count(lif[0].actions, 'lif_neuron', 'reset'), stcb.get('b')?.spikes ?? -1);
  // b (5x5x8 out) feeds c (5x5x8 in).
  t.is(count(lif[1].actions, 'lif_neuron', 'reset'), stcb.get('c')?.spikes ?? -1);
  // c has no spiking consumer: its own input rate x N_out*T, per image.
  const g = small.layers[2];
  const { nIn, nOut } = geometryOf(small, 'c');
  let expected = 0;
  for (let img = 0; img < small.images; img++) expected += Math.round((bruteForce(g, img, small.timesteps).spikes * nOut) / nIn);
  t.is(count(lif[2].actions, 'lif_neuron', 'reset'), expected);
});

test('leak mode and membrane width come from the file; shift is cheaper than multiply; defaults follow the chip', (t) => {
  t.deepEqual(lifTwinSpec(base), { membraneBits: base.psumBits, leak: 'multiply', lanes: base.cabLanes });
  const json = readJson(acceleratorPath('stcb-default')) as Record<string, unknown>;
  const a = parseAccelerator({ ...json, lifTwin: { membrane: '16 bit', leak: 'shift', lanes: 32 } }, 'inline.json');
  t.deepEqual(lifTwinSpec(a), { membraneBits: 16, leak: 'shift', lanes: 32 });
  t.deepEqual(lifTwinSpec(parseAccelerator({ ...json, lifTwin: {} }, 'inline.json')), lifTwinSpec(base));
  t.throws(() => parseAccelerator({ ...json, lifTwin: { leak: 'divide' } }, 'bad.json'), { message: /bad\.json.*lifTwin/s });
  t.throws(() => parseAccelerator({ ...json, lifTwin: { membrane: '0 bit' } }, 'bad.json'), { message: /lifTwin\/membrane/ });
  const mul = simulate(small, base, tech, { annTwin: false });
  const sh = simulate(small, withChanges(base, { lifTwin: { leak: 'shift' } }), tech, { annTwin: false });
  const ert = new Map(mul.ert.map((e) => [`${e.component}.${e.action}`, e]));
  t.true((ert.get('lif_neuron.leak_shift')?.pJ ?? Infinity) < (ert.get('lif_neuron.leak_multiply')?.pJ ?? 0));
  for (const k of ['lif_neuron.integrate', 'lif_neuron.compare', 'lif_neuron.reset', 'membrane_buffer.read', 'membrane_buffer.write', 'lif_neuron.leak', 'membrane_buffer.leak']) {
    const e = ert.get(k);
    t.truthy(e, k);
    t.true((e?.source.length ?? 0) > 0 && (e?.estimator.length ?? 0) > 0 && Number.isFinite(e?.pJ), k);
  }
  t.true((sh.lifTwin?.totals.dynamicPJ ?? Infinity) < (mul.lifTwin?.totals.dynamicPJ ?? 0));
  // The STCB chip's own numbers do not depend on the twin.
  t.is(sh.totals.energyPJ, mul.totals.energyPJ);
});

test('lifTwin: false skips the twin and leaves the STCB chip\'s results unchanged', (t) => {
  const on = simulate(rnTrace, base, tech);
  const off = simulate(rnTrace, base, tech, { lifTwin: false });
  t.is(off.lifTwin, undefined);
  t.is(summary(off).lifTwin, undefined);
  t.deepEqual(off.totals, on.totals);
  t.deepEqual(off.annTwin?.totals, on.annTwin?.totals);
  // MAC layers run exactly as on the STCB chip (only leakage differs: other components leak).
  const lif = lifLayers(on);
  on.layers.forEach((l, i) => {
    if (l.kind !== 'mac') return;
    t.is(lif[i].kind, 'mac');
    t.is(lif[i].cycles, l.cycles);
    t.deepEqual(lif[i].actions.filter((a) => a.action !== 'leak'), l.actions.filter((a) => a.action !== 'leak'));
  });
});
