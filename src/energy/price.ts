/**
 * Pricing a replay (the second phase of the Accelergy-style seam): every counted action x its ERT
 * entry, plus leakage (power x runtime, charged per cycle) of the components each chip has.
 * `simulate` is the one entry point that replays and prices.
 */
import type { Accelerator, LifLeak } from '../arch/accelerator.ts';
import { componentSpecs, leakyComponents } from '../arch/components.ts';
import type { Tech } from '../arch/tech.ts';
import type { TraceNeuron } from '../trace/types.ts';
import type { SpikeTrace } from '../trace/types.ts';
import { replay, type LayerReplay, type Replay, type ReplayOptions } from '../hw/replay.ts';
import { buildErt, energize, type EnergyCell, type Ert, type ErtEntry } from './ert.ts';
import { buildArt, chipArea, type ArtEntry, type ChipArea } from './art.ts';

export interface LayerResult extends LayerReplay {
  energy: EnergyCell[];
  energyPJ: number;
}

export interface Totals {
  cycles: number;
  runtimeS: number;
  energyPJ: number;
  dynamicPJ: number;
  leakagePJ: number;
  energyByComponentPJ: Record<string, number>;
  dramBytes: number;
  spikes: number;
  acs: number;
}

export interface SimResult {
  accelerator: string;
  tech: { node: string; provenance: string; voltageV: number; voltageSource: string; flavour: string; files: string[] };
  clockHz: number;
  images: number;
  timesteps: number;
  ert: ErtEntry[];
  /** Area reference table at the node (every on-chip component of the chip and its twins). */
  art: ArtEntry[];
  /** Area of the STCB chip. */
  area: ChipArea;
  layers: LayerResult[];
  totals: Totals;
  /** The STCB chip's weights fit the weight buffer: they are loaded from DRAM once per replayed batch. */
  weightsResident: boolean;
  /** The first image alone (weights loaded from DRAM): the single-image view of the chip. */
  coldStart?: Totals;
  annTwin?: Omit<NonNullable<Replay['annTwin']>, 'layers'> & { area: ChipArea; layers: LayerResult[]; totals: Totals };
  /** Conventional LIF-SNN twin: same spikes and ACs, membranes read/written every step, no encoder or CAB. */
  lifTwin?: { membraneBits: number; leak: LifLeak; lanes: number; area: ChipArea; layers: LayerResult[]; totals: Totals; source: 'stcb-trace' | 'lif-network'; neuron?: TraceNeuron };
}

/** Dynamic and leakage energy of each component: the one place energy is grouped by component. */
export function energyByComponent(cells: readonly EnergyCell[]): Map<string, { dynamicPJ: number; leakagePJ: number }> {
  const m = new Map<string, { dynamicPJ: number; leakagePJ: number }>();
  for (const e of cells) {
    const v = m.get(e.component) ?? { dynamicPJ: 0, leakagePJ: 0 };
    if (e.action === 'leak') v.leakagePJ += e.energyPJ;
    else v.dynamicPJ += e.energyPJ;
    m.set(e.component, v);
  }
  return m;
}

/** A layer's counted actions plus one leak cycle per component per cycle, priced. */
function priceLayer(l: LayerReplay, ert: Ert, leaky: readonly string[]): LayerResult {
  const actions = [...l.actions, ...leaky.map((c) => ({ component: c, action: 'leak', count: l.cycles }))];
  const energy = energize(actions, ert);
  return { ...l, actions, energy, energyPJ: energy.reduce((s, e) => s + e.energyPJ, 0) };
}

function totalsOf(layers: readonly LayerResult[], clockHz: number): Totals {
  const byComp = energyByComponent(layers.flatMap((l) => l.energy));
  let dynamicPJ = 0;
  let leakagePJ = 0;
  for (const v of byComp.values()) {
    dynamicPJ += v.dynamicPJ;
    leakagePJ += v.leakagePJ;
  }
  const cycles = layers.reduce((s, l) => s + l.cycles, 0);
  return {
    cycles,
    runtimeS: cycles / clockHz,
    energyPJ: layers.reduce((s, l) => s + l.energyPJ, 0),
    dynamicPJ,
    leakagePJ,
    energyByComponentPJ: Object.fromEntries([...byComp].map(([c, v]) => [c, v.dynamicPJ + v.leakagePJ])),
    dramBytes: layers.reduce((s, l) => s + (l.traffic.dram.readBits + l.traffic.dram.writeBits) / 8, 0),
    spikes: layers.reduce((s, l) => s + l.spikes, 0),
    acs: layers.reduce((s, l) => s + l.acs, 0),
  };
}

function priceChip(layers: readonly LayerReplay[], ert: Ert, leaky: readonly string[], clockHz: number): { layers: LayerResult[]; totals: Totals } {
  const priced = layers.map((l) => priceLayer(l, ert, leaky));
  return { layers: priced, totals: totalsOf(priced, clockHz) };
}

/** Replays `trace` on `accel` at `tech` and prices every action of the chip and its twins. */
export function simulate(trace: SpikeTrace, accel: Accelerator, tech: Tech, options: ReplayOptions = {}): SimResult {
  const r = replay(trace, accel, tech, options);
  const ert = buildErt(accel, tech, r.clockHz);
  const art = buildArt(accel, tech);
  const specs = componentSpecs(accel);
  const chipLeaky = leakyComponents(specs, 'stcb');
  const chip = priceChip(r.layers, ert, chipLeaky, r.clockHz);
  const first = options.images?.[0] ?? 0;
  const coldStart = r.images <= 1 ? chip.totals
    : priceChip(replay(trace, accel, tech, { images: [first], annTwin: false, lifTwin: false }).layers, ert, chipLeaky, r.clockHz).totals;
  const result: SimResult = {
    accelerator: r.accelerator,
    tech: { node: tech.node, provenance: tech.provenance, voltageV: tech.voltageV, voltageSource: tech.voltageSource, flavour: tech.flavour, files: tech.files },
    clockHz: r.clockHz,
    images: r.images,
    timesteps: r.timesteps,
    ert: [...ert.values()],
    art,
    area: chipArea(art, 'stcb'),
    weightsResident: r.weightsResident,
    coldStart,
    ...chip,
  };
  if (r.annTwin) {
    const { layers, ...array } = r.annTwin;
    result.annTwin = { ...array, area: chipArea(art, 'ann'), ...priceChip(layers, ert, leakyComponents(specs, 'ann'), r.clockHz) };
  }
  if (r.lifTwin) {
    const { layers, ...neurons } = r.lifTwin;
    result.lifTwin = { ...neurons, area: chipArea(art, 'lif'), ...priceChip(layers, ert, leakyComponents(specs, 'lif'), r.clockHz) };
  }
  return result;
}
