/**
 * Network parameters, keyed by node name. Kernels use the tfjs layouts: conv [kh, kw, cin, cout],
 * dense [in, out]. Batch norm holds inference statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { isWeightNode, type Graph } from './graph.ts';
import { inferShapes } from './shapes.ts';

export interface WeightLayerParams {
  kind: 'weights';
  kernel: tf.Tensor;
  bias?: tf.Tensor;
}

export interface BatchNormParams {
  kind: 'batchnorm';
  gamma: tf.Tensor;
  beta: tf.Tensor;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

export type LayerParams = WeightLayerParams | BatchNormParams;

export interface NetworkWeights {
  params: Map<string, LayerParams>;
  /** Where the weights came from ("He-normal init, seed 1", a model path, ...). */
  origin: string;
  /** False for initialised weights: their spike counts are not those of a trained network. */
  trained: boolean;
}

/**
 * Host values of kernels. A profile run reads every kernel more than once (binary detection,
 * quantisation, NeuroBench's fan-out); on ResNet18 each read is 45 MB out of the WASM heap, and each
 * fresh 45 MB array costs ~0.14 s of page faults on the development machine (issue 10). Tensors are
 * immutable, so values kept per tensor cannot go stale; variables (training) change in place and are
 * always read afresh.
 */
const hostCopies = new WeakMap<tf.Tensor, Float32Array>();

/** The float32 values of a kernel on the host. Shared: callers must not write into it. */
export function kernelValues(kernel: tf.Tensor): Float32Array {
  if (kernel instanceof tf.Variable) return ownedKernelValues(kernel);
  let values = hostCopies.get(kernel);
  if (values === undefined) {
    values = kernel.dataSync() as Float32Array;
    hostCopies.set(kernel, values);
  }
  return values;
}

/** A host copy of a kernel that the caller owns and may write into. */
export function ownedKernelValues(kernel: tf.Tensor): Float32Array {
  const kept = hostCopies.get(kernel);
  if (kept !== undefined) return kept.slice();
  const values = kernel.dataSync() as Float32Array;
  // The WASM backend's read is a fresh copy out of its heap (HEAPU8.slice); the CPU backend hands out
  // its own storage, and tfjs-node may keep the array a tensor was made from: copy for those.
  return tf.getBackend() === 'wasm' ? values : values.slice();
}

/** The first `count` values of a kernel (row-major), read without moving the rest off the backend. */
export function kernelPrefix(kernel: tf.Tensor, count: number): Float32Array {
  const kept = hostCopies.get(kernel);
  if (kept !== undefined || count >= kernel.size) return (kept ?? kernelValues(kernel)).subarray(0, count);
  return tf.tidy(() => kernel.reshape([-1]).slice(0, count).dataSync() as Float32Array);
}

/** A kernel tensor made from host values, which kernelValues then returns without a read. */
export function kernelFromValues(values: Float32Array, shape: number[]): tf.Tensor {
  const kernel = tf.tensor(values, shape);
  hostCopies.set(kernel, values);
  return kernel;
}

/** Expected kernel shape of a weight node. */
export function kernelShape(g: Graph, name: string): number[] {
  const node = g.nodes.find((n) => n.name === name);
  const shapes = inferShapes(g).get(name);
  if (!node || !shapes || !isWeightNode(node)) throw new Error(`"${name}" is not a weight layer`);
  return node.kind === 'conv2d'
    ? [node.kernel[0], node.kernel[1], shapes.input[2], node.filters]
    : [shapes.input[0], node.units];
}

/**
 * Seeded He-normal weights (std = sqrt(2 / fan_in)), zero biases. Batch-norm statistics are left out:
 * the forward pass calibrates them on the first input batch (see RunOptions.calibrateBatchNorm).
 */
export function initWeights(g: Graph, seed: number): NetworkWeights {
  const params = new Map<string, LayerParams>();
  let layerSeed = seed;
  for (const n of g.nodes) {
    if (!isWeightNode(n)) continue;
    const shape = kernelShape(g, n.name);
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    // A distinct, reproducible seed per layer: the same network and seed give the same weights on any backend.
    const kernel = tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', layerSeed++);
    const out = shape[shape.length - 1];
    params.set(n.name, { kind: 'weights', kernel, bias: n.useBias ? tf.zeros([out]) : undefined });
  }
  return { params, origin: `He-normal initialisation, seed ${seed}`, trained: false };
}

export function disposeWeights(w: NetworkWeights): void {
  for (const p of w.params.values()) {
    if (p.kind === 'weights') {
      p.kernel.dispose();
      p.bias?.dispose();
    } else {
      for (const t of [p.gamma, p.beta, p.mean, p.variance]) t.dispose();
    }
  }
}
