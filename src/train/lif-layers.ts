/**
 * The LIF family as serializable tfjs layers (issue 15). Time is folded into the batch axis,
 * time-major: a tensor of T steps of a batch of N is [T * N, ...] with step t in rows t*N..(t+1)*N-1,
 * so convolutions, batch norm (statistics over all steps: tdBN-like) and pooling act on every step at
 * once, and only the neurons need the steps apart.
 *
 * - `TimeRepeat`: the image into T steps: `direct` (the same real values every step, the first layer
 *   is then a MAC layer whose output current is constant) or `rate` (Bernoulli spikes, p = pixel in [0, 1]).
 * - `Lif`: the neurons, u(t) = lambda u(t-1) + I(t), spike levels by spikeFn, soft or hard reset;
 *   learnable threshold theta and leak lambda = sigmoid(leak_logit) (one of each per layer). BPTT:
 *   tfjs differentiates the unrolled loop. `step` is the same update for one step with the
 *   state passed in and out (trace-based training, train/online.ts).
 * - `EventSteps`: event-camera input (issue 16): the events per (y, x, polarity) and step, [N, H, W, 2T]
 *   (step fastest, the layout of src/run/event-input.ts), into T steps of [N, H, W, 2], each smoothed
 *   by the synaptic kernel, I'(t) = sum_k h_k E(t - k). The first layer is linear and has no bias
 *   in the current it adds per step (bias and batch norm act per step after it), so smoothing its
 *   input equals smoothing its synaptic currents W (*) E(t), what the hardware does (hw/lif-network.ts).
 * - `TimeMean`: the mean of the logits over the steps (the classifier's outputs integrate, never fire).
 */
import * as tf from '@tensorflow/tfjs';
import { spikeFn, stopGradient } from '../neuron/spike-fn.ts';
import { LIF_DEFAULTS, validateLifSettings, type InputEncoding, type LifSettings } from '../neuron/settings.ts';
import { checkKernel } from '../stcb/synaptic.ts';
import { LAYER_PACKAGE } from './layers.ts';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export class TimeRepeat extends tf.layers.Layer {
  static readonly className = 'TimeRepeat';
  readonly timesteps: number;
  readonly encoding: InputEncoding;
  constructor(args: LayerArgs & { timesteps: number; encoding: InputEncoding }) {
    super(args);
    this.timesteps = args.timesteps;
    this.encoding = args.encoding;
  }
  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return s;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const steps = Array.from({ length: this.timesteps }, () =>
        this.encoding === 'direct' ? x : tf.cast(tf.less(tf.randomUniform(x.shape), tf.clipByValue(x, 0, 1)), 'float32'));
      // One step: the input itself (tfjs's concat gradient fails on a single tensor).
      return steps.length === 1 ? tf.clone(x) : tf.concat(steps, 0);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { timesteps: this.timesteps, encoding: this.encoding, ...super.getConfig() };
  }
}

export class EventSteps extends tf.layers.Layer {
  static readonly className = 'EventSteps';
  readonly timesteps: number;
  readonly kernel: number[];
  constructor(args: LayerArgs & { timesteps: number; kernel: number[] }) {
    super(args);
    checkKernel(args.kernel);
    this.timesteps = args.timesteps;
    this.kernel = [...args.kernel];
  }
  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(s[0]) ? s[0] : s) as tf.Shape;
    return [shape[0], shape[1], shape[2], (shape[3] as number) / this.timesteps];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const T = this.timesteps;
      const [n, h, w, ct] = x.shape;
      const c = ct / T;
      // [N, H, W, C, T] -> [T, N, H, W, C] -> T tensors of [N, H, W, C].
      const stepMajor = tf.transpose(tf.reshape(x, [n, h, w, c, T]), [4, 0, 1, 2, 3]);
      const steps = tf.unstack(stepMajor, 0);
      const smoothed = steps.map((_, t) => {
        const taps = this.kernel.flatMap((hk, k) => (t - k >= 0 && hk !== 0 ? [k === 0 && hk === 1 ? steps[t] : tf.mul(steps[t - k], hk)] : []));
        return taps.length === 0 ? tf.zerosLike(steps[t]) : taps.length === 1 ? taps[0] : tf.addN(taps);
      });
      return T === 1 ? tf.clone(smoothed[0]) : tf.concat(smoothed, 0);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { timesteps: this.timesteps, kernel: [...this.kernel], ...super.getConfig() };
  }
}

export class TimeMean extends tf.layers.Layer {
  static readonly className = 'TimeMean';
  readonly timesteps: number;
  constructor(args: LayerArgs & { timesteps: number }) {
    super(args);
    this.timesteps = args.timesteps;
  }
  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return s;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const n = x.shape[0] / this.timesteps;
      return tf.mean(tf.reshape(x, [this.timesteps, n, ...x.shape.slice(1)]), 0);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { timesteps: this.timesteps, ...super.getConfig() };
  }
}

/** Membrane state of one Lif layer between steps (trace-based training). */
export interface LifState {
  u: tf.Tensor;
  /** Eligibility of u for lambda (d u / d lambda along the past, reset ignored): e(t) = u(t-1) + lambda e(t-1). */
  eLeak: tf.Tensor;
  /** Eligibility of u for theta through past soft resets: e(t) = lambda (e(t-1) - s(t-1)). */
  eThreshold: tf.Tensor;
}

export class Lif extends tf.layers.Layer {
  static readonly className = 'Lif';
  readonly settings: LifSettings;
  thresholdVar!: tf.LayerVariable;
  leakLogitVar!: tf.LayerVariable;

  constructor(args: LayerArgs & { neuron: LifSettings }) {
    super(args);
    validateLifSettings(args.neuron);
    this.settings = { ...args.neuron };
  }

  override build(): void {
    const s = this.settings;
    this.thresholdVar = this.addWeight('threshold', [1], 'float32', tf.initializers.constant({ value: s.threshold }), undefined, s.learnThreshold);
    // lambda = sigmoid(logit); lambda = 1 (no leak) is the limit, approached with a large logit.
    const logit = s.leak >= 1 ? 12 : Math.log(s.leak / (1 - s.leak));
    this.leakLogitVar = this.addWeight('leak_logit', [1], 'float32', tf.initializers.constant({ value: logit }), undefined, s.learnLeak);
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return s;
  }

  /** Current threshold and leak (tensors, differentiable in the layer's weights). */
  params(): { theta: tf.Tensor; lambda: tf.Tensor } {
    return { theta: this.thresholdVar.read(), lambda: tf.sigmoid(this.leakLogitVar.read()) };
  }

  private fire(u: tf.Tensor, theta: tf.Tensor): { s: tf.Tensor; after: tf.Tensor } {
    const s = spikeFn(u, theta, this.settings);
    const after = this.settings.reset === 'soft' ? tf.sub(u, tf.mul(theta, s)) : tf.mul(u, tf.sub(1, tf.minimum(s, 1)));
    return { s, after };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const T = this.settings.timesteps;
      const { theta, lambda } = this.params();
      const currents = T === 1 ? [x] : tf.split(x, T, 0);
      let u: tf.Tensor = tf.zerosLike(currents[0]);
      const out: tf.Tensor[] = [];
      for (const i of currents) {
        const f = this.fire(tf.add(tf.mul(lambda, u), i), theta);
        out.push(f.s);
        u = f.after;
      }
      return T === 1 ? out[0] : tf.concat(out, 0);
    });
  }

  /**
   * One step with the past as constants (no graph through earlier steps): u(t) = lambda u(t-1) + I(t)
   * plus the eligibility terms that give lambda and theta their forward-in-time gradients (STOP).
   * Returns the spikes (in the graph) and the next state (kept tensors, no graph).
   */
  step(current: tf.Tensor, state: LifState | null): { s: tf.Tensor; next: LifState } {
    const { theta, lambda } = this.params();
    const uPrev = state?.u ?? tf.zerosLike(current);
    const eLeak = state?.eLeak ?? tf.zerosLike(current);
    const eTh = state?.eThreshold ?? tf.zerosLike(current);
    // Value: lambda u(t-1) + I(t). Gradient in lambda: u(t-1) + lambda e_leak(t-1); in theta: e_theta(t).
    const lamStop = stopGradient(lambda);
    const thStop = stopGradient(theta);
    const u = tf.addN([
      tf.mul(lambda, uPrev),
      current,
      tf.mul(tf.sub(lambda, lamStop), tf.mul(lamStop, eLeak)),
      tf.mul(tf.sub(theta, thStop), eTh),
    ]);
    const { s, after } = this.fire(u, theta);
    const sv = stopGradient(s);
    const next: LifState = tf.tidy(() => ({
      u: tf.keep(stopGradient(after)),
      eLeak: tf.keep(tf.add(uPrev, tf.mul(lamStop, eLeak))),
      eThreshold: tf.keep(this.settings.reset === 'soft' ? tf.mul(lamStop, tf.sub(eTh, sv)) : tf.zerosLike(eTh)),
    }));
    return { s, next };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { neuron: { ...this.settings } as unknown as tf.serialization.ConfigDict, ...super.getConfig() };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const neuron = { ...LIF_DEFAULTS, ...(config.neuron as object) } as LifSettings;
    validateLifSettings(neuron);
    return new cls({ ...config, neuron });
  }
}

let registered = false;
export function registerLifLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(TimeRepeat, LAYER_PACKAGE);
  tf.serialization.registerClass(TimeMean, LAYER_PACKAGE);
  tf.serialization.registerClass(EventSteps, LAYER_PACKAGE);
  tf.serialization.registerClass(Lif, LAYER_PACKAGE);
  registered = true;
}
registerLifLayers();

export function lifLayers(model: tf.LayersModel): Lif[] {
  return model.layers.filter((l): l is Lif => l instanceof Lif);
}

/** Rebuilds a LIF-family model at another T with the same weights (the trained network evaluated at other step counts). */
export async function withLifTimesteps(model: tf.LayersModel, timesteps: number): Promise<tf.LayersModel> {
  const topology = model.toJSON(null, false) as tf.serialization.ConfigDict;
  const config = topology.config as tf.serialization.ConfigDict;
  if (model.layers.some((l) => l instanceof EventSteps)) {
    throw new Error(`${model.name} takes events compressed into its own ${lifLayers(model)[0]?.settings.timesteps} steps; profile it at that T (--timesteps)`);
  }
  const names = [TimeRepeat.className, TimeMean.className, Lif.className];
  for (const layer of config.layers as tf.serialization.ConfigDict[]) {
    const cn = String(layer.class_name).replace(`${LAYER_PACKAGE}>`, '');
    if (!names.includes(cn)) continue;
    const c = layer.config as tf.serialization.ConfigDict;
    if (cn === Lif.className) c.neuron = { ...(c.neuron as tf.serialization.ConfigDict), timesteps };
    else c.timesteps = timesteps;
  }
  const copy = await tf.models.modelFromJSON({ modelTopology: topology });
  copy.setWeights(model.getWeights());
  return copy;
}
