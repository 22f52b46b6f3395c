import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, energyDisplayUnit, firstAppearance } from './theme.ts';
import { componentScale } from './palette.ts';

export interface ChipComponentEnergy {
  /** 'STCB chip', 'ANN twin', 'LIF twin'. */
  chip: string;
  component: string;
  energyPJ: number;
}

/** Chips in the order they are drawn; others follow in first-appearance order. */
const CHIP_ORDER = ['STCB chip', 'ANN twin', 'LIF twin'];

/**
 * Hardware-mode energy per inference of each chip, grouped by component: one row per component, one
 * bar per chip inside it, every bar in the component's fixed colour and labelled at its end with its
 * chip and value (so no legend has to be matched). A component a chip lacks gets no bar.
 */
export function energyByChipChart(rows: readonly ChipComponentEnergy[], options: ChartOptions = {}): TopLevelSpec {
  const components = firstAppearance(rows.map((r) => r.component));
  const present = firstAppearance(rows.map((r) => r.chip));
  const chips = [...CHIP_ORDER.filter((c) => present.includes(c)), ...present.filter((c) => !CHIP_ORDER.includes(c))];
  const du = energyDisplayUnit(rows.map((r) => r.energyPJ));
  const max = Math.max(0, ...rows.map((r) => r.energyPJ * du.factor));
  const short = (chip: string): string => chip.replace(/ (chip|twin)$/, '');
  const y = { field: 'component', type: 'nominal' as const, sort: components, title: null, axis: { labelOverlap: false as const, labelFontSize: 12, ticks: false, domain: false } };
  const yOffset = { field: 'chip', type: 'nominal' as const, sort: chips };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    description: 'Energy per inference by component: STCB chip vs its ANN and LIF twins.',
    data: { values: rows.map((r) => ({ chip: r.chip, component: r.component, energyPJ: r.energyPJ, tag: short(r.chip) })) },
    transform: [
      { calculate: `datum.energyPJ * ${du.factor}`, as: 'energy' },
      { calculate: `datum.tag + ' ' + format(datum.energy, '.3~g')`, as: 'label' },
    ],
    width: options.width ?? 520,
    // A 14 px bar per chip (the step is the offset's, the chip's bar, not the component's band).
    height: options.height ?? { step: 14 },
    encoding: { y, yOffset },
    layer: [
      {
        mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          // Room on the right for the longest label.
          x: { field: 'energy', type: 'quantitative', title: `Energy per inference (${du.unit})`, scale: { domain: [0, max * 1.22] } },
          color: { field: 'component', type: 'nominal', scale: componentScale(components), legend: null },
          tooltip: [
            { field: 'chip', type: 'nominal', title: 'Chip' },
            { field: 'component', type: 'nominal', title: 'Component' },
            { field: 'energy', type: 'quantitative', title: `Energy (${du.unit})`, format: '.4~g' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 10, color: '#222' },
        encoding: { x: { field: 'energy', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
      },
    ],
    config: CHART_CONFIG,
  };
}
