/** Evaluation of one design point: a pure function of (point, spike trace, network facts) -> result row. */
import { parseAccelerator } from '../arch/accelerator.ts';
import { loadTech } from '../arch/tech.ts';
import { simulate } from '../energy/price.ts';
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
}

export function evaluatePoint(point: DesignPoint, trace: SpikeTrace, facts: NetworkFacts): DseRow {
  const accel = parseAccelerator(point.accelerator, `${point.acceleratorName} (point ${point.id})`);
  const tech = loadTech(point.node, point.voltageV === undefined ? undefined : { voltageV: point.voltageV });
  const s = summary(simulate(trace, accel, tech));
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
  };
}
