import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { importOnnxBytes, importOnnxModel, chwIndexOfHwc } from '../../src/model/onnx-import.ts';
import { loadModel } from '../../src/model/load.ts';
import { inferShapes } from '../../src/model/shapes.ts';
import { zooGraph } from '../../src/model/zoo.ts';
import { isWeightNode } from '../../src/model/graph.ts';
import { spikingLayers, toStcsnn } from '../../src/model/stcsnn.ts';
import { denseMacs, layerGeometry } from '../../src/trace/geometry.ts';
import { forwardBatch } from '../../src/run/forward.ts';
import { profileNetwork } from '../../src/run/profile.ts';
import { syntheticImages } from '../../src/run/inputs.ts';
import { PAPER_DEFAULTS } from '../../src/stcb/schedule.ts';
import { initBackend } from '../../src/run/backend.ts';
import { randomArray } from '../helpers.ts';
import { OnnxNet, type Init } from './onnx-build.ts';

// WASM: the ResNet18 forward pass below takes a quarter of the cpu backend's time; the small net's
// numbers are compared at 1e-4, far above float32 rounding on either backend.
test.before(async () => {
  await initBackend('wasm');
});

const tmp = (): string => mkdtempSync(join(tmpdir(), 'stcsim-onnx-'));

/** An independent NCHW reference of the ops the tiny net uses (plain loops, PyTorch semantics). */
type Map3 = { c: number; h: number; w: number; v: Float64Array };
const at = (m: Map3, c: number, y: number, x: number): number => m.v[(c * m.h + y) * m.w + x];
function convRef(x: Map3, w: Init, bias: Init | undefined, stride: number, pad: number): Map3 {
  const [co, ci, kh, kw] = w.dims;
  const h = Math.floor((x.h + 2 * pad - kh) / stride) + 1;
  const wd = Math.floor((x.w + 2 * pad - kw) / stride) + 1;
  const v = new Float64Array(co * h * wd);
  for (let o = 0; o < co; o++) for (let y = 0; y < h; y++) for (let z = 0; z < wd; z++) {
    let s = bias ? bias.data[o] : 0;
    for (let c = 0; c < ci; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const yy = y * stride - pad + i;
      const xx = z * stride - pad + j;
      if (yy >= 0 && yy < x.h && xx >= 0 && xx < x.w) s += w.data[((o * ci + c) * kh + i) * kw + j] * at(x, c, yy, xx);
    }
    v[(o * h + y) * wd + z] = s;
  }
  return { c: co, h, w: wd, v };
}
const mapEach = (m: Map3, f: (v: number, c: number) => number): Map3 => ({ ...m, v: m.v.map((v, i) => f(v, Math.floor(i / (m.h * m.w)))) });
function poolRef(x: Map3, k: number, kind: 'max' | 'avg'): Map3 {
  const h = Math.floor(x.h / k);
  const w = Math.floor(x.w / k);
  const v = new Float64Array(x.c * h * w);
  for (let c = 0; c < x.c; c++) for (let y = 0; y < h; y++) for (let z = 0; z < w; z++) {
    const win: number[] = [];
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) win.push(at(x, c, y * k + i, z * k + j));
    v[(c * h + y) * w + z] = kind === 'max' ? Math.max(...win) : win.reduce((a, b) => a + b, 0) / win.length;
  }
  return { c: x.c, h, w, v };
}

/** Conv+bias -> BN -> ReLU -> MaxPool -> (Conv 3x3 + Conv 1x1) Add -> ReLU -> AvgPool -> Flatten -> Gemm. */
function tinyNet(): { net: OnnxNet; out: string } {
  const net = new OnnxNet([1, 2, 8, 8]);
  let x = net.relu(net.bn(net.conv('input', 'features.0', 2, 3, 3, 1, 1, true), 'features.1', 3));
  x = net.maxpool(x, 2);
  const a = net.conv(x, 'block.conv', 3, 4, 3, 1, 1);
  const b = net.conv(x, 'block.shortcut', 3, 4, 1);
  x = net.avgpool(net.relu(net.node('Add', [a, b])), 2);
  x = net.node('Flatten', [x], [{ name: 'axis', type: 2, i: 1 }]);
  return { net, out: net.linear(x, 'classifier', 4 * 2 * 2, 5) };
}

function tinyReference(net: OnnxNet, image: Float32Array): number[] {
  const w = (n: string): Init => {
    const t = net.inits.get(n);
    if (!t) throw new Error(n);
    return t;
  };
  let x: Map3 = { c: 2, h: 8, w: 8, v: Float64Array.from(image) };
  x = convRef(x, w('features.0.weight'), w('features.0.bias'), 1, 1);
  const [g, beta, mean, variance] = ['weight', 'bias', 'running_mean', 'running_var'].map((p) => w(`features.1.${p}`).data);
  x = mapEach(x, (v, c) => Math.max(0, g[c] * (v - mean[c]) / Math.sqrt(variance[c] + 1e-5) + beta[c]));
  x = poolRef(x, 2, 'max');
  const a = convRef(x, w('block.conv.weight'), undefined, 1, 1);
  const b = convRef(x, w('block.shortcut.weight'), undefined, 1, 0);
  x = poolRef({ ...a, v: a.v.map((v, i) => Math.max(0, v + b.v[i])) }, 2, 'avg');
  // PyTorch flattens C-major; Linear: y = W x + b with W [out, in].
  const fc = w('classifier.weight');
  const bias = w('classifier.bias');
  return Array.from({ length: 5 }, (_, o) => bias.data[o] + x.v.reduce((s, v, i) => s + fc.data[o * 16 + i] * v, 0));
}

test('a tiny ONNX CNN (raw_data and float_data weights) imports with the outputs of a brute-force NCHW reference', (t) => {
  const { net, out } = tinyNet();
  const imported = importOnnxBytes(net.encode(out), 'tiny.onnx', 'tiny');
  t.deepEqual(imported.graph.nodes[0], { kind: 'input', name: 'input', inputs: [], shape: [8, 8, 2] });
  t.deepEqual(imported.graph.nodes.map((n) => n.kind), ['input', 'conv2d', 'batchnorm', 'relu', 'maxpool', 'conv2d', 'conv2d', 'add', 'relu', 'avgpool', 'flatten', 'dense']);
  // Weight layers carry the PyTorch module names.
  t.deepEqual(imported.graph.nodes.filter((n) => n.kind === 'conv2d' || n.kind === 'dense').map((n) => n.name), ['features.0', 'block.conv', 'block.shortcut', 'classifier']);
  const chw = randomArray(2 * 8 * 8, 42);
  // The same image in the graph's NHWC layout.
  const hwc = new Float32Array(chw.length);
  for (let c = 0; c < 2; c++) for (let i = 0; i < 64; i++) hwc[i * 2 + c] = chw[c * 64 + i];
  const x = tf.tensor4d(hwc, [1, 8, 8, 2]);
  const run = forwardBatch(imported.graph, inferShapes(imported.graph), imported.weights, x, { settings: { ...PAPER_DEFAULTS } });
  const ours = Array.from(run.logits.dataSync());
  const want = tinyReference(net, chw);
  t.is(ours.length, 5);
  ours.forEach((v, i) => t.true(Math.abs(v - want[i]) < 1e-4, `logit ${i}: ${v} vs ${want[i]}`));
  run.logits.dispose();
  x.dispose();
});

test('PyTorch flatten order: the permutation maps every HWC position to its CHW index', (t) => {
  const p = chwIndexOfHwc(3, 2, 2);
  // (h, w, c) = (0, 0, 1) is the graph's index 1; PyTorch's index of channel 1, pixel (0, 0) is 4.
  t.is(p[1], 4);
  t.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
});

test('MatMul + Add(bias) is one dense layer; Reshape to [N, -1] flattens; Identity passes through', (t) => {
  const net = new OnnxNet([1, 1, 4, 4], 'float');
  let x = net.relu(net.conv('input', 'c', 1, 2, 3, 1, 1));
  x = net.node('Identity', [x]);
  net.int64.set('shape', [1, -1]);
  x = net.node('Reshape', [x, 'shape']);
  const w = net.init('fc.w', [32, 3]);
  const b = net.init('fc.b', [3]);
  const y = net.node('Add', [net.node('MatMul', [x, w]), b]);
  const imported = importOnnxBytes(net.encode(y), 'mm.onnx');
  const dense = imported.graph.nodes.filter((n) => n.kind === 'dense');
  t.is(dense.length, 1);
  t.true(dense[0].kind === 'dense' && dense[0].useBias && dense[0].units === 3);
  t.deepEqual(imported.graph.nodes.map((n) => n.kind), ['input', 'conv2d', 'relu', 'flatten', 'dense']);
  const p = imported.weights.params.get(dense[0].name);
  t.true(p?.kind === 'weights' && p.bias !== undefined);
});

test('unsupported ops, grouped convolutions and non-ONNX bytes stop the import with one line naming the node', (t) => {
  const net = new OnnxNet([1, 1, 4, 4]);
  const y = net.node('Sigmoid', [net.conv('input', 'c', 1, 2, 3)], [], '/act/Sigmoid');
  const e = t.throws(() => importOnnxBytes(net.encode(y), 'net.onnx'));
  t.regex(e?.message ?? '', /^net\.onnx: node "\/act\/Sigmoid" \(Sigmoid\): op Sigmoid is not supported \(supported: Conv, Gemm, MatMul, Relu, /);
  t.false((e?.message ?? '').includes('\n'));

  const g = new OnnxNet([1, 2, 4, 4]);
  const w = g.init('dw.weight', [2, 1, 3, 3]);
  const out = g.node('Conv', ['input', w], [{ name: 'group', type: 2, i: 2 }, { name: 'kernel_shape', type: 7, ints: [3, 3] }], '/dw/Conv');
  t.throws(() => importOnnxBytes(g.encode(out), 'dw.onnx'), { message: /node "\/dw\/Conv" \(Conv\): grouped or depthwise convolutions \(group=2\)/ });
  t.throws(() => importOnnxBytes(new TextEncoder().encode('{"modelTopology": {}}'), 'x.onnx'), { message: /x\.onnx/ });
});

/** ResNet18 with the CIFAR stem, as torchvision-style code written for CIFAR exports it (BN kept). */
function resnet18Onnx(): { net: OnnxNet; out: string } {
  const net = new OnnxNet([1, 3, 32, 32], 'raw');
  let x = net.relu(net.bn(net.conv('input', 'stem', 3, 64, 3, 1, 1), 'stem.bn', 64));
  let inC = 64;
  [64, 128, 256, 512].forEach((outC, stage) => {
    for (let block = 0; block < 2; block++) {
      const name = `layer${stage + 1}.${block}`;
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const y1 = net.relu(net.bn(net.conv(x, `${name}.conv1`, inC, outC, 3, stride, 1), `${name}.conv1.bn`, outC));
      const y2 = net.bn(net.conv(y1, `${name}.conv2`, outC, outC, 3, 1, 1), `${name}.conv2.bn`, outC);
      const sc = stride !== 1 || inC !== outC ? net.bn(net.conv(x, `${name}.shortcut`, inC, outC, 1, stride, 0), `${name}.shortcut.bn`, outC) : x;
      x = net.relu(net.node('Add', [y2, sc]));
      inC = outC;
    }
  });
  x = net.node('Flatten', [net.node('GlobalAveragePool', [x])], [{ name: 'axis', type: 2, i: 1 }]);
  return { net, out: net.linear(x, 'fc', 512, 10) };
}

test('an ONNX ResNet18 (CIFAR stem) written to a .onnx file profiles with the zoo ResNet18\'s dense MACs, layer by layer', (t) => {
  const { net, out } = resnet18Onnx();
  const file = join(tmp(), 'resnet18.onnx');
  writeFileSync(file, net.encode(out));
  const loaded = loadModel(file, { seed: 1 });
  t.is(loaded.source, 'file');
  t.is(loaded.graph.name, 'resnet18');
  t.true(loaded.weights.trained);
  const images = syntheticImages(1, [32, 32, 3], 1);
  const settings = { ...PAPER_DEFAULTS };
  const onnxRun = profileNetwork(loaded.graph, loaded.weights, images, { settings, batch: 1, traceImages: 0 });
  // The zoo's ResNet18 from its geometry (no second forward pass): name, STCB or MAC, dense MACs.
  const zoo = toStcsnn(zooGraph('resnet18'));
  const shapes = inferShapes(zoo);
  const spiking = spikingLayers(zoo);
  const zooRows = zoo.nodes.filter(isWeightNode).map((n) => `${n.name} ${spiking.has(n.name) ? 'stcb' : 'mac'} ${denseMacs(layerGeometry(zoo, shapes, n))}`);
  t.deepEqual(onnxRun.counts.layers.map((l) => `${l.layer} ${l.kind.split('-')[0]} ${l.denseMacs}`), zooRows);
  t.is(onnxRun.counts.totals.denseMacs, 555_422_720);
  // Real spikes flowed through the imported weights.
  t.true(onnxRun.counts.totals.acExact > 0);
  t.is(importOnnxModel(file).graph.nodes.length, loaded.graph.nodes.length);
});
