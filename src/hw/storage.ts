/**
 * Weight storage of a network on the chip: bits per layer at the accelerator's weight width, or one
 * bit per weight plus one alpha word (at the accelerator's weight width) per output channel for a
 * binary layer (geometry.weightBits = 1). What the weight buffer and DRAM must hold per network.
 */
import type { Accelerator } from '../arch/accelerator.ts';
import type { LayerGeometry } from '../trace/types.ts';

export interface LayerStorage {
  layer: string;
  weights: number;
  /** Bits per weight as stored (1 for binary layers). */
  weightBits: number;
  /** Total bits: weights x weightBits + per-channel alpha words of binary layers. */
  bits: number;
  /** The same layer at the accelerator's full weight width. */
  fullPrecisionBits: number;
}

export interface WeightStorage {
  layers: LayerStorage[];
  bits: number;
  fullPrecisionBits: number;
  /** 1 - bits / fullPrecisionBits. */
  saving: number;
  binaryLayers: string[];
}

export function weightStorage(layers: readonly LayerGeometry[], accel: Accelerator): WeightStorage {
  const rows = layers.map((g): LayerStorage => {
    const weights = g.kernelH * g.kernelW * g.inC * g.outC;
    const weightBits = g.weightBits ?? accel.weightBits;
    const alphaBits = weightBits < accel.weightBits ? g.outC * accel.weightBits : 0;
    return { layer: g.layer, weights, weightBits, bits: weights * weightBits + alphaBits, fullPrecisionBits: weights * accel.weightBits };
  });
  const bits = rows.reduce((a, r) => a + r.bits, 0);
  const fullPrecisionBits = rows.reduce((a, r) => a + r.fullPrecisionBits, 0);
  return { layers: rows, bits, fullPrecisionBits, saving: fullPrecisionBits === 0 ? 0 : 1 - bits / fullPrecisionBits, binaryLayers: rows.filter((r) => r.weightBits < accel.weightBits).map((r) => r.layer) };
}
