import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, firstAppearance } from './theme.ts';

export interface LayerStepFiringRate {
  layer: string;
  /** Time step t, 1-based. */
  step: number;
  /** Spikes / (neurons) at this step, in [0, 1]. */
  firingRate: number;
}

export interface FiringRateHeatmapOptions extends ChartOptions {
  /** Print the value in each cell (default: when there are at most 160 cells). */
  cellLabels?: boolean;
}

/** Firing rate per layer (rows, network order) and time step (columns), one rect per record. */
export function firingRateHeatmap(rows: readonly LayerStepFiringRate[], options: FiringRateHeatmapOptions = {}): TopLevelSpec {
  const layers = firstAppearance(rows.map((r) => r.layer));
  const steps = [...new Set(rows.map((r) => r.step))].sort((a, b) => a - b);
  const maxRate = Math.max(0, ...rows.map((r) => r.firingRate).filter(Number.isFinite));
  const labels = options.cellLabels ?? rows.length <= 160;
  const domainMax = maxRate > 0 ? maxRate : 1;
  const base = {
    x: { field: 'step', type: 'ordinal' as const, sort: steps, title: 'Time step t', axis: { labelAngle: 0 } },
    y: { field: 'layer', type: 'ordinal' as const, sort: layers, title: 'Layer', axis: { labelOverlap: false as const } },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    description: 'Firing rate per layer and time step.',
    data: { values: rows.map((r) => ({ layer: r.layer, step: r.step, firingRate: r.firingRate })) },
    width: options.width ?? { step: Math.max(36, Math.min(64, 480 / Math.max(1, steps.length))) },
    height: options.height ?? { step: 26 },
    encoding: base,
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'firingRate', type: 'quantitative', title: 'Firing rate',
            scale: { scheme: 'viridis', domain: [0, domainMax] },
            // A vertical gradient taller than a short heat map would leave empty space; lay it under the plot then.
            legend: layers.length < 4
              ? { format: '.2f', tickCount: 4, orient: 'bottom' as const, direction: 'horizontal' as const, gradientLength: 160 }
              : { format: '.2f', tickCount: 4, gradientLength: Math.min(200, 26 * layers.length) },
          },
        },
      },
      ...(labels
        ? [{
            mark: { type: 'text' as const, fontSize: 11 },
            encoding: {
              text: { field: 'firingRate', type: 'quantitative' as const, format: '.2f' },
              // viridis is dark at the low end: white text there, black on the light end.
              color: {
                condition: { test: `datum.firingRate < ${domainMax * 0.6}`, value: 'white' },
                value: 'black',
              },
            },
          }]
        : []),
    ],
    config: CHART_CONFIG,
  };
}
