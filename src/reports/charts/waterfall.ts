import type { TopLevelSpec } from 'vega-lite';
import type { ChartOptions } from './theme.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, categoricalAxis, energyDisplayUnit } from './theme.ts';

export interface WaterfallStep {
  label: string;
  /** A total (bar from zero) or a signed difference from the running total. */
  energyPJ: number;
  /** Default: the first and last steps are totals, the ones between are differences. */
  kind?: 'total' | 'delta';
}

export interface WaterfallBar {
  label: string;
  kind: 'total' | 'increase' | 'decrease';
  startPJ: number;
  endPJ: number;
  deltaPJ: number;
}

/** Relative tolerance for "the differences add up to the next total" (float sums over layers). */
const CONSERVATION_REL_TOL = 1e-6;

/**
 * Turn steps into floating bars, checking conservation: every total after the first must equal the
 * previous total plus the differences in between, so the chart cannot hide an unexplained gap.
 */
export function waterfallBars(steps: readonly WaterfallStep[]): WaterfallBar[] {
  if (steps.length < 2) throw new Error('waterfall: need at least a start total and an end total');
  const kinds = steps.map((s, i) => s.kind ?? (i === 0 || i === steps.length - 1 ? 'total' : 'delta'));
  if (kinds[0] !== 'total') throw new Error(`waterfall: the first step ('${steps[0].label}') must be a total`);
  const scale = Math.max(...steps.map((s) => Math.abs(s.energyPJ)));
  let running = 0;
  return steps.map((s, i): WaterfallBar => {
    if (kinds[i] === 'total') {
      if (i > 0 && Math.abs(s.energyPJ - running) > CONSERVATION_REL_TOL * scale) {
        throw new Error(
          `waterfall: total '${s.label}' = ${s.energyPJ} pJ but the previous total plus the differences ` +
            `give ${running} pJ (gap ${s.energyPJ - running} pJ); add a step that explains the gap`,
        );
      }
      running = s.energyPJ;
      return { label: s.label, kind: 'total', startPJ: 0, endPJ: s.energyPJ, deltaPJ: s.energyPJ };
    }
    const start = running;
    running += s.energyPJ;
    return { label: s.label, kind: s.energyPJ >= 0 ? 'increase' : 'decrease', startPJ: start, endPJ: running, deltaPJ: s.energyPJ };
  });
}

/** Total, increase, decrease: colours outside the component palette, so they never read as a component. */
const WATERFALL_COLOURS = ['#332288', '#CC6677', '#117733'] as const;

function short(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  return a >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

/**
 * Paper-mode total, then each component's difference, then the hardware-mode total. Totals indigo,
 * increases rose, decreases dark green (colours no component uses, palette.ts); each bar is
 * labelled with its value.
 */
export function paperVsHardwareWaterfall(steps: readonly WaterfallStep[], options: ChartOptions = {}): TopLevelSpec {
  const bars = waterfallBars(steps);
  const du = energyDisplayUnit(bars.flatMap((b) => [b.startPJ, b.endPJ]));
  const labels = bars.map((b) => b.label);
  const values = bars.map((b) => ({
    ...b,
    top: Math.max(b.startPJ, b.endPJ) * du.factor,
    text: b.kind === 'total' ? short(b.deltaPJ * du.factor) : `${b.deltaPJ >= 0 ? '+' : '−'}${short(Math.abs(b.deltaPJ) * du.factor)}`,
  }));
  const step = Math.max(48, Math.min(90, 560 / bars.length));
  const x = {
    field: 'label', type: 'nominal' as const, sort: labels, title: null,
    axis: { ...categoricalAxis(labels, step), labelLimit: 160 },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title !== undefined ? { title: options.title } : {}),
    description: 'Paper-mode energy to hardware-mode energy, one bar per component difference.',
    data: { values },
    transform: [
      { calculate: `datum.startPJ * ${du.factor}`, as: 'start' },
      { calculate: `datum.endPJ * ${du.factor}`, as: 'end' },
    ],
    width: options.width ?? { step },
    height: options.height ?? 300,
    encoding: { x },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'start', type: 'quantitative', title: `Energy (${du.unit})` },
          y2: { field: 'end' },
          color: {
            field: 'kind', type: 'nominal', title: null,
            scale: { domain: ['total', 'increase', 'decrease'], range: [...WATERFALL_COLOURS] },
            legend: { orient: 'top', direction: 'horizontal', labelExpr: "datum.label === 'total' ? 'total' : datum.label === 'increase' ? 'adds energy' : 'saves energy'" },
          },
        },
      },
      {
        mark: { type: 'text', dy: -4, baseline: 'bottom', fontSize: 11, color: '#222' },
        encoding: {
          y: { field: 'top', type: 'quantitative' },
          text: { field: 'text', type: 'nominal' },
        },
      },
    ],
    config: CHART_CONFIG,
  };
}
