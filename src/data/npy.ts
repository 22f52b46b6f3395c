/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), C order only. Read: float32, float64 and
 * uint8 (also int8/int16/int32, either byte order) converted to Float32Array; write: float32, v1.0
 * (v2.0 when the header outgrows 64 KiB). Used for `profile --input FILE.npy` (NHWC images).
 */
import { writeFileSync } from 'node:fs';
import { DataFormatError, readBytes } from './errors.ts';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
  /** The dtype as stored in the file (numpy descr, e.g. '<f4', '|u1'). */
  storedDtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface DtypeInfo { bytes: number; read: (v: DataView, off: number, le: boolean) => number }

const DTYPES: Record<string, DtypeInfo> = {
  f4: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f8: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
  u1: { bytes: 1, read: (v, o) => v.getUint8(o) },
  i1: { bytes: 1, read: (v, o) => v.getInt8(o) },
  i2: { bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
  i4: { bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  u2: { bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
};

function parseHeader(text: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataFormatError(file, `malformed .npy header ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataFormatError(file, `bad shape (${shapeText}) in .npy header`);
  return { descr, fortran: fortran === 'True', shape };
}

/** The header text of a .npy buffer and where its data starts (magic, version and length checked). */
export function npyHeader(buf: Uint8Array, file = '<buffer>'): { text: string; dataStart: number } {
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) throw new DataFormatError(file, 'not a .npy file (bad magic; expected \\x93NUMPY)');
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) throw new DataFormatError(file, `unsupported .npy format version ${major}.${buf[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) throw new DataFormatError(file, 'truncated .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (buf.length < dataStart) throw new DataFormatError(file, `truncated .npy header: needs ${dataStart} bytes, file has ${buf.length}`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(8 + lenBytes, dataStart));
  return { text, dataStart };
}

export function parseNpy(buf: Uint8Array, file = '<buffer>'): NpyArray {
  const { text, dataStart } = npyHeader(buf, file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const { descr, fortran, shape } = parseHeader(text, file);
  if (fortran) throw new DataFormatError(file, 'Fortran-order arrays are not supported; save with np.ascontiguousarray');
  const order = descr[0];
  const kind = descr.slice(1);
  const dt = DTYPES[kind];
  if (!dt || !['<', '>', '|', '='].includes(order)) {
    throw new DataFormatError(file, `unsupported dtype '${descr}' (supported: float32, float64, uint8, int8, int16, uint16, int32)`);
  }
  const le = order !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const need = dataStart + count * dt.bytes;
  if (buf.length !== need) {
    throw new DataFormatError(
      file,
      `${buf.length < need ? 'truncated' : 'size mismatch'}: header says shape (${shape.join(', ')}) of '${descr}' = ${need} bytes, file has ${buf.length}`,
    );
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = dt.read(view, dataStart + i * dt.bytes, le);
  return { shape, data, storedDtype: descr };
}

export function readNpy(file: string): NpyArray {
  return parseNpy(readBytes(file), file);
}

/** Encodes a float32 C-order array as .npy (v1.0, or v2.0 for headers over 64 KiB). */
export function encodeNpy(shape: number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const major = header.length + 11 > 65535 ? 2 : 1;
  const pre = 8 + (major === 1 ? 2 : 4);
  // The data must start on a 64-byte boundary; the header is space-padded and ends in '\n'.
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + count * 4);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  for (let i = 0; i < count; i++) view.setFloat32(total + 4 * i, data[i], true);
  return out;
}

export function writeNpy(file: string, shape: number[], data: Float32Array): void {
  writeFileSync(file, encodeNpy(shape, data));
}
