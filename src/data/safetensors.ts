/**
 * safetensors files: an 8-byte little-endian header length N, N bytes of JSON
 * ({name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}), then the raw
 * little-endian tensor bytes (offsets relative to the end of the header). Read: F32, F16, BF16, F64
 * (and I32/I64/U8 for integer buffers such as num_batches_tracked) converted to Float32Array.
 * Write: F32.
 */
import { writeFileSync } from 'node:fs';
import { DataFormatError, readBytes } from './errors.ts';
import { warn } from '../util/warnings.ts';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
  /** dtype as stored (F32, F16, BF16, F64, ...). */
  dtype: string;
}

export interface SafeTensors {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8, U8: 1, I8: 1, I16: 2, BOOL: 1 };

/** IEEE half -> number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decodeTensor(view: DataView, offset: number, count: number, dtype: string): Float32Array {
  const out = new Float32Array(count);
  const b = BYTES[dtype];
  for (let i = 0; i < count; i++) {
    const o = offset + i * b;
    switch (dtype) {
      case 'F32': out[i] = view.getFloat32(o, true); break;
      case 'F64': out[i] = view.getFloat64(o, true); break;
      case 'F16': out[i] = halfToFloat(view.getUint16(o, true)); break;
      // bfloat16 is the top half of a float32.
      case 'BF16': {
        const tmp = new DataView(new ArrayBuffer(4));
        tmp.setUint32(0, view.getUint16(o, true) << 16, true);
        out[i] = tmp.getFloat32(0, true);
        break;
      }
      case 'I32': out[i] = view.getInt32(o, true); break;
      case 'I64': out[i] = Number(view.getBigInt64(o, true)); break;
      case 'I16': out[i] = view.getInt16(o, true); break;
      case 'I8': out[i] = view.getInt8(o); break;
      default: out[i] = view.getUint8(o); break;
    }
  }
  return out;
}

export function parseSafetensors(buf: Uint8Array, file = '<buffer>'): SafeTensors {
  if (buf.length < 8) throw new DataFormatError(file, `too short for a safetensors header (${buf.length} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > buf.length - 8) {
    throw new DataFormatError(file, `header length ${headerLen} exceeds the file (${buf.length} bytes): truncated or not safetensors`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch (e) {
    throw new DataFormatError(file, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new DataFormatError(file, 'header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  const ranges: { name: string; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e?.dtype !== 'string' || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
      throw new DataFormatError(file, `tensor "${name}": entry needs dtype, shape and data_offsets [begin, end]`);
    }
    const bytes = BYTES[e.dtype];
    if (bytes === undefined) throw new DataFormatError(file, `tensor "${name}": unsupported dtype ${e.dtype}`);
    const shape = e.shape.map(Number);
    const [begin, end] = e.data_offsets.map(Number);
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end >= begin) || end - begin !== count * bytes) {
      throw new DataFormatError(file, `tensor "${name}": data_offsets [${begin}, ${end}] do not hold shape [${shape.join(', ')}] of ${e.dtype} (${count * bytes} bytes)`);
    }
    if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new DataFormatError(file, `tensor "${name}": shape [${shape.join(', ')}] must hold non-negative integers`);
    if (end > dataLen) throw new DataFormatError(file, `tensor "${name}" ends at byte ${end} of the data but the data has ${dataLen} bytes: truncated file`);
    ranges.push({ name, begin, end });
    tensors.set(name, { shape, dtype: e.dtype, data: decodeTensor(view, dataStart + begin, count, e.dtype) });
  }
  // Legal to read but never written by a correct saver: two tensors sharing bytes (a hand-edited or
  // corrupt header). Each is decoded as asked; a warning says which overlap.
  ranges.sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1];
    const cur = ranges[i];
    if (cur.begin < prev.end && cur.end > cur.begin) warn(`${file}: tensors "${prev.name}" [${prev.begin}, ${prev.end}) and "${cur.name}" [${cur.begin}, ${cur.end}) overlap in the data`);
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafeTensors {
  return parseSafetensors(readBytes(file), file);
}

/** Encodes float32 tensors (in the given order) with optional string metadata. */
export function encodeSafetensors(tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new RangeError(`tensor "${name}": shape [${t.shape.join(', ')}] holds ${count} values, data has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  json = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i], true);
    at += 4 * t.data.length;
  }
  return out;
}

export function writeSafetensors(file: string, tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata?: Record<string, string>): void {
  writeFileSync(file, encodeSafetensors(tensors, metadata));
}
