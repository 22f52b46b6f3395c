/**
 * Synthetic spike traces for tests, benchmarks and trace-free design-space sweeps: network shapes
 * with random spike codes at a chosen per-step firing rate (seeded, reproducible).
 */
import type { LayerGeometry, SpikeLayerGeometry, SpikeTrace, SpikeTraceLayer } from './types.ts';
import type { ScheduleKind } from '../stcb/schedule.ts';

import { prng } from '../util/random.ts';

export interface ConvSpec {
  layer: string;
  inH: number; inW: number; inC: number; outC: number;
  k: number; stride: number; pad: number;
  encoder?: string;
  op?: 'conv' | 'dense';
  batchNormAfter?: boolean;
  hasBias?: boolean;
}

/** Full geometry of a conv/dense layer from its spec (output size from the usual formula). */
export function geometry(s: ConvSpec): SpikeLayerGeometry {
  const outH = Math.floor((s.inH + 2 * s.pad - s.k) / s.stride) + 1;
  const outW = Math.floor((s.inW + 2 * s.pad - s.k) / s.stride) + 1;
  return {
    layer: s.layer, op: s.op ?? 'conv', inH: s.inH, inW: s.inW, inC: s.inC, outH, outW, outC: s.outC,
    kernelH: s.k, kernelW: s.k, strideH: s.stride, strideW: s.stride, padTop: s.pad, padLeft: s.pad,
    batchNormAfter: s.batchNormAfter ?? true, hasBias: s.hasBias ?? false, encoder: s.encoder ?? `${s.layer}.steb`,
  };
}

/** Random spike codes: each (neuron, step) spikes independently with probability `rate`. */
export function randomCodes(n: number, timesteps: number, rate: number, rand: () => number): Uint32Array {
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let t = 0; t < timesteps; t++) if (rand() < rate) c |= 1 << t;
    codes[i] = c >>> 0;
  }
  return codes;
}

export interface SyntheticOptions {
  images?: number;
  timesteps?: number;
  /** Probability of a spike per neuron and step. */
  rate?: number;
  seed?: number;
  schedule?: ScheduleKind;
  network?: string;
}

/** A trace for the given spiking layers (order: MAC layers first, then spiking, then `tailMac`). */
export function syntheticTrace(spiking: ConvSpec[], macLayers: LayerGeometry[] = [], o: SyntheticOptions = {}, tailMac: LayerGeometry[] = []): SpikeTrace {
  const images = o.images ?? 1;
  const T = o.timesteps ?? 8;
  const rand = prng(o.seed ?? 1);
  const byEncoder = new Map<string, Uint32Array>();
  const layers: SpikeTraceLayer[] = spiking.map((s) => {
    const g = geometry(s);
    const n = images * g.inH * g.inW * g.inC;
    let codes = byEncoder.get(g.encoder);
    if (!codes || codes.length !== n) {
      codes = randomCodes(n, T, o.rate ?? 0.15, rand);
      byEncoder.set(g.encoder, codes);
    }
    return { ...g, codes };
  });
  const thresholds = Array.from({ length: T }, (_, t) => 0.8 * (o.schedule === 'pow2' ? 2 ** -t : o.schedule === 'const' ? 1 : Math.exp(-t / 2)));
  return {
    network: o.network ?? 'synthetic',
    images,
    timesteps: T,
    schedule: o.schedule ?? 'exp',
    thresholds,
    layers,
    macLayers: [...macLayers, ...tailMac],
    order: [...macLayers.map((l) => l.layer), ...layers.map((l) => l.layer), ...tailMac.map((l) => l.layer)],
  };
}

/** CIFAR ResNet18 (DESIGN.md section 3) as STCB layers plus the stem conv and classifier as MAC layers. */
export function resnet18Trace(o: SyntheticOptions = {}): SpikeTrace {
  const specs: ConvSpec[] = [];
  let h = 32;
  let c = 64;
  let block = 0;
  for (const [stage, width] of [64, 128, 256, 512].entries()) {
    for (let b = 0; b < 2; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const name = `layer${stage + 1}.${b}`;
      const enc = `block${block++}.in`;
      specs.push({ layer: `${name}.conv1`, inH: h, inW: h, inC: c, outC: width, k: 3, stride, pad: 1, encoder: enc });
      const ho = stride === 2 ? h / 2 : h;
      if (stride === 2 || c !== width) specs.push({ layer: `${name}.shortcut`, inH: h, inW: h, inC: c, outC: width, k: 1, stride, pad: 0, encoder: enc });
      specs.push({ layer: `${name}.conv2`, inH: ho, inW: ho, inC: width, outC: width, k: 3, stride: 1, pad: 1, encoder: `${name}.conv2.in` });
      h = ho;
      c = width;
    }
  }
  const stem = geometry({ layer: 'conv1', inH: 32, inW: 32, inC: 3, outC: 64, k: 3, stride: 1, pad: 1 });
  const fc = geometry({ layer: 'fc', inH: 1, inW: 1, inC: 512, outC: 10, k: 1, stride: 1, pad: 0, op: 'dense', batchNormAfter: false, hasBias: true });
  const strip = ({ encoder: _e, ...g }: SpikeLayerGeometry): LayerGeometry => g;
  return syntheticTrace(specs, [strip(stem)], { network: 'resnet18-synthetic', ...o }, [strip(fc)]);
}
