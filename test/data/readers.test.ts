import test from 'ava';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdxUint8, parseIdx, readIdx } from '../../src/data/idx.ts';
import { encodeCifar, parseCifar, CIFAR_PIXELS } from '../../src/data/cifar.ts';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../src/data/npy.ts';
import { encodeSafetensors, parseSafetensors } from '../../src/data/safetensors.ts';
import { DataFormatError } from '../../src/data/errors.ts';
import { loadDataset, DatasetNotFoundError } from '../../src/data/datasets.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'stcsim-data-'));

test('IDX: plain and gzip round trip', (t) => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
  const raw = encodeIdxUint8([2, 3, 4], data);
  for (const buf of [raw, gzipSync(raw)]) {
    const r = parseIdx(buf, 'x.idx');
    t.deepEqual(r.dims, [2, 3, 4]);
    t.deepEqual([...r.data], [...data]);
  }
});

test('IDX: bad magic, unknown type, truncated header/data, extra data, corrupt gzip', (t) => {
  const raw = encodeIdxUint8([2, 2], Uint8Array.of(1, 2, 3, 4));
  const bad = raw.slice();
  bad[0] = 9;
  t.throws(() => parseIdx(bad, 'f.idx'), { instanceOf: DataFormatError, message: /f\.idx: bad IDX magic/ });
  const badType = raw.slice();
  badType[2] = 0x42;
  t.throws(() => parseIdx(badType, 'f.idx'), { message: /unknown IDX data type 0x42/ });
  t.throws(() => parseIdx(raw.subarray(0, 6), 'f.idx'), { message: /truncated IDX header/ });
  t.throws(() => parseIdx(raw.subarray(0, raw.length - 1), 'f.idx'), { message: /truncated IDX data: header says \[2, 2\]/ });
  t.throws(() => parseIdx(Uint8Array.of(...raw, 0), 'f.idx'), { message: /size mismatch/ });
  const gz = gzipSync(raw);
  t.throws(() => parseIdx(gz.subarray(0, gz.length - 6), 'f.gz'), { message: /f\.gz: corrupt or truncated gzip/ });
  t.throws(() => readIdx('/nonexistent/file'), { message: /\/nonexistent\/file: cannot read \(ENOENT\)/ });
});

test('CIFAR-10 and CIFAR-100: CHW records become HWC', (t) => {
  const n = 3;
  const hwc = Uint8Array.from({ length: n * CIFAR_PIXELS }, (_, i) => (i * 13) % 251);
  const c10 = parseCifar(encodeCifar('cifar10', hwc, [1, 9, 0]), 'cifar10', 'b.bin');
  t.deepEqual([...c10.labels], [1, 9, 0]);
  t.deepEqual([...c10.images], [...hwc]);
  // Independent check of the layout: pixel (y=2, x=5) of image 1, green channel, straight from the record.
  const rec = encodeCifar('cifar10', hwc, [1, 9, 0]);
  t.is(c10.images[CIFAR_PIXELS + (2 * 32 + 5) * 3 + 1], rec[(1 + CIFAR_PIXELS) * 1 + 1 + 1024 + 2 * 32 + 5]);
  const c100 = parseCifar(encodeCifar('cifar100', hwc, [42, 99, 7], [3, 19, 0]), 'cifar100', 't.bin');
  t.deepEqual([...c100.labels], [42, 99, 7]);
  t.deepEqual([...c100.coarseLabels], [3, 19, 0]);
  t.deepEqual([...c100.images], [...hwc]);
});

test('CIFAR: truncated file, wrong variant and out-of-range label are clear errors', (t) => {
  const hwc = new Uint8Array(2 * CIFAR_PIXELS);
  const buf = encodeCifar('cifar10', hwc, [1, 2]);
  t.throws(() => parseCifar(buf.subarray(0, buf.length - 10), 'cifar10', 'd.bin'), { message: /d\.bin: size \d+ bytes is not a multiple of the cifar10 record size 3073/ });
  t.throws(() => parseCifar(buf, 'cifar100', 'd.bin'), { message: /not a multiple of the cifar100 record size 3074/ });
  const badLabel = buf.slice();
  badLabel[0] = 12;
  t.throws(() => parseCifar(badLabel, 'cifar10', 'd.bin'), { message: /record 0: label 12 is out of range/ });
  t.throws(() => parseCifar(new Uint8Array(0), 'cifar10', 'e.bin'), { message: /e\.bin: empty file/ });
});

test('npy: float32 round trip, v1 header aligned to 64 bytes', (t) => {
  const data = Float32Array.from({ length: 2 * 3 * 4 * 1 }, (_, i) => i / 3 - 1);
  const buf = encodeNpy([2, 3, 4, 1], data);
  t.is((buf[8] | (buf[9] << 8)) + 10, 64 * Math.ceil(((buf[8] | (buf[9] << 8)) + 10) / 64));
  const r = parseNpy(buf);
  t.deepEqual(r.shape, [2, 3, 4, 1]);
  t.deepEqual([...r.data], [...data]);
  const dir = tmp();
  writeNpy(join(dir, 'a.npy'), [24], data);
  t.deepEqual(readNpy(join(dir, 'a.npy')).shape, [24]);
});

/** Hand-written .npy with another dtype, the way numpy lays it out. */
function npyOf(descr: string, shape: string, body: Uint8Array, major = 1, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const pre = major === 1 ? 10 : 12;
  header = header.padEnd(Math.ceil((pre + header.length + 1) / 64) * 64 - pre - 1, ' ') + '\n';
  const out = new Uint8Array(pre + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, header.length, true);
  else v.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(body, pre + header.length);
  return out;
}

test('npy: uint8, float64 (v2.0) and big-endian float32 are converted', (t) => {
  t.deepEqual([...parseNpy(npyOf('|u1', '(3,)', Uint8Array.of(0, 128, 255))).data], [0, 128, 255]);
  const f64 = new Float64Array([1.5, -2.25]);
  t.deepEqual([...parseNpy(npyOf('<f8', '(2,)', new Uint8Array(f64.buffer), 2)).data], [1.5, -2.25]);
  const be = new Uint8Array(4);
  new DataView(be.buffer).setFloat32(0, 3.5, false);
  t.deepEqual([...parseNpy(npyOf('>f4', '(1,)', be)).data], [3.5]);
});

test('npy: bad magic, truncated data, Fortran order and unknown dtype', (t) => {
  const buf = encodeNpy([2, 2], new Float32Array(4));
  t.throws(() => parseNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 'x.npy'), { message: /x\.npy: not a \.npy file/ });
  t.throws(() => parseNpy(buf.subarray(0, buf.length - 3), 'x.npy'), { message: /x\.npy: truncated: header says shape \(2, 2\)/ });
  t.throws(() => parseNpy(buf.subarray(0, 20), 'x.npy'), { message: /truncated \.npy header/ });
  t.throws(() => parseNpy(npyOf('<f4', '(1,)', new Uint8Array(4), 1, true), 'f.npy'), { message: /f\.npy: Fortran-order/ });
  t.throws(() => parseNpy(npyOf('<c8', '(1,)', new Uint8Array(8)), 'c.npy'), { message: /unsupported dtype '<c8'/ });
});

test('safetensors: F32 round trip with metadata', (t) => {
  const tensors = new Map([
    ['a.weight', { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
    ['b', { shape: [1], data: Float32Array.of(-0.5) }],
  ]);
  const r = parseSafetensors(encodeSafetensors(tensors, { format: 'pt' }));
  t.deepEqual(r.metadata, { format: 'pt' });
  t.deepEqual(r.tensors.get('a.weight')?.shape, [2, 3]);
  t.deepEqual([...(r.tensors.get('a.weight')?.data ?? [])], [1, 2, 3, 4, 5, 6]);
  t.deepEqual([...(r.tensors.get('b')?.data ?? [])], [-0.5]);
});

/** safetensors file from a header object and a data section. */
function st(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

test('safetensors: F16, BF16 and F64 decode to float32', (t) => {
  // 1.0 = 0x3c00 (half), -2.0 = 0xc000, 0.5 = 0x3800; bf16 1.0 = 0x3f80, -3.0 = 0xc040.
  const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800]).buffer);
  const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040]).buffer);
  const f64 = new Uint8Array(new Float64Array([0.125]).buffer);
  const data = new Uint8Array([...f16, ...bf16, ...f64]);
  const r = parseSafetensors(st({
    h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
    b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] },
    d: { dtype: 'F64', shape: [1], data_offsets: [10, 18] },
  }, data));
  t.deepEqual([...(r.tensors.get('h')?.data ?? [])], [1, -2, 0.5]);
  t.deepEqual([...(r.tensors.get('b')?.data ?? [])], [1, -3]);
  t.deepEqual([...(r.tensors.get('d')?.data ?? [])], [0.125]);
});

test('safetensors: short file, huge header length, bad JSON, truncated data, offset mismatch', (t) => {
  t.throws(() => parseSafetensors(new Uint8Array(4), 's.st'), { message: /s\.st: too short/ });
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 1000n, true);
  t.throws(() => parseSafetensors(huge, 's.st'), { message: /header length 1000 exceeds the file/ });
  const badJson = new Uint8Array(12);
  new DataView(badJson.buffer).setBigUint64(0, 4n, true);
  badJson.set([123, 123, 58, 125], 8);
  t.throws(() => parseSafetensors(badJson, 's.st'), { message: /header is not valid JSON/ });
  const full = encodeSafetensors(new Map([['w', { shape: [4], data: new Float32Array(4) }]]));
  t.throws(() => parseSafetensors(full.subarray(0, full.length - 2), 's.st'), { message: /tensor "w" ends at byte 16 .* truncated file/ });
  t.throws(() => parseSafetensors(st({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), 's.st'), {
    message: /tensor "w": data_offsets \[0, 8\] do not hold shape \[3\]/,
  });
});

function writeFashionLike(dir: string, gz: boolean): void {
  const n = 5;
  const px = Uint8Array.from({ length: n * 28 * 28 }, (_, i) => i % 256);
  const labels = Uint8Array.of(3, 1, 4, 1, 5);
  const w = (name: string, buf: Uint8Array) => writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(buf) : buf);
  for (const p of ['train', 't10k']) {
    w(`${p}-images-idx3-ubyte`, encodeIdxUint8([n, 28, 28], px));
    w(`${p}-labels-idx1-ubyte`, encodeIdxUint8([n], labels));
  }
}

test('loadDataset: IDX files in a sub-folder of --data-dir, scaled to [0, 1], limit', (t) => {
  const dir = tmp();
  mkdirSync(join(dir, 'fashion-mnist'));
  writeFashionLike(join(dir, 'fashion-mnist'), true);
  const d = loadDataset('fashion-mnist', 'test', { dataDir: dir, limit: 3 });
  t.deepEqual(d.shape, [3, 28, 28, 1]);
  t.is(d.source, join(dir, 'fashion-mnist'));
  t.deepEqual([...d.labels], [3, 1, 4]);
  t.is(d.images[255], 1);
  t.is(d.images[51], Math.fround(51 / 255));
  const plain = tmp();
  writeFashionLike(plain, false);
  t.is(loadDataset('mnist', 'train', { dataDir: plain }).shape[0], 5);
});

test('loadDataset: MNIST without files says that no Debian package has it, where to download the IDX files and where to put them', (t) => {
  const dir = tmp();
  const saved = process.env.STCSIM_DATA_DIR;
  delete process.env.STCSIM_DATA_DIR;
  try {
    const err = t.throws(() => loadDataset('mnist', 'test', { dataDir: dir }), { instanceOf: DatasetNotFoundError });
    const m = err?.message ?? '';
    t.regex(m, /mnist \(test split\) not found: looked for t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte in/);
    t.true(m.includes(`  - ${dir}\n`) && m.includes(`  - ${join(dir, 'MNIST/raw')}\n`));
    t.regex(m, /no Debian\/Ubuntu package ships MNIST/);
    for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) t.true(m.includes(f), f);
    t.regex(m, /https:\/\/yann\.lecun\.com\/exdb\/mnist\//);
    t.regex(m, /--data-dir DIR/);
  } finally {
    if (saved !== undefined) process.env.STCSIM_DATA_DIR = saved;
  }
});

test('loadDataset: CIFAR-10 batches are concatenated', (t) => {
  const dir = tmp();
  const hwc = Uint8Array.from({ length: 2 * CIFAR_PIXELS }, (_, i) => i % 200);
  for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), encodeCifar('cifar10', hwc, [i, 0]));
  const d = loadDataset('cifar10', 'train', { dataDir: dir, limit: 7 });
  t.deepEqual(d.shape, [7, 32, 32, 3]);
  t.deepEqual([...d.labels], [1, 0, 2, 0, 3, 0, 4]);
  t.is(d.classes, 10);
});

test('loadDataset: a missing dataset lists every folder tried and how to get it', (t) => {
  const dir = tmp();
  const err = t.throws(() => loadDataset('cifar100', 'train', { dataDir: dir }), { instanceOf: DatasetNotFoundError });
  t.regex(err?.message ?? '', /cifar100 \(train split\) not found: looked for train\.bin in/);
  t.true(err?.message.includes(join(dir, 'cifar-100-binary')));
  t.regex(err?.message ?? '', /How to get it: download the "CIFAR-100 binary version"/);
});

test('loadDataset: a truncated file names the file', (t) => {
  const dir = tmp();
  writeFashionLike(dir, false);
  const f = join(dir, 't10k-images-idx3-ubyte');
  writeFileSync(f, encodeIdxUint8([5, 28, 28], new Uint8Array(5 * 28 * 28)).subarray(0, 1000));
  t.throws(() => loadDataset('mnist', 'test', { dataDir: dir }), { message: new RegExp(`${f}: truncated IDX data`) });
});
