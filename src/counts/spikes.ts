/** Per-image, per-step spike and exact AC counts of one spiking layer, from its spike codes. */
import type { LayerGeometry } from '../trace/types.ts';
import { positionFanout } from './fanout.ts';

export interface SpikeStats {
  /** spikes[image][t - 1]: spikes into the layer at step t. */
  spikes: number[][];
  /** acs[image][t - 1]: exact (spike, valid output) pairs at step t. */
  acs: number[][];
}

/**
 * Event input: `counts` holds events per neuron and step (step fastest) for `images` consecutive
 * NHWC maps; each event is one synaptic event, with the fan-out of its position.
 */
export function eventStats(geom: LayerGeometry, counts: ArrayLike<number>, images: number, timesteps: number): SpikeStats {
  const positions = geom.inH * geom.inW;
  const channels = geom.inC;
  if (counts.length !== images * positions * channels * timesteps) {
    throw new Error(`${geom.layer}: ${counts.length} event counts for ${images} image(s) of ${positions * channels} neurons x ${timesteps} steps`);
  }
  const fan = positionFanout(geom);
  const result: SpikeStats = { spikes: [], acs: [] };
  let at = 0;
  for (let b = 0; b < images; b++) {
    const spikes = new Array<number>(timesteps).fill(0);
    const acs = new Array<number>(timesteps).fill(0);
    for (let p = 0; p < positions; p++) {
      for (let c = 0; c < channels; c++) {
        for (let t = 0; t < timesteps; t++, at++) {
          spikes[t] += counts[at];
          acs[t] += counts[at] * fan[p];
        }
      }
    }
    result.spikes.push(spikes);
    result.acs.push(acs);
  }
  return result;
}

/** `codes` holds `images` consecutive NHWC maps of the layer input; bit t-1 of a code is s(t). */
export function spikeStats(geom: LayerGeometry, codes: ArrayLike<number>, images: number, timesteps: number): SpikeStats {
  const positions = geom.inH * geom.inW;
  const channels = geom.inC;
  if (codes.length !== images * positions * channels) {
    throw new Error(`${geom.layer}: ${codes.length} spike codes for ${images} image(s) of ${positions * channels} neurons`);
  }
  const fan = positionFanout(geom);
  const perStep = new Float64Array(timesteps);
  const result: SpikeStats = { spikes: [], acs: [] };
  for (let b = 0; b < images; b++) {
    const spikes = new Array<number>(timesteps).fill(0);
    const acs = new Array<number>(timesteps).fill(0);
    for (let p = 0; p < positions; p++) {
      perStep.fill(0);
      const base = (b * positions + p) * channels;
      for (let c = 0; c < channels; c++) {
        let code = codes[base + c];
        while (code !== 0) {
          perStep[31 - Math.clz32(code & -code)]++;
          code &= code - 1;
        }
      }
      const f = fan[p];
      for (let t = 0; t < timesteps; t++) {
        spikes[t] += perStep[t];
        acs[t] += perStep[t] * f;
      }
    }
    result.spikes.push(spikes);
    result.acs.push(acs);
  }
  return result;
}
