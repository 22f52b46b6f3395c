/**
 * The settings of one profile run, as the CLI collects them and summary.json records them (so that
 * `profile --check` can repeat the run from any folder).
 */
import type { BackendChoice } from './backend.ts';
import type { InputFlags } from './setup.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import type { LifSettings, NeuronKind } from '../neuron/settings.ts';

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
  /** Replace a non-empty --out folder that stcsim did not write (util/output-dir.ts). */
  force?: boolean;
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
  /** `--neuron lif|mlif`: the LIF twin replays a LIF-family network's own trace (default stcb: the STCB trace). */
  neuron?: NeuronKind;
  /** `--lif-model <dir>`: the trained LIF-family network of --neuron (absent: seeded weights). */
  lifModel?: string;
  /** LIF settings given on the command line (seeded LIF networks). */
  lif?: Partial<LifSettings>;
  /** --scalesim: FC rows as dense MAC layers ('mac', the default) or STCB layers. */
  fcRows?: 'mac' | 'stcb';
  /** Weight layers to binarise (+-alpha per output channel, 1-bit storage) before the run. */
  binaryLayers?: string[];
}

/** The flags that define a run's numbers (output and display flags left out). */
export type RerunFlags = Omit<ProfileFlags, 'out' | 'json' | 'progress' | 'charts' | 'check' | 'force'>;

/** What summary.json records so that `profile --check` can repeat the run from any folder. */
export interface RerunSpec {
  /** Zoo name, or the absolute path of the model.json. */
  model: string;
  /** Paths made absolute; backend = the one that ran. */
  flags: RerunFlags;
  /** STEB flags given on the command line (they override settings stored in a trained model). */
  explicit: string[];
}
