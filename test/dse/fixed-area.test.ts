/** --fixed-area: lanes traded for SRAM at the base accelerator's chip area. */
import test from 'ava';
import { join } from 'node:path';
import { loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { buildArt, chipArea } from '../../src/energy/art.ts';
import { fixedAreaBuffer } from '../../src/dse/fixed-area.ts';
import { runDse } from '../../src/dse/run.ts';
import { cpuBackend } from '../helpers.ts';
import { num, readRows, smallnetSweep, tempDir } from './support.ts';

test.before(cpuBackend);

/** The base accelerator's area straight from the ART (no DSE code involved), mm^2. */
function baseAreaMm2(node: number): number {
  const accel = loadAccelerator('stcb-default');
  return chipArea(buildArt(accel, loadTech(node)), 'stcb').totalUm2 / 1e6;
}

test('every point keeps the base area: lanes traded for weight-buffer SRAM; a chip too big for it is refused', async (t) => {
  const out = tempDir('dse-fixed');
  const r = await runDse(smallnetSweep(out, ['ac_lanes=16,256,1024,4096,16384,65536'], { fixedArea: 'weight_buffer' }));
  const base = baseAreaMm2(45);
  t.is(r.areaBudgetMm2, base);
  t.deepEqual(r.refused.map((x) => x.values), [{ 'acArray.lanes': 65536 }]);
  t.regex(r.refused[0].reason, /larger than the area budget even with an empty weight_buffer/);
  const rows = readRows(join(out, 'dse.csv'));
  t.deepEqual(rows.map((x) => x['acArray.lanes']), ['16', '256', '1024', '4096', '16384']);
  for (const x of rows) {
    const a = num(x, 'area_mm2');
    t.true(Math.abs(a - base) <= 1e-3 * base, `${x['acArray.lanes']} lanes: ${a} mm^2 vs base ${base} mm^2`);
    // dse.csv cells carry 10 significant digits (docs/columns.md): "never over" up to that rounding.
    t.true(a <= base * (1 + 1e-9), 'rounded down: never over the budget');
  }
  // The base accelerator's own lane count gets its own buffer back (256 KiB).
  t.is(num(rows[1], 'weight_buffer_capacity_bits'), 256 * 1024 * 8);
  const caps = rows.map((x) => num(x, 'weight_buffer_capacity_bits'));
  t.true(caps.every((c, i) => i === 0 || c < caps[i - 1]), `more lanes, less SRAM: ${caps.join(', ')}`);
  // The same area: every point's weight buffer plus lanes area is the same silicon.
  const other = (x: (typeof rows)[number]): number => num(x, 'area_mm2') - num(x, 'area_weight_buffer_mm2') - num(x, 'area_ac_array_mm2');
  t.true(rows.every((x) => Math.abs(other(x) - other(rows[0])) < 1e-8 * base), 'only the AC array and the weight buffer change');
  // Area is no objective when every point has the same one.
  t.deepEqual(r.objectives.map((o) => o.column), ['energy_pJ', 'latency_s']);
});

test('the area budget is the base accelerator at the base node, also for points at other nodes', async (t) => {
  const out = tempDir('dse-fixed-node');
  const r = await runDse(smallnetSweep(out, ['node=45,7', 'cab_lanes=16,256'], { fixedArea: 'buffers.activations.capacity' }));
  const base = baseAreaMm2(45);
  for (const x of readRows(join(out, 'dse.csv'))) t.true(Math.abs(num(x, 'area_mm2') - base) <= 1e-3 * base);
  t.is(r.points.length, 4);
});

test('--fixed-area: clear errors', async (t) => {
  t.throws(() => fixedAreaBuffer('weights'), { message: /--fixed-area takes a buffer: weight_buffer, act_buffer, spike_buffer, psum_buffer/ });
  t.deepEqual(fixedAreaBuffer('psum_buffer'), { buffer: 'psum_buffer', path: 'buffers.psums.capacity' });
  const out = tempDir('dse-fixed-bad');
  await t.throwsAsync(runDse(smallnetSweep(out, ['weight_buffer=16 KiB,64 KiB'], { fixedArea: 'weight_buffer' })), { message: /cannot also be swept/ });
  await t.throwsAsync(runDse(smallnetSweep(out, ['ac_lanes=65536'], { fixedArea: 'weight_buffer' })), { message: /no point fits the base area/ });
});
