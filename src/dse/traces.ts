/**
 * The spike trace and network facts of one network setting, recorded once into a content-addressed
 * folder (<key>.trace + <key>.json) and reused by every point, run and process that names the same
 * key. Recording is deterministic (seeded weights and images, fixed batch order), so two processes
 * that record the same key concurrently write the same bytes; each file is written to a temporary
 * name and renamed into place, so a reader never sees half a file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { paperEnergy, type PaperPreset } from '../energy/paper.ts';
import { profileNetwork } from '../run/profile.ts';
import { prepareRun, type InputFlags } from '../run/setup.ts';
import { saveTrace, traceFile } from '../trace/store.ts';
import { lifWorkload } from '../train/lif-workload.ts';
import { inputFingerprint } from '../run/event-input.ts';
import type { NetworkFacts } from './evaluate.ts';
import type { NetworkSetting } from './point.ts';
import { findTrace, type RecordedTrace } from './trace-lookup.ts';
import { writeFileAtomic } from '../util/output-dir.ts';

/** What recording a trace needs besides the network setting (plain JSON: it travels in queue jobs). */
export interface TraceRecipe {
  model: string;
  inputs: InputFlags;
  batch: number;
  spikingClassifier: boolean;
  preset: PaperPreset;
}

/** Records (or reuses) the trace and facts of the network setting `key` in `dir` (needs the tfjs backend initialised). */
export function ensureTrace(recipe: TraceRecipe, key: string, network: NetworkSetting, dir: string): RecordedTrace {
  const known = findTrace(key, dir);
  if (known) return known;
  const file = traceFile(dir, key);
  const factsFile = join(dir, `${key}.json`);
  // Fresh weights per setting: untrained zoo weights calibrate batch norm on the run itself.
  // Event input is compressed into this setting's T (a `timesteps` sweep re-bins the same events).
  const { model, images } = prepareRun(recipe.model, recipe.inputs, network.settings.timesteps);
  // A worker on another machine reads its own copy of the images: refuse a copy that differs from
  // the one the sweep was planned with, rather than record a trace under the wrong key.
  const inputHash = inputFingerprint(images);
  if (inputHash !== network.inputHash) {
    throw new Error(`the images ${images.origin} differ from the ones the sweep was planned with (hash ${inputHash.slice(0, 12)}, expected ${network.inputHash.slice(0, 12)})`);
  }
  const run = profileNetwork(model.graph, model.weights, images, {
    settings: network.settings, batch: recipe.batch, traceImages: images.shape[0], spikingClassifier: recipe.spikingClassifier,
    ...(network.quantization ? { quantization: network.quantization } : {}),
    ...(network.binaryLayers ? { binaryLayers: network.binaryLayers } : {}),
  });
  if (!run.trace) throw new Error('no spike trace was recorded');
  const energy = paperEnergy(run.counts, recipe.preset);
  const spikingNeuronSteps = run.counts.layers.reduce((a, l) => a + (l.encoderCompares > 0 ? l.neuronsIn * l.timesteps : 0), 0);
  const facts: NetworkFacts = {
    accuracy: run.accuracy ?? null,
    paperSnnPJ: energy.totals.snnPJ,
    paperAnnPJ: energy.totals.annPJ,
    firingRate: spikingNeuronSteps > 0 ? run.counts.totals.encoderSubtracts / spikingNeuronSteps : 0,
    spikesPerImage: run.counts.totals.spikes,
    acsPerImage: run.counts.totals.acExact,
  };
  saveTrace(dir, key, run.trace);
  // Facts last: a trace without its facts file is recorded again.
  writeFileAtomic(factsFile, JSON.stringify(facts, null, 2) + '\n');
  return { file, facts };
}

/** Records (or reuses) the LIF-family network's trace of the network setting `key` (--neuron lif|mlif). */
export async function ensureLifTrace(recipe: TraceRecipe, key: string, network: NetworkSetting, dir: string): Promise<string> {
  const n = network.neuron;
  if (!n) throw new Error(`network setting ${key} has no LIF-family neuron`);
  const lifKey = `${key}.${n.kind}`;
  const file = traceFile(dir, lifKey);
  if (existsSync(file)) return file;
  const { model, images } = prepareRun(recipe.model, recipe.inputs, network.settings.timesteps);
  const lif = await lifWorkload(model.graph, images, {
    neuron: n.kind, lifModel: n.lifModel, lif: { ...n.lif, timesteps: n.lif.timesteps ?? network.settings.timesteps },
    seed: recipe.inputs.seed, batch: recipe.batch, traceImages: images.shape[0],
    // Event input: a trained LIF network has its own T and synaptic kernel; the same files are read again for it.
    ...(images.events ? { eventsAt: (T: number, kernel: number[]) => prepareRun(recipe.model, { ...recipe.inputs, synapticKernel: kernel }, T).images } : {}),
  });
  saveTrace(dir, lifKey, lif.trace);
  return file;
}
