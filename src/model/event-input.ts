/**
 * Event-camera input for an STCSNN: the first weight layer(s), which read the raw input and would
 * stay MAC layers on images, read an event "encoder" instead: a steb node whose spikes are the
 * sensor's events. The layer then costs one AC per (event, reachable output) pair, like any STCB
 * synapse, and its CAB sums the steps' currents (src/stcb/synaptic.ts). The node's value in the
 * forward pass is its input unchanged: the input tensor is already sum_t c(t) E_t, which the layer's
 * linearity turns into the CAB output sum_t c(t) (W (*) E_t) + b.
 */
import { validateGraph, type Graph, type LayerNode } from './graph.ts';

/** Name of the event encoder node (the trace's encoder name of the input layer). */
export const EVENT_ENCODER = 'input.events';

export function withEventInput(g: Graph): Graph {
  const input = g.nodes[0];
  if (input.kind !== 'input') throw new Error(`${g.name}: the first node is not the input`);
  if (input.shape.length !== 3 || input.shape[2] !== 2) {
    throw new Error(`${g.name}: event input needs a [H, W, 2] input (one channel per polarity), the network takes [${input.shape.join(', ')}]`);
  }
  if (g.nodes.some((n) => n.name === EVENT_ENCODER)) return g;
  const readers = g.nodes.filter((n) => n.inputs.includes(input.name));
  if (readers.some((n) => n.kind !== 'conv2d' && n.kind !== 'dense')) {
    throw new Error(`${g.name}: event input needs the input read by weight layers only (found ${readers.map((n) => `${n.name} (${n.kind})`).join(', ')})`);
  }
  const nodes: LayerNode[] = [input, { kind: 'steb', name: EVENT_ENCODER, inputs: [input.name] }];
  for (const n of g.nodes.slice(1)) nodes.push(n.inputs.includes(input.name) ? { ...n, inputs: n.inputs.map((s) => (s === input.name ? EVENT_ENCODER : s)) } : n);
  const out: Graph = { name: g.name, nodes, output: g.output };
  validateGraph(out);
  return out;
}
