/**
 * The STEB encoder stage of the STCB chip: neuron-major, all T steps of a neuron at once (the STEB has
 * no input after t = 1), so a layer's input is encoded once, before or while its first tiles compute.
 */
import type { SpikeTraceLayer } from '../trace/types.ts';
import type { Accelerator } from '../arch/accelerator.ts';
import { inputRowsFor } from './fanout.ts';
import type { Stalls } from './layer-sim.ts';
import { portCycles } from './memory.ts';
import type { Tiling } from './tiling.ts';
import type { Traffic } from './traffic.ts';

/** What the encoder of one layer moves. */
export interface EncoderWork {
  /** Input neurons encoded. */
  neurons: number;
  timesteps: number;
  /** Bits written to the spike store (bitmap or addresses). */
  spikeBits: number;
  /** The input comes from DRAM (network input, or activations that spill). */
  inputFromDram: boolean;
  /** The spikes do not fit the spike buffer and go to DRAM too. */
  spikesSpill: boolean;
}

/** Busy cycles of the encoder lanes (the encoder lower bound). */
export function encoderBusyCycles(accel: Accelerator, w: EncoderWork): number {
  return Math.ceil((w.timesteps * w.neurons) / accel.encoderLanes);
}

/** Cycles of the encoder stage (busy or port-bound); books its traffic and act-port stalls. */
export function runEncoder(accel: Accelerator, w: EncoderWork, stalls: Stalls, traffic: Traffic): number {
  const busy = encoderBusyCycles(accel, w);
  const actBits = w.neurons * accel.activationBits;
  traffic.act_buffer.readBits += actBits;
  traffic.spike_buffer.writeBits += w.spikeBits;
  const port = Math.max(portCycles(accel, 'act_buffer', actBits), portCycles(accel, 'spike_buffer', w.spikeBits));
  if (port > busy) stalls['act-port'] += port - busy;
  if (w.inputFromDram) traffic.dram.readBits += actBits;
  if (w.spikesSpill) traffic.dram.writeBits += w.spikeBits;
  return Math.max(busy, port);
}

/**
 * The encoder's cycles split over the row tiles in proportion to the input rows each one newly needs
 * (the last tile takes the remainder), so a tile waits only for its own rows.
 */
export function encoderShares(l: SpikeTraceLayer, tiling: Tiling, encCycles: number): number[] {
  const shares: number[] = [];
  let encodedRows = 0;
  let spent = 0;
  for (let rt = 0; rt < tiling.rowTiles; rt++) {
    const last = inputRowsFor(l, rt * tiling.rowTile, Math.min(l.outH, (rt + 1) * tiling.rowTile))[1];
    const share = rt === tiling.rowTiles - 1 ? encCycles - spent : Math.min(encCycles - spent, Math.ceil((encCycles * Math.max(0, last + 1 - encodedRows)) / l.inH));
    shares.push(share);
    spent += share;
    encodedRows = Math.max(encodedRows, last + 1);
  }
  return shares;
}
