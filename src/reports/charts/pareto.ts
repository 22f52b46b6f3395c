import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, energyDisplayUnit, timeDisplayUnit } from './theme.ts';

export interface ParetoPoint {
  id: string;
  energyPJ: number;
  latencyS: number;
  onFront: boolean;
  /** Printed beside the point (keep to a few points: front members, baselines). */
  label?: string;
}

export interface ParetoChartOptions extends ChartOptions {
  /** Log axes; default: on when an axis spans more than 100x. */
  logScale?: boolean;
}

function spansDecades(values: readonly number[]): boolean {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  return pos.length > 1 && Math.max(...pos) / Math.min(...pos) > 100;
}

/**
 * Energy against latency for every design point; front points filled and joined by a staircase
 * (both objectives minimised), dominated points hollow grey. One symbol per point.
 */
export function paretoChart(points: readonly ParetoPoint[], options: ParetoChartOptions = {}): TopLevelSpec {
  const eu = energyDisplayUnit(points.map((p) => p.energyPJ));
  const tu = timeDisplayUnit(points.map((p) => p.latencyS));
  const log = options.logScale ?? (spansDecades(points.map((p) => p.energyPJ)) || spansDecades(points.map((p) => p.latencyS)));
  // Padding keeps edge points and their labels off the axes.
  const scale = log ? { type: 'log' as const, padding: 14 } : { zero: false, padding: 14 };
  const x = { field: 'latency', type: 'quantitative' as const, title: `Latency (${tu.unit})`, scale, axis: { tickCount: 8 } };
  const y = { field: 'energy', type: 'quantitative' as const, title: `Energy (${eu.unit})`, scale, axis: { tickCount: 8 } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    description: 'Design points: energy versus latency, Pareto front highlighted.',
    data: {
      values: points.map((p) => ({
        id: p.id, energyPJ: p.energyPJ, latencyS: p.latencyS, onFront: p.onFront, label: p.label ?? '',
        set: p.onFront ? 'Pareto front' : 'dominated',
      })),
    },
    transform: [
      { calculate: `datum.energyPJ * ${eu.factor}`, as: 'energy' },
      { calculate: `datum.latencyS * ${tu.factor}`, as: 'latency' },
    ],
    width: options.width ?? 440,
    height: options.height ?? 320,
    encoding: { x, y },
    layer: [
      {
        transform: [{ filter: 'datum.onFront' }],
        mark: { type: 'line', interpolate: 'step-after', color: '#0072B2', strokeWidth: 1.5, opacity: 0.7 },
        encoding: { order: { field: 'latency', type: 'quantitative' } },
      },
      {
        mark: { type: 'point', size: 60, strokeWidth: 1.5 },
        encoding: {
          color: {
            field: 'set', type: 'nominal', title: null,
            scale: { domain: ['Pareto front', 'dominated'], range: ['#0072B2', '#999999'] },
            legend: { orient: 'top-right', symbolType: 'circle' },
          },
          fill: { condition: { test: 'datum.onFront', value: '#0072B2' }, value: 'white' },
        },
      },
      {
        transform: [{ filter: "datum.label !== ''" }],
        mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11, color: '#222' },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
    config: CHART_CONFIG,
  };
}
