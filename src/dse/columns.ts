/**
 * dse.csv and pareto.csv columns; the swept axes come first, one column each. `feasible` is the last
 * column: run.ts recomputes it from the constraints when it rewrites the file, so a resumed sweep
 * with other constraints marks every row by the current ones.
 */
import { BUFFER_COMPONENTS } from '../arch/accelerator.ts';
import { csvHeader, type Column } from '../reports/table.ts';
import { shortId } from '../util/hashes.ts';
import type { DseRow } from './evaluate.ts';
import type { Axis } from './space.ts';

/** Components of the STCB chip that take area (the chip's ART rows), in report order. */
export const AREA_COMPONENTS = ['encoder', 'ac_array', 'cab', ...BUFFER_COMPONENTS] as const;
/** Components the STCB chip spends energy in (its ERT's components), in report order. */
export const ENERGY_COMPONENTS = ['encoder', 'ac_array', 'cab', 'bn', ...BUFFER_COMPONENTS, 'dram'] as const;
/** Stages whose utilisation dse.csv reports (mean over layers weighted by cycles). */
export const UTILISATION_STAGES = ['ac', 'cab', 'encoder'] as const;

/** A value the sweep derived for a point rather than swept: --fixed-area's solved buffer capacity. */
export interface DerivedColumn {
  /** Buffer whose capacity was solved (weight_buffer, ...). */
  buffer: string;
}

const STAGE_NAMES: Record<(typeof UTILISATION_STAGES)[number], string> = { ac: 'AC array', cab: 'CAB', encoder: 'encoder' };

function axisColumn(a: Axis): Column<DseRow> {
  const numeric = a.values.every((v) => typeof v === 'number');
  return {
    key: a.key, header: a.key, value: (r) => r.values[a.key] ?? '', ...(numeric ? {} : { format: 'text' as const }),
    doc: `Swept value of ${a.key}.`, docUnit: 'as swept (a bare number in a width field means bits)',
  };
}

export function dseColumns(axes: readonly Axis[], derived?: DerivedColumn): Column<DseRow>[] {
  return [
    { key: 'id', header: 'Point', value: (r) => r.id, format: 'text', doc: 'Content hash of the design point (network setting, hardware, technology, tool version).', docUnit: 'hash' },
    ...axes.map(axisColumn),
    ...(derived ? [{
      key: `${derived.buffer}_capacity`, header: `${derived.buffer} capacity`, unit: 'bits', value: (r: DseRow) => r.fixedAreaBits ?? '',
      doc: `Capacity of ${derived.buffer} solved so that the chip's area equals the base accelerator's (--fixed-area).`,
    }] : []),
    { key: 'network_key', header: 'Trace', value: (r) => shortId(r.networkKey), format: 'text', doc: 'Content hash of the network setting (model, images, STCB settings, weight and activation widths the network ran at); points with the same key replay the same spike trace.', docUnit: 'hash' },
    { key: 'accuracy', header: 'Accuracy', value: (r) => r.accuracy ?? '', format: 'float', digits: 4, doc: 'Top-1 accuracy on the labelled images, the network run at the point\'s weight and activation widths unless --no-quantize (empty without labels).', docUnit: 'fraction, 0-1' },
    { key: 'firing_rate', header: 'Firing rate', value: (r) => r.firingRate, format: 'float', digits: 4, doc: 'Spikes / (input neurons x T) over all spiking layers.', docUnit: 'spikes / (neuron x step), 0-1' },
    { key: 'spikes', header: 'Spikes', value: (r) => r.spikesPerImage, doc: 'Spikes per image, all spiking layers.', docUnit: 'spikes per image' },
    { key: 'acs', header: 'ACs', value: (r) => r.acsPerImage, doc: 'Exact synaptic additions per image.', docUnit: 'ACs per image' },
    { key: 'paper_snn', header: 'Paper SNN', unit: 'pJ', value: (r) => r.paperSnnPJ, format: 'float', digits: 0, doc: 'Paper-mode SNN energy per image (formula AC count, the run\'s energy preset).' },
    { key: 'paper_ann', header: 'Paper ANN', unit: 'pJ', value: (r) => r.paperAnnPJ, format: 'float', digits: 0, doc: 'Paper-mode ANN-twin energy per image.' },
    { key: 'energy', header: 'Energy', unit: 'pJ', value: (r) => r.energyPJ, format: 'float', digits: 0, doc: 'Hardware-mode energy per inference (dynamic + leakage).' },
    { key: 'dynamic', header: 'Dynamic', unit: 'pJ', value: (r) => r.dynamicPJ, format: 'float', digits: 0, doc: 'Hardware-mode dynamic energy per inference.' },
    { key: 'leakage', header: 'Leakage', unit: 'pJ', value: (r) => r.leakagePJ, format: 'float', digits: 0, doc: 'Leakage energy per inference (power x runtime).' },
    { key: 'latency', header: 'Latency', unit: 's', value: (r) => r.latencyS, format: 'sci', digits: 4, doc: 'Runtime of one inference.' },
    { key: 'cycles', header: 'Cycles', value: (r) => r.cycles, doc: 'Clock cycles of one inference.', docUnit: 'cycles per inference' },
    // Not a `_s` unit suffix (that would read as seconds): the column is a rate.
    { key: 'throughput_per_s', header: 'Throughput (1/s)', value: (r) => r.throughputPerS, format: 'float', digits: 1, doc: 'Inferences per second, images one after another.', docUnit: 'inferences per second' },
    { key: 'edp', header: 'EDP', unit: 'pJs', value: (r) => r.edpPJs, format: 'sci', digits: 4, doc: 'Energy-delay product per inference, pJ x s.' },
    { key: 'dram', header: 'DRAM', unit: 'bytes', value: (r) => r.dramBytes, doc: 'DRAM traffic per inference.' },
    { key: 'ann_twin', header: 'ANN twin', unit: 'pJ', value: (r) => r.annTwinPJ, format: 'float', digits: 0, doc: 'Hardware-mode energy of the ANN twin on a MAC array of the same compute area.' },
    { key: 'lif_twin', header: 'LIF twin', unit: 'pJ', value: (r) => r.lifTwinPJ, format: 'float', digits: 0, doc: 'Hardware-mode energy of the conventional LIF-SNN twin (membranes read and written every step) replaying the same spikes.' },
    { key: 'area', header: 'Area', unit: 'mm2', value: (r) => r.areaMm2, format: 'float', digits: 4, doc: 'Area of the STCB chip at the point\'s node: its on-chip components (DRAM excluded), from the area reference table.', docUnit: 'mm^2' },
    ...AREA_COMPONENTS.map((c): Column<DseRow> => ({
      key: `area_${c}`, header: `Area ${c}`, unit: 'mm2', value: (r) => r.areaByComponentMm2[c] ?? 0, format: 'float', digits: 4,
      doc: `Area of ${c} at the point's node.`, docUnit: 'mm^2',
    })),
    ...ENERGY_COMPONENTS.map((c): Column<DseRow> => ({
      key: `energy_${c}`, header: `Energy ${c}`, unit: 'pJ', value: (r) => r.energyByComponentPJ[c] ?? 0, format: 'float', digits: 0,
      doc: `Energy of ${c} per inference (dynamic + leakage${c === 'dram' ? '; DRAM does not leak on chip' : ''}).`,
    })),
    ...UTILISATION_STAGES.map((s): Column<DseRow> => ({
      key: `util_${s}`, header: `Util ${STAGE_NAMES[s]}`, value: (r) => r.utilisation[s], format: 'pct', digits: 1,
      doc: `Utilisation of the ${STAGE_NAMES[s]}: work / (cycles x lanes) per layer, mean over layers weighted by their cycles.`, docUnit: 'fraction, 0-1',
    })),
    { key: 'bottleneck', header: 'Bottleneck', value: (r) => r.bottleneck, format: 'text', doc: 'The stage (encoder, ac, cab: busy cycles) or stall cause (psum-port, weight-port, bank-conflict, spike-port, act-port, dram, pipeline) with the most cycles summed over layers.', docUnit: 'name' },
    { key: 'feasible', header: 'Feasible', value: (r) => r.feasible ?? true, format: 'text', doc: 'True when the point meets every --constraint (always true without constraints); infeasible points are kept here but are never on the Pareto front.', docUnit: 'true / false' },
  ];
}

/** CSV headers of the columns holding numbers (what objectives and constraints may name). */
export function numericHeaders(columns: readonly Column<DseRow>[]): string[] {
  return columns.filter((c) => c.format !== 'text').map((c) => csvHeader(c));
}
