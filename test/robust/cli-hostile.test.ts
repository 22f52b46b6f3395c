/**
 * The hostile cases as a user meets them: the compiled CLI in a real process with a V8 heap bound
 * (--max-old-space-size), each ending in one clear line (plus an optional hint line), exit 2 for
 * refused input, no stack trace and no minified WASM source, within a time bound, and its peak
 * resident memory measured (getrusage via rss-preload.cjs). Also the profile transaction as a user
 * meets it: a refused run and a killed run leave the previous report byte-identical, a second
 * run into a locked folder is refused, and a re-run equals the uninterrupted one.
 */
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdxUint8 } from '../../src/data/idx.ts';
import { ensureBuilt } from '../tools.ts';

test.before(ensureBuilt);

const root = mkdtempSync(join(tmpdir(), 'stcsim-cli-hostile-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

/** V8 heap bound of every hostile process; typed arrays live outside it, so RSS is measured too. */
const HEAP_MB = 384;
/** Every hostile case must end within this (about two seconds of start-up and a refusal on an idle machine). */
const CASE_MS = 90_000;
const PRELOAD = join(process.cwd(), 'test', 'robust', 'rss-preload.cjs');

interface Run { code: number; stdout: string; stderr: string; rssKiB: number; ms: number }

let rssFiles = 0;
function cli(args: string[], options: { cwd?: string } = {}): Promise<Run> {
  const rssFile = join(root, `rss-${rssFiles++}`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [`--max-old-space-size=${HEAP_MB}`, join(process.cwd(), 'dist/cli/main.js'), ...args], {
      cwd: options.cwd ?? root, maxBuffer: 1 << 24, timeout: CASE_MS,
      env: { ...process.env, NODE_OPTIONS: `--require ${PRELOAD}`, STCSIM_RSS_FILE: rssFile, STCSIM_DEBUG: '' },
    }, (err, stdout, stderr) => {
      const rssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : Number.NaN;
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr, rssKiB, ms: performance.now() - t0 });
    });
  });
}

const worst = { rssKiB: 0, what: '' };
let cases = 0;

/** A refusal as the issue asks: exit 2, the first line names `names` and matches `problem`, at most a hint after, no stack. */
function refusal(t: import('ava').ExecutionContext, r: Run, names: string, problem: RegExp, what: string): void {
  cases++;
  if (r.rssKiB > worst.rssKiB) Object.assign(worst, { rssKiB: r.rssKiB, what });
  t.is(r.code, 2, `${what}: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('stcsim: ') || l.startsWith('hint: ') || l.trim().startsWith('at '));
  t.true(lines[0]?.startsWith('stcsim: '), `${what}: ${r.stderr}`);
  t.true(lines[0]?.includes(names), `${what}: first line does not name ${names}: ${lines[0]}`);
  t.regex(lines[0] ?? '', problem, what);
  t.false(/^\s+at /m.test(r.stderr), `${what}: stack trace printed`);
  t.true(r.stderr.length < 4000, `${what}: ${r.stderr.length} bytes on stderr (minified source dumped?)`);
  t.true(r.ms < CASE_MS, `${what}: ${r.ms} ms`);
}

/** A one-layer tfjs model folder (Flatten + Dense on 2x2x1 images). */
function model(dir: string, paths: string[], name = 'tiny'): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify({
    modelTopology: { class_name: 'Sequential', config: { name, layers: [
      { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 2, 2, 1] } },
      { class_name: 'Dense', config: { name: 'd', units: 2, use_bias: false } },
    ] } },
    weightsManifest: [{ paths, weights: [{ name: 'd/kernel', shape: [4, 2], dtype: 'float32' }] }],
  }));
  writeFileSync(join(dir, 'w.bin'), new Uint8Array(32));
  return join(dir, 'model.json');
}

test.serial('hostile inputs end in one named line, exit 2, bounded time and memory', async (t) => {
  const accel = JSON.parse(readFileSync('hw-models/accelerators/stcb-default.json', 'utf8')) as Record<string, Record<string, unknown>>;
  accel.acArray.lanes = 1;
  writeFileSync(join(root, 'lanes.json'), JSON.stringify(accel).replace('"lanes":1', '"lanes":1e999'));
  accel.acArray.lanes = 4;
  accel.precision.weight = '0 bit';
  writeFileSync(join(root, 'zero-bit.json'), JSON.stringify(accel));
  writeFileSync(join(root, 'big.csv'), 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nc1, 8, 8, 3, 3, 1, 4, 1,\nhuge, 4000, 4000, 3, 3, 16, 16, 1,\n');
  // A gzip bomb: 64 MiB of images (about 64 KB compressed) whose trailer promises 1000 bytes.
  const bombDir = join(root, 'bomb');
  mkdirSync(bombDir, { recursive: true });
  const n = 2 ** 26 / 784;
  const header = Buffer.from(encodeIdxUint8([Math.floor(n), 28, 28], new Uint8Array(Math.floor(n) * 784)).subarray(0, 16));
  const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(Math.floor(n) * 784)]), { level: 1 });
  bomb.writeUInt32LE(1000, bomb.length - 4);
  writeFileSync(join(bombDir, 't10k-images-idx3-ubyte.gz'), bomb);
  writeFileSync(join(bombDir, 't10k-labels-idx1-ubyte'), encodeIdxUint8([1], new Uint8Array([0])));
  // The cases whose harm was memory, time or a dumped source; the other classes run in-process (hostile.test.ts).
  const table: [string, string[], string, RegExp][] = [
    ['weights path to /dev/zero', ['profile', model(join(root, 'zero'), ['../../../../../../../../dev/zero']), '--no-charts'], 'model.json', /leads outside its folder/],
    ['--input-shape 20000,20000,3', ['profile', 'vgg11', '--input-shape', '20000,20000,3', '--backend', 'cpu'], 'vgg11', /would need about [\d.]+ GiB, past the bound/],
    ['SCALE-Sim row 4000x4000x16', ['profile', '--scalesim', join(root, 'big.csv')], 'big.csv', /spike codes .* past the bound/],
    ['--node 3', ['profile', 'smallnet', '--node', '3'], 'node 3', /outside the tabulated range/],
    ['gzip bomb dataset', ['profile', 'smallnet', '--dataset', 'mnist', '--data-dir', bombDir, '--images', '1'], 't10k-images-idx3-ubyte.gz', /inflates beyond the 1000 bytes its trailer promises/],
    ['evaluate error after the WASM backend is up', ['evaluate', model(join(root, 'ev'), ['w.bin']), '--backend', 'wasm', '--data-dir', join(root, 'nope')], 'nope', /does not exist/],
  ];
  // Two at a time: the machine is shared.
  for (let i = 0; i < table.length; i += 2) {
    const batch = table.slice(i, i + 2);
    const runs = await Promise.all(batch.map(([, args]) => cli(args, { cwd: root })));
    batch.forEach(([what, , names, problem], j) => refusal(t, runs[j], names, problem, what));
  }
  t.true(worst.rssKiB < 600 * 1024, `peak RSS ${worst.rssKiB} KiB (${worst.what})`);
  console.log(`cli-hostile.test.ts: ${cases} hostile CLI cases; peak RSS ${(worst.rssKiB / 1024).toFixed(0)} MiB (${worst.what}), heap bound ${HEAP_MB} MB`);
});

/** Every file of a folder with its bytes (relative names), to compare reports byte for byte. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== '.stcsim-output.json') out.set(relative(dir, p), readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

test.serial('profile: a refused run, a killed run and a locked folder leave the previous report intact; a re-run equals the first', async (t) => {
  const out = join(root, 'report');
  const args = ['profile', 'smallnet', '--images', '2', '--batch', '2', '--backend', 'cpu', '--no-charts', '--no-progress', '--out', out];
  const first = await cli(args);
  t.is(first.code, 0, first.stderr);
  const before = snapshot(out);
  t.true(before.has('summary.json') && before.has('layers.csv'));
  // A bad --node is refused before the run: the report is not touched.
  const bad = await cli([...args, '--node', '45,3']);
  t.is(bad.code, 2, bad.stderr);
  t.deepEqual(snapshot(out), before);
  // Killed part-way (SIGKILL once its lock exists, i.e. inside the run): the report is still the first one.
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/cli/main.js'), ...args, '--timesteps', '8'], { cwd: root, stdio: 'ignore' });
  const lock = join(root, '.report.lock');
  const t0 = Date.now();
  while (!existsSync(lock) && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
  t.true(existsSync(lock), 'the run never took its lock');
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  t.deepEqual(snapshot(out), before);
  // A run holding the lock (here a live process's pid in it, as a concurrent run leaves it): a second run is refused, naming it.
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  writeFileSync(lock, `${holder.pid}\n`);
  const second = await cli([...args, '--timesteps', '2']);
  holder.kill('SIGKILL');
  t.is(second.code, 2, second.stderr);
  t.regex(second.stderr, new RegExp(`another stcsim run \\(pid ${holder.pid}\\) is writing this folder`));
  t.deepEqual(snapshot(out), before);
  await new Promise((r) => holder.on('exit', r));
  // Re-run with the first settings: the stale lock and staging folder are cleared, the report equals the first.
  const again = await cli(args);
  t.is(again.code, 0, again.stderr);
  const after = snapshot(out);
  for (const f of ['layers.csv', 'steps.csv', 'compute.csv', 'energy.csv']) t.is(after.get(f), before.get(f), f);
  t.deepEqual(readdirSync(root).filter((n) => n.startsWith('.report.')), []);
  // A non-empty folder stcsim did not write is refused without --force.
  const foreign = join(root, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  const refused = await cli([...args.slice(0, -1), foreign]);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /not empty and was not written by stcsim[^\n]*\nhint: pass --force/);
  t.is(readFileSync(join(foreign, 'notes.txt'), 'utf8'), 'mine');
});
