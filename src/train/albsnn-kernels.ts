/**
 * The kernels ALBSNN fine-tuning juggles per candidate layer: the layer's own variable (what the
 * forward pass uses), a real-valued latent kernel (BinaryConnect: binarise(latent) runs, the gradient
 * updates the latent one) and the starting kernel of the trained full-precision network, which is
 * the full-precision side of the accuracy-loss estimate for a layer trained binary (its latent kernel
 * was trained to work binarised and is no full-precision layer).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * +-alpha per output channel (last axis), alpha = mean |W| of the channel. A latent 0 becomes +alpha:
 * a 1-bit weight has no zero (a single exact zero in a trained latent kernel made its layer
 * undetectable as binary, and unstorable in one bit).
 */
export function binarizeTensor(w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axes = w.shape.slice(0, -1).map((_, i) => i);
    const alpha = tf.mean(tf.abs(w), axes);
    return tf.mul(tf.where(tf.greaterEqual(w, 0), tf.onesLike(w), tf.onesLike(w).neg()), alpha);
  });
}

function kernelOf(model: tf.LayersModel, layer: string): tf.LayerVariable {
  const l = model.getLayer(layer);
  const k = l.weights.find((v) => /kernel/.test(v.name));
  if (!k) throw new Error(`layer "${layer}" has no kernel`);
  return k;
}

export class CandidateKernels {
  private readonly vars: Map<string, tf.LayerVariable>;
  private readonly latent: Map<string, tf.Variable>;
  private readonly start: Map<string, tf.Tensor>;

  constructor(model: tf.LayersModel, readonly candidates: readonly string[]) {
    this.vars = new Map(candidates.map((l) => [l, kernelOf(model, l)]));
    this.start = new Map([...this.vars].map(([l, k]) => [l, k.read().clone()]));
    this.latent = new Map([...this.vars].map(([l, k]) => [l, tf.variable(k.read().clone(), true)]));
  }

  private get(map: Map<string, tf.Tensor>, l: string): tf.Tensor {
    const v = map.get(l);
    if (!v) throw new Error(`"${l}" is no candidate layer`);
    return v;
  }

  /**
   * Writes the forward kernels: binarise(latent) for `binary`, the starting kernel for `atStart`,
   * the latent (full-precision) kernel for the rest.
   */
  set(binary: ReadonlySet<string>, atStart: ReadonlySet<string> = new Set()): void {
    for (const [l, k] of this.vars) {
      const value = binary.has(l) ? binarizeTensor(this.get(this.latent, l)) : (atStart.has(l) ? this.get(this.start, l) : this.get(this.latent, l)).clone();
      k.write(value);
      value.dispose();
    }
  }

  /** Optimiser routing: layer variable name -> the latent variable its gradient updates, for the binary layers. */
  latentRoutes(binary: ReadonlySet<string>): Map<string, tf.Variable> {
    return new Map([...this.vars].filter(([l]) => binary.has(l)).map(([l, k]) => [(k.read() as tf.Variable).name, this.latent.get(l) as tf.Variable]));
  }

  /** After an optimiser step: full-precision layers trained their own variable; keep the latent copy in step. */
  syncFullPrecision(binary: ReadonlySet<string>): void {
    for (const [l, k] of this.vars) if (!binary.has(l)) (this.latent.get(l) as tf.Variable).assign(k.read());
  }

  /** A layer leaving the binary set resumes full-precision training from its starting kernel. */
  restart(l: string): void {
    (this.latent.get(l) as tf.Variable).assign(this.get(this.start, l));
  }

  dispose(): void {
    tf.dispose([...this.latent.values(), ...this.start.values()]);
  }
}
