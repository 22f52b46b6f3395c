/**
 * Fixed-point quantisers of the hardware's word widths (DESIGN.md 5.1, "Quantisation"), as pure
 * functions on arrays so tests can check them against closed forms.
 *
 * - Weights: symmetric, one scale per output channel (the last axis of a tfjs kernel):
 *   scale_c = max|W_c| / (2^(b-1) - 1), W_q = round(W / scale_c) * scale_c. With b = 1 the only
 *   symmetric levels are +-alpha: W_q = sign(W) * mean|W_c| (the binary-weight rule, alpha = mean
 *   magnitude, which minimises the L2 error of a sign code). A weight of exactly 0 becomes +alpha,
 *   as in training (src/train/albsnn-kernels.ts): a 1-bit code has no zero.
 * - Activations (the CAB output words the encoder reads): unsigned, uniform over the encoder's range
 *   [0, sum_t V(t)], the only values that change the spikes: x <= 0 never spikes and x above the range
 *   saturates. step = range / (2^b - 1), x_q = round(clamp(x, 0, range) / step) * step.
 */

/** Quantisation of one network run; undefined widths mean full precision (float32). */
export interface QuantSpec {
  weightBits?: number;
  activationBits?: number;
}

export function checkBits(bits: number, what: string): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`${what} must be an integer number of bits in 1..32, got ${bits}`);
}

/**
 * Quantises a kernel in place, channels on the last axis (`channels` = size of that axis). In place
 * because a fresh array costs more than the arithmetic: ResNet18's 45 MB of kernels take ~0.14 s of
 * page faults per copy on the development machine.
 */
export function quantizeWeightsPerChannel(w: Float32Array, channels: number, bits: number): Float32Array {
  checkBits(bits, 'weight width');
  if (channels < 1 || w.length % channels !== 0) throw new RangeError(`kernel of ${w.length} values does not split into ${channels} channels`);
  // Channels are the fastest axis: walk a channel counter instead of taking i % channels (11 M weights in ResNet18).
  const maxAbs = new Float64Array(channels);
  const sumAbs = new Float64Array(channels);
  for (let i = 0, c = 0; i < w.length; i++, c = c + 1 === channels ? 0 : c + 1) {
    const a = Math.abs(w[i]);
    if (a > maxAbs[c]) maxAbs[c] = a;
    sumAbs[c] += a;
  }
  if (bits === 1) {
    const perChannel = w.length / channels;
    for (let i = 0, c = 0; i < w.length; i++, c = c + 1 === channels ? 0 : c + 1) {
      const alpha = sumAbs[c] / perChannel;
      w[i] = w[i] >= 0 ? alpha : -alpha;
    }
    return w;
  }
  const levels = 2 ** (bits - 1) - 1;
  const scale = maxAbs.map((m) => m / levels);
  const inverse = scale.map((sc) => (sc === 0 ? 0 : 1 / sc));
  for (let i = 0, c = 0; i < w.length; i++, c = c + 1 === channels ? 0 : c + 1) {
    w[i] = Math.round(w[i] * inverse[c]) * scale[c];
  }
  return w;
}

/** Quantises encoder inputs in place to `bits` unsigned levels over [0, rangeMax]. */
export function quantizeActivations(x: Float32Array, rangeMax: number, bits: number): Float32Array {
  checkBits(bits, 'activation width');
  if (!(rangeMax > 0)) throw new RangeError(`activation range must be positive, got ${rangeMax}`);
  const step = rangeMax / (2 ** bits - 1);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] <= 0 ? 0 : x[i] >= rangeMax ? rangeMax : x[i];
    x[i] = Math.round(v / step) * step;
  }
  return x;
}
