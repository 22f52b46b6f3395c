import type { TopLevelSpec } from 'vega-lite';
import { textWidthPx } from './fonts.ts';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, energyDisplayUnit, timeDisplayUnit } from './theme.ts';

export interface ParetoPoint {
  id: string;
  energyPJ: number;
  latencyS: number;
  onFront: boolean;
  /** Printed beside the point (keep to a few points: front members, baselines). */
  label?: string;
  /** The point's settings, shown on hover in HTML views (default: the label, else the id). */
  tooltip?: string;
  /** Chip area, mm^2: the points' colour (or their size when accuracy is the colour). */
  areaMm2?: number;
  /** Top-1 accuracy, 0-1: the points' colour when known. */
  accuracy?: number;
  /** False: the point violates a constraint (drawn as a cross, never on the front). */
  feasible?: boolean;
}

export interface ParetoChartOptions extends ChartOptions {
  /** Log axes; default: on when an axis spans more than 30x. */
  logScale?: boolean;
  /**
   * Join the front by a staircase. Right only when the front is over exactly the two plotted axes
   * (with more objectives, front points need not form a staircase in this projection). Default true.
   */
  frontLine?: boolean;
  /** Under the title: what the front is over, e.g. "Pareto front over energy, latency, area"; the chart adds what colour and size show. */
  subtitle?: string;
}

function spansDecades(values: readonly number[]): boolean {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  return pos.length > 1 && Math.max(...pos) / Math.min(...pos) > 30;
}

const SETS = ['Pareto front', 'dominated', 'infeasible'] as const;
type PointSet = (typeof SETS)[number];
const setOf = (p: ParetoPoint): PointSet => (p.feasible === false ? 'infeasible' : p.onFront ? 'Pareto front' : 'dominated');

const LABEL_FONT_PX = 11;
const LABEL_OFFSET_PX = 8;
/** Half the side of the box a point's marker is taken to occupy when labels are placed. */
const MARKER_PX = 6;

/** Position of a value on a plot axis of `px` pixels, 0..px (log or linear), ignoring the scale padding. */
function axisPx(values: readonly number[], log: boolean, px: number): (v: number) => number {
  const f = (v: number): number => (log ? Math.log(Math.max(v, Number.MIN_VALUE)) : v);
  const lo = Math.min(...values.map(f));
  const hi = Math.max(...values.map(f));
  return (v) => (hi > lo ? ((f(v) - lo) / (hi - lo)) * px : px / 2);
}

interface Box { x0: number; x1: number; y0: number; y1: number }

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * True when labels printed beside their points would overlap each other or another point (boxes
 * estimated from the font metrics the renderer uses), so a reader could pin a label on the wrong
 * point; the chart then numbers the points and lists the labels under the plot.
 */
function labelsCollide(labels: readonly Box[], markers: readonly Box[][]): boolean {
  return labels.some((a, i) => labels.some((b, j) => j > i && overlaps(a, b)) || markers[i].some((m) => overlaps(a, m)));
}

/**
 * Energy against latency for every design point. Front points are filled and outlined, dominated
 * points faded, infeasible points crosses. With areas that differ, colour is the chip area; with
 * accuracy, colour is the accuracy and size the area. Labelled points get their label beside them,
 * on the side away from the plot's right edge; when labels would overlap, the points are numbered
 * instead and the labels listed under the plot.
 */
export function paretoChart(points: readonly ParetoPoint[], options: ParetoChartOptions = {}): TopLevelSpec {
  const width = options.width ?? 440;
  const height = options.height ?? 320;
  const eu = energyDisplayUnit(points.map((p) => p.energyPJ));
  const tu = timeDisplayUnit(points.map((p) => p.latencyS));
  const log = options.logScale ?? (spansDecades(points.map((p) => p.energyPJ)) || spansDecades(points.map((p) => p.latencyS)));
  // Padding keeps edge points and their labels off the axes.
  // Log axes are not rounded out to whole decades, which would leave most of the plot empty.
  const scale = log ? { type: 'log' as const, padding: 14, nice: false } : { zero: false, padding: 14 };
  const x = { field: 'latency', type: 'quantitative' as const, title: `Latency (${tu.unit})`, scale, axis: { tickCount: 8 } };
  const y = { field: 'energy', type: 'quantitative' as const, title: `Energy (${eu.unit})`, scale, axis: { tickCount: 8 } };
  // Areas equal to 0.1% (a --fixed-area sweep) carry no information: no colour or size for them.
  const areas = points.flatMap((p) => (p.areaMm2 !== undefined && p.areaMm2 > 0 ? [p.areaMm2] : []));
  const hasArea = areas.length > 0 && Math.max(...areas) / Math.min(...areas) - 1 > 1e-3;
  const hasAccuracy = points.some((p) => p.accuracy !== undefined);

  // Labels: beside the point, on its left in the right half of the plot.
  const px = axisPx(points.map((p) => p.latencyS), log, width);
  const py = axisPx(points.map((p) => p.energyPJ), log, height);
  const sideOf = (p: ParetoPoint): 'left' | 'right' => (px(p.latencyS) > width / 2 ? 'right' : 'left');
  const labelled = points.filter((p) => p.label !== undefined).sort((a, b) => a.latencyS - b.latencyS || a.energyPJ - b.energyPJ);
  const boxes = labelled.map((p) => {
    const w = textWidthPx(p.label ?? '', LABEL_FONT_PX);
    const x0 = sideOf(p) === 'left' ? px(p.latencyS) + LABEL_OFFSET_PX : px(p.latencyS) - LABEL_OFFSET_PX - w;
    const yc = height - py(p.energyPJ) - LABEL_OFFSET_PX;
    return { x0, x1: x0 + w, y0: yc - LABEL_FONT_PX, y1: yc + 2 };
  });
  const markerOf = (p: ParetoPoint): Box => {
    const cx = px(p.latencyS);
    const cy = height - py(p.energyPJ);
    return { x0: cx - MARKER_PX, x1: cx + MARKER_PX, y0: cy - MARKER_PX, y1: cy + MARKER_PX };
  };
  const numbered = labelsCollide(boxes, labelled.map((l) => points.filter((p) => p !== l).map(markerOf)));
  const keyOf = new Map(labelled.map((p, i) => [p.id, i + 1]));

  const colour = hasAccuracy
    ? { field: 'accuracy', type: 'quantitative' as const, title: 'Accuracy', scale: { scheme: 'viridis' }, legend: { format: '.1%', orient: 'right' as const, gradientOpacity: 1 } }
    : hasArea
      ? { field: 'areaMm2', type: 'quantitative' as const, title: 'Area (mm²)', scale: { scheme: 'viridis', reverse: true }, legend: { orient: 'right' as const, gradientOpacity: 1 } }
      : undefined;
  const size = hasAccuracy && hasArea
    ? { size: { field: 'areaMm2', type: 'quantitative' as const, title: 'Area (mm²)', scale: { zero: false, range: [40, 400] }, legend: { orient: 'right' as const, symbolType: 'circle', symbolFillColor: '#bbbbbb', symbolStrokeColor: '#444444' } } }
    : {};
  // One legend for the point's set: shape, opacity and outline all encode it, so Vega-Lite merges them.
  const present = SETS.filter((k) => points.some((p) => setOf(p) === k));
  const bySet = <T>(values: Record<PointSet, T>): { domain: string[]; range: T[] } => ({ domain: [...present], range: present.map((k) => values[k]) });
  // With a colour scale the set's legend symbols are neutral grey; without one, colour is the set too.
  const setLegend = { orient: 'right' as const, symbolType: 'circle', ...(colour ? { symbolFillColor: '#bbbbbb' } : {}) };
  const setColour = { field: 'set', type: 'nominal' as const, title: null, scale: bySet({ 'Pareto front': '#0072B2', dominated: '#999999', infeasible: '#999999' }), legend: setLegend };
  const pointLayer = {
    mark: { type: 'point' as const, filled: true, size: 90, strokeWidth: 1.5 },
    encoding: {
      color: colour ?? setColour,
      ...size,
      shape: { field: 'set', type: 'nominal' as const, title: null, scale: bySet({ 'Pareto front': 'circle', dominated: 'circle', infeasible: 'cross' }), legend: setLegend },
      opacity: { field: 'set', type: 'ordinal' as const, sort: [...present], title: null, scale: bySet({ 'Pareto front': 1, dominated: 0.45, infeasible: 0.3 }), legend: setLegend },
      stroke: { field: 'set', type: 'nominal' as const, title: null, scale: bySet({ 'Pareto front': '#111111', dominated: '#ffffff00', infeasible: '#ffffff00' }), legend: setLegend },
      // Every point's settings on hover in HTML views (only front points carry a printed label).
      tooltip: [
        { field: 'name', type: 'nominal' as const, title: 'Point' },
        { field: 'energy', type: 'quantitative' as const, title: `Energy (${eu.unit})`, format: '.4~g' },
        { field: 'latency', type: 'quantitative' as const, title: `Latency (${tu.unit})`, format: '.4~g' },
        ...(hasArea ? [{ field: 'areaMm2', type: 'quantitative' as const, title: 'Area (mm²)', format: '.4~g' }] : []),
        ...(hasAccuracy ? [{ field: 'accuracy', type: 'quantitative' as const, title: 'Accuracy', format: '.1%' }] : []),
        { field: 'set', type: 'nominal' as const, title: 'Set' },
      ],
    },
  };
  // Numbers of points that (nearly) coincide alternate above and below them, so "1" and "2" do not read as "12".
  const labelLayer = ([side, above]: readonly ['left' | 'right', boolean]) => ({
    transform: [{ filter: `datum.label !== '' && datum.labelSide === '${side}' && datum.above === ${above}` }],
    mark: {
      type: 'text' as const, align: side, dx: side === 'left' ? LABEL_OFFSET_PX : -LABEL_OFFSET_PX, dy: above ? -LABEL_OFFSET_PX : LABEL_OFFSET_PX + 4,
      fontSize: LABEL_FONT_PX, color: '#222', ...(numbered ? { fontWeight: 'bold' as const } : {}),
    },
    encoding: { text: { field: numbered ? 'key' : 'label', type: 'nominal' as const } },
  });
  const aboveOf = (p: ParetoPoint): boolean => !numbered || (keyOf.get(p.id) ?? 1) % 2 === 1;
  const plot = {
    width,
    height,
    encoding: { x, y },
    layer: [
      ...(options.frontLine === false || !points.some((p) => p.onFront) ? [] : [{
        transform: [{ filter: 'datum.onFront' }],
        mark: { type: 'line' as const, interpolate: 'step-after' as const, color: '#0072B2', strokeWidth: 1.5, opacity: 0.7 },
        encoding: { order: { field: 'latency', type: 'quantitative' as const } },
      }]),
      pointLayer,
      // Only sides with labels: an empty layer makes Vega warn about an infinite extent.
      ...([['left', true], ['left', false], ['right', true], ['right', false]] as const)
        .filter(([side, above]) => labelled.some((p) => sideOf(p) === side && aboveOf(p) === above)).map(labelLayer),
    ],
  };
  const key = {
    width,
    height: 16 * labelled.length,
    transform: [{ filter: "datum.label !== ''" }],
    mark: { type: 'text' as const, align: 'left' as const, baseline: 'middle' as const, fontSize: LABEL_FONT_PX, color: '#222' },
    encoding: {
      x: { value: 0 },
      y: { field: 'key', type: 'ordinal' as const, sort: 'ascending' as const, axis: null },
      text: { field: 'keyText', type: 'nominal' as const },
    },
  };
  const encodings = hasAccuracy && hasArea ? 'colour: accuracy, size: chip area' : hasAccuracy ? 'colour: accuracy' : hasArea ? 'colour: chip area' : '';
  const subtitle = options.subtitle === undefined ? undefined : [options.subtitle, encodings].filter((x) => x !== '').join('; ');
  const title = options.title === undefined ? {} : { title: subtitle === undefined ? options.title : { text: options.title, subtitle, subtitleFontSize: 12, subtitleColor: '#444' } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...title,
    description: 'Design points: energy versus latency, Pareto front highlighted.',
    data: {
      values: points.map((p) => ({
        id: p.id, name: p.tooltip ?? p.label ?? p.id, energyPJ: p.energyPJ, latencyS: p.latencyS, onFront: p.onFront, label: p.label ?? '',
        labelSide: sideOf(p), above: aboveOf(p), set: setOf(p),
        ...(keyOf.has(p.id) ? { key: keyOf.get(p.id), keyText: `${keyOf.get(p.id)}: ${p.label ?? ''}` } : {}),
        ...(p.areaMm2 !== undefined ? { areaMm2: p.areaMm2 } : {}), ...(p.accuracy !== undefined ? { accuracy: p.accuracy } : {}),
      })),
    },
    transform: [
      { calculate: `datum.energyPJ * ${eu.factor}`, as: 'energy' },
      { calculate: `datum.latencyS * ${tu.factor}`, as: 'latency' },
    ],
    ...(numbered ? { vconcat: [plot, key], spacing: 14 } : plot),
    config: CHART_CONFIG,
  };
}
