/**
 * Spatio-temporal compression of event streams (seed paper 3) and its synaptic convolutional block,
 * as pure functions.
 *
 * Compression: a stream lasting D microseconds is cut into T equal windows (time steps); every event
 * injects one unit of synaptic charge into its (y, x, polarity) input in the window it falls in, so
 * step t carries the current E_t[y, x, p] = events in window t (not a binary frame: several events in
 * one window add up). The compression ratio is (D / base frame length) / T, the number of base
 * frames (1 ms by default, the framing of event-camera SNN papers) merged into one step.
 *
 * Synaptic convolutional block: a causal filter over adjacent steps of the synaptic current,
 * I'(t) = sum_k h_k I(t - k), that smooths the jump between steps under high compression.
 * In an STCB network the CAB that follows is linear, y = sum_t w(t) I'(t), so the block folds into
 * the CAB coefficients: y = sum_s c(s) I(s) with c(s) = sum_k h_k w(s + k) (terms past T dropped).
 * Its hardware cost is therefore nil there (the CAB multiplies by c(s) instead of w(s)); a neuron
 * that is not linear in time (the multi-threshold LIF of the same paper) would need I'(t) itself,
 * one multiply-add per output, step and tap, which smoothCurrents computes.
 */

/** I'(t) = sum_k h_k I(t - k) per output, steps on the outer axis (currents[t][i]). */
export function smoothCurrents(currents: readonly (readonly number[])[], kernel: readonly number[]): number[][] {
  return currents.map((_, t) => currents[t].map((__, i) => kernel.reduce((a, h, k) => a + (t - k >= 0 ? h * currents[t - k][i] : 0), 0)));
}

/** c(s) = sum_k h_k w(s + k): the CAB coefficients that apply the smoothing kernel for free. */
export function foldedCabCoefficients(stepWeights: readonly number[], kernel: readonly number[]): number[] {
  const T = stepWeights.length;
  return stepWeights.map((_, s) => kernel.reduce((a, h, k) => a + (s + k < T ? h * stepWeights[s + k] : 0), 0));
}

export function checkKernel(kernel: readonly number[]): void {
  if (kernel.length < 1 || kernel.some((h) => !Number.isFinite(h))) throw new RangeError(`synaptic kernel must be one or more finite numbers, got [${kernel.join(', ')}]`);
}

/** Time step of an event at `tUs` (relative to the stream start) in a window of `windowUs` cut into T steps. */
export function stepOf(tUs: number, windowUs: number, T: number): number {
  return Math.min(T - 1, Math.max(0, Math.floor((tUs * T) / windowUs)));
}

/** Time steps T for a stream of `windowUs` at base frames of `frameUs` and a compression ratio r (frames per step). */
export function stepsForRatio(windowUs: number, frameUs: number, ratio: number): number {
  if (!(windowUs > 0 && frameUs > 0 && ratio > 0)) throw new RangeError(`window, frame length and ratio must be positive, got ${windowUs}, ${frameUs}, ${ratio}`);
  return Math.max(1, Math.ceil(windowUs / (frameUs * ratio)));
}
