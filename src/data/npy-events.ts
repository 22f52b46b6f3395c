/**
 * Events in NumPy files, the layout of Python tools such as Tonic: a 1-D structured array with named
 * fields x, y, t, p (any order, any integer/float/bool field types, e.g. Tonic's default
 * [('x','<i8'),('y','<i8'),('p','<i8'),('t','<i8')]), in a .npy file or inside a .npz archive (the
 * first member holding such an array; or members x, y, t, p holding one 1-D array each).
 * Timestamps in microseconds, as Tonic stores them. Sizes are checked before anything is allocated.
 */
import { createRequire } from 'node:module';
import type * as Fflate from 'fflate';
import { allocEvents, eventFileBytes, MAX_EVENT_FILE_BYTES, MAX_SENSOR_SIDE, type EventStream } from './events.ts';
import { DataFormatError, readBytes } from './errors.ts';
import { npyHeader } from './npy.ts';

/** fflate is required on the first .npz, not by every command that can read events. */
let fflateModule: typeof Fflate | undefined;
const fflate = (): typeof Fflate => (fflateModule ??= createRequire(import.meta.url)('fflate') as typeof Fflate);

interface FieldType { kind: string; bytes: number; le: boolean }
interface Field extends FieldType { name: string; offset: number }

const EVENT_FIELDS = ['x', 'y', 't', 'p'] as const;

function fieldType(code: string, file: string, what: string): FieldType {
  const m = /^([<>|=])([biufV])(\d+)$/.exec(code);
  if (!m) throw new DataFormatError(file, `unsupported dtype '${code}' for ${what}`);
  const bytes = Number(m[3]);
  const kind = m[2];
  const ok = kind === 'V' || (kind === 'f' ? bytes === 4 || bytes === 8 : [1, 2, 4, 8].includes(bytes));
  if (!ok) throw new DataFormatError(file, `unsupported dtype '${code}' for ${what}`);
  return { kind, bytes, le: m[1] !== '>' };
}

function readValue(view: DataView, off: number, f: FieldType): number {
  switch (f.kind) {
    case 'b':
    case 'u':
      return f.bytes === 1 ? view.getUint8(off) : f.bytes === 2 ? view.getUint16(off, f.le) : f.bytes === 4 ? view.getUint32(off, f.le) : Number(view.getBigUint64(off, f.le));
    case 'i':
      return f.bytes === 1 ? view.getInt8(off) : f.bytes === 2 ? view.getInt16(off, f.le) : f.bytes === 4 ? view.getInt32(off, f.le) : Number(view.getBigInt64(off, f.le));
    default:
      return f.bytes === 4 ? view.getFloat32(off, f.le) : view.getFloat64(off, f.le);
  }
}

function headerShape(text: string, file: string): number[] {
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (shapeText === undefined) throw new DataFormatError(file, `malformed .npy header ${JSON.stringify(text.trim().slice(0, 200))}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataFormatError(file, `bad shape (${shapeText}) in .npy header`);
  if (/'fortran_order'\s*:\s*True/.test(text) && shape.length > 1) throw new DataFormatError(file, 'Fortran-order arrays are not supported');
  return shape;
}

/** The structured fields of a header, or null when the descr is a plain dtype string. */
function structFields(text: string, file: string): { fields: Field[]; itemBytes: number } | null {
  const list = /'descr'\s*:\s*\[(.*)\]\s*,\s*'fortran_order'/s.exec(text)?.[1];
  if (list === undefined) return null;
  const fields: Field[] = [];
  let offset = 0;
  for (const m of list.matchAll(/\(\s*'([^']*)'\s*,\s*'([^']+)'\s*(?:,\s*\([^)]*\)\s*)?\)/g)) {
    const t = fieldType(m[2], file, `field '${m[1]}'`);
    fields.push({ name: m[1], offset, ...t });
    offset += t.bytes;
  }
  if (fields.length === 0) throw new DataFormatError(file, 'structured dtype with no fields');
  return { fields, itemBytes: offset };
}

/** A .npy buffer holding a structured event array -> events. */
export function parseEventsNpy(buf: Uint8Array, file = '<buffer>'): EventStream {
  const { text, dataStart } = npyHeader(buf, file);
  const struct = structFields(text, file);
  if (!struct) throw new DataFormatError(file, "not a structured array: events need named fields x, y, t, p (e.g. Tonic's dtype)");
  const byName = new Map(struct.fields.map((f) => [f.name, f]));
  const missing = EVENT_FIELDS.filter((k) => !byName.has(k));
  if (missing.length > 0) throw new DataFormatError(file, `structured array lacks field(s) ${missing.join(', ')} (has ${struct.fields.map((f) => f.name).join(', ')})`);
  const shape = headerShape(text, file);
  if (shape.length !== 1) throw new DataFormatError(file, `event array must be 1-D, got shape (${shape.join(', ')})`);
  const n = shape[0];
  const need = dataStart + n * struct.itemBytes;
  if (buf.length !== need) throw new DataFormatError(file, `${buf.length < need ? 'truncated' : 'size mismatch'}: ${n} events of ${struct.itemBytes} bytes need ${need} bytes, file has ${buf.length}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const e = allocEvents(n);
  const [fx, fy, ft, fp] = EVENT_FIELDS.map((k) => byName.get(k) as Field);
  for (let i = 0, o = dataStart; i < n; i++, o += struct.itemBytes) {
    const x = readValue(view, o + fx.offset, fx);
    const y = readValue(view, o + fy.offset, fy);
    if (!(x >= 0 && x < MAX_SENSOR_SIDE && y >= 0 && y < MAX_SENSOR_SIDE) || !Number.isInteger(x) || !Number.isInteger(y)) {
      throw new DataFormatError(file, `event ${i}: coordinates (${x}, ${y}) are not integers in [0, ${MAX_SENSOR_SIDE})`);
    }
    e.x[i] = x;
    e.y[i] = y;
    e.tUs[i] = readValue(view, o + ft.offset, ft);
    e.p[i] = readValue(view, o + fp.offset, fp) > 0 ? 1 : 0;
  }
  return e;
}

/** One plain 1-D numeric .npy member (npz with separate x, y, t, p arrays) -> float64 values. */
function parsePlainNpy(buf: Uint8Array, file: string): Float64Array {
  const { text, dataStart } = npyHeader(buf, file);
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  if (!descr) throw new DataFormatError(file, 'expected a plain numeric array');
  const t = fieldType(descr, file, 'an event column');
  const shape = headerShape(text, file);
  const n = shape.reduce((a, b) => a * b, 1);
  if (shape.length !== 1 || buf.length !== dataStart + n * t.bytes) throw new DataFormatError(file, `expected a 1-D array of ${descr} filling the file, got shape (${shape.join(', ')}) in ${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = readValue(view, dataStart + i * t.bytes, t);
  return out;
}

/** A .npz archive (zip): the first member with a structured x/y/t/p array, else members x, y, t, p. */
export function parseEventsNpz(buf: Uint8Array, file = '<buffer>'): EventStream {
  let members: Record<string, Uint8Array>;
  let declared = 0;
  try {
    // The filter sees each member's declared uncompressed size before it is inflated.
    members = fflate().unzipSync(buf, {
      filter: (f) => {
        declared += f.originalSize;
        if (declared > MAX_EVENT_FILE_BYTES) throw new DataFormatError(file, `members declare ${declared} bytes uncompressed, more than the ${MAX_EVENT_FILE_BYTES}-byte limit`);
        return f.name.endsWith('.npy');
      },
    });
  } catch (e) {
    if (e instanceof DataFormatError) throw e;
    throw new DataFormatError(file, `not a readable .npz (zip) archive (${(e as Error).message})`);
  }
  const names = Object.keys(members);
  for (const name of names) {
    const { text } = npyHeader(members[name], `${file}:${name}`);
    if (structFields(text, `${file}:${name}`)) return parseEventsNpy(members[name], `${file}:${name}`);
  }
  const cols = EVENT_FIELDS.map((k) => members[`${k}.npy`]);
  if (cols.some((c) => c === undefined)) {
    throw new DataFormatError(file, `no structured event array and no x, y, t, p members (members: ${names.join(', ') || 'none'})`);
  }
  const [x, y, t, p] = cols.map((c, i) => parsePlainNpy(c, `${file}:${EVENT_FIELDS[i]}.npy`));
  if (new Set([x.length, y.length, t.length, p.length]).size !== 1) throw new DataFormatError(file, `members x, y, t, p have different lengths (${x.length}, ${y.length}, ${t.length}, ${p.length})`);
  const e = allocEvents(x.length);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && x[i] < MAX_SENSOR_SIDE && y[i] >= 0 && y[i] < MAX_SENSOR_SIDE)) throw new DataFormatError(file, `event ${i}: coordinates (${x[i]}, ${y[i]}) out of range`);
    e.x[i] = x[i];
    e.y[i] = y[i];
    e.tUs[i] = t[i];
    e.p[i] = p[i] > 0 ? 1 : 0;
  }
  return e;
}

export function readEventsNpy(file: string): EventStream {
  eventFileBytes(file);
  return parseEventsNpy(readBytes(file), file);
}

export function readEventsNpz(file: string): EventStream {
  eventFileBytes(file);
  return parseEventsNpz(readBytes(file), file);
}

/** Tonic's default layout: x, y, p, t as little-endian int64 fields. */
export function encodeEventsNpy(e: EventStream): Uint8Array {
  const n = e.x.length;
  let header = `{'descr': [('x', '<i8'), ('y', '<i8'), ('p', '<i8'), ('t', '<i8')], 'fortran_order': False, 'shape': (${n},), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + n * 32);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(fflate().strToU8(header), 10);
  for (let i = 0, o = total; i < n; i++, o += 32) {
    view.setBigInt64(o, BigInt(e.x[i]), true);
    view.setBigInt64(o + 8, BigInt(e.y[i]), true);
    view.setBigInt64(o + 16, BigInt(e.p[i]), true);
    view.setBigInt64(o + 24, BigInt(e.tUs[i]), true);
  }
  return out;
}

/** A .npz archive with one member, events.npy (numpy's np.savez(file, events=arr)). */
export function encodeEventsNpz(e: EventStream): Uint8Array {
  return fflate().zipSync({ 'events.npy': encodeEventsNpy(e) }, { level: 6 });
}
