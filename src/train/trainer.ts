/**
 * The training loop: Adam on mini-batches with seeded shuffling, a progress bar (loss, accuracy,
 * images/s), a checkpoint after every epoch (model + Adam state + epoch number) so that an interrupted
 * run resumes with `resume: true` losing at most the epoch in progress, the final model saved with
 * io.ts and a `train.json` beside it.
 *
 * Loss: softmax cross-entropy on the logits (the networks end in a linear layer, no softmax).
 * Learning rate: cosine decay from `learningRate` to 0 over the epochs (or constant), set per epoch,
 * so a resumed run follows the same schedule as an uninterrupted one.
 */
import { prng } from '../util/random.ts';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { loadModel, loadOptimizerState, saveModel, saveOptimizerState } from './io.ts';
import { UsageError } from '../util/errors.ts';
import { lockOutput, writeFileAtomic } from '../util/output-dir.ts';
import { onlineStep } from './online.ts';

export interface TrainData {
  /** NHWC float32 images. */
  images: Float32Array;
  labels: Int32Array;
  shape: [number, number, number, number];
  classes: number;
  /** Where the data came from (folder), for train.json. */
  source?: string;
}

export type ProgressMode = 'bar' | 'log' | 'none';

export interface TrainOptions {
  epochs: number;
  outDir: string;
  batchSize?: number;
  learningRate?: number;
  lrSchedule?: 'cosine' | 'constant';
  seed?: number;
  resume?: boolean;
  /** Start over in a folder that holds a finished run or a checkpoint (without it, that is refused). */
  force?: boolean;
  /** Test split: evaluated after every epoch and at the end. */
  test?: TrainData;
  /** 'bar' on a terminal, else a log line every few seconds. */
  progress?: ProgressMode;
  /** Free-form settings recorded in train.json (network, mode, STCB settings, dataset, ...). */
  settings?: Record<string, unknown>;
  /**
   * `bptt` (default): one graph over all steps (backprop through time, or the STCB's equivalent
   * gradient). `trace`: trace-based online training of a LIF-family network (train/online.ts).
   */
  training?: 'bptt' | 'trace';
  /** Called after each epoch (after the checkpoint is written). */
  onEpoch?: (record: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  testAccuracy?: number;
  learningRate: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface TrainReport {
  settings: Record<string, unknown>;
  epochs: number;
  batchSize: number;
  learningRate: number;
  lrSchedule: 'cosine' | 'constant';
  seed: number;
  trainImages: number;
  testImages: number;
  dataSource?: string;
  history: EpochRecord[];
  testAccuracy?: number;
  wallSeconds: number;
  backend: string;
  tfjsVersion: string;
  /** Epochs that were run in an earlier, interrupted process and restored from the checkpoint. */
  resumedFromEpoch: number;
  finishedAt: string;
}

export const CHECKPOINT_DIR = 'checkpoint';
export const TRAIN_JSON = 'train.json';
/** A checkpoint being written; swapped in for CHECKPOINT_DIR only once complete. */
const CHECKPOINT_STAGING = 'checkpoint.staging';
/** The previous checkpoint during the swap (a kill between the two renames leaves only this one). */
const CHECKPOINT_OLD = 'checkpoint.old';

/**
 * Writes a checkpoint as one set (weights, Adam state, state.json) into a staging folder, then swaps it
 * for the previous one with two renames: a kill at any moment leaves one complete checkpoint, either
 * the previous epoch's or this one's, never weights of one epoch with the state of another.
 */
async function saveCheckpoint(outDir: string, model: tf.LayersModel, optimizer: tf.Optimizer, state: CheckpointState): Promise<void> {
  const stage = join(outDir, CHECKPOINT_STAGING);
  const current = join(outDir, CHECKPOINT_DIR);
  const old = join(outDir, CHECKPOINT_OLD);
  rmSync(stage, { recursive: true, force: true });
  await saveModel(model, stage);
  await saveOptimizerState(optimizer, stage);
  writeJson(join(stage, 'state.json'), state);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(current)) renameSync(current, old);
  renameSync(stage, current);
  rmSync(old, { recursive: true, force: true });
}

/** The complete checkpoint folder to resume from, if any: the current one, or the previous one after a kill mid-swap. */
function checkpointToResume(outDir: string): string | undefined {
  for (const name of [CHECKPOINT_DIR, CHECKPOINT_OLD]) {
    const dir = join(outDir, name);
    if (existsSync(join(dir, 'state.json'))) return dir;
  }
  return undefined;
}

/** state.json of a checkpoint, checked: an empty or corrupt file is an error naming it. */
function readCheckpointState(file: string): CheckpointState {
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    if (text.trim() === '') throw new Error('the file is empty');
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: checkpoint state is not valid JSON (${(e as Error).message})`, 'the checkpoint is damaged; pass --force (without --resume) to start over');
  }
  const st = raw as Partial<CheckpointState>;
  if (typeof raw !== 'object' || raw === null || !Number.isInteger(st.epoch) || (st.epoch ?? -1) < 0 || !Array.isArray(st.history) || typeof st.wallSeconds !== 'number') {
    throw new UsageError(`${file}: checkpoint state needs "epoch" (integer >= 0), "history" (list) and "wallSeconds" (number)`, 'the checkpoint is damaged; pass --force (without --resume) to start over');
  }
  return st as CheckpointState;
}

/** Without resume or force, a folder holding a finished run or a checkpoint is refused (nothing is overwritten). */
export function refuseExistingRun(outDir: string): void {
  const finished = join(outDir, TRAIN_JSON);
  const ck = checkpointToResume(outDir);
  if (existsSync(finished) || ck) {
    throw new UsageError(
      `${outDir}: holds ${existsSync(finished) ? `a finished run (${TRAIN_JSON})` : `a checkpoint (${ck})`}; refusing to overwrite it`,
      'pass --resume to continue it, --force to start over, or choose another --out',
    );
  }
}

/** Adam whose learning rate can change between epochs (tfjs keeps it protected). */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

export function shuffledIndices(n: number, seed: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const rnd = prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

function gatherBatch(data: TrainData, idx: Int32Array | null, start: number, end: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const [, h, w, c] = data.shape;
  const px = h * w * c;
  const n = end - start;
  const xs = new Float32Array(n * px);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = idx ? idx[start + i] : start + i;
    xs.set(data.images.subarray(src * px, (src + 1) * px), i * px);
    ys[i] = data.labels[src];
  }
  return { x: tf.tensor4d(xs, [n, h, w, c]), y: tf.tensor1d(ys, 'int32') };
}

/** Inference-mode predictions (class indices) for a whole dataset. */
export function predictClasses(model: tf.LayersModel, data: TrainData, batchSize = 256): Int32Array {
  const n = data.shape[0];
  const out = new Int32Array(n);
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const { x, y } = gatherBatch(data, null, s, e);
    const pred = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1));
    out.set(pred.dataSync() as Int32Array, s);
    tf.dispose([x, y, pred]);
  }
  return out;
}

/** Top-1 accuracy in [0, 1] in inference mode (batch norm uses its moving statistics). */
export function evaluateAccuracy(model: tf.LayersModel, data: TrainData, batchSize = 256): number {
  const pred = predictClasses(model, data, batchSize);
  let correct = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === data.labels[i]) correct++;
  return correct / pred.length;
}

function lrAt(epoch: number, opts: Required<Pick<TrainOptions, 'epochs' | 'learningRate' | 'lrSchedule'>>): number {
  if (opts.lrSchedule === 'constant') return opts.learningRate;
  return opts.learningRate * 0.5 * (1 + Math.cos((Math.PI * epoch) / opts.epochs));
}

interface CheckpointState {
  epoch: number;
  history: EpochRecord[];
  wallSeconds: number;
}

/** Atomic (temp file + rename): a kill never leaves a torn train.json or state.json. */
function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private lastLog = 0;
  constructor(private readonly mode: ProgressMode, private readonly total: number, private readonly label: string) {
    if (mode === 'bar') {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {value}/{total} img | loss {loss} | acc {acc} | {ips} img/s | eta {eta_formatted}`,
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { loss: '-', acc: '-', ips: '-' });
    }
  }
  update(done: number, loss: number, acc: number, ips: number): void {
    const payload = { loss: loss.toFixed(4), acc: (100 * acc).toFixed(2) + '%', ips: ips.toFixed(0) };
    if (this.bar) this.bar.update(done, payload);
    else if (this.mode === 'log' && (Date.now() - this.lastLog > 15000 || done === this.total)) {
      this.lastLog = Date.now();
      process.stderr.write(`${this.label} ${done}/${this.total} img | loss ${payload.loss} | acc ${payload.acc} | ${payload.ips} img/s\n`);
    }
  }
  stop(): void {
    this.bar?.stop();
  }
}

/**
 * Trains `model` in place and saves it to `opts.outDir` (model.json, weights.bin, train.json).
 * With `resume`, restores weights, Adam state and history from `outDir/checkpoint/` and continues.
 */
export async function train(model: tf.LayersModel, data: TrainData, opts: TrainOptions): Promise<TrainReport> {
  const batchSize = opts.batchSize ?? 64;
  const learningRate = opts.learningRate ?? 1e-3;
  const lrSchedule = opts.lrSchedule ?? 'cosine';
  const seed = opts.seed ?? 1;
  const progress = opts.progress ?? (process.stderr.isTTY ? 'bar' : 'log');
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${opts.epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const n = data.shape[0];
  if (data.labels.length !== n || data.images.length !== n * data.shape[1] * data.shape[2] * data.shape[3]) {
    throw new RangeError(`training data: ${data.images.length} pixels and ${data.labels.length} labels do not fit shape [${data.shape.join(', ')}]`);
  }
  if (!opts.resume && !opts.force) refuseExistingRun(opts.outDir);
  mkdirSync(opts.outDir, { recursive: true });
  // One run per folder at a time (util/output-dir.ts): a second one is refused, naming the pid.
  const release = lockOutput(opts.outDir);
  try {
    return await trainLocked(model, data, opts, { batchSize, learningRate, lrSchedule, seed, progress, n });
  } finally {
    release();
  }
}

async function trainLocked(
  model: tf.LayersModel, data: TrainData, opts: TrainOptions,
  c: { batchSize: number; learningRate: number; lrSchedule: 'cosine' | 'constant'; seed: number; progress: ProgressMode; n: number },
): Promise<TrainReport> {
  const { batchSize, learningRate, lrSchedule, seed, progress, n } = c;
  if (opts.force && !opts.resume) for (const d of [CHECKPOINT_DIR, CHECKPOINT_OLD, CHECKPOINT_STAGING]) rmSync(join(opts.outDir, d), { recursive: true, force: true });
  const optimizer = new ScheduledAdam(learningRate, 0.9, 0.999, 1e-7);
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);

  let state: CheckpointState = { epoch: 0, history: [], wallSeconds: 0 };
  const ckDir = opts.resume ? checkpointToResume(opts.outDir) : undefined;
  if (ckDir) {
    state = readCheckpointState(join(ckDir, 'state.json'));
    const saved = await loadModel(ckDir);
    model.setWeights(saved.getWeights());
    saved.dispose();
    await loadOptimizerState(optimizer, ckDir);
    process.stderr.write(`resuming from ${ckDir} after epoch ${state.epoch}\n`);
  }
  const resumedFromEpoch = state.epoch;

  for (let epoch = state.epoch; epoch < opts.epochs; epoch++) {
    const lr = lrAt(epoch, { epochs: opts.epochs, learningRate, lrSchedule });
    optimizer.setLearningRate(lr);
    const order = shuffledIndices(n, seed * 100003 + epoch);
    const bar = new Progress(progress, n, `epoch ${epoch + 1}/${opts.epochs}`);
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const { x, y } = gatherBatch(data, order, s, e);
      if (opts.training === 'trace') {
        const r = onlineStep(model, x, y, data.classes, optimizer, varList);
        for (let i = 0; i < r.predicted.length; i++) if (r.predicted[i] === data.labels[order[s + i]]) correct++;
        lossSum += r.loss * (e - s);
        tf.dispose([x, y]);
        if (!Number.isFinite(r.loss)) throw new Error(`loss became ${r.loss} at epoch ${epoch + 1}, images ${s}..${e}; lower the learning rate`);
        bar.update(e, lossSum / e, correct / e, e / ((performance.now() - t0) / 1000));
        continue;
      }
      let pred: tf.Tensor | null = null;
      const loss = optimizer.minimize(
        () => {
          const logits = model.apply(x, { training: true }) as tf.Tensor;
          pred = tf.keep(tf.argMax(logits, 1));
          return tf.losses.softmaxCrossEntropy(tf.oneHot(y, data.classes), logits) as tf.Scalar;
        },
        true,
        varList,
      );
      const lossValue = (loss as tf.Scalar).dataSync()[0];
      const p = (pred as tf.Tensor | null)?.dataSync() ?? new Int32Array(0);
      for (let i = 0; i < p.length; i++) if (p[i] === data.labels[order[s + i]]) correct++;
      lossSum += lossValue * (e - s);
      tf.dispose([x, y, loss as tf.Scalar, pred as tf.Tensor | null].filter((t): t is tf.Tensor => t !== null));
      if (!Number.isFinite(lossValue)) throw new Error(`loss became ${lossValue} at epoch ${epoch + 1}, images ${s}..${e}; lower the learning rate`);
      bar.update(e, lossSum / e, correct / e, e / ((performance.now() - t0) / 1000));
    }
    bar.stop();
    const seconds = (performance.now() - t0) / 1000;
    const record: EpochRecord = {
      epoch: epoch + 1,
      loss: lossSum / n,
      accuracy: correct / n,
      learningRate: lr,
      seconds,
      imagesPerSecond: n / seconds,
    };
    if (opts.test) record.testAccuracy = evaluateAccuracy(model, opts.test);
    state = { epoch: epoch + 1, history: [...state.history, record], wallSeconds: state.wallSeconds + (performance.now() - t0) / 1000 };
    await saveCheckpoint(opts.outDir, model, optimizer, state);
    process.stderr.write(
      `epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, train acc ${(100 * record.accuracy).toFixed(2)}%` +
        (record.testAccuracy !== undefined ? `, test acc ${(100 * record.testAccuracy).toFixed(2)}%` : '') +
        `, ${seconds.toFixed(1)} s (${record.imagesPerSecond.toFixed(0)} img/s)\n`,
    );
    opts.onEpoch?.(record);
  }

  await saveModel(model, opts.outDir);
  const last = state.history[state.history.length - 1];
  const report: TrainReport = {
    settings: opts.settings ?? {},
    epochs: opts.epochs,
    batchSize,
    learningRate,
    lrSchedule,
    seed,
    trainImages: n,
    testImages: opts.test?.shape[0] ?? 0,
    dataSource: data.source,
    history: state.history,
    testAccuracy: last?.testAccuracy ?? (opts.test ? evaluateAccuracy(model, opts.test) : undefined),
    wallSeconds: state.wallSeconds,
    backend: tf.getBackend(),
    tfjsVersion: tf.version.tfjs,
    resumedFromEpoch,
    finishedAt: new Date().toISOString(),
  };
  writeJson(join(opts.outDir, TRAIN_JSON), report);
  optimizer.dispose();
  return report;
}
