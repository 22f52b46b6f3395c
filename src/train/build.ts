/**
 * Layer graph (src/model/graph.ts) -> trainable tf.LayersModel (functional API).
 *
 * `stcsnn` mode builds the graph with a `Steb` layer for every `steb` node (adding them with
 * `toStcsnn` when the graph is in ANN form); `ann` mode builds the ANN twin: the same graph with the
 * `steb` nodes left out (each STEB follows a ReLU'd value, so the twin is conv + ReLU). Layer names are
 * the graph's node names, so trained weights map back onto the graph by name.
 *
 * Padding: tfjs layers know only 'same' and 'valid'. A numeric padding equal to what 'same' gives
 * (3x3, pad 1, stride 1) becomes 'same'; any other amount becomes an explicit ZeroPadding2D followed
 * by a 'valid' window op (PyTorch's symmetric padding, e.g. 3x3 / stride 2 / pad 1).
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph, LayerNode, PaddingSpec } from '../model/graph.ts';
import { windowAxis } from '../model/shapes.ts';
import { toStcsnn, type StcsnnOptions } from '../model/stcsnn.ts';
import { PAPER_DEFAULTS, validateSettings, type StcbSettings } from '../stcb/schedule.ts';
import { Steb } from './layers.ts';
import { EventSteps, Lif, TimeMean, TimeRepeat } from './lif-layers.ts';
import { validateLifSettings, type LifSettings } from '../neuron/settings.ts';

/** `lif`: the LIF family (plain or multi-threshold, BuildOptions.neuron): every ReLU becomes LIF neurons, time folded into the batch. */
export type NetMode = 'stcsnn' | 'ann' | 'lif';

export interface BuildOptions extends StcsnnOptions {
  mode: NetMode;
  stcb?: StcbSettings;
  /** Seed of the weight initialisers (He-normal kernels). */
  seed?: number;
  /** Batch-norm momentum of the moving statistics (Keras convention). Default 0.9. */
  bnMomentum?: number;
  /** Neuron settings of `lif` mode (required there). */
  neuron?: LifSettings;
  /**
   * `lif` mode on event-camera input: the model takes the events per (y, x, polarity) and step,
   * [H, W, 2T], and its first layer integrates each step's current smoothed by this kernel (EventSteps).
   */
  eventKernel?: number[];
}

type Sym = tf.SymbolicTensor;

/** 'same' / 'valid' when the graph's padding is one of them on this input, else explicit amounts. */
function tfPadding(
  inShape: readonly number[], kernel: [number, number], strides: [number, number], padding: PaddingSpec,
): { padding: 'same' | 'valid'; explicit?: [[number, number], [number, number]] } {
  if (padding === 'same' || padding === 'valid') return { padding };
  const h = windowAxis(inShape[0], kernel[0], strides[0], padding);
  const w = windowAxis(inShape[1], kernel[1], strides[1], padding);
  if (h.before === 0 && h.after === 0 && w.before === 0 && w.after === 0) return { padding: 'valid' };
  const sh = windowAxis(inShape[0], kernel[0], strides[0], 'same');
  const sw = windowAxis(inShape[1], kernel[1], strides[1], 'same');
  if (sh.out === h.out && sw.out === w.out && sh.before === h.before && sw.before === w.before) return { padding: 'same' };
  // Bottom/right padding that no window reaches is dropped (windowAxis already did), as PyTorch does.
  return { padding: 'valid', explicit: [[h.before, h.after], [w.before, w.after]] };
}

const shapeOf = (t: Sym): number[] => t.shape.slice(1) as number[];

function apply(layer: tf.layers.Layer, x: Sym | Sym[]): Sym {
  return layer.apply(x) as Sym;
}

export function buildModel(graph: Graph, options: BuildOptions): tf.LayersModel {
  const stcb = options.stcb ?? { ...PAPER_DEFAULTS };
  validateSettings(stcb);
  const lif = options.mode === 'lif' ? options.neuron : undefined;
  if (options.mode === 'lif') {
    if (!lif) throw new Error('lif mode needs neuron settings');
    validateLifSettings(lif);
  }
  const g = options.mode === 'stcsnn' && !graph.nodes.some((n) => n.kind === 'steb') ? toStcsnn(graph, options) : graph;
  let seed = options.seed ?? 1;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const values = new Map<string, Sym>();
  let input: Sym | undefined;
  const get = (name: string): Sym => {
    const v = values.get(name);
    if (!v) throw new Error(`${g.name}: node "${name}" has no value (graph not in topological order?)`);
    return v;
  };
  const windowInput = (n: LayerNode, x: Sym, kernel: [number, number], strides: [number, number], p: PaddingSpec) => {
    const tp = tfPadding(shapeOf(x), kernel, strides, p);
    const padded = tp.explicit ? apply(tf.layers.zeroPadding2d({ padding: tp.explicit, name: `${n.name}.pad` }), x) : x;
    return { x: padded, padding: tp.padding };
  };

  for (const n of g.nodes) {
    let out: Sym;
    switch (n.kind) {
      case 'input':
        if (lif && options.eventKernel) {
          input = tf.input({ shape: [n.shape[0], n.shape[1], n.shape[2] * lif.timesteps], name: n.name });
          out = apply(new EventSteps({ name: `${n.name}.time`, timesteps: lif.timesteps, kernel: options.eventKernel }), input);
          break;
        }
        out = input = tf.input({ shape: [...n.shape], name: n.name });
        if (lif) out = apply(new TimeRepeat({ name: `${n.name}.time`, timesteps: lif.timesteps, encoding: lif.encoding }), out);
        break;
      case 'conv2d': {
        const w = windowInput(n, get(n.inputs[0]), n.kernel, n.strides, n.padding);
        out = apply(
          tf.layers.conv2d({
            name: n.name, filters: n.filters, kernelSize: n.kernel, strides: n.strides, padding: w.padding,
            useBias: n.useBias, kernelInitializer: init(),
          }),
          w.x,
        );
        break;
      }
      case 'dense':
        out = apply(tf.layers.dense({ name: n.name, units: n.units, useBias: n.useBias, kernelInitializer: init() }), get(n.inputs[0]));
        break;
      case 'batchnorm':
        out = apply(tf.layers.batchNormalization({ name: n.name, epsilon: n.epsilon, momentum: options.bnMomentum ?? 0.9 }), get(n.inputs[0]));
        break;
      case 'relu':
        out = apply(lif ? new Lif({ name: n.name, neuron: lif }) : tf.layers.reLU({ name: n.name }), get(n.inputs[0]));
        break;
      case 'steb':
        out = options.mode !== 'stcsnn' ? get(n.inputs[0]) : apply(new Steb({ name: n.name, ...stcb }), get(n.inputs[0]));
        break;
      case 'maxpool':
      case 'avgpool': {
        const w = windowInput(n, get(n.inputs[0]), n.pool, n.strides, n.padding);
        const args = { name: n.name, poolSize: n.pool, strides: n.strides, padding: w.padding };
        out = apply(n.kind === 'maxpool' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args), w.x);
        break;
      }
      case 'globalavgpool':
        out = apply(tf.layers.globalAveragePooling2d({ name: n.name }), get(n.inputs[0]));
        break;
      case 'add':
        out = apply(tf.layers.add({ name: n.name }), n.inputs.map(get));
        break;
      case 'flatten':
        out = apply(tf.layers.flatten({ name: n.name }), get(n.inputs[0]));
        break;
    }
    values.set(n.name, out);
  }
  if (!input) throw new Error(`${g.name}: graph has no input node`);
  const output = lif ? apply(new TimeMean({ name: `${g.output}.mean`, timesteps: lif.timesteps }), get(g.output)) : get(g.output);
  return tf.model({ inputs: input, outputs: output, name: `${g.name}-${lif ? lif.kind : options.mode}` });
}
