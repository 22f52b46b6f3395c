/**
 * Every cost law reproduces the published points it was fitted to: Horowitz's 45 nm SRAM, adder and
 * multiplier figures, and the CACTI 7 runs in docs/data/cacti7-sram-points.csv.
 */
import test from 'ava';
import fs from 'node:fs';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { arithmeticAreaUm2, registerAreaUm2, sramAccessPJ, sramAreaUm2, sramLeakageMW, type SramShape } from '../../src/arch/laws.ts';
import { buildArt } from '../../src/energy/art.ts';
import { buildErt } from '../../src/energy/ert.ts';

const t45 = loadTech(45);
const KiB = 8192;
const shape = (kib: number, extra: Partial<SramShape> = {}): SramShape => ({ capacityBits: kib * KiB, banks: 1, portBits: 64, ports: '1rw', ...extra });

interface CactiPoint { node: number; cell: string; kib: number; width: number; banks: number; ports: number; read: number; write: number; leakMW: number; areaMm2: number }
const cacti: CactiPoint[] = fs.readFileSync(new URL('../../docs/data/cacti7-sram-points.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map((line) => {
  const c = line.split(',');
  return { node: Number(c[0]), cell: c[1], kib: Number(c[2]) / 1024, width: Number(c[3]), banks: Number(c[4]), ports: Number(c[5]), read: Number(c[7]), write: Number(c[8]), leakMW: Number(c[9]), areaMm2: Number(c[10]) };
});
const point = (cell: string, kib: number, width = 64, banks = 1, ports = 1): CactiPoint => {
  const p = cacti.find((x) => x.node === 45 && x.cell === cell && x.kib === kib && x.width === width && x.banks === banks && x.ports === ports);
  if (!p) throw new Error(`no CACTI point ${cell} ${kib} KiB ${width}b ${banks} banks ${ports} ports`);
  return p;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const within = (got: number, want: number, rel: number): boolean => Math.abs(got - want) <= rel * Math.abs(want);

test('SRAM read energy at 45 nm lands within 25% of Horowitz: 8 KiB 10 pJ, 32 KiB 20 pJ, 1 MiB 100 pJ (64-bit)', (t) => {
  for (const [kib, pJ] of [[8, 10], [32, 20], [1024, 100]] as const) {
    const got = sramAccessPJ(t45, shape(kib), 'read');
    t.true(within(got, pJ, 0.25), `${kib} KiB: ${got.toFixed(2)} pJ vs Horowitz ${pJ} pJ`);
  }
});

test('SRAM capacity exponent: the law\'s slope is the mean log-log least-squares slope of the CACTI 7 runs (8 KiB-1 MiB, 45/32/22 nm, hp/lop/lstp)', (t) => {
  const slopes: number[] = [];
  for (const node of [45, 32, 22]) {
    for (const cell of ['itrs-hp', 'itrs-lop', 'itrs-lstp']) {
      const pts = cacti.filter((p) => p.node === node && p.cell === cell && p.width === 64 && p.banks === 1 && p.ports === 1);
      const x = pts.map((p) => Math.log(p.kib));
      const y = pts.map((p) => Math.log(p.read));
      const mx = mean(x);
      const my = mean(y);
      slopes.push(x.reduce((a, xi, i) => a + (xi - mx) * (y[i] - my), 0) / x.reduce((a, xi) => a + (xi - mx) ** 2, 0));
    }
  }
  t.is(slopes.length, 9);
  const lawSlope = Math.log(sramAccessPJ(t45, shape(1024), 'read') / sramAccessPJ(t45, shape(8), 'read')) / Math.log(128);
  t.true(Math.abs(lawSlope - mean(slopes)) < 0.02, `law ${lawSlope.toFixed(3)} vs CACTI mean ${mean(slopes).toFixed(3)} (${slopes.map((s) => s.toFixed(2)).join(', ')})`);
});

test('SRAM port width: 256-bit / 64-bit access energy matches CACTI (mean over hp/lstp, 32 KiB and 256 KiB) within 10%, reads and writes', (t) => {
  for (const op of ['read', 'write'] as const) {
    const law = mean([32, 256].map((k) => sramAccessPJ(t45, shape(k, { portBits: 256 }), op) / sramAccessPJ(t45, shape(k), op)));
    const c = mean(['itrs-hp', 'itrs-lstp'].flatMap((cell) => [32, 256].map((k) => point(cell, k, 256)[op] / point(cell, k)[op])));
    t.true(within(law, c, 0.1), `${op}: law ${law.toFixed(2)} vs CACTI ${c.toFixed(2)}`);
  }
});

test('SRAM banks are not free: 16 banks save energy as CACTI does (within 10% of its mean ratio) and cost area and leakage', (t) => {
  const law = (kib: number, banks: number): number => sramAccessPJ(t45, shape(kib, { banks }), 'read') / sramAccessPJ(t45, shape(kib), 'read');
  for (const banks of [4, 16]) {
    const c = mean(['itrs-hp', 'itrs-lop', 'itrs-lstp'].flatMap((cell) => [256, 1024].map((k) => point(cell, k, 64, banks).read / point(cell, k).read)));
    const l = mean([256, 1024].map((k) => law(k, banks)));
    t.true(within(l, c, 0.1), `${banks} banks: law ${l.toFixed(3)} vs CACTI ${c.toFixed(3)}`);
  }
  t.true(sramAreaUm2(t45, shape(256, { banks: 16 })) > sramAreaUm2(t45, shape(256)));
  t.true(sramLeakageMW(t45, shape(256, { banks: 16 })) > sramLeakageMW(t45, shape(256)));
});

test('SRAM area per bit and lop leakage reproduce the single-bank CACTI points within 15% (45 nm, 32 KiB-1 MiB)', (t) => {
  for (const kib of [32, 128, 1024]) {
    const area = sramAreaUm2(t45, shape(kib)) / 1e6;
    const meanArea = mean(['itrs-hp', 'itrs-lop', 'itrs-lstp'].map((c) => point(c, kib).areaMm2));
    t.true(within(area, meanArea, 0.15), `${kib} KiB area ${area.toFixed(3)} vs ${meanArea.toFixed(3)} mm^2`);
    const leak = sramLeakageMW(t45, shape(kib));
    t.true(within(leak, point('itrs-lop', kib).leakMW, 0.15), `${kib} KiB leakage ${leak.toFixed(2)} vs ${point('itrs-lop', kib).leakMW} mW`);
  }
});

test('adder and multiplier areas reproduce Horowitz exactly at 8 and 32 bits; a register bit is one NanGate DFF_X1', (t) => {
  t.is(arithmeticAreaUm2(t45, 'int_add', 8), 36);
  t.true(within(arithmeticAreaUm2(t45, 'int_add', 32), 137, 1e-12));
  t.is(arithmeticAreaUm2(t45, 'int_mult', 8), 282);
  t.true(within(arithmeticAreaUm2(t45, 'int_mult', 32), 3495, 1e-12));
  t.true(within(registerAreaUm2(t45, 10), 45.22, 1e-12));
});

test('doubling AC lanes or SRAM capacity raises area and leakage in proportion (ART and ERT)', (t) => {
  const a = loadAccelerator('stcb-default');
  const area = (x: typeof a, c: string): number => buildArt(x, t45).find((e) => e.component === c)?.areaUm2 ?? NaN;
  const leak = (x: typeof a, c: string): number => buildErt(x, t45, x.clockHz).get(`${c}.leak`)?.pJ ?? NaN;
  // AC array: lanes x adder + registers; doubling lanes adds exactly the lanes' adder area (and its leakage).
  const twice = withChanges(a, { acLanes: 2 * a.acLanes });
  const adders = a.acLanes * arithmeticAreaUm2(t45, 'int_add', a.psumBits);
  t.true(within(area(twice, 'ac_array') - area(a, 'ac_array'), adders, 1e-9));
  t.true(within(leak(twice, 'ac_array') / leak(a, 'ac_array'), area(twice, 'ac_array') / area(a, 'ac_array'), 1e-9));
  // Weight buffer: area exactly x2 with twice the bits; leakage x2 less the fixed per-array term.
  const w = a.buffers.weight_buffer;
  const big = withChanges(a, { buffers: { ...a.buffers, weight_buffer: { ...w, capacityBits: 2 * w.capacityBits } } });
  t.true(within(area(big, 'weight_buffer') / area(a, 'weight_buffer'), 2, 1e-9));
  const l0 = t45.laws.leakage.sramPerArrayMW.value;
  const l1 = t45.laws.leakage.sramPerBitMW.value;
  t.true(within(leak(big, 'weight_buffer') / leak(a, 'weight_buffer'), (l0 + 2 * l1 * w.capacityBits) / (l0 + l1 * w.capacityBits), 1e-9));
});

test('DRAM energy per bit is Accelergy\'s per type and does not follow the logic node', (t) => {
  const a = loadAccelerator('stcb-default');
  for (const node of [45, 7]) {
    const e = buildErt(a, loadTech(node), a.clockHz).get('dram.read');
    t.is(e?.pJ, 8);
    t.is(e?.scaling, 'none');
  }
  t.deepEqual(Object.fromEntries(Object.entries(t45.dramPJPerBit).map(([k, v]) => [k, v.value])), { LPDDR4: 8, HBM2: 3.9, GDDR5: 14, DDR3: 70 });
});

test('the per-action table (ERT) at 45 nm and Horowitz\'s 0.9 V reproduces his three SRAM points within 25% (64-bit, one bank)', (t) => {
  const base = loadAccelerator('stcb-default');
  const t09 = loadTech(45, { voltageV: 0.9 });
  for (const [kib, pJ] of [[8, 10], [32, 20], [1024, 100]] as const) {
    const a = withChanges(base, { buffers: { ...base.buffers, weight_buffer: { capacityBits: kib * KiB, banks: 1, portBits: 64, ports: '1rw' } } });
    const perBit = buildErt(a, t09, a.clockHz).get('weight_buffer.read')?.pJ ?? NaN;
    t.true(within(64 * perBit, pJ, 0.25), `${kib} KiB: ${(64 * perBit).toFixed(2)} pJ per 64-bit read vs Horowitz ${pJ} pJ`);
  }
});
