/**
 * Issue 12, item 1: every CSV of one run is per image and they agree with each other and with
 * summary.json. One profile of a small network with three images, all three replayed on the hardware
 * model at two nodes (so every hardware file stacks two nodes), read back from the files as a
 * spreadsheet user would read them.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profile } from '../../src/app/profile.ts';
import { CSV_SIGNIFICANT_DIGITS, parseCsv } from '../../src/reports/table.ts';
import type { ProfileSummary } from '../../src/reports/profile-report.ts';
import { profileFlags } from '../helpers.ts';

const IMAGES = 3;
const NODES = ['45nm', '28nm'];
const dir = mkdtempSync(join(tmpdir(), 'stcsim-consistency-'));
const ready = profile('smallnet', profileFlags({ images: IMAGES, hwImages: IMAGES, node: [45, 28], charts: false, out: dir }), () => false);
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, string>;
const read = (f: string): Row[] => {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, f), 'utf8'));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};
const summaryJson = (): ProfileSummary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as ProfileSummary;
const sum = (rows: readonly Row[], k: string): number => rows.reduce((s, r) => s + Number(r[k]), 0);
/** CSV cells carry 10 significant digits: sums of them agree with full-precision totals to ~1e-9. */
const close = (a: number, b: number, rel = 1e-8): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
const FILES = ['layers.csv', 'steps.csv', 'compute.csv', 'access.csv', 'energy.csv', 'actions.csv', 'gap.csv'];

test('every CSV has an images column equal to the images it averages', async (t) => {
  await ready;
  for (const f of FILES) {
    const rows = read(f);
    t.true(rows.length > 0, f);
    t.true(rows.every((r) => r.images === String(IMAGES)), `${f}: images column ${[...new Set(rows.map((r) => r.images))].join(',')}`);
  }
});

test('hardware files: energy.csv = actions.csv = gap.csv = summary.json per image, at every node', async (t) => {
  await ready;
  const s = summaryJson();
  t.deepEqual(s.hardware?.map((h) => h.node), NODES);
  for (const [i, node] of NODES.entries()) {
    const h = s.hardware?.[i];
    if (!h) return t.fail(node);
    const at = (f: string): Row[] => read(f).filter((r) => r.node === node);
    const energy = at('energy.csv');
    t.true(close(sum(energy, 'energy_pJ'), h.energyPerInferencePJ), `${node} energy.csv ${sum(energy, 'energy_pJ')} vs ${h.energyPerInferencePJ}`);
    t.true(close(sum(energy, 'leakage_energy_pJ'), h.leakageEnergyPerInferencePJ), `${node} leakage`);
    for (const r of energy) t.true(close(Number(r.dynamic_energy_pJ) + Number(r.leakage_energy_pJ), Number(r.energy_pJ)), `${node} ${r.layer} ${r.component}`);
    for (const [component, pJ] of Object.entries(h.energyByComponentPJ)) {
      t.true(close(sum(energy.filter((r) => r.component === component), 'energy_pJ'), pJ), `${node} ${component}`);
    }
    // actions x ERT = energy, row by row and in total.
    const actions = at('actions.csv');
    for (const a of actions) t.true(close(Number(a.count) * Number(a.pJ_per_action), Number(a.energy_pJ), 1e-8), `${node} ${a.component}.${a.action}`);
    t.true(close(sum(actions, 'energy_pJ'), h.energyPerInferencePJ), `${node} actions.csv total`);
    const gap = at('gap.csv');
    const hwTotal = gap.at(-1);
    t.is(hwTotal?.kind, 'total');
    t.true(close(Number(hwTotal?.energy_pJ), h.energyPerInferencePJ), `${node} gap total`);
    // The deltas between the two totals add up to their difference.
    t.true(close(Number(gap[0].energy_pJ) + sum(gap.filter((r) => r.kind === 'delta'), 'energy_pJ'), Number(hwTotal?.energy_pJ), 1e-7), `${node} gap chain`);
    const compute = at('compute.csv');
    t.true(close(sum(compute, 'cycles'), h.latencyCycles), `${node} cycles`);
    t.true(close(sum(compute, 'runtime_s'), h.latencyS), `${node} runtime`);
    const dram = at('access.csv').filter((r) => r.memory === 'dram');
    t.true(close(sum(dram, 'total_bytes'), h.dramBytesPerInference), `${node} DRAM bytes`);
  }
});

test('profile files agree with the hardware files and summary.json (all images replayed)', async (t) => {
  await ready;
  const s = summaryJson();
  const layers = read('layers.csv');
  t.true(close(sum(layers, 'energy_snn_pJ'), s.paperEnergy.snnPJ));
  t.true(close(sum(layers, 'energy_ann_pJ'), s.paperEnergy.annPJ));
  t.true(close(sum(layers, 'ac_exact'), s.totals.acExact));
  t.true(close(sum(layers, 'spikes'), s.totals.spikes));
  // Every image was replayed, so the paper line of the gap is the paper mode of layers.csv.
  const gap = read('gap.csv').filter((r) => r.node === NODES[0]);
  t.true(close(Number(gap[0].energy_pJ), s.paperEnergy.snnPJ));
  const steps = read('steps.csv');
  const compute = read('compute.csv').filter((r) => r.node === NODES[0]);
  for (const l of layers) {
    const mine = steps.filter((r) => r.layer === l.layer);
    if (mine.length > 0) {
      t.true(close(sum(mine, 'spikes'), Number(l.spikes)), `${l.layer} steps spikes`);
      t.true(close(sum(mine, 'ac_exact'), Number(l.ac_exact)), `${l.layer} steps ACs`);
    }
    const c = compute.find((r) => r.layer === l.layer);
    t.truthy(c, l.layer);
    t.true(close(Number(c?.acs), Number(l.ac_exact)), `${l.layer}: compute.csv acs ${c?.acs} vs layers.csv ac_exact ${l.ac_exact}`);
  }
});

test('CSV numbers are clean: integers without decimals, others at most 10 significant digits', async (t) => {
  await ready;
  const digits = (x: string): number => x.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').length;
  for (const f of FILES) {
    for (const r of read(f)) {
      for (const [k, v] of Object.entries(r)) {
        if (v === '' || Number.isNaN(Number(v)) || /^-?\d+$/.test(v)) continue; // integers are exact
        t.true(digits(v) <= CSV_SIGNIFICANT_DIGITS, `${f} ${k}=${v}`);
        t.false(/\.\d*0$/.test(v) || /\.$/.test(v), `${f} ${k}=${v} has trailing zeros`);
      }
    }
  }
});
