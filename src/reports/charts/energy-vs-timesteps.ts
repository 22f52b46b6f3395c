import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, categoryColours, energyDisplayUnit, firstAppearance } from './theme.ts';

export interface TimestepsEnergy {
  timesteps: number;
  /** Line name, e.g. "paper mode", "hardware mode", "ANN". */
  series: string;
  energyPJ: number;
}

/** Energy against the number of time steps T, one line (with points) per series. */
export function energyVsTimestepsChart(rows: readonly TimestepsEnergy[], options: ChartOptions = {}): TopLevelSpec {
  const series = firstAppearance(rows.map((r) => r.series));
  const ts = [...new Set(rows.map((r) => r.timesteps))].sort((a, b) => a - b);
  const du = energyDisplayUnit(rows.map((r) => r.energyPJ));
  const colour = {
    field: 'series', type: 'nominal' as const, title: null,
    scale: { domain: series, range: categoryColours(series.length) },
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3 },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    description: 'Energy versus number of time steps.',
    data: { values: rows.map((r) => ({ timesteps: r.timesteps, series: r.series, energyPJ: r.energyPJ })) },
    transform: [{ calculate: `datum.energyPJ * ${du.factor}`, as: 'energy' }],
    width: options.width ?? 420,
    height: options.height ?? 280,
    encoding: {
      x: {
        field: 'timesteps', type: 'quantitative', title: 'Time steps T',
        scale: { domain: [Math.min(...ts), Math.max(...ts)], nice: false, padding: 12 },
        axis: { values: ts, format: 'd', grid: false },
      },
      y: { field: 'energy', type: 'quantitative', title: `Energy (${du.unit})` },
      color: colour,
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 2 } },
      { mark: { type: 'point', filled: true, size: 50 } },
    ],
    config: CHART_CONFIG,
  };
}
