/**
 * Benchmark of issue 3: profile ResNet18 (1 image, and a batch of 16) against a plain tfjs forward pass
 * of the same network (ReLU instead of STEB, no spike codes) on the same backend.
 * Run: npm run bench   (or: npx tsx bench/profile.ts [--backend wasm|cpu])
 */
import * as tf from '@tensorflow/tfjs';
import { zooGraph } from '../src/model/zoo.ts';
import { inferShapes } from '../src/model/shapes.ts';
import { initWeights } from '../src/model/weights.ts';
import { initBackend, type BackendChoice } from '../src/run/backend.ts';
import { forwardBatch } from '../src/run/forward.ts';
import { syntheticImages } from '../src/run/inputs.ts';
import { profileNetwork } from '../src/run/profile.ts';
import { PAPER_DEFAULTS } from '../src/stcb/schedule.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(fn: () => void, repeats: number): number {
  fn(); // warm-up: kernel compilation, first allocation
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function benchProfile(backendChoice: BackendChoice): Promise<Record<string, number | string>> {
  const backend = await initBackend(backendChoice);
  const ann = zooGraph('resnet18');
  const weights = initWeights(ann, 1);
  const settings = { ...PAPER_DEFAULTS };
  const out: Record<string, number | string> = { backend };
  for (const n of [1, 16]) {
    const images = syntheticImages(n, [32, 32, 3], 1);
    // Calibrate batch norm once so both timings run the same inference network.
    profileNetwork(ann, weights, images, { settings, batch: 16, traceImages: 0 });
    weights.trained = true;
    const profileMs = time(() => { profileNetwork(ann, weights, images, { settings, batch: 16, traceImages: 0 }); }, 5);
    const shapes = inferShapes(ann);
    const forwardMs = time(() => {
      const x = tf.tensor4d(images.images, images.shape);
      const run = forwardBatch(ann, shapes, weights, x, { settings, recordCodes: false });
      run.logits.dataSync();
      run.logits.dispose();
      x.dispose();
    }, 5);
    weights.trained = false;
    out[`profile_ms_${n}`] = Math.round(profileMs);
    out[`forward_ms_${n}`] = Math.round(forwardMs);
    out[`ratio_${n}`] = Number((profileMs / forwardMs).toFixed(2));
  }
  return out;
}
