/**
 * Reads an ONNX model (the file torch.onnx.export writes) into the same layer graph and weights as a
 * tfjs model, so a PyTorch CNN is profiled as the STCSNN it maps to (docs/onnx.md).
 *
 * Decoding uses the onnx-proto package (protobufjs code generated from the official onnx.proto), not a
 * hand-written parser. What the import maps, and how:
 * - ONNX tensors are NCHW, the graph is NHWC per image: the input [N, C, H, W] becomes [H, W, C];
 *   Conv weights OIHW become HWIO kernels; Gemm/MatMul weights become [in, out] kernels.
 * - Flatten/Reshape of a C x H x W map orders the vector C-major (PyTorch), the graph's flatten orders
 *   it H, W, C: the rows of the next Gemm/MatMul weight are permuted so the products stay the same.
 * - After GlobalAveragePool ([N, C, 1, 1]) a Flatten changes nothing and adds no node.
 * - BatchNormalization keeps its inference statistics (scale, B, mean, var, epsilon); a model exported
 *   in eval mode usually has it folded into the Conv already (then the Conv carries a bias).
 * - MatMul followed by Add of a constant becomes one dense layer with that bias.
 * - Identity and Dropout are the identity at inference; Constant nodes only feed Reshape shapes.
 * Anything else (another op, dilation, groups, asymmetric padding, ceil_mode, padded average
 * pooling) stops the import with one line naming the node and the op.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Graph, LayerNode, PaddingSpec } from './graph.ts';
import { validateGraph } from './graph.ts';
import type { LayerParams } from './weights.ts';
import { ModelFormatError, type ImportedModel } from './tfjs-import.ts';
import { attributes, int, nodeOf, onnxMessages, tensorValues, type Constant, type GraphProto, type NodeProto, type Onnx } from './onnx-tensors.ts';

/** The ops the import maps (anything else is refused by name). */
export const ONNX_SUPPORTED_OPS = [
  'Conv', 'Gemm', 'MatMul', 'Relu', 'BatchNormalization', 'MaxPool', 'AveragePool', 'GlobalAveragePool',
  'Add', 'Flatten', 'Reshape', 'Identity', 'Dropout', 'Constant',
] as const;

/**
 * What an ONNX tensor name stands for in the graph: the node producing it and, for a flat vector made
 * from a C x H x W map, that map's size (so the next weight layer's rows can be permuted).
 */
interface Value {
  node: string;
  /** 'map': [H, W, C] per image; 'flat': [F]. */
  layout: 'map' | 'flat';
  /** Flat vectors that PyTorch orders (C, H, W) while the graph orders them (H, W, C). */
  chw?: [number, number, number];
  /** A map known to be 1x1 spatially (after GlobalAveragePool): flattening it is free. */
  pooledChannels?: number;
}

/** PyTorch's flattening index of (c, h, w) for every position of the graph's (h, w, c) order. */
export function chwIndexOfHwc(c: number, h: number, w: number): Int32Array {
  const out = new Int32Array(c * h * w);
  let k = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out[k++] = ch * h * w + y * w + x;
  return out;
}

class OnnxGraphBuilder {
  readonly nodes: LayerNode[] = [];
  readonly params = new Map<string, LayerParams>();
  readonly values = new Map<string, Value>();
  readonly constants = new Map<string, Constant>();
  private readonly names = new Set<string>();
  /** Dense layers made from a MatMul, awaiting an Add with their bias. */
  private readonly biasless = new Map<string, { node: LayerNode & { kind: 'dense' }; out: number }>();
  /** Channels of every map-valued node (for kernel shapes and flattening). */
  private readonly channels = new Map<string, { c: number; h: number; w: number }>();
  /** Length of every flat-vector node. */
  readonly flat = new Map<string, number>();

  constructor(private readonly file: string) {}

  where(n: NodeProto, index: number): string {
    return `${this.file}: node "${n.name || `#${index}`}" (${n.opType})`;
  }

  unique(base: string): string {
    const stem = base.replace(/^\/+/, '') || 'node';
    let name = stem;
    for (let i = 2; this.names.has(name); i++) name = `${stem}_${i}`;
    this.names.add(name);
    return name;
  }

  value(name: string, where: string): Value {
    const v = this.values.get(name);
    if (!v) throw new ModelFormatError(`${where}: reads "${name}", which no earlier node produces (only one graph input is supported)`);
    return v;
  }

  constant(name: string, where: string): Constant {
    const c = this.constants.get(name);
    if (!c) throw new ModelFormatError(`${where}: input "${name}" must be a constant (an initializer); weights computed at run time are not supported`);
    return c;
  }

  mapSize(node: string): { c: number; h: number; w: number } {
    const s = this.channels.get(node);
    if (!s) throw new Error(`no map size recorded for "${node}"`);
    return s;
  }

  push(node: LayerNode, output: string, value: Omit<Value, 'node'>, size?: { c: number; h: number; w: number }): void {
    this.nodes.push(node);
    this.values.set(output, { node: node.name, ...value });
    if (size) this.channels.set(node.name, size);
  }

  /** A name for a weight layer: the PyTorch module name when the weight initializer carries one. */
  layerName(n: NodeProto, weightName: string, index: number): string {
    const module = weightName.endsWith('.weight') && !weightName.startsWith('onnx::') ? weightName.slice(0, -'.weight'.length) : '';
    return this.unique(module || n.name || `${n.opType}_${index}`);
  }

  addInput(shape: number[]): void {
    const [c, h, w] = shape;
    this.nodes.push({ kind: 'input', name: 'input', inputs: [], shape: [h, w, c] });
    this.names.add('input');
    this.channels.set('input', { c, h, w });
  }

  conv(n: NodeProto, i: number): void {
    const where = this.where(n, i);
    const a = attributes(n);
    const x = this.value(n.input[0], where);
    if (x.layout !== 'map') throw new ModelFormatError(`${where}: reads a flat vector; Conv needs an N x C x H x W map`);
    const w = this.constant(n.input[1], where);
    if (w.dims.length !== 4) throw new ModelFormatError(`${where}: weight "${n.input[1]}" is [${w.dims.join(', ')}]; only 2-D convolutions (O x I x kH x kW) are supported`);
    const [co, ci, kh, kw] = w.dims;
    const inSize = this.mapSize(x.node);
    if (a.int('group', 1) !== 1) throw new ModelFormatError(`${where}: grouped or depthwise convolutions (group=${a.int('group', 1)}) are not supported`);
    if ((a.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) throw new ModelFormatError(`${where}: dilated convolutions are not supported`);
    if (ci !== inSize.c) throw new ModelFormatError(`${where}: weight has ${ci} input channels, its input has ${inSize.c}`);
    const strides = (a.ints('strides') ?? [1, 1]) as [number, number];
    const padding = this.padding(n, where, [kh, kw], strides);
    const name = this.layerName(n, n.input[1], i);
    // OIHW -> HWIO.
    const hwio = new Float32Array(kh * kw * ci * co);
    for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) {
      hwio[((y * kw + z) * ci + c) * co + o] = w.data[((o * ci + c) * kh + y) * kw + z];
    }
    const bias = n.input[2] ? this.vector(n.input[2], co, where) : undefined;
    const pad = typeof padding === 'number' ? padding : 0;
    const h = Math.floor((inSize.h + 2 * pad - kh) / strides[0]) + 1;
    const wOut = Math.floor((inSize.w + 2 * pad - kw) / strides[1]) + 1;
    this.push({ kind: 'conv2d', name, inputs: [x.node], filters: co, kernel: [kh, kw], strides, padding, useBias: bias !== undefined },
      n.output[0], { layout: 'map' }, { c: co, h, w: wOut });
    this.params.set(name, { kind: 'weights', kernel: tf.tensor(hwio, [kh, kw, ci, co]), bias: bias ? tf.tensor(bias, [co]) : undefined });
  }

  /** ONNX pads [top, left, bottom, right] (or auto_pad) as the graph's symmetric padding. */
  padding(n: NodeProto, where: string, kernel: number[], strides: number[]): PaddingSpec {
    const a = attributes(n);
    const auto = a.string('auto_pad') ?? 'NOTSET';
    if (auto === 'VALID') return 0;
    if (auto !== 'NOTSET') throw new ModelFormatError(`${where}: auto_pad=${auto} is not supported (export with explicit pads)`);
    const pads = a.ints('pads') ?? [0, 0, 0, 0];
    if (pads.length !== 4 || pads.some((p) => p !== pads[0])) {
      throw new ModelFormatError(`${where}: pads [${pads.join(', ')}] differ between sides or axes; only the same padding on every side is supported`);
    }
    if (strides.some((s) => s < 1) || kernel.some((k) => k < 1)) throw new ModelFormatError(`${where}: kernel and strides must be positive`);
    return pads[0];
  }

  vector(name: string, length: number, where: string): Float32Array {
    const c = this.constant(name, where);
    if (c.data.length !== length) throw new ModelFormatError(`${where}: "${name}" has ${c.data.length} values, expected ${length}`);
    return Float32Array.from(c.data);
  }

  /**
   * Gemm (Y = alpha * A B' + beta * C) and MatMul: a dense layer. The weight becomes [in, out]; rows
   * are permuted when the input is a C x H x W map flattened PyTorch's way.
   */
  dense(n: NodeProto, i: number): void {
    const where = this.where(n, i);
    const a = attributes(n);
    const x = this.value(n.input[0], where);
    if (x.layout !== 'flat') throw new ModelFormatError(`${where}: reads an N x C x H x W map; insert a Flatten (Gemm/MatMul need N x F)`);
    const w = this.constant(n.input[1], where);
    if (w.dims.length !== 2) throw new ModelFormatError(`${where}: weight "${n.input[1]}" is [${w.dims.join(', ')}], expected a matrix`);
    const gemm = n.opType === 'Gemm';
    if (gemm && a.int('transA', 0) !== 0) throw new ModelFormatError(`${where}: transA=1 is not supported`);
    const transB = gemm && a.int('transB', 0) === 1;
    const alpha = gemm ? a.float('alpha', 1) : 1;
    const beta = gemm ? a.float('beta', 1) : 1;
    const [fIn, fOut] = transB ? [w.dims[1], w.dims[0]] : [w.dims[0], w.dims[1]];
    const inFeatures = x.chw ? x.chw[0] * x.chw[1] * x.chw[2] : x.pooledChannels ?? this.flatSize(x.node);
    if (fIn !== inFeatures) throw new ModelFormatError(`${where}: weight expects ${fIn} input features, its input has ${inFeatures}`);
    const order = x.chw ? chwIndexOfHwc(...x.chw) : undefined;
    const kernel = new Float32Array(fIn * fOut);
    for (let r = 0; r < fIn; r++) {
      const src = order ? order[r] : r;
      for (let o = 0; o < fOut; o++) kernel[r * fOut + o] = alpha * w.data[transB ? o * fIn + src : src * fOut + o];
    }
    let bias: Float32Array | undefined;
    if (gemm && n.input[2]) {
      const c = this.constant(n.input[2], where);
      if (c.data.length !== fOut && c.data.length !== 1) throw new ModelFormatError(`${where}: bias "${n.input[2]}" has ${c.data.length} values, expected ${fOut}`);
      bias = Float32Array.from({ length: fOut }, (_, o) => beta * c.data[c.data.length === 1 ? 0 : o]);
    }
    const name = this.layerName(n, n.input[1], i);
    const node = { kind: 'dense' as const, name, inputs: [x.node], units: fOut, useBias: bias !== undefined };
    this.push(node, n.output[0], { layout: 'flat' });
    this.flat.set(name, fOut);
    this.params.set(name, { kind: 'weights', kernel: tf.tensor(kernel, [fIn, fOut]), bias: bias ? tf.tensor(bias, [fOut]) : undefined });
    if (!bias) this.biasless.set(n.output[0], { node, out: fOut });
  }

  flatSize(node: string): number {
    const f = this.flat.get(node);
    if (f === undefined) throw new Error(`no vector size recorded for "${node}"`);
    return f;
  }

  add(n: NodeProto, i: number): void {
    const where = this.where(n, i);
    const [l, r] = n.input;
    const constName = this.constants.has(l) ? l : this.constants.has(r) ? r : undefined;
    if (constName !== undefined) {
      // MatMul + Add(bias): PyTorch's Linear on a >2-D input, or a hand-built graph.
      const other = constName === l ? r : l;
      const pending = this.biasless.get(other);
      if (!pending) throw new ModelFormatError(`${where}: adds a constant to "${other}"; only a bias after MatMul is supported`);
      const bias = this.vector(constName, pending.out, where);
      pending.node.useBias = true;
      const p = this.params.get(pending.node.name);
      if (p?.kind === 'weights') p.bias = tf.tensor(bias, [pending.out]);
      this.biasless.delete(other);
      const v = this.value(other, where);
      this.values.set(n.output[0], v);
      return;
    }
    const a = this.value(l, where);
    const b = this.value(r, where);
    const name = this.unique(n.name || `Add_${i}`);
    const size = this.channels.get(a.node);
    this.push({ kind: 'add', name, inputs: [a.node, b.node] }, n.output[0], { layout: a.layout, chw: a.chw, pooledChannels: a.pooledChannels }, size);
    if (a.layout === 'flat') this.flat.set(name, a.pooledChannels ?? this.flatSize(a.node));
  }

  /** A node that keeps its input's shape (Relu, BatchNormalization). */
  elementwise(node: LayerNode, n: NodeProto, x: Value): void {
    const size = this.channels.get(x.node);
    this.push(node, n.output[0], { layout: x.layout, chw: x.chw, pooledChannels: x.pooledChannels }, size);
    if (x.layout === 'flat') this.flat.set(node.name, x.pooledChannels ?? this.flatSize(x.node));
  }

  relu(n: NodeProto, i: number): void {
    const x = this.value(n.input[0], this.where(n, i));
    this.elementwise({ kind: 'relu', name: this.unique(n.name || `Relu_${i}`), inputs: [x.node] }, n, x);
  }

  batchnorm(n: NodeProto, i: number): void {
    const where = this.where(n, i);
    const x = this.value(n.input[0], where);
    if (x.layout !== 'map') throw new ModelFormatError(`${where}: batch norm of a flat vector (BatchNorm1d) is not supported`);
    const c = this.mapSize(x.node).c;
    const [gamma, beta, mean, variance] = n.input.slice(1, 5).map((t) => tf.tensor(this.vector(t, c, where), [c]));
    if (!variance) throw new ModelFormatError(`${where}: needs scale, B, mean and var inputs`);
    const name = this.unique(n.name || `BatchNormalization_${i}`);
    this.elementwise({ kind: 'batchnorm', name, inputs: [x.node], epsilon: attributes(n).float('epsilon', 1e-5) }, n, x);
    this.params.set(name, { kind: 'batchnorm', gamma, beta, mean, variance });
  }

  pool(n: NodeProto, i: number): void {
    const where = this.where(n, i);
    const a = attributes(n);
    const x = this.value(n.input[0], where);
    if (x.layout !== 'map') throw new ModelFormatError(`${where}: pooling needs an N x C x H x W map`);
    const kernel = a.ints('kernel_shape');
    if (!kernel || kernel.length !== 2) throw new ModelFormatError(`${where}: needs a 2-D kernel_shape`);
    if (a.int('ceil_mode', 0) !== 0) throw new ModelFormatError(`${where}: ceil_mode=1 is not supported (PyTorch's default ceil_mode=False is)`);
    if ((a.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) throw new ModelFormatError(`${where}: dilated pooling is not supported`);
    const strides = (a.ints('strides') ?? [1, 1]) as [number, number];
    const padding = this.padding(n, where, kernel, strides);
    const max = n.opType === 'MaxPool';
    if (!max && padding !== 0) throw new ModelFormatError(`${where}: padded average pooling is not supported (whether padding counts in the mean differs between frameworks)`);
    const s = this.mapSize(x.node);
    const pad = typeof padding === 'number' ? padding : 0;
    const size = { c: s.c, h: Math.floor((s.h + 2 * pad - kernel[0]) / strides[0]) + 1, w: Math.floor((s.w + 2 * pad - kernel[1]) / strides[1]) + 1 };
    const name = this.unique(n.name || `${n.opType}_${i}`);
    this.push({ kind: max ? 'maxpool' : 'avgpool', name, inputs: [x.node], pool: [kernel[0], kernel[1]], strides, padding: max ? padding : 'valid' },
      n.output[0], { layout: 'map' }, size);
  }

  globalAvgPool(n: NodeProto, i: number): void {
    const where = this.where(n, i);
    const x = this.value(n.input[0], where);
    if (x.layout !== 'map') throw new ModelFormatError(`${where}: needs an N x C x H x W map`);
    const c = this.mapSize(x.node).c;
    const name = this.unique(n.name || `GlobalAveragePool_${i}`);
    // The graph's global pool yields [C]; ONNX keeps [N, C, 1, 1] until a Flatten, which is then free.
    this.push({ kind: 'globalavgpool', name, inputs: [x.node] }, n.output[0], { layout: 'flat', pooledChannels: c });
    this.flat.set(name, c);
  }

  /** Flatten (axis 1) or a Reshape to [N, -1]: a map becomes a vector. */
  flatten(n: NodeProto, i: number): void {
    const where = this.where(n, i);
    const x = this.value(n.input[0], where);
    if (n.opType === 'Flatten' && attributes(n).int('axis', 1) !== 1) throw new ModelFormatError(`${where}: only axis=1 (keep the batch axis) is supported`);
    if (n.opType === 'Reshape') {
      const shape = this.constant(n.input[1], where).data;
      const s = x.layout === 'map' ? this.mapSize(x.node) : undefined;
      const features = s ? s.c * s.h * s.w : x.pooledChannels ?? this.flatSize(x.node);
      const flattens = shape.length === 2 && (shape[0] === 0 || shape[0] === 1 || shape[0] === -1) && (shape[1] === -1 || shape[1] === features);
      if (!flattens) throw new ModelFormatError(`${where}: only a reshape to [N, ${features}] (flattening) is supported, got [${Array.from(shape).join(', ')}]`);
    }
    if (x.layout === 'flat') {
      this.values.set(n.output[0], x);
      return;
    }
    const s = this.mapSize(x.node);
    const name = this.unique(n.name || `Flatten_${i}`);
    // A 1x1 map (or a single channel) flattens in the same order in both layouts.
    const chw: [number, number, number] | undefined = s.h * s.w > 1 && s.c > 1 ? [s.c, s.h, s.w] : undefined;
    this.push({ kind: 'flatten', name, inputs: [x.node] }, n.output[0], { layout: 'flat', chw });
    this.flat.set(name, s.c * s.h * s.w);
  }
}

/** The one graph input that is not an initializer: [N, C, H, W] with a known C, H, W. */
function inputShape(g: GraphProto, initializers: Set<string>, file: string): { name: string; chw: number[] } {
  const inputs = (g.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  if (inputs.length !== 1) throw new ModelFormatError(`${file}: the graph has ${inputs.length} inputs; exactly one image input is supported`);
  const v = inputs[0];
  const dims = v.type?.tensorType?.shape?.dim ?? [];
  if (dims.length !== 4) throw new ModelFormatError(`${file}: input "${v.name}" has ${dims.length} axes; an N x C x H x W image batch is expected`);
  const chw = dims.slice(1).map((d) => int(d.dimValue));
  if (chw.some((d) => !(d > 0))) throw new ModelFormatError(`${file}: input "${v.name}" needs fixed C, H and W (export with a concrete example input)`);
  return { name: v.name ?? '', chw };
}

/** Decodes ONNX bytes into a graph and weights; `file` names the source in messages. */
export function importOnnxBytes(bytes: Uint8Array, file: string, graphName?: string): ImportedModel {
  let model: InstanceType<Onnx['ModelProto']>;
  try {
    model = onnxMessages().ModelProto.decode(bytes);
  } catch (e) {
    throw new ModelFormatError(`${file} is not an ONNX model (${e instanceof Error ? e.message : String(e)})`);
  }
  const g = model.graph;
  if (!g || !g.node || g.node.length === 0) throw new ModelFormatError(`${file}: not an ONNX model (no graph or no nodes)`);
  const b = new OnnxGraphBuilder(file);
  for (const t of g.initializer ?? []) b.constants.set(t.name ?? '', tensorValues(t, file));
  const input = inputShape(g, new Set(b.constants.keys()), file);
  b.addInput(input.chw);
  b.values.set(input.name, { node: 'input', layout: 'map' });
  g.node.map(nodeOf).forEach((n, i) => {
    switch (n.opType) {
      case 'Conv': return b.conv(n, i);
      case 'Gemm':
      case 'MatMul': return b.dense(n, i);
      case 'Relu': return b.relu(n, i);
      case 'BatchNormalization': return b.batchnorm(n, i);
      case 'MaxPool':
      case 'AveragePool': return b.pool(n, i);
      case 'GlobalAveragePool': return b.globalAvgPool(n, i);
      case 'Add': return b.add(n, i);
      case 'Flatten':
      case 'Reshape': return b.flatten(n, i);
      case 'Identity':
      case 'Dropout':
        b.values.set(n.output[0], b.value(n.input[0], b.where(n, i)));
        return;
      case 'Constant': {
        const t = attributes(n).tensor('value');
        if (!t) throw new ModelFormatError(`${b.where(n, i)}: only a tensor-valued Constant is supported`);
        b.constants.set(n.output[0], tensorValues(t, file));
        return;
      }
      default:
        throw new ModelFormatError(`${b.where(n, i)}: op ${n.opType} is not supported (supported: ${ONNX_SUPPORTED_OPS.join(', ')})`);
    }
  });
  const outputs = g.output ?? [];
  if (outputs.length !== 1) throw new ModelFormatError(`${file}: the graph has ${outputs.length} outputs; exactly one (the logits) is supported`);
  const out = b.value(outputs[0].name ?? '', `${file}: graph output`);
  if (out.layout !== 'flat') throw new ModelFormatError(`${file}: the output "${outputs[0].name}" is a feature map; a classifier output [N, classes] is expected`);
  const graph: Graph = { name: graphName ?? (g.name || 'onnx-model'), nodes: b.nodes, output: out.node };
  validateGraph(graph);
  return { graph, weights: { params: b.params, origin: file, trained: true } };
}

export function importOnnxModel(path: string): ImportedModel {
  const file = resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ModelFormatError(`cannot read ONNX model ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const base = file.split('/').pop() ?? 'model.onnx';
  return importOnnxBytes(bytes, file, base.replace(/\.onnx$/i, ''));
}
