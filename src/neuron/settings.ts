/**
 * Neuron models a network can be built from (issue 15): the STCB (STEB -> synapse -> CAB, the
 * project's own), the conventional leaky integrate-and-fire neuron (LIF) and the multi-threshold LIF
 * (mlif) that emits a spike level 0..K per step. This module holds the LIF family's settings; the
 * dynamics are in dynamics.ts (plain numbers) and spike-fn.ts (tfjs, with surrogate gradients).
 */
import { SURROGATE_SHAPES, type SurrogateShape } from './surrogate.ts';

export type NeuronKind = 'stcb' | 'lif' | 'mlif';
export const NEURON_KINDS: readonly NeuronKind[] = ['stcb', 'lif', 'mlif'];

export type ResetMode = 'soft' | 'hard';
export const RESET_MODES: readonly ResetMode[] = ['soft', 'hard'];

/** How the image enters the network: the same real values every step into the first layer, or Bernoulli spikes. */
export type InputEncoding = 'direct' | 'rate';
export const INPUT_ENCODINGS: readonly InputEncoding[] = ['direct', 'rate'];

export interface LifSettings {
  kind: 'lif' | 'mlif';
  /** Time steps T. */
  timesteps: number;
  /** Initial threshold theta (learnable when learnThreshold). */
  threshold: number;
  /** Initial leak lambda in (0, 1]: u(t) = lambda * u(t-1) + I(t) (learnable when learnLeak). */
  leak: number;
  reset: ResetMode;
  /** Highest spike level K (1 for plain LIF). Levels 1..K fire at thresholds theta, 2 theta, ..., K theta. */
  levels: number;
  surrogate: SurrogateShape;
  /** Width of the surrogate window, in units of theta (1 = one threshold wide). */
  surrogateWidth: number;
  encoding: InputEncoding;
  learnThreshold: boolean;
  learnLeak: boolean;
}

/** Defaults: lambda = 0.5 (tau = 2 steps, as the STCSNN paper's tau), theta = 1, soft reset, direct input. */
export const LIF_DEFAULTS: Readonly<LifSettings> = Object.freeze({
  kind: 'lif', timesteps: 4, threshold: 1, leak: 0.5, reset: 'soft', levels: 1,
  surrogate: 'rectangular', surrogateWidth: 1, encoding: 'direct', learnThreshold: true, learnLeak: true,
});

/** mlif defaults: T = 2 and K = 3 levels (2 bits of payload per spike), the seed paper's 1-2 step regime. */
export const MLIF_DEFAULTS: Readonly<LifSettings> = Object.freeze({ ...LIF_DEFAULTS, kind: 'mlif', timesteps: 2, levels: 3 });

export function lifDefaults(kind: 'lif' | 'mlif'): LifSettings {
  return { ...(kind === 'lif' ? LIF_DEFAULTS : MLIF_DEFAULTS) };
}

/** Bits a spike carries: log2(K + 1) rounded up (a plain LIF spike is its own presence, 0 extra bits, 1 in a bitmap). */
export function levelBits(levels: number): number {
  return Math.max(1, Math.ceil(Math.log2(levels + 1)));
}

export function validateLifSettings(s: LifSettings): void {
  const fail = (msg: string): never => { throw new RangeError(`neuron settings: ${msg}`); };
  if (!Number.isInteger(s.timesteps) || s.timesteps < 1 || s.timesteps > 31) fail(`timesteps must be an integer in 1..31, got ${s.timesteps}`);
  if (!(s.threshold > 0) || !Number.isFinite(s.threshold)) fail(`threshold must be > 0, got ${s.threshold}`);
  if (!(s.leak > 0 && s.leak <= 1)) fail(`leak lambda must be in (0, 1], got ${s.leak}`);
  if (!RESET_MODES.includes(s.reset)) fail(`reset must be one of ${RESET_MODES.join(', ')}, got ${s.reset}`);
  if (!Number.isInteger(s.levels) || s.levels < 1 || s.levels > 15) fail(`levels K must be an integer in 1..15, got ${s.levels}`);
  if (s.kind === 'lif' && s.levels !== 1) fail(`a plain LIF neuron has one level, got ${s.levels} (use mlif)`);
  if (!SURROGATE_SHAPES.includes(s.surrogate)) fail(`surrogate must be one of ${SURROGATE_SHAPES.join(', ')}, got ${s.surrogate}`);
  if (!(s.surrogateWidth > 0)) fail(`surrogate width must be > 0, got ${s.surrogateWidth}`);
  if (!INPUT_ENCODINGS.includes(s.encoding)) fail(`encoding must be one of ${INPUT_ENCODINGS.join(', ')}, got ${s.encoding}`);
}

/** The settings of a command: the kind's defaults, then the fields given explicitly (checked). */
export function lifSettingsFor(kind: 'lif' | 'mlif', timesteps: number | undefined, given: Partial<LifSettings> = {}): LifSettings {
  const s: LifSettings = { ...lifDefaults(kind), ...(timesteps !== undefined ? { timesteps } : {}), ...given, kind };
  validateLifSettings(s);
  return s;
}
