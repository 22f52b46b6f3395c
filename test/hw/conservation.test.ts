import test from 'ava';
import { loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { actionRows, energyRows, summary } from '../../src/reports/hw-tables.ts';
import { resnet18Trace } from '../../src/trace/synthetic.ts';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
const r = simulate(resnet18Trace({ rate: 0.1, timesteps: 4, seed: 2, images: 2 }), loadAccelerator('stcb-default'), loadTech(28));

test('count x pJ reproduces every energy cell, and every count is a non-negative integer', (t) => {
  const ert = new Map(r.ert.map((e) => [`${e.component}.${e.action}`, e]));
  for (const l of r.layers) {
    for (const c of l.energy) {
      const e = ert.get(`${c.component}.${c.action}`);
      t.truthy(e);
      t.true(close(c.energyPJ, c.count * (e?.pJ ?? NaN)), `${l.layer} ${c.component}.${c.action}`);
      t.true(Number.isInteger(c.count) && c.count >= 0, `${l.layer} ${c.component}.${c.action} count ${c.count}`);
    }
  }
});

test('per-layer and per-component energies sum to the totals; CSV rows agree', (t) => {
  const perLayer = r.layers.reduce((s, l) => s + l.energyPJ, 0);
  t.true(close(perLayer, r.totals.energyPJ));
  const perComponent = Object.values(r.totals.energyByComponentPJ).reduce((s, v) => s + v, 0);
  t.true(close(perComponent, r.totals.energyPJ));
  t.true(close(r.totals.dynamicPJ + r.totals.leakagePJ, r.totals.energyPJ));
  // The report rows are per image (the replay sums over its two images).
  const rows = energyRows(r).rows;
  t.true(close(rows.reduce((s, x) => s + Number(x.energy_pJ), 0) * r.images, r.totals.energyPJ));
  for (const l of r.layers) {
    const mine = rows.filter((x) => x.layer === l.layer).reduce((s, x) => s + Number(x.energy_pJ), 0);
    t.true(close(mine * r.images, l.energyPJ), l.layer);
  }
  const acts = actionRows(r).rows;
  t.true(close(acts.reduce((s, x) => s + Number(x.energy_pJ), 0) * r.images, r.totals.energyPJ));
  for (const a of acts) t.true(close(Number(a.energy_pJ), Number(a.count) * Number(a.pJ_per_action)));
  const s = summary(r);
  t.true(close(s.energyPerInferencePJ * 2, r.totals.energyPJ));
  t.true(close(s.edpPJs, s.energyPerInferencePJ * s.latencyS));
  t.truthy(s.annTwin && s.annTwin.energyPerInferencePJ > 0);
});

test('every ERT entry names a source and a scaling', (t) => {
  for (const e of r.ert) {
    t.true(e.source.length > 0 && e.scaling.length > 0 && Number.isFinite(e.pJ) && e.pJ >= 0, `${e.component}.${e.action}`);
  }
});
