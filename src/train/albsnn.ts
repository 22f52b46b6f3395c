/**
 * ALBSNN: adaptive local binary weights chosen by an accuracy-loss estimator (seed paper 2; its
 * equations were lost in extraction, so the estimator below is this project's definition).
 *
 * Binary layer: every kernel value becomes +-alpha_c, alpha_c = mean |W_c| over output channel c
 * (the last kernel axis), i.e. `quantizeWeightsPerChannel(w, C, 1)`: the L2-optimal scale of a sign code.
 * Training keeps a real-valued latent kernel per binary layer (BinaryConnect): the forward pass uses
 * binarise(latent), the gradient with respect to the binarised kernel is applied to the latent one
 * (straight-through estimator); see albsnn-kernels.ts.
 *
 * Accuracy-loss estimator, measured on a held-out batch (training images the optimiser never sees).
 * Reference: L_ref, the held-out cross-entropy of the starting full-precision network. Epoch 1 trains
 * every candidate binary. After each epoch, with B the layers trained binary in it, for each candidate l:
 *   L_with(l)    = held-out loss with B + {l} binarised,
 *   L_without(l) = the same with B - {l} binarised and l at full precision: its starting kernel if l
 *                  was trained binary (the latent kernel was trained to work binarised, so as a
 *                  full-precision layer it is poor and would make every layer look free to binarise),
 *                  else its kernel as trained at full precision,
 *   deltaLoss_l  = L_with(l) - L_without(l)   (the loss attributable to binarising l, the rest fixed).
 * Selection for the next epoch: S = { l : deltaLoss_l <= tolerance x L_without(l) }. After the last
 * epoch, in addition, while the held-out loss of S exceeds (1 + tolerance) x L_ref (the network as a
 * whole may not lose more than that against the full-precision one), the layer of S with the largest
 * deltaLoss leaves S. A layer leaving the binary set goes back to its starting kernel (and trains at
 * full precision from there, before the last epoch; batch-norm statistics are re-estimated).
 * The selection made after the last epoch is saved (its held-out loss is the one measured for it),
 * with its kernels binarised (+-alpha values), so every later tool sees 1-bit layers. Held-out
 * scores use the batch's own batch-norm statistics (see heldOutScore).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shuffledIndices, evaluateAccuracy, type TrainData } from './trainer.ts';
import { saveModel } from './io.ts';
import { CandidateKernels } from './albsnn-kernels.ts';

export interface AlbsnnOptions {
  epochs: number;
  outDir: string;
  /** Weight layers (tfjs layer names) the estimator may binarise. */
  candidates: string[];
  /** Held-out images for the estimator (taken from the end of the training set, never trained on). */
  heldOut: number;
  /** Relative loss increase allowed per layer (deltaLoss_l <= tolerance * L_without) and for the network (<= (1 + tolerance) * L_ref). */
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
  /** Which full-precision kernel that was: the starting one (layer trained binary) or the one trained at full precision. */
  fullPrecisionKernel: 'start' | 'trained';
  deltaLoss: number;
  /** Held-out top-1 accuracy with this layer binarised / at full precision. */
  accuracy: number;
  accuracyFullPrecision: number;
  /** Passed the per-layer test deltaLoss <= tolerance x lossFullPrecision. */
  passes: boolean;
  /** Binary in the selection made after this epoch (passes and kept within the network's loss budget). */
  binary: boolean;
}

export interface Selection {
  binary: string[];
  /** Held-out loss and accuracy of the network with this selection (dropped layers at their starting kernels). */
  heldOutLoss: number;
  heldOutAccuracy: number;
  /** Layers that passed the per-layer test but left to keep the network within (1 + tolerance) x L_ref. */
  droppedForBudget: string[];
}

export interface AlbsnnEpoch {
  epoch: number;
  /** Held-out loss and accuracy after the epoch with the layers binarised during it. */
  heldOutLoss: number;
  heldOutAccuracy: number;
  /** Layers binarised during this epoch. */
  trainedBinary: string[];
  estimates: LayerEstimate[];
  selection: Selection;
  trainLoss: number;
  /** Test accuracy of the network with the selection made after this epoch. */
  testAccuracy?: number;
  seconds: number;
}

export interface AlbsnnReport {
  settings: Record<string, unknown>;
  estimator: string;
  tolerance: number;
  heldOutImages: number;
  trainImages: number;
  /** Held-out loss and accuracy of the starting full-precision network (L_ref), and the network budget (1 + tolerance) x L_ref. */
  reference: { loss: number; accuracy: number; budgetLoss: number };
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
  'after each epoch: deltaLoss = held-out cross-entropy with the layer binarised minus with it at full precision ' +
  '(its starting kernel if it was trained binary, other layers as selected); binary next epoch while deltaLoss <= tolerance x that ' +
  'full-precision loss, then layers leave by largest deltaLoss while the network loss exceeds (1 + tolerance) x the starting network\'s; ' +
  'epoch 1 trains every candidate binary';

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

interface Score { loss: number; accuracy: number }

/** Images per forward pass of the held-out scoring: batch statistics over this many images. */
const SCORE_CHUNK = 500;

/**
 * Held-out loss and accuracy with batch norm on the batch's own statistics (training-mode forward,
 * moving statistics restored afterwards): after a kernel changes (binarised, or back to its
 * starting value) the moving statistics belong to the other kernel, and would mostly measure that
 * mismatch rather than the kernel.
 */
function heldOutScore(model: tf.LayersModel, batch: Batch, classes: number): Score {
  const saved = model.nonTrainableWeights.map((w) => w.read().clone());
  const n = batch.y.shape[0];
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < n; s += SCORE_CHUNK) {
    const e = Math.min(n, s + SCORE_CHUNK);
    const [loss, hits] = tf.tidy(() => {
      const x = tf.slice(batch.x, [s, 0, 0, 0], [e - s, -1, -1, -1]);
      const y = tf.slice(batch.y, [s], [e - s]);
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      return [
        tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits).dataSync()[0] * (e - s),
        tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')).dataSync()[0],
      ];
    });
    lossSum += loss;
    correct += hits;
  }
  model.nonTrainableWeights.forEach((w, i) => w.write(saved[i]));
  tf.dispose(saved);
  return { loss: lossSum / n, accuracy: correct / n };
}

/**
 * Re-estimates the batch-norm moving statistics for the current kernels with
 * training-mode passes over training batches (no weight update): momentum 0.9 leaves 0.9^100 of the
 * old statistics after 100 batches.
 */
function recalibrateBatchNorm(model: tf.LayersModel, data: TrainData, trainN: number, batchSize: number, seed: number): void {
  const order = shuffledIndices(trainN, seed);
  for (let i = 0, s = 0; i < 100 && s < trainN; i++, s += batchSize) {
    const b = gather(data, order, s, Math.min(trainN, s + batchSize));
    tf.tidy(() => { model.apply(b.x, { training: true }); });
    tf.dispose([b.x, b.y]);
  }
}

const without = (set: ReadonlySet<string>, l: string): Set<string> => new Set([...set].filter((x) => x !== l));

/** The estimator and the selection rule (header comment), on the held-out batch. */
class Estimator {
  constructor(
    private readonly model: tf.LayersModel, private readonly kernels: CandidateKernels,
    private readonly heldOut: Batch, private readonly classes: number, private readonly tolerance: number,
  ) {}

  score(binary: ReadonlySet<string>, atStart: ReadonlySet<string> = new Set()): Score {
    this.kernels.set(binary, atStart);
    return heldOutScore(this.model, this.heldOut, this.classes);
  }

  /** Per-layer estimates after an epoch that trained `trained` binary. */
  estimate(trained: ReadonlySet<string>): Omit<LayerEstimate, 'binary'>[] {
    return this.kernels.candidates.map((l) => {
      const withL = this.score(new Set([...trained, l]));
      const fromStart = trained.has(l);
      const withoutL = this.score(without(trained, l), fromStart ? new Set([l]) : new Set());
      const deltaLoss = withL.loss - withoutL.loss;
      return {
        layer: l, loss: withL.loss, lossFullPrecision: withoutL.loss, fullPrecisionKernel: fromStart ? 'start' : 'trained', deltaLoss,
        accuracy: withL.accuracy, accuracyFullPrecision: withoutL.accuracy, passes: deltaLoss <= this.tolerance * withoutL.loss,
      };
    });
  }

  /** Passing layers, then the largest deltaLoss leaves while the network is over budget. */
  select(trained: ReadonlySet<string>, estimates: readonly Omit<LayerEstimate, 'binary'>[], budgetLoss: number): Selection {
    const chosen = new Set(estimates.filter((x) => x.passes).map((x) => x.layer));
    const delta = new Map(estimates.map((x) => [x.layer, x.deltaLoss]));
    const leaving = () => new Set([...trained].filter((l) => !chosen.has(l)));
    let s = this.score(chosen, leaving());
    const droppedForBudget: string[] = [];
    while (s.loss > budgetLoss && chosen.size > 0) {
      const worst = [...chosen].reduce((a, b) => ((delta.get(b) ?? 0) > (delta.get(a) ?? 0) ? b : a));
      chosen.delete(worst);
      droppedForBudget.push(worst);
      s = this.score(chosen, leaving());
    }
    return { binary: this.kernels.candidates.filter((l) => chosen.has(l)), heldOutLoss: s.loss, heldOutAccuracy: s.accuracy, droppedForBudget };
  }
}

interface EpochContext {
  model: tf.LayersModel;
  kernels: CandidateKernels;
  optimizer: tf.Optimizer;
  data: TrainData;
  trainN: number;
  o: AlbsnnOptions;
  log: (line: string) => void;
}

/** One epoch of straight-through training with `binary` binarised; returns the mean training loss. */
function trainEpoch(c: EpochContext, binary: ReadonlySet<string>, epoch: number): number {
  const { model, kernels, optimizer, data, trainN, o } = c;
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const routes = kernels.latentRoutes(binary);
  const order = shuffledIndices(trainN, o.seed * 100003 + epoch);
  let lossSum = 0;
  for (let s = 0; s < trainN; s += o.batchSize) {
    const e = Math.min(trainN, s + o.batchSize);
    kernels.set(binary);
    const b = gather(data, order, s, e);
    const { value, grads } = optimizer.computeGradients(() => {
      const logits = model.apply(b.x, { training: true }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(b.y, data.classes), logits) as tf.Scalar;
    }, varList);
    // Straight-through: the gradient of a binarised kernel updates its latent kernel.
    // A list, not a map: Adam keeps its moments by position, and a map would put numeric names first.
    const routed = varList.filter((v) => grads[v.name] !== undefined).map((v) => ({ name: routes.get(v.name)?.name ?? v.name, tensor: grads[v.name] }));
    optimizer.applyGradients(routed);
    kernels.syncFullPrecision(binary);
    lossSum += value.dataSync()[0] * (e - s);
    tf.dispose([value, b.x, b.y, ...Object.values(grads)]);
    if (s % (o.batchSize * 100) === 0) c.log(`  epoch ${epoch + 1}: ${e}/${trainN} images, loss ${(lossSum / e).toFixed(4)}`);
  }
  return lossSum / trainN;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function epochLine(r: AlbsnnEpoch): string {
  const est = r.estimates.map((x) => `${x.layer} dL ${x.deltaLoss.toFixed(4)} (acc ${pct(x.accuracy)} vs ${pct(x.accuracyFullPrecision)}, fp ${x.fullPrecisionKernel})${x.passes ? ' passes' : ''}`);
  return `epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}, trained binary: ${r.trainedBinary.join(', ') || 'none'}; ` +
    `held-out loss ${r.heldOutLoss.toFixed(4)} acc ${pct(r.heldOutAccuracy)}; ${est.join('; ')}; ` +
    `selected: ${r.selection.binary.join(', ') || 'none'} (held-out loss ${r.selection.heldOutLoss.toFixed(4)}, acc ${pct(r.selection.heldOutAccuracy)}` +
    `${r.selection.droppedForBudget.length > 0 ? `, left for the budget: ${r.selection.droppedForBudget.join(', ')}` : ''})` +
    (r.testAccuracy !== undefined ? `; test acc ${pct(r.testAccuracy)}` : '');
}

/** Fine-tunes `model` in place with ALBSNN layer selection; saves the binarised model and albsnn.json. */
export async function trainAlbsnn(model: tf.LayersModel, data: TrainData, o: AlbsnnOptions): Promise<AlbsnnReport> {
  const log = o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const n = data.shape[0];
  if (!(o.heldOut >= 1 && o.heldOut < n)) throw new RangeError(`held-out images must be in 1..${n - 1}, got ${o.heldOut}`);
  const trainN = n - o.heldOut;
  const heldOut = gather(data, new Int32Array(n).map((_, i) => i), trainN, n);
  const kernels = new CandidateKernels(model, o.candidates);
  const estimator = new Estimator(model, kernels, heldOut, data.classes, o.tolerance);
  const optimizer = tf.train.adam(o.learningRate);
  const ctx: EpochContext = { model, kernels, optimizer, data, trainN, o, log };
  const start = performance.now();
  const initialTestAccuracy = o.test ? evaluateAccuracy(model, o.test) : undefined;
  const ref = estimator.score(new Set());
  const reference = { ...ref, budgetLoss: (1 + o.tolerance) * ref.loss };
  log(`starting network: held-out loss ${ref.loss.toFixed(4)} acc ${pct(ref.accuracy)} (budget ${reference.budgetLoss.toFixed(4)})` +
    (initialTestAccuracy !== undefined ? `, test acc ${pct(initialTestAccuracy)}` : ''));
  const epochs: AlbsnnEpoch[] = [];
  let binary = new Set<string>(o.candidates);

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const t0 = performance.now();
    const trained = new Set(binary);
    const trainLoss = trainEpoch(ctx, trained, epoch);
    const after = estimator.score(trained);
    const estimates = estimator.estimate(trained);
    // The network budget is the final acceptance test: before the last epoch, layers that pass keep
    // training binary, so the network can adapt to them before it is judged as a whole.
    const last = epoch === o.epochs - 1;
    const selection = estimator.select(trained, estimates, last ? reference.budgetLoss : Infinity);
    binary = new Set(selection.binary);
    for (const l of trained) if (!binary.has(l)) kernels.restart(l);
    kernels.set(binary);
    // The moving statistics (test accuracy, saved model) follow the kernels now in place: they lag
    // behind binary kernels, whose signs kept flipping during the epoch, and belong to other kernels
    // after a layer returned to its starting kernel.
    recalibrateBatchNorm(model, data, trainN, o.batchSize, o.seed + epoch);
    const record: AlbsnnEpoch = {
      epoch: epoch + 1, heldOutLoss: after.loss, heldOutAccuracy: after.accuracy, trainedBinary: [...trained],
      estimates: estimates.map((x) => ({ ...x, binary: binary.has(x.layer) })), selection,
      trainLoss, seconds: (performance.now() - t0) / 1000,
    };
    if (o.test) record.testAccuracy = evaluateAccuracy(model, o.test);
    epochs.push(record);
    log(epochLine(record));
  }
  kernels.set(binary);
  if (!existsSync(o.outDir)) mkdirSync(o.outDir, { recursive: true });
  await saveModel(model, o.outDir);
  const report: AlbsnnReport = {
    settings: o.settings ?? {}, estimator: ESTIMATOR_TEXT, tolerance: o.tolerance, heldOutImages: o.heldOut,
    trainImages: trainN, reference, epochs, binaryLayers: [...binary],
    testAccuracy: epochs[epochs.length - 1]?.testAccuracy, initialTestAccuracy,
    wallSeconds: (performance.now() - start) / 1000, backend: tf.getBackend(), finishedAt: new Date().toISOString(),
  };
  writeFileSync(join(o.outDir, 'albsnn.json'), `${JSON.stringify(report, null, 2)}\n`);
  tf.dispose([heldOut.x, heldOut.y]);
  kernels.dispose();
  optimizer.dispose();
  return report;
}
