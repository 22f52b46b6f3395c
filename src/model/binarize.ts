/**
 * Binary-weight layers (ALBSNN): a kernel whose every output channel c holds only +-alpha_c
 * (alpha_c = mean |W_c|, the 1-bit case of quantizeWeightsPerChannel). Such a layer is stored with
 * one bit per weight plus one alpha word per output channel, and its synaptic operation is an add
 * or a subtract of the spike's unit (alpha is applied once per output, with the CAB's multiply).
 */
import { quantizeWeightsPerChannel } from '../stcb/quantize.ts';
import { kernelFromValues, kernelPrefix, kernelValues, ownedKernelValues, type LayerParams, type NetworkWeights } from './weights.ts';

/** True when every channel (last axis) of `w` takes exactly two values +-a, a > 0 (no zeros). */
export function isBinaryKernel(w: ArrayLike<number>, channels: number): boolean {
  if (channels < 1 || w.length % channels !== 0 || w.length === 0) return false;
  const alpha = new Float64Array(channels);
  for (let i = 0, c = 0; i < w.length; i++, c = c + 1 === channels ? 0 : c + 1) {
    const a = Math.abs(w[i]);
    if (a === 0) return false;
    if (alpha[c] === 0) alpha[c] = a;
    else if (a !== alpha[c]) return false;
  }
  return true;
}

/** Weight layers whose kernels are binary (+-alpha per output channel), in map order. */
export function binaryLayersOf(w: NetworkWeights): string[] {
  const out: string[] = [];
  for (const [name, p] of w.params) {
    if (p.kind !== 'weights') continue;
    const channels = p.kernel.shape[p.kernel.rank - 1];
    // Full-precision kernels show it in their first rows: only a binary-looking prefix is read in full.
    if (isBinaryKernel(kernelPrefix(p.kernel, 4 * channels), channels) && isBinaryKernel(kernelValues(p.kernel), channels)) out.push(name);
  }
  return out;
}

/** A copy of `w` with the named layers binarised (+-mean|W| per output channel); dispose with disposeQuantized. */
export function binarizeNetworkWeights(w: NetworkWeights, layers: readonly string[]): NetworkWeights {
  const params = new Map<string, LayerParams>(w.params);
  for (const name of layers) {
    const p = w.params.get(name);
    if (!p || p.kind !== 'weights') throw new Error(`--binary-layers: "${name}" is not a weight layer (have: ${[...w.params].filter(([, q]) => q.kind === 'weights').map(([n]) => n).join(', ')})`);
    const values = quantizeWeightsPerChannel(ownedKernelValues(p.kernel), p.kernel.shape[p.kernel.rank - 1], 1);
    params.set(name, { ...p, kernel: kernelFromValues(values, p.kernel.shape) });
  }
  return { ...w, params, origin: `${w.origin}, layers ${layers.join(', ')} binarised (+-mean|W| per output channel)` };
}
