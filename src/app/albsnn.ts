/**
 * `stcsim train-binary`: ALBSNN fine-tuning of a trained STCSNN (src/train/albsnn.ts) on a real
 * dataset. The estimator picks the weight layers to binarise; the saved model holds their +-alpha
 * kernels, so `profile` sees 1-bit layers and prices 1-bit weight storage for them.
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset, type DatasetName } from '../data/datasets.ts';
import { initBackend, type BackendChoice } from '../run/backend.ts';
import { loadModel } from '../train/io.ts';
import { trainAlbsnn, type AlbsnnReport } from '../train/albsnn.ts';

export interface TrainBinaryOptions {
  dataset: DatasetName;
  dataDir?: string;
  epochs: number;
  out: string;
  batch: number;
  lr: number;
  seed: number;
  heldOut: number;
  tolerance: number;
  limit?: number;
  testLimit?: number;
  /** Candidate layers (default: every Conv2D / Dense layer). */
  layers?: string[];
  backend?: BackendChoice;
}

export async function trainBinary(modelPath: string, o: TrainBinaryOptions): Promise<AlbsnnReport> {
  const backend = await initBackend(o.backend ?? 'auto');
  const trainSet = loadDataset(o.dataset, 'train', { dataDir: o.dataDir, limit: o.limit });
  const testSet = loadDataset(o.dataset, 'test', { dataDir: o.dataDir, limit: o.testLimit });
  const model = await loadModel(modelPath);
  const weightLayers = model.layers.filter((l) => l instanceof tf.layers.Layer && /^(Conv2D|Dense)$/.test(l.getClassName())).map((l) => l.name);
  const candidates = o.layers ?? weightLayers;
  for (const l of candidates) if (!weightLayers.includes(l)) throw new Error(`${modelPath}: "${l}" is not a Conv2D/Dense layer (have: ${weightLayers.join(', ')})`);
  process.stderr.write(`backend ${backend}; ${o.dataset}: ${trainSet.shape[0]} train (${o.heldOut} held out) / ${testSet.shape[0]} test images\n`);
  try {
    return await trainAlbsnn(model, trainSet, {
      epochs: o.epochs, outDir: o.out, candidates, heldOut: o.heldOut, tolerance: o.tolerance,
      batchSize: o.batch, learningRate: o.lr, seed: o.seed, test: testSet,
      settings: { startModel: modelPath, dataset: o.dataset, limit: o.limit ?? null, testLimit: o.testLimit ?? null, lr: o.lr, batch: o.batch },
    });
  } finally {
    model.dispose();
  }
}
