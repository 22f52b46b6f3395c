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
}

const std = (xs: number[]): number => {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

const shape = (s: number[]): string => s.join('x');

export const LAYER_COLUMNS: Column<LayerRow>[] = [
  { key: 'layer', header: 'Layer', value: (r) => r.counts.layer, doc: 'Weight layer name; batch norm, pooling and residual adds that process its output are counted in its row.' },
  { key: 'kind', header: 'Kind', value: (r) => r.counts.kind, doc: 'stcb-conv/stcb-dense: STEB -> synapse (additions only) -> CAB; mac-conv/mac-dense: ordinary multiply-accumulate layer (first layer, real classifier).' },
  { key: 'input_shape', header: 'Input', value: (r) => shape(r.counts.inputShape), doc: 'Input feature map per image, HxWxC (or F for flat vectors).' },
  { key: 'output_shape', header: 'Output', value: (r) => shape(r.counts.outputShape), doc: 'Output feature map per image.' },
  { key: 'window', header: 'Kernel/stride', value: (r) => r.counts.window, doc: 'Convolution kernel and stride; "-" for dense layers.' },
  { key: 'timesteps', header: 'T', value: (r) => r.counts.timesteps, format: 'int', doc: 'Time steps of the layer\'s spike trains (0 for MAC layers).' },
  { key: 'neurons_in', header: 'Neurons in', value: (r) => r.counts.neuronsIn, format: 'int', doc: 'N_in = H*W*Cin input neurons.' },
  { key: 'neurons_out', header: 'Neurons out', value: (r) => r.counts.neuronsOut, format: 'int', doc: 'N_out = Ho*Wo*Cout outputs.' },
  { key: 'spikes', header: 'Spikes', value: (r) => r.counts.spikes, digits: 1, doc: 'Spikes into the layer per image, all steps (mean over images).' },
  { key: 'spikes_std', header: 'Spikes std', value: (r) => std(r.counts.spikesPerImage), format: 'float', digits: 1, doc: 'Sample standard deviation of spikes across the profiled images (0 for one image).' },
  { key: 'firing_rate', header: 'Firing rate', value: (r) => r.counts.firingRate, format: 'float', digits: 4, doc: 'spikes / (N_in * T): probability that an input neuron spikes at a step.' },
  { key: 'zeta', header: 'Zeta', value: (r) => r.counts.zeta, format: 'float', digits: 4, doc: 'spikes / N_in: spikes per input neuron over all T steps (Kundu et al. 2021).' },
  { key: 'dense_macs', header: 'Dense MACs', value: (r) => r.counts.denseMacs, format: 'int', doc: 'k*k*Cin*Cout*Hout*Wout: the ANN cost of the same layer.' },
  { key: 'ac_exact', header: 'AC exact', value: (r) => r.counts.acExact, digits: 1, doc: 'Exact synaptic additions: (spike, valid output) pairs, honouring padding and stride.' },
  { key: 'ac_literature', header: 'AC T*MAC*rate', value: (r) => r.counts.acLiteratureEstimate, format: 'float', digits: 0, doc: 'The literature estimate T * dense MACs * firing rate (= dense MACs * zeta); ignores borders and strides.' },
  { key: 'macs', header: 'MACs', value: (r) => r.counts.macs, format: 'int', doc: 'Multiply-accumulates of non-spiking weight layers.' },
  { key: 'encoder_compares', header: 'Enc. compares', value: (r) => r.counts.encoderCompares, format: 'int', doc: 'STEB: T * N_in threshold compares (counted in the first layer reading the encoder).' },
  { key: 'encoder_subtracts', header: 'Enc. subtracts', value: (r) => r.counts.encoderSubtracts, digits: 1, doc: 'STEB: one subtract per spike (counted in the first layer reading the encoder).' },
  { key: 'cab_multiplies', header: 'CAB mults', value: (r) => r.counts.cabMultiplies, format: 'int', doc: 'CAB: T * N_out multiplies by V(t) (0 under pow2).' },
  { key: 'cab_shifts', header: 'CAB shifts', value: (r) => r.counts.cabShifts, format: 'int', doc: 'CAB: T * N_out shifts under the pow2 schedule.' },
  { key: 'cab_adds', header: 'CAB adds', value: (r) => r.counts.cabAdds, format: 'int', doc: 'CAB: T * N_out accumulations.' },
  { key: 'bias_adds', header: 'Bias adds', value: (r) => r.counts.biasAdds, format: 'int', doc: 'One add per output when the layer has a bias.' },
  { key: 'batchnorm_ops', header: 'BN ops', value: (r) => r.counts.batchNormOps, format: 'int', doc: 'Batch norm (inference): one multiply-add per element.' },
  { key: 'pooling_ops', header: 'Pool ops', value: (r) => r.counts.poolingOps, format: 'int', doc: 'Pooling: one compare/add per window element read; global average pooling one add per input element.' },
  { key: 'residual_adds', header: 'Residual adds', value: (r) => r.counts.residualAdds, format: 'int', doc: 'Shortcut additions, one per element.' },
  { key: 'mac_class_ops', header: 'MAC-class ops', value: (r) => r.energy.macClass, format: 'int', doc: 'Paper mode: every operation that is not a spike-driven AC (MACs, CAB, BN, pooling, residual, bias).' },
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
  step: number;
  thresholdV: number;
  spikes: number;
  neuronsIn: number;
  acExact: number;
}

export const STEP_COLUMNS: Column<StepRow>[] = [
  { key: 'layer', header: 'Layer', value: (r) => r.layer, doc: 'Spiking layer.' },
  { key: 'step', header: 't', value: (r) => r.step, format: 'int', doc: 'Time step t = 1..T.' },
  { key: 'threshold', header: 'V(t)', value: (r) => r.thresholdV, format: 'float', digits: 4, doc: 'Encoder threshold at step t.' },
  { key: 'spikes', header: 'Spikes', value: (r) => r.spikes, doc: 'Spikes into the layer at step t, per image (mean).' },
  { key: 'firing_rate', header: 'Firing rate', value: (r) => r.spikes / r.neuronsIn, format: 'float', digits: 4, doc: 'spikes(t) / N_in.' },
  { key: 'ac_exact', header: 'AC exact', value: (r) => r.acExact, doc: 'Exact synaptic additions at step t, per image (mean).' },
];

export function stepRows(layers: readonly LayerCounts[], thresholdsV: readonly number[]): StepRow[] {
  return layers.flatMap((l) =>
    l.spikesPerStep.map((spikes, t) => ({
      layer: l.layer, step: t + 1, thresholdV: thresholdsV[t], spikes, neuronsIn: l.neuronsIn, acExact: l.acPerStep[t],
    })));
}
