/** Shared helpers for the hardware-model tests: small random layers and a brute-force reference. */
import { geometry, randomCodes, type ConvSpec } from '../../src/trace/synthetic.ts';
import { prng } from '../../src/util/random.ts';
import type { SpikeTrace, SpikeTraceLayer } from '../../src/trace/types.ts';

export function traceOf(specs: ConvSpec[], opts: { images?: number; T?: number; rate?: number; seed?: number; schedule?: 'exp' | 'pow2' | 'const' } = {}): SpikeTrace {
  const images = opts.images ?? 1;
  const T = opts.T ?? 4;
  const rand = prng(opts.seed ?? 7);
  const shared = new Map<string, Uint32Array>();
  const layers: SpikeTraceLayer[] = specs.map((s) => {
    const g = geometry(s);
    const n = images * g.inH * g.inW * g.inC;
    const codes = shared.get(g.encoder) ?? randomCodes(n, T, opts.rate ?? 0.3, rand);
    shared.set(g.encoder, codes);
    return { ...g, codes };
  });
  return { network: 'test', images, timesteps: T, schedule: opts.schedule ?? 'exp', thresholds: Array.from({ length: T }, (_, t) => 0.8 * 2 ** -t), layers, macLayers: [], order: layers.map((l) => l.layer) };
}

/** Per-synapse reference: ACs per step, spikes, and per-spike fan-outs (one image). */
export function bruteForce(l: SpikeTraceLayer, image: number, T: number): { acsPerStep: number[]; spikes: number; fanouts: number[][] } {
  const acsPerStep = new Array<number>(T).fill(0);
  const fanouts: number[][] = Array.from({ length: T }, () => []);
  let spikes = 0;
  const n = l.inH * l.inW * l.inC;
  for (let i = 0; i < l.inH; i++) {
    for (let j = 0; j < l.inW; j++) {
      // Outputs reached by a spike at (i, j), by scanning every output and kernel tap.
      let reach = 0;
      for (let oh = 0; oh < l.outH; oh++) {
        for (let ow = 0; ow < l.outW; ow++) {
          for (let kh = 0; kh < l.kernelH; kh++) {
            for (let kw = 0; kw < l.kernelW; kw++) {
              if (oh * l.strideH - l.padTop + kh === i && ow * l.strideW - l.padLeft + kw === j) reach++;
            }
          }
        }
      }
      for (let c = 0; c < l.inC; c++) {
        const code = l.codes[image * n + (i * l.inW + j) * l.inC + c];
        for (let t = 0; t < T; t++) {
          if ((code >>> t) & 1) {
            spikes++;
            acsPerStep[t] += reach * l.outC;
            fanouts[t].push(reach * l.outC);
          }
        }
      }
    }
  }
  return { acsPerStep, spikes, fanouts };
}

export function count(actions: { component: string; action: string; count: number }[], component: string, action: string): number {
  return actions.filter((a) => a.component === component && a.action === action).reduce((s, a) => s + a.count, 0);
}
