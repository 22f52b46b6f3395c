/**
 * The results store (results.sqlite): rows round-trip exactly, a different sweep into the same folder
 * adds its rows, failures never replace a result, stores merge by point id, the sweep-size bound
 * refuses before planning, and the documented view answers the sqlite3 command line.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DseRow } from '../../src/dse/evaluate.ts';
import { runDse } from '../../src/dse/run.ts';
import { parseSweep } from '../../src/dse/space.ts';
import { decodeRow, encodeRow, ResultStore } from '../../src/dse/store.ts';
import { mergeResults } from '../../src/app/dse.ts';
import { cpuBackend } from '../helpers.ts';
import { testWithTool } from '../tools.ts';
import { readRows, smallnetSweep, tempDir } from './support.ts';

test.before(cpuBackend);

const row = (id: string, energyPJ: number): DseRow => ({
  id, values: { timesteps: 4, 'options.spikeStorage': 'bitmap' }, networkKey: 'k', accuracy: null, firingRate: 0.1, spikesPerImage: 3,
  acsPerImage: 7, paperSnnPJ: 1, paperAnnPJ: 2, energyPJ, dynamicPJ: 1, leakagePJ: 0.5, latencyS: 1e-6, cycles: 10, throughputPerS: 1e6,
  edpPJs: 1e-6, dramBytes: 0, annTwinPJ: NaN, lifTwinPJ: Infinity, areaMm2: 1, areaByComponentMm2: { cab: 0.25 },
  energyByComponentPJ: { dram: -0 }, utilisation: { ac: 0.5, cab: 0.25, encoder: 1 }, bottleneck: 'ac',
});

test('rows round-trip through the store exactly, NaN and Infinity included; a failure never replaces a result', (t) => {
  const r = row('a', 12.5);
  t.deepEqual(decodeRow(encodeRow(r)), r);
  t.true(Number.isNaN(decodeRow(encodeRow(r)).annTwinPJ));
  t.true(Object.is(decodeRow(encodeRow(r)).energyByComponentPJ.dram, -0));
  const store = new ResultStore(join(tempDir('store'), 'results.sqlite'));
  store.putFailed([{ id: 'a', error: 'boom', attempts: 3 }, { id: 'b', error: 'bang', attempts: 3 }]);
  t.deepEqual(store.failed().map((f) => f.id), ['a', 'b']);
  store.putRows([{ row: r }]);
  store.putFailed([{ id: 'a', error: 'late failure', attempts: 3 }]);
  t.deepEqual([...store.doneIds()], ['a'], 'a result replaces a failure, never the other way');
  t.deepEqual(store.failed(), [{ id: 'b', error: 'bang', attempts: 3 }]);
  t.deepEqual(store.rows(['a', 'b']).get('a'), r);
  store.close();
});

test('a different sweep into a DSE folder adds its rows; the earlier rows stay as they were', async (t) => {
  const both = tempDir('store-both');
  const alone = tempDir('store-alone');
  const a = await runDse(smallnetSweep(both, ['timesteps=2,4']));
  const b = await runDse(smallnetSweep(both, ['ac_lanes=16,64,256']));
  t.is(a.rows, 2);
  t.is(b.rows, 5);
  t.is(b.evaluated, 3);
  const rows = readRows(join(both, 'dse.csv'));
  t.deepEqual(rows.map((r) => r.id), [...a.points, ...b.points].map((p) => p.id));
  // The first sweep's rows, read back from the merged file, equal the same sweep run alone (its
  // cells; the other sweep's axis column is empty in them).
  await runDse(smallnetSweep(alone, ['timesteps=2,4']));
  const single = readRows(join(alone, 'dse.csv'));
  for (const [i, r] of single.entries()) {
    for (const [k, v] of Object.entries(r)) if (k !== 'feasible') t.is(rows[i][k], v, `${r.id} ${k}`);
    t.is(rows[i]['acArray.lanes'], '');
  }
  t.is(rows[3]['acArray.lanes'], '64');
  t.is(rows[3].timesteps, '');
  // The outcome names the axes of both sweeps, in order of first appearance (charts label points by them).
  t.deepEqual(b.folderAxes.map((x) => [x.key, x.values]), [['timesteps', [2, 4]], ['acArray.lanes', [16, 64, 256]]]);
  // Running the first sweep again computes nothing and keeps the second sweep's rows.
  const again = await runDse(smallnetSweep(both, ['timesteps=2,4']));
  t.is(again.evaluated, 0);
  t.is(readRows(join(both, 'dse.csv')).length, 5);
});

test('--max-points refuses a sweep before enumerating or planning it, naming the count', async (t) => {
  const out = join(tempDir('store-max'), 'sweep');
  const t0 = performance.now();
  // 10^9 points: refused from the axes' lengths alone (enumerating them would take minutes and gigabytes).
  const huge = ['ac_lanes', 'encoder_lanes', 'cab_lanes'].map((k) => `${k}=${Array.from({ length: 1000 }, (_, i) => i + 1).join(',')}`);
  await t.throwsAsync(runDse(smallnetSweep(out, huge)), { message: /1000000000 points .*more than --max-points 100000/ });
  // Generous bound for a loaded machine: enumerating them would take minutes and run out of memory.
  t.true(performance.now() - t0 < 10_000);
  await t.throwsAsync(runDse(smallnetSweep(out, ['timesteps=2,4', 'ac_lanes=16,64,256'], { maxPoints: 5 })), { message: /6 points \(timesteps: 2 x acArray.lanes: 3\), more than --max-points 5/ });
  t.false(existsSync(out), 'nothing was written');
  // A folder from before the store keeps its rows only in dse.csv: refused, not overwritten.
  const old = tempDir('store-old');
  writeFileSync(join(old, 'dse.csv'), 'id,timesteps\nabc,4\n');
  await t.throwsAsync(runDse(smallnetSweep(old, ['timesteps=2,4'])), { message: /dse\.csv was written by an older stcsim/ });
  t.is(readFileSync(join(old, 'dse.csv'), 'utf8'), 'id,timesteps\nabc,4\n');
  const ok = await runDse(smallnetSweep(out, ['timesteps=2,4', 'ac_lanes=16,64,256'], { maxPoints: 6 }));
  t.is(ok.points.length, 6);
});

test('stores of sweeps run apart merge by point id; re-running the whole sweep on the merged folder evaluates nothing', async (t) => {
  const [x, y, merged, whole] = ['x', 'y', 'merged', 'whole'].map((n) => tempDir(`store-merge-${n}`));
  // Two halves of one sweep, as two machines would run them.
  await runDse(smallnetSweep(x, ['timesteps=2', 'ac_lanes=16,64']));
  await runDse(smallnetSweep(y, ['timesteps=4', 'ac_lanes=16,64']));
  const r = await mergeResults(merged, [x, y]);
  t.deepEqual(r.merged.map((m) => m.points), [2, 2]);
  t.deepEqual((await mergeResults(merged, [x])).merged[0].points, 0, 'merging again adds nothing');
  const rerun = await runDse(smallnetSweep(merged, ['timesteps=2,4', 'ac_lanes=16,64']));
  t.is(rerun.evaluated, 0);
  const full = await runDse(smallnetSweep(whole, ['timesteps=2,4', 'ac_lanes=16,64']));
  t.is(full.evaluated, 4);
  // The merged folder lists the halves' sweeps first, then the whole one; the whole sweep's rows are the same cells.
  const byId = new Map(readRows(join(merged, 'dse.csv')).map((row) => [row.id, row]));
  for (const row of readRows(join(whole, 'dse.csv'))) t.deepEqual(byId.get(row.id), row);
});

test('an empty or cut trace facts file is recorded again on resume, not a JSON error', async (t) => {
  const [cut, full] = ['cut', 'full'].map((n) => tempDir(`store-facts-${n}`));
  const sweep = ['ac_lanes=16,64,256'];
  const first = await runDse(smallnetSweep(cut, sweep, { stopAfter: 1 }));
  t.false(first.complete);
  const facts = join(cut, 'traces', `${first.points[0].networkKey}.json`);
  writeFileSync(facts, '');
  const resumed = await runDse(smallnetSweep(cut, sweep));
  t.true(resumed.complete);
  t.is(resumed.evaluated, 2);
  t.true(JSON.parse(readFileSync(facts, 'utf8')).paperSnnPJ > 0);
  await runDse(smallnetSweep(full, sweep));
  t.is(readFileSync(join(cut, 'dse.csv'), 'utf8'), readFileSync(join(full, 'dse.csv'), 'utf8'));
});

const SQLITE3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));
testWithTool(SQLITE3, 'sqlite3 command line not found (apt-get install -y sqlite3)', 'the results view answers the sqlite3 command line with dse.csv\'s numbers', async (t, sqlite3) => {
  const out = tempDir('store-cli');
  await runDse(smallnetSweep(out, ['ac_lanes=16,64']));
  const csv = readRows(join(out, 'dse.csv'));
  const text = execFileSync(sqlite3, ['-csv', join(out, 'results.sqlite'), 'SELECT id, energy_pJ, cycles, bottleneck FROM results ORDER BY id'], { encoding: 'utf8' });
  const got = text.trim().split('\n').map((l) => l.split(','));
  const want = csv.map((r) => [r.id, r.energy_pJ, r.cycles, r.bottleneck]).sort((p, q) => p[0].localeCompare(q[0]));
  t.is(got.length, 2);
  for (const [i, w] of want.entries()) {
    t.is(got[i][0], w[0]);
    t.is(Number(got[i][1]).toPrecision(6), Number(w[1]).toPrecision(6));
    t.is(got[i][2], w[2]);
    t.is(got[i][3], w[3]);
  }
  t.true(readFileSync(join(out, 'dse.csv'), 'utf8').startsWith('id,'));
});
