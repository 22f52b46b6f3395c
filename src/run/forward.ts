/**
 * Runs a layer graph on a tfjs backend. Values follow the STCB equivalence (DESIGN.md section 2):
 * an STEB node outputs the decoded x_hat and the weight layer after it computes W (*) x_hat + b, which
 * equals the CAB output sum_t V(t) (W (*) s(t)) + b. The spike codes of every STEB are handed back as
 * plain arrays, so counting and hardware replay need no second network run.
 */
import * as tf from '@tensorflow/tfjs';
import { consumers, type Graph, type LayerNode } from '../model/graph.ts';
import type { ShapeMap } from '../model/shapes.ts';
import type { BatchNormParams, NetworkWeights, WeightLayerParams } from '../model/weights.ts';
import { thresholds, type StcbSettings } from '../stcb/schedule.ts';
import { encodeArray } from '../stcb/steb.ts';
import { quantizeActivations } from '../stcb/quantize.ts';

export interface RunOptions {
  settings: StcbSettings;
  /**
   * Set missing batch-norm statistics from this batch (mean and variance of the node's input, gamma 1,
   * beta 0), in graph order, so each later layer sees the calibrated values of the earlier ones.
   */
  calibrateBatchNorm?: boolean;
  /** Download every STEB's spike codes (default true). */
  recordCodes?: boolean;
  /** Width of the activation words the encoders read (default: full precision). */
  activationBits?: number;
  /** Download the input values of these nodes (NeuroBench's effective MACs need the zeros of MAC layers' inputs). */
  recordInputs?: ReadonlySet<string>;
  /** STEB nodes fed by an event camera: their value passes unchanged and their spikes come from the events. */
  eventEncoders?: ReadonlySet<string>;
}

export interface BatchRun {
  /** Network output [batch, classes]; the caller disposes it. */
  logits: tf.Tensor2D;
  /** Spike codes per STEB node, NHWC order over the batch (bit t-1 = s(t)). */
  codes: Map<string, Int32Array>;
  /** Input values of the nodes named in RunOptions.recordInputs, NHWC order over the batch. */
  inputs: Map<string, Float32Array>;
}

function weightParams(w: NetworkWeights, name: string): WeightLayerParams {
  const p = w.params.get(name);
  if (!p || p.kind !== 'weights') throw new Error(`no weights for layer "${name}"`);
  return p;
}

function calibrate(x: tf.Tensor, node: string, w: NetworkWeights): BatchNormParams {
  const axes = x.rank === 4 ? [0, 1, 2] : [0];
  const { mean, variance } = tf.moments(x, axes);
  const channels = x.shape[x.rank - 1];
  const p: BatchNormParams = {
    kind: 'batchnorm', mean: tf.keep(mean), variance: tf.keep(variance),
    gamma: tf.keep(tf.ones([channels])), beta: tf.keep(tf.zeros([channels])),
  };
  w.params.set(node, p);
  return p;
}

function batchNormParams(x: tf.Tensor, node: string, w: NetworkWeights, calibrateMissing: boolean): BatchNormParams {
  const p = w.params.get(node);
  if (p?.kind === 'batchnorm') return p;
  if (calibrateMissing) return calibrate(x, node, w);
  throw new Error(`no batch-norm statistics for "${node}"`);
}

function apply(n: LayerNode, ins: tf.Tensor[], w: NetworkWeights, opts: RunOptions, codes: Map<string, Int32Array>): tf.Tensor {
  const x = ins[0];
  switch (n.kind) {
    case 'input':
      throw new Error('the input node has no operation');
    case 'conv2d': {
      const p = weightParams(w, n.name);
      const y = tf.conv2d(x as tf.Tensor4D, p.kernel as tf.Tensor4D, n.strides, n.padding);
      return p.bias ? tf.add(y, p.bias) : y;
    }
    case 'dense': {
      const p = weightParams(w, n.name);
      const y = tf.matMul(x as tf.Tensor2D, p.kernel as tf.Tensor2D);
      return p.bias ? tf.add(y, p.bias) : y;
    }
    case 'batchnorm': {
      const p = batchNormParams(x, n.name, w, opts.calibrateBatchNorm === true);
      return tf.batchNorm(x, p.mean, p.variance, p.beta, p.gamma, n.epsilon);
    }
    case 'relu':
      return tf.relu(x);
    case 'steb': {
      if (opts.eventEncoders?.has(n.name)) return tf.clone(x);
      const v = thresholds(opts.settings);
      const words = opts.activationBits === undefined ? (x.dataSync() as Float32Array)
        : quantizeActivations(Float32Array.from(x.dataSync() as Float32Array), v.reduce((a, b) => a + b, 0), opts.activationBits);
      const enc = encodeArray(words, v);
      if (opts.recordCodes !== false) codes.set(n.name, enc.codes);
      return tf.tensor(enc.decoded, x.shape);
    }
    case 'maxpool':
      return tf.maxPool(x as tf.Tensor4D, n.pool, n.strides, n.padding);
    case 'avgpool':
      return tf.avgPool(x as tf.Tensor4D, n.pool, n.strides, n.padding);
    case 'globalavgpool':
      return tf.mean(x, [1, 2]);
    case 'flatten':
      return tf.reshape(x, [x.shape[0], -1]);
    case 'add':
      return tf.add(x, ins[1]);
  }
}

/** One forward pass over a batch [B, H, W, C]. Intermediate tensors are freed as soon as their last reader ran. */
export function forwardBatch(g: Graph, shapes: ShapeMap, w: NetworkWeights, input: tf.Tensor4D, opts: RunOptions): BatchRun {
  const expected = shapes.get(g.nodes[0].name)?.output ?? [];
  if (input.shape.slice(1).join(',') !== expected.join(',')) {
    throw new Error(`input images are [${input.shape.slice(1).join(', ')}] but ${g.name} expects [${expected.join(', ')}]`);
  }
  const readers = consumers(g);
  const remaining = new Map<string, number>([...readers].map(([k, v]) => [k, v.length]));
  const values = new Map<string, tf.Tensor>([[g.nodes[0].name, input]]);
  const codes = new Map<string, Int32Array>();
  const recorded = new Map<string, Float32Array>();
  for (const n of g.nodes.slice(1)) {
    const ins = n.inputs.map((src) => {
      const v = values.get(src);
      if (!v) throw new Error(`value of "${src}" is missing`);
      return v;
    });
    if (opts.recordInputs?.has(n.name)) recorded.set(n.name, Float32Array.from(ins[0].dataSync() as Float32Array));
    values.set(n.name, tf.tidy(() => apply(n, ins, w, opts, codes)));
    for (const src of n.inputs) {
      const left = (remaining.get(src) ?? 1) - 1;
      remaining.set(src, left);
      if (left === 0 && src !== g.output && src !== g.nodes[0].name) {
        values.get(src)?.dispose();
        values.delete(src);
      }
    }
  }
  const logits = values.get(g.output);
  if (!logits) throw new Error(`output "${g.output}" was not computed`);
  for (const [name, v] of values) if (name !== g.output && name !== g.nodes[0].name) v.dispose();
  return { logits: logits as tf.Tensor2D, codes, inputs: recorded };
}
