/**
 * STEB (spike-train encoding block) and CAB (current accumulator block), DESIGN.md section 2.
 *
 * A neuron's whole spike train is packed into one integer "spike code": bit (t - 1) is s(t).
 * T <= 31 keeps codes exact in int32 and in float32 arithmetic on every tfjs backend.
 */
import * as tf from '@tensorflow/tfjs';
import { thresholds, type StcbSettings } from './schedule.ts';

/** Reference encoder on plain numbers (float64); the tensor version below is what runs networks. */
export function encodeValue(x: number, v: Float64Array): { code: number; decoded: number } {
  let u = x;
  let code = 0;
  let decoded = 0;
  for (let t = 0; t < v.length; t++) {
    if (u >= v[t]) {
      code |= 1 << t;
      u -= v[t];
      decoded += v[t];
    }
  }
  return { code, decoded };
}

export interface EncodedArray {
  codes: Int32Array;
  decoded: Float32Array;
}

/**
 * Encodes a float32 array on the CPU, in float32 arithmetic (the same results as `stebEncode` on a
 * tfjs backend; a test holds the two together). The profiler uses this one: a single pass over the
 * values costs less than the 7 x T elementwise kernels of the tensor version, and yields the codes
 * that counting needs anyway. Training uses the tensor version, which autodiff can see.
 */
export function encodeArray(x: Float32Array, v: Float64Array): EncodedArray {
  const T = v.length;
  const v32 = Float32Array.from(v);
  // Decoded value of every code, summed in step order as the tensor version does (T <= 16: a table).
  const table = T <= 16 ? new Float32Array(1 << T) : null;
  if (table) for (let code = 1; code < table.length; code++) table[code] = decodeCode32(code, v32);
  const codes = new Int32Array(x.length);
  const decoded = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let u = x[i];
    if (!(u >= v32[T - 1])) continue; // below every threshold (also NaN): no spikes
    let code = 0;
    for (let t = 0; t < T; t++) {
      if (u >= v32[t]) {
        code |= 1 << t;
        u = Math.fround(u - v32[t]);
      }
    }
    codes[i] = code;
    decoded[i] = table ? table[code] : decodeCode32(code, v32);
  }
  return { codes, decoded };
}

function decodeCode32(code: number, v32: Float32Array): number {
  let x = 0;
  for (let t = 0; t < v32.length; t++) if (code & (1 << t)) x = Math.fround(x + v32[t]);
  return x;
}

export interface StebTensors {
  /** Decoded value x_hat = sum_t V(t) s(t), same shape as the input. */
  decoded: tf.Tensor;
  /** Spike code per neuron (int32), same shape as the input. */
  codes: tf.Tensor;
}

/**
 * Encodes a real tensor into spike trains with the integrate-and-fire STEB: u(1) = x,
 * s(t) = [u(t) >= V(t)], u(t+1) = u(t) - V(t) s(t). Runs T elementwise steps on the backend.
 */
export function stebEncode(x: tf.Tensor, settings: StcbSettings, withCodes = true): StebTensors {
  const v = thresholds(settings);
  return tf.tidy(() => {
    let u = x;
    let decoded: tf.Tensor = tf.zerosLike(x);
    let codes: tf.Tensor | null = withCodes ? tf.zerosLike(x) : null;
    for (let t = 0; t < v.length; t++) {
      const vt = Math.fround(v[t]);
      const s = tf.cast(tf.greaterEqual(u, vt), 'float32');
      const sv = tf.mul(s, vt);
      u = tf.sub(u, sv);
      decoded = tf.add(decoded, sv);
      if (codes) codes = tf.add(codes, tf.mul(s, 2 ** t));
    }
    return { decoded, codes: codes ? tf.cast(codes, 'int32') : tf.zeros([0], 'int32') };
  });
}

/** Decoded value only (the forward value of an STCB input); used where spike codes are not needed. */
export function stebDecode(x: tf.Tensor, settings: StcbSettings): tf.Tensor {
  const { decoded, codes } = stebEncode(x, settings, false);
  codes.dispose();
  return decoded;
}
