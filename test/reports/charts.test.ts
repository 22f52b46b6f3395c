import test from 'ava';
import { markItems } from './svg-marks.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChartSpec } from '../../src/reports/charts/index.ts';
import {
  energyByComponentChart, energyDisplayUnit, energyVsTimestepsChart, firingRateHeatmap, paperVsHardwareWaterfall,
  paretoChart, renderSvg, svgToPng, timeDisplayUnit, waterfallBars, writeChart,
} from '../../src/reports/charts/index.ts';
import { CHART_FONT, pngTextDrawable, textWidthPx } from '../../src/reports/charts/fonts.ts';
import { testWithTool } from '../tools.ts';
import { vegaLiteValidator } from './vega-lite-schema.ts';
import { COMPONENTS, LAYERS, STEPS, WATERFALL, componentRows, firingRows, paretoPoints, timestepRows } from './sample-data.ts';

const validate = vegaLiteValidator();


const SPECS: Record<string, () => ChartSpec> = {
  energyByComponent: () => energyByComponentChart(componentRows(), { title: 'Energy' }),
  energyByComponentHorizontal: () => energyByComponentChart(componentRows(), { orientation: 'horizontal' }),
  firingRate: () => firingRateHeatmap(firingRows()),
  waterfall: () => paperVsHardwareWaterfall(WATERFALL),
  energyVsTimesteps: () => energyVsTimestepsChart(timestepRows()),
  pareto: () => paretoChart(paretoPoints()),
  paretoLog: () => paretoChart(paretoPoints(), { logScale: true }),
};

for (const [name, make] of Object.entries(SPECS)) {
  test(`${name}: spec validates against the Vega-Lite schema`, (t) => {
    const ok = validate(make());
    t.true(ok, JSON.stringify(validate.errors?.slice(0, 3), null, 1));
  });
}

test('stacked bars: one rect per (layer, component), layer order kept', async (t) => {
  const spec = energyByComponentChart(componentRows());
  const svg = await renderSvg(spec);
  t.is(markItems(svg, 'rect'), LAYERS.length * COMPONENTS.length);
  // axis labels appear in network order (conv1, stcb2, fc3), not alphabetical (conv1, fc3, stcb2)
  const positions = LAYERS.map((l) => svg.indexOf(`>${l}</text>`));
  t.true(positions.every((p) => p > 0));
  t.deepEqual([...positions].sort((a, b) => a - b), positions);
  t.regex(svg, />Energy \(µJ\)<\/text>/);
});

test('stacked bars: the bar heights add up to the layer totals', async (t) => {
  // Horizontal layout: rect widths in px are proportional to energy; compare per-layer sums.
  const rows = componentRows();
  const svg = await renderSvg(energyByComponentChart(rows, { orientation: 'horizontal', width: 500 }));
  const g = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg);
  t.truthy(g);
  const widths = [...(g?.[1] ?? '').matchAll(/d="M[-\d.]+,[-\d.]+h([-\d.]+)v/g)].map((m) => Number(m[1]));
  t.is(widths.length, rows.length);
  const total = rows.reduce((s, r) => s + r.energyPJ, 0);
  const pxTotal = widths.reduce((s, w) => s + w, 0);
  // every rect's share of the drawn width equals its share of the energy
  rows.forEach((r, i) => t.true(Math.abs(widths[i] / pxTotal - r.energyPJ / total) < 2e-3));
});

test('heat map: one rect per (layer, step) and a label per cell', async (t) => {
  const svg = await renderSvg(firingRateHeatmap(firingRows()));
  t.is(markItems(svg, 'rect'), LAYERS.length * STEPS);
  t.is(markItems(svg, 'text'), LAYERS.length * STEPS);
  t.regex(svg, />Time step t<\/text>/);
});

test('waterfall: bars chain from paper total to hardware total', async (t) => {
  const bars = waterfallBars(WATERFALL);
  t.is(bars.length, WATERFALL.length);
  for (let i = 1; i < bars.length - 1; i++) {
    t.is(bars[i].startPJ, i === 1 ? bars[0].endPJ : bars[i - 1].endPJ);
  }
  const sumDeltas = WATERFALL.slice(1, -1).reduce((s, x) => s + x.energyPJ, 0);
  t.true(Math.abs(WATERFALL[0].energyPJ + sumDeltas - bars[bars.length - 1].endPJ) < 1e-6);
  t.is(bars[2].kind, 'decrease');
  const svg = await renderSvg(paperVsHardwareWaterfall(WATERFALL));
  t.is(markItems(svg, 'rect'), WATERFALL.length);
  t.is(markItems(svg, 'text'), WATERFALL.length);
});

test('schema validator rejects an invalid spec', (t) => {
  t.false(validate({ mark: 'no-such-mark', data: { values: [] } }));
});

test('waterfall: an unexplained gap is an error', (t) => {
  const broken = [...WATERFALL.slice(0, -2), WATERFALL[WATERFALL.length - 1]];
  const e = t.throws(() => waterfallBars(broken));
  t.regex(e?.message ?? '', /gap/);
});

test('energy vs time steps: one line per series, one point per record', async (t) => {
  const rows = timestepRows();
  const svg = await renderSvg(energyVsTimestepsChart(rows));
  t.is(markItems(svg, 'line'), 3);
  t.is(markItems(svg, 'symbol'), rows.length);
});

test('pareto: one symbol per point, one label per labelled point', async (t) => {
  const pts = paretoPoints();
  const svg = await renderSvg(paretoChart(pts));
  t.is(markItems(svg, 'symbol'), pts.length);
  t.is(markItems(svg, 'text'), pts.filter((p) => p.label !== undefined).length);
  t.is(markItems(svg, 'line'), 1);
  t.regex(svg, />Latency \(ms\)<\/text>/);
});

test('display units', (t) => {
  t.deepEqual(energyDisplayUnit([999]), { unit: 'pJ', factor: 1 });
  t.is(energyDisplayUnit([1.2e6]).unit, 'µJ');
  t.is(energyDisplayUnit([0]).unit, 'pJ');
  t.is(timeDisplayUnit([2.5e-3]).unit, 'ms');
  t.is(timeDisplayUnit([3e-10]).unit, 'ns');
});

test('writeChart: .vl.json, .svg and .png side by side', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-chart-'));
  try {
    const spec = firingRateHeatmap(firingRows());
    const f = await writeChart(dir, 'firing-rate', spec);
    t.deepEqual(JSON.parse(readFileSync(f.vlPath, 'utf8')), JSON.parse(JSON.stringify(spec)));
    t.true(readFileSync(f.svgPath, 'utf8').startsWith('<svg'));
    const png = readFileSync(f.pngPath);
    t.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const svgWidth = Number(/width="(\d+)"/.exec(f.svg)?.[1]);
    t.is(png.readUInt32BE(16), svgWidth * 2); // 2x density
    await t.throwsAsync(writeChart(dir, '../escape', spec));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fonts: chart text is measured from Verdana/DejaVu-like metrics, the same on every machine', (t) => {
  // Verdana advances: 'a' 1229/2048 em, space 720/2048 em (within rounding of the package's table).
  t.true(Math.abs(textWidthPx('a', 100) - 60) <= 1);
  t.true(Math.abs(textWidthPx(' ', 100) - 35) <= 1);
  const w = textWidthPx('conv1', 12);
  t.true(w > 12 && w < 0.8 * 5 * 12); // narrower than vega's 0.8 em/char guess
  t.true(textWidthPx('conv1', 12, true) > w, 'bold is wider');
  t.true(CHART_FONT.startsWith('DejaVu Sans, Verdana') && CHART_FONT.endsWith('sans-serif'));
});

testWithTool(pngTextDrawable() ? true : undefined, 'no font installed (apt-get install -y fonts-dejavu-core); PNG text would be missing', 'fonts: resvg finds a system font and PNGs carry the chart text', async (t) => {
  const svg = await renderSvg(paperVsHardwareWaterfall(WATERFALL));
  const withoutText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, '');
  t.not(withoutText, svg);
  // The same chart minus its text rasterises to other pixels: the text was drawn.
  t.notDeepEqual(svgToPng(svg), svgToPng(withoutText));
});
