/**
 * --neuron and the LIF family's settings (issue 15), shared by profile, train, evaluate and dse.
 * Cheap imports only (the CLI's startup must not load tfjs).
 */
import { Option, type Command } from 'commander';
import { INPUT_ENCODINGS, NEURON_KINDS, RESET_MODES, type LifSettings, type NeuronKind } from '../neuron/settings.ts';
import { SURROGATE_SHAPES } from '../neuron/surrogate.ts';
import { positiveInt, positiveNumber } from './parse.ts';

export interface NeuronFlags {
  neuron: NeuronKind;
  threshold?: number;
  leak?: number;
  reset?: LifSettings['reset'];
  levels?: number;
  surrogate?: LifSettings['surrogate'];
  surrogateWidth?: number;
  encoding?: LifSettings['encoding'];
  fixedThreshold?: boolean;
  fixedLeak?: boolean;
}

export function addNeuronOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--neuron <kind>', 'neuron model: stcb (STEB -> synapse -> CAB), lif (leaky integrate-and-fire), mlif (multi-threshold LIF)').choices(NEURON_KINDS).default('stcb'))
    .option('--threshold <theta>', 'LIF/mlif: initial threshold theta (default 1)', positiveNumber('--threshold'))
    .option('--leak <lambda>', 'LIF/mlif: initial leak lambda in (0, 1], u(t) = lambda u(t-1) + I(t) (default 0.5)', positiveNumber('--leak'))
    .addOption(new Option('--reset <mode>', 'LIF/mlif: reset after a spike (default soft)').choices(RESET_MODES))
    .option('--levels <K>', 'mlif: highest spike level K (default 3; lif: 1)', positiveInt('--levels'))
    .addOption(new Option('--surrogate <shape>', 'LIF/mlif: surrogate derivative of the spike function (default rectangular)').choices(SURROGATE_SHAPES))
    .option('--surrogate-width <a>', 'LIF/mlif: surrogate window width in units of theta (default 1)', positiveNumber('--surrogate-width'))
    .addOption(new Option('--encoding <kind>', 'LIF/mlif: input encoding, direct (real values into layer 1) or rate (Bernoulli spikes) (default direct)').choices(INPUT_ENCODINGS))
    .option('--fixed-threshold', 'LIF/mlif: keep theta fixed in training (default: learned)')
    .option('--fixed-leak', 'LIF/mlif: keep lambda fixed in training (default: learned)');
}

/** The LIF fields the user set (undefined fields keep the kind's defaults). */
export function lifFlags(o: NeuronFlags): Partial<LifSettings> {
  const out: Partial<LifSettings> = {};
  if (o.threshold !== undefined) out.threshold = o.threshold;
  if (o.leak !== undefined) out.leak = o.leak;
  if (o.reset !== undefined) out.reset = o.reset;
  if (o.levels !== undefined) out.levels = o.levels;
  if (o.surrogate !== undefined) out.surrogate = o.surrogate;
  if (o.surrogateWidth !== undefined) out.surrogateWidth = o.surrogateWidth;
  if (o.encoding !== undefined) out.encoding = o.encoding;
  if (o.fixedThreshold === true) out.learnThreshold = false;
  if (o.fixedLeak === true) out.learnLeak = false;
  return out;
}
