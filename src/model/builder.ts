/** A small fluent builder so zoo definitions read like the architecture tables they come from. */
import type { Graph, LayerNode, PaddingSpec, Shape } from './graph.ts';
import { validateGraph } from './graph.ts';

export class GraphBuilder {
  private readonly nodes: LayerNode[] = [];

  constructor(private readonly name: string, inputShape: Shape) {
    this.nodes.push({ kind: 'input', name: 'input', inputs: [], shape: inputShape });
  }

  private push(node: LayerNode): string {
    this.nodes.push(node);
    return node.name;
  }

  /** A bias only where no batch norm follows (e.g. a 1x1 classifier conv); BN's shift makes it redundant elsewhere. */
  conv(from: string, name: string, filters: number, kernel: number, stride = 1, padding: PaddingSpec = 1, useBias = false): string {
    return this.push({
      kind: 'conv2d', name, inputs: [from], filters, kernel: [kernel, kernel], strides: [stride, stride], padding,
      useBias,
    });
  }

  dense(from: string, name: string, units: number): string {
    return this.push({ kind: 'dense', name, inputs: [from], units, useBias: true });
  }

  bn(from: string, name: string): string {
    return this.push({ kind: 'batchnorm', name, inputs: [from], epsilon: 1e-5 });
  }

  relu(from: string, name: string): string {
    return this.push({ kind: 'relu', name, inputs: [from] });
  }

  maxpool(from: string, name: string, pool: number, stride = pool, padding: PaddingSpec = 'valid'): string {
    return this.push({ kind: 'maxpool', name, inputs: [from], pool: [pool, pool], strides: [stride, stride], padding });
  }

  globalAvgPool(from: string, name: string): string {
    return this.push({ kind: 'globalavgpool', name, inputs: [from] });
  }

  flatten(from: string, name: string): string {
    return this.push({ kind: 'flatten', name, inputs: [from] });
  }

  add(a: string, b: string, name: string): string {
    return this.push({ kind: 'add', name, inputs: [a, b] });
  }

  /** conv -> batch norm -> ReLU, the unit every zoo network is made of. */
  convBnRelu(from: string, name: string, filters: number, kernel = 3, stride = 1, padding: PaddingSpec = 1): string {
    const c = this.conv(from, name, filters, kernel, stride, padding);
    return this.relu(this.bn(c, `${name}.bn`), `${name}.relu`);
  }

  build(output: string): Graph {
    const g: Graph = { name: this.name, nodes: [...this.nodes], output };
    validateGraph(g);
    return g;
  }
}
