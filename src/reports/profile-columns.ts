/**
 * Column specs of the profile reports (layers.csv, steps.csv, table.md, the terminal table).
 * The `doc` of each column is its definition; docs/columns.md is generated from the same specs (scripts/gen-docs.ts).
 */
import type { LayerCounts } from '../counts/types.ts';
import type { PaperEnergyRow } from '../energy/paper.ts';
import type { Column } from './table.ts';

/** A layers.csv row: the layer's counts joined with its paper-mode energy. */
export interface LayerRow {
  counts: LayerCounts;
  energy: PaperEnergyRow;
  /** Images profiled; every count and energy of the row is their mean (per image). */
  images: number;
}

/** The `images` column of layers.csv and steps.csv. */
const IMAGES_DOC = 'Images profiled (run through the network); every count and energy of the row is per image, the mean over these images.';

const std = (xs: number[]): number => {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

const shape = (s: number[]): string => s.join('x');

export const LAYER_COLUMNS: Column<LayerRow>[] = [
  { key: 'layer', header: 'Layer', value: (r) => r.counts.layer, doc: 'Weight layer name; batch norm, pooling and residual adds that process its output are counted in its row.', docUnit: 'name' },
  { key: 'kind', header: 'Kind', value: (r) => r.counts.kind, doc: 'stcb-conv/stcb-dense: STEB -> synapse (additions only) -> CAB; mac-conv/mac-dense: ordinary multiply-accumulate layer (first layer, real classifier).', docUnit: 'name' },
  { key: 'images', header: 'Images', value: (r) => r.images, format: 'int', doc: IMAGES_DOC, docUnit: 'images' },
  { key: 'input_shape', header: 'Input', value: (r) => shape(r.counts.inputShape), doc: 'Input feature map per image, HxWxC (or F for flat vectors).', docUnit: 'HxWxC' },
  { key: 'output_shape', header: 'Output', value: (r) => shape(r.counts.outputShape), doc: 'Output feature map per image.', docUnit: 'HxWxC' },
  { key: 'window', header: 'Kernel/stride', value: (r) => r.counts.window, doc: 'Convolution kernel and stride; "-" for dense layers.', docUnit: 'KhxKw/stride' },
  { key: 'timesteps', header: 'T', value: (r) => r.counts.timesteps, format: 'int', doc: 'Time steps of the layer\'s spike trains (0 for MAC layers).', docUnit: 'steps' },
  { key: 'neurons_in', header: 'Neurons in', value: (r) => r.counts.neuronsIn, format: 'int', doc: 'N_in = H*W*Cin input neurons.', docUnit: 'neurons' },
  { key: 'neurons_out', header: 'Neurons out', value: (r) => r.counts.neuronsOut, format: 'int', doc: 'N_out = Ho*Wo*Cout outputs.', docUnit: 'neurons' },
  { key: 'spikes', header: 'Spikes', value: (r) => r.counts.spikes, digits: 1, doc: 'Spikes into the layer per image, all steps (mean over images).', docUnit: 'spikes per image (mean over images)' },
  { key: 'spikes_std', header: 'Spikes std', value: (r) => std(r.counts.spikesPerImage), format: 'float', digits: 1, doc: 'Sample standard deviation of spikes across the profiled images (0 for one image).', docUnit: 'spikes' },
  { key: 'firing_rate', header: 'Firing rate', value: (r) => r.counts.firingRate, format: 'float', digits: 4, doc: 'spikes / (N_in * T): probability that an input neuron spikes at a step.', docUnit: 'spikes / (neuron x step), 0-1' },
  { key: 'zeta', header: 'Zeta', value: (r) => r.counts.zeta, format: 'float', digits: 4, doc: 'spikes / N_in: spikes per input neuron over all T steps (Kundu et al. 2021).', docUnit: 'spikes / neuron' },
  { key: 'dense_macs', header: 'Dense MACs', value: (r) => r.counts.denseMacs, format: 'int', doc: 'k*k*Cin*Cout*Hout*Wout: the ANN cost of the same layer.', docUnit: 'MACs per image' },
  { key: 'ac_exact', header: 'AC exact', value: (r) => r.counts.acExact, digits: 1, doc: 'Exact synaptic additions: (spike, valid output) pairs, honouring padding and stride.', docUnit: 'ACs per image (mean over images)' },
  { key: 'ac_literature', header: 'AC T*MAC*rate', value: (r) => r.counts.acLiteratureEstimate, format: 'float', digits: 0, doc: 'The literature estimate T * dense MACs * firing rate (= dense MACs * zeta); ignores borders and strides.', docUnit: 'ACs per image (mean over images)' },
  { key: 'macs', header: 'MACs', value: (r) => r.counts.macs, format: 'int', doc: 'Multiply-accumulates of non-spiking weight layers.', docUnit: 'MACs per image' },
  { key: 'encoder_compares', header: 'Enc. compares', value: (r) => r.counts.encoderCompares, format: 'int', doc: 'STEB: T * N_in threshold compares (counted in the first layer reading the encoder).', docUnit: 'ops per image' },
  { key: 'encoder_subtracts', header: 'Enc. subtracts', value: (r) => r.counts.encoderSubtracts, digits: 1, doc: 'STEB: one subtract per spike (counted in the first layer reading the encoder).', docUnit: 'ops per image (mean over images)' },
  { key: 'cab_multiplies', header: 'CAB mults', value: (r) => r.counts.cabMultiplies, format: 'int', doc: 'CAB: T * N_out multiplies by V(t) (0 under pow2).', docUnit: 'ops per image' },
  { key: 'cab_shifts', header: 'CAB shifts', value: (r) => r.counts.cabShifts, format: 'int', doc: 'CAB: T * N_out shifts under the pow2 schedule.', docUnit: 'ops per image' },
  { key: 'cab_adds', header: 'CAB adds', value: (r) => r.counts.cabAdds, format: 'int', doc: 'CAB: T * N_out accumulations.', docUnit: 'ops per image' },
  { key: 'bias_adds', header: 'Bias adds', value: (r) => r.counts.biasAdds, format: 'int', doc: 'One add per output when the layer has a bias.', docUnit: 'ops per image' },
  { key: 'batchnorm_ops', header: 'BN ops', value: (r) => r.counts.batchNormOps, format: 'int', doc: 'Batch norm (inference): one multiply-add per element.', docUnit: 'ops per image' },
  { key: 'pooling_ops', header: 'Pool ops', value: (r) => r.counts.poolingOps, format: 'int', doc: 'Pooling: one compare/add per window element read; global average pooling one add per input element.', docUnit: 'ops per image' },
  { key: 'residual_adds', header: 'Residual adds', value: (r) => r.counts.residualAdds, format: 'int', doc: 'Shortcut additions, one per element.', docUnit: 'ops per image' },
  { key: 'mac_class_ops', header: 'MAC-class ops', value: (r) => r.energy.macClass, format: 'int', doc: 'Paper mode: every operation that is not a spike-driven AC (MACs, CAB, BN, pooling, residual, bias).', docUnit: 'ops per image' },
  { key: 'energy_snn', header: 'E SNN (formula)', unit: 'pJ', value: (r) => r.energy.snnPJ, format: 'float', digits: 0, doc: 'Paper mode: AC(formula) * E_AC + MAC-class ops * E_MAC.' },
  { key: 'energy_snn_exact', header: 'E SNN (exact AC)', unit: 'pJ', value: (r) => r.energy.snnExactPJ, format: 'float', digits: 0, doc: 'Paper mode with the exact AC count: AC(exact) * E_AC + MAC-class ops * E_MAC.' },
  { key: 'energy_ann', header: 'E ANN twin', unit: 'pJ', value: (r) => r.energy.annPJ, format: 'float', digits: 0, doc: 'The same layer as an ANN: (dense MACs + BN + pooling + residual + bias) * E_MAC.' },
];

/** The short set the terminal shows; the files carry every column. */
export const TERMINAL_KEYS = [
  'layer', 'kind', 'output_shape', 'firing_rate', 'spikes', 'ac_exact', 'ac_literature', 'macs', 'energy_snn', 'energy_ann',
];

export interface StepRow {
  layer: string;
  images: number;
  step: number;
  thresholdV: number;
  spikes: number;
  neuronsIn: number;
  acExact: number;
}

export const STEP_COLUMNS: Column<StepRow>[] = [
  { key: 'layer', header: 'Layer', value: (r) => r.layer, doc: 'Spiking layer.', docUnit: 'name' },
  { key: 'images', header: 'Images', value: (r) => r.images, format: 'int', doc: IMAGES_DOC, docUnit: 'images' },
  { key: 'step', header: 't', value: (r) => r.step, format: 'int', doc: 'Time step t = 1..T.', docUnit: 'step index (1-based)' },
  { key: 'threshold', header: 'V(t)', value: (r) => r.thresholdV, format: 'float', digits: 4, doc: 'Encoder threshold at step t.', docUnit: 'activation units (V0 scale)' },
  { key: 'spikes', header: 'Spikes', value: (r) => r.spikes, doc: 'Spikes into the layer at step t, per image (mean).', docUnit: 'spikes per image (mean over images)' },
  { key: 'firing_rate', header: 'Firing rate', value: (r) => r.spikes / r.neuronsIn, format: 'float', digits: 4, doc: 'spikes(t) / N_in.', docUnit: 'spikes / neuron, 0-1' },
  { key: 'ac_exact', header: 'AC exact', value: (r) => r.acExact, doc: 'Exact synaptic additions at step t, per image (mean).', docUnit: 'ACs per image (mean over images)' },
];

export function stepRows(layers: readonly LayerCounts[], thresholdsV: readonly number[], images: number): StepRow[] {
  return layers.flatMap((l) =>
    l.spikesPerStep.map((spikes, t) => ({
      layer: l.layer, images, step: t + 1, thresholdV: thresholdsV[t], spikes, neuronsIn: l.neuronsIn, acExact: l.acPerStep[t],
    })));
}
