/**
 * Event readers and the saccade converter: hand-counted events of a tiny image, byte layouts written
 * by hand, round trips of the converter's files through every reader, and hostile files.
 */
import test from 'ava';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { encodeAedat31, parseAedat31 } from '../../src/data/aedat.ts';
import { readEventFile, readEventSamples } from '../../src/data/event-files.ts';
import { convertDataset } from '../../src/data/event-dataset.ts';
import { DataFormatError } from '../../src/data/errors.ts';
import type { EventStream } from '../../src/data/events.ts';
import { encodeNmnist, parseNmnist, writeNmnist } from '../../src/data/nmnist.ts';
import { encodeEventsNpy, encodeEventsNpz, parseEventsNpy, parseEventsNpz } from '../../src/data/npy-events.ts';
import { encodeNpy } from '../../src/data/npy.ts';
import { saccadeEvents } from '../../src/data/saccade.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { testWithTool } from '../tools.ts';
import { randomArray } from '../helpers.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'stcsim-events-'));
const plain = (e: EventStream) => ({ x: [...e.x], y: [...e.y], t: [...e.tUs], p: [...e.p] });

test('one bright pixel moved by three integer saccades gives 4 ON + 4 OFF events per move', (t) => {
  // 1x1 image of intensity 1 on a 3x3 sensor, amplitude 2, one sample per saccade: the pixel visits
  // (x, y) = (0, 0) -> (1, 2) -> (2, 0) -> (0, 0). From background 0 to 1 the log level rises by
  // ln(1.1 / 0.1) = ln 11 = 2.398, i.e. floor(2.398 / 0.5) = 4 crossings of C = 0.5; the pixel left
  // behind falls back the same 4 thresholds.
  const e = saccadeEvents([1], 1, 1, { threshold: 0.5, epsilon: 0.1, amplitude: 2, stepsPerSaccade: 1, saccadeUs: 1000 });
  t.deepEqual(e.sensor, { width: 3, height: 3 });
  t.is(Math.floor(Math.log(11) / 0.5), 4);
  const tally = new Map<string, number>();
  for (let i = 0; i < e.x.length; i++) {
    const k = `${e.x[i]},${e.y[i]},${e.p[i] ? 'on' : 'off'}`;
    tally.set(k, (tally.get(k) ?? 0) + 1);
  }
  t.deepEqual(Object.fromEntries([...tally].sort()), {
    '0,0,off': 4, '0,0,on': 4, '1,2,off': 4, '1,2,on': 4, '2,0,off': 4, '2,0,on': 4,
  });
  // The j-th ON crossing of a 0 -> 1 step sits at fraction 0.5 j / ln 11 of the 1000 us sample interval.
  const firstOn = [...e.tUs].filter((_, i) => e.x[i] === 1 && e.y[i] === 2 && e.p[i] === 1);
  t.deepEqual(firstOn, [1, 2, 3, 4].map((j) => Math.round((1000 * 0.5 * j) / Math.log(11))));
  // Time-sorted, and the still image at t = 0 made no events.
  t.true([...e.tUs].every((v, i, a) => i === 0 || a[i - 1] <= v));
  t.true(e.tUs[0] > 0);
});

test('N-MNIST bytes: x, y, polarity bit 7 and the 23-bit timestamp split over bytes 2-4', (t) => {
  const bytes = Uint8Array.from([5, 7, 0x80 | 0x12, 0x34, 0x56, 33, 0, 0x7f, 0xff, 0xff]);
  t.deepEqual(plain(parseNmnist(bytes)), { x: [5, 33], y: [7, 0], t: [0x123456, 0x7fffff], p: [1, 0] });
  t.deepEqual([...encodeNmnist(parseNmnist(bytes))], [...bytes]);
});

test('AEDAT 3.1: polarity packets decoded, other packet types and invalid events skipped, overflow applied', (t) => {
  const header = '#!AER-DAT3.1\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n';
  const packet = (type: number, overflow: number, events: [number, number][], size = 8): Uint8Array => {
    const b = new Uint8Array(28 + events.length * size);
    const v = new DataView(b.buffer);
    v.setInt16(0, type, true); v.setInt16(2, 1, true); v.setInt32(4, size, true); v.setInt32(8, 4, true);
    v.setInt32(12, overflow, true); v.setInt32(16, events.length, true); v.setInt32(20, events.length, true); v.setInt32(24, events.length, true);
    events.forEach(([data, ts], i) => { v.setUint32(28 + i * size, data >>> 0, true); v.setInt32(32 + i * size, ts, true); });
    return b;
  };
  const ev = (x: number, y: number, p: number, valid = 1): number => (x << 17) | (y << 2) | (p << 1) | valid;
  const parts = [
    new TextEncoder().encode(header),
    packet(0, 0, [[0xdead, 5]]), // a special-event packet: skipped
    packet(1, 0, [[ev(127, 3, 1), 10], [ev(9, 9, 0, 0), 11], [ev(0, 127, 0), 12]]),
    packet(1, 1, [[ev(64, 64, 1), 7]]),
  ];
  const buf = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((off, p) => (buf.set(p, off), off + p.length), 0);
  const e = parseAedat31(buf, 'hand.aedat');
  t.deepEqual(plain(e), { x: [127, 0, 64], y: [3, 127, 64], t: [10, 12, 2 ** 31 + 7], p: [1, 0, 1] });
  t.deepEqual(e.sensor, { width: 128, height: 128 });
});

test('numpy events: Tonic-style structured .npy, .npz with a structured member, .npz with x/y/t/p columns', (t) => {
  const e = saccadeEvents(randomArray(16, 3, 0, 1), 4, 4);
  t.true(e.x.length > 10);
  t.deepEqual(plain(parseEventsNpy(encodeEventsNpy(e))), plain(e));
  t.deepEqual(plain(parseEventsNpz(encodeEventsNpz(e))), plain(e));
  const cols = zipSync({
    'x.npy': encodeNpy([e.x.length], Float32Array.from(e.x)), 'y.npy': encodeNpy([e.y.length], Float32Array.from(e.y)),
    't.npy': encodeNpy([e.tUs.length], Float32Array.from(e.tUs)), 'p.npy': encodeNpy([e.p.length], Float32Array.from(e.p)),
  });
  t.deepEqual(plain(parseEventsNpz(cols)), plain(e));
  // Field order and types of another writer: t first as float64, p as bool.
  const header = "{'descr': [('t', '<f8'), ('p', '|b1'), ('x', '<u2'), ('y', '<u2')], 'fortran_order': False, 'shape': (2,), }";
  const pad = Math.ceil((10 + header.length + 1) / 64) * 64;
  const buf = new Uint8Array(pad + 2 * 13);
  buf.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const v = new DataView(buf.buffer);
  v.setUint16(8, pad - 10, true);
  buf.set(new TextEncoder().encode(header.padEnd(pad - 11, ' ') + '\n'), 10);
  [[1500, 1, 3, 4], [2500, 0, 30, 40]].forEach(([tt, p, x, y], i) => {
    const o = pad + i * 13;
    v.setFloat64(o, tt, true); v.setUint8(o + 8, p); v.setUint16(o + 9, x, true); v.setUint16(o + 11, y, true);
  });
  t.deepEqual(plain(parseEventsNpy(buf)), { x: [3, 30], y: [4, 40], t: [1500, 2500], p: [1, 0] });
});

test('hostile event files: one error naming the file and the problem', (t) => {
  const dir = tmp();
  const bad = (name: string, bytes: Uint8Array | string, pattern: RegExp): void => {
    const f = join(dir, name);
    writeFileSync(f, bytes);
    const err = t.throws(() => readEventFile(f), { instanceOf: DataFormatError });
    t.true(err.message.startsWith(f), err.message);
    t.regex(err.message, pattern);
  };
  bad('short.bin', new Uint8Array(7), /not a whole number of 5-byte N-MNIST events/);
  bad('v2.aedat', '#!AER-DAT2.0\r\n', /unsupported AEDAT version/);
  bad('noend.aedat', '#!AER-DAT3.1\r\n#Source 1: DVS128\r\n', /no "#!END-HEADER"/);
  const header = new TextEncoder().encode('#!AER-DAT3.1\r\n#!END-HEADER\r\n');
  const pkt = new Uint8Array(28);
  const v = new DataView(pkt.buffer);
  v.setInt16(0, 1, true); v.setInt32(4, 8, true); v.setInt32(16, 1_000_000, true); v.setInt32(20, 1_000_000, true);
  bad('trunc.aedat', Uint8Array.from([...header, ...pkt]), /truncated packet at byte/);
  bad('plain.npy', encodeNpy([3], new Float32Array(3)), /not a structured array/);
  bad('nofields.npz', zipSync({ 'a.npy': encodeNpy([2], new Float32Array(2)) }), /no structured event array and no x, y, t, p members/);
  bad('garbage.npz', new Uint8Array([1, 2, 3, 4, 5]), /not a readable \.npz/);
  bad('frames.txt', 'x', /unknown event file type/);
  t.throws(() => readEventFile(join(dir, 'missing.bin')), { message: /missing\.bin: cannot read \(ENOENT\)/ });
});

const fashion = existsSync('/usr/share/datasets/fashion-mnist') ? '/usr/share/datasets/fashion-mnist' : undefined;

testWithTool(fashion, 'Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)', 'converted Fashion-MNIST files read back identically through every reader', (t) => {
  const out = tmp();
  const r = convertDataset({ dataset: 'fashion-mnist', train: 3, test: 2, out });
  t.is(r.files, 5);
  t.deepEqual(r.sensor, { width: 34, height: 34 });
  const samples = readEventSamples(out);
  t.is(samples.length, 5);
  t.is(samples.reduce((a, s) => a + s.events.x.length, 0), r.events);
  const test2 = loadDataset('fashion-mnist', 'test', { limit: 2 });
  const fromFolder = samples.filter((s) => s.file.includes('/Test/'));
  t.deepEqual(fromFolder.map((s) => s.label).sort(), [...test2.labels].sort());
  for (let i = 0; i < 2; i++) {
    const direct = saccadeEvents(test2.images.subarray(i * 784, (i + 1) * 784), 28, 28);
    const file = join(out, 'Test', String(test2.labels[i]), `${String(i).padStart(5, '0')}.bin`);
    const read = readEventFile(file);
    t.deepEqual(plain(read), plain(direct));
    for (const [name, bytes] of [['a.aedat', encodeAedat31(read)], ['a.npy', encodeEventsNpy(read)], ['a.npz', encodeEventsNpz(read)]] as const) {
      const f = join(out, name);
      writeFileSync(f, bytes);
      t.deepEqual(plain(readEventFile(f)), plain(direct), name);
    }
    writeNmnist(join(out, 'again.bin'), read);
    t.deepEqual(plain(readEventFile(join(out, 'again.bin'))), plain(direct));
  }
});
