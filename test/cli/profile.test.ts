import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseCsv } from '../../src/reports/table.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { writeSafetensors } from '../../src/data/safetensors.ts';
import { randomArray } from '../helpers.ts';

const run = promisify(execFile);
// The compiled CLI, as users run it; brought up to date first (a no-op when `npm test` just built it).
test.before(() => run(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json']));
const cli = (args: string[]): Promise<{ stdout: string; stderr: string }> =>
  run(process.execPath, ['dist/cli/main.js', ...args], { maxBuffer: 1 << 24 });

async function cliFails(t: import('ava').ExecutionContext, args: string[], message: RegExp): Promise<void> {
  const err = await t.throwsAsync(cli(args));
  const stderr = (err as Error & { stderr?: string }).stderr ?? '';
  t.regex(stderr, message);
  t.notRegex(stderr, /\n\s+at /, 'no stack trace');
  t.not((err as Error & { code?: number }).code, 0);
}

test('profile writes the report files and the per-layer rows sum to the summary totals', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'stcsim-cli-'));
  const { stdout } = await cli(['profile', 'smallnet', '--images', '3', '--batch', '2', '--out', out, '--json', '--backend', 'cpu']);
  const summary = JSON.parse(stdout);
  for (const f of ['layers.csv', 'steps.csv', 'table.md', 'summary.json']) t.true(existsSync(join(out, f)), f);
  t.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).totals, summary.totals);
  t.is(summary.images, 3);
  t.false(summary.weights.trained);
  t.regex(summary.weights.warning, /untrained/);

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
  writeNpy(join(dir, 'x.npy'), [2, 28, 28, 1], randomArray(2 * 28 * 28, 3, 0, 1));
  const { stdout } = await cli(['profile', 'smallnet', '--input', join(dir, 'x.npy'), '--out', join(dir, 'r'), '--json', '--backend', 'cpu']);
  t.is(JSON.parse(stdout).images, 2);
  // A zoo network adapts to the data's shape: resnet18 on 28x28x1 images.
  const r = await cli(['profile', 'resnet18', '--input', join(dir, 'x.npy'), '--out', join(dir, 'r2'), '--json', '--backend', 'cpu']);
  t.is(JSON.parse(r.stdout).totals.denseMacs > 0, true);
});

test('bad flags and files end with one clear message and a non-zero exit', async (t) => {
  await cliFails(t, ['profile', 'smallnet', '--timesteps', '0'], /--timesteps must be a positive integer/);
  await cliFails(t, ['profile', 'smallnet', '--schedule', 'linear'], /Allowed choices are exp, pow2, const/);
  await cliFails(t, ['profile', 'nosuchnet'], /neither a zoo network .* nor a path/);
  await cliFails(t, ['profile', 'missing/model.json'], /does not exist/);
  await cliFails(t, ['profile', 'smallnet', '--input', 'nope.npy'], /nope\.npy/);
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
  const { stdout } = await cli(['profile', 'smallnet', '--weights', join(dir, 'ok.safetensors'), '--no-hardware', '--no-charts', '--out', join(dir, 'r'), '--json', '--backend', 'cpu']);
  const summary = JSON.parse(stdout);
  t.true(summary.weights.trained);
  t.regex(summary.weights.origin, /PyTorch state dict .*ok\.safetensors/);
  t.deepEqual(Object.values(summary.hashes.weights).length, 1);

  sd.set('conv2.weight', { shape: [64, 32, 5, 5], data: seq(51200) });
  writeSafetensors(join(dir, 'bad.safetensors'), sd);
  await cliFails(t, ['profile', 'smallnet', '--weights', join(dir, 'bad.safetensors'), '--no-hardware'], /conv2\.weight.*\[64, 32, 3, 3\]|conv2\.weight/);
});
