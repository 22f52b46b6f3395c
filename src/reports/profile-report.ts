/**
 * The profile report folder: fixed-name files (SCALE-Sim style) that open in any spreadsheet.
 *   layers.csv   one row per weight layer, one column per counter (units in the header)
 *   steps.csv    one row per spiking layer and time step
 *   table.md     the per-layer table in Markdown with the run's settings
 *   summary.json totals, settings, backend, tool version, seed, weight provenance
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LifSettings } from '../neuron/settings.ts';
import type { NetworkCounts } from '../counts/types.ts';
import type { PaperEnergy } from '../energy/paper.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import { thresholds } from '../stcb/schedule.ts';
import { TOOL_VERSION, toolCommit } from '../util/version.ts';
import { toMarkdownTable } from './markdown.ts';
import { LAYER_COLUMNS, STEP_COLUMNS, TERMINAL_KEYS, stepRows, type LayerRow } from './profile-columns.ts';
import { toCsv, toTerminalTable } from './table.ts';
import type { HwSummary } from './hw-tables.ts';
import type { GapRow } from './hw-columns.ts';
import type { RunHashes } from '../util/hashes.ts';
import type { RerunSpec } from '../run/profile-settings.ts';
import type { QuantSpec } from '../stcb/quantize.ts';
import type { NeuroBenchHeadline } from './neurobench-report.ts';

export const PROFILE_FILES = ['layers.csv', 'steps.csv', 'table.md', 'summary.json'] as const;

export interface ProfileContext {
  network: string;
  /** Model source: zoo name or model path. */
  model: string;
  settings: StcbSettings;
  spikingClassifier: boolean;
  backend: string;
  seed: number;
  images: number;
  batch: number;
  inputOrigin: string;
  weightsOrigin: string;
  weightsTrained: boolean;
  /** Overrides the default warning for untrained weights. */
  weightsWarning?: string;
  /** Modelling assumptions of the workload (e.g. an imported SCALE-Sim topology). */
  assumptions?: string[];
  accuracy?: number;
  elapsedMs: number;
  /** Word widths the network ran at (the accelerator file's precision); undefined: float32. */
  quantization?: QuantSpec;
}

export interface ProfileSummary {
  tool: { name: 'stcsim'; version: string; commit: string | null };
  createdAt: string;
  network: string;
  model: string;
  /** STEB settings of the STCB network; `neuron`: the LIF-family network's model and parameters (--neuron lif|mlif). */
  settings: StcbSettings & { thresholds: number[]; spikingClassifier: boolean; neuron?: LifSettings & { params: { layer: string; threshold: number; leak: number; tau?: number }[] } };
  backend: string;
  seed: number;
  images: number;
  batch: number;
  input: string;
  weights: { origin: string; trained: boolean; warning?: string };
  assumptions?: string[];
  accuracy?: number;
  /** How the network was quantised in the run that produced spikes and accuracy; null: float32. */
  quantization: { weightBits: number | null; activationBits: number | null; weights: string; activations: string } | null;
  totals: NetworkCounts['totals'] & { firingRate: number };
  paperEnergy: {
    preset: PaperEnergy['preset'];
    snnPJ: number;
    snnExactPJ: number;
    annPJ: number;
    annOverSnn: number;
    annOverSnnExact: number;
    acFormula: number;
    acExact: number;
    /** (formula - exact) / exact: how far the literature formula is from the exact AC count. */
    acFormulaError: number;
  };
  elapsedMs: number;
  files: string[];
  /** Hardware mode, one entry per node (absent with --no-hardware). */
  hardware?: HwSummary[];
  /** Images replayed on the hardware model (the first ones profiled). */
  hardwareImages?: number;
  /** Paper mode -> hardware mode, step by step, per node. */
  gap?: GapRow[];
  /** Content hashes of the files and generated data the run read (`profile --check` compares them). */
  hashes?: RunHashes;
  /** Suspicious but legal input met during the run, one line each (also printed when raised); absent when none. */
  warnings?: string[];
  /** Everything `profile --check` needs to repeat the run. */
  rerun?: RerunSpec;
  /**
   * `--neuron lif|mlif`: the LIF-family network run on the same images (its trace is the hardware
   * section's LIF twin): neuron model and parameters, weights, accuracy, output spikes of its neurons.
   */
  lif?: {
    neuron: LifSettings & { params: { layer: string; threshold: number; leak: number; tau?: number }[] };
    weights: { origin: string; trained: boolean };
    accuracy?: number;
    tracedImages: number;
    spikesPerImage: number;
    layers: { layer: string; neurons: number; fires: boolean; spikesPerImage: number; firingRate: number }[];
  };
  /** NeuroBench-compatible metrics (details and definitions in neurobench.json). */
  neurobench?: NeuroBenchHeadline;
  /** Weight storage on the accelerator (binary layers at 1 bit + alpha per channel) against all at full width. */
  weightStorage?: { bits: number; fullPrecisionBits: number; saving: number; binaryLayers: string[]; layers: { layer: string; weightBits: number; bits: number; fullPrecisionBits: number }[] };
  /** Event-camera input: how the events were compressed into time steps. */
  events?: { timesteps: number; windowUs: number; frameUs: number; compressionRatio: number; kernel: number[]; cabCoefficients: number[]; dropped: number };
}

export const UNTRAINED_WARNING =
  'Weights are untrained (He-normal initialisation, batch norm calibrated on the input): spike counts are not those of a trained network.';

export function layerRows(counts: NetworkCounts, energy: PaperEnergy): LayerRow[] {
  return counts.layers.map((c, i) => ({ counts: c, energy: energy.layers[i], images: counts.images }));
}

export function profileSummary(ctx: ProfileContext, counts: NetworkCounts, energy: PaperEnergy): ProfileSummary {
  const spikingNeuronSteps = counts.layers.reduce((a, l) => a + (l.encoderCompares > 0 ? l.neuronsIn * l.timesteps : 0), 0);
  const t = energy.totals;
  return {
    tool: { name: 'stcsim', version: TOOL_VERSION, commit: toolCommit() },
    createdAt: new Date().toISOString(),
    network: ctx.network,
    model: ctx.model,
    settings: { ...ctx.settings, thresholds: [...thresholds(ctx.settings)], spikingClassifier: ctx.spikingClassifier },
    backend: ctx.backend,
    seed: ctx.seed,
    images: ctx.images,
    batch: ctx.batch,
    input: ctx.inputOrigin,
    weights: { origin: ctx.weightsOrigin, trained: ctx.weightsTrained, warning: ctx.weightsTrained ? undefined : ctx.weightsWarning ?? UNTRAINED_WARNING },
    assumptions: ctx.assumptions,
    accuracy: ctx.accuracy,
    quantization: ctx.quantization === undefined ? null : {
      weightBits: ctx.quantization.weightBits ?? null,
      activationBits: ctx.quantization.activationBits ?? null,
      weights: 'symmetric, one scale per output channel (1 bit: sign x mean magnitude); biases and batch norm in full precision',
      activations: 'encoder inputs, unsigned, uniform over [0, sum_t V(t)]',
    },
    totals: { ...counts.totals, firingRate: spikingNeuronSteps > 0 ? counts.totals.encoderSubtracts / spikingNeuronSteps : 0 },
    paperEnergy: {
      preset: energy.preset,
      snnPJ: t.snnPJ, snnExactPJ: t.snnExactPJ, annPJ: t.annPJ, annOverSnn: t.annOverSnn, annOverSnnExact: t.annOverSnnExact,
      acFormula: t.acFormula, acExact: t.acExact,
      acFormulaError: t.acExact > 0 ? (t.acFormula - t.acExact) / t.acExact : 0,
    },
    elapsedMs: Math.round(ctx.elapsedMs),
    files: [...PROFILE_FILES],
  };
}

export function settingsNotes(s: ProfileSummary): string[] {
  return [
    `Network ${s.network} (${s.model}); T = ${s.settings.timesteps}, V0 = ${s.settings.vth0}, tau = ${s.settings.tau}, schedule ${s.settings.schedule}.`,
    `Energy preset ${s.paperEnergy.preset.name}: E_AC = ${s.paperEnergy.preset.acPJ} pJ, E_MAC = ${s.paperEnergy.preset.macPJ} pJ (${s.paperEnergy.preset.source}).`,
    `${s.images} image(s): ${s.input}; per-image values are means over the images. Backend ${s.backend}.`,
    s.weights.trained ? `Weights: ${s.weights.origin}.` : s.weights.warning ?? '',
    ...(s.assumptions ?? []),
  ];
}

export function terminalTable(rows: LayerRow[]): string {
  const cols = TERMINAL_KEYS.map((k) => {
    const c = LAYER_COLUMNS.find((col) => col.key === k);
    if (!c) throw new Error(`no column "${k}"`);
    return c;
  });
  return toTerminalTable(cols, rows);
}

export function writeProfileReport(dir: string, summary: ProfileSummary, counts: NetworkCounts, energy: PaperEnergy): void {
  mkdirSync(dir, { recursive: true });
  const rows = layerRows(counts, energy);
  writeFileSync(join(dir, 'layers.csv'), toCsv(LAYER_COLUMNS, rows));
  writeFileSync(join(dir, 'steps.csv'), toCsv(STEP_COLUMNS, stepRows(counts.layers, summary.settings.thresholds, counts.images)));
  writeFileSync(join(dir, 'table.md'), `# ${summary.network}: per-layer counts and paper-mode energy\n\n${toMarkdownTable(LAYER_COLUMNS, rows, { notes: settingsNotes(summary) })}`);
  writeSummary(dir, summary);
}

export function writeSummary(dir: string, summary: ProfileSummary): void {
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
}
