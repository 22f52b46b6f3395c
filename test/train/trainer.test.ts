import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { train, shuffledIndices, evaluateAccuracy, type TrainData, type TrainReport } from '../../src/train/trainer.ts';
import { buildModel } from '../../src/train/build.ts';
import { loadModel } from '../../src/train/io.ts';
import { GraphBuilder } from '../../src/model/builder.ts';

test.before(async () => {
  await tf.setBackend('cpu');
});

function graph() {
  const b = new GraphBuilder('tiny', [6, 6, 1]);
  const x = b.maxpool(b.convBnRelu('input', 'conv1', 4), 'pool1', 2);
  return b.build(b.dense(b.flatten(b.convBnRelu(x, 'conv2', 4), 'flatten'), 'fc', 2));
}

/** Two separable classes: bright top half vs bright bottom half. */
function data(n: number): TrainData {
  const images = new Float32Array(n * 36);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 36; p++) {
      const top = p < 18;
      images[i * 36 + p] = (top === (labels[i] === 0) ? 0.8 : 0.1) + ((i * 7 + p * 3) % 10) / 100;
    }
  }
  return { images, labels, shape: [n, 6, 6, 1], classes: 2 };
}

test('shuffledIndices is a seeded permutation', (t) => {
  const a = shuffledIndices(50, 3);
  t.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  t.deepEqual([...a], [...shuffledIndices(50, 3)]);
  t.notDeepEqual([...a], [...shuffledIndices(50, 4)]);
});

test('train writes model, train.json and checkpoints; resume continues from the last epoch', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stcsim-trainer-'));
  const d = data(32);
  const opts = { outDir: out, batchSize: 8, learningRate: 0.01, seed: 2, test: d, progress: 'none' as const, settings: { network: 'tiny' } };
  // An "interrupted" run: 2 of 3 epochs.
  const first = await train(buildModel(graph(), { mode: 'stcsnn', seed: 1 }), d, { ...opts, epochs: 2 });
  t.is(first.history.length, 2);
  t.true(existsSync(join(out, 'checkpoint', 'state.json')));
  const resumed = await train(buildModel(graph(), { mode: 'stcsnn', seed: 99 }), d, { ...opts, epochs: 3, resume: true });
  t.is(resumed.resumedFromEpoch, 2);
  t.deepEqual(resumed.history.slice(0, 2).map((h) => h.loss), first.history.map((h) => h.loss));
  t.is(resumed.history.length, 3);
  const json = JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')) as TrainReport;
  t.is(json.backend, 'cpu');
  t.deepEqual(json.settings, { network: 'tiny' });
  t.is(json.history.length, 3);
  t.true(json.wallSeconds > 0);
  t.true((json.testAccuracy ?? 0) >= 0.9, `test accuracy ${json.testAccuracy}`);
  const saved = await loadModel(out);
  t.is(evaluateAccuracy(saved, d), json.testAccuracy ?? -1);
});

test('train rejects bad settings and mismatched data', async (t) => {
  const model = buildModel(graph(), { mode: 'ann' });
  const out = mkdtempSync(join(tmpdir(), 'stcsim-trainer-'));
  await t.throwsAsync(train(model, data(4), { epochs: 0, outDir: out }), { message: /epochs must be a positive integer/ });
  const bad = { ...data(4), labels: new Int32Array(3) };
  await t.throwsAsync(train(model, bad, { epochs: 1, outDir: out, progress: 'none' }), { message: /do not fit shape/ });
});
