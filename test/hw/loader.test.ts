import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAccelerator } from '../../src/arch/accelerator.ts';
import { listNodes, loadTech } from '../../src/arch/tech.ts';
import { logInterpolate } from '../../src/arch/scaling.ts';
import { buildErt } from '../../src/energy/ert.ts';
import { HW_MODELS_DIR } from '../../src/arch/validate.ts';
import { parseQuantity } from '../../src/arch/units.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stcsim-hw-'));
const good = JSON.parse(fs.readFileSync(path.join(HW_MODELS_DIR, 'accelerators/stcb-default.json'), 'utf8')) as Record<string, unknown>;
const write = (name: string, data: unknown): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof data === 'string' ? data : JSON.stringify(data));
  return f;
};

test('shipped accelerators and every tech node load', (t) => {
  t.is(loadAccelerator('stcb-default').acLanes, 256);
  t.is(loadAccelerator('stcb-default').buffers.weight_buffer.capacityBits, 256 * 1024 * 8);
  t.is(loadAccelerator('stcb-ideal').buffers.psum_buffer.capacityBits, Infinity);
  t.deepEqual(listNodes(), [180, 130, 90, 65, 45, 32, 20, 16, 14, 10, 7]);
  for (const n of listNodes()) t.is(loadTech(n).provenance, 'table');
});

test('a bad accelerator file names the file, the JSON path and what was expected', (t) => {
  const bad = structuredClone(good) as { options: Record<string, unknown>; buffers: { psums: Record<string, unknown> }; clock?: string };
  bad.options.timing = 'warp';
  bad.buffers.psums.banks = 0;
  delete bad.clock;
  const f = write('bad.json', bad);
  const e = t.throws(() => loadAccelerator(f));
  t.regex(e?.message ?? '', /bad\.json/);
  t.regex(e?.message ?? '', /\/options\/timing: expected one of \["flow-shop","overlapped","sequential"\]/);
  t.regex(e?.message ?? '', /\/buffers\/psums\/banks: must be >= 1/);
  t.regex(e?.message ?? '', /missing required property "clock"/);
});

test('wrong units and malformed JSON are reported with the file and path', (t) => {
  const wrongUnit = structuredClone(good) as { buffers: { weights: { capacity: string } } };
  wrongUnit.buffers.weights.capacity = '256 Hz';
  const e1 = t.throws(() => loadAccelerator(write('unit.json', wrongUnit)));
  t.regex(e1?.message ?? '', /unit\.json.*\/buffers\/weights\/capacity/s);
  const e2 = t.throws(() => loadAccelerator(write('broken.json', '{ "name": ')));
  t.regex(e2?.message ?? '', /broken\.json: not valid JSON/);
  const tech = JSON.parse(fs.readFileSync(path.join(HW_MODELS_DIR, 'tech/45nm.json'), 'utf8')) as { nominalVoltage: { value: string } };
  tech.nominalVoltage.value = '1.0 pJ';
  const e3 = t.throws(() => loadTech(write('t.json', tech)));
  t.regex(e3?.message ?? '', /t\.json: \/nominalVoltage\/value/);
});

test('units parse to the code units', (t) => {
  t.is(parseQuantity('500 MHz', 'frequency', 'x'), 5e8);
  t.is(parseQuantity('256 KiB', 'bits', 'x'), 2097152);
  t.is(parseQuantity('8 pJ/bit', 'energyPerBit', 'x'), 8);
  t.is(parseQuantity('2 mW', 'power', 'x'), 2);
  t.is(parseQuantity('12.8 GB/s', 'bandwidth', 'x'), 102.4e9);
  t.is(parseQuantity('unlimited', 'bits', 'x', true), Infinity);
});

test('28 nm is interpolated in log(node) between 32 and 20 nm and marked as such', (t) => {
  const a = loadTech(32);
  const b = loadTech(20);
  const m = loadTech('28nm');
  t.is(m.provenance, 'interpolated');
  t.is(m.scales.energy, logInterpolate(28, 32, a.scales.energy, 20, b.scales.energy));
  t.true(m.scales.energy < a.scales.energy && m.scales.energy > b.scales.energy);
  t.throws(() => loadTech(3), { message: /outside the tabulated range/ });
});

test('45 nm at the reference voltage reproduces Horowitz; overrides win with provenance user', (t) => {
  const accel = loadAccelerator('stcb-default');
  const at09 = loadTech(45, { voltageV: 0.9 });
  t.is(at09.scales.energy, 1);
  const ert = buildErt({ ...accel, psumBits: 32 }, at09, accel.clockHz);
  t.true(Math.abs((ert.get('ac_array.add')?.pJ ?? 0) - 0.1) < 1e-12);
  t.is(ert.get('dram.read')?.pJ, 8);
  const user = buildErt(accel, loadTech(7, { energiesPJ: { 'ac_array.add': 0.01 } }), accel.clockHz);
  t.is(user.get('ac_array.add')?.pJ, 0.01);
  t.is(user.get('ac_array.add')?.source, 'user');
  // DRAM is a separate chip: not scaled with the logic node.
  t.is(user.get('dram.read')?.pJ, 8);
});
