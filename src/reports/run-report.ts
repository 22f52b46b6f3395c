/**
 * The paper-ready part of a run folder, written after the CSVs:
 *   charts/<name>.vl.json|.svg|.png  energy-by-component, firing-rate, waterfall, paper-energy
 *   layers.tex                       compact per-layer table (booktabs + siunitx + threeparttable)
 *   summary.tex                      totals, paper mode and hardware mode per node
 *   report.html                      one self-contained page: key figures, settings, charts, tables,
 *                                    the paper -> hardware gap, provenance of every constant
 *
 * Everything here is derived from data the run already holds; nothing is recomputed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import type { NetworkCounts } from '../counts/types.ts';
import type { GapStep } from '../energy/gap.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { SimResult } from '../energy/price.ts';
import { energyByComponentChart, firingRateHeatmap, paperVsHardwareWaterfall, renderSvg, type LayerComponentEnergy, type LayerStepFiringRate } from './charts/index.ts';
import { CHART_CONFIG, VEGA_LITE_SCHEMA, categoricalAxis, energyDisplayUnit, timeDisplayUnit, type DisplayUnit } from './charts/theme.ts';
import { FONT_INSTALL_HINT, findSansFont } from './fonts.ts';
import { renderReportHtml, reportTable, type ReportChart, type ReportInput, type ReportSetting, type ReportTable } from './html.ts';
import type { GapRow } from './hw-columns.ts';
import { latexDocument, runNotes, toLatexTable } from './latex.ts';
import { stepRows } from './profile-columns.ts';
import type { ProfileSummary } from './profile-report.ts';
import { provenanceRecords } from './provenance.ts';
import type { Column } from './table.ts';

export interface RunReportData {
  summary: ProfileSummary;
  counts: NetworkCounts;
  energy: PaperEnergy;
  /** Hardware replay, one result and gap chain per node (absent with --no-hardware). */
  hardware?: { results: readonly SimResult[]; gaps: readonly GapStep[][] };
}

export interface RunReportOptions {
  /** Render charts (default true). Without them report.html holds the tables only. */
  charts?: boolean;
}

export interface RunReportResult {
  /** Paths relative to the run folder, in writing order. */
  files: string[];
  /** Chart names written (charts/<name>.*). */
  charts: string[];
  /** Wall time of each phase, ms (for the benchmark note in the README; never asserted). */
  timingsMs: { charts: number; png: number; tables: number; html: number };
}

/** Files every run folder gets from this module (charts/ listed as a folder). */
export const RUN_REPORT_FILES = ['layers.tex', 'summary.tex', 'report.html', 'charts/'] as const;

// ---------------------------------------------------------------------------------------------
// Rows

/** One line of the compact per-layer table (layers.tex and the HTML layer table). */
export interface CompactLayerRow {
  layer: string;
  kind: string;
  /** NaN for MAC layers (no spikes in), shown as a dash. */
  firingRate: number;
  acExact: number;
  acLiterature: number;
  macs: number;
  snnPJ: number;
  annPJ: number;
}

export function compactLayerRows(counts: NetworkCounts, energy: PaperEnergy, summary: ProfileSummary): CompactLayerRow[] {
  const rows = counts.layers.map((c, i): CompactLayerRow => ({
    layer: c.layer,
    kind: c.kind,
    firingRate: c.timesteps > 0 ? c.firingRate : NaN,
    acExact: c.acExact,
    acLiterature: c.acLiteratureEstimate,
    macs: c.macs,
    snnPJ: energy.layers[i].snnPJ,
    annPJ: energy.layers[i].annPJ,
  }));
  rows.push({
    layer: 'Total', kind: '', firingRate: summary.totals.firingRate, acExact: counts.totals.acExact,
    acLiterature: counts.totals.acLiteratureEstimate, macs: counts.totals.macs,
    snnPJ: energy.totals.snnPJ, annPJ: energy.totals.annPJ,
  });
  return rows;
}

/** Operation counts shown in thousands / millions / billions so the tables fit a paper's column. */
export function countDisplayUnit(counts: readonly number[]): { unit?: string; factor: number; digits: number } {
  const max = Math.max(0, ...counts.filter(Number.isFinite).map(Math.abs));
  if (max >= 1e9) return { unit: 'G', factor: 1e-9, digits: 3 };
  if (max >= 1e6) return { unit: 'M', factor: 1e-6, digits: 2 };
  if (max >= 1e4) return { unit: 'k', factor: 1e-3, digits: 1 };
  return { factor: 1, digits: 0 };
}

function countColumn<R>(key: string, header: string, cu: ReturnType<typeof countDisplayUnit>, get: (r: R) => number, doc: string): Column<R> {
  return {
    key, header, ...(cu.unit !== undefined ? { unit: cu.unit } : {}), value: (r) => get(r) * cu.factor,
    format: cu.digits === 0 ? 'int' : 'float', digits: cu.digits,
    doc: cu.unit !== undefined ? `${doc} In ${cu.unit === 'k' ? 'thousands' : cu.unit === 'M' ? 'millions' : 'billions'}.` : doc,
  };
}

export function compactLayerColumns(eu: DisplayUnit, cu: ReturnType<typeof countDisplayUnit>): Column<CompactLayerRow>[] {
  const e = (pj: number): number => pj * eu.factor;
  return [
    { key: 'layer', header: 'Layer', value: (r) => r.layer },
    { key: 'kind', header: 'Kind', value: (r) => r.kind },
    { key: 'firing_rate', header: 'Rate', value: (r) => r.firingRate, format: 'float', digits: 3, doc: 'Firing rate: spikes / (N_in x T); the total row is over all spiking layers.' },
    countColumn('ac_exact', 'AC exact', cu, (r: CompactLayerRow) => r.acExact, 'Exact synaptic additions: (spike, valid output) pairs.'),
    countColumn('ac_literature', 'AC lit.', cu, (r: CompactLayerRow) => r.acLiterature, 'Literature estimate T x dense MACs x firing rate.'),
    countColumn('macs', 'MACs', cu, (r: CompactLayerRow) => r.macs, 'Multiply-accumulates of non-spiking layers.'),
    { key: 'e_snn', header: 'E SNN', unit: eu.unit, value: (r) => e(r.snnPJ), format: 'float', digits: 2, doc: 'Paper mode: AC(formula) x E_AC + MAC-class ops x E_MAC, per image.' },
    { key: 'e_ann', header: 'E ANN', unit: eu.unit, value: (r) => e(r.annPJ), format: 'float', digits: 2, doc: 'The ANN twin: all MACs x E_MAC, per image.' },
  ];
}

/** One line of the mode table: paper mode (two AC counts) then hardware mode per node. */
export interface ModeRow {
  mode: string;
  node: string;
  snnPJ: number;
  annPJ: number;
  ratio: number;
  /** Conventional LIF-SNN twin on the same spikes; NaN in paper mode (it is a hardware baseline). */
  lifPJ: number;
  /** NaN in paper mode (no timing model). */
  latencyS: number;
}

export function modeRows(summary: ProfileSummary): ModeRow[] {
  const p = summary.paperEnergy;
  const presetNode = /(\d+nm)/.exec(p.preset.name)?.[1] ?? 'preset';
  const rows: ModeRow[] = [
    { mode: 'Paper (formula)', node: presetNode, snnPJ: p.snnPJ, annPJ: p.annPJ, ratio: p.annOverSnn, lifPJ: NaN, latencyS: NaN },
    { mode: 'Paper (exact AC)', node: presetNode, snnPJ: p.snnExactPJ, annPJ: p.annPJ, ratio: p.annOverSnnExact, lifPJ: NaN, latencyS: NaN },
  ];
  for (const h of summary.hardware ?? []) {
    rows.push({
      mode: 'Hardware', node: `${h.node}, ${h.voltageV} V`, snnPJ: h.energyPerInferencePJ,
      annPJ: h.annTwin?.energyPerInferencePJ ?? NaN, ratio: h.annTwin?.energyRatioAnnOverSnn ?? NaN,
      lifPJ: h.lifTwin?.energyPerInferencePJ ?? NaN, latencyS: h.latencyS,
    });
  }
  return rows;
}

export function modeColumns(eu: DisplayUnit, tu: DisplayUnit): Column<ModeRow>[] {
  return [
    { key: 'mode', header: 'Mode', value: (r) => r.mode },
    { key: 'node', header: 'Node', value: (r) => r.node },
    { key: 'e_snn', header: 'E SNN', unit: eu.unit, value: (r) => r.snnPJ * eu.factor, format: 'float', digits: 3, doc: 'Energy per image (inference) of the STCSNN.' },
    { key: 'e_ann', header: 'E ANN', unit: eu.unit, value: (r) => r.annPJ * eu.factor, format: 'float', digits: 3, doc: 'The same network as an ANN: paper mode all MACs x E_MAC; hardware mode on a MAC array of the same compute area.' },
    { key: 'ratio', header: 'ANN/SNN', value: (r) => r.ratio, format: 'float', digits: 2, doc: 'E ANN twin / E SNN (in hardware mode the SNN is the STCB chip).' },
    { key: 'e_lif', header: 'E LIF', unit: eu.unit, value: (r) => r.lifPJ * eu.factor, format: 'float', digits: 3, doc: 'Hardware mode only: a conventional LIF-SNN chip (membranes read and written every step) replaying the same spikes.' },
    { key: 'latency', header: 'Latency', unit: tu.unit, value: (r) => r.latencyS * tu.factor, format: 'float', digits: 3, doc: 'Hardware mode only: cycles / clock per image.' },
  ];
}

interface TotalsRow { s: ProfileSummary }

export function totalsColumns(s: ProfileSummary): Column<TotalsRow>[] {
  const cu = countDisplayUnit([s.totals.spikes, s.paperEnergy.acExact, s.paperEnergy.acFormula, s.totals.macs]);
  return [
    countColumn('spikes', 'Spikes', cu, (r: TotalsRow) => r.s.totals.spikes, 'Spikes per image (mean), all layers and steps.'),
    { key: 'firing_rate', header: 'Rate', value: (r) => r.s.totals.firingRate, format: 'float', digits: 4, doc: 'Firing rate: spikes / (spiking input neurons x T).' },
    countColumn('ac_exact', 'AC exact', cu, (r: TotalsRow) => r.s.paperEnergy.acExact, 'Exact synaptic additions.'),
    countColumn('ac_formula', 'AC lit.', cu, (r: TotalsRow) => r.s.paperEnergy.acFormula, 'T x dense MACs x firing rate.'),
    { key: 'ac_error', header: 'Lit./exact - 1', value: (r) => r.s.paperEnergy.acFormulaError, format: 'pct', digits: 1, doc: '(literature - exact) / exact.' },
    countColumn('macs', 'MACs', cu, (r: TotalsRow) => r.s.totals.macs, 'Multiply-accumulates of non-spiking layers.'),
  ];
}

function gapColumns(eu: DisplayUnit): Column<GapRow>[] {
  return [
    { key: 'node', header: 'Node', value: (r) => r.node },
    { key: 'step', header: 'Step', value: (r) => r.label },
    { key: 'kind', header: 'Kind', value: (r) => r.kind, doc: 'total, or delta: the energy this step adds (negative: removes).' },
    { key: 'energy', header: 'Energy', unit: eu.unit, value: (r) => r.energyPJ * eu.factor, format: 'float', digits: 3, doc: 'Per image.' },
  ];
}

interface HwRow { node: string; voltageV: number; latencyS: number; energyPJ: number; leakagePJ: number; dramBytes: number; clockHz: number }

function hwColumns(eu: DisplayUnit, tu: DisplayUnit): Column<HwRow>[] {
  return [
    { key: 'node', header: 'Node', value: (r) => r.node },
    { key: 'voltage', header: 'Supply', unit: 'V', value: (r) => r.voltageV, format: 'float', digits: 2 },
    { key: 'clock', header: 'Clock', unit: 'MHz', value: (r) => r.clockHz / 1e6, format: 'float', digits: 0 },
    { key: 'latency', header: 'Latency', unit: tu.unit, value: (r) => r.latencyS * tu.factor, format: 'float', digits: 3 },
    { key: 'energy', header: 'Energy/inference', unit: eu.unit, value: (r) => r.energyPJ * eu.factor, format: 'float', digits: 3 },
    { key: 'leakage', header: 'of which leakage', unit: eu.unit, value: (r) => r.leakagePJ * eu.factor, format: 'float', digits: 3 },
    { key: 'dram', header: 'DRAM traffic', unit: 'KiB', value: (r) => r.dramBytes / 1024, format: 'float', digits: 1 },
  ];
}

// ---------------------------------------------------------------------------------------------
// Charts

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
  return stepRows(counts.layers.filter((l) => l.timesteps > 0), thresholdsV)
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

interface ChartPlan { name: string; title: string; caption: string; spec: TopLevelSpec }

function chartPlans(data: RunReportData): ChartPlan[] {
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
  return plans;
}

/** resvg options matching svgToPng (same font), for the thread-pool renderer. */
function pngOptions(): Parameters<typeof renderAsync>[1] {
  const font = findSansFont();
  if (font === undefined) console.warn(FONT_INSTALL_HINT);
  return {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: font === undefined
      ? { loadSystemFonts: true }
      : { loadSystemFonts: false, fontFiles: [font.path], defaultFontFamily: font.family, sansSerifFamily: font.family },
    logLevel: 'off',
  };
}

// ---------------------------------------------------------------------------------------------
// LaTeX

/**
 * Set a table in \small with narrower column gaps (inside its float, so nothing leaks into the
 * document): wide per-layer tables then fit a single-column article's text width.
 */
function compact(tex: string): string {
  return tex
    .replace(/\\centering\n/g, '\\centering\n\\small\n\\setlength{\\tabcolsep}{4pt}\n')
    .replace(/(\\toprule\n)(.*) \\\\\n/g, (_m: string, rule: string, header: string) => rule + unitsBelow(header));
}

/**
 * "{E SNN (\si{\micro\joule})} & {Layer}" -> the names on one header row and the units in
 * parentheses on a second, so a column is as wide as its numbers rather than its header.
 */
export function unitsBelow(headerRow: string): string {
  const cells = headerRow.split(' & ');
  const split = cells.map((c) => /^\{(.*) (\(.*\))\}$/.exec(c));
  if (split.every((m) => m === null)) return `${headerRow} \\\\\n`;
  const names = cells.map((c, i) => (split[i] === null ? c : `{${split[i]?.[1]}}`));
  const units = split.map((m) => (m === null ? '' : `{${m[2]}}`));
  return `${names.join(' & ')} \\\\\n${units.join(' & ')} \\\\\n`;
}

function nodeNote(summary: ProfileSummary): string {
  const hw = summary.hardware ?? [];
  return hw.length === 0 ? 'none (paper mode only)' : hw.map((h) => `${h.node} at ${h.voltageV} V`).join(', ');
}

export function layersTex(data: RunReportData): string {
  const { summary, counts, energy } = data;
  const rows = compactLayerRows(counts, energy, summary);
  const eu = energyDisplayUnit(rows.slice(0, -1).flatMap((r) => [r.snnPJ, r.annPJ]));
  const cu = countDisplayUnit(rows.slice(0, -1).flatMap((r) => [r.acExact, r.acLiterature, r.macs]));
  return compact(toLatexTable(compactLayerColumns(eu, cu), rows, {
    caption: `${summary.network}: per-layer spikes, synaptic operations and paper-mode energy per image`,
    label: `tab:${summary.network}-layers`,
    midruleBefore: [rows.length - 1],
    notes: [
      ...runNotes({ energyPreset: `${energy.preset.name} (E_AC = ${energy.preset.acPJ} pJ, E_MAC = ${energy.preset.macPJ} pJ; ${energy.preset.source})`, node: `paper mode at the preset's node; hardware mode at ${nodeNote(summary)}`, trained: summary.weights.trained, timesteps: summary.settings.timesteps }),
      `Means over ${summary.images} image(s): ${summary.input}. AC lit.: T x dense MACs x firing rate. A dash: not a spiking layer.`,
    ],
  }));
}

export function summaryTex(data: RunReportData): string {
  const { summary, energy } = data;
  const modes = modeRows(summary);
  const eu = energyDisplayUnit(modes.flatMap((r) => [r.snnPJ, r.annPJ]));
  const tu = timeDisplayUnit(modes.map((r) => r.latencyS));
  const notes = runNotes({ energyPreset: `${energy.preset.name} (E_AC = ${energy.preset.acPJ} pJ, E_MAC = ${energy.preset.macPJ} pJ)`, node: nodeNote(summary), trained: summary.weights.trained, timesteps: summary.settings.timesteps });
  const totals = toLatexTable(totalsColumns(summary), [{ s: summary }], {
    caption: `${summary.network}: totals per image`,
    label: `tab:${summary.network}-totals`,
    notes: [...notes, `Means over ${summary.images} image(s): ${summary.input}.`],
  });
  const hwImages = summary.hardwareImages;
  const modeTable = toLatexTable(modeColumns(eu, tu), modes, {
    caption: `${summary.network}: energy per inference in paper mode and hardware mode`,
    label: `tab:${summary.network}-modes`,
    midruleBefore: modes.length > 2 ? [2] : [],
    notes: [
      ...notes,
      `Paper mode: E = AC x E_AC + MAC-class ops x E_MAC (AC by the literature formula, or exact).${summary.hardware?.length ? ` Hardware mode: replay of the spike trains on the ${summary.hardware[0].accelerator} accelerator model, sum of action counts x energy per action plus leakage.` : ''}`,
      ...(hwImages !== undefined ? [`Hardware mode replays the first ${hwImages} image(s). A dash: not modelled in paper mode.`] : []),
    ],
  });
  return compact(`${totals}\n${modeTable}`);
}

// ---------------------------------------------------------------------------------------------
// HTML

function fmtEnergy(pj: number): { value: string; unit: string } {
  const u = energyDisplayUnit([pj]);
  return { value: Number((pj * u.factor).toPrecision(4)).toString(), unit: u.unit };
}

function keyFigures(summary: ProfileSummary): ReportSetting[] {
  const p = summary.paperEnergy;
  const figs: ReportSetting[] = [
    { name: `Paper-mode SNN energy / image (${p.preset.name})`, ...fmtEnergy(p.snnPJ) },
    { name: 'Paper-mode ANN twin / image', ...fmtEnergy(p.annPJ) },
    { name: 'Paper-mode ANN/SNN', value: p.annOverSnn.toFixed(2), unit: 'x' },
    { name: 'Firing rate (all spiking layers)', value: summary.totals.firingRate.toFixed(4) },
  ];
  for (const h of summary.hardware ?? []) {
    const tu = timeDisplayUnit([h.latencyS]);
    figs.push({ name: `Hardware energy / inference, ${h.node}`, ...fmtEnergy(h.energyPerInferencePJ) });
    figs.push({ name: `Hardware latency, ${h.node}`, value: Number((h.latencyS * tu.factor).toPrecision(4)).toString(), unit: tu.unit });
  }
  if (summary.accuracy !== undefined) figs.push({ name: 'Top-1 accuracy', value: (100 * summary.accuracy).toFixed(2), unit: '%' });
  return figs;
}

function settingsList(summary: ProfileSummary, data: RunReportData): ReportSetting[] {
  const s = summary.settings;
  const first = data.hardware?.results[0];
  const out: ReportSetting[] = [
    { name: 'Network', value: `${summary.network} (${summary.model})` },
    { name: 'Time steps T', value: s.timesteps },
    { name: 'Threshold schedule', value: `${s.schedule}, V0 = ${s.vth0}, tau = ${s.tau}` },
    { name: 'Thresholds V(t)', value: s.thresholds.map((v) => Number(v.toPrecision(4))).join(', ') },
    { name: 'Spiking classifier', value: s.spikingClassifier },
    { name: 'Images', value: `${summary.images} (${summary.input}), batch ${summary.batch}` },
    { name: 'Seed', value: summary.seed },
    { name: 'Weights', value: summary.weights.origin },
    { name: 'Trained weights', value: summary.weights.trained },
    { name: 'Backend', value: summary.backend },
    { name: 'Energy preset (paper mode)', value: `${summary.paperEnergy.preset.name}: E_AC = ${summary.paperEnergy.preset.acPJ} pJ, E_MAC = ${summary.paperEnergy.preset.macPJ} pJ` },
  ];
  if (first !== undefined) {
    out.push(
      { name: 'Accelerator', value: first.accelerator },
      { name: 'Process nodes', value: nodeNote(summary) },
      { name: 'Clock', value: (summary.hardware ?? []).map((h) => `${(h.clockHz / 1e6).toFixed(1)} MHz at ${h.node}`).join(', ') },
      { name: 'Images replayed on hardware', value: summary.hardwareImages ?? first.images },
    );
  } else {
    out.push({ name: 'Hardware mode', value: 'not run (--no-hardware)' });
  }
  out.push({ name: 'Tool', value: `${summary.tool.name} ${summary.tool.version}${summary.tool.commit !== null ? ` (${summary.tool.commit})` : ''}` });
  if (summary.hashes !== undefined) {
    for (const group of ['accelerator', 'tech', 'weights', 'inputs'] as const) {
      for (const [name, h] of Object.entries(summary.hashes[group])) out.push({ name: `${group}: ${name}`, value: h });
    }
  }
  return out;
}

function htmlTables(data: RunReportData): ReportTable[] {
  const { summary, counts, energy } = data;
  const layers = compactLayerRows(counts, energy, summary);
  const leu = energyDisplayUnit(layers.slice(0, -1).flatMap((r) => [r.snnPJ, r.annPJ]));
  const modes = modeRows(summary);
  const meu = energyDisplayUnit(modes.flatMap((r) => [r.snnPJ, r.annPJ]));
  const mtu = timeDisplayUnit(modes.map((r) => r.latencyS));
  const notes = runNotes({ energyPreset: summary.paperEnergy.preset.name, node: nodeNote(summary), trained: summary.weights.trained, timesteps: summary.settings.timesteps });
  const tables: ReportTable[] = [
    reportTable('table-totals', 'Totals per image', totalsColumns(summary), [{ s: summary }], { notes }),
    reportTable('table-modes', 'Energy per inference: paper mode and hardware mode', modeColumns(meu, mtu), modes, { caption: 'Same rows as summary.tex.', notes }),
    reportTable('table-layers', 'Per-layer counts and paper-mode energy', compactLayerColumns(leu, countDisplayUnit(layers.slice(0, -1).flatMap((r) => [r.acExact, r.acLiterature, r.macs]))), layers, { caption: 'Same rows as layers.tex; every counter is in layers.csv.', notes }),
  ];
  const hw = summary.hardware ?? [];
  if (hw.length > 0) {
    const rows = hw.map((h): HwRow => ({ node: h.node, voltageV: h.voltageV, latencyS: h.latencyS, energyPJ: h.energyPerInferencePJ, leakagePJ: h.leakageEnergyPerInferencePJ, dramBytes: h.dramBytesPerInference, clockHz: h.clockHz }));
    tables.push(reportTable('table-hardware', 'Hardware mode per node', hwColumns(energyDisplayUnit(rows.map((r) => r.energyPJ)), timeDisplayUnit(rows.map((r) => r.latencyS))), rows, { caption: `Per inference, ${hw[0].accelerator}; compute.csv, access.csv and energy.csv hold the per-layer detail.` }));
  }
  if (summary.gap !== undefined && summary.gap.length > 0) {
    const gap = summary.gap;
    const geu = energyDisplayUnit(gap.map((g) => g.energyPJ));
    const firstNode = gap[0].node;
    tables.push(reportTable('table-gap', 'Why paper mode and hardware mode differ', gapColumns(geu), gap, {
      caption: 'Per image. From the paper-mode total, each step adds what the paper formula leaves out or prices differently; the deltas between two totals add up to their difference.',
      // Explanations as notes: they wrap, where a table cell would widen the table off the page.
      notes: gap.filter((g) => g.node === firstNode).map((g) => `${g.kind === 'total' ? g.label.replace(/ \(.*\)$/, '') : g.label}: ${g.explanation}.`),
    }));
  }
  return tables;
}

function htmlNotes(summary: ProfileSummary): string[] {
  const p = summary.paperEnergy.preset;
  return [
    ...(summary.weights.warning !== undefined ? [summary.weights.warning] : []),
    `Paper mode: E = N_AC x ${p.acPJ} pJ + N_MAC-class x ${p.macPJ} pJ (${p.name}); N_AC = dense MACs x zeta per spiking layer (Kundu et al. 2021), the exact count is reported beside it.`,
    'Hardware mode: the recorded spike trains are replayed on the accelerator model; energy = sum over actions of count x pJ per action (provenance below) plus leakage power x runtime.',
    'Per-image values are means over the profiled images; hardware mode uses the first images only (see settings).',
    'Charts: each is also in charts/ as Vega-Lite JSON (to restyle), SVG and PNG.',
  ];
}

// ---------------------------------------------------------------------------------------------

/** Write charts, LaTeX tables and report.html into `dir` (which already holds the CSVs). */
export async function writeRunReport(dir: string, data: RunReportData, options: RunReportOptions = {}): Promise<RunReportResult> {
  const files: string[] = [];
  const chartDir = join(dir, 'charts');
  const t0 = performance.now();
  const reportCharts: ReportChart[] = [];
  const pngJobs: Promise<void>[] = [];
  let pngMs = 0;
  const names: string[] = [];
  if (options.charts !== false) {
    await mkdir(chartDir, { recursive: true });
    const png = pngOptions();
    for (const plan of orderCharts(chartPlans(data))) {
      const svg = await renderSvg(plan.spec);
      const base = `charts/${plan.name}`;
      await writeFile(join(dir, `${base}.vl.json`), JSON.stringify(plan.spec, null, 2) + '\n');
      await writeFile(join(dir, `${base}.svg`), svg);
      // PNGs rasterise on libuv's thread pool while the next chart compiles on this thread.
      const started = performance.now();
      pngJobs.push(renderAsync(svg, png).then(async (img) => {
        await writeFile(join(dir, `${base}.png`), img.asPng());
        pngMs = Math.max(pngMs, performance.now() - started);
      }));
      files.push(`${base}.vl.json`, `${base}.svg`, `${base}.png`);
      names.push(plan.name);
      reportCharts.push({ id: `chart-${plan.name}`, title: plan.title, caption: plan.caption, svg, files: [`${base}.vl.json`, `${base}.svg`, `${base}.png`] });
    }
  }
  const tCharts = performance.now();

  await writeFile(join(dir, 'layers.tex'), layersTex(data));
  await writeFile(join(dir, 'summary.tex'), summaryTex(data));
  files.push('layers.tex', 'summary.tex');
  const tTables = performance.now();

  const s = data.summary;
  const input: ReportInput = {
    title: `stcsim report: ${s.network}`,
    subtitle: `T = ${s.settings.timesteps}, ${s.images} image(s), paper mode ${s.paperEnergy.preset.name}${s.hardware?.length ? `, hardware mode ${s.hardware[0].accelerator} at ${s.hardware.map((h) => h.node).join(', ')}` : ''}`,
    generatedAt: s.createdAt,
    tool: { name: s.tool.name, version: s.tool.version },
    keyFigures: keyFigures(s),
    settings: settingsList(s, data),
    charts: reportCharts,
    tables: htmlTables(data),
    provenance: provenanceRecords(data.energy.preset, data.hardware?.results ?? []),
    notes: htmlNotes(s),
  };
  await writeFile(join(dir, 'report.html'), renderReportHtml(input));
  files.push('report.html');
  const tHtml = performance.now();
  await Promise.all(pngJobs);
  return {
    files,
    charts: names,
    timingsMs: { charts: tCharts - t0, png: pngMs, tables: tTables - tCharts, html: tHtml - tTables },
  };
}

/** Chart order on the page: hardware energy and the gap first, then paper mode and activity. */
function orderCharts(plans: ChartPlan[]): ChartPlan[] {
  const order = ['energy-by-component', 'waterfall', 'paper-energy', 'firing-rate'];
  return [...plans].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/** A standalone document with both tables (for a compile check or a preview). */
export function latexPreview(data: RunReportData): string {
  return latexDocument([layersTex(data), summaryTex(data)]);
}
