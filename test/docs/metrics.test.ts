/**
 * The formulas the metric pages (docs/metrics/*.md) state, checked against the code on a small
 * synthetic network: if the code changes what a number means, the page must change too.
 */
import test from 'ava';
import { parseScaleSimTopology, scaleSimTrace } from '../../src/model/scalesim.ts';
import { traceCounts } from '../../src/counts/trace-counts.ts';
import { geometry, syntheticTrace } from '../../src/hw/synthetic.ts';
import { loadAccelerator, loadTech, simulate, summary } from '../../src/hw/index.ts';
import { paperEnergy, paperPreset } from '../../src/energy/paper.ts';
import { paperToHardwareGap } from '../../src/energy/gap.ts';
import { polyval } from '../../src/energy/tech/scaling.ts';

const T = 4;
/** Padded, strided layers (border effects) plus a MAC stem and a dense classifier. */
function network() {
  const stem = geometry({ layer: 'stem', inH: 10, inW: 10, inC: 3, outC: 8, k: 3, stride: 1, pad: 1 });
  const fc = geometry({ layer: 'fc', inH: 1, inW: 1, inC: 80, outC: 10, k: 1, stride: 1, pad: 0, op: 'dense', batchNormAfter: false, hasBias: true });
  const { encoder: _a, ...stemG } = stem;
  const { encoder: _b, ...fcG } = fc;
  return syntheticTrace([
    { layer: 'c1', inH: 10, inW: 10, inC: 8, outC: 16, k: 3, stride: 2, pad: 1 },
    { layer: 'c2', inH: 5, inW: 5, inC: 16, outC: 16, k: 3, stride: 1, pad: 1 },
  ], [stemG], { timesteps: T, rate: 0.3, seed: 4 }, [fcG]);
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
  const mW = accel.leakageMW.ac_array?.value ?? 0;
  t.true(Math.abs((leak?.pJ ?? 0) - (mW * loadTech(7).scales.power * 1e9) / sim.clockHz) < 1e-12);
  // Latency: layers in sequence at the fixed clock; EDP = energy x latency per inference.
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
