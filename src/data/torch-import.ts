/**
 * PyTorch state dict (saved as .safetensors) -> zoo graph weights.
 *
 * Name mapping. Every weight node of the graph is looked up under a PyTorch module prefix:
 * - `style: 'graph'` (default): the prefix is the graph node name itself (`conv1`, `conv1.bn`, `fc`,
 *   `layer1.0.conv1`, `layer1.0.conv1.bn`, `layer1.0.shortcut`, ...): a PyTorch model whose modules
 *   are named like the zoo graph.
 * - `style: 'torchvision'`: torchvision's ResNet naming: `stem` -> `conv1`, `stem.bn` -> `bn1`,
 *   `X.convK.bn` -> `X.bnK`, `X.shortcut` -> `X.downsample.0`, `X.shortcut.bn` -> `X.downsample.1`;
 *   other names unchanged (`fc`, `layerS.B.convK`).
 * - `rename`: explicit node name -> prefix entries, applied before the style (e.g. VGG's
 *   `{conv1: 'features.0', 'conv1.bn': 'features.1', ...}`).
 * Tensors under a prefix P:
 * - conv: `P.weight` [O, I, kh, kw] -> kernel [kh, kw, I, O] (OIHW -> HWIO); `P.bias` [O];
 * - linear: `P.weight` [out, in] -> kernel [in, out]; `P.bias` [out]. When the linear layer reads a
 *   flattened [H, W, C] map (H*W > 1), PyTorch's input order is (c, h, w) and tfjs's is (h, w, c):
 *   the rows are permuted accordingly;
 * - batch norm: `P.weight` -> gamma, `P.bias` -> beta, `P.running_mean`, `P.running_var`
 *   (`P.num_batches_tracked` is ignored). The epsilon is the graph's.
 * A missing tensor or a shape mismatch raises an error naming the tensor and the expected shape.
 */
import * as tf from '@tensorflow/tfjs';
import { isWeightNode, nodeByName, type Graph } from '../model/graph.ts';
import { inferShapes } from '../model/shapes.ts';
import { kernelShape, type LayerParams, type NetworkWeights } from '../model/weights.ts';
import { DataFormatError } from './errors.ts';
import { readSafetensors, type NamedTensor, type SafeTensors } from './safetensors.ts';
import { UsageError } from '../util/errors.ts';

export type TorchNamingStyle = 'graph' | 'torchvision';

export interface TorchImportOptions {
  style?: TorchNamingStyle;
  rename?: Record<string, string>;
  /** Fail on state-dict tensors that no graph node uses (default false: they are listed in `unused`). */
  strict?: boolean;
}

export interface TorchImportResult {
  weights: NetworkWeights;
  /** State-dict tensors that were not used. */
  unused: string[];
}

export class TorchImportError extends UsageError {
  override name = 'TorchImportError';
}

/** The PyTorch module prefix of a graph node. */
export function torchPrefix(node: string, style: TorchNamingStyle, rename: Record<string, string> = {}): string {
  if (rename[node] !== undefined) return rename[node];
  if (style === 'graph') return node;
  if (node === 'stem') return 'conv1';
  if (node === 'stem.bn') return 'bn1';
  let m = /^(.*)\.conv(\d+)\.bn$/.exec(node);
  if (m) return `${m[1]}.bn${m[2]}`;
  m = /^(.*)\.shortcut\.bn$/.exec(node);
  if (m) return `${m[1]}.downsample.1`;
  m = /^(.*)\.shortcut$/.exec(node);
  if (m) return `${m[1]}.downsample.0`;
  return node;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export function importTorchState(graph: Graph, state: SafeTensors, options: TorchImportOptions = {}, source = '<state dict>'): TorchImportResult {
  const style = options.style ?? 'graph';
  const nodes = nodeByName(graph);
  const shapes = inferShapes(graph);
  const used = new Set<string>();
  const take = (name: string, expected: number[], node: string): NamedTensor => {
    const t = state.tensors.get(name);
    if (!t) throw new TorchImportError(`${source}: missing tensor "${name}" (graph node "${node}", expected shape [${expected.join(', ')}])`);
    if (!sameShape(t.shape, expected)) {
      throw new TorchImportError(`${source}: tensor "${name}" has shape [${t.shape.join(', ')}], expected [${expected.join(', ')}] (graph node "${node}")`);
    }
    used.add(name);
    return t;
  };
  const params = new Map<string, LayerParams>();
  try {
    for (const n of graph.nodes) {
      const p = torchPrefix(n.name, style, options.rename);
      if (isWeightNode(n)) {
        const k = kernelShape(graph, n.name);
        let kernel: tf.Tensor;
        if (n.kind === 'conv2d') {
          const [kh, kw, ci, co] = k;
          const w = take(`${p}.weight`, [co, ci, kh, kw], n.name);
          kernel = tf.tidy(() => tf.transpose(tf.tensor4d(w.data, [co, ci, kh, kw]), [2, 3, 1, 0]));
        } else {
          const [inF, outF] = k;
          const w = take(`${p}.weight`, [outF, inF], n.name);
          const data = flattenOrderFix(w.data, outF, inF, n.inputs[0], nodes, shapes);
          kernel = tf.tidy(() => tf.transpose(tf.tensor2d(data, [outF, inF])));
        }
        const out = k[k.length - 1];
        const bias = n.useBias ? tf.tensor1d(take(`${p}.bias`, [out], n.name).data) : undefined;
        if (!n.useBias && state.tensors.has(`${p}.bias`)) {
          throw new TorchImportError(`${source}: tensor "${p}.bias" exists but graph node "${n.name}" has no bias`);
        }
        params.set(n.name, { kind: 'weights', kernel, bias });
      } else if (n.kind === 'batchnorm') {
        const c = shapes.get(n.name)?.output.at(-1) ?? 0;
        const t = (suffix: string) => tf.tensor1d(take(`${p}.${suffix}`, [c], n.name).data);
        params.set(n.name, { kind: 'batchnorm', gamma: t('weight'), beta: t('bias'), mean: t('running_mean'), variance: t('running_var') });
        if (state.tensors.has(`${p}.num_batches_tracked`)) used.add(`${p}.num_batches_tracked`);
      }
    }
  } catch (e) {
    for (const v of params.values()) {
      if (v.kind === 'weights') tf.dispose([v.kernel, ...(v.bias ? [v.bias] : [])]);
      else tf.dispose([v.gamma, v.beta, v.mean, v.variance]);
    }
    throw e;
  }
  const unused = [...state.tensors.keys()].filter((k) => !used.has(k));
  if (options.strict && unused.length) throw new TorchImportError(`${source}: tensors not used by ${graph.name}: ${unused.join(', ')}`);
  return { weights: { params, origin: `PyTorch state dict ${source}`, trained: true }, unused };
}

/** Permutes a linear layer's input columns from PyTorch's (c, h, w) flatten order to tfjs's (h, w, c). */
function flattenOrderFix(
  w: Float32Array, outF: number, inF: number, from: string,
  nodes: ReturnType<typeof nodeByName>, shapes: ReturnType<typeof inferShapes>,
): Float32Array {
  const src = nodes.get(from);
  if (src?.kind !== 'flatten') return w;
  const s = shapes.get(src.name)?.input ?? [];
  if (s.length !== 3 || s[0] * s[1] === 1) return w;
  const [h, wd, c] = s;
  const out = new Float32Array(w.length);
  for (let o = 0; o < outF; o++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < wd; x++) {
        for (let ch = 0; ch < c; ch++) {
          out[o * inF + (y * wd + x) * c + ch] = w[o * inF + (ch * h + y) * wd + x];
        }
      }
    }
  }
  return out;
}

export function loadTorchSafetensors(graph: Graph, file: string, options: TorchImportOptions = {}): TorchImportResult {
  let state: SafeTensors;
  try {
    state = readSafetensors(file);
  } catch (e) {
    if (e instanceof DataFormatError) throw e;
    throw new TorchImportError(`${file}: ${(e as Error).message}`);
  }
  return importTorchState(graph, state, options, file);
}

/** Copies graph weights into a model built by src/train/build.ts (layers are named by graph node). */
export function setModelWeights(model: tf.LayersModel, weights: NetworkWeights): void {
  for (const [name, p] of weights.params) {
    const layer = model.getLayer(name);
    layer.setWeights(p.kind === 'weights' ? [p.kernel, ...(p.bias ? [p.bias] : [])] : [p.gamma, p.beta, p.mean, p.variance]);
  }
}
