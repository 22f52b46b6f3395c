/**
 * Kill-and-resume for train (issue 13): a run stopped after a checkpoint and then "killed" inside the
 * next checkpoint save (a half-written staging set; or between the two renames of the swap) resumes to
 * exactly the weights and history of an uninterrupted run. Also: a finished run is not overwritten
 * without resume/force, and a damaged checkpoint state is an error naming its file.
 */
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { train, type TrainData, type TrainOptions } from '../../src/train/trainer.ts';
import { buildModel } from '../../src/train/build.ts';
import { loadModel } from '../../src/train/io.ts';
import { GraphBuilder } from '../../src/model/builder.ts';
import { UsageError } from '../../src/util/errors.ts';

test.before(async () => {
  await tf.setBackend('cpu');
});

const root = mkdtempSync(join(tmpdir(), 'stcsim-resume-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

function graph() {
  const b = new GraphBuilder('tiny', [6, 6, 1]);
  return b.build(b.dense(b.flatten(b.convBnRelu('input', 'conv1', 3), 'flatten'), 'fc', 2));
}

function data(n: number): TrainData {
  const images = new Float32Array(n * 36);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 36; p++) images[i * 36 + p] = ((p < 18) === (labels[i] === 0) ? 0.8 : 0.1) + ((i * 7 + p * 3) % 10) / 100;
  }
  return { images, labels, shape: [n, 6, 6, 1], classes: 2 };
}

const d = data(24);
const opts = (outDir: string): TrainOptions => ({ outDir, epochs: 3, batchSize: 8, learningRate: 0.01, seed: 3, progress: 'none', test: d });
const fresh = () => buildModel(graph(), { mode: 'stcsnn', seed: 1 });

async function savedWeights(dir: string): Promise<number[][]> {
  const m = await loadModel(dir);
  const w = m.getWeights().map((t) => Array.from(t.dataSync()));
  m.dispose();
  return w;
}

/** Trains epochs 1-2 of a 3-epoch run and stops right after the epoch-2 checkpoint (a kill there). */
async function stoppedAfterEpoch2(dir: string): Promise<void> {
  const stop = new Error('killed');
  await train(fresh(), d, { ...opts(dir), onEpoch: (r) => { if (r.epoch === 2) throw stop; } }).catch((e) => { if (e !== stop) throw e; });
}

let reference: { weights: number[][]; losses: number[] } | undefined;
async function uninterrupted(): Promise<{ weights: number[][]; losses: number[] }> {
  if (!reference) {
    const dir = join(root, 'uninterrupted');
    const r = await train(fresh(), d, opts(dir));
    reference = { weights: await savedWeights(dir), losses: r.history.map((h) => h.loss) };
  }
  return reference;
}

const crashes: Record<string, (dir: string) => void> = {
  // Killed while writing the epoch-3 checkpoint: a staging set with a torn weights file and no state.
  'inside the save': (dir) => {
    mkdirSync(join(dir, 'checkpoint.staging'), { recursive: true });
    writeFileSync(join(dir, 'checkpoint.staging', 'weights.bin'), new Uint8Array(5));
  },
  // Killed between the two renames of the swap: only checkpoint.old holds the epoch-2 set.
  'between the renames': (dir) => {
    renameSync(join(dir, 'checkpoint'), join(dir, 'checkpoint.old'));
  },
};

for (const [when, crash] of Object.entries(crashes)) {
  test.serial(`train killed ${when} resumes to the weights and history of an uninterrupted run`, async (t) => {
    const ref = await uninterrupted();
    const dir = join(root, when.replace(/ /g, '-'));
    await stoppedAfterEpoch2(dir);
    crash(dir);
    const resumed = await train(fresh(), d, { ...opts(dir), resume: true });
    t.is(resumed.resumedFromEpoch, 2);
    t.deepEqual(resumed.history.map((h) => h.loss), ref.losses);
    t.deepEqual(await savedWeights(dir), ref.weights);
    t.false(existsSync(join(dir, 'checkpoint.staging')));
    t.false(existsSync(join(dir, 'checkpoint.old')));
  });
}

test.serial('train into a finished run refuses without --resume or --force; --force starts over', async (t) => {
  const dir = join(root, 'finished');
  await train(fresh(), d, { ...opts(dir), epochs: 1 });
  const err = await t.throwsAsync(train(fresh(), d, { ...opts(dir), epochs: 1 }), { instanceOf: UsageError, message: /holds a finished run \(train\.json\); refusing to overwrite it/ });
  t.regex((err as UsageError).hint ?? '', /--resume.*--force/);
  const again = await train(fresh(), d, { ...opts(dir), epochs: 1, force: true });
  t.is(again.resumedFromEpoch, 0);
});

test.serial('an empty or damaged checkpoint state is an error naming the file', async (t) => {
  const dir = join(root, 'damaged');
  await stoppedAfterEpoch2(dir);
  const state = join(dir, 'checkpoint', 'state.json');
  writeFileSync(state, '');
  await t.throwsAsync(train(fresh(), d, { ...opts(dir), resume: true }), { instanceOf: UsageError, message: new RegExp(`${state}: checkpoint state is not valid JSON \\(the file is empty\\)`) });
  writeFileSync(state, '{"epoch": "two"}');
  await t.throwsAsync(train(fresh(), d, { ...opts(dir), resume: true }), { instanceOf: UsageError, message: new RegExp(`${state}: checkpoint state needs "epoch"`) });
});
