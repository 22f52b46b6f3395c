/**
 * Cycle-level replay of one STCB layer (STEB encoder -> AC array -> CAB) for one image on one
 * accelerator. Work is driven by the layer's spike events, aggregated per (step, input row,
 * column fan-out class) so a layer costs O(T * H * k) per tile instead of O(events).
 * Produces integer action counts (no energy), buffer/DRAM traffic and cycles with stalls by cause.
 * The parts shared with the LIF twin live beside it: tiling, AC array, memory, timing, tile replay.
 */
import type { SpikeTraceLayer } from '../trace/types.ts';
import type { ScheduleKind } from '../stcb/schedule.ts';
import { SCALED_WEIGHT_EXTRA_BITS, type Accelerator } from '../arch/accelerator.ts';
import { batchNormActions, type ActionCount } from './actions.ts';
import type { SpikeSummary } from './fanout.ts';
import { acLowerBound, acStage, exactAcsPerStep } from './ac-array.ts';
import { encoderBusyCycles, encoderShares, runEncoder, type EncoderWork } from './encoder.ts';
import { zeroStalls, type LayerSim, type Stalls } from './layer-sim.ts';
import { dramCycles, portCycles, spikeStoreBits } from './memory.ts';
import { replayedFields, replayTiles, type TileModel, type UpdateStep } from './tile-replay.ts';
import { chooseTiling, psumStores, stepPsumBits, tileWeightBits, type Tiling } from './tiling.ts';
import { dramBits, emptyTraffic, pushTraffic, type Traffic } from './traffic.ts';

export interface StcbContext {
  accel: Accelerator;
  clockHz: number;
  timesteps: number;
  schedule: ScheduleKind;
  /** False when an earlier layer already ran this layer's encoder for this image (shared STEB). */
  runEncoder: boolean;
  /** True when this layer reads the network input from DRAM. */
  inputFromDram: boolean;
  /** The network's weights are resident in the weight buffer (an earlier image of the batch loaded them). */
  weightsOnChip: boolean;
}

/** Weight word of the chip: widened when weights are pre-scaled by V(t) (options.scaledWeights). */
export function weightWordBits(accel: Accelerator): number {
  return accel.options.scaledWeights ? accel.weightBits + SCALED_WEIGHT_EXTRA_BITS : accel.weightBits;
}

/**
 * Tiling of an STCB layer: a channel's weights (T scaled copies under options.scaledWeights) in the
 * weight buffer; per output the step psums and, unless it sits in CAB registers, the accumulator y.
 */
export function stcbTiling(l: SpikeTraceLayer, accel: Accelerator, timesteps: number): Tiling {
  const o = accel.options;
  const weightBitsPerChannel = l.kernelH * l.kernelW * l.inC * accel.weightBits * (o.scaledWeights ? timesteps : 1)
    * (o.scaledWeights ? (accel.weightBits + SCALED_WEIGHT_EXTRA_BITS) / accel.weightBits : 1);
  const psumBufferBits = stepPsumBits(accel) + (o.cabAccumulator === 'psum-buffer' ? accel.accumulatorBits : 0);
  return chooseTiling(l, accel, { weightBitsPerChannel, stores: psumStores(accel, psumBufferBits), model: '', storage: 'psum storage' });
}

/**
 * CAB of a tile at step t: reads the step's psums (and y from the psum buffer), multiplies by V(t) and
 * accumulates; the last step writes the outputs back. Under scaled weights it runs once, at the end.
 */
function cabStep(accel: Accelerator, T: number, nOutTile: number, t: number, stalls: Stalls, traffic: Traffic): UpdateStep {
  const o = accel.options;
  if (o.scaledWeights && t !== T - 1) return { cycles: 0, portCycles: 0, busyCycles: 0 };
  const cabWork = Math.ceil(nOutTile / accel.cabLanes);
  let bits = o.psumsInArrayRegisters ? 0 : nOutTile * accel.psumBits;
  traffic.psum_buffer.readBits += bits;
  if (o.cabAccumulator === 'psum-buffer' && !o.scaledWeights) {
    const yRead = t > 0 ? nOutTile * accel.accumulatorBits : 0;
    traffic.psum_buffer.readBits += yRead;
    traffic.psum_buffer.writeBits += nOutTile * accel.accumulatorBits;
    bits += yRead;
  }
  const port = Math.max(portCycles(accel, 'psum_buffer', bits), t === T - 1 ? portCycles(accel, 'act_buffer', nOutTile * accel.activationBits) : 0);
  if (port > cabWork) stalls['psum-port'] += port - cabWork;
  return { cycles: Math.max(cabWork, port), portCycles: port, busyCycles: cabWork };
}

/** The layer's encoder work, or undefined when an earlier layer ran its shared encoder. */
function encoderWork(l: SpikeTraceLayer, s: SpikeSummary, ctx: StcbContext, actsSpill: boolean): EncoderWork | undefined {
  if (!ctx.runEncoder) return undefined;
  const { accel, timesteps: T } = ctx;
  const neurons = l.inH * l.inW * l.inC;
  const spikeBits = spikeStoreBits(accel.options.spikeStorage, neurons, T, s.spikes);
  return { neurons, timesteps: T, spikeBits, inputFromDram: ctx.inputFromDram || actsSpill, spikesSpill: spikeBits > accel.buffers.spike_buffer.capacityBits };
}

/** Integer action counts of the encoder, AC array, CAB and an unfolded batch norm. */
function stcbActions(l: SpikeTraceLayer, s: SpikeSummary, ctx: StcbContext, acs: number): ActionCount[] {
  const o = ctx.accel.options;
  const nIn = l.inH * l.inW * l.inC;
  const nOut = l.outH * l.outW * l.outC;
  const outsT = ctx.timesteps * nOut;
  return [
    { component: 'encoder', action: 'compare', count: ctx.runEncoder ? ctx.timesteps * nIn : 0 },
    { component: 'encoder', action: 'subtract', count: ctx.runEncoder ? s.spikes : 0 },
    { component: 'ac_array', action: 'add', count: acs },
    { component: 'cab', action: ctx.schedule === 'pow2' ? 'shift' : 'multiply', count: o.scaledWeights ? 0 : outsT },
    { component: 'cab', action: 'add', count: (o.scaledWeights ? 0 : outsT) + (l.hasBias ? nOut : 0) },
    ...batchNormActions(l, o.foldBatchNorm, nOut),
  ];
}

/** Per-layer state the STCB tiles share: traffic and stalls being booked, and the encoder's shares per row tile. */
interface StcbLayerState { traffic: Traffic; stalls: Stalls; spikesSpill: boolean; encShares: readonly number[] }

/** The STCB chip as a tile model: the AC array fed from the STEB's spikes, then the CAB. */
function stcbTileModel(l: SpikeTraceLayer, s: SpikeSummary, ctx: StcbContext, st: StcbLayerState): TileModel {
  const { accel, timesteps: T } = ctx;
  const o = accel.options;
  const { traffic, stalls, encShares } = st;
  const wordBits = weightWordBits(accel);
  return {
    accel, timesteps: T, traffic, stalls,
    ac: acStage({ layer: l, spikes: s, accel, weightWordBits: wordBits, spikesSpill: st.spikesSpill }),
    update: (tile, t) => cabStep(accel, T, tile.nOut, t, stalls, traffic),
    weightBits: (tile) => tileWeightBits(l, tile.cTile, wordBits, o.scaledWeights ? T : 1),
    weightsOnChip: ctx.weightsOnChip,
    // The encoder runs ahead during the first channel tile: tile (0, k) waits only for its own rows
    // when k = 0; the rows of tile k+1 are encoded while tile k computes.
    feedCycles: (tile) => (tile.ct === 0 && tile.rt === 0 ? encShares[0] ?? 0 : 0),
    // Stages fully decoupled: the CAB streams across steps, so its bound is ceil(T * N_out / lanes).
    updateStreamCycles: (tile) => Math.ceil(((o.scaledWeights ? 1 : T) * tile.nOut) / accel.cabLanes),
    afterTile: (tile, time) => {
      traffic.act_buffer.writeBits += tile.nOut * accel.activationBits;
      if (tile.ct === 0 && tile.rt + 1 < encShares.length) time.cycles = Math.max(time.cycles, encShares[tile.rt + 1]);
    },
  };
}

/** Replays one STCB layer for one image. */
export function simulateStcbLayer(l: SpikeTraceLayer, s: SpikeSummary, ctx: StcbContext): LayerSim {
  const { accel, timesteps: T } = ctx;
  const o = accel.options;
  const nIn = l.inH * l.inW * l.inC;
  const nOut = l.outH * l.outW * l.outC;
  const tiling = stcbTiling(l, accel, T);
  const traffic = emptyTraffic();
  const stalls = zeroStalls();
  const spikesSpill = spikeStoreBits(o.spikeStorage, nIn, T, s.spikes) > accel.buffers.spike_buffer.capacityBits;
  const actsSpill = (nIn + nOut) * accel.activationBits > accel.buffers.act_buffer.capacityBits;
  const acsPerStep = exactAcsPerStep(l, s, T);
  const acs = acsPerStep.reduce((x, y) => x + y, 0);

  const enc = encoderWork(l, s, ctx, actsSpill);
  const encCycles = enc ? runEncoder(accel, enc, stalls, traffic) : 0;
  const encShares = enc ? encoderShares(l, tiling, encCycles) : [];
  const model = stcbTileModel(l, s, ctx, { traffic, stalls, spikesSpill, encShares });
  // Output write-back to DRAM when activations spill; the encoder's input and spill loads come first.
  const run = replayTiles(model, l, tiling, ctx.clockHz, {
    inLoadCycles: dramCycles(accel, ctx.clockHz, enc?.inputFromDram ? nIn * accel.activationBits : 0) + dramCycles(accel, ctx.clockHz, enc?.spikesSpill ? enc.spikeBits : 0),
    drainBits: actsSpill ? nOut * accel.activationBits : 0,
  });
  const actions = stcbActions(l, s, ctx, acs);
  pushTraffic(actions, traffic);
  const encoderBound = enc ? encoderBusyCycles(accel, enc) : 0;
  return {
    layer: l.layer,
    kind: 'stcb',
    cycles: run.cycles,
    stageCycles: { encoder: encoderBound, ac: run.busy.ac, cab: run.busy.update },
    ...replayedFields(model, run, tiling, acsPerStep, actions, s.spikes),
    acs,
    acsPerStep,
    bounds: { encoder: encoderBound, ac: acLowerBound(acsPerStep, accel.acLanes), cab: Math.ceil(((o.scaledWeights ? 1 : T) * nOut) / accel.cabLanes), dram: dramCycles(accel, ctx.clockHz, dramBits(traffic)) },
    work: { acOps: acs, cabOps: o.scaledWeights ? nOut : T * nOut, encoderOps: ctx.runEncoder ? T * nIn : 0, macOps: 0 },
  };
}
