/**
 * The spike function of the LIF family in tfjs, with a surrogate gradient (surrogate.ts).
 *
 * Forward: level = min(K, floor(u / theta)) for u >= theta, else 0 (= sum_k H(u - k theta)).
 * Backward: d level / d u = sum_k g(u/theta - k) / theta and d level / d theta = sum_k g(u/theta - k) * (-u / theta^2),
 * so a learnable threshold gets its gradient from the same surrogate.
 */
import * as tf from '@tensorflow/tfjs';
import { arctanAlpha, sigmoidAlpha, type SurrogateShape } from './surrogate.ts';

/** g(x) elementwise (the tfjs twin of surrogateDerivative). */
export function surrogateTensor(shape: SurrogateShape, x: tf.Tensor, a: number): tf.Tensor {
  return tf.tidy(() => {
    switch (shape) {
      case 'rectangular':
        return tf.div(tf.cast(tf.less(tf.abs(x), a / 2), 'float32'), a);
      case 'triangular':
        return tf.div(tf.relu(tf.sub(1, tf.div(tf.abs(x), a))), a);
      case 'sigmoid': {
        const k = sigmoidAlpha(a);
        const s = tf.sigmoid(tf.mul(x, k));
        return tf.mul(tf.mul(s, tf.sub(1, s)), k);
      }
      case 'arctan': {
        const k = arctanAlpha(a);
        return tf.div(k / 2, tf.add(1, tf.square(tf.mul(x, (Math.PI / 2) * k))));
      }
    }
  });
}

export interface SpikeFnOptions {
  levels: number;
  surrogate: SurrogateShape;
  surrogateWidth: number;
}

/** Spike levels of membrane `u` at threshold `theta` (a scalar tensor, shape [] or [1]); differentiable in both. */
export function spikeFn(u: tf.Tensor, theta: tf.Tensor, o: SpikeFnOptions): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [uu, th] = args as [tf.Tensor, tf.Tensor];
    const save = args[2] as tf.GradSaveFunc;
    save([uu, th]);
    const value = tf.clipByValue(tf.floor(tf.div(uu, th)), 0, o.levels);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [us, ts] = saved;
        const v = tf.div(us, ts);
        let g: tf.Tensor = tf.zerosLike(v);
        for (let k = 1; k <= o.levels; k++) g = tf.add(g, surrogateTensor(o.surrogate, tf.sub(v, k), o.surrogateWidth));
        const dyg = tf.mul(dy, g);
        const du = tf.div(dyg, ts);
        const dth = tf.reshape(tf.sum(tf.mul(dyg, tf.neg(tf.div(v, ts)))), ts.shape);
        return [du, dth];
      },
    };
  });
  return f(u, theta) as tf.Tensor;
}

/** The value of x with no gradient (tfjs has no stop_gradient op; a custom gradient of zero is one). */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = args[0] as tf.Tensor;
    return { value: tf.clone(v), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return f(x) as tf.Tensor;
}
