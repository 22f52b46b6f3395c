/**
 * The per-layer record of counts: the contract between the network run and everything after it
 * (energy, reports, hardware replay summaries). One record per weight layer; the operations of the
 * non-weight nodes (batch norm, pooling, residual add) are attributed to the weight layer whose output
 * they process, and an encoder to the first layer that reads its spikes (DESIGN.md section 4).
 *
 * Counters are integers per image. With several images, per-image arrays hold each image's value and
 * the scalar fields hold the mean over images.
 */

export type LayerKind = 'mac-conv' | 'mac-dense' | 'stcb-conv' | 'stcb-dense';

export interface OpCounts {
  /** Multiply-accumulates of non-spiking weight layers (first layer, real-valued classifier). */
  macs: number;
  /** Exact synaptic additions: (spike, valid output) pairs. */
  acExact: number;
  /** STEB: one compare per input neuron per step (0 where the encoder belongs to another layer's row). */
  encoderCompares: number;
  /** STEB: one subtract per spike. */
  encoderSubtracts: number;
  /** CAB: one multiply per output per step (0 under the pow2 schedule, which shifts instead). */
  cabMultiplies: number;
  /** CAB: one shift per output per step under the pow2 schedule. */
  cabShifts: number;
  /** CAB: one add per output per step. */
  cabAdds: number;
  /** Bias additions, one per output. */
  biasAdds: number;
  /** Batch norm in inference form, one multiply-add per element. */
  batchNormOps: number;
  /** Pooling: one operation per window element read (max compares / average adds). */
  poolingOps: number;
  /** Residual (shortcut) additions, one per element. */
  residualAdds: number;
}

export const OP_KEYS: readonly (keyof OpCounts)[] = [
  'macs', 'acExact', 'encoderCompares', 'encoderSubtracts', 'cabMultiplies', 'cabShifts', 'cabAdds',
  'biasAdds', 'batchNormOps', 'poolingOps', 'residualAdds',
];

export interface LayerCounts extends OpCounts {
  layer: string;
  kind: LayerKind;
  /** Input and output feature-map shapes, per image: [H, W, C] or [F]. */
  inputShape: number[];
  outputShape: number[];
  /** "3x3/1" style kernel and stride; "-" for dense layers. */
  window: string;
  timesteps: number;
  neuronsIn: number;
  neuronsOut: number;
  /** Dense MAC equivalent k*k*Cin*Cout*Hout*Wout: the ANN cost of the same layer. */
  denseMacs: number;
  /** Spikes into the layer per image, summed over steps (0 for MAC layers). */
  spikes: number;
  /** Mean spikes into the layer at each step t = 1..T. */
  spikesPerStep: number[];
  /** Mean exact ACs at each step. */
  acPerStep: number[];
  /** Spikes of each profiled image (for the spread across images). */
  spikesPerImage: number[];
  /** Exact ACs of each profiled image. */
  acPerImage: number[];
  /** spikes / (neuronsIn * T). */
  firingRate: number;
  /** spikes / neuronsIn: spikes per input neuron over all T steps. */
  zeta: number;
  /** The literature estimate T * denseMacs * firingRate (= denseMacs * zeta); reported beside acExact. */
  acLiteratureEstimate: number;
  /** Name of the STEB the layer reads, if spiking. */
  encoder?: string;
}

export interface NetworkCounts {
  network: string;
  images: number;
  timesteps: number;
  layers: LayerCounts[];
  totals: OpCounts & { spikes: number; denseMacs: number; acLiteratureEstimate: number };
}
