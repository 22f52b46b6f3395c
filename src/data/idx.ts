/**
 * IDX files (the MNIST / Fashion-MNIST container): 2 zero bytes, a type byte, a rank byte, then
 * `rank` big-endian uint32 dimensions and the row-major data, big-endian. Plain or gzip-compressed
 * (detected by the gzip magic, not by the file name).
 */
import { gunzipSync } from 'node:zlib';
import { DataFormatError, readBytes } from './errors.ts';
import { formatBytes, memoryBudgetBytes } from '../util/paths.ts';

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  dims: number[];
  data: IdxArray;
}

const IDX_TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

/**
 * Undoes gzip when the buffer starts with the gzip magic; `file` names the source in errors.
 * Inflation is bounded by the size the gzip trailer promises (ISIZE, RFC 1952 2.3.1): a stream that
 * inflates past it stops there with an error, and a promise past the memory budget is refused before
 * inflating (a 1 MB file that inflates to 1 GiB never allocates the GiB).
 */
export function maybeGunzip(buf: Uint8Array, file: string): Uint8Array {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    if (buf.length < 18) throw new DataFormatError(file, `truncated gzip stream (${buf.length} bytes)`);
    const promised = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(buf.length - 4, true);
    const budget = memoryBudgetBytes();
    if (promised > budget) {
      throw new DataFormatError(file, `gzip trailer promises ${formatBytes(promised)} inflated, past the bound of ${formatBytes(budget)} (set STCSIM_MAX_MEMORY_MB to change it)`);
    }
    try {
      // One byte of slack: inflating exactly `promised` bytes is fine, one more is the lie.
      const out = gunzipSync(buf, { maxOutputLength: Math.max(1, promised + 1) });
      if (out.length !== promised) throw new Error(`inflates to ${out.length} bytes, trailer says ${promised}`);
      return out;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new DataFormatError(file, `gzip stream inflates beyond the ${promised} bytes its trailer promises`);
      throw new DataFormatError(file, `corrupt or truncated gzip stream (${(e as Error).message})`);
    }
  }
  return buf;
}

export function parseIdx(raw: Uint8Array, file = '<buffer>'): IdxTensor {
  const buf = maybeGunzip(raw, file);
  if (buf.length < 4) throw new DataFormatError(file, `too short for an IDX header (${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new DataFormatError(file, `bad IDX magic: first two bytes are ${buf[0]}, ${buf[1]} (expected 0, 0)`);
  }
  const type = IDX_TYPES[buf[2]];
  if (!type) throw new DataFormatError(file, `unknown IDX data type 0x${buf[2].toString(16)}`);
  const rank = buf[3];
  if (rank < 1) throw new DataFormatError(file, 'IDX rank is 0');
  const headerBytes = 4 + 4 * rank;
  if (buf.length < headerBytes) throw new DataFormatError(file, `truncated IDX header: ${rank} dimensions need ${headerBytes} bytes, file has ${buf.length}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (buf.length < expected) {
    throw new DataFormatError(
      file,
      `truncated IDX data: header says [${dims.join(', ')}] ${type.name} (${expected} bytes), file has ${buf.length} bytes`,
    );
  }
  if (buf.length > expected) {
    throw new DataFormatError(file, `IDX size mismatch: header says ${expected} bytes, file has ${buf.length} (extra data)`);
  }
  return { dims, data: decode(view, headerBytes, count, buf[2]) };
}

function decode(view: DataView, offset: number, count: number, type: number): IdxArray {
  switch (type) {
    case 0x08:
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 0x09:
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 0x0b: {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(offset + 2 * i, false);
      return a;
    }
    case 0x0c: {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(offset + 4 * i, false);
      return a;
    }
    case 0x0d: {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(offset + 4 * i, false);
      return a;
    }
    default: {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(offset + 8 * i, false);
      return a;
    }
  }
}

export function readIdx(file: string): IdxTensor {
  return parseIdx(readBytes(file), file);
}

/** Encodes a uint8 IDX file (what tests and tools write); `dims` must match the data length. */
export function encodeIdxUint8(dims: number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`IDX dims [${dims.join(', ')}] hold ${count} values, data has ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
