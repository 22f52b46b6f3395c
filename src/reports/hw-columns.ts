/**
 * Column specs of the hardware-mode files (compute.csv, access.csv, energy.csv, actions.csv,
 * gap.csv) and of the terminal's hardware table. Each spec is the single definition of its columns:
 * the CSV writer, the golden report and docs/columns.md (scripts/gen-docs.ts) all read it.
 *
 * The CSV files are for machines only (no Markdown/LaTeX/HTML table shows them), so a column's
 * header is its CSV name, units in the name (`runtime_s`, `read_bits`, `energy_pJ`).
 */
import type { ArtEntry } from '../energy/art.ts';
import type { ErtEntry } from '../energy/ert.ts';
import type { GapStep } from '../energy/gap.ts';
import type { LayerResult } from '../energy/price.ts';
import { STALL_CAUSES, type StallCause } from '../hw/layer-sim.ts';
import type { CellValue, Column } from './table.ts';

/** One row of access.csv: a layer's traffic at one memory, per image (mean over `images`). */
export interface AccessRow { layer: string; memory: string; images: number; readBits: number; writeBits: number }
/** One row of energy.csv: a layer's energy in one component, per image (mean over `images`). */
export interface EnergyRow { layer: string; component: string; images: number; dynamicPJ: number; leakagePJ: number }
/** One row of actions.csv: an ERT entry and how often it was used per image (over all layers; mean over `images`). */
export interface ActionRow { entry: ErtEntry; images: number; count: number }
/** One row of gap.csv: a step at one node, per image over `images` replayed images. */
export interface GapRow extends GapStep { node: string; images: number }
/** A row of any hardware file evaluated at one of several nodes. */
export interface NodeRow<R> { node: string; row: R }

/** A CSV-only column: the CSV name doubles as its header. `docUnit` unset: the name's unit suffix. */
function csv<R>(key: string, value: (r: R) => CellValue, doc: string, docUnit?: string): Column<R> {
  return { key, header: key, value, doc, ...(docUnit !== undefined ? { docUnit } : {}) };
}

const layer = <R extends { layer: string }>(): Column<R> => csv('layer', (r) => r.layer, 'Weight layer.', 'name');
const component = <R>(get: (r: R) => string): Column<R> => csv('component', get, 'Hardware component.', 'name');

/** A quantity the replay sums over the replayed images, shown per image (mean over them). */
const perImage = (l: LayerResult, v: number): number => v / Math.max(l.images, 1);

/** The `images` column every hardware file carries (several images: every other value is their mean). */
const imagesColumn = <R extends { images: number }>(): Column<R> =>
  csv('images', (r) => r.images, 'Images replayed on the hardware model; every count, energy, cycle and traffic value in the row is per image (the mean over these images).', 'images');

const stallColumn = (c: StallCause): Column<LayerResult> =>
  csv(`stall_${c.replace('-', '_')}_cycles`, (l) => perImage(l, l.stalls[c]), `Stall cycles caused by ${c}, per image.`);

/** compute.csv: one row per layer: cycles, busy cycles per stage, stalls by cause, utilisation, bounds, tiling. */
export const COMPUTE_COLUMNS: Column<LayerResult>[] = [
  layer(),
  csv('kind', (l) => l.kind, 'stcb: STEB -> AC array -> CAB; mac: dense layer on the CAB lanes.', 'name'),
  imagesColumn(),
  csv('cycles', (l) => perImage(l, l.cycles), 'Layer latency per image in clock cycles (stages overlap per the timing option; stalls included). Summed over the rows: the latency per inference of summary.json.', 'cycles per image'),
  csv('runtime_s', (l) => perImage(l, l.runtimeS), 'cycles / clock, seconds per image.'),
  csv('encoder_busy_cycles', (l) => perImage(l, l.stageCycles.encoder), 'Cycles per image the encoder lanes work: ceil(T*N_in / lanes) and per-step rounding.'),
  csv('ac_busy_cycles', (l) => perImage(l, l.stageCycles.ac), 'Cycles per image the AC array works, including partial-chunk overhead.'),
  csv('cab_busy_cycles', (l) => perImage(l, l.stageCycles.cab), 'Cycles per image the CAB lanes work (also MAC layers).'),
  ...STALL_CAUSES.map(stallColumn),
  csv('ac_chunk_overhead_cycles', (l) => perImage(l, l.acChunkOverheadCycles), 'AC cycles per image beyond sum_t ceil(A_t / lanes): border spikes and partial lane chunks.'),
  csv('util_encoder', (l) => l.utilisation.encoder, 'Encoder ops / (cycles * encoder lanes).', 'fraction, 0-1'),
  csv('util_ac', (l) => l.utilisation.ac, 'ACs / (cycles * AC lanes).', 'fraction, 0-1'),
  csv('util_cab', (l) => l.utilisation.cab, 'CAB or MAC ops / (cycles * CAB lanes).', 'fraction, 0-1'),
  csv('bound_encoder_cycles', (l) => perImage(l, l.bounds.encoder), 'Lower bound ceil(T*N_in / encoder lanes) per image (DESIGN.md 6.1).'),
  csv('bound_ac_cycles', (l) => perImage(l, l.bounds.ac), 'Lower bound sum_t ceil(A_t / AC lanes) per image.'),
  csv('bound_cab_cycles', (l) => perImage(l, l.bounds.cab), 'Lower bound ceil(T*N_out / CAB lanes) per image.'),
  csv('bound_dram_cycles', (l) => perImage(l, l.bounds.dram), 'Lower bound DRAM bits / bandwidth, in cycles per image.'),
  csv('cout_tile', (l) => l.tiling.coutTile, 'Output channels per tile (so partial sums and weights fit).', 'channels'),
  csv('row_tile', (l) => l.tiling.rowTile, 'Output rows per tile.', 'output rows'),
  csv('tiles', (l) => l.tiling.coutTiles * l.tiling.rowTiles, 'Tiles per image.', 'tiles'),
  csv('spikes', (l) => perImage(l, l.spikes), 'Spikes replayed, per image.', 'spikes per image'),
  csv('acs', (l) => perImage(l, l.acs), 'Exact ACs replayed, per image.', 'ACs per image'),
];

/** access.csv: layer x memory (each buffer, membrane_buffer for LIF-twin layers, DRAM). */
export const ACCESS_COLUMNS: Column<AccessRow>[] = [
  layer(),
  csv('memory', (r) => r.memory, 'Buffer (SRAM) or DRAM.', 'name'),
  imagesColumn(),
  csv('read_bits', (r) => r.readBits, 'Bits read per image. With weights resident in the weight buffer, the one DRAM load of the weights is shared by the replayed images (its share per image is counted).'),
  csv('write_bits', (r) => r.writeBits, 'Bits written per image.'),
  csv('total_bytes', (r) => (r.readBits + r.writeBits) / 8, '(read + write bits) / 8 per image. The dram rows summed over layers: dramBytesPerInference of summary.json.'),
];

/** energy.csv: layer x component. */
export const ENERGY_COLUMNS: Column<EnergyRow>[] = [
  layer(),
  component((r) => r.component),
  imagesColumn(),
  csv('dynamic_energy_pJ', (r) => r.dynamicPJ, 'Sum of count x pJ over the component\'s actions, pJ per image.'),
  csv('leakage_energy_pJ', (r) => r.leakagePJ, 'Leakage power x runtime, pJ per image.'),
  csv('energy_pJ', (r) => r.dynamicPJ + r.leakagePJ, 'Dynamic + leakage energy, pJ per image. Summed over all rows (of one node): energyPerInferencePJ of summary.json and the hardware-mode total of gap.csv.'),
];

/** area.csv: the area reference table (ART) of the chip and its twins at the node. */
export const AREA_COLUMNS: Column<ArtEntry>[] = [
  component((e) => e.component),
  csv('area_um2', (e) => e.areaUm2, 'Area of the component at this node (45 nm estimate x the node\'s area factor).', 'um^2'),
  csv('area_mm2', (e) => e.areaUm2 / 1e6, 'The same in mm^2.', 'mm^2'),
  csv('source', (e) => e.source, 'Bibliography key of the area law (hw-models/bibliography.json).', 'bibliography key'),
  csv('estimator', (e) => e.estimator, 'How the area was obtained (lanes x adder/multiplier areas, register bits, SRAM law).', 'text'),
  csv('scaling', (e) => e.scaling, 'Area factor from 45 nm to this node.', 'text'),
];

/** actions.csv: the ERT actually used, with counts per image summed over layers and the resulting energy. */
export const ACTION_COLUMNS: Column<ActionRow>[] = [
  component((r) => r.entry.component),
  csv('action', (r) => r.entry.action, 'Action of the component (add, mult, read, write, leak, ...).', 'name'),
  csv('unit', (r) => r.entry.unit, 'What one action is: op, bit or cycle.', 'op / bit / cycle'),
  csv('pJ_per_action', (r) => r.entry.pJ, 'Energy of one action at this node and voltage, pJ.', 'pJ per action'),
  csv('source', (r) => r.entry.source, 'Bibliography key of the reference value (hw-models/bibliography.json), or user.', 'bibliography key'),
  csv('estimator', (r) => r.entry.estimator, 'How the value was derived from the reference.', 'text'),
  csv('scaling', (r) => r.entry.scaling, 'Process-node / voltage scaling applied.', 'text'),
  imagesColumn(),
  csv('count', (r) => r.count, 'Actions per image, summed over all layers (the mean over the replayed images).', 'actions per image (op, bit or cycle)'),
  csv('energy_pJ', (r) => r.count * r.entry.pJ, 'count x pJ_per_action: pJ per image, summed over layers. Summed over all rows (of one node): energyPerInferencePJ of summary.json.'),
];

/** ert.csv (`stcsim ert`): every entry of the energy reference table, with no counts. */
export const ERT_COLUMNS: Column<ErtEntry>[] = ACTION_COLUMNS.slice(0, 7).map((c): Column<ErtEntry> => ({ ...c, value: (e) => c.value({ entry: e, images: 0, count: 0 }) }));

/**
 * The same columns behind a `node` column, for files that stack the rows of several nodes
 * (`--node 45,7`).
 */
export function withNode<R>(columns: readonly Column<R>[]): Column<NodeRow<R>>[] {
  return [
    csv('node', (r) => r.node, 'Process node the row was evaluated at. Only when several nodes are evaluated (`--node 45,7`); rows of each node follow each other.', 'name'),
    ...columns.map((c): Column<NodeRow<R>> => ({ ...c, value: (r) => c.value(r.row) })),
  ];
}

export const GAP_COLUMNS: Column<GapRow>[] = [
  { key: 'node', header: 'Node', value: (r) => r.node, doc: 'Process node.', docUnit: 'name' },
  { key: 'step', header: 'Step', value: (r) => r.label, doc: 'Paper-mode total, a difference, or the hardware-mode total.', docUnit: 'text' },
  { key: 'kind', header: 'Kind', value: (r) => r.kind, doc: 'total or delta; the deltas between two totals add up to their difference.', docUnit: 'total / delta' },
  { key: 'images', header: 'Images', value: (r) => r.images, format: 'int', doc: 'Images replayed on the hardware model (paper mode is taken over the same images); energies are per image, the mean over them.', docUnit: 'images' },
  { key: 'energy', header: 'Energy', unit: 'pJ', value: (r) => r.energyPJ, format: 'float', digits: 0, doc: 'Per image, pJ. The hardware-mode total equals the sum of energy.csv and energyPerInferencePJ of summary.json.' },
  { key: 'explanation', header: 'Explanation', value: (r) => r.explanation, doc: 'What the step accounts for.', docUnit: 'text' },
];
