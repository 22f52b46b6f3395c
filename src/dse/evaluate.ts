/** Evaluation of one design point: a pure function of (point, spike trace, network facts) -> result row. */
import { parseAccelerator } from '../arch/accelerator.ts';
import { loadTech } from '../arch/tech.ts';
import { simulate, type LayerResult } from '../energy/price.ts';
import { STALL_CAUSES } from '../hw/layer-sim.ts';
import { summary } from '../reports/hw-tables.ts';
import type { SpikeTrace } from '../trace/types.ts';
import type { DesignPoint } from './point.ts';
import type { SweepValue } from './space.ts';

/** Facts of a network setting, computed once when its trace is recorded. */
export interface NetworkFacts {
  /** Top-1 accuracy on labelled images, else null. */
  accuracy: number | null;
  /** Paper-mode SNN energy per image (formula AC count), pJ. */
  paperSnnPJ: number;
  /** Paper-mode ANN-twin energy per image, pJ. */
  paperAnnPJ: number;
  /** Mean firing rate over the spiking layers. */
  firingRate: number;
  spikesPerImage: number;
  acsPerImage: number;
}

export interface DseRow {
  id: string;
  values: Record<string, SweepValue>;
  networkKey: string;
  accuracy: number | null;
  firingRate: number;
  spikesPerImage: number;
  acsPerImage: number;
  paperSnnPJ: number;
  paperAnnPJ: number;
  energyPJ: number;
  dynamicPJ: number;
  leakagePJ: number;
  latencyS: number;
  cycles: number;
  throughputPerS: number;
  edpPJs: number;
  dramBytes: number;
  annTwinPJ: number;
  lifTwinPJ: number;
  /** STCB chip area at the point's node, mm^2, and per component. */
  areaMm2: number;
  areaByComponentMm2: Record<string, number>;
  /** Energy per inference by component (dynamic + leakage), pJ. */
  energyByComponentPJ: Record<string, number>;
  /** Mean utilisation over layers, weighted by the layers' cycles (0-1). */
  utilisation: { ac: number; cab: number; encoder: number };
  /** Stage or stall cause with the most cycles over all layers. */
  bottleneck: string;
  /** --fixed-area: the capacity the sweep solved for its buffer, bits. */
  fixedAreaBits?: number;
  /** Meets every constraint (set when the row is written; absent: no constraints). */
  feasible?: boolean;
}

/** Cycle-weighted mean utilisation of each stage: sum(u x cycles) / sum(cycles) over layers. */
export function meanUtilisation(layers: readonly LayerResult[]): DseRow['utilisation'] {
  const cycles = layers.reduce((a, l) => a + l.cycles, 0);
  const mean = (k: keyof DseRow['utilisation']): number =>
    (cycles > 0 ? layers.reduce((a, l) => a + l.utilisation[k] * l.cycles, 0) / cycles : 0);
  return { ac: mean('ac'), cab: mean('cab'), encoder: mean('encoder') };
}

/**
 * The stage (busy cycles) or stall cause with the most cycles summed over layers; ties go to the
 * first in the order encoder, ac, cab, then the stall causes. Stages overlap in time, so this names
 * what to widen first, not a share of the runtime.
 */
export function bottleneck(layers: readonly LayerResult[]): string {
  const totals: [string, number][] = [
    ...(['encoder', 'ac', 'cab'] as const).map((k): [string, number] => [k, layers.reduce((a, l) => a + l.stageCycles[k], 0)]),
    ...STALL_CAUSES.map((c): [string, number] => [c, layers.reduce((a, l) => a + l.stalls[c], 0)]),
  ];
  let best = totals[0];
  for (const t of totals) if (t[1] > best[1]) best = t;
  return best[0];
}

/** `lifTrace`: a LIF-family network's own trace (--neuron lif|mlif); the LIF twin replays it. */
export function evaluatePoint(point: DesignPoint, trace: SpikeTrace, facts: NetworkFacts, lifTrace?: SpikeTrace): DseRow {
  const accel = parseAccelerator(point.accelerator, `${point.acceleratorName} (point ${point.id})`);
  const tech = loadTech(point.node, point.voltageV === undefined ? undefined : { voltageV: point.voltageV });
  const r = simulate(trace, accel, tech, lifTrace ? { lifTrace } : {});
  const s = summary(r);
  return {
    id: point.id,
    values: point.values,
    networkKey: point.networkKey,
    ...facts,
    energyPJ: s.energyPerInferencePJ,
    dynamicPJ: s.dynamicEnergyPerInferencePJ,
    leakagePJ: s.leakageEnergyPerInferencePJ,
    latencyS: s.latencyS,
    cycles: s.latencyCycles,
    throughputPerS: s.throughputInferencesPerS,
    edpPJs: s.edpPJs,
    dramBytes: s.dramBytesPerInference,
    annTwinPJ: s.annTwin?.energyPerInferencePJ ?? NaN,
    lifTwinPJ: s.lifTwin?.energyPerInferencePJ ?? NaN,
    areaMm2: s.areaMm2,
    areaByComponentMm2: s.areaByComponentMm2,
    energyByComponentPJ: s.energyByComponentPJ,
    utilisation: meanUtilisation(r.layers),
    bottleneck: bottleneck(r.layers),
    ...(point.fixedArea ? { fixedAreaBits: point.fixedArea.capacityBits } : {}),
  };
}
