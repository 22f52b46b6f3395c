/** Shared test helpers: a deterministic RNG and backend setup. */
import { initBackend } from '../src/run/backend.ts';
import { prng } from '../src/util/random.ts';

export { prng };

export async function cpuBackend(): Promise<void> {
  await initBackend('cpu');
}

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}
