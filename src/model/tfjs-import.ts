/**
 * Reads a tfjs LayersModel (model.json + binary weight files) into a layer graph and weights.
 *
 * The topology JSON is parsed directly rather than through tf.loadLayersModel, so a model saved with
 * stcsim's own layers (Steb) or with layers tfjs would need registered is read the same way, and an
 * unsupported layer is reported by name and class instead of failing deep inside tfjs.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Graph, LayerNode, PaddingSpec } from './graph.ts';
import { validateGraph } from './graph.ts';
import type { LayerParams, NetworkWeights } from './weights.ts';
import { kernelShape } from './weights.ts';
import { confinedPath, readRegularFile, readTextFile } from '../util/paths.ts';
import type { ScheduleKind, StcbSettings } from '../stcb/schedule.ts';
import { UsageError } from '../util/errors.ts';

export class ModelFormatError extends UsageError {
  override name = 'ModelFormatError';
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ImportedModel {
  graph: Graph;
  weights: NetworkWeights;
  /** STEB settings stored in the model (Steb layers), if any. */
  settings?: StcbSettings;
}

interface KerasLayer {
  className: string;
  name: string;
  config: JsonObject;
  /** Names of the layers it reads (empty for the input). */
  inbound: string[];
}

function field(o: JsonObject, key: string, where: string): Json {
  const v = o[key];
  if (v === undefined) throw new ModelFormatError(`${where}: missing "${key}"`);
  return v;
}

function num(v: Json | undefined, where: string): number {
  if (typeof v !== 'number') throw new ModelFormatError(`${where}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function pair(v: Json | undefined, where: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [num(v[0], where), num(v[1], where)];
  throw new ModelFormatError(`${where}: expected a number or a pair, got ${JSON.stringify(v)}`);
}

function padding(v: Json | undefined, where: string): PaddingSpec {
  if (v === 'same' || v === 'valid') return v;
  throw new ModelFormatError(`${where}: padding must be "same" or "valid", got ${JSON.stringify(v)}`);
}

/** Keras inbound_nodes: [[[name, nodeIndex, tensorIndex, kwargs], ...]]. */
function inboundNames(layer: JsonObject, where: string): string[] {
  const nodes = layer.inbound_nodes;
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return [];
  if (!Array.isArray(nodes) || !Array.isArray(nodes[0])) throw new ModelFormatError(`${where}: unsupported inbound_nodes format`);
  if (nodes.length > 1) throw new ModelFormatError(`${where}: a layer used more than once (shared layers) is not supported`);
  return nodes[0].map((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new ModelFormatError(`${where}: unsupported inbound entry`);
    return entry[0];
  });
}

function kerasLayers(topology: JsonObject, file: string): KerasLayer[] {
  const modelConfig = isObject(topology.model_config) ? topology.model_config : topology;
  const cls = modelConfig.class_name;
  const cfg = modelConfig.config;
  const layerList = Array.isArray(cfg) ? cfg : isObject(cfg) ? cfg.layers : undefined;
  if (!Array.isArray(layerList)) throw new ModelFormatError(`${file}: modelTopology has no layer list`);
  const sequential = cls === 'Sequential';
  const out: KerasLayer[] = [];
  layerList.forEach((l, i) => {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config)) {
      throw new ModelFormatError(`${file}: layer #${i} is not a {class_name, config} object`);
    }
    const name = typeof l.config.name === 'string' ? l.config.name : typeof l.name === 'string' ? l.name : `layer_${i}`;
    const where = `${file}: layer "${name}" (${l.class_name})`;
    const inbound = sequential ? (out.length > 0 ? [out[out.length - 1].name] : []) : inboundNames(l, where);
    if (sequential && i === 0 && l.class_name !== 'InputLayer') {
      // A Sequential model without an explicit InputLayer keeps its input shape on the first layer.
      out.push({ className: 'InputLayer', name: '__input', config: l.config, inbound: [] });
      out.push({ className: l.class_name, name, config: l.config, inbound: ['__input'] });
      return;
    }
    out.push({ className: l.class_name, name, config: l.config, inbound });
  });
  return out;
}

function inputShape(config: JsonObject, where: string): number[] {
  const shape = config.batch_input_shape ?? config.batch_shape ?? config.input_shape;
  if (!Array.isArray(shape)) throw new ModelFormatError(`${where}: no input shape`);
  const dims = (shape.length === 4 || shape.length === 2 ? shape.slice(1) : shape).map((d) => num(d, where));
  return dims;
}

function activationNode(config: JsonObject, where: string): 'relu' | null {
  const act = config.activation;
  if (act === undefined || act === 'linear' || act === null) return null;
  if (act === 'relu') return 'relu';
  throw new ModelFormatError(`${where}: activation "${String(act)}" is not supported (only relu or linear)`);
}

function stebSettings(config: JsonObject, where: string): StcbSettings {
  const schedule = config.schedule;
  if (schedule !== 'exp' && schedule !== 'pow2' && schedule !== 'const') {
    throw new ModelFormatError(`${where}: schedule must be exp, pow2 or const`);
  }
  return {
    timesteps: num(config.timesteps, where), vth0: num(config.vth0, where), tau: num(config.tau, where),
    schedule: schedule as ScheduleKind,
  };
}

/** Converts Keras layers to graph nodes; a layer may become two nodes (conv + relu activation). */
function toGraph(layers: KerasLayer[], name: string, file: string): { graph: Graph; settings?: StcbSettings } {
  const nodes: LayerNode[] = [];
  // Keras layer name -> the graph node that carries its output.
  const outputOf = new Map<string, string>();
  let settings: StcbSettings | undefined;
  const src = (l: KerasLayer): string[] => l.inbound.map((n) => {
    const s = outputOf.get(n);
    if (!s) throw new ModelFormatError(`${file}: layer "${l.name}" reads "${n}", which is unknown or comes later`);
    return s;
  });
  for (const l of layers) {
    const where = `${file}: layer "${l.name}" (${l.className})`;
    const c = l.config;
    const withActivation = (node: LayerNode): void => {
      nodes.push(node);
      outputOf.set(l.name, node.name);
      if (activationNode(c, where) === 'relu') {
        nodes.push({ kind: 'relu', name: `${l.name}.relu`, inputs: [node.name] });
        outputOf.set(l.name, `${l.name}.relu`);
      }
    };
    switch (l.className) {
      case 'InputLayer':
        if (nodes.length > 0) throw new ModelFormatError(`${where}: only one input is supported`);
        nodes.push({ kind: 'input', name: 'input', inputs: [], shape: inputShape(c, where) });
        outputOf.set(l.name, 'input');
        break;
      case 'Conv2D': {
        if (c.data_format !== undefined && c.data_format !== 'channels_last') throw new ModelFormatError(`${where}: only channels_last is supported`);
        const dil = c.dilation_rate === undefined ? [1, 1] : pair(c.dilation_rate, where);
        if (dil[0] !== 1 || dil[1] !== 1) throw new ModelFormatError(`${where}: dilated convolutions are not supported`);
        if (c.groups !== undefined && c.groups !== 1) throw new ModelFormatError(`${where}: grouped convolutions are not supported`);
        withActivation({
          kind: 'conv2d', name: l.name, inputs: src(l), filters: num(field(c, 'filters', where), where),
          kernel: pair(field(c, 'kernel_size', where), where), strides: pair(c.strides ?? 1, where),
          padding: padding(c.padding ?? 'valid', where), useBias: c.use_bias !== false,
        });
        break;
      }
      case 'Dense':
        withActivation({ kind: 'dense', name: l.name, inputs: src(l), units: num(field(c, 'units', where), where), useBias: c.use_bias !== false });
        break;
      case 'BatchNormalization': {
        const axis = c.axis;
        if (axis !== undefined && axis !== -1 && axis !== 3 && !(Array.isArray(axis) && (axis[0] === -1 || axis[0] === 3))) {
          throw new ModelFormatError(`${where}: only channel-axis batch norm is supported`);
        }
        nodes.push({ kind: 'batchnorm', name: l.name, inputs: src(l), epsilon: typeof c.epsilon === 'number' ? c.epsilon : 1e-3 });
        outputOf.set(l.name, l.name);
        break;
      }
      case 'ReLU':
      case 'Activation':
        if (l.className === 'Activation' && c.activation !== 'relu') {
          throw new ModelFormatError(`${where}: activation "${String(c.activation)}" is not supported (only relu)`);
        }
        if (l.className === 'ReLU' && typeof c.max_value === 'number') throw new ModelFormatError(`${where}: capped ReLU is not supported`);
        nodes.push({ kind: 'relu', name: l.name, inputs: src(l) });
        outputOf.set(l.name, l.name);
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const pool = pair(c.pool_size ?? 2, where);
        nodes.push({
          kind: l.className === 'MaxPooling2D' ? 'maxpool' : 'avgpool', name: l.name, inputs: src(l), pool,
          strides: c.strides === null || c.strides === undefined ? pool : pair(c.strides, where),
          padding: padding(c.padding ?? 'valid', where),
        });
        outputOf.set(l.name, l.name);
        break;
      }
      case 'GlobalAveragePooling2D':
        nodes.push({ kind: 'globalavgpool', name: l.name, inputs: src(l) });
        outputOf.set(l.name, l.name);
        break;
      case 'Flatten':
        nodes.push({ kind: 'flatten', name: l.name, inputs: src(l) });
        outputOf.set(l.name, l.name);
        break;
      case 'Add': {
        const ins = src(l);
        if (ins.length !== 2) throw new ModelFormatError(`${where}: only two-input Add is supported`);
        nodes.push({ kind: 'add', name: l.name, inputs: ins });
        outputOf.set(l.name, l.name);
        break;
      }
      case 'Dropout':
        // Inference: dropout is the identity.
        outputOf.set(l.name, src(l)[0]);
        break;
      case 'Steb': {
        const s = stebSettings(c, where);
        if (settings && JSON.stringify(settings) !== JSON.stringify(s)) {
          throw new ModelFormatError(`${where}: Steb layers with different settings in one model are not supported`);
        }
        settings = s;
        nodes.push({ kind: 'steb', name: l.name, inputs: src(l) });
        outputOf.set(l.name, l.name);
        break;
      }
      default:
        throw new ModelFormatError(
          `${where}: layer type ${l.className} is not supported (supported: Conv2D, Dense, ReLU, BatchNormalization, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Add, Flatten, Dropout, Steb)`,
        );
    }
  }
  const last = layers[layers.length - 1];
  const output = last ? outputOf.get(last.name) : undefined;
  if (!output) throw new ModelFormatError(`${file}: the model has no layers`);
  const graph: Graph = { name, nodes, output };
  validateGraph(graph);
  return { graph, settings };
}

interface ManifestEntry { name: string; shape: number[]; dtype: string }

function readWeightData(manifest: Json, dir: string, file: string): Map<string, { shape: number[]; data: Float32Array }> {
  if (!Array.isArray(manifest)) throw new ModelFormatError(`${file}: weightsManifest must be a list`);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFormatError(`${file}: a weightsManifest group needs "paths" and "weights"`);
    }
    const buffers = group.paths.map((p) => {
      if (typeof p !== 'string') throw new ModelFormatError(`${file}: weight path must be a string`);
      // The path policy (util/paths.ts): inside the model's folder, a regular file, bounded size.
      const path = confinedPath(dir, p, file);
      if (!existsSync(path)) throw new ModelFormatError(`${file}: weights file ${path} does not exist`);
      return readRegularFile(path, { ownerFile: file });
    });
    const all = Buffer.concat(buffers);
    let offset = 0;
    for (const w of group.weights) {
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) throw new ModelFormatError(`${file}: bad weight entry`);
      const entry: ManifestEntry = { name: w.name, shape: w.shape.map((d) => num(d, file)), dtype: String(w.dtype ?? 'float32') };
      if (entry.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
        throw new ModelFormatError(`${file}: weight "${entry.name}" has shape [${entry.shape.join(', ')}]; dimensions must be non-negative integers`);
      }
      if (entry.dtype !== 'float32') throw new ModelFormatError(`${file}: weight "${entry.name}" has dtype ${entry.dtype}; only float32 is supported`);
      if (isObject(w.quantization)) throw new ModelFormatError(`${file}: quantized weight "${entry.name}" is not supported`);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const bytes = count * 4;
      if (offset + bytes > all.length) {
        throw new ModelFormatError(`${file}: weights file is truncated: "${entry.name}" needs bytes ${offset}..${offset + bytes} but the files hold ${all.length}`);
      }
      const data = new Float32Array(all.buffer.slice(all.byteOffset + offset, all.byteOffset + offset + bytes));
      out.set(entry.name, { shape: entry.shape, data });
      offset += bytes;
    }
    if (offset !== all.length) throw new ModelFormatError(`${file}: weights files hold ${all.length} bytes, the manifest describes ${offset}`);
  }
  return out;
}

/** Finds "<layer>/<param>" (tfjs may add a scope prefix or a "_N" suffix). */
function findWeight(all: Map<string, { shape: number[]; data: Float32Array }>, layer: string, param: string): { shape: number[]; data: Float32Array } | undefined {
  for (const [name, w] of all) {
    const parts = name.split('/');
    if (parts.length >= 2 && parts[parts.length - 2] === layer && parts[parts.length - 1].replace(/_\d+$/, '') === param) return w;
  }
  return undefined;
}

export function importLayersModel(modelJsonPath: string): ImportedModel {
  const file = resolve(modelJsonPath);
  if (!existsSync(file)) throw new ModelFormatError(`model file ${file} does not exist`);
  const text = readTextFile(file);
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (e) {
    throw new ModelFormatError(`${file} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(json) || !isObject(json.modelTopology)) throw new ModelFormatError(`${file}: not a tfjs LayersModel (no modelTopology)`);
  const topology = json.modelTopology;
  const modelConfig = isObject(topology.model_config) ? topology.model_config : topology;
  const cfg = modelConfig.config;
  const name = isObject(cfg) && typeof cfg.name === 'string' ? cfg.name : 'model';
  const { graph, settings } = toGraph(kerasLayers(topology, file), name, file);
  const all = readWeightData(json.weightsManifest ?? [], dirname(file), file);

  const params = new Map<string, LayerParams>();
  const tensor = (layer: string, param: string, shape: number[]): tf.Tensor => {
    const w = findWeight(all, layer, param);
    if (!w) throw new ModelFormatError(`${file}: weight "${layer}/${param}" of shape [${shape.join(', ')}] is missing`);
    if (w.shape.join(',') !== shape.join(',')) {
      throw new ModelFormatError(`${file}: weight "${layer}/${param}" has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return tf.tensor(w.data, shape);
  };
  for (const n of graph.nodes) {
    if (n.kind === 'conv2d' || n.kind === 'dense') {
      const ks = kernelShape(graph, n.name);
      params.set(n.name, {
        kind: 'weights', kernel: tensor(n.name, 'kernel', ks),
        bias: n.useBias ? tensor(n.name, 'bias', [ks[ks.length - 1]]) : undefined,
      });
    } else if (n.kind === 'batchnorm') {
      const mean = findWeight(all, n.name, 'moving_mean');
      const channels = mean?.shape[0] ?? 0;
      const opt = (param: string, fill: number): tf.Tensor =>
        findWeight(all, n.name, param) ? tensor(n.name, param, [channels]) : tf.fill([channels], fill);
      params.set(n.name, {
        kind: 'batchnorm', mean: tensor(n.name, 'moving_mean', [channels]), variance: tensor(n.name, 'moving_variance', [channels]),
        gamma: opt('gamma', 1), beta: opt('beta', 0),
      });
    }
  }
  return { graph, settings, weights: { params, origin: file, trained: true } };
}
