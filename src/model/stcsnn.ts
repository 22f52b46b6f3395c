/**
 * ANN graph -> STCSNN graph (DESIGN.md section 2, "block placement").
 *
 * A weight layer becomes an STCB when the value it reads is a ReLU output, possibly passed through
 * pooling or flattening (max-pool and ReLU commute, average pooling keeps values non-negative): the
 * STEB then encodes exactly the non-negative values the layer would have read, and the ReLU's own
 * job (no output for x <= 0) is done by the encoder, which never spikes there. The first weight layer
 * reads raw input and stays a MAC layer; a layer that reads a value no ReLU produced (e.g. after batch
 * norm alone) stays a MAC layer too, because an encoder would clip its negative inputs.
 * The classifier (see `classifierOf`) stays a real-valued MAC layer unless `spikingClassifier`.
 * Layers reading the same value share one STEB (ResNet: conv1 and the 1x1 shortcut of a block).
 */
import { consumers, isWeightNode, nodeByName, validateGraph, type Graph, type LayerNode, type StebNode } from './graph.ts';

export interface StcsnnOptions {
  /** Make the final classifier an STCB too (DESIGN.md: "make it a flag"). Default false. */
  spikingClassifier?: boolean;
}

const TRANSPARENT = new Set(['maxpool', 'avgpool', 'globalavgpool', 'flatten']);

/** Whether the value produced by `name` is a ReLU output seen through pooling/flattening. */
function readsReluOutput(name: string, nodes: Map<string, LayerNode>): boolean {
  let n = nodes.get(name);
  while (n && TRANSPARENT.has(n.kind)) n = nodes.get(n.inputs[0]);
  return n?.kind === 'relu' || n?.kind === 'steb';
}

/**
 * The final classifier: the weight layer the output reads, seen through pooling/flattening (a dense
 * `fc`, or a 1x1 conv followed by global average pooling as in ALBSNN's head); undefined when the
 * output is not reached that way.
 */
export function classifierOf(g: Graph): LayerNode | undefined {
  const nodes = nodeByName(g);
  let n = nodes.get(g.output);
  while (n && TRANSPARENT.has(n.kind)) n = nodes.get(n.inputs[0]);
  return n && isWeightNode(n) ? n : undefined;
}

export function stebNameFor(source: string): string {
  return `${source}.steb`;
}

export function toStcsnn(ann: Graph, options: StcsnnOptions = {}): Graph {
  validateGraph(ann);
  if (ann.nodes.some((n) => n.kind === 'steb')) return ann;
  const nodes = nodeByName(ann);
  const users = consumers(ann);
  const classifier = classifierOf(ann);

  const spiking = (n: LayerNode): boolean =>
    isWeightNode(n) &&
    readsReluOutput(n.inputs[0], nodes) &&
    (n !== classifier || options.spikingClassifier === true);

  const out: LayerNode[] = [];
  for (const n of ann.nodes) {
    if (spiking(n)) {
      out.push({ ...n, inputs: [stebNameFor(n.inputs[0])] });
      continue;
    }
    out.push(n);
    // One STEB per encoded value, placed right after the value it encodes.
    if ((users.get(n.name) ?? []).some(spiking)) {
      const steb: StebNode = { kind: 'steb', name: stebNameFor(n.name), inputs: [n.name] };
      out.push(steb);
    }
  }
  const g: Graph = { name: ann.name, nodes: out, output: ann.output };
  validateGraph(g);
  return g;
}

/** The weight layers that read an STEB, i.e. the STCB synapses. */
export function spikingLayers(g: Graph): Set<string> {
  const nodes = nodeByName(g);
  return new Set(
    g.nodes.filter((n) => isWeightNode(n) && nodes.get(n.inputs[0])?.kind === 'steb').map((n) => n.name),
  );
}
