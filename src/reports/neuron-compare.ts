/**
 * compare.csv (`profile --neuron lif|mlif`, issue 15): the STCB network on the STCB chip, the
 * LIF-family network on the LIF chip (its own spikes) and the ANN twin on its systolic array, side by
 * side per node: accuracy, spikes, energy (total and by component), latency, area and the LIF chip's
 * membrane traffic. One row per (node, design); per-inference means over the replayed images.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimResult, Totals } from '../energy/price.ts';
import { toCsv, type Column } from './table.ts';

export interface CompareRow {
  node: string;
  design: 'stcb' | 'lif' | 'mlif' | 'ann';
  /** Top-1 accuracy of the network that produced the spikes (the ANN twin: not run, NaN). */
  accuracy: number;
  spikesPerInference: number;
  energyPJ: number;
  latencyS: number;
  areaMm2: number;
  membraneBits: number;
  energyByComponentPJ: Record<string, number>;
}

/** Components with a column of their own, in the registry's order. */
export const COMPARE_COMPONENTS = ['encoder', 'ac_array', 'cab', 'bn', 'mac_array', 'lif_neuron', 'weight_buffer', 'act_buffer', 'spike_buffer', 'psum_buffer', 'membrane_buffer', 'dram'] as const;

export const COMPARE_COLUMNS: Column<CompareRow>[] = [
  { key: 'node', header: 'Node', value: (r) => r.node, docUnit: 'name', doc: 'Process node of the hardware model.' },
  { key: 'design', header: 'Design', value: (r) => r.design, docUnit: 'name', doc: 'stcb: the STCB network on the STCB chip; lif / mlif: the LIF-family network on the LIF chip, replaying its own spikes; ann: the ANN twin on a systolic array of the same compute area.' },
  { key: 'accuracy', header: 'Accuracy', value: (r) => r.accuracy, format: 'pct', digits: 2, docUnit: 'fraction, 0-1', doc: 'Top-1 accuracy of that network on the profiled images (ANN twin: not run, empty).' },
  { key: 'spikes', header: 'Spikes/inference', value: (r) => r.spikesPerInference, format: 'float', digits: 0, docUnit: 'spikes per inference', doc: 'Spike events into the spiking layers per inference, all steps (a multi-threshold spike counts once; its level is payload).' },
  { key: 'energy', header: 'Energy/inference', unit: 'pJ', value: (r) => r.energyPJ, format: 'float', digits: 0, doc: 'Dynamic + leakage energy per inference.' },
  { key: 'latency', header: 'Latency', unit: 's', value: (r) => r.latencyS, format: 'sci', digits: 3, doc: 'Cycles / clock of one inference.' },
  { key: 'area', header: 'Area', unit: 'mm2', value: (r) => r.areaMm2, format: 'float', digits: 3, doc: 'On-chip area of that design at the node.' },
  { key: 'membrane_traffic', header: 'Membrane traffic', unit: 'bits', value: (r) => r.membraneBits, format: 'int', doc: 'Membrane potential reads + writes per inference (membrane_buffer): T x neurons x membrane width, each way; 0 for STCB and ANN.' },
  ...COMPARE_COMPONENTS.map((c): Column<CompareRow> => ({
    key: `energy_${c}`, header: `E ${c}`, unit: 'pJ', value: (r) => r.energyByComponentPJ[c] ?? 0, format: 'float', digits: 0,
    doc: `Energy of component ${c} per inference (dynamic + its leakage).`,
  })),
];

function row(node: string, design: CompareRow['design'], accuracy: number | undefined, t: Totals, images: number, areaUm2: number, membraneBits: number): CompareRow {
  const n = Math.max(1, images);
  return {
    node, design, accuracy: accuracy ?? NaN, spikesPerInference: t.spikes / n, energyPJ: t.energyPJ / n, latencyS: t.runtimeS / n,
    areaMm2: areaUm2 / 1e6, membraneBits: membraneBits / n,
    energyByComponentPJ: Object.fromEntries(Object.entries(t.energyByComponentPJ).map(([k, v]) => [k, v / n])),
  };
}

/** Rows of compare.csv: per node the STCB chip, the LIF-family network's chip and the ANN twin. */
export function compareRows(results: readonly SimResult[], accuracy: { stcb?: number; lif?: number }): CompareRow[] {
  return results.flatMap((r) => {
    const out: CompareRow[] = [row(r.tech.node, 'stcb', accuracy.stcb, r.totals, r.images, r.area.totalUm2, 0)];
    const lif = r.lifTwin;
    if (lif) {
      const membrane = lif.layers.reduce((a, l) => a + (l.traffic.membrane_buffer ? l.traffic.membrane_buffer.readBits + l.traffic.membrane_buffer.writeBits : 0), 0);
      out.push(row(r.tech.node, lif.neuron?.kind ?? 'lif', lif.source === 'lif-network' ? accuracy.lif : undefined, lif.totals, r.images, lif.area.totalUm2, membrane));
    }
    if (r.annTwin) out.push(row(r.tech.node, 'ann', undefined, r.annTwin.totals, r.images, r.annTwin.area.totalUm2, 0));
    return out;
  });
}

export const COMPARE_FILE = 'compare.csv';

export function writeCompare(dir: string, rows: readonly CompareRow[]): void {
  writeFileSync(join(dir, COMPARE_FILE), toCsv(COMPARE_COLUMNS, rows));
}
