/**
 * Exact synaptic fan-out: how many outputs an input position reaches, honouring padding and stride.
 * A spike at input i of one axis reaches output o through tap k when o * stride - padBefore + k = i
 * with 0 <= o < out and 0 <= k < kernel; the count factors into rows x columns x Cout.
 */
import type { LayerGeometry } from '../trace/types.ts';

/**
 * Number of outputs along one axis that input index i reaches, restricted to outputs [o0, o1).
 * Each output index contributes at most one kernel tap, so this counts outputs, not taps.
 */
export function reachAlong(i: number, k: number, stride: number, pad: number, o0: number, o1: number): number {
  // o must satisfy 0 <= i + pad - o*stride <= k - 1.
  const lo = Math.max(o0, Math.ceil((i + pad - (k - 1)) / stride));
  const hi = Math.min(o1 - 1, Math.floor((i + pad) / stride));
  return hi >= lo ? hi - lo + 1 : 0;
}

/** reachAlong for every input index over the full output range. */
export function reachTable(inSize: number, outSize: number, k: number, stride: number, pad: number): Int32Array {
  const r = new Int32Array(inSize);
  for (let i = 0; i < inSize; i++) r[i] = reachAlong(i, k, stride, pad, 0, outSize);
  return r;
}

/** ACs one spike at each input position (row-major H x W) causes: reachH * reachW * Cout. */
export function positionFanout(geom: LayerGeometry): Float64Array {
  const rh = reachTable(geom.inH, geom.outH, geom.kernelH, geom.strideH, geom.padTop);
  const rw = reachTable(geom.inW, geom.outW, geom.kernelW, geom.strideW, geom.padLeft);
  const fan = new Float64Array(geom.inH * geom.inW);
  for (let i = 0; i < geom.inH; i++) {
    for (let j = 0; j < geom.inW; j++) fan[i * geom.inW + j] = rh[i] * rw[j] * geom.outC;
  }
  return fan;
}
