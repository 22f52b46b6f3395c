/** Shared test helpers: a deterministic RNG, backend setup and the flags of an in-process profile run. */
import { initBackend } from '../src/run/backend.ts';
import type { ProfileFlags } from '../src/run/profile-settings.ts';
import { PAPER_DEFAULTS } from '../src/stcb/schedule.ts';
import { prng } from '../src/util/random.ts';

export { prng };

export async function cpuBackend(): Promise<void> {
  await initBackend('cpu');
}

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/**
 * The defaults `stcsim profile` gives app/profile.ts (test/cli/cli.test.ts checks they still agree),
 * except the cpu backend (exact, the same on every machine) and no progress bar.
 */
export const CLI_PROFILE_DEFAULTS: Readonly<ProfileFlags> = Object.freeze({
  ...PAPER_DEFAULTS, batch: 16, seed: 1, torchNames: 'graph', energyPreset: 'int32-45nm', spikingClassifier: false,
  accelerator: 'stcb-default', backend: 'cpu', node: [45], hwImages: 16, hardware: true, quantize: true, json: false, progress: false, charts: true,
  neuron: 'stcb',
});

/** Flags of an in-process profile run: the CLI's defaults with `overrides` (what the flags would set). */
export function profileFlags(overrides: Partial<ProfileFlags> = {}): ProfileFlags {
  return { ...CLI_PROFILE_DEFAULTS, node: [...CLI_PROFILE_DEFAULTS.node], ...overrides };
}
