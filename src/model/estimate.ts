/**
 * Memory a network run needs, estimated from shapes alone (no tensor allocated): float32 weights, three
 * times (as loaded, at the accelerator's width, and its host copy: model/weights.ts kernelValues), plus every node's output for one batch (the forward pass keeps a batch's activations until the batch
 * ends). Used to refuse absurd inputs (`--input-shape 20000,20000,3`) with the estimate before any
 * allocation (docs/robustness.md).
 */
import type { Graph } from './graph.ts';
import { isWeightNode } from './graph.ts';
import { inferShapes } from './shapes.ts';

const FLOAT32_BYTES = 4;
/** Copies of the weights a profile run holds (see above). */
const WEIGHT_COPIES = 3;

export interface RunMemoryEstimate {
  weightBytes: number;
  /** Activations of one batch, summed over all nodes. */
  activationBytes: number;
  totalBytes: number;
}

export function estimateRunMemory(g: Graph, batch: number): RunMemoryEstimate {
  const shapes = inferShapes(g);
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  let weights = 0;
  let activations = 0;
  for (const n of g.nodes) {
    const s = shapes.get(n.name);
    if (!s) continue;
    activations += size(s.output);
    if (isWeightNode(n)) {
      const fanIn = n.kind === 'conv2d' ? n.kernel[0] * n.kernel[1] * (s.input[2] ?? 1) : (s.input[0] ?? 1);
      const out = n.kind === 'conv2d' ? n.filters : n.units;
      weights += fanIn * out + out;
    }
  }
  const weightBytes = WEIGHT_COPIES * weights * FLOAT32_BYTES;
  const activationBytes = batch * activations * FLOAT32_BYTES;
  return { weightBytes, activationBytes, totalBytes: weightBytes + activationBytes };
}
