/**
 * Tiling of a layer's outputs into (output-channel tile x output-row tile) blocks that fit the chip's
 * storage. One rule for every layer model; what a tile must hold is the caller's (TileNeeds): the STCB
 * chip keeps psums and the CAB accumulator, the LIF twin psums and membranes.
 */
import type { LayerGeometry } from '../trace/types.ts';
import type { Accelerator } from '../arch/accelerator.ts';
import { inputRowsFor } from './fanout.ts';

export interface Tiling {
  coutTile: number;
  rowTile: number;
  coutTiles: number;
  rowTiles: number;
}

/** A store that holds `bitsPerOutput` bits for every output of a tile. */
export interface TileStore { capacityBits: number; bitsPerOutput: number }

/** What one tile must hold, and how errors name the model. */
export interface TileNeeds {
  /** Bits of one output channel's weights in the weight buffer. */
  weightBitsPerChannel: number;
  /** Per-output stores that bound the tile's rows (psum buffer, array registers, membranes). */
  stores: readonly TileStore[];
  /** Appended to the layer name in errors, e.g. ' (LIF twin)'. */
  model: string;
  /** Names the per-output stores in errors, e.g. 'psum storage'. */
  storage: string;
}

/**
 * Output channels the AC array's weight registers hold under options.weightStationary (Infinity when
 * the option is off or the registers are unlimited). The MAC layers use the same rule.
 */
export function weightRegisterChannels(g: LayerGeometry, accel: Accelerator): number {
  if (!accel.options.weightStationary || !Number.isFinite(accel.acWeightRegisters)) return Infinity;
  return Math.floor(accel.acWeightRegisters / (g.kernelH * g.kernelW * g.inC));
}

/**
 * Bits per output that a step's psums keep in the psum buffer: none when they stay in the array's
 * registers, else two steps' worth (step t is accumulated while step t-1 is read) unless stages run
 * one after the other.
 */
export function stepPsumBits(accel: Accelerator): number {
  const o = accel.options;
  return o.psumsInArrayRegisters ? 0 : accel.psumBits * (o.timing === 'sequential' ? 1 : 2);
}

/** The psum stores of a tile: the psum buffer (`psumBufferBits` per output) and, when used, the array's psum registers. */
export function psumStores(accel: Accelerator, psumBufferBits: number): TileStore[] {
  const stores: TileStore[] = [{ capacityBits: accel.buffers.psum_buffer.capacityBits, bitsPerOutput: psumBufferBits }];
  if (accel.options.psumsInArrayRegisters) stores.push({ capacityBits: accel.acPsumRegisters, bitsPerOutput: 1 });
  return stores;
}

/** Largest channel tile whose weights fit the weight buffer (half of it when loads are double-buffered) and registers. */
function maxChannels(l: LayerGeometry, accel: Accelerator, needs: TileNeeds): number {
  const wCap = accel.buffers.weight_buffer.capacityBits / (accel.options.doubleBufferedLoads ? 2 : 1);
  const cMax = Math.min(Number.isFinite(wCap) ? Math.min(l.outC, Math.floor(wCap / needs.weightBitsPerChannel)) : l.outC, weightRegisterChannels(l, accel));
  if (cMax < 1) throw new Error(`layer ${l.layer}${needs.model}: the weights of one output channel (${needs.weightBitsPerChannel} bits) do not fit the weight buffer/array of ${accel.name}`);
  return cMax;
}

/** Output rows of `c` channels that fit every per-output store. */
function rowsFitting(l: LayerGeometry, stores: readonly TileStore[], c: number): number {
  let rows = l.outH;
  for (const s of stores) {
    if (s.bitsPerOutput > 0 && Number.isFinite(s.capacityBits)) rows = Math.min(rows, Math.floor(s.capacityBits / (s.bitsPerOutput * l.outW * c)));
  }
  return rows;
}

/**
 * The next balanced channel tile narrower than c: one tile more than c needs, or more when that does
 * not narrow it (64 channels in 8 or in 9 tiles are both 8 wide; without this the search never ended).
 */
function narrower(outC: number, c: number): number {
  let tiles = Math.ceil(outC / c) + 1;
  let next = Math.ceil(outC / tiles);
  while (next >= c) next = Math.ceil(outC / ++tiles);
  return next;
}

/** Balanced tiles (128 channels in 2 x 64, not 113 + 15), narrowing channels until one row fits. */
export function chooseTiling(l: LayerGeometry, accel: Accelerator, needs: TileNeeds): Tiling {
  const cMax = maxChannels(l, accel, needs);
  let c = Math.ceil(l.outC / Math.ceil(l.outC / cMax));
  while (c > 1 && rowsFitting(l, needs.stores, c) < 1) c = narrower(l.outC, c);
  let rows = rowsFitting(l, needs.stores, c);
  if (rows >= 1) rows = Math.ceil(l.outH / Math.ceil(l.outH / rows));
  if (rows < 1) throw new Error(`layer ${l.layer}${needs.model}: one output row of one channel (${l.outW} outputs) does not fit the ${needs.storage} of ${accel.name}`);
  return { coutTile: c, rowTile: rows, coutTiles: Math.ceil(l.outC / c), rowTiles: Math.ceil(l.outH / rows) };
}

/** One tile: channel tile ct, row tile rt, its output rows [o0, o1) and the input rows [r0, r1] reaching them. */
export interface TileRegion {
  ct: number;
  rt: number;
  cTile: number;
  o0: number;
  o1: number;
  r0: number;
  r1: number;
  /** Outputs in the tile. */
  nOut: number;
}

/** The tiles in replay order: output-channel tiles outer (weights loaded once), output-row tiles inner. */
export function tileRegions(l: LayerGeometry, tiling: Tiling): TileRegion[] {
  const tiles: TileRegion[] = [];
  for (let ct = 0; ct < tiling.coutTiles; ct++) {
    const cTile = Math.min(tiling.coutTile, l.outC - ct * tiling.coutTile);
    for (let rt = 0; rt < tiling.rowTiles; rt++) {
      const o0 = rt * tiling.rowTile;
      const o1 = Math.min(l.outH, o0 + tiling.rowTile);
      const [r0, r1] = inputRowsFor(l, o0, o1);
      tiles.push({ ct, rt, cTile, o0, o1, r0, r1, nOut: (o1 - o0) * l.outW * cTile });
    }
  }
  return tiles;
}

/** Weight bits of a tile of `cTile` output channels: `copies` words of `wordBits` per synapse. */
export function tileWeightBits(l: LayerGeometry, cTile: number, wordBits: number, copies: number): number {
  return l.kernelH * l.kernelW * l.inC * cTile * wordBits * copies;
}
