/**
 * Collects NeuroBench's workload metrics during a profile run: the nonzero-weight fan-out of every
 * weight layer (from the weights as they run, quantised or not), then per batch the spike codes of
 * STCB layers and the input values of MAC layers. Definitions: src/counts/neurobench.ts.
 */
import { isWeightNode, type Graph, type WeightNode } from '../model/graph.ts';
import type { ShapeMap } from '../model/shapes.ts';
import { kernelValues, type NetworkWeights } from '../model/weights.ts';
import { layerGeometry } from '../trace/geometry.ts';
import type { LayerGeometry, SpikeLayerGeometry } from '../trace/types.ts';
import type { NetworkCounts } from '../counts/types.ts';
import { denseConnections, effectiveOps, encoderActivations, mean, neurobenchMetrics, nonzeroFanout, type NeuroBenchLayer, type NeuroBenchMetrics } from '../counts/neurobench.ts';

interface Tracked {
  geom: LayerGeometry;
  /** Nonzero fan-out per input neuron. */
  fan: Float64Array;
  spiking: boolean;
  /** Encoder whose codes a spiking layer reads. */
  encoder?: string;
  weights: number;
  zeroWeights: number;
  perImage: number[];
}

const FLOAT_BITS = 32;

export class NeuroBenchCollector {
  private readonly layers: Tracked[];
  /** The MAC (real-valued input) layers, whose inputs forwardBatch must hand back. */
  readonly macLayerNames: ReadonlySet<string>;

  constructor(
    private readonly graph: Graph,
    private readonly shapes: ShapeMap,
    private readonly weights: NetworkWeights,
    spiking: readonly SpikeLayerGeometry[],
    private readonly timesteps: number,
    /** Width the kernels ran at (undefined: float32). */
    private readonly weightBits: number | undefined,
  ) {
    const bySpiking = new Map(spiking.map((g) => [g.layer, g]));
    this.layers = graph.nodes.filter(isWeightNode).map((node) => {
      const s = bySpiking.get(node.name);
      const geom = s ?? layerGeometry(graph, shapes, node);
      const kernel = this.kernel(node);
      let zeros = 0;
      for (let i = 0; i < kernel.length; i++) if (kernel[i] === 0) zeros++;
      return { geom, fan: nonzeroFanout(geom, kernel), spiking: s !== undefined, encoder: s?.encoder, weights: kernel.length, zeroWeights: zeros, perImage: [] };
    });
    this.macLayerNames = new Set(this.layers.filter((l) => !l.spiking).map((l) => l.geom.layer));
  }

  private kernel(node: WeightNode): Float32Array {
    const p = this.weights.params.get(node.name);
    if (p?.kind !== 'weights') throw new Error(`no weights for layer "${node.name}"`);
    return kernelValues(p.kernel);
  }

  addBatch(codes: ReadonlyMap<string, ArrayLike<number>>, inputs: ReadonlyMap<string, ArrayLike<number>>, images: number): void {
    for (const l of this.layers) {
      const values = l.spiking ? codes.get(l.encoder ?? '') : inputs.get(l.geom.layer);
      if (!values) throw new Error(`NeuroBench metrics: no ${l.spiking ? 'spike codes' : 'input values'} recorded for "${l.geom.layer}"`);
      l.perImage.push(...effectiveOps(l.fan, values, images, l.spiking));
    }
  }

  /** The metrics, once every batch ran; `counts` gives the spikes per encoder. */
  metrics(counts: NetworkCounts, accuracy?: number): NeuroBenchMetrics {
    const layers: NeuroBenchLayer[] = this.layers.map((l) => ({
      layer: l.geom.layer,
      opKind: l.spiking ? 'AC' : 'MAC',
      effectiveOps: mean(l.perImage),
      denseOps: denseConnections(l.geom) * (l.spiking ? this.timesteps : 1),
      weights: l.weights,
      zeroWeights: l.zeroWeights,
      weightBits: this.weightBits ?? FLOAT_BITS,
    }));
    const activations = encoderActivations(counts.layers, this.timesteps);
    const tensors: { tensor: string; values: number; bits: number }[] = [];
    for (const n of this.graph.nodes) {
      const shape = this.shapes.get(n.name);
      if (isWeightNode(n)) {
        const l = this.layers.find((x) => x.geom.layer === n.name);
        tensors.push({ tensor: `${n.name}.kernel`, values: l?.weights ?? 0, bits: this.weightBits ?? FLOAT_BITS });
        const out = shape?.output[shape.output.length - 1] ?? 0;
        if (n.useBias) tensors.push({ tensor: `${n.name}.bias`, values: out, bits: FLOAT_BITS });
      } else if (n.kind === 'batchnorm') {
        const c = shape?.output[shape.output.length - 1] ?? 0;
        tensors.push({ tensor: `${n.name} (gamma, beta, mean, variance)`, values: 4 * c, bits: FLOAT_BITS });
      }
    }
    return neurobenchMetrics({ images: counts.images, layers, activations, tensors, accuracy });
  }
}
