/**
 * Cycle-level replay of one STCB layer (STEB encoder -> AC array -> CAB) for one image on one
 * accelerator. Work is driven by the layer's spike events, aggregated per (step, input row,
 * column fan-out class) so a layer costs O(T * H * k) per tile instead of O(events).
 * Produces integer action counts (no energy), buffer/DRAM traffic and cycles with stalls by cause.
 */
import type { SpikeTraceLayer } from '../trace/types.ts';
import type { ScheduleKind } from '../stcb/schedule.ts';
import { SCALED_WEIGHT_EXTRA_BITS, type Accelerator, type AcceleratorOptions, type BufferName } from '../arch/accelerator.ts';
import type { ActionCount } from './actions.ts';
import { inputRowsFor, reachAlong, type SpikeSummary } from './fanout.ts';

export const STALL_CAUSES = ['psum-port', 'weight-port', 'bank-conflict', 'spike-port', 'act-port', 'dram', 'pipeline'] as const;
export type StallCause = (typeof STALL_CAUSES)[number];

export type Traffic = Record<BufferName | 'dram', { readBits: number; writeBits: number }>;

export interface Tiling {
  coutTile: number;
  rowTile: number;
  coutTiles: number;
  rowTiles: number;
}

export interface LayerSim {
  layer: string;
  kind: 'stcb' | 'mac';
  cycles: number;
  /** Busy cycles per stage (without stalls). */
  stageCycles: { encoder: number; ac: number; cab: number };
  stalls: Record<StallCause, number>;
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

export function emptyTraffic(): Traffic {
  const z = () => ({ readBits: 0, writeBits: 0 });
  return { weight_buffer: z(), act_buffer: z(), spike_buffer: z(), psum_buffer: z(), dram: z() };
}

export function zeroStalls(): Record<StallCause, number> {
  return Object.fromEntries(STALL_CAUSES.map((c) => [c, 0])) as Record<StallCause, number>;
}

/** Cycles to move `bits` through a buffer's banks (0 when the port is unlimited). */
export function portCycles(accel: Accelerator, b: BufferName, bits: number): number {
  const s = accel.buffers[b];
  if (!Number.isFinite(s.portBits) || bits === 0) return 0;
  return Math.ceil(bits / (s.portBits * s.banks));
}

/** Cycles for `bits` of DRAM traffic at the accelerator's bandwidth. */
export function dramCycles(accel: Accelerator, clockHz: number, bits: number): number {
  if (!Number.isFinite(accel.dramBitsPerSecond) || bits === 0) return 0;
  return Math.ceil((bits * clockHz) / accel.dramBitsPerSecond);
}

/** Service cycles for `words` accessed in one AC cycle from buffer b (bank/port model, docs/hardware.md). */
function chunkService(accel: Accelerator, b: BufferName, words: number, wordBits: number, accessesPerWord: number, runLength: number): { free: number; conflicted: number } {
  const s = accel.buffers[b];
  if (!Number.isFinite(s.portBits) || words === 0 || accessesPerWord === 0) return { free: 1, conflicted: 1 };
  const perBank = Math.max(1, Math.floor(s.portBits / wordBits));
  const free = Math.max(1, Math.ceil((words * accessesPerWord) / (s.banks * perBank)));
  const usable = accel.options.bankConflicts ? Math.min(s.banks, runLength) : s.banks;
  const conflicted = Math.max(free, Math.ceil((words * accessesPerWord) / (usable * perBank)));
  return { free, conflicted };
}

export interface ChunkCost { cycles: number; psumPort: number; weightPort: number; conflict: number; chunks: number }

/** Cost of serving `words` AC operations as one chunk (shared by the STCB chip and the LIF twin's AC stage). */
export function chunkCost(accel: Accelerator, words: number, runLength: number, weightBits: number): ChunkCost {
  const o = accel.options;
  const psumAcc = o.psumsInArrayRegisters ? 0 : accel.buffers.psum_buffer.ports === '1rw' ? 2 : 1;
  const wAcc = o.weightStationary ? 0 : 1;
  const p = chunkService(accel, 'psum_buffer', words, accel.psumBits, psumAcc, runLength);
  const w = chunkService(accel, 'weight_buffer', words, weightBits, wAcc, runLength);
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

/** AC-stage work and service cycles of one tile (output rows [o0, o1), cTile channels) at step t. */
export interface AcStepCost { acs: number; spikes: number; cycles: number; portPsum: number; portWeight: number; conflict: number }

/**
 * Serves every spike of step t that reaches the tile: per-spike packing serves each spike's fan-out
 * in lane-width chunks (border spikes and partial chunks cost whole cycles); packed fills lanes
 * across spikes. Shared by the STCB chip and the LIF twin, whose AC arrays are the same.
 */
export function acStepCost(
  l: SpikeTraceLayer, s: SpikeSummary, t: number,
  tile: { r0: number; r1: number; o0: number; o1: number; cTile: number },
  lanes: number, packing: AcceleratorOptions['acPacking'], costOf: (words: number, run: number) => ChunkCost,
): AcStepCost {
  const { r0, r1, o0, o1, cTile } = tile;
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
      if (packing === 'per-spike') {
        const full = Math.floor(f / lanes);
        const rem = f - full * lanes;
        if (full > 0) add(costOf(lanes, cTile), n * full);
        if (rem > 0) add(costOf(rem, cTile), n);
      }
    }
  }
  if (packing === 'packed' && r.acs > 0) add(costOf(lanes, cTile), Math.ceil(r.acs / lanes));
  return r;
}

/**
 * Books one AC step's stalls (port, bank, spike-read) and its psum and weight traffic; returns the
 * cycles the AC lanes were busy. Shared by the STCB chip and the LIF twin.
 */
export function chargeAcStep(step: AcStepCost, spikePortCycles: number, accel: Accelerator, weightWordBits: number,
  stalls: Record<StallCause, number>, traffic: Traffic): number {
  const o = accel.options;
  stalls['psum-port'] += step.portPsum;
  stalls['weight-port'] += step.portWeight;
  stalls['bank-conflict'] += step.conflict;
  if (spikePortCycles > step.cycles) stalls['spike-port'] += spikePortCycles - step.cycles;
  if (!o.psumsInArrayRegisters) {
    traffic.psum_buffer.readBits += step.acs * accel.psumBits;
    traffic.psum_buffer.writeBits += step.acs * accel.psumBits;
  }
  if (!o.weightStationary) traffic.weight_buffer.readBits += step.acs * weightWordBits;
  return step.cycles - step.portPsum - step.portWeight - step.conflict;
}

/**
 * Cycles of a layer's tile sequence: the input load, then per tile its compute, with tile k+1's DRAM
 * load overlapping tile k's compute when loads are double-buffered (else all serialised), then the
 * output drain. Shared by the STCB chip and the LIF twin.
 */
export function tileTimeline(computes: readonly number[], loads: readonly number[], inLoad: number, drain: number, doubleBuffered: boolean): number {
  if (!doubleBuffered) return inLoad + computes.reduce((x, y) => x + y, 0) + loads.reduce((x, y) => x + y, 0) + drain;
  let cycles = inLoad + (loads[0] ?? 0);
  for (let k = 0; k < computes.length; k++) cycles += Math.max(computes[k], loads[k + 1] ?? 0);
  return cycles + drain;
}

export function chooseTiling(l: SpikeTraceLayer, accel: Accelerator, timesteps: number): Tiling {
  const o = accel.options;
  const wBits = l.kernelH * l.kernelW * l.inC * accel.weightBits * (o.scaledWeights ? timesteps : 1)
    * (o.scaledWeights ? (accel.weightBits + SCALED_WEIGHT_EXTRA_BITS) / accel.weightBits : 1);
  const perChannelWeightBits = wBits;
  const wCap = accel.buffers.weight_buffer.capacityBits / (o.doubleBufferedLoads ? 2 : 1);
  let cMax = Number.isFinite(wCap) ? Math.min(l.outC, Math.floor(wCap / perChannelWeightBits)) : l.outC;
  if (o.weightStationary && Number.isFinite(accel.acWeightRegisters)) {
    cMax = Math.min(cMax, Math.floor(accel.acWeightRegisters / (l.kernelH * l.kernelW * l.inC)));
  }
  if (cMax < 1) throw new Error(`layer ${l.layer}: the weights of one output channel (${perChannelWeightBits} bits) do not fit the weight buffer/array of ${accel.name}`);
  const stepCopies = o.timing === 'sequential' ? 1 : 2;
  const psumBitsPerOutput = (o.psumsInArrayRegisters ? 0 : accel.psumBits * stepCopies) + (o.cabAccumulator === 'psum-buffer' ? accel.accumulatorBits : 0);
  const psumCap = accel.buffers.psum_buffer.capacityBits;
  const rowsFor = (c: number): number => {
    let rows = l.outH;
    if (psumBitsPerOutput > 0 && Number.isFinite(psumCap)) rows = Math.min(rows, Math.floor(psumCap / (psumBitsPerOutput * l.outW * c)));
    if (o.psumsInArrayRegisters) rows = Math.min(rows, Math.floor(accel.acPsumRegisters / (l.outW * c)));
    return rows;
  };
  // Balanced channel tiles (128 channels in 2 x 64, not 113 + 15).
  let c = Math.ceil(l.outC / Math.ceil(l.outC / cMax));
  while (c > 1 && rowsFor(c) < 1) c = Math.ceil(l.outC / (Math.ceil(l.outC / c) + 1));
  let rows = rowsFor(c);
  if (rows >= 1) rows = Math.ceil(l.outH / Math.ceil(l.outH / rows));
  if (rows < 1) throw new Error(`layer ${l.layer}: one output row of one channel (${l.outW} outputs) does not fit the psum storage of ${accel.name}`);
  return { coutTile: c, rowTile: rows, coutTiles: Math.ceil(l.outC / c), rowTiles: Math.ceil(l.outH / rows) };
}

export interface StcbContext {
  accel: Accelerator;
  clockHz: number;
  timesteps: number;
  schedule: ScheduleKind;
  /** False when an earlier layer already ran this layer's encoder for this image (shared STEB). */
  runEncoder: boolean;
  /** True when this layer reads the network input from DRAM. */
  inputFromDram: boolean;
}

/** Replays one STCB layer for one image. */
export function simulateStcbLayer(l: SpikeTraceLayer, s: SpikeSummary, ctx: StcbContext): LayerSim {
  const { accel, timesteps: T } = ctx;
  const o = accel.options;
  const L = accel.acLanes;
  const nIn = l.inH * l.inW * l.inC;
  const tiling = chooseTiling(l, accel, T);
  const K = s.colClasses;
  const traffic = emptyTraffic();
  const stalls = zeroStalls();
  const weightWordBits = o.scaledWeights ? accel.weightBits + SCALED_WEIGHT_EXTRA_BITS : accel.weightBits;
  const addrBits = Math.max(1, Math.ceil(Math.log2(nIn)));
  const spikeBitsTotal = o.spikeStorage === 'bitmap' ? nIn * T : s.spikes * addrBits;
  const spikesSpill = spikeBitsTotal > accel.buffers.spike_buffer.capacityBits;
  const nOutAll = l.outH * l.outW * l.outC;
  const actsSpill = (nIn + nOutAll) * accel.activationBits > accel.buffers.act_buffer.capacityBits;

  // Exact ACs per step (full layer), independent of tiling.
  const acsPerStep = new Array<number>(T).fill(0);
  const rowReach = new Int32Array(l.inH);
  for (let i = 0; i < l.inH; i++) rowReach[i] = reachAlong(i, l.kernelH, l.strideH, l.padTop, 0, l.outH);
  for (let t = 0; t < T; t++) {
    let a = 0;
    for (let i = 0; i < l.inH; i++) {
      const rr = rowReach[i];
      if (rr === 0) continue;
      const base = (t * l.inH + i) * K;
      for (let c = 1; c < K; c++) a += s.hist[base + c] * rr * c;
    }
    acsPerStep[t] = a * l.outC;
  }
  const acs = acsPerStep.reduce((x, y) => x + y, 0);

  // Encoder: neuron-major, all T steps of a neuron at once (the STEB has no input after t = 1).
  let encCycles = 0;
  if (ctx.runEncoder) {
    encCycles = Math.ceil((T * nIn) / accel.encoderLanes);
    traffic.act_buffer.readBits += nIn * accel.activationBits;
    traffic.spike_buffer.writeBits += spikeBitsTotal;
    const port = Math.max(portCycles(accel, 'act_buffer', nIn * accel.activationBits), portCycles(accel, 'spike_buffer', spikeBitsTotal));
    if (port > encCycles) stalls['act-port'] += port - encCycles;
    encCycles = Math.max(encCycles, port);
    if (ctx.inputFromDram || actsSpill) traffic.dram.readBits += nIn * accel.activationBits;
    if (spikesSpill) traffic.dram.writeBits += spikeBitsTotal;
  }
  const encBusy = ctx.runEncoder ? Math.ceil((T * nIn) / accel.encoderLanes) : 0;

  const encShares: number[] = [];
  if (ctx.runEncoder) {
    let encodedRows = 0;
    let spent = 0;
    for (let rt = 0; rt < tiling.rowTiles; rt++) {
      const last = inputRowsFor(l, rt * tiling.rowTile, Math.min(l.outH, (rt + 1) * tiling.rowTile))[1];
      const share = rt === tiling.rowTiles - 1 ? encCycles - spent : Math.min(encCycles - spent, Math.ceil((encCycles * Math.max(0, last + 1 - encodedRows)) / l.inH));
      encShares.push(share);
      spent += share;
      encodedRows = Math.max(encodedRows, last + 1);
    }
  }
  let acBusy = 0;
  let cabBusy = 0;
  let acChunkCycles = 0;
  let pipelineCycles = 0;
  // Tile loop: output-channel tiles outer (weights loaded once), output-row tiles inner.
  const tileComputes: number[] = [];
  const tileLoads: number[] = [];
  const cabStepRead = (nOutTile: number): number => (o.psumsInArrayRegisters ? 0 : nOutTile * accel.psumBits);
  const chunkMemo = new Map<string, ChunkCost>();
  const costOf = (words: number, run: number): ChunkCost => {
    const k = `${words}:${run}`;
    let c = chunkMemo.get(k);
    if (!c) chunkMemo.set(k, (c = chunkCost(accel, words, run, weightWordBits)));
    return c;
  };
  for (let ct = 0; ct < tiling.coutTiles; ct++) {
    const cTile = Math.min(tiling.coutTile, l.outC - ct * tiling.coutTile);
    const tileWeightBits = l.kernelH * l.kernelW * l.inC * cTile * weightWordBits * (o.scaledWeights ? T : 1);
    for (let rt = 0; rt < tiling.rowTiles; rt++) {
      const o0 = rt * tiling.rowTile;
      const o1 = Math.min(l.outH, o0 + tiling.rowTile);
      const nOutTile = (o1 - o0) * l.outW * cTile;
      const [r0, r1] = inputRowsFor(l, o0, o1);
      // Loads for this tile (double-buffered: overlapped with the previous tile's compute).
      let loadBits = rt === 0 ? tileWeightBits : 0;
      if (rt === 0) {
        traffic.weight_buffer.writeBits += tileWeightBits;
        traffic.dram.readBits += tileWeightBits;
      }
      let cabPortSum = 0;
      const e = new Array<number>(T).fill(0);
      const a = new Array<number>(T).fill(0);
      const c = new Array<number>(T).fill(0);
      // The encoder runs ahead during the first channel tile: tile (0, k) waits only for its own
      // rows when k = 0; the rows of tile k+1 are encoded while tile k computes.
      if (ct === 0 && rt === 0) e[0] = encShares[0] ?? 0;
      for (let t = 0; t < T; t++) {
        const step = acStepCost(l, s, t, { r0, r1, o0, o1, cTile }, L, o.acPacking, costOf);
        const { acs: acT, spikes: spikesT } = step;
        const chunkT = step.cycles;
        // Spike reads for this tile pass: the input rows reaching it.
        const spikeReadBits = o.spikeStorage === 'bitmap' ? (r1 - r0 + 1) * l.inW * l.inC : spikesT * addrBits;
        traffic.spike_buffer.readBits += spikeReadBits;
        if (spikesSpill) { traffic.dram.readBits += spikeReadBits; loadBits += spikeReadBits; }
        const spikePort = portCycles(accel, 'spike_buffer', spikeReadBits);
        const busy = chargeAcStep(step, spikePort, accel, weightWordBits, stalls, traffic);
        acBusy += busy;
        acChunkCycles += busy;
        a[t] = Math.max(chunkT, spikePort);
        // CAB: per step (or once at the end under scaled weights).
        const cabRuns = !o.scaledWeights || t === T - 1;
        if (cabRuns) {
          const cabWork = Math.ceil(nOutTile / accel.cabLanes);
          let bits = cabStepRead(nOutTile);
          traffic.psum_buffer.readBits += cabStepRead(nOutTile);
          if (o.cabAccumulator === 'psum-buffer' && !o.scaledWeights) {
            const yRead = t > 0 ? nOutTile * accel.accumulatorBits : 0;
            traffic.psum_buffer.readBits += yRead;
            traffic.psum_buffer.writeBits += nOutTile * accel.accumulatorBits;
            bits += yRead;
          }
          const port = portCycles(accel, 'psum_buffer', bits);
          const wb = t === T - 1 ? portCycles(accel, 'act_buffer', nOutTile * accel.activationBits) : 0;
          if (Math.max(port, wb) > cabWork) stalls['psum-port'] += Math.max(port, wb) - cabWork;
          c[t] = Math.max(cabWork, port, wb);
          cabPortSum += Math.max(port, wb);
          cabBusy += cabWork;
        }
      }
      if (o.weightStationary) traffic.weight_buffer.readBits += tileWeightBits;
      traffic.act_buffer.writeBits += nOutTile * accel.activationBits;
      // Stage composition within the tile.
      const sumE = e.reduce((x, y) => x + y, 0);
      const sumA = a.reduce((x, y) => x + y, 0);
      const sumC = c.reduce((x, y) => x + y, 0);
      let tileCycles: number;
      if (o.timing === 'sequential') {
        tileCycles = sumE + sumA + sumC;
      } else if (o.timing === 'overlapped') {
        // Stages fully decoupled: the CAB streams across steps, so its bound is ceil(T * N_out / lanes).
        const cabStream = Math.ceil(((o.scaledWeights ? 1 : T) * nOutTile) / accel.cabLanes);
        const cabTotal = Math.max(cabStream, cabPortSum);
        tileCycles = Math.max(sumE, sumA, cabTotal);
      } else {
        // Flow shop over steps: encoder -> AC -> CAB, psums double-buffered (AC step t waits for CAB step t-2).
        const fE: number[] = [];
        const fA: number[] = [];
        const fC: number[] = [];
        for (let t = 0; t < T; t++) {
          fE[t] = (t > 0 ? fE[t - 1] : 0) + e[t];
          fA[t] = Math.max(t > 0 ? fA[t - 1] : 0, fE[t], t > 1 ? fC[t - 2] : 0) + a[t];
          fC[t] = Math.max(t > 0 ? fC[t - 1] : 0, fA[t]) + c[t];
        }
        tileCycles = fC[T - 1];
        pipelineCycles += tileCycles - Math.max(sumE, sumA, sumC);
      }
      if (ct === 0 && rt + 1 < encShares.length) tileCycles = Math.max(tileCycles, encShares[rt + 1]);
      tileCycles += o.pipelineLatencyCycles;
      pipelineCycles += o.pipelineLatencyCycles;
      tileComputes.push(tileCycles);
      tileLoads.push(dramCycles(accel, ctx.clockHz, loadBits));
    }
  }
  // Output write-back to DRAM when activations spill.
  const nOut = nOutAll;
  let drainBits = 0;
  if (actsSpill) { drainBits = nOut * accel.activationBits; traffic.dram.writeBits += drainBits; }
  // Tile timeline with double-buffered loads: load(k+1) overlaps compute(k).
  const computeSum = tileComputes.reduce((x, y) => x + y, 0);
  const inLoad = dramCycles(accel, ctx.clockHz, ctx.runEncoder && (ctx.inputFromDram || actsSpill) ? nIn * accel.activationBits : 0)
    + dramCycles(accel, ctx.clockHz, ctx.runEncoder && spikesSpill ? spikeBitsTotal : 0);
  const totalCycles = tileTimeline(tileComputes, tileLoads, inLoad, dramCycles(accel, ctx.clockHz, drainBits), o.doubleBufferedLoads);
  stalls.dram = totalCycles - computeSum;
  stalls.pipeline = pipelineCycles;

  // Action counts (integers).
  const outsT = T * nOut;
  const cabMul = o.scaledWeights ? 0 : outsT;
  const actions: ActionCount[] = [
    { component: 'encoder', action: 'compare', count: ctx.runEncoder ? T * nIn : 0 },
    { component: 'encoder', action: 'subtract', count: ctx.runEncoder ? s.spikes : 0 },
    { component: 'ac_array', action: 'add', count: acs },
    { component: 'cab', action: ctx.schedule === 'pow2' ? 'shift' : 'multiply', count: cabMul },
    { component: 'cab', action: 'add', count: (o.scaledWeights ? 0 : outsT) + (l.hasBias ? nOut : 0) },
  ];
  if (l.batchNormAfter && !o.foldBatchNorm) {
    actions.push({ component: 'bn', action: 'multiply', count: nOut }, { component: 'bn', action: 'add', count: nOut });
  }
  pushTraffic(actions, traffic);
  const dramBits = traffic.dram.readBits + traffic.dram.writeBits;
  return {
    layer: l.layer,
    kind: 'stcb',
    cycles: totalCycles,
    stageCycles: { encoder: encBusy, ac: acBusy, cab: cabBusy },
    stalls,
    acChunkOverheadCycles: acChunkCycles - acsPerStep.reduce((x, y) => x + Math.ceil(y / L), 0),
    tiling,
    traffic,
    actions,
    spikes: s.spikes,
    acs,
    acsPerStep,
    bounds: {
      encoder: ctx.runEncoder ? Math.ceil((T * nIn) / accel.encoderLanes) : 0,
      ac: acsPerStep.reduce((x, y) => x + Math.ceil(y / L), 0),
      cab: Math.ceil(((o.scaledWeights ? 1 : T) * nOut) / accel.cabLanes),
      dram: dramCycles(accel, ctx.clockHz, dramBits),
    },
    work: { acOps: acs, cabOps: o.scaledWeights ? nOut : outsT, encoderOps: ctx.runEncoder ? T * nIn : 0, macOps: 0 },
  };
}

/** Appends buffer and DRAM traffic (in bits) as read/write actions. */
export function pushTraffic(actions: ActionCount[], traffic: Traffic): void {
  for (const [b, v] of Object.entries(traffic)) {
    actions.push({ component: b, action: 'read', count: v.readBits }, { component: b, action: 'write', count: v.writeBits });
  }
}
