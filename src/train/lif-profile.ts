/**
 * A LIF-family network (train/lif-layers.ts) run on images -> its own spike trace (issue 15): the
 * spikes that enter every weight layer reading LIF outputs (through pooling / flattening), per step,
 * as the trace's event codes (bit t-1 = an event at step t), the levels as bit planes for mlif, and
 * the output spikes of every LIF layer's neurons. The hardware replay (hw/lif-replay.ts) prices them.
 *
 * The layer geometry is the zoo graph's with every weight layer after the first reading spikes
 * (the classifier too: it reads LIF spikes, and its outputs only integrate); the first layer reads
 * the image (direct encoding: a MAC layer) or rate-coded input spikes.
 */
import * as tf from '@tensorflow/tfjs';
import { isWeightNode, nodeByName, type Graph } from '../model/graph.ts';
import { inferShapes } from '../model/shapes.ts';
import { spikingLayers, toStcsnn } from '../model/stcsnn.ts';
import { levelBits, type LifSettings } from '../neuron/settings.ts';
import { layerGeometry, spikeLayerGeometry } from '../trace/geometry.ts';
import type { SpikeLayerGeometry, SpikeTrace, SpikeTraceLayer, TraceNeuronGroup } from '../trace/types.ts';
import { EVENT_ENCODER } from '../model/event-input.ts';
import { eventCodes } from '../run/event-input.ts';
import { EventSteps, Lif, TimeRepeat, lifLayers } from './lif-layers.ts';
import { concatCodes } from '../trace/codes.ts';

export interface LifRunInput {
  images: Float32Array;
  shape: [number, number, number, number];
  labels?: Int32Array;
  /**
   * Event-camera input (a model with EventSteps): the events per image, (y, x, polarity) and step,
   * step fastest, at the model's T; `images` are then the same counts as floats, [N, H, W, 2T].
   */
  eventCounts?: Uint16Array;
}

export interface LifRun {
  trace: SpikeTrace;
  /** Top-1 accuracy when labels were given. */
  accuracy?: number;
  /** The neuron settings the network ran with (thresholds and leaks as learned: see trace.neuron.params). */
  neuron: LifSettings;
}

/** The LIF model's settings (from its first Lif layer) and its time-step count. */
export function lifModelSettings(model: tf.LayersModel): LifSettings {
  const lifs = lifLayers(model);
  if (lifs.length === 0) throw new Error(`${model.name}: not a LIF-family network (no Lif layers)`);
  return lifs[0].settings;
}

/** The membrane time constant in steps that a leak lambda = exp(-1 / tau) stands for (no leak: infinite). */
export function tauOfLeak(leak: number): number {
  return leak >= 1 ? Infinity : -1 / Math.log(leak);
}

/** The event input layer of the first `images` images: events per (neuron, step) and the steps that had any. */
function eventTraceLayer(geom: SpikeLayerGeometry, counts: Uint16Array, images: number, T: number): SpikeTraceLayer {
  const n = images * geom.inH * geom.inW * geom.inC;
  return { ...geom, codes: Uint32Array.from(eventCodes(counts, 0, n, T)), eventCounts: counts.slice(0, n * T) };
}

/** Encodes a [T*N, ...] step-major level tensor's values into per-neuron codes over the batch. */
function levelCodes(levels: Float32Array, T: number, n: number, per: number, planes: number): { events: Uint32Array; planes: Uint32Array[] } {
  const events = new Uint32Array(n * per);
  const bitPlanes = Array.from({ length: planes }, () => new Uint32Array(n * per));
  for (let t = 0; t < T; t++) {
    const base = t * n * per;
    for (let i = 0; i < n * per; i++) {
      const l = levels[base + i];
      if (l > 0) {
        events[i] |= 1 << t;
        for (let b = 0; b < planes; b++) if ((l >> b) & 1) bitPlanes[b][i] |= 1 << t;
      }
    }
  }
  return { events, planes: bitPlanes };
}

/** The weight layers of a LIF-family run as the trace sees them: spiking ones (with what each reads) and MAC ones. */
function traceLayout(model: tf.LayersModel, graph: Graph, events: boolean) {
  const g = toStcsnn(graph, { spikingClassifier: true });
  const shapes = inferShapes(g);
  const nodes = nodeByName(g);
  const spikingNames = spikingLayers(g);
  const rate = model.layers.some((l) => l instanceof TimeRepeat && l.encoding === 'rate');
  const weightNodes = g.nodes.filter(isWeightNode);
  // Under rate coding the first layer reads input spikes too; its "encoder" is the input node.
  const first = weightNodes[0];
  const spikingGeoms = weightNodes.filter((w) => spikingNames.has(w.name)).map((w) => spikeLayerGeometry(g, shapes, w));
  const macGeoms = weightNodes.filter((w) => !spikingNames.has(w.name) && !((rate || events) && w === first)).map((w) => layerGeometry(g, shapes, w));
  const rateGeom = rate ? { ...layerGeometry(g, shapes, first), encoder: `${g.nodes[0].name}.time` } : undefined;
  // Event input: the first layer reads the sensor's events, one synaptic event each (no probe: the counts are the input).
  const eventGeom = events ? { ...layerGeometry(g, shapes, first), encoder: EVENT_ENCODER } : undefined;
  const inputGeom = rateGeom ?? eventGeom;
  const spiking = inputGeom ? [inputGeom, ...spikingGeoms] : spikingGeoms;
  // The tensor each spiking layer reads: the value its STEB encodes in STCSNN form (or the repeated input).
  const probeName = (encoder: string): string => encoder === rateGeom?.encoder ? encoder : (nodes.get(encoder)?.inputs[0] ?? encoder);
  return { g, shapes, nodes, weightNodes, spiking, macGeoms, eventGeom, probeName };
}

/** One neuron group per Lif layer (named by the weight layer whose outputs its neurons are), and the classifier's, which never fires. */
function neuronGroups(lifs: readonly Lif[], groupOf: (lif: Lif) => string, classifier: string, classifierNeurons: number): Record<string, TraceNeuronGroup> {
  const groups: Record<string, TraceNeuronGroup> = {};
  for (const l of lifs) {
    const shape = (l.output as tf.SymbolicTensor).shape.slice(1) as number[];
    groups[groupOf(l)] = { neurons: shape.reduce((a, b) => a * b, 1), spikes: [], fires: true };
  }
  groups[classifier] = { neurons: classifierNeurons, spikes: [], fires: false };
  return groups;
}

/** Spikes of each of the first `keep` images of a batch of `n`, from a Lif layer's [T * n, perN] output. */
function spikesPerImage(v: Float32Array, T: number, n: number, perN: number, keep: number): number[] {
  return Array.from({ length: keep }, (_, b) => {
    let events = 0;
    for (let st = 0; st < T; st++) {
      const base = (st * n + b) * perN;
      for (let k = 0; k < perN; k++) if (v[base + k] > 0) events++;
    }
    return events;
  });
}

/** A Lif layer's learned threshold and leak (with its time constant), for the trace. */
function learnedParams(l: Lif): { layer: string; threshold: number; leak: number; tau: number } {
  const { theta, lambda } = l.params();
  const leak = lambda.dataSync()[0];
  const r = { layer: l.name, threshold: theta.dataSync()[0], leak, tau: tauOfLeak(leak) };
  lambda.dispose(); // theta is the layer's variable itself: not ours to dispose
  return r;
}

/**
 * Runs `model` (built from `graph` by buildModel in lif mode) on the images in batches and records
 * the trace of the first `traceImages` images (all when absent). `calibrate`: batch-norm statistics
 * from each batch (an untrained network, like the STCSNN's calibration).
 */
export function runLifNetwork(model: tf.LayersModel, graph: Graph, input: LifRunInput, opts: { batch: number; traceImages?: number; calibrate?: boolean }): LifRun {
  const neuron = lifModelSettings(model);
  const T = neuron.timesteps;
  const eventSteps = model.layers.find((l): l is EventSteps => l instanceof EventSteps);
  if (eventSteps && !input.eventCounts) throw new Error(`${model.name} reads event-camera input: give it events (--events)`);
  const { g, shapes, nodes, weightNodes, spiking, macGeoms, eventGeom, probeName } = traceLayout(model, graph, eventSteps !== undefined);
  const lifs = lifLayers(model);
  // The weight layer whose outputs each Lif layer's neurons are (conv -> [bn] -> relu).
  const groupOf = (lif: Lif): string => {
    let n = nodes.get(lif.name);
    while (n && !isWeightNode(n)) n = nodes.get(n.inputs[0]);
    if (!n) throw new Error(`LIF layer ${lif.name} reads no weight layer`);
    return n.name;
  };
  const probes = [...new Set(spiking.filter((s) => s !== eventGeom).map((s) => probeName(s.encoder)))];
  const probe = tf.model({ inputs: model.inputs, outputs: [model.outputs[0], ...probes.map((p) => model.getLayer(p).output as tf.SymbolicTensor), ...lifs.map((l) => l.output as tf.SymbolicTensor)] });
  const [N, h, w, c] = input.shape;
  const traced = Math.min(N, opts.traceImages ?? N);
  const planeCount = levelBits(neuron.levels);
  const codes = new Map<string, Uint32Array[]>(probes.map((p) => [p, []]));
  const planeParts = new Map<string, Uint32Array[][]>(probes.map((p) => [p, []]));
  const classifier = weightNodes[weightNodes.length - 1];
  const groups = neuronGroups(lifs, groupOf, classifier.name, shapes.get(classifier.name)?.output.reduce((a, b) => a * b, 1) ?? 0);
  let correct = 0;
  for (let s = 0; s < N; s += opts.batch) {
    const n = Math.min(opts.batch, N - s);
    const per = h * w * c;
    const x = tf.tensor4d(input.images.subarray(s * per, (s + n) * per), [n, h, w, c]);
    const outs = probe.apply(x, { training: opts.calibrate === true }) as tf.Tensor[];
    const logits = outs[0];
    if (input.labels) {
      const pred = tf.tidy(() => tf.argMax(logits, 1)).dataSync();
      pred.forEach((p, i) => { if (p === input.labels?.[s + i]) correct++; });
    }
    const keep = Math.max(0, Math.min(n, traced - s));
    probes.forEach((p, i) => {
      const t = outs[1 + i];
      const perN = t.size / (T * n);
      const lv = levelCodes(t.dataSync() as Float32Array, T, n, perN, planeCount);
      codes.get(p)?.push(lv.events.slice(0, keep * perN));
      planeParts.get(p)?.push(lv.planes.map((pl) => pl.slice(0, keep * perN)));
    });
    lifs.forEach((l, i) => {
      const t = outs[1 + probes.length + i];
      const perN = t.size / (T * n);
      groups[groupOf(l)].spikes.push(...spikesPerImage(t.dataSync() as Float32Array, T, n, perN, keep));
    });
    if (keep > 0) groups[classifier.name].spikes.push(...new Array<number>(keep).fill(0));
    tf.dispose([x, ...outs]);
  }
  const layers = spiking.map((geom) => {
    if (geom === eventGeom && input.eventCounts) return eventTraceLayer(geom, input.eventCounts, traced, T);
    const p = probeName(geom.encoder);
    const parts = planeParts.get(p) ?? [];
    return {
      ...geom, codes: concatCodes(codes.get(p) ?? []),
      ...(neuron.levels > 1 ? { levelPlanes: Array.from({ length: planeCount }, (_, b) => concatCodes(parts.map((pl) => pl[b]))) } : {}),
    };
  });
  const params = lifs.map(learnedParams);
  const trace: SpikeTrace = {
    network: `${graph.name}-${neuron.kind}`,
    images: traced,
    timesteps: T,
    schedule: 'const',
    thresholds: new Array<number>(T).fill(params[0]?.threshold ?? neuron.threshold),
    layers,
    macLayers: macGeoms,
    order: weightNodes.map((w) => w.name),
    neuron: {
      kind: neuron.kind, levels: neuron.levels, payloadBits: neuron.levels > 1 ? planeCount : 1, reset: neuron.reset, groups, params,
      ...(eventSteps ? { synapticKernel: [...eventSteps.kernel] } : {}),
    },
  };
  return { trace, accuracy: input.labels ? correct / N : undefined, neuron };
}
