/** Shape inference for the layer graph, with padding resolved to explicit amounts. */
import { GraphError, type Graph, type LayerNode, type Padding2D, type PaddingSpec, type Shape } from './graph.ts';

export interface NodeShapes {
  /** Shape of the node's (first) input; empty for the input node. */
  input: Shape;
  output: Shape;
  /** Resolved zero padding for window ops (conv, pooling). */
  padding?: Padding2D;
}

export type ShapeMap = Map<string, NodeShapes>;

/** Output size and padding of one spatial axis, TensorFlow rules for 'same'/'valid'. */
export function windowAxis(
  size: number, kernel: number, stride: number, padding: PaddingSpec,
): { out: number; before: number; after: number } {
  if (padding === 'valid') {
    return { out: Math.floor((size - kernel) / stride) + 1, before: 0, after: 0 };
  }
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + kernel - size, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  const out = Math.floor((size + 2 * padding - kernel) / stride) + 1;
  // Only the padding that some window actually reaches counts as "after" padding.
  const after = Math.max((out - 1) * stride + kernel - size - padding, 0);
  return { out, before: padding, after };
}

function spatial(
  n: LayerNode, input: Shape, kernel: [number, number], strides: [number, number], padding: PaddingSpec,
): { h: number; w: number; padding: Padding2D } {
  if (input.length !== 3) throw new GraphError(`node "${n.name}" (${n.kind}) needs an [H, W, C] input, got [${input.join(', ')}]`);
  const hAxis = windowAxis(input[0], kernel[0], strides[0], padding);
  const wAxis = windowAxis(input[1], kernel[1], strides[1], padding);
  if (hAxis.out < 1 || wAxis.out < 1) {
    throw new GraphError(`node "${n.name}" (${n.kind}): a ${kernel.join('x')} window does not fit the input [${input.join(', ')}]`);
  }
  return {
    h: hAxis.out,
    w: wAxis.out,
    padding: { top: hAxis.before, bottom: hAxis.after, left: wAxis.before, right: wAxis.after },
  };
}

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export function inferShapes(g: Graph): ShapeMap {
  const shapes: ShapeMap = new Map();
  const outOf = (name: string): Shape => {
    const s = shapes.get(name);
    if (!s) throw new GraphError(`node "${name}" has no shape yet`);
    return s.output;
  };
  for (const n of g.nodes) {
    if (n.kind === 'input') {
      shapes.set(n.name, { input: [], output: n.shape });
      continue;
    }
    const input = outOf(n.inputs[0]);
    switch (n.kind) {
      case 'conv2d': {
        const s = spatial(n, input, n.kernel, n.strides, n.padding);
        shapes.set(n.name, { input, output: [s.h, s.w, n.filters], padding: s.padding });
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const s = spatial(n, input, n.pool, n.strides, n.padding);
        shapes.set(n.name, { input, output: [s.h, s.w, input[2]], padding: s.padding });
        break;
      }
      case 'dense':
        if (input.length !== 1) {
          throw new GraphError(`dense node "${n.name}" needs a flat input, got [${input.join(', ')}] (add a flatten or global pooling)`);
        }
        shapes.set(n.name, { input, output: [n.units] });
        break;
      case 'globalavgpool':
        if (input.length !== 3) throw new GraphError(`node "${n.name}" (globalavgpool) needs an [H, W, C] input`);
        shapes.set(n.name, { input, output: [input[2]] });
        break;
      case 'flatten':
        shapes.set(n.name, { input, output: [size(input)] });
        break;
      case 'add': {
        const other = outOf(n.inputs[1]);
        if (other.join(',') !== input.join(',')) {
          throw new GraphError(`add node "${n.name}" joins different shapes [${input.join(', ')}] and [${other.join(', ')}]`);
        }
        shapes.set(n.name, { input, output: input });
        break;
      }
      case 'batchnorm':
      case 'relu':
      case 'steb':
        shapes.set(n.name, { input, output: input });
        break;
    }
  }
  return shapes;
}

export const elementCount = size;
