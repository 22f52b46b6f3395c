/**
 * model + images -> spike statistics, counts and (optionally) the spike trace.
 * One forward pass per batch; everything after it works on the downloaded spike codes.
 */
import * as tf from '@tensorflow/tfjs';
import { isWeightNode, nodeByName, type Graph } from '../model/graph.ts';
import { inferShapes, type ShapeMap } from '../model/shapes.ts';
import { spikingLayers, toStcsnn, type StcsnnOptions } from '../model/stcsnn.ts';
import { type NetworkWeights } from '../model/weights.ts';
import { countNetwork } from '../counts/layer-counts.ts';
import { eventStats, spikeStats, type SpikeStats } from '../counts/spikes.ts';
import { withEventInput } from '../model/event-input.ts';
import type { NetworkCounts } from '../counts/types.ts';
import { layerGeometry, spikeLayerGeometry } from '../trace/geometry.ts';
import type { SpikeTrace } from '../trace/types.ts';
import { forwardBatch } from './forward.ts';
import type { ImageSet } from './inputs.ts';
import { eventCodes } from './event-input.ts';
import { thresholds, validateSettings, type StcbSettings } from '../stcb/schedule.ts';
import { checkBits, type QuantSpec } from '../stcb/quantize.ts';
import { disposeQuantized, quantizeNetworkWeights } from '../model/quantize.ts';
import { NeuroBenchCollector } from './neurobench-run.ts';
import type { NeuroBenchMetrics } from '../counts/neurobench.ts';
import { binarizeNetworkWeights, binaryLayersOf } from '../model/binarize.ts';
import { concatCodes } from '../trace/codes.ts';

export interface ProfileOptions extends StcsnnOptions {
  settings: StcbSettings;
  /** Images per forward pass. */
  batch: number;
  /** Keep the spike codes of the first N images as a trace for hardware replay (0 = none). */
  traceImages: number;
  /** Word widths of the hardware the network runs on (weights and encoder inputs quantised); absent: float32. */
  quantization?: QuantSpec;
  /**
   * Weight layers to binarise before the run (+-mean|W| per output channel). Layers whose given
   * kernels are already binary (a train-binary model) are 1-bit layers either way.
   */
  binaryLayers?: readonly string[];
  onBatch?: (done: number, total: number) => void;
}

export interface ProfileRun {
  /** The STCSNN form of the network that ran. */
  graph: Graph;
  shapes: ShapeMap;
  counts: NetworkCounts;
  trace?: SpikeTrace;
  /**
   * Counts of the traced images only (the first `trace.images`), so hardware replay of the trace and
   * paper mode can be compared on the same images; equal to `counts` when every image was traced.
   */
  tracedCounts?: NetworkCounts;
  /** Top-1 accuracy when the images have labels. */
  accuracy?: number;
  /** NeuroBench-compatible metrics of the run (counts/neurobench.ts). */
  neurobench: NeuroBenchMetrics;
  /** Wall time of the forward passes and counting, ms. */
  elapsedMs: number;
}

export function profileNetwork(model: Graph, givenWeights: NetworkWeights, input: ImageSet, opts: ProfileOptions): ProfileRun {
  validateSettings(opts.settings);
  const q = opts.quantization ?? {};
  if (q.activationBits !== undefined) checkBits(q.activationBits, 'activation width');
  const forced = opts.binaryLayers ?? [];
  const binarised = forced.length > 0 ? binarizeNetworkWeights(givenWeights, forced) : givenWeights;
  const binary = new Set([...forced, ...binaryLayersOf(givenWeights)]);
  const weights = q.weightBits === undefined ? binarised : quantizeNetworkWeights(binarised, q.weightBits);
  try {
    return runProfile(model, weights, input, opts, binary);
  } finally {
    if (weights !== binarised) disposeQuantized(weights, binarised);
    if (binarised !== givenWeights) disposeQuantized(binarised, givenWeights);
  }
}

function runProfile(model: Graph, weights: NetworkWeights, input: ImageSet, opts: ProfileOptions, binary: ReadonlySet<string>): ProfileRun {
  const bits = <G extends { layer: string }>(g: G): G => (binary.has(g.layer) ? { ...g, weightBits: 1 } : g);
  if (!Number.isInteger(opts.batch) || opts.batch < 1) throw new RangeError(`batch must be a positive integer, got ${opts.batch}`);
  const start = performance.now();
  const ev = input.events;
  // Event input: the first layer reads the sensor's events instead of being a MAC layer on pixels.
  const graph = ev ? withEventInput(toStcsnn(model, opts)) : toStcsnn(model, opts);
  if (ev && ev.timesteps !== opts.settings.timesteps) throw new Error(`events were compressed into ${ev.timesteps} steps but the network runs T = ${opts.settings.timesteps}`);
  const eventEncoders = new Set(ev ? [ev.encoder] : []);
  const shapes = inferShapes(graph);
  const nodes = nodeByName(graph);
  const spiking = [...spikingLayers(graph)].map((name) => {
    const node = nodes.get(name);
    if (!node || !isWeightNode(node)) throw new Error(`"${name}" is not a weight layer`);
    return bits(spikeLayerGeometry(graph, shapes, node));
  });
  const T = opts.settings.timesteps;
  const [n, h, w, c] = input.shape;
  const per = h * w * c;
  const stats = new Map<string, SpikeStats>(spiking.map((g) => [g.layer, { spikes: [], acs: [] }]));
  const traceCodes = new Map<string, Uint32Array[]>(spiking.map((g) => [g.encoder, []]));
  let correct = 0;
  const bench = new NeuroBenchCollector(graph, shapes, weights, spiking, T, opts.quantization?.weightBits);

  for (let first = 0; first < n; first += opts.batch) {
    const count = Math.min(opts.batch, n - first);
    const x = tf.tensor4d(input.images.subarray(first * per, (first + count) * per), [count, h, w, c]);
    // Untrained weights: batch-norm statistics come from the first batch and are then fixed.
    const run = forwardBatch(graph, shapes, weights, x, { settings: opts.settings, calibrateBatchNorm: !weights.trained, activationBits: opts.quantization?.activationBits, recordInputs: bench.macLayerNames, eventEncoders });
    if (ev) run.codes.set(ev.encoder, eventCodes(ev.counts, first * per, count * per, T));
    bench.addBatch(run.codes, run.inputs, count);
    x.dispose();
    if (input.labels) {
      const predicted = tf.tidy(() => tf.argMax(run.logits, 1)).dataSync();
      predicted.forEach((p, i) => { if (p === input.labels?.[first + i]) correct++; });
    }
    run.logits.dispose();
    for (const geom of spiking) {
      const codes = run.codes.get(geom.encoder);
      if (!codes) throw new Error(`no spike codes recorded for ${geom.encoder}`);
      const s = ev && geom.encoder === ev.encoder
        ? eventStats(geom, ev.counts.subarray(first * per * T, (first + count) * per * T), count, T)
        : spikeStats(geom, codes, count, T);
      const acc = stats.get(geom.layer);
      acc?.spikes.push(...s.spikes);
      acc?.acs.push(...s.acs);
    }
    const keep = Math.min(count, Math.max(0, opts.traceImages - first));
    if (keep > 0) {
      for (const [encoder, codes] of run.codes) {
        traceCodes.get(encoder)?.push(Uint32Array.from(codes.subarray(0, keep * (codes.length / count))));
      }
    }
    opts.onBatch?.(first + count, n);
  }

  const count = (images: number, s: Map<string, SpikeStats>): NetworkCounts =>
    countNetwork({ graph, shapes, timesteps: T, schedule: opts.settings.schedule, images, stats: s, eventEncoders });
  const counts = count(n, stats);
  const traced = Math.min(n, opts.traceImages);
  const firstImages = (k: number): Map<string, SpikeStats> =>
    new Map([...stats].map(([layer, s]) => [layer, { spikes: s.spikes.slice(0, k), acs: s.acs.slice(0, k) }]));
  const tracedCounts = traced === 0 ? undefined : traced === n ? counts : count(traced, firstImages(traced));
  const trace: SpikeTrace | undefined = traced > 0
    ? {
      network: graph.name,
      images: traced,
      timesteps: T,
      schedule: opts.settings.schedule,
      thresholds: [...thresholds(opts.settings)],
      layers: spiking.map((geom) => ({
        ...geom, codes: concatCodes(traceCodes.get(geom.encoder) ?? []),
        ...(ev && geom.encoder === ev.encoder ? { eventCounts: ev.counts.slice(0, traced * per * T), synapticKernel: [...ev.kernel] } : {}),
      })),
      macLayers: graph.nodes.filter(isWeightNode).filter((node) => !stats.has(node.name))
        .map((node) => bits(layerGeometry(graph, shapes, node))),
      order: graph.nodes.filter(isWeightNode).map((node) => node.name),
    }
    : undefined;
  return {
    graph, shapes, counts, trace, tracedCounts,
    accuracy: input.labels ? correct / n : undefined,
    neurobench: bench.metrics(counts, input.labels ? correct / n : undefined),
    elapsedMs: performance.now() - start,
  };
}
