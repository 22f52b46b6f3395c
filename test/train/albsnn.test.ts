import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GraphBuilder } from '../../src/model/builder.ts';
import { isBinaryKernel } from '../../src/model/binarize.ts';
import { buildModel } from '../../src/train/build.ts';
import { trainAlbsnn, type AlbsnnReport } from '../../src/train/albsnn.ts';
import { loadModel } from '../../src/train/io.ts';
import { cpuBackend, randomArray } from '../helpers.ts';

test.before(cpuBackend);

test('train-binary: estimates are loss differences, the saved kernels of the chosen layers are +-alpha', async (t) => {
  const b = new GraphBuilder('tiny', [6, 6, 1]);
  const graph = b.build(b.dense(b.flatten(b.relu(b.conv('input', 'conv1', 4, 3), 'relu1'), 'flat'), 'fc', 3));
  const model = buildModel(graph, { mode: 'stcsnn', seed: 2 });
  const n = 96;
  const images = randomArray(n * 36, 5, 0, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => (images[i * 36] > 0.5 ? 1 : 0) + (images[i * 36 + 35] > 0.5 ? 1 : 0));
  const out = mkdtempSync(join(tmpdir(), 'stcsim-albsnn-'));
  // Tolerance 10 keeps every layer binary; the check is on what was saved and recorded.
  const r = await trainAlbsnn(model, { images, labels, shape: [n, 6, 6, 1], classes: 3 }, {
    epochs: 2, outDir: out, candidates: ['conv1', 'fc'], heldOut: 32, tolerance: 10, batchSize: 16, learningRate: 1e-3, seed: 1, log: () => undefined,
  });
  const saved = JSON.parse(readFileSync(join(out, 'albsnn.json'), 'utf8')) as AlbsnnReport;
  t.deepEqual(saved.binaryLayers, r.binaryLayers);
  t.deepEqual(r.binaryLayers.sort(), ['conv1', 'fc']);
  t.is(r.epochs.length, 2);
  for (const e of r.epochs) for (const x of e.estimates) t.true(Math.abs(x.deltaLoss - (x.loss - x.lossFullPrecision)) < 1e-12);
  const reloaded = await loadModel(out);
  for (const name of ['conv1', 'fc']) {
    const k = reloaded.getLayer(name).getWeights()[0];
    t.true(isBinaryKernel(k.dataSync() as Float32Array, k.shape[k.rank - 1]), name);
  }
  tf.dispose([model, reloaded].flatMap((m) => m.getWeights()));
});
