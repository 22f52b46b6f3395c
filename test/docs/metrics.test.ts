/**
 * The formulas the metric pages (docs/metrics/*.md) state, checked against the code on a small
 * synthetic network: if the code changes what a number means, the page must change too.
 */
import test from 'ava';
import { parseScaleSimTopology, scaleSimTrace } from '../../src/trace/scalesim.ts';
import { traceCounts } from '../../src/counts/trace-counts.ts';
import { geometry, syntheticTrace } from '../../src/trace/synthetic.ts';
import { DEFAULT_OPTIONS, loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { arithmeticAreaUm2 } from '../../src/arch/laws.ts';
import { clockAt } from '../../src/hw/replay.ts';
import { simulate } from '../../src/energy/price.ts';
import { summary } from '../../src/reports/hw-tables.ts';
import type { SpikeTrace } from '../../src/trace/types.ts';
import { paperEnergy, paperPreset } from '../../src/energy/paper.ts';
import { paperToHardwareGap } from '../../src/energy/gap.ts';
import { polyval } from '../../src/arch/scaling.ts';

const T = 4;
/** Padded, strided layers (border effects) plus a MAC stem and a dense classifier. */
function network(rate = 0.3, images = 1): SpikeTrace {
  const stem = geometry({ layer: 'stem', inH: 10, inW: 10, inC: 3, outC: 8, k: 3, stride: 1, pad: 1 });
  const fc = geometry({ layer: 'fc', inH: 1, inW: 1, inC: 80, outC: 10, k: 1, stride: 1, pad: 0, op: 'dense', batchNormAfter: false, hasBias: true });
  const { encoder: _a, ...stemG } = stem;
  const { encoder: _b, ...fcG } = fc;
  return syntheticTrace([
    { layer: 'c1', inH: 10, inW: 10, inC: 8, outC: 16, k: 3, stride: 2, pad: 1 },
    { layer: 'c2', inH: 5, inW: 5, inC: 16, outC: 16, k: 3, stride: 1, pad: 1 },
  ], [stemG], { timesteps: T, rate, seed: 4, images }, [fcG]);
}

test('firing rate, zeta and the literature estimate (firing-rate, zeta, literature-ac, dense-mac)', (t) => {
  const c = traceCounts(network());
  for (const l of c.layers.filter((x) => x.kind.startsWith('stcb'))) {
    const [h, w, cin] = l.inputShape;
    t.is(l.neuronsIn, h * w * cin);
    t.is(l.firingRate, l.spikes / (l.neuronsIn * T));
    t.is(l.zeta, l.spikes / l.neuronsIn);
    t.true(Math.abs(l.acLiteratureEstimate - T * l.denseMacs * l.firingRate) < 1e-6 * l.acLiteratureEstimate);
    // Padded layers: the estimate counts taps on padding, so it exceeds the exact count here.
    t.true(l.acLiteratureEstimate > l.acExact, l.layer);
    t.is(l.encoderCompares, T * l.neuronsIn);
    t.is(l.encoderSubtracts, l.spikes);
    t.is(l.cabMultiplies, T * l.neuronsOut);
    t.is(l.cabAdds, T * l.neuronsOut);
  }
  t.is(c.layers[0].denseMacs, 3 * 3 * 3 * 8 * 10 * 10);
  t.is(c.layers[1].denseMacs, 3 * 3 * 8 * 16 * 5 * 5);
});

test('paper-mode energy follows the formula on the page (paper-energy)', (t) => {
  const c = traceCounts(network());
  for (const preset of ['int32-45nm', 'fp32-45nm']) {
    const p = paperPreset(preset);
    const e = paperEnergy(c, p);
    c.layers.forEach((l, i) => {
      const macClass = l.macs + l.cabMultiplies + l.cabShifts + l.batchNormOps + l.poolingOps + l.residualAdds + l.biasAdds;
      const r = e.layers[i];
      t.true(Math.abs(r.snnPJ - (l.acLiteratureEstimate * p.acPJ + macClass * p.macPJ)) <= 1e-9 * Math.max(1, r.snnPJ));
      t.true(Math.abs(r.snnExactPJ - (l.acExact * p.acPJ + macClass * p.macPJ)) <= 1e-9 * Math.max(1, r.snnExactPJ));
      t.true(Math.abs(r.annPJ - (l.denseMacs + l.batchNormOps + l.poolingOps + l.residualAdds + l.biasAdds) * p.macPJ) <= 1e-9 * r.annPJ);
    });
    t.is(e.totals.annOverSnn, e.totals.annPJ / e.totals.snnPJ);
  }
  t.deepEqual([paperPreset('int32-45nm').acPJ, paperPreset('int32-45nm').macPJ, paperPreset('fp32-45nm').acPJ, paperPreset('fp32-45nm').macPJ], [0.1, 3.2, 0.9, 4.6]);
});

test('hardware energy, leakage, EDP and the gap chain (hardware-energy, edp, gap, latency-cycles)', (t) => {
  const trace = network();
  const accel = loadAccelerator('stcb-default');
  const sim = simulate(trace, accel, loadTech(7), { annTwin: false });
  // E = sum of count x pJ, leakage included as <component>.leak per cycle.
  const byAction = sim.layers.flatMap((l) => l.energy);
  const sum = byAction.reduce((a, e) => a + e.count * e.pJ, 0);
  t.true(Math.abs(sum - sim.totals.energyPJ) < 1e-9 * sum);
  const leak = sim.ert.find((e) => e.component === 'ac_array' && e.action === 'leak');
  // Logic leakage = area x leakage per area (45 nm lop devices, 18.7 nW/um^2), scaled by the power ratio:
  // 256 adders of 24 bits (Horowitz: 36 um^2 at 8b, 137 um^2 at 32b, power law) and the 4096 x 24
  // psum register bits the mapping uses (psums in the array; weights are not stationary), 4.522 um^2 each.
  const add24 = 36 * 3 ** (Math.log(137 / 36) / Math.log(4));
  const areaUm2 = 256 * add24 + 4096 * 24 * 4.522;
  const mW = areaUm2 * 18.7e-6;
  t.true(Math.abs((leak?.pJ ?? 0) - (mW * loadTech(7).scales.power * 1e9) / sim.clockHz) < 1e-9 * (leak?.pJ ?? 1));
  // Latency: layers in sequence at the accelerator's clock; EDP = energy x latency per inference.
  const s = summary(sim);
  t.is(s.latencyCycles, sim.layers.reduce((a, l) => a + l.cycles, 0));
  t.is(s.latencyS, s.latencyCycles / sim.clockHz);
  t.is(s.edpPJs, s.energyPerInferencePJ * s.latencyS);
  // Gap: paper total + deltas = hardware total.
  const gap = paperToHardwareGap(paperEnergy(traceCounts(trace), paperPreset('int32-45nm')), sim);
  const deltas = gap.filter((g) => g.kind === 'delta').reduce((a, g) => a + g.energyPJ, 0);
  t.true(Math.abs(gap[0].energyPJ + deltas - gap[gap.length - 1].energyPJ) < 1e-6 * gap[gap.length - 1].energyPJ);
});

test('process-node scaling: ratios at the nominal voltage, 0.9 V at 45 nm, 28 nm interpolation (process-node-scaling)', (t) => {
  const t45 = loadTech(45);
  const t7 = loadTech(7);
  // DESIGN.md coefficients, written out independently of the tech files.
  const e45 = [1.018, -0.3107, 0.1539];
  const e7 = [0.1776, -0.09097, 0.02447];
  t.true(Math.abs(t7.scales.energy - polyval(e7, 0.7) / polyval(e45, 0.9)) < 1e-12);
  t.true(Math.abs(t45.scales.energy - polyval(e45, 1.0) / polyval(e45, 0.9)) < 1e-12);
  t.is(Number(t45.scales.energy.toFixed(3)), 1.232);
  t.deepEqual(loadTech(45, { voltageV: 0.9 }).scales, { energy: 1, delay: 1, power: 1 });
  const t28 = loadTech(28);
  const w = (Math.log(32) - Math.log(28)) / (Math.log(32) - Math.log(20));
  t.is(Number(w.toFixed(3)), 0.284);
  const t32 = loadTech(32);
  const t20 = loadTech(20);
  t.true(Math.abs(t28.scales.energy - (t32.scales.energy + w * (t20.scales.energy - t32.scales.energy))) < 1e-12);
  t.is(t28.provenance, 'interpolated');
});

test('SCALE-Sim rows are valid convolutions: exact = literature when every neuron spikes (scalesim.md)', (t) => {
  const rows = parseScaleSimTopology('Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nA,9,9,3,3,2,4,1,\nB,9,9,3,3,2,4,2,\n');
  const c = traceCounts(scaleSimTrace(rows, { timesteps: T, seed: 1, firingRate: 1, firstLayerMac: false }).trace);
  for (const l of c.layers) t.is(l.acExact, l.acLiteratureEstimate);
});

test('clock and node: stcb-default scales its clock, the code default does not (latency-cycles, process-node-scaling)', (t) => {
  const accel = loadAccelerator('stcb-default');
  t.true(accel.options.scaleClockWithNode);
  t.false(DEFAULT_OPTIONS.scaleClockWithNode);
  const fixed = withChanges(accel, { options: { scaleClockWithNode: DEFAULT_OPTIONS.scaleClockWithNode } });
  const t45 = loadTech(45);
  const t7 = loadTech(7);
  t.is(accel.clockHz, 500e6);
  t.is(clockAt(accel, t7), 500e6 / t7.scales.delay);
  t.is(clockAt(fixed, t7), 500e6);
  t.is(clockAt(fixed, t45), 500e6);
  // The page's rounded clocks: 504 MHz at 45 nm (1.0 V), 1,946 MHz at 7 nm (0.7 V).
  t.is(Math.round(clockAt(accel, t45) / 1e6), 504);
  t.is(Math.round(clockAt(accel, t7) / 1e6), 1946);
  // Same cycles at a fixed clock give the same latency at both nodes; the scaled clock is faster at 7 nm.
  const trace = network();
  const fixed45 = summary(simulate(trace, fixed, t45, { annTwin: false, lifTwin: false }));
  const fixed7 = summary(simulate(trace, fixed, t7, { annTwin: false, lifTwin: false }));
  t.is(fixed45.latencyS, fixed7.latencyS);
  t.true(summary(simulate(trace, accel, t7, { annTwin: false, lifTwin: false })).latencyS < summary(simulate(trace, accel, t45, { annTwin: false, lifTwin: false })).latencyS);
});

test('LIF twin: T*N_out membrane reads and writes, neuron ops and resets; ratio = E_LIF / E_STCB (lif-twin)', (t) => {
  const trace = network(0.3, 2);
  const accel = loadAccelerator('stcb-default');
  const sim = simulate(trace, accel, loadTech(7), { annTwin: false });
  const lif = sim.lifTwin;
  if (!lif) return t.fail('no LIF twin');
  t.is(lif.membraneBits, accel.psumBits, 'membrane word defaults to the psum width');
  t.is(lif.leak, 'multiply');
  const countOf = (actions: readonly { component: string; action: string; count: number }[], c: string, a: string): number =>
    actions.filter((x) => x.component === c && x.action === a).reduce((s, x) => s + x.count, 0);
  for (const g of trace.layers) {
    const l = lif.layers.find((x) => x.layer === g.layer);
    const stcb = sim.layers.find((x) => x.layer === g.layer);
    if (!l || !stcb) return t.fail(g.layer);
    const updates = trace.images * T * g.outH * g.outW * g.outC;
    t.is(l.traffic.membrane_buffer?.readBits, updates * lif.membraneBits);
    t.is(l.traffic.membrane_buffer?.writeBits, updates * lif.membraneBits);
    for (const op of ['leak_multiply', 'integrate', 'compare']) t.is(countOf(l.actions, 'lif_neuron', op), updates, `${g.layer} ${op}`);
    t.is(countOf(l.actions, 'lif_neuron', 'reset'), l.outputSpikes ?? -1);
    t.is(countOf(l.actions, 'ac_array', 'add'), stcb.acs, 'same exact ACs as the STCB chip');
    t.is(countOf(l.actions, 'encoder', 'compare') + countOf(l.actions, 'cab', 'multiply'), 0, 'no encoder, no CAB');
  }
  // c1 feeds c2 (same shape): its resets are c2's recorded input spikes; c2 feeds the real classifier: rate rule.
  const c1 = lif.layers.find((x) => x.layer === 'c1');
  const c2in = trace.layers.find((x) => x.layer === 'c2');
  const c2 = lif.layers.find((x) => x.layer === 'c2');
  const c2g = trace.layers.find((x) => x.layer === 'c2');
  if (!c1 || !c2in || !c2 || !c2g) return t.fail('layers');
  const popcount = (codes: Uint32Array): number => codes.reduce((s, c) => { let n = 0; for (let x = c; x; x &= x - 1) n++; return s + n; }, 0);
  t.is(c1.outputSpikes, popcount(c2in.codes));
  const nIn = c2g.inH * c2g.inW * c2g.inC;
  const nOut = c2g.outH * c2g.outW * c2g.outC;
  const perImage = c2g.codes.length / trace.images;
  let rateRule = 0;
  for (let i = 0; i < trace.images; i++) rateRule += Math.round((popcount(c2g.codes.subarray(i * perImage, (i + 1) * perImage)) * nOut) / nIn);
  t.is(c2.outputSpikes, rateRule);
  const s = summary(sim);
  t.is(s.lifTwin?.energyRatioLifOverStcb, (lif.totals.energyPJ / trace.images) / s.energyPerInferencePJ);
  t.is(s.lifTwin?.energyPerInferencePJ, lif.totals.energyPJ / trace.images);
});

test('ANN twin: equal-area systolic array, dense MACs, energy independent of the spikes (ann-twin)', (t) => {
  const accel = loadAccelerator('stcb-default');
  for (const node of [45, 7]) {
    const tech = loadTech(node);
    const add = (b: number): number => arithmeticAreaUm2(tech, 'int_add', b);
    const mult = (b: number): number => arithmeticAreaUm2(tech, 'int_mult', b);
    // Equal compute area at 45 nm (the area factor cancels): lanes plus the registers the mapping uses
    // (stcb-default keeps psums in 4096 24-bit array registers); one register bit = 4.522 um^2.
    const reg = (bits: number): number => bits * 4.522;
    const stcbArea = accel.encoderLanes * (add(accel.activationBits) + reg(accel.activationBits)) + accel.acLanes * add(accel.psumBits) + reg(4096 * 24)
      + accel.cabLanes * (mult(accel.psumBits) + add(accel.accumulatorBits) + reg(accel.accumulatorBits));
    const macArea = mult(Math.max(accel.weightBits, accel.activationBits)) + add(accel.accumulatorBits) + reg(accel.weightBits + accel.activationBits + accel.accumulatorBits);
    const busy = simulate(network(0.3), accel, tech, { lifTwin: false });
    const quiet = simulate(network(0.02), accel, tech, { lifTwin: false });
    const twin = busy.annTwin;
    if (!twin || !quiet.annTwin) return t.fail('no ANN twin');
    const pes = Math.floor(stcbArea / macArea);
    t.is(twin.rows, Math.floor(Math.sqrt(pes)));
    t.is(twin.cols, Math.floor(pes / twin.rows));
    t.is(twin.macLanes, twin.rows * twin.cols);
    t.log(`${node} nm: ${pes} PEs fit, array ${twin.rows} x ${twin.cols}`);
    const trace = network(0.3);
    const dense = [...trace.macLayers, ...trace.layers].reduce((s, g) => s + g.kernelH * g.kernelW * g.inC * g.outC * g.outH * g.outW, 0);
    const mults = twin.layers.flatMap((l) => l.actions).filter((a) => a.component === 'mac_array' && a.action === 'multiply').reduce((s, a) => s + a.count, 0);
    t.is(mults, dense);
    t.is(quiet.annTwin.totals.energyPJ, twin.totals.energyPJ, 'the twin does not see the spikes');
    t.not(quiet.totals.energyPJ, busy.totals.energyPJ, 'the STCB chip does');
    t.is(summary(busy).annTwin?.energyRatioAnnOverSnn, twin.totals.energyPJ / busy.totals.energyPJ);
  }
});
