/**
 * `train --events DIR --neuron mlif` end to end on a tiny event folder: the saved model reads the
 * events per step ([H, W, 2T] into EventSteps with the kernel), on the training split's sensor even
 * when the test files' events span a smaller one, and refuses an ANN twin.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainNetwork } from '../../src/app/train.ts';
import { writeNmnist } from '../../src/data/nmnist.ts';
import { PAPER_DEFAULTS } from '../../src/stcb/schedule.ts';
import { EventSteps } from '../../src/train/lif-layers.ts';
import { loadModel } from '../../src/train/io.ts';
import { prng } from '../helpers.ts';

/** An event folder: `perLabel` files per label in Train and Test, events on a size x size sensor (Test: one row/column less). */
function eventFolder(size: number, perLabel: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-ev-'));
  const rnd = prng(3);
  for (const [split, extent] of [['Train', size], ['Test', size - 1]] as const) {
    for (const label of [0, 1]) {
      mkdirSync(join(dir, split, String(label)), { recursive: true });
      for (let f = 0; f < perLabel; f++) {
        const n = 60;
        writeNmnist(join(dir, split, String(label), `${f}.bin`), {
          // Label 1 lights the right half, label 0 the left half.
          x: Uint16Array.from({ length: n }, (_, i) => (i === 0 ? extent - 1 : label * Math.floor(extent / 2) + Math.floor(rnd() * Math.floor(extent / 2)))),
          y: Uint16Array.from({ length: n }, (_, i) => (i === 0 ? extent - 1 : Math.floor(rnd() * extent))),
          tUs: Float64Array.from({ length: n }, (_, i) => i * 1000),
          p: Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0)),
        });
      }
    }
  }
  return dir;
}

const options = (events: string, out: string) => ({
  ...PAPER_DEFAULTS, dataset: 'fashion-mnist' as const, epochs: 1, ann: false, annOnly: false, resume: false, force: true, out,
  batch: 4, lr: 0.01, seed: 1, backend: 'cpu' as const, progress: 'none' as const, neuron: 'mlif' as const,
  lif: { timesteps: 3 }, events, synapticKernel: [0.7, 0.3],
});

test('mlif on an event folder trains and saves a model that reads the events per step', async (t) => {
  const dir = eventFolder(8, 3);
  try {
    const out = join(dir, 'run');
    const r = await trainNetwork('smallnet', options(dir, out));
    t.truthy(r.lif);
    const model = await loadModel(join(out, 'mlif'));
    t.deepEqual(model.inputs[0].shape, [null, 8, 8, 2 * 3]);
    const steps = model.layers.find((l): l is EventSteps => l instanceof EventSteps);
    t.deepEqual(steps?.kernel, [0.7, 0.3]);
    t.is(steps?.timesteps, 3);
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an ANN twin is refused with events on a LIF-family network', async (t) => {
  const dir = eventFolder(8, 1);
  try {
    await t.throwsAsync(trainNetwork('smallnet', { ...options(dir, join(dir, 'run')), ann: true }), { message: /no --ann twin/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
