/**
 * Rows and column specs of the run report's human tables (layers.tex, summary.tex and the tables of
 * report.html): compact per-layer counts, paper mode vs hardware mode, totals, hardware per node,
 * the paper -> hardware gap. Display units (uJ, M ops) are picked from the data; nothing is recomputed.
 */
import type { NetworkCounts } from '../counts/types.ts';
import type { GapStep } from '../energy/gap.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { SimResult } from '../energy/price.ts';
import type { DisplayUnit } from './charts/theme.ts';
import type { GapRow } from './hw-columns.ts';
import type { ProfileSummary } from './profile-report.ts';
import type { Column } from './table.ts';
import { assumedNotes, nodeLabel } from './hw-report.ts';

export interface RunReportData {
  summary: ProfileSummary;
  counts: NetworkCounts;
  energy: PaperEnergy;
  /** Hardware replay, one result and gap chain per node (absent with --no-hardware). */
  hardware?: { results: readonly SimResult[]; gaps: readonly GapStep[][] };
}

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
      mode: 'Hardware', node: `${nodeLabel(h)}, ${h.voltageV} V`, snnPJ: h.energyPerInferencePJ,
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

export interface TotalsRow { s: ProfileSummary }

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

export function gapColumns(eu: DisplayUnit): Column<GapRow>[] {
  return [
    { key: 'node', header: 'Node', value: (r) => r.node },
    { key: 'step', header: 'Step', value: (r) => r.label },
    { key: 'kind', header: 'Kind', value: (r) => r.kind, doc: 'total, or delta: the energy this step adds (negative: removes).' },
    { key: 'energy', header: 'Energy', unit: eu.unit, value: (r) => r.energyPJ * eu.factor, format: 'float', digits: 3, doc: 'Per image.' },
  ];
}

export interface HwRow { node: string; voltageV: number; latencyS: number; energyPJ: number; leakagePJ: number; dramBytes: number; clockHz: number }

export function hwColumns(eu: DisplayUnit, tu: DisplayUnit): Column<HwRow>[] {
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

/** The hardware-mode nodes of a run, for table notes. */
export function nodeNote(summary: ProfileSummary): string {
  const hw = summary.hardware ?? [];
  return hw.length === 0 ? 'none (paper mode only)' : hw.map((h) => `${nodeLabel(h)} at ${h.voltageV} V`).join(', ');
}

/** Notes for every table that names the run's nodes: each interpolated or assumed constant, marked. */
export function assumedNodeNotes(summary: ProfileSummary): string[] {
  return assumedNotes(summary.hardware ?? []);
}
