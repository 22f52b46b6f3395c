/**
 * The LIF family's dynamics on plain numbers: the reference that the tfjs layers (spike-fn.ts,
 * train/lif-layers.ts) and the tests check against.
 *
 *   u(t) = lambda * u(t-1) + I(t)                     (leak, integrate; u(0) = 0)
 *   s(t) = min(K, floor(u(t) / theta)) if u(t) >= theta, else 0   (level 0..K; K = 1: plain LIF)
 *   soft reset: u(t) <- u(t) - theta * s(t);  hard reset: u(t) <- 0 when s(t) > 0
 */
import type { ResetMode } from './settings.ts';

/** Spike level of membrane u: the number of thresholds theta, 2 theta, ..., K theta that u reaches. */
export function spikeLevel(u: number, theta: number, levels: number): number {
  if (!(u >= theta)) return 0;
  return Math.min(levels, Math.floor(u / theta));
}

export interface NeuronParams {
  threshold: number;
  leak: number;
  reset: ResetMode;
  levels: number;
}

export interface NeuronRun {
  /** Membrane after integration and before reset, per step. */
  membrane: number[];
  /** Spike level per step. */
  spikes: number[];
}

/** One neuron driven by the currents I(1..T). */
export function runNeuron(currents: readonly number[], p: NeuronParams): NeuronRun {
  let u = 0;
  const membrane: number[] = [];
  const spikes: number[] = [];
  for (const i of currents) {
    u = p.leak * u + i;
    membrane.push(u);
    const s = spikeLevel(u, p.threshold, p.levels);
    spikes.push(s);
    if (s > 0) u = p.reset === 'soft' ? u - p.threshold * s : 0;
  }
  return { membrane, spikes };
}
