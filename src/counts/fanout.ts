/**
 * Exact synaptic fan-out: how many (output position, kernel tap) pairs an input position reaches,
 * honouring padding and stride. A spike at input i of one axis reaches output o through tap k when
 * o * stride - padBefore + k = i with 0 <= o < out and 0 <= k < kernel.
 */
import type { LayerGeometry } from '../trace/types.ts';

export function axisReach(size: number, kernel: number, stride: number, padBefore: number, out: number): Int32Array {
  const reach = new Int32Array(size);
  for (let o = 0; o < out; o++) {
    for (let k = 0; k < kernel; k++) {
      const i = o * stride - padBefore + k;
      if (i >= 0 && i < size) reach[i]++;
    }
  }
  return reach;
}

/** ACs one spike at each input position (row-major H x W) causes: reachH * reachW * Cout. */
export function positionFanout(geom: LayerGeometry): Float64Array {
  const rh = axisReach(geom.inH, geom.kernelH, geom.strideH, geom.padTop, geom.outH);
  const rw = axisReach(geom.inW, geom.kernelW, geom.strideW, geom.padLeft, geom.outW);
  const fan = new Float64Array(geom.inH * geom.inW);
  for (let i = 0; i < geom.inH; i++) {
    for (let j = 0; j < geom.inW; j++) fan[i * geom.inW + j] = rh[i] * rw[j] * geom.outC;
  }
  return fan;
}
