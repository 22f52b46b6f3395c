/**
 * The profile flow as one function: model (or SCALE-Sim topology) + images -> counts and spike trace ->
 * paper-mode energy -> hardware replay at every node -> the report folder. Returns data; printing is
 * the CLI's job (src/cli/profile.ts).
 */
import { join, resolve } from 'node:path';
import { paperEnergy, paperPreset } from '../energy/paper.ts';
import { isModelPath } from '../model/load.ts';
import { importScaleSimTopology, DEFAULT_SCALESIM_FIRING_RATE } from '../trace/scalesim.ts';
import { traceCounts } from '../counts/trace-counts.ts';
import type { NetworkCounts } from '../counts/types.ts';
import { BACKENDS, initBackend, type BackendChoice } from '../run/backend.ts';
import type { ProfileFlags, RerunFlags, RerunSpec } from '../run/profile-settings.ts';
import type { EventCurrents, ImageSet } from '../run/inputs.ts';
import { weightStorage } from '../hw/storage.ts';
import { profileNetwork } from '../run/profile.ts';
import { prepareRun } from '../run/setup.ts';
import type { QuantSpec } from '../stcb/quantize.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import { profileSummary, writeProfileReport, writeSummary, type ProfileContext, type ProfileSummary } from '../reports/profile-report.ts';
import { loadAccelerator } from '../arch/accelerator.ts';
import { loadTech } from '../arch/tech.ts';
import { simulate, type SimResult } from '../energy/price.ts';
import { paperToHardwareGap, type GapStep } from '../energy/gap.ts';
import { gapRows, HW_FILES, writeHardwareReport } from '../reports/hw-report.ts';
import type { SpikeTrace } from '../trace/types.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { Accelerator } from '../arch/accelerator.ts';
import { hashFiles, inputHashes, sha256File, displayPath, weightHashes, type HashGroup, type InputSource, type RunHashes } from '../util/hashes.ts';
import { RUN_REPORT_FILES, writeRunReport, type RunReportResult } from '../reports/run-report.ts';

const STEB_FLAGS = ['timesteps', 'vth0', 'tau', 'schedule'] as const;

function rerunSpec(modelSpec: string, flags: ProfileFlags, backend: string, explicit: (name: string) => boolean): RerunSpec {
  const { out: _out, json: _json, progress: _progress, charts: _charts, check: _check, ...rest } = flags;
  const isPath = (s: string): boolean => s.endsWith('.json') || s.includes('/');
  const chosen = (BACKENDS as readonly string[]).includes(backend) ? (backend as BackendChoice) : flags.backend;
  const f: RerunFlags = {
    ...rest,
    backend: chosen,
    accelerator: isPath(flags.accelerator) ? resolve(flags.accelerator) : flags.accelerator,
    ...(flags.input !== undefined ? { input: resolve(flags.input) } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: resolve(flags.dataDir) } : {}),
    ...(flags.scalesim !== undefined ? { scalesim: resolve(flags.scalesim) } : {}),
    ...(flags.weights !== undefined ? { weights: resolve(flags.weights) } : {}),
    ...(flags.events !== undefined ? { events: resolve(flags.events) } : {}),
  };
  return { model: isModelPath(modelSpec) ? resolve(modelSpec) : modelSpec, flags: f, explicit: STEB_FLAGS.filter((k) => explicit(k)) };
}

/** What the images were, for their fingerprint. */
function inputSource(flags: ProfileFlags, images: ImageSet): InputSource {
  if (flags.input) return { kind: 'file', path: flags.input };
  if (flags.events) return { kind: 'dataset', name: `events ${flags.events}`, images: images.images, labels: images.labels, shape: images.shape };
  if (flags.dataset) return { kind: 'dataset', name: flags.dataset, images: images.images, labels: images.labels, shape: images.shape };
  return { kind: 'synthetic', seed: flags.seed, shape: images.shape };
}

export interface ProfileOutcome {
  counts: NetworkCounts;
  /** Paper-mode energy of every profiled image (per-image means). */
  energy: PaperEnergy;
  summary: ProfileSummary;
  outDir: string;
  /** Files written by writeRunReport, with phase timings. */
  report: RunReportResult;
}

/** What was profiled: a network run on images, or an imported workload with synthetic spikes. */
/** What the run produced, in the report's own terms plus what the replay and the hashes need. */
interface Workload extends Pick<ProfileContext, 'network' | 'settings' | 'images' | 'inputOrigin' | 'weightsOrigin' | 'weightsTrained' | 'weightsWarning' | 'assumptions' | 'accuracy' | 'elapsedMs'> {
  counts: NetworkCounts;
  /** Counts of the images replayed on hardware (equal to counts when all were). */
  tracedCounts?: NetworkCounts;
  trace?: SpikeTrace;
  weightHashes: HashGroup;
  inputHashes: HashGroup;
  events?: ProfileSummary['events'];
}

/** A zoo network or tfjs model run on images. */
function networkWorkload(modelSpec: string, flags: ProfileFlags, explicit: (name: string) => boolean, hooks: ProfileHooks, quantization: QuantSpec | undefined): Workload {
  const { model, images } = prepareRun(modelSpec, flags, flags.timesteps);
  // A trained STCSNN carries its own STEB settings; flags given on the command line override them.
  const stored = model.settings;
  const pick = <K extends keyof StcbSettings>(k: K): StcbSettings[K] => (stored && !explicit(k) ? stored[k] : flags[k]);
  // Event input: T is the number of steps the events were compressed into.
  const settings: StcbSettings = { timesteps: images.events?.timesteps ?? pick('timesteps'), vth0: pick('vth0'), tau: pick('tau'), schedule: pick('schedule') };
  const total = images.shape[0];
  const run = profileNetwork(model.graph, model.weights, images, {
    settings, batch: flags.batch, traceImages: flags.hardware ? flags.hwImages : 0, spikingClassifier: flags.spikingClassifier, quantization, binaryLayers: flags.binaryLayers,
    onBatch: (done) => hooks.onImages?.(done, total),
  });
  return {
    network: model.graph.name, counts: run.counts, tracedCounts: run.tracedCounts, trace: run.trace, settings,
    images: total, inputOrigin: images.origin, weightsOrigin: model.weights.origin, weightsTrained: model.weights.trained,
    accuracy: run.accuracy, elapsedMs: run.elapsedMs,
    weightHashes: flags.weights !== undefined ? hashFiles([flags.weights])
      : weightHashes(model.source === 'file' ? { kind: 'file', modelJson: modelSpec } : { kind: 'init', seed: flags.seed, network: model.graph.name }),
    inputHashes: inputHashes(inputSource(flags, images)),
    ...(images.events ? { events: eventSummary(images.events) } : {}),
  };
}

function eventSummary(e: EventCurrents): NonNullable<ProfileSummary['events']> {
  return { timesteps: e.timesteps, windowUs: e.windowUs, frameUs: e.frameUs, compressionRatio: e.compressionRatio, kernel: e.kernel, cabCoefficients: e.coefficients, dropped: e.dropped };
}

/** A SCALE-Sim topology: its layers with seeded synthetic spikes at the given firing rate(s). */
function scaleSimWorkload(file: string, flags: ProfileFlags): Workload {
  const t0 = performance.now();
  const settings: StcbSettings = { timesteps: flags.timesteps, vth0: flags.vth0, tau: flags.tau, schedule: flags.schedule };
  const rate = flags.firingRate ?? [DEFAULT_SCALESIM_FIRING_RATE];
  const { trace, description } = importScaleSimTopology(file, {
    ...settings, seed: flags.seed, images: flags.images ?? 1, firstLayerMac: flags.spikingFirstLayer !== true,
    firingRate: rate.length === 1 ? rate[0] : rate,
  });
  const counts = traceCounts(trace);
  return {
    network: description.network, counts, tracedCounts: counts, trace: flags.hardware ? trace : undefined, settings,
    images: trace.images, inputOrigin: `synthetic spikes at firing rate ${rate.join(', ')} per neuron and step, seed ${flags.seed}`,
    weightsOrigin: `SCALE-Sim topology ${file} (no weights: counts and energy only)`, weightsTrained: false,
    weightsWarning: 'SCALE-Sim topology: the spikes are synthetic (seeded Bernoulli at the given firing rate), not the activity of a trained network.',
    assumptions: description.assumptions, elapsedMs: performance.now() - t0,
    weightHashes: {}, inputHashes: { [displayPath(file)]: sha256File(file) },
  };
}

/** The whole profile flow; the CLI action, `profile --check` and tests call this. */
/** Progress callbacks of a profile run (the CLI draws a bar with them). */
export interface ProfileHooks {
  /** Images run so far, of `total`; called after every forward batch. */
  onImages?: (done: number, total: number) => void;
}

export async function profile(modelSpec: string, flags: ProfileFlags, explicit: (name: string) => boolean, hooks: ProfileHooks = {}): Promise<ProfileOutcome> {
  // The accelerator file is read first: a bad file fails before any work, and its word widths
  // quantise the network run (DESIGN.md 5.1) unless --no-quantize.
  const accel = loadAccelerator(flags.accelerator);
  const quantization = flags.quantize === false || flags.scalesim ? undefined : { weightBits: accel.weightBits, activationBits: accel.activationBits };
  const backend = flags.scalesim ? 'none' : await initBackend(flags.backend);
  const preset = paperPreset(flags.energyPreset);
  const work = flags.scalesim ? scaleSimWorkload(flags.scalesim, flags) : networkWorkload(modelSpec, flags, explicit, hooks, quantization);
  const { settings, counts } = work;
  const total = work.images;

  const energy = paperEnergy(counts, preset);
  const summary = profileSummary({
    network: work.network, model: flags.scalesim ?? modelSpec, settings, spikingClassifier: flags.spikingClassifier, backend,
    seed: flags.seed, images: total, batch: flags.batch, inputOrigin: work.inputOrigin,
    weightsOrigin: work.weightsOrigin, weightsTrained: work.weightsTrained, weightsWarning: work.weightsWarning,
    assumptions: work.assumptions, accuracy: work.accuracy, elapsedMs: work.elapsedMs, quantization,
  }, counts, energy);
  const outDir = flags.out ?? join('reports', work.network);
  writeProfileReport(outDir, summary, counts, energy);
  // The gap compares paper mode and the replay on the same images.
  const tracedEnergy = work.tracedCounts && work.tracedCounts !== counts ? paperEnergy(work.tracedCounts, preset) : energy;
  const hardware = work.trace ? replayOnHardware(work.trace, tracedEnergy, accel, flags) : null;
  if (work.events) summary.events = work.events;
  if (work.trace) {
    const { layers, ...total } = weightStorage([...work.trace.macLayers, ...work.trace.layers], accel);
    summary.weightStorage = { ...total, layers: layers.map(({ weights: _w, ...r }) => r) };
  }
  if (hardware) {
    summary.hardware = writeHardwareReport(outDir, hardware.results, hardware.gaps);
    summary.hardwareImages = work.trace?.images;
    summary.gap = gapRows(hardware.results, hardware.gaps);
    summary.files.push(...HW_FILES);
  }
  const hashes: RunHashes = {
    algorithm: 'sha256',
    accelerator: hardware ? hashFiles([hardware.accel.file]) : {},
    tech: hardware ? hashFiles(hardware.results.flatMap((r) => r.tech.files)) : {},
    weights: work.weightHashes,
    inputs: work.inputHashes,
  };
  summary.hashes = hashes;
  summary.rerun = rerunSpec(modelSpec, flags, backend, explicit);
  const charts = flags.charts !== false;
  summary.files.push(...RUN_REPORT_FILES.filter((f) => charts || f !== 'charts/'));
  writeSummary(outDir, summary);
  const report = await writeRunReport(outDir, { summary, counts, energy, ...(hardware ? { hardware } : {}) }, { charts });

  return { counts, energy, summary, outDir, report };
}

/** Replays the recorded trace on the accelerator at every requested node. */
function replayOnHardware(trace: SpikeTrace, energy: PaperEnergy, accel: Accelerator, flags: ProfileFlags): { accel: Accelerator; results: SimResult[]; gaps: GapStep[][] } {
  const results = flags.node.map((node) => simulate(trace, accel, loadTech(node, { voltageV: flags.voltage })));
  return { accel, results, gaps: results.map((r) => paperToHardwareGap(energy, r)) };
}
