/**
 * Training memory of one step of a LIF network vs T, BPTT vs trace-based (issue 15, docs/training.md):
 * tf.profile's peakBytes (tensor memory tfjs holds at the worst moment of the step, weights included)
 * for smallnet on a batch of Fashion-MNIST-sized images.
 *
 *   npx tsx scripts/lif-memory.ts [--batch 16] [--timesteps 2,4,8,16] [--backend wasm]
 */
import * as tf from '@tensorflow/tfjs';
import { zooGraph } from '../src/model/zoo.ts';
import { lifDefaults } from '../src/neuron/settings.ts';
import { initBackend, type BackendChoice } from '../src/run/backend.ts';
import { buildModel } from '../src/train/build.ts';
import { onlineStep } from '../src/train/online.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const batch = Number(arg('batch', '16'));
const steps = arg('timesteps', '2,4,8,16').split(',').map(Number);
const backend = await initBackend(arg('backend', 'wasm') as BackendChoice);

const graph = zooGraph('smallnet');
const rows: string[] = [];
for (const T of steps) {
  const cells: string[] = [];
  for (const mode of ['bptt', 'trace'] as const) {
    const model = buildModel(graph, { mode: 'lif', neuron: { ...lifDefaults('lif'), timesteps: T }, seed: 1 });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const opt = tf.train.adam(1e-3);
    const x = tf.randomUniform([batch, 28, 28, 1]) as tf.Tensor4D;
    const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
    const step = (): void => {
      if (mode === 'trace') {
        onlineStep(model, x, y, 10, opt, vars);
        return;
      }
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars);
      loss?.dispose();
    };
    step(); // warm-up: optimizer slots and kernels exist before the measured step
    const before = tf.memory().numBytes;
    const t0 = performance.now();
    const info = await tf.profile(step);
    const ms = performance.now() - t0;
    cells.push(`${(info.peakBytes / 2 ** 20).toFixed(1)} MiB (${((info.peakBytes - before) / 2 ** 20).toFixed(1)} above resident; ${ms.toFixed(0)} ms)`);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }
  rows.push(`| ${T} | ${cells.join(' | ')} |`);
  process.stderr.write(`T=${T} done\n`);
}
process.stdout.write([
  `smallnet (LIF, 28x28x1), batch ${batch}, backend ${backend}, one training step, tf.profile peakBytes:`,
  '',
  '| T | BPTT peak | trace-based peak |',
  '|---:|---:|---:|',
  ...rows,
  '',
].join('\n'));
