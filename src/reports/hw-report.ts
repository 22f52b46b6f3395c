/**
 * Hardware-mode files of a run folder (fixed names, one row per layer or per layer x component,
 * a `node` column when several nodes were evaluated):
 *   compute.csv  cycles, stalls by cause, utilisation
 *   access.csv   reads/writes per buffer and DRAM, bits
 *   energy.csv   energy per layer x component, pJ
 *   actions.csv  the per-action energy table actually used, with sources and scaling
 *   gap.csv      paper mode -> hardware mode, component by component
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessRows, actionRows, computeRows, energyRows, summary, type HwSummary, type Table } from './hw-tables.ts';
import type { SimResult } from '../energy/price.ts';
import type { GapStep } from '../energy/gap.ts';
import { toCsv, toTerminalTable, type CellValue, type Column } from './table.ts';

export const HW_FILES = ['compute.csv', 'access.csv', 'energy.csv', 'actions.csv', 'gap.csv'] as const;

type Row = Record<string, CellValue>;

/** Definitions of every hardware column (also the source of docs/columns.md). */
export const HW_COLUMN_DOCS: Readonly<Record<string, string>> = {
  node: 'Process node the row was evaluated at.',
  layer: 'Weight layer.',
  kind: 'stcb: STEB -> AC array -> CAB; mac: dense layer on the CAB lanes.',
  images: 'Images replayed; per-layer values are sums over them.',
  cycles: 'Layer latency in clock cycles (stages overlap per the timing option; stalls included).',
  runtime_s: 'cycles / clock, seconds.',
  encoder_busy_cycles: 'Cycles the encoder lanes work: ceil(T*N_in / lanes) and per-step rounding.',
  ac_busy_cycles: 'Cycles the AC array works, including partial-chunk overhead.',
  cab_busy_cycles: 'Cycles the CAB lanes work (also MAC layers).',
  ac_chunk_overhead_cycles: 'AC cycles beyond sum_t ceil(A_t / lanes): border spikes and partial lane chunks.',
  util_encoder: 'Encoder ops / (cycles * encoder lanes).',
  util_ac: 'ACs / (cycles * AC lanes).',
  util_cab: 'CAB or MAC ops / (cycles * CAB lanes).',
  bound_encoder_cycles: 'Lower bound ceil(T*N_in / encoder lanes) (DESIGN.md 6.1).',
  bound_ac_cycles: 'Lower bound sum_t ceil(A_t / AC lanes).',
  bound_cab_cycles: 'Lower bound ceil(T*N_out / CAB lanes).',
  bound_dram_cycles: 'Lower bound DRAM bits / bandwidth, in cycles.',
  cout_tile: 'Output channels per tile (so partial sums and weights fit).',
  row_tile: 'Output rows per tile.',
  tiles: 'Tiles per image.',
  spikes: 'Spikes replayed.',
  acs: 'Exact ACs replayed.',
  memory: 'Buffer (SRAM) or DRAM.',
  read_bits: 'Bits read.',
  write_bits: 'Bits written.',
  total_bytes: '(read + write bits) / 8.',
  component: 'Hardware component.',
  dynamic_energy_pJ: 'Sum of count x pJ over the component\'s actions, pJ.',
  leakage_energy_pJ: 'Leakage power x runtime, pJ.',
  energy_pJ: 'Dynamic + leakage energy, pJ.',
  action: 'Action of the component (add, mult, read, write, leak, ...).',
  unit: 'What one action is: op, bit or cycle.',
  pJ_per_action: 'Energy of one action at this node and voltage, pJ.',
  source: 'Bibliography key of the reference value (hw-models/bibliography.json), or user.',
  estimator: 'How the value was derived from the reference.',
  scaling: 'Process-node / voltage scaling applied.',
  count: 'Actions counted over all layers and images.',
};

/** Where a column means something else in one file than the shared definition says. */
const FILE_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'actions.csv': { energy_pJ: 'count x pJ_per_action, summed over layers and images, pJ.' },
};

/** Definition of a hardware column; stall columns (one per cause) are documented from their name. */
export function docFor(key: string, file?: string): string | undefined {
  const stall = /^stall_(.+)_cycles$/.exec(key);
  if (stall) return `Stall cycles caused by ${stall[1].replace(/_/g, '-')}.`;
  return (file ? FILE_DOCS[file]?.[key] : undefined) ?? HW_COLUMN_DOCS[key];
}

function columnsOf(t: Table, withNode: boolean, file: string): Column<Row>[] {
  const keys = withNode ? ['node', ...t.columns] : t.columns;
  return keys.map((key) => ({ key, header: key, value: (r: Row) => r[key] ?? '', doc: docFor(key, file) }));
}

function stacked(file: string, results: readonly SimResult[], rows: (r: SimResult) => Table): string {
  const tables = results.map(rows);
  const withNode = results.length > 1;
  const all = tables.flatMap((t, i) => t.rows.map((r) => (withNode ? { node: results[i].tech.node, ...r } : r)));
  return toCsv(columnsOf(tables[0], withNode, file), all);
}

export interface GapRow extends GapStep {
  node: string;
}

export const GAP_COLUMNS: Column<GapRow>[] = [
  { key: 'node', header: 'Node', value: (r) => r.node, doc: 'Process node.' },
  { key: 'step', header: 'Step', value: (r) => r.label, doc: 'Paper-mode total, a difference, or the hardware-mode total.' },
  { key: 'kind', header: 'Kind', value: (r) => r.kind, doc: 'total or delta; the deltas between two totals add up to their difference.' },
  { key: 'energy', header: 'Energy', unit: 'pJ', value: (r) => r.energyPJ, format: 'float', digits: 0, doc: 'Per image, pJ.' },
  { key: 'explanation', header: 'Explanation', value: (r) => r.explanation, doc: 'What the step accounts for.' },
];

export function writeHardwareReport(dir: string, results: readonly SimResult[], gaps: readonly GapStep[][]): HwSummary[] {
  if (results.length === 0) return [];
  writeFileSync(join(dir, 'compute.csv'), stacked('compute.csv', results, computeRows));
  writeFileSync(join(dir, 'access.csv'), stacked('access.csv', results, accessRows));
  writeFileSync(join(dir, 'energy.csv'), stacked('energy.csv', results, energyRows));
  writeFileSync(join(dir, 'actions.csv'), stacked('actions.csv', results, actionRows));
  writeFileSync(join(dir, 'gap.csv'), toCsv(GAP_COLUMNS, gapRows(results, gaps)));
  return results.map(summary);
}

export function gapRows(results: readonly SimResult[], gaps: readonly GapStep[][]): GapRow[] {
  return gaps.flatMap((steps, i) => steps.map((s) => ({ ...s, node: results[i].tech.node })));
}

/** The terminal's hardware table (one row per node). */
export const HW_TERMINAL: Column<HwSummary>[] = [
  { key: 'node', header: 'Node', value: (s) => `${s.node} ${s.voltageV} V`, doc: 'Process node and supply voltage.' },
  { key: 'latency', header: 'Latency', unit: 'ms', value: (s) => s.latencyS * 1e3, format: 'float', digits: 3, doc: 'Cycles / clock of one inference.' },
  { key: 'energy', header: 'Energy/inference', unit: 'uJ', value: (s) => s.energyPerInferencePJ / 1e6, format: 'float', digits: 2, doc: 'STCB chip, dynamic + leakage, per inference.' },
  { key: 'leakage', header: 'of which leakage', unit: 'uJ', value: (s) => s.leakageEnergyPerInferencePJ / 1e6, format: 'float', digits: 2, doc: 'Leakage power x runtime.' },
  { key: 'edp', header: 'EDP', unit: 'uJ*ms', value: (s) => s.edpPJs * 1e-3, format: 'float', digits: 3, doc: 'Energy-delay product per inference.' },
  { key: 'dram', header: 'DRAM', unit: 'KiB', value: (s) => s.dramBytesPerInference / 1024, format: 'float', digits: 1, doc: 'DRAM traffic per inference.' },
  { key: 'ann', header: 'ANN twin', unit: 'uJ', value: (s) => (s.annTwin?.energyPerInferencePJ ?? NaN) / 1e6, format: 'float', digits: 2, doc: 'The ANN on a MAC array of the same compute area.' },
  { key: 'ratio', header: 'ANN/STCB', value: (s) => s.annTwin?.energyRatioAnnOverSnn ?? NaN, format: 'float', digits: 2, doc: 'ANN twin energy / STCB chip energy.' },
  { key: 'lif', header: 'LIF twin', unit: 'uJ', value: (s) => (s.lifTwin?.energyPerInferencePJ ?? NaN) / 1e6, format: 'float', digits: 2, doc: 'Conventional LIF-SNN chip replaying the same spikes.' },
  { key: 'lif_ratio', header: 'LIF/STCB', value: (s) => s.lifTwin?.energyRatioLifOverStcb ?? NaN, format: 'float', digits: 3, doc: 'LIF twin energy / STCB chip energy.' },
];

export function hardwareTerminalTable(summaries: readonly HwSummary[]): string {
  return toTerminalTable(HW_TERMINAL, summaries);
}
