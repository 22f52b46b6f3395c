/**
 * The LIF-family side of a profile run (`--neuron lif|mlif`, issue 15): the LIF network (a trained
 * model given with --lif-model, or the profiled architecture built as a LIF network with seeded
 * weights) runs on the same images; its own spike trace becomes the report's LIF twin, its
 * accuracy and spikes go beside the STCB network's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Graph, LayerNode } from '../model/graph.ts';
import type { ImageSet } from '../run/inputs.ts';
import { lifSettingsFor, type LifSettings, type NeuronKind } from '../neuron/settings.ts';
import { buildModel } from './build.ts';
import { loadModel, modelJsonPath } from './io.ts';
import { lifModelSettings, runLifNetwork, type LifRunInput } from './lif-profile.ts';
import { EventSteps } from './lif-layers.ts';
import { eventStepImages } from '../run/event-input.ts';
import type { SpikeTrace } from '../trace/types.ts';

export interface LifWorkloadOptions {
  neuron: Exclude<NeuronKind, 'stcb'>;
  /** A trained LIF-family model (folder or model.json); absent: seeded weights. */
  lifModel?: string;
  /** LIF settings from the command line (seeded networks; a trained model keeps its own). */
  lif?: Partial<LifSettings>;
  seed: number;
  batch: number;
  traceImages: number;
  /**
   * Event-camera input: the same event files compressed into another number of steps and smoothed
   * with another synaptic kernel (a trained LIF network's own, when they differ from the STCB run's).
   */
  eventsAt?: (timesteps: number, kernel: number[]) => ImageSet;
}

export interface LifWorkload {
  trace: SpikeTrace;
  accuracy?: number;
  /** Neuron model and parameters as the network ran (learned thresholds and leaks per layer). */
  neuron: LifSettings & { params: { layer: string; threshold: number; leak: number; tau?: number }[] };
  origin: string;
  trained: boolean;
  /** Output spike events of the network's LIF neurons per traced image (all layers, all steps). */
  spikesPerImage: number;
}

/** The graph in ANN form (STEB nodes removed, their readers rewired), the form buildModel's lif mode starts from. */
export function withoutStebs(g: Graph): Graph {
  const skip = new Map(g.nodes.filter((n) => n.kind === 'steb').map((n) => [n.name, n.inputs[0]]));
  const nodes: LayerNode[] = g.nodes.filter((n) => !skip.has(n.name)).map((n) => ({ ...n, inputs: n.inputs.map((i) => skip.get(i) ?? i) }) as LayerNode);
  return { ...g, nodes };
}

/** The files of a saved LIF-family model (for its content hash). */
export function lifModelFiles(modelPath: string): string[] {
  const json = modelJsonPath(modelPath);
  return [json, join(dirname(json), 'weights.bin')];
}

function trainJsonOf(modelPath: string): { neuron?: LifSettings; network?: string } {
  const f = join(dirname(modelJsonPath(modelPath)), 'train.json');
  if (!existsSync(f)) return {};
  const j = JSON.parse(readFileSync(f, 'utf8')) as { settings?: { neuron?: LifSettings; network?: string } };
  return j.settings ?? {};
}

/** What the LIF network reads: the images, or for a network on events the events per step at its own T. */
function lifInput(model: tf.LayersModel, images: ImageSet, o: LifWorkloadOptions): LifRunInput {
  const eventModel = model.layers.some((l) => l instanceof EventSteps);
  if (!eventModel) {
    if (images.events) throw new Error(`${model.name} takes images, not event-camera input (train it with --events)`);
    return { images: images.images, shape: images.shape, labels: images.labels };
  }
  if (!images.events) throw new Error(`${model.name} was trained on event-camera input: profile it with --events`);
  const T = lifModelSettings(model).timesteps;
  const kernel = (model.layers.find((l) => l instanceof EventSteps) as EventSteps).kernel;
  const same = (e: NonNullable<ImageSet['events']>): boolean => e.timesteps === T && e.kernel.join(',') === kernel.join(',');
  const at = same(images.events) ? images : o.eventsAt?.(T, kernel);
  if (!at?.events || !same(at.events)) {
    throw new Error(`${model.name} integrates ${T} steps smoothed with [${kernel.join(', ')}], the events were read into ${images.events.timesteps} steps with [${images.events.kernel.join(', ')}]`);
  }
  const steps = eventStepImages(at);
  return { images: steps.images, shape: steps.shape, labels: steps.labels, eventCounts: at.events.counts };
}

export async function lifWorkload(graph: Graph, images: ImageSet, o: LifWorkloadOptions): Promise<LifWorkload> {
  const ann = withoutStebs(graph);
  let model: tf.LayersModel;
  let origin: string;
  let trained: boolean;
  if (o.lifModel) {
    model = await loadModel(o.lifModel);
    const kind = lifModelSettings(model).kind;
    if (kind !== o.neuron) throw new Error(`--lif-model ${o.lifModel} is a ${kind} network, but --neuron ${o.neuron} was asked for`);
    const saved = trainJsonOf(o.lifModel);
    if (saved.network !== undefined && !graph.name.startsWith(saved.network)) {
      throw new Error(`--lif-model ${o.lifModel} is a ${saved.network}, but the profiled network is ${graph.name}`);
    }
    origin = `trained ${kind} model ${o.lifModel}`;
    trained = true;
  } else {
    // On events, a seeded network takes the events' own T and kernel unless --timesteps says otherwise.
    const ev = images.events;
    const neuron = lifSettingsFor(o.neuron, ev ? o.lif?.timesteps ?? ev.timesteps : undefined, o.lif);
    model = buildModel(ann, { mode: 'lif', neuron, seed: o.seed, ...(ev ? { eventKernel: ev.kernel } : {}) });
    origin = `He-normal initialisation, seed ${o.seed}; batch-norm statistics from each batch`;
    trained = false;
  }
  try {
    const run = runLifNetwork(model, ann, lifInput(model, images, o), {
      batch: o.batch, traceImages: o.traceImages, calibrate: !trained,
    });
    const params = run.trace.neuron?.params ?? [];
    const groups = Object.values(run.trace.neuron?.groups ?? {});
    const spikes = groups.reduce((a, g) => a + g.spikes.reduce((x, y) => x + y, 0), 0) / Math.max(1, run.trace.images);
    return { trace: run.trace, accuracy: run.accuracy, neuron: { ...run.neuron, params }, origin, trained, spikesPerImage: spikes };
  } finally {
    model.dispose();
  }
}
