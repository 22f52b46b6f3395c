/**
 * Hardware-mode files of a run folder (fixed names, one row per layer or per layer x component,
 * a `node` column when several nodes were evaluated):
 *   compute.csv  cycles, stalls by cause, utilisation
 *   access.csv   reads/writes per buffer and DRAM, bits
 *   energy.csv   energy per layer x component, pJ
 *   actions.csv  the per-action energy table actually used, with sources and scaling
 *   area.csv     the per-component area table (ART) at the node, with sources and scaling
 *   gap.csv      paper mode -> hardware mode, component by component
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtEntry } from '../energy/art.ts';
import type { ErtEntry } from '../energy/ert.ts';
import type { GapStep } from '../energy/gap.ts';
import type { SimResult } from '../energy/price.ts';
import { GAP_COLUMNS, withNode, type GapRow } from './hw-columns.ts';
import { AREA_TABLE, ACCESS_TABLE, ACTION_TABLE, COMPUTE_TABLE, ENERGY_TABLE, summary, type HwSummary, type HwTable } from './hw-tables.ts';
import { toCsv, toTerminalTable, type Column } from './table.ts';
import { ASSUMED_MARK } from './assumed.ts';
import { toMarkdownTable } from './markdown.ts';

export const HW_FILES = ['compute.csv', 'access.csv', 'energy.csv', 'actions.csv', 'area.csv', 'gap.csv'] as const;

/**
 * One file's rows for every node; with several nodes each row is prefixed by its node and the
 * nodes' rows follow each other.
 */
function stackedCsv<R>(table: HwTable<R>, results: readonly SimResult[]): string {
  if (results.length === 1) return toCsv(table.columns, table.rows(results[0]));
  return toCsv(withNode(table.columns), results.flatMap((r) => table.rows(r).map((row) => ({ node: r.tech.node, row }))));
}

export function writeHardwareReport(dir: string, results: readonly SimResult[], gaps: readonly GapStep[][]): HwSummary[] {
  if (results.length === 0) return [];
  const write = <R>(table: HwTable<R>): void => writeFileSync(join(dir, table.file), stackedCsv(table, results));
  write(COMPUTE_TABLE);
  write(ACCESS_TABLE);
  write(ENERGY_TABLE);
  write(ACTION_TABLE);
  write(AREA_TABLE);
  writeFileSync(join(dir, 'gap.csv'), toCsv(GAP_COLUMNS, gapRows(results, gaps)));
  const summaries = results.map(summary);
  // table.md is written with the paper-mode tables first; the hardware section follows once priced.
  if (existsSync(join(dir, 'table.md'))) appendFileSync(join(dir, 'table.md'), hardwareMarkdown(summaries));
  return summaries;
}

export function gapRows(results: readonly SimResult[], gaps: readonly GapStep[][]): GapRow[] {
  return gaps.flatMap((steps, i) => steps.map((s) => ({ ...s, node: results[i].tech.node, images: results[i].images })));
}

/** The terminal's hardware table (one row per node). */
export const HW_TERMINAL: Column<HwSummary>[] = [
  { key: 'node', header: 'Node', value: (s) => `${nodeLabel(s)} ${s.voltageV} V`, doc: `Process node and supply voltage; ${ASSUMED_MARK}: interpolated or assumed constants, listed under the table.` },
  { key: 'latency', header: 'Latency', unit: 'ms', value: (s) => s.latencyS * 1e3, format: 'float', digits: 3, doc: 'Cycles / clock of one inference.' },
  { key: 'energy', header: 'Energy/inference', unit: 'uJ', value: (s) => s.energyPerInferencePJ / 1e6, format: 'float', digits: 2, doc: 'STCB chip, dynamic + leakage, per inference.' },
  { key: 'leakage', header: 'of which leakage', unit: 'uJ', value: (s) => s.leakageEnergyPerInferencePJ / 1e6, format: 'float', digits: 2, doc: 'Leakage power x runtime.' },
  { key: 'edp', header: 'EDP', unit: 'uJ*ms', value: (s) => s.edpPJs * 1e-3, format: 'float', digits: 3, doc: 'Energy-delay product per inference.' },
  { key: 'area', header: 'Area', unit: 'mm2', value: (s) => s.areaMm2, format: 'float', digits: 3, doc: 'On-chip area at the node (lanes, array registers, SRAM; no DRAM): the area reference table summed.' },
  { key: 'dram', header: 'DRAM', unit: 'KiB', value: (s) => s.dramBytesPerInference / 1024, format: 'float', digits: 1, doc: 'DRAM traffic per inference.' },
  { key: 'ann', header: 'ANN twin', unit: 'uJ', value: (s) => (s.annTwin?.energyPerInferencePJ ?? NaN) / 1e6, format: 'float', digits: 2, doc: 'The ANN on a systolic MAC array of the same compute area.' },
  { key: 'ratio', header: 'ANN/STCB', value: (s) => s.annTwin?.energyRatioAnnOverSnn ?? NaN, format: 'float', digits: 2, doc: 'ANN twin energy / STCB chip energy.' },
  { key: 'lif', header: 'LIF twin', unit: 'uJ', value: (s) => (s.lifTwin?.energyPerInferencePJ ?? NaN) / 1e6, format: 'float', digits: 2, doc: 'Conventional LIF-SNN chip replaying the same spikes.' },
  { key: 'lif_ratio', header: 'LIF/STCB', value: (s) => s.lifTwin?.energyRatioLifOverStcb ?? NaN, format: 'float', digits: 3, doc: 'LIF twin energy / STCB chip energy.' },
];

/** `stcsim ert`'s terminal tables: every ERT entry, and every ART entry. */
const ERT_TERMINAL: Column<ErtEntry>[] = [
  { key: 'component', header: 'Component', value: (e) => e.component },
  { key: 'action', header: 'Action', value: (e) => e.action },
  { key: 'unit', header: 'Per', value: (e) => e.unit },
  { key: 'pJ', header: 'Energy', unit: 'pJ', value: (e) => e.pJ, format: 'float', digits: 4 },
  { key: 'source', header: 'Source', value: (e) => e.source },
  { key: 'estimator', header: 'Estimator', value: (e) => e.estimator },
];
const ART_TERMINAL: Column<ArtEntry>[] = [
  { key: 'component', header: 'Component', value: (e) => e.component },
  { key: 'area', header: 'Area', unit: 'mm2', value: (e) => e.areaUm2 / 1e6, format: 'float', digits: 4 },
  { key: 'source', header: 'Source', value: (e) => e.source },
  { key: 'estimator', header: 'Estimator', value: (e) => e.estimator },
];
export const ertTerminalTable = (entries: readonly ErtEntry[]): string => toTerminalTable(ERT_TERMINAL, entries);
export const artTerminalTable = (entries: readonly ArtEntry[]): string => toTerminalTable(ART_TERMINAL, entries);

/** The node's name, marked when it rests on interpolated or assumed constants. */
export function nodeLabel(s: Pick<HwSummary, 'node' | 'assumedConstants'>): string {
  return s.assumedConstants.length > 0 ? `${s.node}${ASSUMED_MARK}` : s.node;
}

/** The notes under every table that prints nodes: one line per interpolated or assumed constant. */
export function assumedNotes(summaries: readonly Pick<HwSummary, 'assumedConstants'>[]): string[] {
  return summaries.flatMap((s) => s.assumedConstants.map((a) => `${ASSUMED_MARK} ${a}`));
}

export function hardwareTerminalTable(summaries: readonly HwSummary[]): string {
  const notes = assumedNotes(summaries);
  return toTerminalTable(HW_TERMINAL, summaries) + (notes.length > 0 ? `${notes.join('\n')}\n` : '');
}

/**
 * table.md's hardware section (appended after the per-layer table once the replay is priced): the
 * terminal's hardware table in Markdown, with the interpolated or assumed constants as notes.
 */
export function hardwareMarkdown(summaries: readonly HwSummary[]): string {
  const images = summaries[0]?.images ?? 0;
  return `\n## Hardware mode (${summaries[0]?.accelerator ?? ''}, per inference, ${images} image(s) replayed)\n\n` +
    toMarkdownTable(HW_TERMINAL, summaries, { notes: assumedNotes(summaries) });
}
