/** Weight-layer geometry as the hardware sees it, derived from the graph and its shapes. */
import { nodeByName, consumers, type Graph, type WeightNode } from '../model/graph.ts';
import type { ShapeMap } from '../model/shapes.ts';
import type { LayerGeometry, SpikeLayerGeometry } from './types.ts';

export function layerGeometry(g: Graph, shapes: ShapeMap, node: WeightNode): LayerGeometry {
  const s = shapes.get(node.name);
  if (!s) throw new Error(`no shape for "${node.name}"`);
  const next = consumers(g).get(node.name) ?? [];
  const common = {
    layer: node.name,
    batchNormAfter: next.some((n) => n.kind === 'batchnorm'),
    hasBias: node.useBias,
  };
  if (node.kind === 'dense') {
    return {
      ...common, op: 'dense', inH: 1, inW: 1, inC: s.input[0], outH: 1, outW: 1, outC: node.units,
      kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0,
    };
  }
  return {
    ...common, op: 'conv',
    inH: s.input[0], inW: s.input[1], inC: s.input[2],
    outH: s.output[0], outW: s.output[1], outC: s.output[2],
    kernelH: node.kernel[0], kernelW: node.kernel[1], strideH: node.strides[0], strideW: node.strides[1],
    padTop: s.padding?.top ?? 0, padLeft: s.padding?.left ?? 0,
  };
}

export function spikeLayerGeometry(g: Graph, shapes: ShapeMap, node: WeightNode): SpikeLayerGeometry {
  const encoder = nodeByName(g).get(node.inputs[0]);
  if (encoder?.kind !== 'steb') throw new Error(`"${node.name}" does not read an STEB`);
  return { ...layerGeometry(g, shapes, node), encoder: encoder.name };
}

/** Dense MACs of a weight layer: k*k*Cin*Cout*Ho*Wo (DESIGN.md section 4). */
export function denseMacs(geom: LayerGeometry): number {
  return geom.kernelH * geom.kernelW * geom.inC * geom.outC * geom.outH * geom.outW;
}

export const inputNeurons = (geom: LayerGeometry): number => geom.inH * geom.inW * geom.inC;
export const outputNeurons = (geom: LayerGeometry): number => geom.outH * geom.outW * geom.outC;
