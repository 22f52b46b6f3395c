import { traceCounts } from '../../src/counts/trace-counts.ts';
import test from 'ava';
import { bruteForce } from '../hw/helpers.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  importScaleSimTopology, parseScaleSimTopology, scaleSimTrace, ScaleSimError, type ScaleSimRow,
} from '../../src/trace/scalesim.ts';
import { spikeStats } from '../../src/counts/spikes.ts';

const FIXTURE = 'fixtures/scalesim/tiny-cifar.csv';
const HEADER = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,';

/** The fixture's rows, written out independently: [name, H, W, kh, kw, C, F, stride]. */
const EXPECTED: [string, number, number, number, number, number, number, number][] = [
  ['Conv1', 34, 34, 3, 3, 3, 16, 1],
  ['Conv2', 34, 34, 3, 3, 16, 32, 2],
  ['Conv3', 17, 17, 3, 3, 32, 32, 1],
  ['Conv4', 15, 15, 1, 1, 32, 64, 2],
  ['Conv5', 10, 10, 3, 3, 64, 64, 1],
  ['Conv6', 8, 12, 3, 5, 64, 32, 1],
  ['FC', 1, 1, 1, 1, 512, 10, 1],
];

/** Valid outputs along one axis, by counting window positions that fit (not by the floor formula). */
function validOut(size: number, k: number, s: number): number {
  let n = 0;
  for (let o = 0; o * s + k <= size; o++) n++;
  return n;
}

const closedMacs = ([, h, w, kh, kw, c, f, s]: (typeof EXPECTED)[number]): number =>
  validOut(h, kh, s) * validOut(w, kw, s) * kh * kw * c * f;

test('parses the fixture: names, lines, geometry of valid convolutions', (t) => {
  const { trace, description } = importScaleSimTopology(FIXTURE, { timesteps: 4, seed: 1 });
  t.is(trace.network, 'tiny-cifar');
  t.deepEqual(trace.order, EXPECTED.map((e) => e[0]));
  // The first row and the FC row (1x1 IFMAP, 1x1 filter) are MAC layers by default.
  t.deepEqual(trace.macLayers.map((l) => l.layer), ['Conv1', 'FC']);
  t.is(trace.layers.length, EXPECTED.length - 2);
  const all = [...trace.macLayers, ...trace.layers];
  for (const e of EXPECTED) {
    const [name, h, w, kh, kw, c, f, s] = e;
    const g = all.find((l) => l.layer === name);
    if (!g) return t.fail(`no layer ${name}`);
    t.deepEqual([g.inH, g.inW, g.inC, g.kernelH, g.kernelW, g.strideH, g.strideW, g.outC], [h, w, c, kh, kw, s, s, f], name);
    t.is(g.outH, validOut(h, kh, s), `${name} outH`);
    t.is(g.outW, validOut(w, kw, s), `${name} outW`);
    t.is(g.padTop + g.padLeft, 0);
  }
  t.is(all.find((l) => l.layer === 'FC')?.op, 'dense');
  t.deepEqual(description.layers.map((l) => l.line), [2, 3, 4, 5, 6, 7, 8]);
  t.deepEqual(description.layers.map((l) => l.denseMacs), EXPECTED.map(closedMacs));
  t.true(description.assumptions.some((a) => a.includes('padding')));
});

test('dense MACs per layer equal the closed form; spike codes have the right length', (t) => {
  const { trace } = importScaleSimTopology(FIXTURE, { timesteps: 3, seed: 5, images: 2 });
  const counts = traceCounts(trace);
  t.deepEqual(counts.layers.map((l) => l.denseMacs), EXPECTED.map(closedMacs));
  t.is(counts.totals.denseMacs, EXPECTED.map(closedMacs).reduce((a, b) => a + b, 0));
  t.is(counts.layers[0].macs, closedMacs(EXPECTED[0]));
  for (const l of trace.layers) t.is(l.codes.length, 2 * l.inH * l.inW * l.inC);
});

test('firing rate 1: every neuron spikes every step, exact ACs = T * dense MACs (valid convs)', (t) => {
  const T = 5;
  const { trace } = importScaleSimTopology(FIXTURE, { timesteps: T, seed: 2, firingRate: 1, fcRows: 'stcb' });
  const counts = traceCounts(trace);
  for (const [i, e] of EXPECTED.entries()) {
    if (i === 0) continue;
    const row = counts.layers[i];
    const nIn = e[1] * e[2] * e[5];
    t.is(row.spikes, nIn * T, `${e[0]} spikes`);
    t.is(row.acExact, T * closedMacs(e), `${e[0]} AC`);
    t.is(row.acLiteratureEstimate, T * closedMacs(e));
    t.is(row.firingRate, 1);
    t.is(row.encoderCompares, T * nIn);
    t.is(row.cabMultiplies, T * validOut(e[1], e[3], e[7]) * validOut(e[2], e[4], e[7]) * e[6]);
  }
});

test('firing rate 0 gives no spikes and no ACs; per-row rates apply to their rows', (t) => {
  const zero = traceCounts(importScaleSimTopology(FIXTURE, { timesteps: 4, seed: 3, firingRate: 0 }).trace);
  t.is(zero.totals.spikes, 0);
  t.is(zero.totals.acExact, 0);
  const rates = [0.5, 1, 0, 1, 0, 1, 0];
  const mixed = traceCounts(importScaleSimTopology(FIXTURE, { timesteps: 4, seed: 3, firingRate: rates }).trace);
  mixed.layers.slice(1).forEach((l, j) => t.is(l.firingRate, rates[j + 1], l.layer));
});


test('exact ACs at rate 0.3 equal a per-synapse brute force on the small layers', (t) => {
  const T = 4;
  const { trace } = importScaleSimTopology(FIXTURE, { timesteps: T, seed: 11, firingRate: 0.3, fcRows: 'stcb' });
  for (const l of trace.layers.filter((x) => ['Conv4', 'Conv5', 'Conv6', 'FC'].includes(x.layer))) {
    t.deepEqual(spikeStats(l, l.codes, 1, T).acs[0], bruteForce(l, 0, T).acsPerStep, l.layer);
  }
});

test('seeded: same seed gives the same codes, another seed other codes; rate is met on average', (t) => {
  const a = importScaleSimTopology(FIXTURE, { timesteps: 8, seed: 42, firingRate: 0.2 }).trace;
  const b = importScaleSimTopology(FIXTURE, { timesteps: 8, seed: 42, firingRate: 0.2 }).trace;
  const c = importScaleSimTopology(FIXTURE, { timesteps: 8, seed: 43, firingRate: 0.2 }).trace;
  t.deepEqual(a.layers.map((l) => Array.from(l.codes)), b.layers.map((l) => Array.from(l.codes)));
  t.notDeepEqual(a.layers[0].codes, c.layers[0].codes);
  const counts = traceCounts(a);
  // Conv2 has 34*34*16*8 = 147,968 draws: the rate is within 5 standard deviations (~0.5%) of 0.2.
  t.true(Math.abs(counts.layers[1].firingRate - 0.2) < 0.006);
});

test('FC rows import as dense MAC layers by default and as STCB layers with fcRows stcb; the report says which', (t) => {
  const mac = importScaleSimTopology(FIXTURE, { timesteps: 4, seed: 1, firingRate: 0.5 });
  const fcMac = traceCounts(mac.trace).layers.find((l) => l.layer === 'FC');
  t.is(fcMac?.kind, 'mac-dense');
  t.is(fcMac?.macs, 512 * 10);
  t.is(fcMac?.acExact, 0);
  t.is(mac.description.layers.find((l) => l.layer === 'FC')?.kind, 'mac');
  t.true(mac.description.assumptions.some((a) => a.startsWith('FC rows (1x1 IFMAP, 1x1 filter) are real-valued MAC layers')));
  const stcb = importScaleSimTopology(FIXTURE, { timesteps: 4, seed: 1, firingRate: 0.5, fcRows: 'stcb' });
  const fcStcb = traceCounts(stcb.trace).layers.find((l) => l.layer === 'FC');
  t.is(fcStcb?.kind, 'stcb-dense');
  t.is(fcStcb?.macs, 0);
  t.true((fcStcb?.acExact ?? 0) > 0);
  // Rows before FC draw the same spikes either way.
  t.deepEqual(Array.from(stcb.trace.layers[0].codes), Array.from(mac.trace.layers[0].codes));
  t.true(stcb.description.assumptions.some((a) => a.includes('STCB layers reading synthetic spikes')));
});

test('firstLayerMac false makes every row spiking; thresholds follow the schedule', (t) => {
  const { trace } = importScaleSimTopology(FIXTURE, { timesteps: 3, seed: 1, firstLayerMac: false, fcRows: 'stcb', schedule: 'pow2', vth0: 1 });
  t.is(trace.macLayers.length, 0);
  t.is(trace.layers[0].layer, 'Conv1');
  t.deepEqual(trace.thresholds, [1, 0.5, 0.25]);
  t.is(traceCounts(trace).layers[0].cabShifts, 3 * 32 * 32 * 16);
});

test('format variants: no trailing comma, # comments, tabs, blank lines, Stride Width and Sparsity columns', (t) => {
  const rows = parseScaleSimTopology([
    HEADER, '', 'A, 9, 9, 3, 3, 2, 4, 2,#dw', '\tB,9,9,3,3,2,4,1', '',
  ].join('\n'));
  t.deepEqual(rows.map((r) => [r.name, r.line, r.strideH, r.strideW]), [['A', 3, 2, 2], ['B', 4, 1, 1]]);
  const wide = parseScaleSimTopology('Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Stride height, Stride width,\nA,9,10,3,3,1,1,1,2,\n');
  const g = scaleSimTrace(wide, { timesteps: 2, seed: 1, firstLayerMac: false }).trace.layers[0];
  t.deepEqual([g.strideH, g.strideW, g.outH, g.outW], [1, 2, 7, 4]);
  const sparse = parseScaleSimTopology(`${HEADER.slice(0, -1)}, Sparsity,\nCONV_1, 5, 5, 3, 3, 2, 6, 1, 2:4,\n`);
  t.is(sparse[0].numFilter, 6);
});

const bad = (t: import('ava').ExecutionContext, text: string, pattern: RegExp): void => {
  const e = t.throws(() => parseScaleSimTopology(text, 'bad.csv'), { instanceOf: ScaleSimError });
  t.regex(e?.message ?? '', pattern);
};

test('malformed rows name the line and the column', (t) => {
  bad(t, `${HEADER}\nA,9,9,3,3,2,4,1,\nB,9,x,3,3,2,4,1,\n`, /line 3, column "IFMAP Width": expected a positive integer, got "x"/);
  bad(t, `${HEADER}\nA,9,9,3,3,2,0,1,\n`, /line 2, column "Num Filter": expected a positive integer, got "0"/);
  bad(t, `${HEADER}\nA,9,9,3,3,2,4.5,1,\n`, /column "Num Filter".*"4.5"/);
  bad(t, `${HEADER}\nA,9,9,3,3,2,4,\n`, /line 2: 7 field\(s\), expected 8 \(missing "Strides"\)/);
  bad(t, `${HEADER}\nA,9,9,3,3,2,4,1,7,\n`, /line 2: 9 field\(s\), expected 8/);
  bad(t, `${HEADER}\nA,2,9,3,3,2,4,1,\n`, /line 2, column "Filter Height": 3 exceeds IFMAP Height 2/);
  bad(t, `${HEADER}\nA,9,2,3,3,2,4,1,\n`, /column "Filter Width": 3 exceeds IFMAP Width 2/);
  bad(t, `${HEADER}\nA,9,9,3,3,2,4,1,\nA,9,9,3,3,2,4,1,\n`, /line 3, column "Layer name": "A" already used on line 2/);
  bad(t, `${HEADER}\n,9,9,3,3,2,4,1,\n`, /line 2, column "Layer name": empty/);
  bad(t, `${HEADER}\nConv2_DP,9,9,3,3,2,4,1,\n`, /depthwise/);
  bad(t, 'Layer, M, N, K,\nfc1, 10, 20, 30,\n', /line 1: header has 4 column\(s\).*GEMM/);
  bad(t, 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Filters, Strides,\n', /line 1: header column 7 is "Filters", expected "Num Filter"/);
  bad(t, `${HEADER.slice(0, -1)}, Dilation,\n`, /unknown header column 9 "Dilation"/);
  bad(t, '', /empty file/);
  bad(t, `${HEADER}\n\n`, /no layer rows/);
});

test('bad options and missing files give clear errors', (t) => {
  const rows: ScaleSimRow[] = parseScaleSimTopology(`${HEADER}\nA,9,9,3,3,2,4,1,\nB,7,7,3,3,4,4,1,\n`);
  t.throws(() => scaleSimTrace(rows, { timesteps: 4, seed: 1, firingRate: 1.5 }), { message: /"B" \(line 3\) must be in \[0, 1\], got 1.5/ });
  t.throws(() => scaleSimTrace(rows, { timesteps: 4, seed: 1, firingRate: [0.1] }), { message: /1 firing rate\(s\) for 2 rows/ });
  t.throws(() => scaleSimTrace(rows, { timesteps: 0, seed: 1 }), { message: /timesteps/ });
  t.throws(() => scaleSimTrace(rows, { timesteps: 32, seed: 1 }), { message: /timesteps/ });
  const dir = mkdtempSync(join(tmpdir(), 'scalesim-'));
  t.throws(() => importScaleSimTopology(join(dir, 'nope.csv'), { timesteps: 4, seed: 1 }), { message: /cannot read SCALE-Sim topology .*nope.csv/ });
  const file = join(dir, 'net.csv');
  writeFileSync(file, `${HEADER}\nA,9,9,3,3,2,4,1,\nB,9,9,10,3,2,4,1,\n`);
  const e = t.throws(() => importScaleSimTopology(file, { timesteps: 4, seed: 1 }));
  t.true(e?.message.startsWith(`${file}: line 3, column "Filter Height"`), e?.message);
});

test('the imported trace replays on the hardware model and prices in paper mode', async (t) => {
  const { loadAccelerator } = await import('../../src/arch/accelerator.ts');
  const { loadTech } = await import('../../src/arch/tech.ts');
  const { simulate } = await import('../../src/energy/price.ts');
  const { paperEnergy, paperPreset } = await import('../../src/energy/paper.ts');
  const { trace } = importScaleSimTopology(FIXTURE, { timesteps: 4, seed: 9, firingRate: 0.1 });
  const counts = traceCounts(trace);
  const sim = simulate(trace, loadAccelerator('stcb-ideal'), loadTech(45), { annTwin: false });
  t.is(sim.totals.acs, counts.totals.acExact);
  t.is(sim.totals.spikes, counts.totals.spikes);
  const e = paperEnergy(counts, paperPreset('int32-45nm'));
  const macClass = counts.totals.macs + counts.totals.cabMultiplies;
  t.true(Math.abs(e.totals.snnExactPJ - (counts.totals.acExact * 0.1 + macClass * 3.2)) < 1e-6 * e.totals.snnExactPJ);
});
