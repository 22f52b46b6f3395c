import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, categoryColours, energyDisplayUnit, firstAppearance } from './theme.ts';

export interface TimestepsEnergy {
  timesteps: number;
  /** Line name, e.g. "paper mode", "hardware mode", "ANN". */
  series: string;
  energyPJ: number;
}

const DASHES: number[][] = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3]];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'];

/** Energy against the number of time steps T, one line (with points) per series. */
export function energyVsTimestepsChart(rows: readonly TimestepsEnergy[], options: ChartOptions = {}): TopLevelSpec {
  const series = firstAppearance(rows.map((r) => r.series));
  const ts = [...new Set(rows.map((r) => r.timesteps))].sort((a, b) => a - b);
  const du = energyDisplayUnit(rows.map((r) => r.energyPJ));
  // Every series stays visible: each has its own colour, dash pattern and point shape (lines that
  // coincide still show both patterns), and the legend lists every series (no symbol limit, two
  // columns under the plot when there are many).
  const many = series.length > 6;
  const legend = {
    symbolLimit: 0, labelLimit: 0, symbolStrokeWidth: 2.5, symbolSize: 120,
    ...(many ? { orient: 'bottom' as const, columns: series.length > 12 ? 3 : 2, columnPadding: 16 } : {}),
  };
  const colour = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: series, range: categoryColours(series.length) }, legend };
  const dash = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: series, range: series.map((_, i) => DASHES[i % DASHES.length]) }, legend };
  const shape = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: series, range: series.map((_, i) => SHAPES[i % SHAPES.length]) }, legend };
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
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { strokeDash: dash } },
      {
        mark: { type: 'point', filled: true, size: 55 },
        encoding: {
          shape,
          tooltip: [
            { field: 'series', type: 'nominal', title: 'Series' },
            { field: 'timesteps', type: 'quantitative', title: 'T' },
            { field: 'energy', type: 'quantitative', title: `Energy (${du.unit})`, format: '.4~g' },
          ],
        },
      },
    ],
    config: CHART_CONFIG,
  };
}
