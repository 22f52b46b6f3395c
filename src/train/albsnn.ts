/**
 * ALBSNN: adaptive local binary weights chosen by an accuracy-loss estimator (seed paper 2; its
 * equations were lost in extraction, so the estimator below is this project's definition).
 *
 * Binary layer: every kernel value becomes +-alpha_c, alpha_c = mean |W_c| over output channel c
 * (the last kernel axis), i.e. `quantizeWeightsPerChannel(w, C, 1)`: the L2-optimal scale of a sign code.
 * Training keeps a real-valued latent kernel per binary layer (BinaryConnect): the forward pass uses
 * binarise(latent), the gradient with respect to the binarised kernel is applied to the latent one
 * (straight-through estimator).
 *
 * Accuracy-loss estimator, measured during training on a held-out batch (training images the
 * optimiser never sees). With B the set of layers binarised so far, for each candidate layer l:
 *   L_with(l) = held-out cross-entropy with B + {l} binarised, L_without(l) = the same with B - {l},
 *   deltaLoss_l = L_with(l) - L_without(l)   (the loss attributable to binarising l, the rest fixed).
 * Layer l is binarised for the next epoch when deltaLoss_l <= tolerance * L_without(l) (relative
 * loss increase, default 0.05). The first epoch starts with every candidate binarised (B = all), so
 * the estimate after it measures each layer's error once the network has adapted to binary weights;
 * it is re-measured after every epoch (a layer that degrades leaves B, one that recovers joins). The
 * final model is saved with the last selection's kernels binarised (+-alpha values), so every later
 * tool sees 1-bit layers. With one epoch the selection made after it is saved without further
 * training; two or more epochs fine-tune the final selection.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shuffledIndices, evaluateAccuracy, type TrainData } from './trainer.ts';
import { saveModel } from './io.ts';

export interface AlbsnnOptions {
  epochs: number;
  outDir: string;
  /** Weight layers (tfjs layer names) the estimator may binarise. */
  candidates: string[];
  /** Held-out images for the estimator (taken from the end of the training set, never trained on). */
  heldOut: number;
  /** Relative loss increase allowed per layer (deltaLoss_l <= tolerance * L_fp). */
  tolerance: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  test?: TrainData;
  /** Free-form settings recorded in albsnn.json. */
  settings?: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface LayerEstimate {
  layer: string;
  /** Held-out cross-entropy with this layer binarised (and the other binary layers). */
  loss: number;
  /** The same with this layer at full precision. */
  lossFullPrecision: number;
  deltaLoss: number;
  /** Held-out top-1 accuracy with this layer binarised / at full precision. */
  accuracy: number;
  accuracyFullPrecision: number;
  binary: boolean;
}

export interface AlbsnnEpoch {
  epoch: number;
  /** Held-out loss and accuracy after the epoch with the layers binarised during it. */
  heldOutLoss: number;
  heldOutAccuracy: number;
  /** Layers binarised during this epoch. */
  trainedBinary: string[];
  estimates: LayerEstimate[];
  trainLoss: number;
  testAccuracy?: number;
  seconds: number;
}

export interface AlbsnnReport {
  settings: Record<string, unknown>;
  estimator: string;
  tolerance: number;
  heldOutImages: number;
  trainImages: number;
  epochs: AlbsnnEpoch[];
  /** Layers binarised in the saved model. */
  binaryLayers: string[];
  /** Test accuracy of the saved (binarised) model. */
  testAccuracy?: number;
  /** Test accuracy of the starting weights, before any binarisation or fine-tuning. */
  initialTestAccuracy?: number;
  wallSeconds: number;
  backend: string;
  finishedAt: string;
}

export const ESTIMATOR_TEXT =
  'after each epoch: held-out cross-entropy with the layer binarised minus with it at full precision (other layers as selected); ' +
  'binary next epoch while deltaLoss <= tolerance x that full-precision loss; epoch 1 trains every candidate binary';

/** +-alpha per output channel (last axis), alpha = mean |W| of the channel; sign(0) = 0 as in quantizeWeightsPerChannel. */
export function binarizeTensor(w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axes = w.shape.slice(0, -1).map((_, i) => i);
    const alpha = tf.mean(tf.abs(w), axes);
    return tf.mul(tf.sign(w), alpha);
  });
}

interface Batch { x: tf.Tensor4D; y: tf.Tensor1D }

function gather(data: TrainData, idx: Int32Array, start: number, end: number): Batch {
  const [, h, w, c] = data.shape;
  const px = h * w * c;
  const xs = new Float32Array((end - start) * px);
  const ys = new Int32Array(end - start);
  for (let i = start; i < end; i++) {
    xs.set(data.images.subarray(idx[i] * px, (idx[i] + 1) * px), (i - start) * px);
    ys[i - start] = data.labels[idx[i]];
  }
  return { x: tf.tensor4d(xs, [end - start, h, w, c]), y: tf.tensor1d(ys, 'int32') };
}

function kernelOf(model: tf.LayersModel, layer: string): tf.LayerVariable {
  const l = model.getLayer(layer);
  const k = l.weights.find((v) => /kernel/.test(v.name));
  if (!k) throw new Error(`layer "${layer}" has no kernel`);
  return k;
}

/** Held-out loss and accuracy in inference mode. */
function heldOutScore(model: tf.LayersModel, batch: Batch, classes: number): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const logits = model.predict(batch.x) as tf.Tensor2D;
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, classes), logits).dataSync()[0];
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32')).dataSync()[0];
    return { loss, accuracy: correct / batch.y.shape[0] };
  });
}

/** Fine-tunes `model` in place with ALBSNN layer selection; saves the binarised model and albsnn.json. */
export async function trainAlbsnn(model: tf.LayersModel, data: TrainData, o: AlbsnnOptions): Promise<AlbsnnReport> {
  const log = o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const n = data.shape[0];
  if (!(o.heldOut >= 1 && o.heldOut < n)) throw new RangeError(`held-out images must be in 1..${n - 1}, got ${o.heldOut}`);
  const trainN = n - o.heldOut;
  const all = new Int32Array(n).map((_, i) => i);
  const heldOut = gather(data, all, trainN, n);
  const kernels = new Map(o.candidates.map((l) => [l, kernelOf(model, l)]));
  // Latent real-valued kernels (BinaryConnect); the layer's own variable holds what the forward pass uses.
  const latent = new Map([...kernels].map(([l, k]) => [l, tf.variable(k.read().clone(), true, `${l}/latent_kernel`)]));
  const setKernels = (binary: Set<string>): void => {
    for (const [l, k] of kernels) {
      const lat = latent.get(l) as tf.Variable;
      const value = binary.has(l) ? binarizeTensor(lat) : lat.clone();
      k.write(value);
      value.dispose();
    }
  };
  const score = (b: Set<string>) => {
    setKernels(b);
    return heldOutScore(model, heldOut, data.classes);
  };
  const estimate = (b: Set<string>): LayerEstimate[] => o.candidates.map((l) => {
    const withL = score(new Set([...b, l]));
    const withoutL = score(new Set([...b].filter((x) => x !== l)));
    const deltaLoss = withL.loss - withoutL.loss;
    return { layer: l, loss: withL.loss, lossFullPrecision: withoutL.loss, deltaLoss, accuracy: withL.accuracy,
      accuracyFullPrecision: withoutL.accuracy, binary: deltaLoss <= o.tolerance * withoutL.loss };
  });
  const optimizer = tf.train.adam(o.learningRate);
  const start = performance.now();
  const initialTestAccuracy = o.test ? evaluateAccuracy(model, o.test) : undefined;
  const epochs: AlbsnnEpoch[] = [];
  let binary = new Set<string>(o.candidates);

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const t0 = performance.now();
    const trained = [...binary];
    const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const latentFor = new Map([...kernels].filter(([l]) => binary.has(l)).map(([l, k]) => [(k.read() as tf.Variable).name, latent.get(l) as tf.Variable]));
    const order = shuffledIndices(trainN, o.seed * 100003 + epoch);
    let lossSum = 0;
    for (let s = 0; s < trainN; s += o.batchSize) {
      const e = Math.min(trainN, s + o.batchSize);
      setKernels(binary);
      const b = gather(data, order, s, e);
      const { value, grads } = optimizer.computeGradients(() => {
        const logits = model.apply(b.x, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(tf.oneHot(b.y, data.classes), logits) as tf.Scalar;
      }, varList);
      // Straight-through: the gradient of a binarised kernel updates its latent kernel.
      const routed: Record<string, tf.Tensor> = {};
      for (const [name, g] of Object.entries(grads)) routed[latentFor.get(name)?.name ?? name] = g;
      optimizer.applyGradients(routed as unknown as tf.NamedTensorMap & Record<string, tf.Variable>);
      // Full-precision candidates train their layer variable directly; keep the latent copy in step.
      for (const [l, k] of kernels) if (!binary.has(l)) (latent.get(l) as tf.Variable).assign(k.read());
      lossSum += value.dataSync()[0] * (e - s);
      tf.dispose([value, b.x, b.y, ...Object.values(grads)]);
      if (s % (o.batchSize * 100) === 0) log(`  epoch ${epoch + 1}: ${e}/${trainN} images, loss ${(lossSum / e).toFixed(4)}`);
    }
    setKernels(binary);
    const fp = heldOutScore(model, heldOut, data.classes);
    const estimates = estimate(binary);
    binary = new Set(estimates.filter((x) => x.binary).map((x) => x.layer));
    setKernels(binary);
    const record: AlbsnnEpoch = {
      epoch: epoch + 1, heldOutLoss: fp.loss, heldOutAccuracy: fp.accuracy, trainedBinary: [...trained], estimates,
      trainLoss: lossSum / trainN, seconds: (performance.now() - t0) / 1000,
    };
    if (o.test) record.testAccuracy = evaluateAccuracy(model, o.test);
    epochs.push(record);
    log(`epoch ${epoch + 1}: train loss ${record.trainLoss.toFixed(4)}, trained binary: ${trained.join(', ') || 'none'}; ` +
      `held-out loss ${fp.loss.toFixed(4)} acc ${(100 * fp.accuracy).toFixed(2)}%; ` +
      estimates.map((x) => `${x.layer} dL ${x.deltaLoss.toFixed(4)} (acc ${(100 * x.accuracy).toFixed(2)}% vs ${(100 * x.accuracyFullPrecision).toFixed(2)}%)${x.binary ? ' binary' : ''}`).join('; ') +
      (record.testAccuracy !== undefined ? `; test acc ${(100 * record.testAccuracy).toFixed(2)}% with binary: ${[...binary].join(', ') || 'none'}` : ''));
  }
  setKernels(binary);
  if (!existsSync(o.outDir)) mkdirSync(o.outDir, { recursive: true });
  await saveModel(model, o.outDir);
  const report: AlbsnnReport = {
    settings: o.settings ?? {}, estimator: ESTIMATOR_TEXT, tolerance: o.tolerance, heldOutImages: o.heldOut,
    trainImages: trainN, epochs, binaryLayers: [...binary],
    testAccuracy: epochs[epochs.length - 1]?.testAccuracy, initialTestAccuracy,
    wallSeconds: (performance.now() - start) / 1000, backend: tf.getBackend(), finishedAt: new Date().toISOString(),
  };
  writeFileSync(join(o.outDir, 'albsnn.json'), `${JSON.stringify(report, null, 2)}\n`);
  tf.dispose([heldOut.x, heldOut.y, ...latent.values()]);
  optimizer.dispose();
  return report;
}
