/**
 * Objectives, constraints and the Pareto front of a real sweep, checked against brute force over
 * dse.csv; the new dse.csv columns checked against each other; issue 11's acceptance check.
 */
import test from 'ava';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { dseColumns, numericHeaders, AREA_COMPONENTS, ENERGY_COMPONENTS } from '../../src/dse/columns.ts';
import { bottleneck, meanUtilisation } from '../../src/dse/evaluate.ts';
import { parseConstraint, resolveConstraints, resolveObjectives } from '../../src/dse/objectives.ts';
import { runDse } from '../../src/dse/run.ts';
import { parseSweep } from '../../src/dse/space.ts';
import type { LayerResult } from '../../src/energy/price.ts';
import { STALL_CAUSES, zeroStalls } from '../../src/hw/layer-sim.ts';
import { csvHeader } from '../../src/reports/table.ts';
import { cpuBackend } from '../helpers.ts';
import { num, readRows, smallnetSweep, tempDir, type Row } from './support.ts';

test.before(cpuBackend);

const SWEEP = ['ac_lanes=16,64,256,1024', 'weight_buffer=16 KiB,64 KiB,256 KiB,1 MiB'];

/** Brute force: ids of rows no other row dominates (every objective no worse, one strictly better). */
function bruteFront(rows: readonly Row[], objectives: readonly { column: string; sense: 'min' | 'max' }[]): string[] {
  const v = (r: Row, o: { column: string; sense: 'min' | 'max' }): number => (o.sense === 'max' ? -num(r, o.column) : num(r, o.column));
  const dominated = (a: Row, b: Row): boolean => objectives.every((o) => v(b, o) <= v(a, o)) && objectives.some((o) => v(b, o) < v(a, o));
  return rows.filter((a) => !rows.some((b) => dominated(a, b))).map((r) => r.id);
}

test('default objectives are energy, latency and area; the front equals brute force; the biggest chip is not free', async (t) => {
  const out = tempDir('dse-front');
  const r = await runDse(smallnetSweep(out, SWEEP));
  t.deepEqual(r.objectives, [{ column: 'energy_pJ', sense: 'min' }, { column: 'latency_s', sense: 'min' }, { column: 'area_mm2', sense: 'min' }]);
  const rows = readRows(join(out, 'dse.csv'));
  t.is(rows.length, 16);
  const front = bruteFront(rows, r.objectives);
  t.deepEqual(r.front, front);
  t.deepEqual(readRows(join(out, 'pareto.csv')).map((x) => x.id), front);

  // Issue 11's acceptance check: a front over (energy, latency, area) has more than one point, and
  // the biggest chip (most lanes, largest buffer) is not the only one on it.
  t.true(front.length > 1, `front of ${front.length} point(s)`);
  const biggest = rows.reduce((a, b) => (num(b, 'area_mm2') > num(a, 'area_mm2') ? b : a));
  t.is(biggest['acArray.lanes'], '1024');
  t.is(biggest['buffers.weights.capacity'], '1 MiB');
  t.true(front.some((id) => id !== biggest.id && num(rows.find((x) => x.id === id) as Row, 'area_mm2') < num(biggest, 'area_mm2')));

  // Area is what separates this front from the energy-latency one: some point is on it only for its small area.
  const twoAxes = bruteFront(rows, r.objectives.slice(0, 2));
  t.true(twoAxes.every((id) => front.includes(id)));
  t.true(front.length > twoAxes.length);
});

test('the new columns agree with each other: area and energy are the sums of their components', async (t) => {
  const out = tempDir('dse-cols');
  await runDse(smallnetSweep(out, ['ac_lanes=16,1024', 'node=45,7']));
  const rows = readRows(join(out, 'dse.csv'));
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  for (const r of rows) {
    t.true(close(AREA_COMPONENTS.reduce((s, c) => s + num(r, `area_${c}_mm2`), 0), num(r, 'area_mm2')));
    t.true(close(ENERGY_COMPONENTS.reduce((s, c) => s + num(r, `energy_${c}_pJ`), 0), num(r, 'energy_pJ')));
    for (const s of ['util_ac', 'util_cab', 'util_encoder']) t.true(num(r, s) >= 0 && num(r, s) <= 1, `${s} = ${r[s]}`);
    t.true(['encoder', 'ac', 'cab', ...STALL_CAUSES].includes(r.bottleneck), r.bottleneck);
    t.is(r.feasible, 'true');
  }
  const at = (lanes: string, node: string): Row => rows.find((r) => r['acArray.lanes'] === lanes && r.node === node) as Row;
  // 16 lanes leave the AC array the bottleneck and keep it busy; 64x the lanes at the same work idle most of them.
  t.is(at('16', '45').bottleneck, 'ac');
  t.true(num(at('16', '45'), 'util_ac') > num(at('1024', '45'), 'util_ac'));
  // At 7 nm the same chip is smaller.
  t.true(num(at('16', '7'), 'area_mm2') < num(at('16', '45'), 'area_mm2') / 10);
});

test('utilisation is weighted by cycles; the bottleneck is the largest stage or stall total', (t) => {
  const layer = (cycles: number, u: { ac: number; cab: number; encoder: number }, stage: { encoder: number; ac: number; cab: number }, stalls: Partial<Record<(typeof STALL_CAUSES)[number], number>>): LayerResult =>
    ({ cycles, utilisation: u, stageCycles: stage, stalls: { ...zeroStalls(), ...stalls } }) as unknown as LayerResult;
  const layers = [
    layer(100, { ac: 1, cab: 0, encoder: 0.5 }, { encoder: 10, ac: 100, cab: 0 }, { 'psum-port': 60 }),
    layer(300, { ac: 0, cab: 1, encoder: 0.1 }, { encoder: 0, ac: 0, cab: 90 }, { 'psum-port': 50, dram: 20 }),
  ];
  // By hand: ac (100 + 0 x 300) / 400, cab 300 / 400, encoder (50 + 30) / 400.
  const u = meanUtilisation(layers);
  t.is(u.ac, 0.25);
  t.is(u.cab, 0.75);
  t.is(u.encoder, 0.2);
  // Stage totals ac 100, cab 90; stall psum-port 110 beats them.
  t.is(bottleneck(layers), 'psum-port');
  t.is(bottleneck([layer(1, u, { encoder: 5, ac: 5, cab: 5 }, {})]), 'encoder', 'ties go to the first');
});

test('objectives: any numeric column by header or key; accuracy and throughput maximised; clear errors', (t) => {
  const columns = dseColumns([parseSweep('ac_lanes=16,64'), parseSweep('options.spikeStorage=bitmap,address-events')]);
  const numeric = numericHeaders(columns);
  const all = columns.map((c) => csvHeader(c));
  t.deepEqual(resolveObjectives(['energy', 'edp_pJs', 'area', 'accuracy', 'throughput_per_s', 'acArray.lanes'], numeric, all).map((o) => `${o.column}:${o.sense}`),
    ['energy_pJ:min', 'edp_pJs:min', 'area_mm2:min', 'accuracy:max', 'throughput_per_s:max', 'acArray.lanes:min']);
  t.deepEqual(resolveObjectives(['area_weight_buffer', 'util_ac'], numeric, all).map((o) => `${o.column}:${o.sense}`), ['area_weight_buffer_mm2:min', 'util_ac:max']);
  t.throws(() => resolveObjectives(['energie'], numeric, all), { message: /objective "energie" is no dse.csv column; choose one of id|.*energy_pJ/ });
  t.throws(() => resolveObjectives(['bottleneck'], numeric, all), { message: /"bottleneck": the column holds no numbers/ });
  t.throws(() => resolveObjectives(['options.spikeStorage'], numeric, all), { message: /holds no numbers/ });
  t.throws(() => resolveObjectives(['energy', 'energy_pJ'], numeric, all), { message: /twice/ });
  t.deepEqual(parseConstraint(' area_mm2 <= 2 '), { name: 'area_mm2', op: '<=', value: 2 });
  t.deepEqual(parseConstraint('latency>1e-3'), { name: 'latency', op: '>', value: 1e-3 });
  t.deepEqual(resolveConstraints(['latency<1e-3'], numeric, all)[0].column, 'latency_s');
  t.throws(() => parseConstraint('area_mm2=<2'), { message: /column<=number/ });
  t.throws(() => parseConstraint('area_mm2<=two'), { message: /column<=number/ });
  t.throws(() => resolveConstraints(['aera<=2'], numeric, all), { message: /constraint "aera" is no dse.csv column/ });
});

test('constraints: violating points stay in dse.csv with feasible=false and never reach the front', async (t) => {
  const out = tempDir('dse-constraint');
  const first = await runDse(smallnetSweep(out, SWEEP));
  const areas = readRows(join(out, 'dse.csv')).map((r) => num(r, 'area_mm2')).sort((a, b) => a - b);
  const limit = areas[8];
  const latencies = readRows(join(out, 'dse.csv')).map((r) => num(r, 'latency_s')).sort((a, b) => a - b);
  const slowest = latencies[12];
  // Same out: nothing is evaluated again, and every row is marked by the new constraints.
  const r = await runDse(smallnetSweep(out, SWEEP, { constraints: [`area_mm2<=${limit}`, `latency<${slowest}`] }));
  t.is(r.evaluated, 0);
  const rows = readRows(join(out, 'dse.csv'));
  t.is(rows.length, 16, 'infeasible points are kept');
  const ok = (x: Row): boolean => num(x, 'area_mm2') <= limit && num(x, 'latency_s') < slowest;
  for (const x of rows) t.is(x.feasible, String(ok(x)), x.id);
  t.deepEqual(r.feasible, rows.filter(ok).map((x) => x.id));
  t.true(r.feasible.length > 0 && r.feasible.length < 16);
  t.deepEqual(r.front, bruteFront(rows.filter(ok), r.objectives));
  t.true(r.front.every((id) => r.feasible.includes(id)));
  t.true(first.front.some((id) => !r.front.includes(id)), 'the constraint changed the front');
  t.true(readRows(join(out, 'pareto.csv')).every((x) => x.feasible === 'true'));

  // Back to no constraints: the file is the unconstrained sweep's again.
  const again = await runDse(smallnetSweep(out, SWEEP));
  t.deepEqual(again.front, first.front);
  t.true(readRows(join(out, 'dse.csv')).every((x) => x.feasible === 'true'));
});

test('objectives and constraints are checked before any work', async (t) => {
  const out = tempDir('dse-bad-objective');
  await t.throwsAsync(runDse(smallnetSweep(out, SWEEP, { objectives: ['energy', 'latncy'] })), { message: /objective "latncy" is no dse.csv column/ });
  await t.throwsAsync(runDse(smallnetSweep(out, SWEEP, { objectives: ['energy', 'accuracy'] })), { message: /accuracy needs labelled images/ });
  await t.throwsAsync(runDse(smallnetSweep(out, SWEEP, { constraints: ['bottleneck<=1'] })), { message: /holds no numbers/ });
  t.throws(() => readFileSync(join(out, 'dse.csv')), { code: 'ENOENT' }, 'nothing was written');
});

test('--objectives picks the front: energy and EDP only', async (t) => {
  const out = tempDir('dse-objectives');
  const r = await runDse(smallnetSweep(out, SWEEP, { objectives: ['energy', 'edp'] }));
  t.deepEqual(r.objectives.map((o) => o.column), ['energy_pJ', 'edp_pJs']);
  t.deepEqual(r.front, bruteFront(readRows(join(out, 'dse.csv')), r.objectives));
});
