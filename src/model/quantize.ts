/** Network weights at the hardware's weight width (src/stcb/quantize.ts defines the quantiser). */
import { quantizeWeightsPerChannel } from '../stcb/quantize.ts';
import { kernelFromValues, ownedKernelValues, type LayerParams, type NetworkWeights } from './weights.ts';

/**
 * A copy of `w` whose kernels are quantised to `bits` (symmetric, per output channel). Biases and
 * batch-norm parameters stay full precision: they live in the wider accumulator (or fold into the
 * CAB multiplier). The caller disposes the returned kernels with disposeQuantized.
 */
export function quantizeNetworkWeights(w: NetworkWeights, bits: number): NetworkWeights {
  const params = new Map<string, LayerParams>();
  for (const [name, p] of w.params) {
    if (p.kind !== 'weights') {
      params.set(name, p);
      continue;
    }
    const values = quantizeWeightsPerChannel(ownedKernelValues(p.kernel), p.kernel.shape[p.kernel.rank - 1], bits);
    params.set(name, { ...p, kernel: kernelFromValues(values, p.kernel.shape) });
  }
  return { ...w, params, origin: `${w.origin}, weights quantised to ${bits} bit (symmetric per output channel)` };
}

/** Frees the kernels quantizeNetworkWeights made (the shared biases and batch-norm tensors stay). */
export function disposeQuantized(q: NetworkWeights, original: NetworkWeights): void {
  for (const [name, p] of q.params) {
    const o = original.params.get(name);
    if (p.kind === 'weights' && o?.kind === 'weights' && p.kernel !== o.kernel) p.kernel.dispose();
  }
}
