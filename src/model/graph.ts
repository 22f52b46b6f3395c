/**
 * The typed layer graph: what a network is, independent of weights, backend and hardware.
 * Shapes are per image (no batch axis): feature maps are [H, W, C], flat vectors [F].
 */
import { UsageError } from '../util/errors.ts';

export type Shape = readonly number[];

/** Zero padding of a 2-D window op, resolved to explicit amounts. */
export interface Padding2D {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** 'same' and 'valid' follow TensorFlow's rules; a number pads every side by that amount (PyTorch style). */
export type PaddingSpec = 'same' | 'valid' | number;

interface NodeBase {
  /** Unique name; weights and report rows are keyed by it. */
  name: string;
  /** Names of the producing nodes (one, except `add`). */
  inputs: string[];
}

export interface InputNode extends NodeBase {
  kind: 'input';
  shape: Shape;
}

export interface Conv2DNode extends NodeBase {
  kind: 'conv2d';
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: PaddingSpec;
  useBias: boolean;
}

export interface DenseNode extends NodeBase {
  kind: 'dense';
  units: number;
  useBias: boolean;
}

export interface BatchNormNode extends NodeBase {
  kind: 'batchnorm';
  epsilon: number;
}

export interface ReluNode extends NodeBase {
  kind: 'relu';
}

/**
 * STEB: encodes its (real) input into binary spike trains; its output value is the decoded x_hat.
 * Inserted by `toStcsnn` in front of every weight layer that becomes an STCB.
 */
export interface StebNode extends NodeBase {
  kind: 'steb';
}

export interface PoolNode extends NodeBase {
  kind: 'maxpool' | 'avgpool';
  pool: [number, number];
  strides: [number, number];
  padding: PaddingSpec;
}

export interface GlobalAvgPoolNode extends NodeBase {
  kind: 'globalavgpool';
}

export interface AddNode extends NodeBase {
  kind: 'add';
}

export interface FlattenNode extends NodeBase {
  kind: 'flatten';
}

export type LayerNode =
  | InputNode
  | Conv2DNode
  | DenseNode
  | BatchNormNode
  | ReluNode
  | StebNode
  | PoolNode
  | GlobalAvgPoolNode
  | AddNode
  | FlattenNode;

export type NodeKind = LayerNode['kind'];
export type WeightNode = Conv2DNode | DenseNode;

export interface Graph {
  name: string;
  /** Nodes in topological order; the first is the single input node. */
  nodes: LayerNode[];
  /** Name of the output node (the logits). */
  output: string;
}

export function isWeightNode(n: LayerNode): n is WeightNode {
  return n.kind === 'conv2d' || n.kind === 'dense';
}

export class GraphError extends UsageError {
  override name = 'GraphError';
}

export function nodeByName(g: Graph): Map<string, LayerNode> {
  return new Map(g.nodes.map((n) => [n.name, n]));
}

/** Checks names are unique, inputs exist and come earlier, arity fits each kind, one input node first. */
export function validateGraph(g: Graph): void {
  const seen = new Set<string>();
  g.nodes.forEach((n, i) => {
    if (seen.has(n.name)) throw new GraphError(`${g.name}: duplicate node name "${n.name}"`);
    if ((i === 0) !== (n.kind === 'input')) {
      throw new GraphError(`${g.name}: the input node must be the first node and the only one ("${n.name}")`);
    }
    const arity = n.kind === 'input' ? 0 : n.kind === 'add' ? 2 : 1;
    if (n.inputs.length !== arity) {
      throw new GraphError(`${g.name}: node "${n.name}" (${n.kind}) takes ${arity} input(s), got ${n.inputs.length}`);
    }
    for (const src of n.inputs) {
      if (!seen.has(src)) throw new GraphError(`${g.name}: node "${n.name}" reads "${src}", which is not defined before it`);
    }
    seen.add(n.name);
  });
  if (!seen.has(g.output)) throw new GraphError(`${g.name}: output node "${g.output}" does not exist`);
}

/** Consumers of every node, in graph order. */
export function consumers(g: Graph): Map<string, LayerNode[]> {
  const out = new Map<string, LayerNode[]>(g.nodes.map((n) => [n.name, []]));
  for (const n of g.nodes) for (const src of n.inputs) out.get(src)?.push(n);
  return out;
}
