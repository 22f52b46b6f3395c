/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0), C order. Reads float32, float64, uint8,
 * int32 and int64-free integer types into a Float32Array; writes float32 (the profiler's --input
 * format and what tests generate).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DataFormatError } from './errors.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyArray {
  data: Float32Array;
  shape: number[];
  /** The file's dtype descriptor, e.g. '<f4'. */
  dtype: string;
}

const READERS: Record<string, { bytes: number; read: (v: DataView, off: number) => number }> = {
  '<f4': { bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  '>f4': { bytes: 4, read: (v, o) => v.getFloat32(o, false) },
  '<f8': { bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  '>f8': { bytes: 8, read: (v, o) => v.getFloat64(o, false) },
  '|u1': { bytes: 1, read: (v, o) => v.getUint8(o) },
  '|i1': { bytes: 1, read: (v, o) => v.getInt8(o) },
  '<i4': { bytes: 4, read: (v, o) => v.getInt32(o, true) },
  '<u2': { bytes: 2, read: (v, o) => v.getUint16(o, true) },
};

export function parseNpy(buf: Uint8Array, file = '<buffer>'): NpyArray {
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) throw new DataFormatError(file, `not a .npy file (bad magic)`);
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new DataFormatError(file, `unsupported .npy version ${major}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + headerLenBytes;
  if (start + headerLen > buf.length) throw new DataFormatError(file, `truncated header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new DataFormatError(file, `malformed header ${header.trim()}`);
  if (fortran === 'True') throw new DataFormatError(file, `Fortran-order arrays are not supported (save with C order)`);
  const reader = READERS[descr];
  if (!reader) throw new DataFormatError(file, `dtype ${descr} is not supported (use float32)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataFormatError(file, `bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const need = count * reader.bytes;
  if (buf.length - dataStart < need) {
    throw new DataFormatError(file, `truncated data: shape (${shape.join(', ')}) needs ${need} bytes, file has ${buf.length - dataStart}`);
  }
  const data = new Float32Array(count);
  if (descr === '<f4' && (buf.byteOffset + dataStart) % 4 === 0) {
    data.set(new Float32Array(buf.buffer, buf.byteOffset + dataStart, count));
  } else {
    for (let i = 0; i < count; i++) data[i] = reader.read(view, dataStart + i * reader.bytes);
  }
  return { data, shape, dtype: descr };
}

export function readNpy(file: string): NpyArray {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new DataFormatError(file, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseNpy(buf, file);
}

/** float32, C order, format 1.0 (header padded so the data starts on a 64-byte boundary). */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`shape (${shape.join(', ')}) does not hold ${data.length} values`);
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shapeText}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function writeNpy(file: string, data: Float32Array, shape: readonly number[]): void {
  writeFileSync(file, encodeNpy(data, shape));
}
