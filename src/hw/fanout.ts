/**
 * Exact fan-out geometry and the hardware-independent summary of a layer's spikes.
 *
 * A spike at input (i, j) reaches output (oh, ow) when oh*stride - pad + kh = i for some kh in
 * [0, k) with 0 <= oh < Ho (likewise along W), in every output channel. The number of reachable
 * outputs therefore factors into rowCount(i) * colCount(j) * Cout, so one histogram of spikes per
 * (step, input row, column fan-out class) is enough to price any tiling of output rows and
 * channels, and it is computed once per trace layer and image and shared by every hardware model.
 */
import type { LayerGeometry, SpikeTraceLayer } from '../trace/types.ts';
import { reachTable } from '../counts/fanout.ts';

export { reachAlong, reachTable } from '../counts/fanout.ts';

/** Input rows [first, last] that reach output rows [o0, o1). */
export function inputRowsFor(g: LayerGeometry, o0: number, o1: number): [number, number] {
  const first = Math.max(0, o0 * g.strideH - g.padTop);
  const last = Math.min(g.inH - 1, (o1 - 1) * g.strideH - g.padTop + g.kernelH - 1);
  return [first, last];
}

/** Spikes of one layer and image, summarised for hardware replay. */
export interface SpikeSummary {
  timesteps: number;
  /** Distinct column fan-out classes: colClasses = kernelW + 1 (class c = c outputs along W). */
  colClasses: number;
  /** hist[(t * inH + i) * colClasses + c] = spikes at step t+1 in input row i whose column reach is c. */
  hist: Float64Array;
  /** Spikes per step. */
  spikesPerStep: Float64Array;
  /** Total spikes. */
  spikes: number;
}

/** Builds the spike summary of image `image` of a trace layer in one pass over its codes. */
export function summarise(layer: SpikeTraceLayer, image: number, timesteps: number): SpikeSummary {
  const { inH, inW, inC } = layer;
  const colReach = reachTable(inW, layer.outW, layer.kernelW, layer.strideW, layer.padLeft);
  const K = layer.kernelW + 1;
  const hist = new Float64Array(timesteps * inH * K);
  const perStep = new Float64Array(timesteps);
  const codes = layer.codes;
  const n = inH * inW * inC;
  let off = image * n;
  if (codes.length < off + n) throw new RangeError(`trace layer ${layer.layer}: codes has ${codes.length} entries, need ${off + n} for image ${image}`);
  const mask = timesteps >= 32 ? 0xffffffff : (2 ** timesteps) - 1;
  const counts = layer.eventCounts;
  if (counts) {
    // Event input: every event is one synaptic event (counts per neuron and step, step fastest).
    const T = counts.length / (codes.length || 1);
    for (let h = 0; h < inH; h++) {
      for (let w = 0; w < inW; w++) {
        const cls = colReach[w];
        for (let c = 0; c < inC; c++, off++) {
          for (let t = 0; t < timesteps && t < T; t++) {
            const k = counts[off * T + t];
            hist[(t * inH + h) * K + cls] += k;
            perStep[t] += k;
          }
        }
      }
    }
  }
  for (let h = 0; h < inH && !counts; h++) {
    for (let w = 0; w < inW; w++) {
      const cls = colReach[w];
      for (let c = 0; c < inC; c++) {
        let code = codes[off++] & mask;
        while (code !== 0) {
          const low = code & -code;
          const t = 31 - Math.clz32(low);
          hist[(t * inH + h) * K + cls]++;
          perStep[t]++;
          code ^= low;
        }
      }
    }
  }
  let spikes = 0;
  for (let t = 0; t < timesteps; t++) spikes += perStep[t];
  return { timesteps, colClasses: K, hist, spikesPerStep: perStep, spikes };
}

const cache = new WeakMap<SpikeTraceLayer, Map<string, SpikeSummary>>();

/** summarise() memoised on the trace layer object (replaying many hardware models over one trace). */
export function spikeSummary(layer: SpikeTraceLayer, image: number, timesteps: number): SpikeSummary {
  let m = cache.get(layer);
  if (!m) cache.set(layer, (m = new Map()));
  const key = `${image}:${timesteps}`;
  let s = m.get(key);
  if (!s) m.set(key, (s = summarise(layer, image, timesteps)));
  return s;
}
