/**
 * neurobench.json: NeuroBench-compatible metrics of a profile run, under NeuroBench's names, with
 * their definitions and the per-layer figures behind them (docs/metrics/neurobench.md).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NeuroBenchMetrics } from '../counts/neurobench.ts';

export const NEUROBENCH_FILE = 'neurobench.json';

/** The headline figures, as NeuroBench's Benchmark.run() reports them (2.x metric names). */
export type NeuroBenchHeadline = Pick<NeuroBenchMetrics, 'Footprint' | 'ConnectionSparsity' | 'ActivationSparsity' | 'SynapticOperations' | 'ClassificationAccuracy'>;

export function neurobenchHeadline(m: NeuroBenchMetrics): NeuroBenchHeadline {
  return {
    Footprint: m.Footprint, ConnectionSparsity: m.ConnectionSparsity, ActivationSparsity: m.ActivationSparsity,
    SynapticOperations: { ...m.SynapticOperations },
    ...(m.ClassificationAccuracy !== undefined ? { ClassificationAccuracy: m.ClassificationAccuracy } : {}),
  };
}

export const NEUROBENCH_DEFINITIONS: Readonly<Record<string, string>> = {
  Footprint: 'bytes of the parameters (kernels, biases) and batch-norm statistics, each tensor at the bit width it ran at (quantised kernels at the accelerator\'s weight width, the rest float32); ceil(values x bits / 8) per tensor',
  ConnectionSparsity: 'zero weights / weights over every weight layer\'s kernel (biases excluded), of the weights as the network ran; null when there are no weights',
  ActivationSparsity: '1 - spikes / (neurons x T) over every encoder (STEB) output, each encoder once, all images: the share of zero entries among the spiking activations',
  'SynapticOperations.Effective_ACs': 'per image: (spike, nonzero weight, valid output) connections of the layers reading spikes (STCB synapses), summed over the T steps; biases excluded',
  'SynapticOperations.Effective_MACs': 'per image: (nonzero input, nonzero weight, valid output) connections of the layers reading real values (first layer, real-valued classifier), run once per image; biases excluded',
  'SynapticOperations.Dense': 'per image: the same connections with every input and weight taken as one (no connection exists in the zero padding): once per step for STCB synapses, once for MAC layers',
  ClassificationAccuracy: 'top-1 accuracy on the labelled images (present only with labels)',
};

export function neurobenchJson(m: NeuroBenchMetrics, network: string): unknown {
  return {
    network,
    ...neurobenchHeadline(m),
    images: m.images,
    convention: 'NeuroBench (neurobench Python package, neurobench/metrics) metric names and definitions; 1.x names: footprint, connection_sparsity, activation_sparsity, synaptic_operations',
    definitions: NEUROBENCH_DEFINITIONS,
    layers: m.layers,
    footprintTensors: m.footprintTensors,
    notes: m.notes,
  };
}

export function writeNeurobench(dir: string, m: NeuroBenchMetrics, network: string): void {
  writeFileSync(join(dir, NEUROBENCH_FILE), JSON.stringify(neurobenchJson(m, network), null, 2) + '\n');
}
