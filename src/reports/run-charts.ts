/**
 * The charts of a run folder as Vega-Lite specs with their titles and captions: hardware energy by
 * component, the paper -> hardware waterfall, paper-mode energy per layer, firing rate per step.
 * Rendering and writing are src/reports/charts/render.ts and run-report.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { NetworkCounts } from '../counts/types.ts';
import type { GapStep } from '../energy/gap.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { LayerResult, SimResult } from '../energy/price.ts';
// Chart modules one by one: charts/index.ts also exports the renderer, which loads vega.
import { energyByChipChart, type ChipComponentEnergy } from './charts/energy-by-chip.ts';
import { energyByComponentChart, type LayerComponentEnergy } from './charts/energy-by-component.ts';
import { firingRateHeatmap, type LayerStepFiringRate } from './charts/firing-rate-heatmap.ts';
import { paperVsHardwareWaterfall } from './charts/waterfall.ts';
import { CHIP_COLOURS, componentRank } from './charts/palette.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, categoricalAxis, energyDisplayUnit } from './charts/theme.ts';
import { stepRows } from './profile-columns.ts';
import type { RunReportData } from './run-columns.ts';
import { ASSUMED_MARK } from './assumed.ts';

/** Short x-axis labels for the waterfall (the gap table keeps the full wording). */
export function waterfallLabel(s: GapStep): string {
  if (s.kind === 'total') return s.label.startsWith('paper') ? 'paper mode' : 'hardware mode';
  if (s.label.startsWith('arithmetic')) return 'arithmetic at hw widths';
  return s.label;
}

/**
 * The component an energy cell is drawn as: the MAC layers (first layer, real classifier) run on the
 * CAB lanes, but their multiply-accumulates are not CAB work, so they get a component of their own.
 */
export function chartComponent(component: string, action: string): string {
  return component === 'cab' && action.startsWith('mac_') ? 'cab (MAC layers)' : component;
}

/** Energy per image of a chip's layers by chart component, in palette order. */
function byChartComponent(layers: readonly LayerResult[], images: number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const l of layers) for (const e of l.energy) {
    const c = chartComponent(e.component, e.action);
    totals.set(c, (totals.get(c) ?? 0) + e.energyPJ / images);
  }
  return totals;
}

/** Per-layer, per-component hardware energy per image, with a zero for every absent (layer, component). */
export function componentEnergyRows(r: SimResult): LayerComponentEnergy[] {
  const n = Math.max(r.images, 1);
  const totals = byChartComponent(r.layers, n);
  // Largest component at the bottom of each stack; colours are fixed per component (palette.ts).
  const components = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || componentRank(a) - componentRank(b));
  return r.layers.flatMap((l) => components.map((component) => ({
    layer: l.layer,
    component,
    energyPJ: l.energy.filter((e) => chartComponent(e.component, e.action) === component).reduce((s, e) => s + e.energyPJ, 0) / n,
  })));
}

/** Energy per image of the STCB chip and each twin the replay priced, by component (palette order). */
export function chipEnergyRows(r: SimResult): ChipComponentEnergy[] {
  const n = Math.max(r.images, 1);
  const chips: [string, readonly LayerResult[] | undefined][] = [['STCB chip', r.layers], ['ANN twin', r.annTwin?.layers], ['LIF twin', r.lifTwin?.layers]];
  const per = chips.flatMap(([chip, layers]) => (layers === undefined ? [] : [[chip, byChartComponent(layers, n)] as const]));
  const components = [...new Set(per.flatMap(([, m]) => [...m.keys()]))].sort((a, b) => componentRank(a) - componentRank(b));
  return components.flatMap((component) => per.flatMap(([chip, m]) => (m.has(component) ? [{ chip, component, energyPJ: m.get(component) ?? 0 }] : [])));
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
        scale: { domain: series, range: [CHIP_COLOURS['STCB chip'], CHIP_COLOURS['ANN twin']] },
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
  const results = hardware?.results ?? [];
  // One chart per node; with one node the names carry no suffix.
  const suffix = (r: SimResult): string => (results.length > 1 ? `-${r.tech.node}` : '');
  results.forEach((r, i) => {
    const flagged = summary.hardware?.[i]?.assumedConstants.length ? ` ${ASSUMED_MARK}` : '';
    const where = `${r.accelerator}, ${r.tech.node}${flagged}`;
    const note = flagged ? ` ${ASSUMED_MARK} ${r.tech.node} rests on interpolated or assumed constants (notes under the tables).` : '';
    plans.push({
      name: `energy-by-component${suffix(r)}`,
      title: `Hardware-mode energy per layer by component (${where})`,
      caption: `Per image, dynamic plus leakage energy of each component, stacked; ${r.images} image(s) replayed. The MAC layers' work on the CAB lanes is drawn as "cab (MAC layers)", apart from CAB work.${note}`,
      spec: energyByComponentChart(componentEnergyRows(r)),
    });
    if (r.annTwin !== undefined || r.lifTwin !== undefined) {
      plans.push({
        name: `energy-by-chip${suffix(r)}`,
        title: `STCB chip vs its twins by component (${where})`,
        caption: `Hardware-mode energy per inference of each component on the STCB chip, the ANN twin (same network on a MAC array of the same compute area) and the LIF twin (conventional LIF-SNN on the same spikes), where the chip has it.${note}`,
        spec: energyByChipChart(chipEnergyRows(r)),
      });
    }
    const gap = hardware?.gaps[i];
    if (gap !== undefined) {
      plans.push({
        name: `waterfall${suffix(r)}`,
        title: `Paper mode to hardware mode (${where})`,
        caption: `Per image. Each bar is the energy one modelling step adds or removes; the steps add up to the hardware-mode total (see the gap table).${note}`,
        spec: paperVsHardwareWaterfall(gap.map((s) => ({ label: waterfallLabel(s), energyPJ: s.energyPJ, kind: s.kind }))),
      });
    }
  });
  const firing = firingRateRows(counts, summary.settings.thresholds);
  if (firing.length > 0) {
    plans.push({
      name: 'firing-rate',
      title: 'Firing rate per layer and time step',
      caption: `Spikes into each spiking layer at step t divided by its input neurons (mean over ${summary.images} image(s)); thresholds V(t) follow the ${summary.settings.schedule} schedule.`,
      spec: firingRateHeatmap(firing),
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
  const order = ['energy-by-component', 'energy-by-chip', 'waterfall', 'paper-energy', 'firing-rate'];
  const rank = (name: string): number => order.findIndex((o) => name === o || name.startsWith(`${o}-`));
  // Stable: the nodes of one kind keep their order.
  return [...plans].sort((a, b) => rank(a.name) - rank(b.name));
}
