/**
 * The AC array, shared by the STCB chip and the LIF twin (their arrays are the same): the cost of one
 * chunk of lane operations on the psum and weight buffers, the service of every spike of a step that
 * reaches a tile, its spike reads, stalls and traffic, and the exact ACs per step of a layer.
 */
import type { SpikeTraceLayer } from '../trace/types.ts';
import type { Accelerator } from '../arch/accelerator.ts';
import { reachAlong, type SpikeSummary } from './fanout.ts';
import type { Stalls } from './layer-sim.ts';
import { addressBits, bankService, portCycles } from './memory.ts';
import type { TileRegion } from './tiling.ts';
import type { Traffic } from './traffic.ts';

export interface ChunkCost { cycles: number; psumPort: number; weightPort: number; conflict: number; chunks: number }

/** Cost of serving `words` AC operations as one chunk whose psums run over `runLength` consecutive words. */
export function chunkCost(accel: Accelerator, words: number, runLength: number, weightBits: number): ChunkCost {
  const o = accel.options;
  const psumAcc = o.psumsInArrayRegisters ? 0 : accel.buffers.psum_buffer.ports === '1rw' ? 2 : 1;
  const wAcc = o.weightStationary ? 0 : 1;
  const p = bankService(accel, 'psum_buffer', words, accel.psumBits, psumAcc, runLength);
  const w = bankService(accel, 'weight_buffer', words, weightBits, wAcc, runLength);
  const free = Math.max(p.free, w.free);
  const all = Math.max(p.conflicted, w.conflicted);
  return {
    cycles: all,
    psumPort: p.free >= w.free ? free - 1 : 0,
    weightPort: w.free > p.free ? free - 1 : 0,
    conflict: all - free,
    chunks: 1,
  };
}

export type ChunkCoster = (words: number, runLength: number) => ChunkCost;

/** chunkCost memoised per layer: a layer asks for few distinct (words, run) pairs, millions of times. */
export function chunkCoster(accel: Accelerator, weightWordBits: number): ChunkCoster {
  const memo = new Map<number, ChunkCost>();
  return (words, run) => {
    const k = words * 1048576 + run;
    let c = memo.get(k);
    if (!c) memo.set(k, (c = chunkCost(accel, words, run, weightWordBits)));
    return c;
  };
}

/** AC-stage work and service cycles of one tile at one step. */
export interface AcStepCost { acs: number; spikes: number; cycles: number; portPsum: number; portWeight: number; conflict: number }

/**
 * Serves every spike of step t that reaches the tile: per-spike packing serves each spike's fan-out
 * in lane-width chunks (border spikes and partial chunks cost whole cycles); packed fills lanes
 * across spikes.
 */
export function acStepCost(l: SpikeTraceLayer, s: SpikeSummary, t: number, tile: TileRegion, accel: Accelerator, costOf: ChunkCoster): AcStepCost {
  const { r0, r1, o0, o1, cTile } = tile;
  const lanes = accel.acLanes;
  const perSpike = accel.options.acPacking === 'per-spike';
  const K = s.colClasses;
  const r: AcStepCost = { acs: 0, spikes: 0, cycles: 0, portPsum: 0, portWeight: 0, conflict: 0 };
  const add = (k: ChunkCost, times: number): void => {
    r.cycles += times * k.cycles; r.portPsum += times * k.psumPort; r.portWeight += times * k.weightPort; r.conflict += times * k.conflict;
  };
  for (let i = r0; i <= r1; i++) {
    const rr = reachAlong(i, l.kernelH, l.strideH, l.padTop, o0, o1);
    const base = (t * l.inH + i) * K;
    for (let cc = 0; cc < K; cc++) {
      const n = s.hist[base + cc];
      if (n === 0) continue;
      r.spikes += n;
      const f = rr * cc * cTile;
      if (f === 0) continue;
      r.acs += n * f;
      if (perSpike) {
        const full = Math.floor(f / lanes);
        const rem = f - full * lanes;
        if (full > 0) add(costOf(lanes, cTile), n * full);
        if (rem > 0) add(costOf(rem, cTile), n);
      }
    }
  }
  if (!perSpike && r.acs > 0) add(costOf(lanes, cTile), Math.ceil(r.acs / lanes));
  return r;
}

/** One AC step of a tile as the layer sees it. */
export interface AcStepResult {
  /** Cycles of the step: AC service or spike reads, whichever is longer. */
  cycles: number;
  /** Cycles the AC lanes were busy (service cycles without port and bank stalls). */
  busyCycles: number;
  /** Spike bits re-read from DRAM because the spikes spill (0 when they fit). */
  dramLoadBits: number;
}

/** How a layer's AC array is fed: its spikes, their storage and the weight word it reads. */
export interface AcFeed {
  layer: SpikeTraceLayer;
  spikes: SpikeSummary;
  accel: Accelerator;
  weightWordBits: number;
  /** True when the layer's spikes do not fit the spike buffer and each tile pass re-reads them from DRAM. */
  spikesSpill: boolean;
}

/** An AC stage: serves step t of a tile, booking its stalls and traffic. */
export type AcStage = (tile: TileRegion, t: number, stalls: Stalls, traffic: Traffic) => AcStepResult;

/**
 * The AC stage of a layer: per step it reads the spikes of the input rows reaching the tile (a bitmap
 * slice or their addresses), serves them (acStepCost) and books the port, bank and spike-read stalls
 * and the psum, weight and spike traffic.
 */
export function acStage(feed: AcFeed): AcStage {
  const { layer: l, spikes: s, accel, weightWordBits, spikesSpill } = feed;
  const o = accel.options;
  const addrBits = addressBits(l.inH * l.inW * l.inC);
  const costOf = chunkCoster(accel, weightWordBits);
  return (tile, t, stalls, traffic) => {
    const step = acStepCost(l, s, t, tile, accel, costOf);
    const spikeReadBits = o.spikeStorage === 'bitmap' ? (tile.r1 - tile.r0 + 1) * l.inW * l.inC : step.spikes * addrBits;
    traffic.spike_buffer.readBits += spikeReadBits;
    if (spikesSpill) traffic.dram.readBits += spikeReadBits;
    const spikePort = portCycles(accel, 'spike_buffer', spikeReadBits);
    stalls['psum-port'] += step.portPsum;
    stalls['weight-port'] += step.portWeight;
    stalls['bank-conflict'] += step.conflict;
    if (spikePort > step.cycles) stalls['spike-port'] += spikePort - step.cycles;
    if (!o.psumsInArrayRegisters) {
      traffic.psum_buffer.readBits += step.acs * accel.psumBits;
      traffic.psum_buffer.writeBits += step.acs * accel.psumBits;
    }
    if (!o.weightStationary) traffic.weight_buffer.readBits += step.acs * weightWordBits;
    return {
      cycles: Math.max(step.cycles, spikePort),
      busyCycles: step.cycles - step.portPsum - step.portWeight - step.conflict,
      dramLoadBits: spikesSpill ? spikeReadBits : 0,
    };
  };
}

/** Exact ACs per step of the whole layer (independent of tiling): sum over spikes of rowReach * colReach * C_out. */
export function exactAcsPerStep(l: SpikeTraceLayer, s: SpikeSummary, timesteps: number): number[] {
  const K = s.colClasses;
  const acsPerStep = new Array<number>(timesteps).fill(0);
  const rowReach = new Int32Array(l.inH);
  for (let i = 0; i < l.inH; i++) rowReach[i] = reachAlong(i, l.kernelH, l.strideH, l.padTop, 0, l.outH);
  for (let t = 0; t < timesteps; t++) {
    let a = 0;
    for (let i = 0; i < l.inH; i++) {
      const rr = rowReach[i];
      if (rr === 0) continue;
      const base = (t * l.inH + i) * K;
      for (let c = 1; c < K; c++) a += s.hist[base + c] * rr * c;
    }
    acsPerStep[t] = a * l.outC;
  }
  return acsPerStep;
}

/** The AC lower bound sum_t ceil(A_t / lanes) (DESIGN.md 6.1). */
export function acLowerBound(acsPerStep: readonly number[], lanes: number): number {
  return acsPerStep.reduce((x, y) => x + Math.ceil(y / lanes), 0);
}
