/**
 * Report rows for hardware-mode results: pure functions from a SimResult to typed rows (one column
 * spec each, header names carry units). src/reports/hw-report.ts writes the files.
 */
import { BUFFER_COMPONENTS, type LifLeak } from '../arch/accelerator.ts';
import { STALL_CAUSES, type StallCause } from '../hw/layer-sim.ts';
import { energyByComponent, type SimResult } from '../energy/price.ts';

type Cell = string | number;
export interface Table { columns: string[]; rows: Record<string, Cell>[] }

const stallCol = (c: StallCause): string => `stall_${c.replace('-', '_')}_cycles`;

/** compute.csv: one row per layer: cycles, busy cycles per stage, stalls by cause, utilisation. */
export function computeRows(r: SimResult): Table {
  const columns = ['layer', 'kind', 'images', 'cycles', 'runtime_s', 'encoder_busy_cycles', 'ac_busy_cycles', 'cab_busy_cycles',
    ...STALL_CAUSES.map(stallCol), 'ac_chunk_overhead_cycles', 'util_encoder', 'util_ac', 'util_cab',
    'bound_encoder_cycles', 'bound_ac_cycles', 'bound_cab_cycles', 'bound_dram_cycles',
    'cout_tile', 'row_tile', 'tiles', 'spikes', 'acs'];
  const rows = r.layers.map((l) => ({
    layer: l.layer, kind: l.kind, images: l.images, cycles: l.cycles, runtime_s: l.runtimeS,
    encoder_busy_cycles: l.stageCycles.encoder, ac_busy_cycles: l.stageCycles.ac, cab_busy_cycles: l.stageCycles.cab,
    ...Object.fromEntries(STALL_CAUSES.map((c) => [stallCol(c), l.stalls[c]])),
    ac_chunk_overhead_cycles: l.acChunkOverheadCycles,
    util_encoder: l.utilisation.encoder, util_ac: l.utilisation.ac, util_cab: l.utilisation.cab,
    bound_encoder_cycles: l.bounds.encoder, bound_ac_cycles: l.bounds.ac, bound_cab_cycles: l.bounds.cab, bound_dram_cycles: l.bounds.dram,
    cout_tile: l.tiling.coutTile, row_tile: l.tiling.rowTile, tiles: l.tiling.coutTiles * l.tiling.rowTiles,
    spikes: l.spikes, acs: l.acs,
  }));
  return { columns, rows };
}

/** access.csv: layer x (buffer | dram): reads and writes in bits, DRAM bytes (LIF-twin layers add membrane_buffer). */
export function accessRows(r: SimResult): Table {
  const columns = ['layer', 'memory', 'read_bits', 'write_bits', 'total_bytes'];
  const rows: Record<string, Cell>[] = [];
  for (const l of r.layers) {
    for (const m of [...BUFFER_COMPONENTS, ...(l.traffic.membrane_buffer ? ['membrane_buffer'] as const : []), 'dram'] as const) {
      const t = l.traffic[m] ?? { readBits: 0, writeBits: 0 };
      rows.push({ layer: l.layer, memory: m, read_bits: t.readBits, write_bits: t.writeBits, total_bytes: (t.readBits + t.writeBits) / 8 });
    }
  }
  return { columns, rows };
}

/** energy.csv: layer x component: dynamic, leakage and total energy in pJ. */
export function energyRows(r: SimResult): Table {
  const columns = ['layer', 'component', 'dynamic_energy_pJ', 'leakage_energy_pJ', 'energy_pJ'];
  const rows: Record<string, Cell>[] = [];
  for (const l of r.layers) {
    for (const [component, v] of energyByComponent(l.energy)) {
      rows.push({ layer: l.layer, component, dynamic_energy_pJ: v.dynamicPJ, leakage_energy_pJ: v.leakagePJ, energy_pJ: v.dynamicPJ + v.leakagePJ });
    }
  }
  return { columns, rows };
}

/** actions.csv: the ERT actually used, with counts summed over layers and the resulting energy. */
export function actionRows(r: SimResult): Table {
  const columns = ['component', 'action', 'unit', 'pJ_per_action', 'source', 'estimator', 'scaling', 'count', 'energy_pJ'];
  const counts = new Map<string, number>();
  for (const l of r.layers) for (const a of l.actions) counts.set(`${a.component}.${a.action}`, (counts.get(`${a.component}.${a.action}`) ?? 0) + a.count);
  const rows = r.ert
    .filter((e) => counts.has(`${e.component}.${e.action}`))
    .map((e) => {
      const count = counts.get(`${e.component}.${e.action}`) ?? 0;
      return { component: e.component, action: e.action, unit: e.unit, pJ_per_action: e.pJ, source: e.source, estimator: e.estimator, scaling: e.scaling, count, energy_pJ: count * e.pJ };
    });
  return { columns, rows };
}

export interface HwSummary {
  accelerator: string;
  node: string;
  nodeProvenance: string;
  voltageV: number;
  clockHz: number;
  images: number;
  /** Per inference (one image). */
  latencyCycles: number;
  latencyS: number;
  throughputInferencesPerS: number;
  energyPerInferencePJ: number;
  dynamicEnergyPerInferencePJ: number;
  leakageEnergyPerInferencePJ: number;
  /** Energy-delay product per inference, pJ*s. */
  edpPJs: number;
  dramBytesPerInference: number;
  energyByComponentPJ: Record<string, number>;
  annTwin?: { macLanes: number; latencyS: number; energyPerInferencePJ: number; edpPJs: number; energyRatioAnnOverSnn: number };
  /** Conventional LIF-SNN twin replaying the same spikes (docs/hardware.md, "LIF-SNN twin"). */
  lifTwin?: { membraneBits: number; leak: LifLeak; latencyS: number; energyPerInferencePJ: number; edpPJs: number; energyRatioLifOverStcb: number };
}

/** Summary figures (the lead merges them into summary.json). Images are processed one after another. */
export function summary(r: SimResult): HwSummary {
  const n = Math.max(r.images, 1);
  const latencyS = r.totals.runtimeS / n;
  const e = r.totals.energyPJ / n;
  const s: HwSummary = {
    accelerator: r.accelerator,
    node: r.tech.node,
    nodeProvenance: r.tech.provenance,
    voltageV: r.tech.voltageV,
    clockHz: r.clockHz,
    images: r.images,
    latencyCycles: r.totals.cycles / n,
    latencyS,
    throughputInferencesPerS: latencyS > 0 ? 1 / latencyS : Infinity,
    energyPerInferencePJ: e,
    dynamicEnergyPerInferencePJ: r.totals.dynamicPJ / n,
    leakageEnergyPerInferencePJ: r.totals.leakagePJ / n,
    edpPJs: e * latencyS,
    dramBytesPerInference: r.totals.dramBytes / n,
    energyByComponentPJ: Object.fromEntries(Object.entries(r.totals.energyByComponentPJ).map(([k, v]) => [k, v / n])),
  };
  if (r.annTwin) {
    const tl = r.annTwin.totals.runtimeS / n;
    const te = r.annTwin.totals.energyPJ / n;
    s.annTwin = { macLanes: r.annTwin.macLanes, latencyS: tl, energyPerInferencePJ: te, edpPJs: te * tl, energyRatioAnnOverSnn: e > 0 ? te / e : Infinity };
  }
  if (r.lifTwin) {
    const tl = r.lifTwin.totals.runtimeS / n;
    const te = r.lifTwin.totals.energyPJ / n;
    s.lifTwin = { membraneBits: r.lifTwin.membraneBits, leak: r.lifTwin.leak, latencyS: tl, energyPerInferencePJ: te, edpPJs: te * tl, energyRatioLifOverStcb: e > 0 ? te / e : Infinity };
  }
  return s;
}

/**
 * A twin's results in the shape of a SimResult (its layers and totals, no twins of its own), so
 * computeRows/accessRows/energyRows/actionRows print the twin's tables unchanged. Undefined when
 * the replay skipped that twin.
 */
export function twinResult(r: SimResult, twin: 'lif' | 'ann'): SimResult | undefined {
  const t = twin === 'lif' ? r.lifTwin : r.annTwin;
  if (!t) return undefined;
  return { ...r, accelerator: `${r.accelerator} (${twin === 'lif' ? 'LIF-SNN' : 'ANN'} twin)`, layers: t.layers, totals: t.totals, annTwin: undefined, lifTwin: undefined };
}

