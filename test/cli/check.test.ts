import test from 'ava';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRun, formatCheck } from '../../src/app/check.ts';
import { compareCsv, compareJson, sameNumber } from '../../src/app/compare.ts';
import { profile } from '../../src/app/profile.ts';
import type { ProfileFlags } from '../../src/run/profile-settings.ts';
import { HW_MODELS_DIR } from '../../src/arch/validate.ts';
import { compareHashes, displayPath } from '../../src/util/hashes.ts';
import { runProfileCli } from './run-cli.ts';

const FLAGS: ProfileFlags = {
  timesteps: 8, vth0: 0.8, tau: 2, schedule: 'exp', images: 2, batch: 16, seed: 1, energyPreset: 'int32-45nm',
  spikingClassifier: false, hwImages: 16, hardware: true, accelerator: 'stcb-default', node: [45], backend: 'cpu',
  json: false, progress: false, charts: false,
};

const root = mkdtempSync(join(tmpdir(), 'stcsim-check-test-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

const base = join(root, 'base');
// Tests must be declared synchronously: the shared run is a promise each test awaits.
const baseReady = profile('smallnet', { ...FLAGS, out: base }, () => false);
/** A copy of the shared run's folder, to edit: the same files a second identical run would write. */
const copyOfBase = (name: string): string => {
  const dir = join(root, name);
  cpSync(base, dir, { recursive: true });
  return dir;
};

test('an unchanged run reproduces: no changes, every number counted', async (t) => {
  await baseReady;
  const baseSummary = readFileSync(join(base, 'summary.json'), 'utf8');
  const r = await checkRun(join(base, 'summary.json'));
  t.deepEqual(r.changes, []);
  t.deepEqual(r.hashChanges, []);
  t.true(r.ok);
  // Independent count of the numbers in summary.json (minus the ignored keys) is a lower bound.
  const json = JSON.parse(baseSummary) as Record<string, unknown>;
  delete json.createdAt; delete json.elapsedMs; delete json.hashes; delete json.rerun;
  const numbers = (JSON.stringify(json).match(/:\s*-?\d|[[,]\s*-?\d/g) ?? []).length;
  t.true(r.identical > numbers, `${r.identical} > ${numbers}`);
  t.deepEqual(r.csvFiles, ['layers.csv', 'steps.csv', 'compute.csv', 'access.csv', 'energy.csv', 'actions.csv', 'gap.csv']);
  t.regex(formatCheck(r), /^reproduced: \d+ numbers identical/m);
});

test('a changed number in summary.json is reported by its JSON path with old and new values', async (t) => {
  await baseReady;
  const dir = copyOfBase('edited');
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { paperEnergy: { snnPJ: number }; hardware: { energyByComponentPJ: { dram: number } }[] };
  const snn = s.paperEnergy.snnPJ;
  const dram = s.hardware[0].energyByComponentPJ.dram;
  s.paperEnergy.snnPJ = snn * (1 + 1e-6);
  s.hardware[0].energyByComponentPJ.dram = dram * (1 + 1e-12); // inside the tolerance
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(s, null, 2));
  const r = await checkRun(join(dir, 'summary.json'));
  t.false(r.ok);
  t.deepEqual(r.changes, [{ path: 'paperEnergy.snnPJ', old: snn * (1 + 1e-6), new: snn }]);
  t.deepEqual(r.hashChanges, []);
  t.regex(formatCheck(r), /changed: paperEnergy\.snnPJ: /);
  t.regex(formatCheck(r), /NOT reproduced: 1 number\(s\) changed/);
});

test('a modified accelerator file is reported by its hash, with the numbers it changed', async (t) => {
  const dir = join(root, 'accel');
  const file = join(root, 'my-accel.json');
  // An explicit encoder leakage override (instead of the technology's law), then raised.
  const withOverride = readFileSync(join(HW_MODELS_DIR, 'accelerators', 'stcb-default.json'), 'utf8')
    .replace('"options": {', '"leakage": { "encoder": { "value": "0.05 mW", "source": "stcsim-assumption" } },\n  "options": {');
  writeFileSync(file, withOverride);
  await profile('smallnet', { ...FLAGS, accelerator: file, out: dir }, () => false);
  // Raise the encoder leakage: hardware-mode energy changes, paper mode does not.
  writeFileSync(file, readFileSync(file, 'utf8').replace('"0.05 mW"', '"0.07 mW"'));
  const r = await checkRun(join(dir, 'summary.json'));
  t.false(r.ok);
  t.deepEqual(r.hashChanges.map((h) => h.message), [`${displayPath(file)} changed`]);
  t.is(r.hashChanges[0].group, 'accelerator');
  const paths = r.changes.map((c) => c.path);
  t.true(paths.includes('hardware[0].energyPerInferencePJ'));
  t.true(paths.includes('hardware[0].energyByComponentPJ.encoder'));
  t.false(paths.some((p) => p.startsWith('paperEnergy')), 'paper mode is untouched');
  // The leakage entry of the ERT went up by exactly 0.07 / 0.05.
  const leak = r.changes.find((c) => c.path.startsWith('actions.csv') && c.path.includes('encoder/leak') && c.path.endsWith('.pJ_per_action'));
  t.truthy(leak);
  // CSV cells carry 10 significant digits (docs/columns.md), so the ratio of two cells is exact to ~1e-9.
  t.true(sameNumber(Number(leak?.new) / Number(leak?.old), 0.07 / 0.05, 2e-9));
  t.regex(formatCheck(r), new RegExp(`input changed: ${displayPath(file).replace(/[.]/g, '\\.')} changed`));
});

test('compareJson: tolerance, ignored keys, shape changes', (t) => {
  const a = { x: 1, y: [1, 2, 3], createdAt: 'a', elapsedMs: 5, tool: { commit: 'abc', version: '1' }, b: true, s: 'p' };
  t.deepEqual(compareJson(a, { ...a, x: 1 + 1e-12, createdAt: 'b', elapsedMs: 9, tool: { commit: 'def', version: '2' }, s: 'q' }), { identical: 5, changes: [] });
  t.deepEqual(compareJson(a, { ...a, x: 1 + 1e-8 }).changes, [{ path: 'x', old: 1, new: 1 + 1e-8 }]);
  t.deepEqual(compareJson(a, { ...a, y: [1, 2] }).changes, [{ path: 'y[2]', old: 3, new: undefined }]);
  t.deepEqual(compareJson(a, { ...a, b: false }).changes, [{ path: 'b', old: true, new: false }]);
  t.deepEqual(compareJson({ h: [{ e: 1 }] }, { h: [{ e: 1 }, { e: 2 }] }).changes, [{ path: 'h[1].e', old: undefined, new: 2 }]);
  t.true(sameNumber(0, 0));
  t.false(sameNumber(0, 1e-300));
});

test('compareCsv names the row and column of a changed cell', (t) => {
  const a = 'layer,component,energy_pJ\nconv1,cab,10\nconv1,dram,20\n';
  const b = 'layer,component,energy_pJ\nconv1,cab,10\nconv1,dram,21\n';
  const r = compareCsv('energy.csv', a, b);
  t.is(r.identical, 1);
  t.deepEqual(r.changes, [{ path: 'energy.csv[2 conv1/dram].energy_pJ', old: 20, new: 21 }]);
});

test('compareHashes names added, removed and changed inputs', (t) => {
  const old = { algorithm: 'sha256' as const, accelerator: { 'a.json': 'sha256:1' }, tech: { 't45.json': 'sha256:2' }, weights: {}, inputs: {} };
  const changes = compareHashes(old, { ...old, accelerator: { 'a.json': 'sha256:9' }, tech: { 't7.json': 'sha256:3' } });
  t.deepEqual(changes.map((c) => c.message), ['a.json changed', 't45.json (tech) is no longer read', 't7.json (tech) was not read by the original run']);
});

test('CLI: profile --check exits 0 when reproduced and 1 when a number changed; usage errors exit 2', async (t) => {
  await baseReady;
  const ok = await runProfileCli(['--check', join(base, 'summary.json')]);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /^reproduced: \d+ numbers identical/m);

  const dir = copyOfBase('cli-edited');
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { totals: { spikes: number } };
  s.totals.spikes += 1;
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(s));
  const bad = await runProfileCli(['--check', join(dir, 'summary.json')]);
  t.is(bad.code, 1);
  t.regex(bad.stdout, /changed: totals\.spikes: /);

  const both = await runProfileCli(['smallnet', '--check', join(base, 'summary.json')]);
  t.is(both.code, 2);
  t.regex(both.stderr, /either a model or --check/);
  const none = await runProfileCli([]);
  t.is(none.code, 2);
  t.regex(none.stderr, /missing model/);
});
