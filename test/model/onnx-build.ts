/**
 * Builds ONNX models in the real file format for tests: a ModelProto encoded with the same onnx-proto
 * package the importer decodes with, laid out as torch.onnx.export lays it out (NCHW, OIHW weights as
 * initializers, Gemm with transB = 1 for nn.Linear). Weights alternate between raw_data and float_data
 * unless told, so both encodings are read.
 */
import onnxProto from 'onnx-proto';
import { randomArray } from '../helpers.ts';

const { onnx } = onnxProto;
type Attr = onnxProto.onnx.IAttributeProto;

export interface Init {
  dims: number[];
  data: Float32Array;
}

const ints = (name: string, v: number[]): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
const int = (name: string, v: number): Attr => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
const float = (name: string, v: number): Attr => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });

export class OnnxNet {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  /** Initializers by name, in ONNX layout (for brute-force references). */
  readonly inits = new Map<string, Init>();
  /** int64 initializers (Reshape shapes), encoded as int64_data. */
  readonly int64 = new Map<string, number[]>();
  private count = 0;
  private seed = 100;

  constructor(readonly inputShape: [number, number, number, number], private readonly encoding: 'alternate' | 'raw' | 'float' = 'alternate') {}

  private out(op: string): string {
    return `/${op}_${++this.count}_output_0`;
  }

  init(name: string, dims: number[], data?: Float32Array, scale = 1): string {
    const n = dims.reduce((a, b) => a * b, 1);
    this.inits.set(name, { dims, data: data ?? randomArray(n, this.seed++, -scale, scale) });
    return name;
  }

  node(opType: string, inputs: string[], attribute: Attr[] = [], name = ''): string {
    const output = this.out(opType);
    this.nodes.push({ opType, input: inputs, output: [output], attribute, name: name || `/${opType}_${this.count}` });
    return output;
  }

  /** nn.Conv2d: weight [co, ci, k, k] named "<module>.weight" as torch names it. */
  conv(x: string, module: string, ci: number, co: number, k: number, stride = 1, pad = 0, bias = false): string {
    const fanIn = ci * k * k;
    const w = this.init(`${module}.weight`, [co, ci, k, k], undefined, Math.sqrt(6 / fanIn));
    const ins = [x, w, ...(bias ? [this.init(`${module}.bias`, [co], undefined, 0.1)] : [])];
    return this.node('Conv', ins, [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad]), ints('dilations', [1, 1]), int('group', 1)], `/${module}/Conv`);
  }

  bn(x: string, module: string, c: number): string {
    const r = randomArray(4 * c, this.seed++, 0, 1);
    const ins = [
      this.init(`${module}.weight`, [c], Float32Array.from(r.subarray(0, c), (v) => 0.5 + v)),
      this.init(`${module}.bias`, [c], Float32Array.from(r.subarray(c, 2 * c), (v) => v - 0.5)),
      this.init(`${module}.running_mean`, [c], Float32Array.from(r.subarray(2 * c, 3 * c), (v) => 0.2 * (v - 0.5))),
      this.init(`${module}.running_var`, [c], Float32Array.from(r.subarray(3 * c), (v) => 0.5 + v)),
    ];
    return this.node('BatchNormalization', [x, ...ins], [float('epsilon', 1e-5), float('momentum', 0.9)], `/${module}/BatchNormalization`);
  }

  relu(x: string): string {
    return this.node('Relu', [x]);
  }

  maxpool(x: string, k: number, stride = k, pad = 0): string {
    return this.node('MaxPool', [x], [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [pad, pad, pad, pad]), int('ceil_mode', 0)]);
  }

  avgpool(x: string, k: number): string {
    return this.node('AveragePool', [x], [ints('kernel_shape', [k, k]), ints('strides', [k, k]), ints('pads', [0, 0, 0, 0])]);
  }

  /** nn.Linear as torch exports it: Gemm(x, W[out, in], b) with transB = 1. */
  linear(x: string, module: string, fIn: number, fOut: number): string {
    const w = this.init(`${module}.weight`, [fOut, fIn], undefined, Math.sqrt(3 / fIn));
    const b = this.init(`${module}.bias`, [fOut], undefined, 0.1);
    return this.node('Gemm', [x, w, b], [float('alpha', 1), float('beta', 1), int('transB', 1)], `/${module}/Gemm`);
  }

  encode(output: string): Uint8Array {
    let k = 0;
    const longs = [...this.int64].map(([name, v]) => ({ name, dims: [v.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: v }));
    const initializer = [...longs, ...[...this.inits].map(([name, t]) => {
      const raw = this.encoding === 'raw' || (this.encoding === 'alternate' && k++ % 2 === 0);
      return raw
        ? { name, dims: t.dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) }
        : { name, dims: t.dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(t.data) };
    })];
    const tensorType = (dims: number[]) => ({
      tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } },
    });
    const model = onnx.ModelProto.create({
      irVersion: 8, producerName: 'pytorch', producerVersion: '2.1.0', opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'main_graph', node: this.nodes, initializer,
        input: [{ name: 'input', type: tensorType(this.inputShape) }],
        output: [{ name: output, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
