/**
 * The charts of a run folder as Vega-Lite specs with their titles and captions: hardware energy by
 * component, the paper -> hardware waterfall, paper-mode energy per layer, firing rate per step.
 * Rendering and writing are src/reports/charts/render.ts and run-report.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { NetworkCounts } from '../counts/types.ts';
import type { GapStep } from '../energy/gap.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { SimResult } from '../energy/price.ts';
import { energyByComponentChart, firingRateHeatmap, paperVsHardwareWaterfall, type LayerComponentEnergy, type LayerStepFiringRate } from './charts/index.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, categoricalAxis, energyDisplayUnit } from './charts/theme.ts';
import { stepRows } from './profile-columns.ts';
import type { RunReportData } from './run-columns.ts';

const COMPONENT_ORDER = ['encoder', 'ac_array', 'cab', 'bn', 'mac_array', 'weight_buffer', 'act_buffer', 'spike_buffer', 'psum_buffer', 'dram'];

/** Short x-axis labels for the waterfall (the gap table keeps the full wording). */
export function waterfallLabel(s: GapStep): string {
  if (s.kind === 'total') return s.label.startsWith('paper') ? 'paper mode' : 'hardware mode';
  if (s.label.startsWith('arithmetic')) return 'arithmetic at hw widths';
  return s.label;
}

/** Per-layer, per-component hardware energy per image, with a zero for every absent (layer, component). */
export function componentEnergyRows(r: SimResult): LayerComponentEnergy[] {
  const n = Math.max(r.images, 1);
  const totals = new Map<string, number>();
  for (const l of r.layers) for (const e of l.energy) totals.set(e.component, (totals.get(e.component) ?? 0) + e.energyPJ);
  // Largest component at the bottom of each stack with the strongest colour; ties in a fixed order.
  const rank = (c: string): number => (COMPONENT_ORDER.indexOf(c) < 0 ? COMPONENT_ORDER.length : COMPONENT_ORDER.indexOf(c));
  const components = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || rank(a) - rank(b));
  return r.layers.flatMap((l) => components.map((component) => ({
    layer: l.layer,
    component,
    energyPJ: l.energy.filter((e) => e.component === component).reduce((s, e) => s + e.energyPJ, 0) / n,
  })));
}

export function firingRateRows(counts: NetworkCounts, thresholdsV: readonly number[]): LayerStepFiringRate[] {
  return stepRows(counts.layers.filter((l) => l.timesteps > 0), thresholdsV, counts.images)
    .map((s) => ({ layer: s.layer, step: s.step, firingRate: s.neuronsIn > 0 ? s.spikes / s.neuronsIn : 0 }));
}

/** Paper-mode SNN and ANN-twin energy per layer, side by side (grouped bars). */
export function paperEnergyChart(energy: PaperEnergy): TopLevelSpec {
  const layers = energy.layers.map((l) => l.layer);
  const du = energyDisplayUnit(energy.layers.flatMap((l) => [l.snnPJ, l.annPJ]));
  const series = ['SNN (paper mode)', 'ANN twin'];
  const step = Math.max(30, Math.min(64, 640 / Math.max(1, layers.length)));
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: 'Paper-mode energy per layer: STCSNN versus its ANN twin.',
    data: {
      values: energy.layers.flatMap((l) => [
        { layer: l.layer, series: series[0], energyPJ: l.snnPJ },
        { layer: l.layer, series: series[1], energyPJ: l.annPJ },
      ]),
    },
    transform: [{ calculate: `datum.energyPJ * ${du.factor}`, as: 'energy' }],
    // The step is one layer's group of two bars (by default it would be each bar's).
    width: { step, for: 'position' },
    height: 300,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'layer', type: 'nominal', sort: layers, title: 'Layer', axis: categoricalAxis(layers, step) },
      xOffset: { field: 'series', type: 'nominal', sort: series },
      y: { field: 'energy', type: 'quantitative', title: `Energy per image (${du.unit})` },
      color: {
        field: 'series', type: 'nominal', title: null,
        scale: { domain: series, range: ['#0072B2', '#E69F00'] },
        legend: { orient: 'top', direction: 'horizontal' },
      },
    },
    config: CHART_CONFIG,
  };
}

export interface ChartPlan { name: string; title: string; caption: string; spec: TopLevelSpec }

/** The charts of a run, in page order (hardware energy and the gap first, then paper mode and activity). */
export function chartPlans(data: RunReportData): ChartPlan[] {
  const { summary, counts, energy, hardware } = data;
  const plans: ChartPlan[] = [];
  const first = hardware?.results[0];
  if (first !== undefined) {
    plans.push({
      name: 'energy-by-component',
      title: `Hardware-mode energy per layer by component (${first.accelerator}, ${first.tech.node})`,
      caption: `Per image, dynamic plus leakage energy of each component, stacked; ${first.images} image(s) replayed.`,
      spec: energyByComponentChart(componentEnergyRows(first)),
    });
  }
  const firing = firingRateRows(counts, summary.settings.thresholds);
  if (firing.length > 0) {
    plans.push({
      name: 'firing-rate',
      title: 'Firing rate per layer and time step',
      caption: `Spikes into each spiking layer at step t divided by its input neurons (mean over ${summary.images} image(s)); thresholds V(t) follow the ${summary.settings.schedule} schedule.`,
      spec: firingRateHeatmap(firing),
    });
  }
  const gap = hardware?.gaps[0];
  if (first !== undefined && gap !== undefined) {
    plans.push({
      name: 'waterfall',
      title: `Paper mode to hardware mode (${first.accelerator}, ${first.tech.node})`,
      caption: 'Per image. Each bar is the energy one modelling step adds or removes; the steps add up to the hardware-mode total (see the gap table).',
      spec: paperVsHardwareWaterfall(gap.map((s) => ({ label: waterfallLabel(s), energyPJ: s.energyPJ, kind: s.kind }))),
    });
  }
  plans.push({
    name: 'paper-energy',
    title: `Paper-mode energy per layer: SNN versus ANN twin (${energy.preset.name})`,
    caption: `E = AC x ${energy.preset.acPJ} pJ + MAC-class ops x ${energy.preset.macPJ} pJ for the SNN; all MACs x ${energy.preset.macPJ} pJ for the ANN twin. Per image.`,
    spec: paperEnergyChart(energy),
  });
  return orderCharts(plans);
}

/** Chart order on the page. */
function orderCharts(plans: ChartPlan[]): ChartPlan[] {
  const order = ['energy-by-component', 'waterfall', 'paper-energy', 'firing-rate'];
  return [...plans].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}
