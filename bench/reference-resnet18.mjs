/**
 * Reference process for the profile start-up benchmark (bench/startup.ts): the least a program can do
 * to answer "ResNet18 on one 32x32x3 image" with tfjs on the WASM backend. Plain node, no tsx: it loads
 * tfjs, builds ResNet18 with the project's own zoo and forward code (compiled, from dist/), and runs one
 * synthetic image (ReLU network, batch norm calibrated on the image as profile does for untrained
 * weights, no spike codes, no counts, no report). Run: npm run build && node bench/reference-resnet18.mjs
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { zooGraph } from '../dist/model/zoo.js';
import { inferShapes } from '../dist/model/shapes.js';
import { initWeights } from '../dist/model/weights.js';
import { forwardBatch } from '../dist/run/forward.js';
import { syntheticImages } from '../dist/run/inputs.js';
import { PAPER_DEFAULTS } from '../dist/stcb/schedule.js';

await tf.setBackend('wasm');
const graph = zooGraph('resnet18');
const weights = initWeights(graph, 1);
const images = syntheticImages(1, [32, 32, 3], 1);
const x = tf.tensor4d(images.images, images.shape);
const run = forwardBatch(graph, inferShapes(graph), weights, x, { settings: { ...PAPER_DEFAULTS }, calibrateBatchNorm: true, recordCodes: false });
const logits = run.logits.dataSync();
process.stdout.write(`${tf.getBackend()} ${logits.length} logits\n`);
