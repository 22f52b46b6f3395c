/** The DSE's Pareto chart: area and accuracy encodings, front-only labels, numbered labels when they would overlap. */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { labelledFront } from '../../src/app/dse.ts';
import { paretoChart, renderSvg, type ParetoPoint } from '../../src/reports/charts/index.ts';
import { markItems } from '../reports/svg-marks.ts';

const require = createRequire(import.meta.url);
const validate = new Ajv({ strict: false, validateFormats: false }).compile(JSON.parse(readFileSync(require.resolve('vega-lite/vega-lite-schema.json'), 'utf8')) as object);

/** Nine points on a grid; the three on the diagonal form the front and are labelled. */
function grid(extra: (i: number) => Partial<ParetoPoint> = () => ({})): ParetoPoint[] {
  return Array.from({ length: 9 }, (_, i): ParetoPoint => {
    const r = Math.floor(i / 3);
    const c = i % 3;
    const onFront = r + c === 2;
    return { id: `p${i}`, energyPJ: (1 + r) * 1e6, latencyS: (1 + c) * 1e-4, onFront, areaMm2: 1 + i, label: onFront ? `point ${i}` : undefined, ...extra(i) };
  });
}

const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

test('area as colour: a valid spec, one symbol per point, labels only on the front', async (t) => {
  const pts = grid();
  const spec = paretoChart(pts, { title: 'T', subtitle: 'Pareto front over energy, latency, area' });
  t.true(validate(spec), JSON.stringify(validate.errors?.slice(0, 2)));
  const svg = await renderSvg(spec);
  t.is(markItems(svg, 'symbol'), 9);
  t.is(markItems(svg, 'text'), 3);
  t.true(texts(svg).includes('Area (mm²)'));
  t.true(texts(svg).some((x) => x.includes('colour: chip area')));
  for (const p of pts) t.is(texts(svg).includes(`point ${p.id.slice(1)}`), p.onFront, p.id);
});

test('accuracy as colour and area as size; infeasible points in the legend', async (t) => {
  const pts = grid((i) => ({ accuracy: 0.5 + i / 20, feasible: i !== 8 }));
  const spec = paretoChart(pts, { title: 'T', subtitle: 'front' });
  t.true(validate(spec), JSON.stringify(validate.errors?.slice(0, 2)));
  const svg = await renderSvg(spec);
  t.is(markItems(svg, 'symbol'), 9);
  for (const s of ['Accuracy', 'Area (mm²)', 'Pareto front', 'dominated', 'infeasible']) t.true(texts(svg).includes(s), s);
  t.true(texts(svg).some((x) => x.includes('colour: accuracy, size: chip area')));
});

test('equal areas (a --fixed-area sweep) get no colour scale', async (t) => {
  const svg = await renderSvg(paretoChart(grid(() => ({ areaMm2: 8.5 })), { title: 'T', subtitle: 'front' }));
  t.false(texts(svg).includes('Area (mm²)'));
});

test('labels that would overlap become numbers with a key under the plot', async (t) => {
  // Three front points almost on top of each other.
  const pts: ParetoPoint[] = [0, 1, 2].map((i) => ({ id: `q${i}`, energyPJ: 1e6 * (1 + i * 0.001), latencyS: 1e-4 * (1 - i * 0.001), onFront: true, areaMm2: 1 + i, label: `ac_lanes=${16 << i} weight_buffer=64 KiB` }));
  pts.push({ id: 'far', energyPJ: 9e6, latencyS: 9e-4, onFront: false, areaMm2: 5 });
  const spec = paretoChart(pts, { title: 'T' });
  t.true(validate(spec), JSON.stringify(validate.errors?.slice(0, 2)));
  const svg = await renderSvg(spec);
  const all = texts(svg);
  for (const k of ['1', '2', '3']) t.true(all.includes(k), `number ${k}`);
  // Numbered left to right (by latency): q2 is the fastest.
  t.true(all.includes('1: ac_lanes=64 weight_buffer=64 KiB'));
  t.true(all.includes('3: ac_lanes=16 weight_buffer=64 KiB'));
  t.is(markItems(svg, 'symbol'), 4);
});

test('a large front is labelled at the best point of each objective', (t) => {
  const front = [0, 1, 2, 3, 4, 5, 6, 7];
  const energy = [5, 1, 4, 6, 7, 8, 3, 2];
  const latency = [2, 8, 1, 7, 6, 5, 4, 3];
  const accuracy = [0.1, 0.2, 0.3, 0.9, 0.4, 0.5, 0.6, 0.7];
  const value = (i: number, c: string): number => ({ energy_pJ: energy, latency_s: latency, accuracy })[c]?.[i] ?? NaN;
  t.deepEqual(labelledFront(front, [{ column: 'energy_pJ', sense: 'min' }, { column: 'latency_s', sense: 'min' }, { column: 'accuracy', sense: 'max' }], value), [1, 2, 3]);
  t.deepEqual(labelledFront([4, 5], [{ column: 'energy_pJ', sense: 'min' }], value), [4, 5], 'a small front is labelled in full');
});
