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

/** CAB decode of a spike code: x_hat = sum_t V(t) s(t). */
export function decodeCode(code: number, v: Float64Array): number {
  let x = 0;
  for (let t = 0; t < v.length; t++) if (code & (1 << t)) x += v[t];
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
