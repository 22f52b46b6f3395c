/**
 * The settings of one profile run, as the CLI collects them and summary.json records them (so that
 * `profile --check` can repeat the run from any folder).
 */
import type { BackendChoice } from './backend.ts';
import type { InputFlags } from './setup.ts';
import type { StcbSettings } from '../stcb/schedule.ts';

export interface ProfileFlags extends InputFlags, StcbSettings {
  /** Quantise weights and encoder inputs to the accelerator's word widths (default true; `--no-quantize`). */
  quantize?: boolean;
  batch: number;
  energyPreset: string;
  spikingClassifier: boolean;
  hwImages: number;
  hardware: boolean;
  accelerator: string;
  node: number[];
  voltage?: number;
  out?: string;
  backend: BackendChoice;
  json: boolean;
  progress: boolean;
  /** Charts (PNG/SVG/Vega-Lite) and their place in report.html; default true (`--no-charts`). */
  charts?: boolean;
  /** `--check <summary.json>`: re-run the settings saved there instead of profiling a model. */
  check?: string;
  /** `--scalesim <topology.csv>`: profile a SCALE-Sim topology with synthetic spikes instead of a network. */
  scalesim?: string;
  /** Firing rate(s) of the synthetic spikes of --scalesim: one value, or one per CSV row. */
  firingRate?: number[];
  /** --scalesim: make the first row an STCB too. */
  spikingFirstLayer?: boolean;
  /** Weight layers to binarise (+-alpha per output channel, 1-bit storage) before the run. */
  binaryLayers?: string[];
}

/** The flags that define a run's numbers (output and display flags left out). */
export type RerunFlags = Omit<ProfileFlags, 'out' | 'json' | 'progress' | 'charts' | 'check'>;

/** What summary.json records so that `profile --check` can repeat the run from any folder. */
export interface RerunSpec {
  /** Zoo name, or the absolute path of the model.json. */
  model: string;
  /** Paths made absolute; backend = the one that ran. */
  flags: RerunFlags;
  /** STEB flags given on the command line (they override settings stored in a trained model). */
  explicit: string[];
}
