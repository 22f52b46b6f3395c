import test from 'ava';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profile } from '../../src/app/profile.ts';
import { parseCsv } from '../../src/reports/table.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { writeSafetensors } from '../../src/data/safetensors.ts';
import { profileFlags, randomArray } from '../helpers.ts';
import { prepareRun } from '../../src/run/setup.ts';
import { inferShapes } from '../../src/model/shapes.ts';
import { disposeWeights } from '../../src/model/weights.ts';
import { parseProfileArgs, runProfileCli } from './run-cli.ts';

// The profile flow in-process (app/profile.ts, as the CLI calls it); test/cli/cli.test.ts covers the
// flag parsing and printing, test/cli/smoke.test.ts the command as a real process.
const noneGiven = (): boolean => false;

test('the in-process runs get what the CLI would pass: its defaults and the parsed options', async (t) => {
  const { model, flags, given } = await parseProfileArgs(['smallnet', '--images', '3', '--batch', '2', '--backend', 'cpu', '--no-progress']);
  t.is(model, 'smallnet');
  t.deepEqual(flags, profileFlags({ images: 3, batch: 2 }));
  t.deepEqual(given.sort(), ['backend', 'batch', 'images', 'progress']);
});

test('profile writes the report files and the per-layer rows sum to the summary totals', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stcsim-cli-'));
  const { summary } = await profile('smallnet', profileFlags({ images: 3, batch: 2, out }), noneGiven);
  for (const f of ['layers.csv', 'steps.csv', 'table.md', 'summary.json']) t.true(existsSync(join(out, f)), f);
  t.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).totals, summary.totals);
  t.is(summary.images, 3);
  t.false(summary.weights.trained);
  t.regex(summary.weights.warning ?? '', /untrained/);

  const [header, ...rows] = parseCsv(readFileSync(join(out, 'layers.csv'), 'utf8')).filter((r) => r.length > 1);
  const col = (name: string): number[] => rows.map((r) => Number(r[header.indexOf(name)]));
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  t.deepEqual(rows.map((r) => r[0]), ['conv1', 'conv2', 'fc']);
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  t.true(close(sum(col('ac_exact')), summary.totals.acExact));
  t.true(close(sum(col('macs')), summary.totals.macs));
  t.true(close(sum(col('dense_macs')), summary.totals.denseMacs));
  t.true(close(sum(col('energy_snn_pJ')), summary.paperEnergy.snnPJ));
  t.true(close(sum(col('energy_ann_pJ')), summary.paperEnergy.annPJ));
  // smallnet closed forms: conv1 3x3x1x32 on 28x28, conv2 3x3x32x64 on 14x14, fc 7*7*64 -> 10.
  t.deepEqual(col('dense_macs'), [9 * 32 * 784, 9 * 32 * 64 * 196, 3136 * 10]);
  // Paper mode by hand from the CSV: E = AC(formula) * 0.1 + MAC-class * 3.2.
  t.true(close(summary.paperEnergy.snnPJ, 0.1 * sum(col('ac_literature')) + 3.2 * sum(col('mac_class_ops'))));

  const steps = parseCsv(readFileSync(join(out, 'steps.csv'), 'utf8')).filter((r) => r.length > 1);
  t.is(steps.length - 1, 8, 'one spiking layer x T steps');
  t.true(close(sum(steps.slice(1).map((r) => Number(r[steps[0].indexOf('ac_exact')]))), col('ac_exact')[1]));
});

test('profile reads a .npy input and checks its shape', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-npy-'));
  const pixels = randomArray(2 * 28 * 28, 3, 0, 1);
  writeNpy(join(dir, 'x.npy'), [2, 28, 28, 1], pixels);
  const small = await profile('smallnet', profileFlags({ input: join(dir, 'x.npy'), out: join(dir, 'r') }), noneGiven);
  t.is(small.summary.images, 2);
  // A zoo network adapts to the data's shape: resnet18 (32x32x3 by default) on a 28x28x1 image. The
  // shapes are what is checked, so no forward pass (seconds per resnet18 image on the cpu backend).
  writeNpy(join(dir, 'x1.npy'), [1, 28, 28, 1], pixels.subarray(0, 28 * 28));
  const { model, images } = prepareRun('resnet18', profileFlags({ input: join(dir, 'x1.npy') }));
  t.deepEqual(images.shape, [1, 28, 28, 1]);
  const shapes = inferShapes(model.graph);
  t.deepEqual(shapes.get('stem')?.input, [28, 28, 1]);
  // CIFAR stem at stride 1, then three stride-2 stages: 28 -> 14 -> 7 -> 4.
  t.deepEqual(shapes.get('layer4.1.conv2')?.output, [4, 4, 512]);
  disposeWeights(model.weights);
});

test('bad flags and files end with one clear message and a non-zero exit', async (t) => {
  const fails = async (args: string[], message: RegExp): Promise<void> => {
    // The cpu backend, as every test in this process: a backend switch would reach the other tests.
    const r = await runProfileCli([...args, '--backend', 'cpu']);
    t.regex(r.stderr, message);
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
    t.not(r.code, 0);
  };
  await fails(['smallnet', '--timesteps', '0'], /--timesteps must be a positive integer/);
  await fails(['smallnet', '--schedule', 'linear'], /Allowed choices are exp, pow2, const/);
  await fails(['nosuchnet'], /neither a zoo network .* nor a path/);
  await fails(['missing/model.json'], /does not exist/);
  await fails(['smallnet', '--input', 'nope.npy'], /nope\.npy/);
});

test('profile --weights loads a PyTorch state dict into a zoo network; a wrong tensor is named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-torchcli-'));
  // smallnet in PyTorch layout: conv OIHW, linear [out, in], batch-norm running statistics.
  const seq = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => ((i * 7) % 13) / 20 - 0.3);
  const bn = (p: string, c: number): [string, { shape: number[]; data: Float32Array }][] => [
    [`${p}.weight`, { shape: [c], data: new Float32Array(c).fill(1) }],
    [`${p}.bias`, { shape: [c], data: new Float32Array(c).fill(0.05) }],
    [`${p}.running_mean`, { shape: [c], data: new Float32Array(c) }],
    [`${p}.running_var`, { shape: [c], data: new Float32Array(c).fill(1) }],
  ];
  const sd = new Map<string, { shape: number[]; data: Float32Array }>([
    ['conv1.weight', { shape: [32, 1, 3, 3], data: seq(288) }], ...bn('conv1.bn', 32),
    ['conv2.weight', { shape: [64, 32, 3, 3], data: seq(18432) }], ...bn('conv2.bn', 64),
    ['fc.weight', { shape: [10, 3136], data: seq(31360) }], ['fc.bias', { shape: [10], data: new Float32Array(10) }],
  ]);
  writeSafetensors(join(dir, 'ok.safetensors'), sd);
  const flags = profileFlags({ weights: join(dir, 'ok.safetensors'), hardware: false, charts: false, out: join(dir, 'r') });
  const { summary } = await profile('smallnet', flags, noneGiven);
  t.true(summary.weights.trained);
  t.regex(summary.weights.origin, /PyTorch state dict .*ok\.safetensors/);
  t.deepEqual(Object.values(summary.hashes?.weights ?? {}).length, 1);

  sd.set('conv2.weight', { shape: [64, 32, 5, 5], data: seq(51200) });
  writeSafetensors(join(dir, 'bad.safetensors'), sd);
  const r = await runProfileCli(['smallnet', '--weights', join(dir, 'bad.safetensors'), '--no-hardware', '--backend', 'cpu', '--out', join(dir, 'bad')]);
  t.not(r.code, 0);
  t.regex(r.stderr, /conv2\.weight.*\[64, 32, 3, 3\]|conv2\.weight/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
});
