/**
 * STCB building blocks as serializable tfjs layers.
 *
 * An STCB is STEB -> synapse -> CAB. Since the CAB output equals synapse(x_hat) + b exactly
 * (DESIGN.md section 2, distributive law), the trainable form needs only one new layer: `Steb`,
 * whose forward value is the decoded x_hat and whose backward pass is the ReLU gradient
 * d x_hat / d x = 1[x > 0] (the paper's "equivalent gradient"; no backprop through time).
 * A spiking convolution is then `Steb` followed by an ordinary `Conv2D`.
 */
import * as tf from '@tensorflow/tfjs';
import { stebDecode } from '../stcb/steb.ts';
import { SCHEDULE_KINDS, validateSettings, type ScheduleKind, type StcbSettings } from '../stcb/schedule.ts';

/** The base Layer's constructor arguments (name, inputShape, ...); tfjs does not export the type by name. */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export type StebLayerArgs = LayerArgs & StcbSettings;

/** The package prefix of registered classes: a saved model names them `stcsim>Steb`. */
export const LAYER_PACKAGE = 'stcsim';

/** STEB forward value with the ReLU gradient (the equivalent-gradient rule). */
export function stebWithReluGradient(x: tf.Tensor, settings: StcbSettings): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([input]);
    return {
      value: stebDecode(input, settings),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.step(saved[0])),
    };
  });
  return f(x) as tf.Tensor;
}

export class Steb extends tf.layers.Layer {
  static readonly className = 'Steb';
  readonly timesteps: number;
  readonly vth0: number;
  readonly tau: number;
  readonly schedule: ScheduleKind;

  constructor(args: StebLayerArgs) {
    super(args);
    const settings: StcbSettings = { timesteps: args.timesteps, vth0: args.vth0, tau: args.tau, schedule: args.schedule };
    validateSettings(settings);
    this.timesteps = settings.timesteps;
    this.vth0 = settings.vth0;
    this.tau = settings.tau;
    this.schedule = settings.schedule;
    this.supportsMasking = true;
  }

  get settings(): StcbSettings {
    return { timesteps: this.timesteps, vth0: this.vth0, tau: this.tau, schedule: this.schedule };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (Array.isArray(inputs) && inputs.length !== 1) throw new Error(`Steb "${this.name}" takes one input, got ${inputs.length}`);
      return stebWithReluGradient(x, this.settings);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      timesteps: this.timesteps,
      vth0: this.vth0,
      tau: this.tau,
      schedule: this.schedule,
    };
    Object.assign(config, super.getConfig());
    return config;
  }

  /** Reads a config written by getConfig (or by hand), checking every STCB field. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const schedule = config.schedule;
    if (typeof schedule !== 'string' || !(SCHEDULE_KINDS as readonly string[]).includes(schedule)) {
      throw new Error(`Steb config: schedule must be one of ${SCHEDULE_KINDS.join(', ')}, got ${JSON.stringify(schedule)}`);
    }
    for (const k of ['timesteps', 'vth0', 'tau'] as const) {
      if (typeof config[k] !== 'number') throw new Error(`Steb config: ${k} must be a number, got ${JSON.stringify(config[k])}`);
    }
    return new cls(config);
  }
}

let registered = false;

/** Registers the stcsim layer classes with tfjs serialization (idempotent). */
export function registerStcsimLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(Steb, LAYER_PACKAGE);
  registered = true;
}

registerStcsimLayers();

/** Every Steb layer of a model, in layer order. */
export function stebLayers(model: tf.LayersModel): Steb[] {
  return model.layers.filter((l): l is Steb => l instanceof Steb);
}

/**
 * Rebuilds a model with different STCB settings on every Steb layer and the same weights (for
 * accuracy-vs-T tables: the trained weights evaluated at other T / V0 / tau).
 */
export async function withStcbSettings(model: tf.LayersModel, settings: Partial<StcbSettings>): Promise<tf.LayersModel> {
  const topology = model.toJSON(null, false) as tf.serialization.ConfigDict;
  const config = topology.config as tf.serialization.ConfigDict;
  for (const layer of config.layers as tf.serialization.ConfigDict[]) {
    const cn = layer.class_name;
    if (cn === Steb.className || cn === `${LAYER_PACKAGE}>${Steb.className}`) {
      Object.assign(layer.config as tf.serialization.ConfigDict, settings);
    }
  }
  const copy = await tf.models.modelFromJSON({ modelTopology: topology });
  copy.setWeights(model.getWeights());
  return copy;
}
