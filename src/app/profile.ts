/**
 * The profile flow as one function: model (or SCALE-Sim topology) + images -> counts and spike trace ->
 * paper-mode energy -> hardware replay at every node -> the report folder. Returns data; printing is
 * the CLI's job (src/cli/profile.ts).
 */
import { resolve } from 'node:path';
import { paperEnergy, paperPreset } from '../energy/paper.ts';
import { isModelPath } from '../model/load.ts';
import { importScaleSimTopology, DEFAULT_SCALESIM_FIRING_RATE } from '../trace/scalesim.ts';
import { traceCounts } from '../counts/trace-counts.ts';
import type { NetworkCounts } from '../counts/types.ts';
import { BACKENDS, initBackend, type BackendChoice } from '../run/backend.ts';
import type { ProfileFlags, RerunFlags, RerunSpec } from '../run/profile-settings.ts';
import type { ImageSet } from '../run/inputs.ts';
import type { Graph } from '../model/graph.ts';
import { lifWorkload, type LifWorkload } from '../train/lif-workload.ts';
import { COMPARE_FILE, compareRows, writeCompare } from '../reports/neuron-compare.ts';
import type { EventCurrents } from '../run/inputs.ts';
import { weightStorage } from '../hw/storage.ts';
import { profileNetwork } from '../run/profile.ts';
import { loadImages, prepareRun } from '../run/setup.ts';
import type { QuantSpec } from '../stcb/quantize.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import { profileSummary, writeProfileReport, writeSummary, type ProfileContext, type ProfileSummary } from '../reports/profile-report.ts';
import { loadAccelerator } from '../arch/accelerator.ts';
import { loadTech, type Tech } from '../arch/tech.ts';
import { defaultReportDir } from '../util/paths.ts';
import { beginOutput, type OutputTransaction } from '../util/output-dir.ts';
import { resetWarnings, takeWarnings } from '../util/warnings.ts';
import { simulate, type SimResult } from '../energy/price.ts';
import { paperToHardwareGap, type GapStep } from '../energy/gap.ts';
import { gapRows, HW_FILES, writeHardwareReport } from '../reports/hw-report.ts';
import type { SpikeTrace } from '../trace/types.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { Accelerator } from '../arch/accelerator.ts';
import { hashFiles, inputHashes, sha256File, displayPath, weightHashes, type HashGroup, type InputSource, type RunHashes } from '../util/hashes.ts';
import { RUN_REPORT_FILES, writeRunReport, type RunReportResult } from '../reports/run-report.ts';
import { traceNeuroBench, type NeuroBenchMetrics } from '../counts/neurobench.ts';
import { NEUROBENCH_FILE, neurobenchHeadline, writeNeurobench } from '../reports/neurobench-report.ts';
import { startChartRenderer, type ChartRenderer } from '../reports/charts/renderer.ts';

const STEB_FLAGS = ['timesteps', 'vth0', 'tau', 'schedule'] as const;

function rerunSpec(modelSpec: string, flags: ProfileFlags, backend: string, explicit: (name: string) => boolean): RerunSpec {
  const { out: _out, json: _json, progress: _progress, charts: _charts, check: _check, force: _force, ...rest } = flags;
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
  /** NeuroBench-compatible metrics (counts/neurobench.ts). */
  neurobench: NeuroBenchMetrics;
  /** Counts of the images replayed on hardware (equal to counts when all were). */
  tracedCounts?: NetworkCounts;
  trace?: SpikeTrace;
  weightHashes: HashGroup;
  inputHashes: HashGroup;
  /** The network's graph and images (network workloads), for a LIF-family run on the same images. */
  graph?: Graph;
  imageSet?: ImageSet;
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
    network: model.graph.name, counts: run.counts, neurobench: run.neurobench, tracedCounts: run.tracedCounts, trace: run.trace, settings,
    images: total, inputOrigin: images.origin, weightsOrigin: model.weights.origin, weightsTrained: model.weights.trained,
    accuracy: run.accuracy, elapsedMs: run.elapsedMs,
    weightHashes: flags.weights !== undefined ? hashFiles([flags.weights])
      : weightHashes(model.source === 'file' ? { kind: 'file', modelJson: modelSpec } : { kind: 'init', seed: flags.seed, network: model.graph.name }),
    inputHashes: inputHashes(inputSource(flags, images)),
    graph: model.graph, imageSet: images,
    ...(images.events ? { events: eventSummary(images.events) } : {}),
  };
}

function eventSummary(e: EventCurrents): NonNullable<ProfileSummary['events']> {
  return { timesteps: e.timesteps, windowUs: e.windowUs, frameUs: e.frameUs, compressionRatio: e.compressionRatio, kernel: e.kernel, cabCoefficients: e.coefficients, dropped: e.dropped };
}

/** A SCALE-Sim topology: its layers with seeded synthetic spikes at the given firing rate(s). */
function scaleSimWorkload(file: string, flags: ProfileFlags, weightBits: number): Workload {
  const t0 = performance.now();
  const settings: StcbSettings = { timesteps: flags.timesteps, vth0: flags.vth0, tau: flags.tau, schedule: flags.schedule };
  const rate = flags.firingRate ?? [DEFAULT_SCALESIM_FIRING_RATE];
  const { trace, description } = importScaleSimTopology(file, {
    ...settings, seed: flags.seed, images: flags.images ?? 1, firstLayerMac: flags.spikingFirstLayer !== true, fcRows: flags.fcRows,
    firingRate: rate.length === 1 ? rate[0] : rate,
  });
  const counts = traceCounts(trace);
  return {
    network: description.network, counts, neurobench: traceNeuroBench(trace, counts, weightBits), tracedCounts: counts, trace: flags.hardware ? trace : undefined, settings,
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
  resetWarnings();
  const accel = loadAccelerator(flags.accelerator);
  const quantization = flags.quantize === false || flags.scalesim ? undefined : { weightBits: accel.weightBits, activationBits: accel.activationBits };
  // Every --node is resolved before the run: a bad node is refused before any work or any write.
  const techs = flags.hardware ? flags.node.map((node) => loadTech(node, { voltageV: flags.voltage })) : [];
  // With --out, the folder is checked and locked before the work: a second run into it is refused at once.
  const early = flags.out !== undefined ? beginOutput(flags.out, { force: flags.force, command: 'profile' }) : undefined;
  try {
    return await profileInto(early, modelSpec, flags, explicit, hooks, { accel, quantization, techs });
  } catch (e) {
    early?.abort();
    throw e;
  }
}

async function profileInto(
  early: OutputTransaction | undefined, modelSpec: string, flags: ProfileFlags, explicit: (name: string) => boolean, hooks: ProfileHooks,
  pre: { accel: Accelerator; quantization: QuantSpec | undefined; techs: Tech[] },
): Promise<ProfileOutcome> {
  const { accel, quantization, techs } = pre;
  const backend = flags.scalesim ? 'none' : await initBackend(flags.backend);
  const preset = paperPreset(flags.energyPreset);
  // Charts render in a worker thread that loads vega and resvg while the network runs (issue 10).
  const renderer = flags.charts !== false ? startChartRenderer() : undefined;
  let work: Workload;
  try {
    work = flags.scalesim ? scaleSimWorkload(flags.scalesim, flags, accel.weightBits) : networkWorkload(modelSpec, flags, explicit, hooks, quantization);
  } catch (e) {
    await renderer?.close();
    throw e;
  }
  const { settings, counts } = work;
  const total = work.images;

  const energy = paperEnergy(counts, preset);
  const summary = profileSummary({
    network: work.network, model: flags.scalesim ?? modelSpec, settings, spikingClassifier: flags.spikingClassifier, backend,
    seed: flags.seed, images: total, batch: flags.batch, inputOrigin: work.inputOrigin,
    weightsOrigin: work.weightsOrigin, weightsTrained: work.weightsTrained, weightsWarning: work.weightsWarning,
    assumptions: work.assumptions, accuracy: work.accuracy, elapsedMs: work.elapsedMs, quantization,
  }, counts, energy);
  // The default folder is built from a sanitised network name: a model's config.name cannot leave reports/.
  const outDir = flags.out ?? defaultReportDir(work.network);
  summary.neurobench = neurobenchHeadline(work.neurobench);
  summary.files.push(NEUROBENCH_FILE);
  // The gap compares paper mode and the replay on the same images.
  const tracedEnergy = work.tracedCounts && work.tracedCounts !== counts ? paperEnergy(work.tracedCounts, preset) : energy;
  const lif = flags.neuron === 'lif' || flags.neuron === 'mlif' ? await lifSide(work, flags, explicit) : undefined;
  if (lif) {
    summary.lif = lifSummary(lif);
    summary.settings.neuron = lif.neuron;
  }
  const hardware = work.trace ? replayOnHardware(work.trace, tracedEnergy, accel, techs, lif?.trace) : null;
  if (work.events) summary.events = work.events;
  if (work.trace) {
    const { layers, ...total } = weightStorage([...work.trace.macLayers, ...work.trace.layers], accel);
    summary.weightStorage = { ...total, layers: layers.map(({ weights: _w, ...r }) => r) };
  }
  // All files go to a staging folder swapped into place at the end (util/output-dir.ts): a killed or
  // failed run leaves the previous report whole, and two runs cannot share the folder.
  const tx = early ?? beginOutput(outDir, { force: flags.force, command: 'profile' });
  let report: RunReportResult;
  try {
    report = await writeAll(tx.dir, summary, counts, energy, hardware, { work, modelSpec, flags, backend, explicit, lif, renderer });
  } catch (e) {
    tx.abort();
    throw e;
  }
  tx.commit();
  return { counts, energy, summary, outDir, report };
}

interface RunFacts { work: Workload; modelSpec: string; flags: ProfileFlags; backend: string; explicit: (name: string) => boolean; lif: LifWorkload | undefined; renderer: ChartRenderer | undefined }

/** Writes every report file of a run into `outDir` (the staging folder). */
async function writeAll(
  outDir: string, summary: ProfileSummary, counts: NetworkCounts, energy: PaperEnergy,
  hardware: { accel: Accelerator; results: SimResult[]; gaps: GapStep[][] } | null, f: RunFacts,
): Promise<RunReportResult> {
  const { work, modelSpec, flags, backend, explicit, lif } = f;
  writeProfileReport(outDir, summary, counts, energy);
  writeNeurobench(outDir, work.neurobench, work.network);
  if (hardware) {
    summary.hardware = writeHardwareReport(outDir, hardware.results, hardware.gaps);
    summary.hardwareImages = work.trace?.images;
    summary.gap = gapRows(hardware.results, hardware.gaps);
    summary.files.push(...HW_FILES);
    if (lif) {
      writeCompare(outDir, compareRows(hardware.results, { stcb: work.accuracy, lif: lif.accuracy }));
      summary.files.push(COMPARE_FILE);
    }
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
  const warnings = takeWarnings();
  if (warnings.length > 0) summary.warnings = warnings;
  const charts = flags.charts !== false;
  summary.files.push(...RUN_REPORT_FILES.filter((f) => charts || f !== 'charts/'));
  writeSummary(outDir, summary);
  return writeRunReport(outDir, { summary, counts, energy, ...(hardware ? { hardware } : {}) }, { charts, ...(f.renderer ? { renderer: f.renderer } : {}) });
}

/** Replays the recorded trace on the accelerator at every requested node (technologies resolved up front). */
function replayOnHardware(trace: SpikeTrace, energy: PaperEnergy, accel: Accelerator, techs: Tech[], lifTrace?: SpikeTrace): { accel: Accelerator; results: SimResult[]; gaps: GapStep[][] } {
  const results = techs.map((tech) => simulate(trace, accel, tech, lifTrace ? { lifTrace } : {}));
  return { accel, results, gaps: results.map((r) => paperToHardwareGap(energy, r)) };
}

/** `--neuron lif|mlif`: the LIF-family network on the profiled images (the STCB run's images and traced count). */
async function lifSide(work: Workload, flags: ProfileFlags, explicit: (name: string) => boolean): Promise<LifWorkload> {
  if (!work.graph || !work.imageSet) throw new Error('--neuron lif/mlif needs a network (not a SCALE-Sim topology)');
  const lif = { ...(flags.lif ?? {}), ...(explicit('timesteps') ? { timesteps: flags.timesteps } : {}) };
  return lifWorkload(work.graph, work.imageSet, {
    neuron: flags.neuron as 'lif' | 'mlif', lifModel: flags.lifModel, lif, seed: flags.seed, batch: flags.batch,
    traceImages: flags.hardware ? flags.hwImages : 0,
    // Events: a trained LIF network has its own T and synaptic kernel; the same files are read again for it.
    ...(work.imageSet.events ? { eventsAt: (T: number, kernel: number[]) => loadImages({ ...flags, synapticKernel: kernel }, [], T, work.imageSet?.shape.slice(1)) } : {}),
  });
}

function lifSummary(l: LifWorkload): NonNullable<ProfileSummary['lif']> {
  const g = l.trace.neuron?.groups ?? {};
  return {
    neuron: l.neuron, weights: { origin: l.origin, trained: l.trained }, accuracy: l.accuracy, tracedImages: l.trace.images,
    spikesPerImage: l.spikesPerImage,
    layers: Object.entries(g).map(([layer, grp]) => {
      const spikesPerImage = grp.spikes.reduce((a, b) => a + b, 0) / Math.max(1, grp.spikes.length);
      return {
        layer, neurons: grp.neurons, fires: grp.fires, spikesPerImage,
        firingRate: grp.neurons > 0 ? spikesPerImage / (grp.neurons * l.trace.timesteps) : 0,
      };
    }),
  };
}
