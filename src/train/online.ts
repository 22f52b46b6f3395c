/**
 * Trace-based (online, forward-in-time) training of a LIF-family network, STOP-style (seed 004):
 * the network runs one step at a time, each step's gradient is computed from that step's graph
 * alone and summed, and the past enters only through eligibility traces held as plain tensors:
 *
 * - weights: a weight layer that reads spikes computes its value from the spikes s(t) but its
 *   gradient from the presynaptic trace s^(t) = lambda s^(t-1) + s(t) (OTTT's "replace for gradient":
 *   value W s, gradient through W s^), so dL/dW = delta(t) x s^(t), the leaky sum of past inputs;
 * - leak and threshold: Lif.step adds the eligibility terms e_lambda and e_theta (train/lif-layers.ts).
 *
 * Memory holds one step's graph plus O(neurons) of state, whatever T is; BPTT keeps all T steps.
 * Loss: the mean over steps of the per-step cross-entropy (the instantaneous loss of online
 * training), where BPTT uses the cross-entropy of the mean logits.
 * Approximations (as in STOP/OTTT): traces ignore the resets and the spike function's dependence on
 * the past; traces decay with the emitting layer's lambda (the network input's with the first LIF
 * layer's), exact when all layers share one lambda. Supports chain networks (each layer reads the
 * previous one: smallnet, VGG); a residual network is rejected.
 */
import * as tf from '@tensorflow/tfjs';
import { Lif, TimeMean, TimeRepeat, type LifState } from './lif-layers.ts';
import { stopGradient } from '../neuron/spike-fn.ts';

interface Flow {
  value: tf.Tensor;
  /** Presynaptic trace of the spikes in `value` (null once a weight layer consumed it). */
  trace: tf.Tensor | null;
}

const WEIGHT_CLASSES = new Set(['Conv2D', 'Dense']);

/** The model's layers as a chain (input first), or an error naming the layer that branches. */
export function chainLayers(model: tf.LayersModel): tf.layers.Layer[] {
  for (const l of model.layers) {
    const inbound = l.inboundNodes.flatMap((n) => n.inboundLayers);
    if (inbound.length > 1) throw new Error(`trace-based training supports chain networks; layer "${l.name}" has ${inbound.length} inputs`);
  }
  return model.layers;
}

export interface OnlineStepResult {
  /** Mean over steps of the per-step cross-entropy. */
  loss: number;
  /** Predicted classes from the mean logits over the steps. */
  predicted: Int32Array;
}

/** One trace-based training step on a batch: T forward steps, gradients summed, one optimizer update. */
export function onlineStep(model: tf.LayersModel, x: tf.Tensor4D, y: tf.Tensor1D, classes: number, optimizer: tf.Optimizer, varList: tf.Variable[]): OnlineStepResult {
  const layers = chainLayers(model);
  const repeat = layers.find((l): l is TimeRepeat => l instanceof TimeRepeat);
  const lifs = layers.filter((l): l is Lif => l instanceof Lif);
  if (!repeat || lifs.length === 0) throw new Error('trace-based training needs a LIF-family network (TimeRepeat and Lif layers)');
  const T = repeat.timesteps;
  const states = new Map<string, LifState>();
  const traces = new Map<string, tf.Tensor>();
  let gradSum: Record<string, tf.Tensor> | null = null;
  let logitSum: tf.Tensor | null = null;
  let lossSum = 0;
  const onehot = tf.oneHot(y, classes);
  const lambdaOf = (l: Lif): tf.Tensor => tf.tidy(() => stopGradient(l.params().lambda));
  /**
   * Updates the kept trace of `key` with this step's spikes and returns it for the gradient path:
   * value s^(t), gradient passed on to the spikes s(t) (OTTT's "replace": the error reaches the
   * layers below through this step's spikes, the weights above see the trace).
   */
  const traceOf = (key: string, lif: Lif, spikes: tf.Tensor): tf.Tensor => {
    const prev = traces.get(key);
    const next = tf.tidy(() => (prev ? tf.add(tf.mul(lambdaOf(lif), prev), stopGradient(spikes)) : stopGradient(spikes)));
    prev?.dispose();
    traces.set(key, tf.keep(next));
    return tf.add(spikes, stopGradient(tf.sub(next, spikes)));
  };

  for (let t = 0; t < T; t++) {
    const pending = new Map<string, LifState>();
    const { value, grads } = tf.variableGrads(() => {
      let flow: Flow = { value: x, trace: null };
      let logits: tf.Tensor | null = null;
      for (const layer of layers) {
        const cls = layer.getClassName();
        if (cls === 'InputLayer') continue;
        if (layer instanceof TimeRepeat) {
          const input = repeat.encoding === 'direct' ? x : tf.cast(tf.less(tf.randomUniform(x.shape), tf.clipByValue(x, 0, 1)), 'float32');
          flow = { value: input, trace: traceOf('input', lifs[0], input) };
        } else if (layer instanceof Lif) {
          const { s, next } = layer.step(flow.value, states.get(layer.name) ?? null);
          pending.set(layer.name, next);
          flow = { value: s, trace: traceOf(layer.name, layer, s) };
        } else if (layer instanceof TimeMean) {
          logits = flow.value;
        } else if (WEIGHT_CLASSES.has(cls) && flow.trace) {
          const f = (z: tf.Tensor): tf.Tensor => layer.apply(z, { training: true }) as tf.Tensor;
          const viaTrace = f(flow.trace);
          flow = { value: tf.add(stopGradient(f(flow.value)), tf.sub(viaTrace, stopGradient(viaTrace))), trace: null };
        } else {
          const f = (z: tf.Tensor): tf.Tensor => layer.apply(z, { training: true }) as tf.Tensor;
          flow = { value: f(flow.value), trace: flow.trace ? f(flow.trace) : null };
        }
      }
      const out = logits ?? flow.value;
      const prev = logitSum;
      logitSum = tf.keep(prev ? tf.add(prev, stopGradient(out)) : stopGradient(out));
      prev?.dispose();
      return tf.div(tf.losses.softmaxCrossEntropy(onehot, out), T) as tf.Scalar;
    }, varList);
    lossSum += value.dataSync()[0];
    value.dispose();
    if (gradSum === null) gradSum = grads;
    else {
      const acc: Record<string, tf.Tensor> = gradSum;
      for (const [k, g] of Object.entries(grads)) {
        const old = acc[k];
        acc[k] = old ? tf.add(old, g) : g;
        if (old) { old.dispose(); g.dispose(); }
      }
    }
    for (const [k, st] of pending) {
      const old = states.get(k);
      if (old) tf.dispose([old.u, old.eLeak, old.eThreshold]);
      states.set(k, st);
    }
  }
  if (gradSum) optimizer.applyGradients(gradSum);
  const predicted = tf.tidy(() => tf.argMax(logitSum as unknown as tf.Tensor, 1)).dataSync() as Int32Array;
  tf.dispose([onehot, logitSum as unknown as tf.Tensor, ...Object.values(gradSum ?? {}), ...traces.values(), ...[...states.values()].flatMap((s) => [s.u, s.eLeak, s.eThreshold])]);
  return { loss: lossSum, predicted };
}
