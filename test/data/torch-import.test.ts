import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeSafetensors } from '../../src/data/safetensors.ts';
import { loadTorchSafetensors, torchPrefix, setModelWeights } from '../../src/data/torch-import.ts';
import { GraphBuilder } from '../../src/model/builder.ts';
import { buildModel } from '../../src/train/build.ts';

test.before(async () => {
  await tf.setBackend('cpu');
});

/** conv(2->3, 3x3) + bn + relu + flatten(4x4x3) + linear(48 -> 5), PyTorch-named like the graph. */
function graph() {
  const b = new GraphBuilder('t', [4, 4, 2]);
  const x = b.convBnRelu('input', 'conv1', 3);
  return b.build(b.dense(b.flatten(x, 'flatten'), 'fc', 5));
}

const seq = (n: number, k = 1): Float32Array => Float32Array.from({ length: n }, (_, i) => ((i * k) % 17) / 10 - 0.8);

function stateDict(): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map([
    ['conv1.weight', { shape: [3, 2, 3, 3], data: seq(54) }],
    ['conv1.bn.weight', { shape: [3], data: Float32Array.of(1, 2, 3) }],
    ['conv1.bn.bias', { shape: [3], data: Float32Array.of(0.1, 0.2, 0.3) }],
    ['conv1.bn.running_mean', { shape: [3], data: Float32Array.of(0, 0.5, -0.5) }],
    ['conv1.bn.running_var', { shape: [3], data: Float32Array.of(1, 4, 0.25) }],
    ['conv1.bn.num_batches_tracked', { shape: [], data: Float32Array.of(10) }],
    ['fc.weight', { shape: [5, 48], data: seq(240, 7) }],
    ['fc.bias', { shape: [5], data: seq(5) }],
  ]);
}

test('conv OIHW -> HWIO, linear [out, in] -> [in, out] with (c, h, w) -> (h, w, c) rows, batch norm', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-torch-'));
  const file = join(dir, 'm.safetensors');
  const sd = stateDict();
  writeSafetensors(file, sd, { format: 'pt' });
  const { weights, unused } = loadTorchSafetensors(graph(), file);
  t.deepEqual(unused, []);
  const conv = weights.params.get('conv1');
  if (conv?.kind !== 'weights') return t.fail();
  t.deepEqual(conv.kernel.shape, [3, 3, 2, 3]);
  const k = conv.kernel.arraySync() as number[][][][];
  const w = sd.get('conv1.weight')?.data ?? new Float32Array();
  // kernel[a][b][i][o] = W[o][i][a][b]
  t.is(k[2][1][1][0], w[((0 * 2 + 1) * 3 + 2) * 3 + 1]);
  t.is(k[0][2][0][2], w[((2 * 2 + 0) * 3 + 0) * 3 + 2]);
  const fc = weights.params.get('fc');
  if (fc?.kind !== 'weights') return t.fail();
  const fk = fc.kernel.arraySync() as number[][];
  const fw = sd.get('fc.weight')?.data ?? new Float32Array();
  // tfjs row (h, w, c) = (1, 2, 0) is PyTorch column (c, h, w) = 0 * 16 + 1 * 4 + 2.
  t.is(fk[(1 * 4 + 2) * 3 + 0][3], fw[3 * 48 + 0 * 16 + 1 * 4 + 2]);
  const bn = weights.params.get('conv1.bn');
  if (bn?.kind !== 'batchnorm') return t.fail();
  t.deepEqual([...bn.variance.dataSync()], [1, 4, 0.25]);
});

test('the imported model computes what PyTorch would: compare with a direct NCHW computation', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-torch-'));
  const file = join(dir, 'm.safetensors');
  const sd = stateDict();
  writeSafetensors(file, sd);
  const model = buildModel(graph(), { mode: 'ann' });
  setModelWeights(model, loadTorchSafetensors(graph(), file).weights);
  const xNhwc = seq(32, 5);
  const y = (model.predict(tf.tensor4d(xNhwc, [1, 4, 4, 2])) as tf.Tensor).dataSync();
  // Reference in PyTorch's layout, by brute force: conv (pad 1) -> bn -> relu -> flatten (c, h, w) -> linear.
  const W = sd.get('conv1.weight')?.data ?? new Float32Array();
  const g = [1, 2, 3], b = [0.1, 0.2, 0.3], m = [0, 0.5, -0.5], v = [1, 4, 0.25];
  const feat: number[] = [];
  for (let o = 0; o < 3; o++) {
    for (let yy = 0; yy < 4; yy++) {
      for (let xx = 0; xx < 4; xx++) {
        let s = 0;
        for (let i = 0; i < 2; i++) for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) {
          const iy = yy + a - 1, ix = xx + c - 1;
          if (iy >= 0 && iy < 4 && ix >= 0 && ix < 4) s += W[((o * 2 + i) * 3 + a) * 3 + c] * xNhwc[(iy * 4 + ix) * 2 + i];
        }
        feat.push(Math.max(0, ((s - m[o]) / Math.sqrt(v[o] + 1e-5)) * g[o] + b[o]));
      }
    }
  }
  const FW = sd.get('fc.weight')?.data ?? new Float32Array();
  const FB = sd.get('fc.bias')?.data ?? new Float32Array();
  for (let o = 0; o < 5; o++) {
    const ref = feat.reduce((acc, f, j) => acc + f * FW[o * 48 + j], FB[o]);
    t.true(Math.abs(ref - y[o]) < 1e-4, `output ${o}: ${y[o]} vs ${ref}`);
  }
});

test('missing tensor and wrong shape name the tensor and the expected shape', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-torch-'));
  const missing = stateDict();
  missing.delete('conv1.bn.running_var');
  writeSafetensors(join(dir, 'a.safetensors'), missing);
  t.throws(() => loadTorchSafetensors(graph(), join(dir, 'a.safetensors')), {
    message: /missing tensor "conv1\.bn\.running_var" \(graph node "conv1\.bn", expected shape \[3\]\)/,
  });
  const wrong = stateDict();
  wrong.set('fc.weight', { shape: [48, 5], data: seq(240) });
  writeSafetensors(join(dir, 'b.safetensors'), wrong);
  t.throws(() => loadTorchSafetensors(graph(), join(dir, 'b.safetensors')), {
    message: /tensor "fc\.weight" has shape \[48, 5\], expected \[5, 48\]/,
  });
  const extra = stateDict();
  extra.set('head.weight', { shape: [1], data: seq(1) });
  writeSafetensors(join(dir, 'c.safetensors'), extra);
  t.deepEqual(loadTorchSafetensors(graph(), join(dir, 'c.safetensors')).unused, ['head.weight']);
  t.throws(() => loadTorchSafetensors(graph(), join(dir, 'c.safetensors'), { strict: true }), { message: /not used by t: head\.weight/ });
});

test('torchvision naming for ResNet blocks', (t) => {
  t.is(torchPrefix('stem', 'torchvision'), 'conv1');
  t.is(torchPrefix('stem.bn', 'torchvision'), 'bn1');
  t.is(torchPrefix('layer2.0.conv2.bn', 'torchvision'), 'layer2.0.bn2');
  t.is(torchPrefix('layer2.0.shortcut', 'torchvision'), 'layer2.0.downsample.0');
  t.is(torchPrefix('layer2.0.shortcut.bn', 'torchvision'), 'layer2.0.downsample.1');
  t.is(torchPrefix('fc', 'torchvision'), 'fc');
  t.is(torchPrefix('conv1', 'graph', { conv1: 'features.0' }), 'features.0');
});
