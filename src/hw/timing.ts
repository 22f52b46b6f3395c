/**
 * Timing of a layer from its per-step stage cycles: the stage composition within a tile (options.timing:
 * flow shop over steps, fully overlapped stages, or sequential) and the tile timeline with DRAM loads
 * double-buffered against compute. Shared by the STCB chip (encoder -> AC -> CAB) and the LIF twin
 * (AC -> neuron update; its feed stage is empty).
 */
import type { AcceleratorOptions } from '../arch/accelerator.ts';
import type { Stalls } from './layer-sim.ts';

/** Cycles per step of a tile's three stages: feed (the encoder), AC, update (CAB or neuron update). */
export interface StepStages {
  feed: readonly number[];
  ac: readonly number[];
  update: readonly number[];
}

/** A tile's compute cycles and the pipeline-fill cycles among them (flow shop only). */
export interface TileTime { cycles: number; pipelineCycles: number }

const sum = (xs: readonly number[]): number => xs.reduce((x, y) => x + y, 0);

/**
 * Flow shop over steps: feed -> AC -> update, step psums double-buffered, so AC step t also waits
 * for the update of step t-2.
 */
function flowShop(st: StepStages): number {
  const T = st.ac.length;
  const fE: number[] = [];
  const fA: number[] = [];
  const fC: number[] = [];
  for (let t = 0; t < T; t++) {
    fE[t] = (t > 0 ? fE[t - 1] : 0) + st.feed[t];
    fA[t] = Math.max(t > 0 ? fA[t - 1] : 0, fE[t], t > 1 ? fC[t - 2] : 0) + st.ac[t];
    fC[t] = Math.max(t > 0 ? fC[t - 1] : 0, fA[t]) + st.update[t];
  }
  return fC[T - 1];
}

/**
 * Compute cycles of one tile. `updateStreamCycles` bounds the update stage when stages are decoupled
 * (overlapped): it streams across steps (and, for the LIF twin, across neurons, which hides the
 * membrane recurrence), so only its total work or port time counts.
 */
export function composeTile(timing: AcceleratorOptions['timing'], st: StepStages, updateStreamCycles: number): TileTime {
  const sumE = sum(st.feed);
  const sumA = sum(st.ac);
  const sumC = sum(st.update);
  if (timing === 'sequential') return { cycles: sumE + sumA + sumC, pipelineCycles: 0 };
  if (timing === 'overlapped') return { cycles: Math.max(sumE, sumA, updateStreamCycles), pipelineCycles: 0 };
  const cycles = flowShop(st);
  return { cycles, pipelineCycles: cycles - Math.max(sumE, sumA, sumC) };
}

/**
 * Cycles of a layer's tile sequence: the input load, then per tile its compute, with tile k+1's DRAM
 * load overlapping tile k's compute when loads are double-buffered (else all serialised), then the
 * output drain.
 */
export function tileTimeline(computes: readonly number[], loads: readonly number[], inLoad: number, drain: number, doubleBuffered: boolean): number {
  if (!doubleBuffered) return inLoad + sum(computes) + sum(loads) + drain;
  let cycles = inLoad + (loads[0] ?? 0);
  for (let k = 0; k < computes.length; k++) cycles += Math.max(computes[k], loads[k + 1] ?? 0);
  return cycles + drain;
}

/** Collects a layer's tiles (compute plus the fixed pipeline latency, DRAM load) and closes the timeline. */
export class TileSchedule {
  private readonly computes: number[] = [];
  private readonly loads: number[] = [];
  private pipelineCycles = 0;

  constructor(private readonly latencyCycles: number) {}

  /** Adds a tile of `time.cycles` compute whose inputs take `loadCycles` of DRAM. */
  add(time: TileTime, loadCycles: number): void {
    this.pipelineCycles += time.pipelineCycles + this.latencyCycles;
    this.computes.push(time.cycles + this.latencyCycles);
    this.loads.push(loadCycles);
  }

  /** Total cycles of the layer; books the DRAM stalls (cycles beyond compute) and pipeline stalls. */
  finish(inLoad: number, drain: number, doubleBuffered: boolean, stalls: Stalls): number {
    const total = tileTimeline(this.computes, this.loads, inLoad, drain, doubleBuffered);
    stalls.dram = total - sum(this.computes);
    stalls.pipeline = this.pipelineCycles;
    return total;
  }
}
