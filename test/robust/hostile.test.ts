/**
 * Hostile and random input for every reader (issue 13): each case must end in one clear refusal (a
 * UsageError, so exit 2, naming the file) or a result, within a time bound, never a TypeError,
 * RangeError or a hang. fast-check feeds random bytes and mutated headers; the hand-made files are the
 * classes the issue found. The process-level cases (memory, exit codes) are in cli-hostile.test.ts.
 */
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseIdx, encodeIdxUint8 } from '../../src/data/idx.ts';
import { encodeNpy, parseNpy } from '../../src/data/npy.ts';
import { encodeSafetensors, parseSafetensors } from '../../src/data/safetensors.ts';
import { parseCifar } from '../../src/data/cifar.ts';
import { importLayersModel } from '../../src/model/tfjs-import.ts';
import { loadArtifacts } from '../../src/train/io.ts';
import { parseAccelerator, loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { parseScaleSimTopology, scaleSimTrace, importScaleSimTopology } from '../../src/trace/scalesim.ts';
import { parseSweepFile } from '../../src/dse/sweep-file.ts';
import { readNpyImages } from '../../src/run/npy-input.ts';
import { loadModel } from '../../src/model/load.ts';
import { EXIT_BAD_INPUT, exitCodeOf, UsageError } from '../../src/util/errors.ts';
import { resetWarnings, takeWarnings } from '../../src/util/warnings.ts';
import { readRegularFile } from '../../src/util/paths.ts';
import { HW_MODELS_DIR } from '../../src/arch/validate.ts';
import { readFileSync } from 'node:fs';

const root = mkdtempSync(join(tmpdir(), 'stcsim-hostile-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

/** Hostile cases tried in this file (printed at the end; docs/robustness.md quotes the total). */
let cases = 0;
const FUZZ_RUNS = 150;
/** Each case must end within this (refusals take milliseconds; the bound leaves room for a loaded machine). */
const CASE_MS = 10_000;

/** `f` refuses with a UsageError whose message matches `message` (and names `file` when given), quickly. */
function refuses(t: ExecutionContext, f: () => unknown, message: RegExp, file?: string): void {
  cases++;
  const t0 = performance.now();
  const err = t.throws(f, { instanceOf: UsageError, message });
  t.true(performance.now() - t0 < CASE_MS, `took ${performance.now() - t0} ms`);
  if (err && file) t.true(err.message.includes(file), `"${err.message}" does not name ${file}`);
}

/**
 * Random input: either a result or a refusal, i.e. an error the CLI ends with exit 2 (exitCodeOf) whose
 * first line names `file`; a TypeError, RangeError from deep inside or a nameless message is a bug.
 */
function acceptsOrRefuses(f: () => unknown, file?: string): boolean {
  cases++;
  try {
    f();
    return true;
  } catch (e) {
    if (exitCodeOf(e) === EXIT_BAD_INPUT && e instanceof Error && (file === undefined || e.message.split('\n')[0].includes(file))) return true;
    throw e;
  }
}

const bytes = fc.uint8Array({ maxLength: 300 });

test('IDX: random bytes, mutated headers, lying gzip trailers and gzip bombs', (t) => {
  fc.assert(fc.property(bytes, (b) => acceptsOrRefuses(() => parseIdx(b, 'x.idx'), 'x.idx')), { numRuns: FUZZ_RUNS });
  const good = encodeIdxUint8([2, 3, 3], new Uint8Array(18).fill(7));
  fc.assert(fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
    const m = Uint8Array.from(good);
    m[i] = v;
    return acceptsOrRefuses(() => parseIdx(m, 'x.idx'), 'x.idx');
  }), { numRuns: FUZZ_RUNS });
  refuses(t, () => parseIdx(new Uint8Array(0), 'e.idx'), /too short/, 'e.idx');
  // Header promises 2^32-1 x 2^32-1 images: refused by size, nothing allocated.
  const huge = Uint8Array.from([0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255, 1, 2]);
  refuses(t, () => parseIdx(huge, 'huge.idx'), /truncated IDX data/, 'huge.idx');
  // A gzip stream whose trailer says 100 bytes but inflates to 8 MiB: stops at the promise.
  const bomb = gzipSync(new Uint8Array(8 * 2 ** 20));
  const lying = Uint8Array.from(bomb);
  new DataView(lying.buffer).setUint32(lying.length - 4, 100, true);
  refuses(t, () => parseIdx(lying, 'bomb.idx.gz'), /inflates beyond the 100 bytes/, 'bomb.idx.gz');
  // An honest trailer past the memory bound: refused before inflating.
  const saved = process.env.STCSIM_MAX_MEMORY_MB;
  process.env.STCSIM_MAX_MEMORY_MB = '4';
  try {
    refuses(t, () => parseIdx(bomb, 'big.idx.gz'), /gzip trailer promises 8\.0 MiB.*past the bound of 4\.0 MiB/, 'big.idx.gz');
  } finally {
    if (saved === undefined) delete process.env.STCSIM_MAX_MEMORY_MB;
    else process.env.STCSIM_MAX_MEMORY_MB = saved;
  }
  refuses(t, () => parseIdx(Uint8Array.from([0x1f, 0x8b, 1, 2]), 'short.gz'), /truncated gzip/, 'short.gz');
});

test('npy: random bytes, mutated headers, huge and negative shapes, 0 images, NaN pixels', (t) => {
  fc.assert(fc.property(bytes, (b) => acceptsOrRefuses(() => parseNpy(b, 'x.npy'), 'x.npy')), { numRuns: FUZZ_RUNS });
  const good = encodeNpy([1, 2, 2, 1], new Float32Array([0.1, 0.2, 0.3, 0.4]));
  fc.assert(fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
    const m = Uint8Array.from(good);
    m[i] = v;
    return acceptsOrRefuses(() => parseNpy(m, 'x.npy'), 'x.npy');
  }), { numRuns: FUZZ_RUNS });
  const withHeader = (h: string): Uint8Array => {
    const text = h.padEnd(118, ' ') + '\n';
    return Uint8Array.from([0x93, ...Buffer.from('NUMPY'), 1, 0, text.length & 255, text.length >> 8, ...Buffer.from(text, 'latin1')]);
  };
  refuses(t, () => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"), 'huge.npy'), /truncated/, 'huge.npy');
  refuses(t, () => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }"), 'neg.npy'), /bad shape/, 'neg.npy');
  refuses(t, () => parseNpy(withHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"), 'c.npy'), /unsupported dtype/, 'c.npy');
  const empty = join(root, 'empty.npy');
  writeFileSync(empty, encodeNpy([0, 2, 2, 1], new Float32Array(0)));
  refuses(t, () => readNpyImages(empty), /holds 0 images/, empty);
  const nan = join(root, 'nan.npy');
  writeFileSync(nan, encodeNpy([1, 2, 2, 1], new Float32Array([Number.NaN, 0.5, Number.POSITIVE_INFINITY, 0.1])));
  resetWarnings({ echo: false });
  readNpyImages(nan);
  cases++;
  t.deepEqual(takeWarnings(), [`${nan}: 2 of 4 pixels are NaN or infinite (first at flat index 0); they produce no spikes`]);
});

test('safetensors: random bytes, huge header lengths, bad offsets, overlapping tensors', (t) => {
  fc.assert(fc.property(bytes, (b) => acceptsOrRefuses(() => parseSafetensors(b, 'x.safetensors'), 'x.safetensors')), { numRuns: FUZZ_RUNS });
  const good = encodeSafetensors(new Map([['a', { shape: [2], data: new Float32Array([1, 2]) }], ['b', { shape: [1], data: new Float32Array([3]) }]]));
  fc.assert(fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
    const m = Uint8Array.from(good);
    m[i] = v;
    return acceptsOrRefuses(() => parseSafetensors(m, 'x.safetensors'), 'x.safetensors');
  }), { numRuns: FUZZ_RUNS });
  const file = (header: object, dataBytes: number): Uint8Array => {
    const h = Buffer.from(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };
  const big = new Uint8Array(16);
  new DataView(big.buffer).setBigUint64(0, 2n ** 62n, true);
  refuses(t, () => parseSafetensors(big, 'len.safetensors'), /header length .* exceeds the file/, 'len.safetensors');
  refuses(t, () => parseSafetensors(file({ w: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 8] } }, 8), 'shape.safetensors'), /do not hold shape/, 'shape.safetensors');
  refuses(t, () => parseSafetensors(file({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, -8] } }, 8), 'neg.safetensors'), /do not hold shape/, 'neg.safetensors');
  refuses(t, () => parseSafetensors(file({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8), 'cut.safetensors'), /truncated file/, 'cut.safetensors');
  resetWarnings({ echo: false });
  const overlapping = parseSafetensors(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), 'ov.safetensors');
  cases++;
  t.is(overlapping.tensors.size, 2);
  t.deepEqual(takeWarnings(), ['ov.safetensors: tensors "a" [0, 8) and "b" [4, 12) overlap in the data']);
});

test('CIFAR binary batches: random bytes', (t) => {
  fc.assert(fc.property(bytes, (b) => acceptsOrRefuses(() => parseCifar(b, 'cifar10', 'x.bin'), 'x.bin')), { numRuns: FUZZ_RUNS });
  t.pass();
});

/** A valid one-layer tfjs model folder; `paths` and `name` are what the hostile variants change. */
function modelDir(name: string, opts: { paths?: string[]; configName?: string; shape?: number[]; json?: string } = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const model = {
    modelTopology: { class_name: 'Sequential', config: { name: opts.configName ?? 'tiny', layers: [
      { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 2, 2, 1] } },
      { class_name: 'Dense', config: { name: 'd', units: 2, use_bias: false } },
    ] } },
    weightsManifest: [{ paths: opts.paths ?? ['w.bin'], weights: [{ name: 'd/kernel', shape: opts.shape ?? [4, 2], dtype: 'float32' }] }],
  };
  writeFileSync(join(dir, 'model.json'), opts.json ?? JSON.stringify(model));
  writeFileSync(join(dir, 'w.bin'), new Uint8Array(32));
  return join(dir, 'model.json');
}

test('model.json: weightsManifest paths are confined to the model folder; only regular, bounded files are read', (t) => {
  t.notThrows(() => importLayersModel(modelDir('ok')));
  // A foreign file of the right size outside the folder is not loaded as the model.
  writeFileSync(join(root, 'foreign.bin'), new Uint8Array(32));
  for (const load of [(f: string) => importLayersModel(f), (f: string) => loadArtifacts(f)]) {
    refuses(t, () => load(modelDir('up', { paths: ['../foreign.bin'] })), /leads outside its folder/, 'model.json');
    refuses(t, () => load(modelDir('abs', { paths: [join(root, 'foreign.bin')] })), /is absolute/, 'model.json');
    refuses(t, () => load(modelDir('zero', { paths: ['../../../../../../../../dev/zero'] })), /leads outside its folder/, 'model.json');
    const linked = modelDir('link', { paths: ['w-link.bin'] });
    rmSync(join(root, 'link', 'w-link.bin'), { force: true });
    symlinkSync('/dev/zero', join(root, 'link', 'w-link.bin'));
    refuses(t, () => load(linked), /outside its folder/, 'model.json');
    const dirAsFile = modelDir('dirw', { paths: ['sub'] });
    mkdirSync(join(root, 'dirw', 'sub'), { recursive: true });
    refuses(t, () => load(dirAsFile), /not a regular file/, 'sub');
    refuses(t, () => load(modelDir('empty', { json: '' })), /empty|not valid JSON/, 'model.json');
    refuses(t, () => load(modelDir('nul', { paths: ['w\u0000.bin'] })), /NUL byte/, 'model.json');
  }
  refuses(t, () => importLayersModel(modelDir('negshape', { shape: [-4, -2] })), /non-negative integers/, 'model.json');
  // A device named directly is refused before reading (it would read until memory ran out).
  refuses(t, () => readRegularFile('/dev/zero'), /not a regular file/, '/dev/zero');
  const fifo = join(root, 'fifo');
  execFileSync('mkfifo', [fifo]);
  refuses(t, () => readRegularFile(fifo), /not a regular file/, fifo);
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (p) => acceptsOrRefuses(() => importLayersModel(modelDir('fuzz', { paths: [p] })), 'model.json')), { numRuns: FUZZ_RUNS });
  // config.name picks the default report folder: sanitised, it stays under reports/.
  const named = importLayersModel(modelDir('evilname', { configName: '../../etc/evil' }));
  t.is(named.graph.name, '../../etc/evil');
});

test('accelerator and technology files: non-finite, zero-bit, zero-lane values; empty, non-JSON, special files', (t) => {
  const base = JSON.parse(readFileSync(join(HW_MODELS_DIR, 'accelerators', 'stcb-default.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const variant = (edit: (j: Record<string, Record<string, unknown>>) => void): unknown => {
    const j = structuredClone(base);
    edit(j);
    return j;
  };
  refuses(t, () => parseAccelerator(variant((j) => { j.acArray.lanes = Number.POSITIVE_INFINITY; }), 'inf.json'), /acArray\/lanes|lanes/, 'inf.json');
  refuses(t, () => parseAccelerator(JSON.parse(JSON.stringify(base).replace(/"lanes":\s*\d+/, '"lanes": 1e999')), 'e999.json'), /lanes/, 'e999.json');
  refuses(t, () => parseAccelerator(variant((j) => { j.precision.weight = '0 bit'; }), 'zero.json'), /precision\/weight/, 'zero.json');
  refuses(t, () => parseAccelerator(variant((j) => { j.precision.weight = '2.5 bit'; }), 'frac.json'), /precision\/weight/, 'frac.json');
  refuses(t, () => parseAccelerator(variant((j) => { j.encoder.lanes = 0; }), 'nolanes.json'), /encoder/, 'nolanes.json');
  refuses(t, () => parseAccelerator(variant((j) => { (j as Record<string, unknown>).clock = '1e999 Hz'; }), 'clk.json'), /clock/, 'clk.json');
  const empty = join(root, 'empty-accel.json');
  writeFileSync(empty, '');
  refuses(t, () => loadAccelerator(empty), /empty/, empty);
  const notJson = join(root, 'yaml-accel.json');
  writeFileSync(notJson, 'name: [unclosed');
  refuses(t, () => loadAccelerator(notJson), /not valid JSON/, notJson);
  refuses(t, () => loadAccelerator('/dev/zero/x.json'), /cannot read/, '/dev/zero');
  refuses(t, () => loadAccelerator(root + '/'), /cannot read/);
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => acceptsOrRefuses(() => parseAccelerator(v, 'fuzz.json'), 'fuzz.json')), { numRuns: FUZZ_RUNS });
  // A valid file with one field replaced by an arbitrary JSON value.
  const fields = [['acArray', 'lanes'], ['encoder', 'lanes'], ['cab', 'lanes'], ['precision', 'weight'], ['precision', 'psum']] as const;
  fc.assert(fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 1 }), ([a, b], v) =>
    acceptsOrRefuses(() => parseAccelerator(variant((j) => { j[a][b] = v; }), 'field.json'), 'field.json')), { numRuns: FUZZ_RUNS });
  // 0.05 V: legal, far below nominal: a warning naming the file.
  resetWarnings({ echo: false });
  loadTech(45, { voltageV: 0.05 });
  cases++;
  const w = takeWarnings();
  t.is(w.length, 1);
  t.regex(w[0], /45nm\.json: supply voltage 0\.05 V is below half the node's nominal/);
  refuses(t, () => loadTech(45, { voltageV: Number.NaN }), /finite positive/);
});

test('SCALE-Sim topologies: random text, absurd rows refused with the estimate before allocating', (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => acceptsOrRefuses(() => parseScaleSimTopology(s, 'fuzz.csv'), 'fuzz.csv')), { numRuns: FUZZ_RUNS });
  const header = 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n';
  fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.constant(1e999), fc.constant(Number.NaN)), { minLength: 7, maxLength: 7 }), (v) =>
    acceptsOrRefuses(() => {
      const rows = parseScaleSimTopology(`${header}c1, ${v.join(', ')},\nc2, 8, 8, 3, 3, 2, 2, 1,\n`, 'rows.csv');
      scaleSimTrace(rows, { timesteps: 4, seed: 1 }, 'rows.csv');
    }, 'rows.csv')), { numRuns: FUZZ_RUNS });
  const big = join(root, 'big.csv');
  writeFileSync(big, `${header}first, 8, 8, 3, 3, 1, 4, 1,\nhuge, 4000, 4000, 3, 3, 16, 16, 1,\n`);
  refuses(t, () => importScaleSimTopology(big, { timesteps: 4, seed: 1, firstLayerMac: true }), /2\.56e\+8 spike codes.*"huge" \(line 3/, big);
  refuses(t, () => importScaleSimTopology(join(root, 'missing.csv'), { timesteps: 4, seed: 1 }), /missing\.csv/);
});

test('sweep files: random text and values', (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => acceptsOrRefuses(() => parseSweepFile(s, 'fuzz.yaml'), 'fuzz.yaml')), { numRuns: FUZZ_RUNS });
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => acceptsOrRefuses(() => parseSweepFile(JSON.stringify(v), 'fuzz.json'), 'fuzz.json')), { numRuns: FUZZ_RUNS });
  t.pass();
});

test('zoo networks at an absurd --input-shape are refused with the memory estimate before any weight is allocated', (t) => {
  refuses(t, () => loadModel('vgg11', { seed: 1, inputShape: [20000, 20000, 3] }), /vgg11 at input shape \[20000, 20000, 3\] \(weights [\d.]+ GiB, activations of a batch [\d.]+ GiB\) would need about [\d.]+ GiB, past the bound/);
  t.notThrows(() => loadModel('smallnet', { seed: 1, inputShape: [28, 28, 1] }));
});

test.after('hostile case count', () => {
  console.log(`hostile.test.ts: ${cases} hostile cases tried`);
});

test('chart text with HTML/SVG specials is shown escaped, active markup is still refused', async (t) => {
  const { renderSvg } = await import('../../src/reports/charts/render.ts');
  const { inlineSvg } = await import('../../src/reports/html.ts');
  const name = 'conv1" onerror="alert(1)<script>';
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: [{ layer: name, energy: 1 }] },
    mark: 'bar',
    encoding: { x: { field: 'layer', type: 'nominal' }, y: { field: 'energy', type: 'quantitative' } },
  });
  cases++;
  const inlined = inlineSvg(svg, 'c1');
  t.true(inlined.includes('onerror=&quot;alert(1)&lt;script&gt;') || inlined.includes('onerror="alert(1)&lt;script&gt;'), 'the name is in the chart as escaped text');
  t.false(/<script/i.test(inlined));
  cases++;
  t.throws(() => inlineSvg('<svg><rect onload="x()"/></svg>', 'c2'), { message: /active content/ });
});
