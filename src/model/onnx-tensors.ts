/**
 * The protobuf side of the ONNX import (src/model/onnx-import.ts): onnx-proto's message types with
 * their optional fields resolved, int64 values as numbers, initializer and Constant tensors as arrays
 * (float_data, int64_data, int32_data, double_data or little-endian raw_data, as the spec allows), and
 * node attributes with ONNX's defaults.
 */
import { createRequire } from 'node:module';
import type onnxProto from 'onnx-proto';
import { ModelFormatError } from './tfjs-import.ts';

export type Onnx = typeof onnxProto.onnx;
let onnxModule: Onnx | undefined;

/** onnx-proto (protobufjs, ~0.1-0.2 s to load), required on the first ONNX file rather than by every command that can load a model. */
export function onnxMessages(): Onnx {
  onnxModule ??= (createRequire(import.meta.url)('onnx-proto') as typeof onnxProto).onnx;
  return onnxModule;
}

/** A node with its optional protobuf fields resolved (empty name, lists and op type when absent). */
export interface NodeProto {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}
export const nodeOf = (n: onnxProto.onnx.INodeProto): NodeProto => ({
  name: n.name ?? '', opType: n.opType ?? '', input: n.input ?? [], output: n.output ?? [], attribute: n.attribute ?? [],
});
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type GraphProto = onnxProto.onnx.IGraphProto;

/** protobufjs hands int64 fields back as Long objects (or numbers when they fit). */
type Int64 = number | { toNumber(): number };
export const int = (v: Int64 | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

/** A constant tensor of the file (an initializer or a Constant node's value), in ONNX's own layout. */
export interface Constant {
  dims: number[];
  data: Float32Array | number[];
}

const FLOAT = 1;
const INT64 = 7;
const DOUBLE = 11;
const INT32 = 6;

/** A tensor's values: float_data / int64_data / raw_data (little-endian), as the spec allows. */
export function tensorValues(t: TensorProto, where: string): Constant {
  const dims = (t.dims ?? []).map(int);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  if (t.dataLocation === 1) throw new ModelFormatError(`${where}: tensor "${t.name}" is stored in an external file; save the model with its weights inside (torch.onnx.export does for models under 2 GB)`);
  let data: Float32Array | number[];
  switch (t.dataType) {
    case FLOAT:
      if (raw) {
        if (raw.length !== count * 4) throw new ModelFormatError(`${where}: tensor "${t.name}" holds ${raw.length} bytes, its shape [${dims.join(', ')}] needs ${count * 4}`);
        const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
        data = Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
      } else {
        data = Float32Array.from(t.floatData ?? []);
      }
      break;
    case DOUBLE:
      data = raw ? Array.from({ length: count }, (_, i) => new DataView(raw.buffer, raw.byteOffset).getFloat64(8 * i, true)) : [...(t.doubleData ?? [])];
      data = Float32Array.from(data);
      break;
    case INT64:
      data = raw ? Array.from({ length: count }, (_, i) => Number(new DataView(raw.buffer, raw.byteOffset).getBigInt64(8 * i, true))) : (t.int64Data ?? []).map(int);
      break;
    case INT32:
      data = raw ? Array.from({ length: count }, (_, i) => new DataView(raw.buffer, raw.byteOffset).getInt32(4 * i, true)) : [...(t.int32Data ?? [])];
      break;
    default:
      throw new ModelFormatError(`${where}: tensor "${t.name}" has ONNX data type ${t.dataType}; only float32 (1), float64, int32 and int64 are read`);
  }
  if (data.length !== count) throw new ModelFormatError(`${where}: tensor "${t.name}" holds ${data.length} values, its shape [${dims.join(', ')}] needs ${count}`);
  return { dims, data };
}

/** Attributes of a node by name, with typed getters that fall back to ONNX's defaults. */
export function attributes(n: NodeProto) {
  const byName = new Map<string, AttributeProto>((n.attribute ?? []).map((a) => [a.name ?? '', a]));
  return {
    has: (k: string): boolean => byName.has(k),
    int: (k: string, fallback: number): number => (byName.has(k) ? int(byName.get(k)?.i) : fallback),
    float: (k: string, fallback: number): number => (byName.has(k) ? byName.get(k)?.f ?? fallback : fallback),
    ints: (k: string): number[] | undefined => byName.get(k)?.ints?.map(int),
    string: (k: string): string | undefined => {
      const s = byName.get(k)?.s;
      return s && s.length > 0 ? Buffer.from(s).toString('utf8') : undefined;
    },
    tensor: (k: string): TensorProto | undefined => byName.get(k)?.t ?? undefined,
  };
}
