/**
 * Report rows for hardware-mode results: pure functions from a SimResult to typed rows, one builder
 * per file; the columns are in src/reports/hw-columns.ts. src/reports/hw-report.ts writes the files.
 */
import { BUFFER_COMPONENTS, type LifLeak } from '../arch/accelerator.ts';
import { energyByComponent, type LayerResult, type SimResult } from '../energy/price.ts';
import type { ArtEntry } from '../energy/art.ts';
import { AREA_COLUMNS, ACCESS_COLUMNS, ACTION_COLUMNS, COMPUTE_COLUMNS, ENERGY_COLUMNS, type AccessRow, type ActionRow, type EnergyRow } from './hw-columns.ts';
import { csvHeader, type CellValue, type Column } from './table.ts';
import { assumedConstants } from './assumed.ts';

/** A hardware file: its name, its columns and how to get its rows from one replay. */
export interface HwTable<R> {
  file: 'compute.csv' | 'access.csv' | 'energy.csv' | 'actions.csv' | 'area.csv';
  columns: readonly Column<R>[];
  rows: (r: SimResult) => R[];
}

/** The replay sums over its images; every file shows values per image (their mean). */
const imagesOf = (r: SimResult): number => Math.max(r.images, 1);

/** The memories of a layer in access.csv: every buffer, membrane_buffer for LIF-twin layers, DRAM. */
function memoriesOf(l: LayerResult): (keyof LayerResult['traffic'] | 'membrane_buffer')[] {
  return [...BUFFER_COMPONENTS, ...(l.traffic.membrane_buffer ? ['membrane_buffer' as const] : []), 'dram'];
}

export const COMPUTE_TABLE: HwTable<LayerResult> = { file: 'compute.csv', columns: COMPUTE_COLUMNS, rows: (r) => r.layers };

export const ACCESS_TABLE: HwTable<AccessRow> = {
  file: 'access.csv',
  columns: ACCESS_COLUMNS,
  rows: (r) => r.layers.flatMap((l) => memoriesOf(l).map((memory) => {
    const t = l.traffic[memory] ?? { readBits: 0, writeBits: 0 };
    const n = imagesOf(r);
    return { layer: l.layer, memory, images: r.images, readBits: t.readBits / n, writeBits: t.writeBits / n };
  })),
};

export const ENERGY_TABLE: HwTable<EnergyRow> = {
  file: 'energy.csv',
  columns: ENERGY_COLUMNS,
  rows: (r) => r.layers.flatMap((l) => [...energyByComponent(l.energy)].map(([component, v]) => ({
    layer: l.layer, component, images: r.images, dynamicPJ: v.dynamicPJ / imagesOf(r), leakagePJ: v.leakagePJ / imagesOf(r),
  }))),
};

/** Only the ERT entries the replay used, in ERT order. */
export const ACTION_TABLE: HwTable<ActionRow> = {
  file: 'actions.csv',
  columns: ACTION_COLUMNS,
  rows: (r) => {
    const counts = new Map<string, number>();
    for (const l of r.layers) for (const a of l.actions) counts.set(`${a.component}.${a.action}`, (counts.get(`${a.component}.${a.action}`) ?? 0) + a.count);
    return r.ert.flatMap((entry) => {
      const count = counts.get(`${entry.component}.${entry.action}`);
      return count === undefined ? [] : [{ entry, images: r.images, count: count / imagesOf(r) }];
    });
  },
};

/** The area reference table of the run's node: the chip's and the twins' on-chip components. */
export const AREA_TABLE: HwTable<ArtEntry> = { file: 'area.csv', columns: AREA_COLUMNS, rows: (r) => r.art };

/** A table as CSV header -> raw value records, the shape of the CSV (golden report, tests). */
export interface Table { columns: string[]; rows: Record<string, CellValue>[] }

export function tableRecords<R>(table: HwTable<R>, r: SimResult): Table {
  const headers = table.columns.map(csvHeader);
  return {
    columns: headers,
    rows: table.rows(r).map((row) => Object.fromEntries(table.columns.map((c, j) => [headers[j], c.value(row)]))),
  };
}

export const computeRows = (r: SimResult): Table => tableRecords(COMPUTE_TABLE, r);
export const accessRows = (r: SimResult): Table => tableRecords(ACCESS_TABLE, r);
export const energyRows = (r: SimResult): Table => tableRecords(ENERGY_TABLE, r);
export const actionRows = (r: SimResult): Table => tableRecords(ACTION_TABLE, r);

export interface HwSummary {
  accelerator: string;
  node: string;
  nodeProvenance: string;
  voltageV: number;
  /** Bibliography key of the supply voltage ('user' when set by --voltage). */
  voltageSource: string;
  /** Interpolated or assumed constants behind this node's numbers (src/reports/assumed.ts); printed wherever the node is. */
  assumedConstants: string[];
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
  /** Weights stay in the weight buffer across the replayed images (loaded from DRAM once per batch). */
  weightsResident: boolean;
  /** The first image alone, weights loaded from DRAM (single-image view). */
  coldStart?: { energyPJ: number; latencyS: number; dramBytes: number };
  /** Chip area at the node (on-chip components; DRAM excluded), mm^2. */
  areaMm2: number;
  areaByComponentMm2: Record<string, number>;
  annTwin?: { macLanes: number; rows: number; cols: number; areaMm2: number; latencyS: number; energyPerInferencePJ: number; edpPJs: number; energyRatioAnnOverSnn: number; energyByComponentPJ: Record<string, number> };
  /** Conventional LIF-SNN twin replaying the same spikes (docs/hardware.md, "LIF-SNN twin"). */
  lifTwin?: {
    membraneBits: number; leak: LifLeak; areaMm2: number; latencyS: number; energyPerInferencePJ: number; edpPJs: number; energyRatioLifOverStcb: number;
    /** stcb-trace: the STCB trace's spikes replayed; lif-network: a LIF-family network's own spikes (--neuron lif|mlif). */
    source?: 'stcb-trace' | 'lif-network';
    /** Membrane potential traffic (membrane_buffer reads + writes) per inference, bits: T x neurons x membrane width, twice. */
    membraneTrafficBitsPerInference?: number;
    /** Spikes into the twin's spiking layers per inference (its own spikes when source is lif-network). */
    spikesPerInference?: number;
    energyByComponentPJ: Record<string, number>;
  };
}

const mm2 = (um2: number): number => um2 / 1e6;
const perImageRecord = (pJ: Record<string, number>, n: number): Record<string, number> => Object.fromEntries(Object.entries(pJ).map(([k, v]) => [k, v / n]));

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
    voltageSource: r.tech.voltageSource,
    assumedConstants: assumedConstants(r),
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
    energyByComponentPJ: perImageRecord(r.totals.energyByComponentPJ, n),
    weightsResident: r.weightsResident,
    ...(r.coldStart ? { coldStart: { energyPJ: r.coldStart.energyPJ, latencyS: r.coldStart.runtimeS, dramBytes: r.coldStart.dramBytes } } : {}),
    areaMm2: mm2(r.area.totalUm2),
    areaByComponentMm2: Object.fromEntries(Object.entries(r.area.byComponentUm2).map(([k, v]) => [k, mm2(v)])),
  };
  if (r.annTwin) {
    const tl = r.annTwin.totals.runtimeS / n;
    const te = r.annTwin.totals.energyPJ / n;
    s.annTwin = { macLanes: r.annTwin.macLanes, rows: r.annTwin.rows, cols: r.annTwin.cols, areaMm2: mm2(r.annTwin.area.totalUm2), latencyS: tl, energyPerInferencePJ: te, edpPJs: te * tl, energyRatioAnnOverSnn: e > 0 ? te / e : Infinity, energyByComponentPJ: perImageRecord(r.annTwin.totals.energyByComponentPJ, n) };
  }
  if (r.lifTwin) {
    const tl = r.lifTwin.totals.runtimeS / n;
    const te = r.lifTwin.totals.energyPJ / n;
    s.lifTwin = {
      membraneBits: r.lifTwin.membraneBits, leak: r.lifTwin.leak, areaMm2: mm2(r.lifTwin.area.totalUm2), latencyS: tl, energyPerInferencePJ: te, edpPJs: te * tl,
      energyRatioLifOverStcb: e > 0 ? te / e : Infinity, energyByComponentPJ: perImageRecord(r.lifTwin.totals.energyByComponentPJ, n),
    };
    if (r.lifTwin.source === 'lif-network') {
      const membrane = r.lifTwin.layers.reduce((a, l) => a + (l.traffic.membrane_buffer ? l.traffic.membrane_buffer.readBits + l.traffic.membrane_buffer.writeBits : 0), 0);
      Object.assign(s.lifTwin, {
        source: r.lifTwin.source,
        membraneTrafficBitsPerInference: membrane / n,
        spikesPerInference: r.lifTwin.layers.reduce((a, l) => a + l.spikes, 0) / n,
      });
    }
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
  return { ...r, accelerator: `${r.accelerator} (${twin === 'lif' ? 'LIF-SNN' : 'ANN'} twin)`, layers: t.layers, totals: t.totals, coldStart: undefined, area: t.area, annTwin: undefined, lifTwin: undefined };
}

