import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, categoricalAxis, energyDisplayUnit, exprArray, firstAppearance } from './theme.ts';
import { componentScale } from './palette.ts';

export interface LayerComponentEnergy {
  layer: string;
  component: string;
  energyPJ: number;
}

export interface EnergyByComponentOptions extends ChartOptions {
  /** 'vertical' (default): layers along x; 'horizontal': layers down y (long names, many layers). */
  orientation?: 'vertical' | 'horizontal';
}

/**
 * Per-layer energy as bars stacked by component. Layers and components keep the order in which they
 * first appear in `rows` (network order), not alphabetical order. One rect per row.
 */
export function energyByComponentChart(rows: readonly LayerComponentEnergy[], options: EnergyByComponentOptions = {}): TopLevelSpec {
  const layers = firstAppearance(rows.map((r) => r.layer));
  const components = firstAppearance(rows.map((r) => r.component));
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.layer, (totals.get(r.layer) ?? 0) + r.energyPJ);
  const du = energyDisplayUnit([...totals.values()]);
  const horizontal = options.orientation === 'horizontal';
  const step = horizontal ? 22 : Math.max(24, Math.min(60, 480 / Math.max(1, layers.length)));
  const layerAxis = {
    field: 'layer', type: 'nominal' as const, sort: layers, title: 'Layer',
    axis: horizontal ? { labelOverlap: false as const } : categoricalAxis(layers, step),
  };
  const energyAxis = {
    field: 'energy', type: 'quantitative' as const, title: `Energy (${du.unit})`, stack: 'zero' as const,
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    description: 'Energy per layer, stacked by hardware component.',
    data: { values: rows.map((r) => ({ layer: r.layer, component: r.component, energyPJ: r.energyPJ })) },
    transform: [
      { calculate: `datum.energyPJ * ${du.factor}`, as: 'energy' },
      { calculate: `indexof(${exprArray(components)}, datum.component)`, as: 'componentOrder' },
    ],
    width: horizontal ? (options.width ?? 480) : (options.width ?? { step }),
    height: horizontal ? (options.height ?? { step }) : (options.height ?? 300),
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      ...(horizontal ? { y: layerAxis, x: energyAxis } : { x: layerAxis, y: energyAxis }),
      color: {
        field: 'component', type: 'nominal', title: 'Component',
        // Fixed colour per component name (palette.ts), the same in every chart.
        scale: componentScale(components),
      },
      order: { field: 'componentOrder', type: 'quantitative', sort: 'ascending' },
    },
    config: CHART_CONFIG,
  };
}
