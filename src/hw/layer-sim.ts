/** What the replay of one layer of one image returns: counts, traffic, cycles and stalls by cause (no energy). */
import type { ActionCount } from './actions.ts';
import type { Tiling } from './tiling.ts';
import type { Traffic } from './traffic.ts';

export const STALL_CAUSES = ['psum-port', 'weight-port', 'bank-conflict', 'spike-port', 'act-port', 'dram', 'pipeline'] as const;
export type StallCause = (typeof STALL_CAUSES)[number];
export type Stalls = Record<StallCause, number>;

export function zeroStalls(): Stalls {
  return Object.fromEntries(STALL_CAUSES.map((c) => [c, 0])) as Stalls;
}

export interface LayerSim {
  layer: string;
  kind: 'stcb' | 'mac';
  cycles: number;
  /** Busy cycles per stage (without stalls). */
  stageCycles: { encoder: number; ac: number; cab: number };
  stalls: Stalls;
  /** Cycles the AC array spends on partial chunks beyond sum_t ceil(A_t / lanes) (border spikes, chunk rounding). */
  acChunkOverheadCycles: number;
  tiling: Tiling;
  traffic: Traffic;
  actions: ActionCount[];
  /** Exact event counts (DESIGN.md 6.1). */
  spikes: number;
  acs: number;
  acsPerStep: number[];
  /** Lower bounds of DESIGN.md 6.1: per-stage work / lanes and DRAM bits / bandwidth. */
  bounds: { encoder: number; ac: number; cab: number; dram: number };
  /** Operations and lane-cycles for utilisation. */
  work: { acOps: number; cabOps: number; encoderOps: number; macOps: number };
}
