/** --sweep-file: YAML and JSON files give the same axes, points and dse.csv as the equivalent --sweep flags. */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDse } from '../../src/dse/run.ts';
import { makeAxis, parseSweep } from '../../src/dse/space.ts';
import { mergeSweeps, parseSweepFile, readSweepFile } from '../../src/dse/sweep-file.ts';
import { cpuBackend } from '../helpers.ts';
import { smallnetSweep, tempDir } from './support.ts';

test.before(cpuBackend);

const FLAGS = ['ac_lanes=16,256', 'weight_buffer=16 KiB,256 KiB', 'precision.psum=20,24', 'options.spikeStorage=bitmap,address-events'];

const YAML = `# the same sweep as FLAGS
sweep:
  ac_lanes: [16, 256]
  weight_buffer: [16 KiB, 256 KiB]
  precision.psum: 20,24
  options.spikeStorage: [bitmap, address-events]
objectives: [energy, latency]
constraints:
  - area_mm2<=8
`;

const JSON_TEXT = JSON.stringify({
  sweep: { 'acArray.lanes': [16, 256], 'buffers.weights.capacity': ['16 KiB', '256 KiB'], 'precision.psum': [20, 24], 'options.spikeStorage': ['bitmap', 'address-events'] },
  objectives: 'energy,latency',
  constraints: ['area_mm2<=8'],
});

test('a YAML file, a JSON file and --sweep flags give the same axes', (t) => {
  const flags = FLAGS.map(parseSweep);
  const y = parseSweepFile(YAML, 'sweep.yaml');
  const j = parseSweepFile(JSON_TEXT, 'sweep.json');
  t.deepEqual(y.axes, flags);
  t.deepEqual(j.axes, flags);
  t.deepEqual(y.objectives, ['energy', 'latency']);
  t.deepEqual(j.objectives, ['energy', 'latency']);
  t.deepEqual(y.constraints, ['area_mm2<=8']);
  t.deepEqual(j.constraints, ['area_mm2<=8']);
});

test('a sweep file and the equivalent flags write the same dse.csv and pareto.csv', async (t) => {
  const dir = tempDir('dse-file');
  writeFileSync(join(dir, 'sweep.yaml'), YAML);
  const file = readSweepFile(join(dir, 'sweep.yaml'));
  const byFile = join(dir, 'file');
  const byFlags = join(dir, 'flags');
  const a = await runDse(smallnetSweep(byFile, [], { axes: file.axes, objectives: file.objectives, constraints: file.constraints }));
  const b = await runDse(smallnetSweep(byFlags, FLAGS, { objectives: ['energy', 'latency'], constraints: ['area_mm2<=8'] }));
  t.is(a.points.length, 16);
  t.deepEqual(a.points.map((p) => p.id), b.points.map((p) => p.id));
  t.is(readFileSync(join(byFile, 'dse.csv'), 'utf8'), readFileSync(join(byFlags, 'dse.csv'), 'utf8'));
  t.is(readFileSync(join(byFile, 'pareto.csv'), 'utf8'), readFileSync(join(byFlags, 'pareto.csv'), 'utf8'));
  t.true(a.feasible.length < 16, 'the constraint from the file applies');
});

test('the command line adds axes and constraints to a file, replaces its objectives and the values of a key in both', (t) => {
  const file = parseSweepFile(YAML, 'sweep.yaml');
  const merged = mergeSweeps(file, { axes: [parseSweep('ac_lanes=64'), parseSweep('node=45,7')], objectives: ['edp'], constraints: ['latency<1'] });
  t.deepEqual(merged.axes.map((a) => a.key), ['acArray.lanes', 'buffers.weights.capacity', 'precision.psum', 'options.spikeStorage', 'node']);
  t.deepEqual(merged.axes[0].values, [64]);
  t.deepEqual(merged.objectives, ['edp']);
  t.deepEqual(merged.constraints, ['area_mm2<=8', 'latency<1']);
  t.deepEqual(mergeSweeps(file, { axes: [], constraints: [] }).objectives, ['energy', 'latency']);
  t.deepEqual(mergeSweeps(undefined, { axes: [parseSweep('node=7')], constraints: [] }), { axes: [makeAxis('node', [7])], constraints: [] });
});

test('sweep files: clear errors naming the file and the key', (t) => {
  t.throws(() => parseSweepFile('sweep: [1, 2]', 'a.yaml'), { message: /a.yaml: "sweep" must map each key to its values/ });
  t.throws(() => parseSweepFile('sweep:\n  timesteps: [0, 4]\n', 'b.yaml'), { message: /b.yaml: sweep.timesteps: .*1\.\.31/ });
  t.throws(() => parseSweepFile('sweep:\n  ac_lanes: [16, 16]\n', 'c.yaml'), { message: /c.yaml: sweep.ac_lanes: .*repeated value/ });
  t.throws(() => parseSweepFile('sweep:\n  ac_lanes: [[1]]\n', 'd.yaml'), { message: /d.yaml: sweep.ac_lanes: values must be numbers, strings or booleans/ });
  t.throws(() => parseSweepFile('sweeps:\n  ac_lanes: [1]\n', 'e.yaml'), { message: /e.yaml: unknown field\(s\) sweeps/ });
  t.throws(() => parseSweepFile('sweep: {ac_lanes: [1]', 'f.json'), { message: /f.json: not valid YAML or JSON/ });
  t.throws(() => parseSweepFile('sweep:\n  weight_buffer: [64, 128]\n', 'g.yaml'), { message: /g.yaml: sweep.weight_buffer: .*give a unit/ });
});
