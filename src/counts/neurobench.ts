/**
 * NeuroBench-compatible metrics (Yik et al., "NeuroBench: A framework for benchmarking neuromorphic
 * computing algorithms and systems", Nature Communications 2025; the neurobench Python package,
 * neurobench/metrics): Footprint, ConnectionSparsity, ActivationSparsity and SynapticOperations
 * {Effective_MACs, Effective_ACs, Dense}, under NeuroBench's names and definitions, counted as the
 * STCSNN executes (docs/metrics/neurobench.md says where they differ from stcsim's own counts):
 * - SynapticOperations: per weight layer and execution, the (input, weight, output) connections with
 *   a nonzero input and a nonzero weight, biases excluded (NeuroBench's single_layer_MACs). A layer
 *   reading spikes (an STCB synapse, once per time step) adds them to Effective_ACs; a layer reading
 *   real values (the first layer, a real-valued classifier, once per image) to Effective_MACs. Dense
 *   is the same count with every input and weight set to one: connections inside the padded border
 *   do not exist and are not counted. Means per image.
 * - ActivationSparsity: 1 - nonzero activations / activations, over every spiking activation (each
 *   STEB's outputs, every neuron at every step, an encoder read by two layers once), all images.
 * - ConnectionSparsity: zero weights / weights over the weight layers' kernels (biases excluded), of
 *   the weights as the network ran (after quantisation).
 * - Footprint: bytes of parameters and batch-norm statistics, each tensor at the bit width it ran at.
 */
import type { LayerGeometry, SpikeLayerGeometry } from '../trace/types.ts';
import { positionFanout } from './fanout.ts';

/** Which valid kernel taps along one axis each input index meets (tap k for output o: o*stride - pad + k = i). */
function tapsAlong(inSize: number, outSize: number, k: number, stride: number, pad: number): number[][] {
  return Array.from({ length: inSize }, (_, i) => {
    const taps: number[] = [];
    for (let o = 0; o < outSize; o++) {
      const tap = i + pad - o * stride;
      if (tap >= 0 && tap < k) taps.push(tap);
    }
    return taps;
  });
}

/**
 * For every input neuron (H x W x Cin, NHWC order): the number of (weight, output) pairs it reaches
 * whose weight is nonzero. `kernel` is HWIO ([kh, kw, cin, cout]; dense [in, out]).
 */
export function nonzeroFanout(geom: LayerGeometry, kernel: ArrayLike<number>): Float64Array {
  const { kernelH: kh, kernelW: kw, inC: ci, outC: co } = geom;
  if (kernel.length !== kh * kw * ci * co) throw new Error(`${geom.layer}: kernel has ${kernel.length} values, expected ${kh * kw * ci * co}`);
  // Nonzero weights per tap (ky, kx, c) over the output channels.
  const nz = new Float64Array(kh * kw * ci);
  for (let t = 0; t < nz.length; t++) {
    let n = 0;
    for (let o = 0; o < co; o++) if (kernel[t * co + o] !== 0) n++;
    nz[t] = n;
  }
  const rows = tapsAlong(geom.inH, geom.outH, kh, geom.strideH, geom.padTop);
  const cols = tapsAlong(geom.inW, geom.outW, kw, geom.strideW, geom.padLeft);
  const out = new Float64Array(geom.inH * geom.inW * ci);
  for (let y = 0; y < geom.inH; y++) for (let x = 0; x < geom.inW; x++) {
    const base = (y * geom.inW + x) * ci;
    for (const ky of rows[y]) for (const kx of cols[x]) {
      const tap = (ky * kw + kx) * ci;
      for (let c = 0; c < ci; c++) out[base + c] += nz[tap + c];
    }
  }
  return out;
}

/** Connections of one execution with every input and weight one: sum over inputs of their valid fan-out. */
export function denseConnections(geom: LayerGeometry): number {
  return positionFanout(geom).reduce((a, f) => a + f, 0) * geom.inC;
}

/** Popcount of a spike code: the steps at which the neuron spiked. */
function popcount(code: number): number {
  let n = 0;
  for (let c = code >>> 0; c !== 0; c &= c - 1) n++;
  return n;
}

/**
 * Effective operations per image: sum over input neurons of (active executions) x (nonzero fan-out).
 * For spike codes a neuron is active at each step it spiked; for real values (`binary`: false) once
 * when nonzero. `values` holds `images` consecutive NHWC inputs.
 */
export function effectiveOps(fan: Float64Array, values: ArrayLike<number>, images: number, spikeCodes: boolean): number[] {
  const per = fan.length;
  if (values.length !== images * per) throw new Error(`${values.length} input values for ${images} image(s) of ${per} neurons`);
  const out: number[] = [];
  for (let b = 0; b < images; b++) {
    let ops = 0;
    for (let i = 0; i < per; i++) {
      const v = values[b * per + i];
      if (v !== 0) ops += (spikeCodes ? popcount(v) : 1) * fan[i];
    }
    out.push(ops);
  }
  return out;
}

/** One weight layer's share, per image (means over the profiled images). */
export interface NeuroBenchLayer {
  layer: string;
  /** 'AC' for a layer reading spikes (counted per time step), 'MAC' for one reading real values (once). */
  opKind: 'AC' | 'MAC';
  effectiveOps: number;
  denseOps: number;
  weights: number;
  zeroWeights: number | null;
  weightBits: number;
}

/** The metrics under NeuroBench's names (2.x class names; 1.x used footprint, connection_sparsity, ...). */
export interface NeuroBenchMetrics {
  Footprint: number;
  ConnectionSparsity: number | null;
  ActivationSparsity: number;
  SynapticOperations: { Effective_MACs: number; Effective_ACs: number; Dense: number };
  ClassificationAccuracy?: number;
  /** Images the workload metrics average over. */
  images: number;
  layers: NeuroBenchLayer[];
  /** Parameter tensors behind Footprint: name, values, bit width. */
  footprintTensors: { tensor: string; values: number; bits: number; bytes: number }[];
  notes: string[];
}

export interface NeuroBenchInputs {
  images: number;
  layers: NeuroBenchLayer[];
  /** Spikes and neuron-steps of every encoder (each once), per image. */
  activations: { spikes: number; neuronSteps: number };
  tensors: { tensor: string; values: number; bits: number }[];
  accuracy?: number;
  notes?: string[];
}

/**
 * Spikes and neuron-steps of every encoder, each once (two layers reading one encoder, as a ResNet
 * block's conv1 and shortcut do, count its spikes once), per image.
 */
export function encoderActivations(layers: readonly { spikes: number; neuronsIn: number; encoder?: string }[], timesteps: number): { spikes: number; neuronSteps: number } {
  const seen = new Set<string>();
  let spikes = 0;
  let neuronSteps = 0;
  for (const l of layers) {
    if (!l.encoder || seen.has(l.encoder)) continue;
    seen.add(l.encoder);
    spikes += l.spikes;
    neuronSteps += l.neuronsIn * timesteps;
  }
  return { spikes, neuronSteps };
}

const bytesOf = (values: number, bits: number): number => Math.ceil((values * bits) / 8);

/** Adds the layers up into NeuroBench's figures. Pure. */
export function neurobenchMetrics(inp: NeuroBenchInputs): NeuroBenchMetrics {
  const sum = (f: (l: NeuroBenchLayer) => number, kind?: 'AC' | 'MAC'): number =>
    inp.layers.filter((l) => kind === undefined || l.opKind === kind).reduce((a, l) => a + f(l), 0);
  const known = inp.layers.every((l) => l.zeroWeights !== null);
  const weights = sum((l) => l.weights);
  const footprintTensors = inp.tensors.map((t) => ({ ...t, bytes: bytesOf(t.values, t.bits) }));
  return {
    Footprint: footprintTensors.reduce((a, t) => a + t.bytes, 0),
    ConnectionSparsity: known && weights > 0 ? sum((l) => l.zeroWeights ?? 0) / weights : null,
    ActivationSparsity: inp.activations.neuronSteps > 0 ? 1 - inp.activations.spikes / inp.activations.neuronSteps : 0,
    SynapticOperations: {
      Effective_MACs: sum((l) => l.effectiveOps, 'MAC'),
      Effective_ACs: sum((l) => l.effectiveOps, 'AC'),
      Dense: sum((l) => l.denseOps),
    },
    ...(inp.accuracy !== undefined ? { ClassificationAccuracy: inp.accuracy } : {}),
    images: inp.images,
    layers: inp.layers,
    footprintTensors,
    notes: inp.notes ?? [],
  };
}

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * The metrics of a trace without weights (a SCALE-Sim topology): every weight is taken as nonzero
 * (so Effective_ACs = the exact AC count) and every input of a MAC layer as nonzero (its effective
 * MACs = its dense connections); ConnectionSparsity is unknown (null); Footprint counts the kernels
 * at `weightBits`.
 */
export function traceNeuroBench(
  trace: { timesteps: number; layers: readonly SpikeLayerGeometry[]; macLayers: readonly LayerGeometry[] },
  counts: { images: number; layers: readonly { layer: string; acExact: number; spikes: number; neuronsIn: number; encoder?: string }[] },
  weightBits: number,
): NeuroBenchMetrics {
  const acExact = new Map(counts.layers.map((l) => [l.layer, l.acExact]));
  const kernel = (g: LayerGeometry): number => g.kernelH * g.kernelW * g.inC * g.outC;
  const layers: NeuroBenchLayer[] = [
    ...trace.macLayers.map((g): NeuroBenchLayer => ({ layer: g.layer, opKind: 'MAC', effectiveOps: denseConnections(g), denseOps: denseConnections(g), weights: kernel(g), zeroWeights: null, weightBits })),
    ...trace.layers.map((g): NeuroBenchLayer => ({ layer: g.layer, opKind: 'AC', effectiveOps: acExact.get(g.layer) ?? 0, denseOps: denseConnections(g) * trace.timesteps, weights: kernel(g), zeroWeights: null, weightBits })),
  ];
  return neurobenchMetrics({
    images: counts.images, layers, activations: encoderActivations(counts.layers, trace.timesteps),
    tensors: layers.map((l) => ({ tensor: `${l.layer}.kernel`, values: l.weights, bits: weightBits })),
    notes: ['No weights (SCALE-Sim topology): every weight is taken as nonzero, so ConnectionSparsity is unknown and Effective_ACs equals the exact AC count; MAC layers\' inputs are taken as nonzero; Footprint counts the kernels at the accelerator\'s weight width.'],
  });
}
