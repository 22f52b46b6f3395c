import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Steb, stebLayers, withStcbSettings } from '../../src/train/layers.ts';
import { loadModel, saveModel, ModelFileError } from '../../src/train/io.ts';
import { buildModel } from '../../src/train/build.ts';
import { GraphBuilder } from '../../src/model/builder.ts';
import { initBackend } from '../../src/run/backend.ts';
import { stebDecode } from '../../src/stcb/steb.ts';
import type { StcbSettings } from '../../src/stcb/schedule.ts';

const S: StcbSettings = { timesteps: 8, vth0: 0.8, tau: 2, schedule: 'exp' };
const tmp = (): string => mkdtempSync(join(tmpdir(), 'stcsim-train-'));

// WASM, the backend training runs on without tfjs-node: the overfit test's 150 Adam steps take a
// fifth of the cpu backend's time there.
test.before(async () => {
  await initBackend('wasm');
});

function tinyGraph() {
  const b = new GraphBuilder('tiny', [8, 8, 1]);
  let x = b.maxpool(b.convBnRelu('input', 'conv1', 4), 'pool1', 2);
  x = b.convBnRelu(x, 'conv2', 8);
  return b.build(b.dense(b.flatten(x, 'flatten'), 'fc', 4));
}

test('Steb forward value is the decoded x_hat and its gradient is the ReLU gradient', (t) => {
  const x = tf.tensor1d([-1.2, -0.1, 0.05, 0.3, 0.79, 0.81, 1.4, 2.5, 3]);
  const dy = tf.tensor1d([0.5, -2, 1, 3, -1, 0.25, 2, -0.5, 1.5]);
  const layer = new Steb({ ...S });
  const y = layer.apply(x) as tf.Tensor;
  t.deepEqual([...y.dataSync()], [...stebDecode(x, S).dataSync()]);
  const gSteb = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, dy)))(x);
  const gRelu = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), dy)))(x);
  t.deepEqual([...gSteb.dataSync()], [...gRelu.dataSync()]);
  // Independent: dy * 1[x > 0].
  t.deepEqual([...gSteb.dataSync()].map((v) => v + 0), [0, 0, 1, 3, -1, 0.25, 2, -0.5, 1.5]);
});

test('Steb getConfig round trip through fromConfig and tfjs serialization', (t) => {
  const a = new Steb({ name: 's1', timesteps: 5, vth0: 1.5, tau: 3, schedule: 'pow2' });
  const cfg = a.getConfig();
  t.like(cfg, { timesteps: 5, vth0: 1.5, tau: 3, schedule: 'pow2', name: 's1' });
  const b = Steb.fromConfig(Steb, cfg) as Steb;
  t.deepEqual(b.getConfig(), cfg);
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  t.truthy(registered['stcsim>Steb'] ?? registered.Steb, `registered: ${Object.keys(registered).filter((k) => k.includes('Steb'))}`);
  t.throws(() => Steb.fromConfig(Steb, { ...cfg, schedule: 'linear' }), { message: /schedule must be one of exp, pow2, const/ });
  t.throws(() => new Steb({ timesteps: 0, vth0: 1, tau: 2, schedule: 'exp' }), { message: /timesteps must be an integer/ });
});

test('a tiny STCSNN overfits a small batch', (t) => {
  const model = buildModel(tinyGraph(), { mode: 'stcsnn', stcb: S, seed: 3 });
  t.is(stebLayers(model).length, 1);
  const x = tf.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 11);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 3, 2, 1, 0, 3, 2, 1, 0], 'int32'), 4);
  const opt = tf.train.adam(0.02);
  const lossOf = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const first = lossOf().dataSync()[0];
  let last = first;
  for (let i = 0; i < 150; i++) last = (opt.minimize(lossOf, true) as tf.Scalar).dataSync()[0];
  t.true(first > 1, `initial loss ${first}`);
  t.true(last < 0.1, `final loss ${last}`);
});

test('save -> load round trip gives identical predictions; settings can be changed after loading', async (t) => {
  const model = buildModel(tinyGraph(), { mode: 'stcsnn', stcb: S, seed: 5 });
  const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 2);
  const before = (model.predict(x) as tf.Tensor).dataSync();
  const dir = tmp();
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  t.deepEqual([...(loaded.predict(x) as tf.Tensor).dataSync()], [...before]);
  t.deepEqual(stebLayers(loaded)[0].settings, S);
  const t4 = await withStcbSettings(loaded, { timesteps: 4 });
  t.is(stebLayers(t4)[0].timesteps, 4);
});

test('loading an unknown layer class, a truncated weights file or a missing file is a clear error', async (t) => {
  const model = buildModel(tinyGraph(), { mode: 'stcsnn', stcb: S, seed: 5 });
  const dir = tmp();
  await saveModel(model, dir);
  const jsonFile = join(dir, 'model.json');
  const json = readFileSync(jsonFile, 'utf8');
  const bogus = tmp();
  await saveModel(model, bogus);
  writeFileSync(join(bogus, 'model.json'), json.replaceAll('"class_name":"Steb"', '"class_name":"Bogus"'));
  await t.throwsAsync(loadModel(bogus), { instanceOf: ModelFileError, message: /unknown layer class "Bogus"/ });
  truncateSync(join(dir, 'weights.bin'), statSync(join(dir, 'weights.bin')).size - 8);
  await t.throwsAsync(loadModel(dir), { instanceOf: ModelFileError, message: /weights\.bin: holds \d+ bytes but .*model\.json describes \d+ bytes of weights \(truncated file/ });
  await t.throwsAsync(loadModel(join(dir, 'nope')), { message: /nope\/model\.json: model file not found/ });
  writeFileSync(jsonFile, json.slice(0, 100));
  await t.throwsAsync(loadModel(dir), { message: /model\.json: not valid JSON/ });
});

test('the ANN twin has the same weights layout and no Steb layers', (t) => {
  const snn = buildModel(tinyGraph(), { mode: 'stcsnn', stcb: S, seed: 1 });
  const ann = buildModel(tinyGraph(), { mode: 'ann', stcb: S, seed: 1 });
  t.is(stebLayers(ann).length, 0);
  t.deepEqual(ann.getWeights().map((w) => w.shape), snn.getWeights().map((w) => w.shape));
});
