import test from 'ava';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { importLayersModel } from '../../src/model/tfjs-import.ts';
import { inferShapes } from '../../src/model/shapes.ts';
import { forwardBatch } from '../../src/run/forward.ts';
import { PAPER_DEFAULTS } from '../../src/stcb/schedule.ts';
import { cpuBackend, randomArray } from '../helpers.ts';

test.before(cpuBackend);

/** Saves a LayersModel as model.json + weights.bin in a fresh folder (the tfjs file format). */
async function saveModel(model: tf.LayersModel): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-import-'));
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    writeFileSync(join(dir, 'model.json'), JSON.stringify({
      modelTopology: artifacts.modelTopology,
      format: 'layers-model',
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }));
    writeFileSync(join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return join(dir, 'model.json');
}

function functionalModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 2] });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }).apply(input) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: 'c2' }).apply(c1) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(c2) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: 'add' }).apply([bn, c1]) as tf.SymbolicTensor;
  const r = tf.layers.reLU({ name: 'r' }).apply(add) as tf.SymbolicTensor;
  const p = tf.layers.maxPooling2d({ poolSize: 2, name: 'p' }).apply(r) as tf.SymbolicTensor;
  const c3 = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu', name: 'c3' }).apply(p) as tf.SymbolicTensor;
  const f = tf.layers.flatten({ name: 'f' }).apply(c3) as tf.SymbolicTensor;
  const d = tf.layers.dense({ units: 3, name: 'd' }).apply(f) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: d, name: 'func' });
}

test('a functional tfjs model imports with identical predictions (ANN form)', async (t) => {
  const model = functionalModel();
  // Non-trivial batch-norm statistics, so a wrong mapping would show.
  const bn = model.getLayer('bn');
  bn.setWeights(bn.getWeights().map((w, i) => tf.add(w, tf.scalar(0.1 * (i + 1)))));
  const path = await saveModel(model);
  const imported = importLayersModel(path);
  const x = tf.tensor4d(randomArray(2 * 8 * 8 * 2, 5), [2, 8, 8, 2]);
  const ours = forwardBatch(imported.graph, inferShapes(imported.graph), imported.weights, x, { settings: { ...PAPER_DEFAULTS } });
  const theirs = model.predict(x) as tf.Tensor;
  const a = ours.logits.dataSync();
  const b = theirs.dataSync();
  t.is(a.length, b.length);
  for (let i = 0; i < a.length; i++) t.true(Math.abs(a[i] - b[i]) < 1e-4, `${a[i]} vs ${b[i]}`);
  t.true(imported.weights.trained);
});

test('a sequential model imports; unsupported layers and truncated weights give clear errors', async (t) => {
  const seq = tf.sequential({ name: 'seq' });
  seq.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu', name: 'conv' }));
  seq.add(tf.layers.flatten({ name: 'flat' }));
  seq.add(tf.layers.dense({ units: 2, name: 'out' }));
  const path = await saveModel(seq);
  const g = importLayersModel(path).graph;
  t.deepEqual(g.nodes.map((n) => n.kind), ['input', 'conv2d', 'relu', 'flatten', 'dense']);

  const lstm = tf.sequential();
  lstm.add(tf.layers.dense({ inputShape: [4], units: 3, activation: 'sigmoid', name: 'sig' }));
  const badPath = await saveModel(lstm);
  t.throws(() => importLayersModel(badPath), { message: /layer "sig" \(Dense\).*activation "sigmoid" is not supported/ });

  const weights = join(path, '..', 'weights.bin');
  writeFileSync(weights, readFileSync(weights).subarray(0, 20));
  t.throws(() => importLayersModel(path), { message: /truncated.*"conv\/kernel"|truncated/ });
});
