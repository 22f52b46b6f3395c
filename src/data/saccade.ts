/**
 * Static images -> event streams by simulated saccades, the way N-MNIST was recorded (Orchard et al.
 * 2015: an ATIS camera on a pan-tilt unit made three saccades, about 100 ms each, in front of a
 * monitor showing the image). Here the image moves over a (H + A) x (W + A) sensor along the triangle
 * (0, 0) -> (A/2, A) -> (A, 0) -> (0, 0) in (dx, dy) pixels, A = amplitude (A = 6 gives N-MNIST's 34x34
 * for 28x28 images); each saccade is sampled at `stepsPerSaccade` positions, the shifted image made by
 * bilinear interpolation (integer shifts are exact), background 0.
 *
 * Pixel model (the ideal DVS pixel of event-camera simulators such as ESIM, Rebecq et al. 2018):
 * L = ln(I + epsilon); each pixel keeps the level of its last event, L_ref (at t = 0 the first
 * frame's level, so the still image makes no events). Whenever L - L_ref >= C the pixel emits an ON
 * event and L_ref += C, while L_ref - L >= C an OFF event and L_ref -= C (C = contrast threshold).
 * The k-th crossing between two samples is timestamped by linear interpolation of L in time.
 * A pixel going from 0 to 1 therefore emits floor(ln((1 + epsilon) / epsilon) / C) ON events.
 */
import { allocEvents, truncateEvents, type EventStream } from './events.ts';

export interface SaccadeOptions {
  /** Contrast threshold C in log-intensity units. */
  threshold: number;
  /** Offset of the log (keeps ln finite at intensity 0). */
  epsilon: number;
  /** Saccade amplitude A in pixels (the sensor is A pixels larger than the image on each axis). */
  amplitude: number;
  /** Positions sampled per saccade (>= 1). */
  stepsPerSaccade: number;
  /** Duration of one saccade, microseconds. */
  saccadeUs: number;
}

/** Round-off guard: a reference moved up k thresholds and back down k must come back to equal, not 1 ulp short. */
const LEVEL_TOLERANCE = 1e-9;

/** N-MNIST-like defaults: 34x34 sensor for 28x28 images, three 100 ms saccades. */
export const SACCADE_DEFAULTS: SaccadeOptions = { threshold: 0.3, epsilon: 0.1, amplitude: 6, stepsPerSaccade: 12, saccadeUs: 100_000 };

/** The (dx, dy) offset of the image at time fraction f in [0, 3] (saccade index + progress). */
export function saccadeOffset(f: number, amplitude: number): [number, number] {
  const v: [number, number][] = [[0, 0], [amplitude / 2, amplitude], [amplitude, 0], [0, 0]];
  const k = Math.min(2, Math.floor(f));
  const u = f - k;
  return [v[k][0] + u * (v[k + 1][0] - v[k][0]), v[k][1] + u * (v[k + 1][1] - v[k][1])];
}

/** The image (h x w, row-major, values in [0, 1]) shifted by (dx, dy) onto a sensor of sh x sw, bilinear. */
export function renderShifted(img: ArrayLike<number>, h: number, w: number, dx: number, dy: number, sh: number, sw: number): Float64Array {
  const out = new Float64Array(sh * sw);
  const pix = (r: number, c: number): number => (r >= 0 && r < h && c >= 0 && c < w ? img[r * w + c] : 0);
  for (let y = 0; y < sh; y++) {
    const sy = y - dy;
    const r0 = Math.floor(sy);
    const fy = sy - r0;
    for (let x = 0; x < sw; x++) {
      const sx = x - dx;
      const c0 = Math.floor(sx);
      const fx = sx - c0;
      out[y * sw + x] = (1 - fy) * ((1 - fx) * pix(r0, c0) + fx * pix(r0, c0 + 1)) + fy * ((1 - fx) * pix(r0 + 1, c0) + fx * pix(r0 + 1, c0 + 1));
    }
  }
  return out;
}

/** Events of one image (h x w, row-major, [0, 1]) under three saccades; sorted by time (stable by pixel). */
export function saccadeEvents(img: ArrayLike<number>, h: number, w: number, o: SaccadeOptions = SACCADE_DEFAULTS): EventStream {
  if (!(o.threshold > 0) || !(o.epsilon > 0) || !(o.amplitude >= 0) || !Number.isInteger(o.stepsPerSaccade) || o.stepsPerSaccade < 1 || !(o.saccadeUs > 0)) {
    throw new RangeError(`saccade options need threshold > 0, epsilon > 0, amplitude >= 0, stepsPerSaccade a positive integer, saccadeUs > 0; got ${JSON.stringify(o)}`);
  }
  const sh = h + Math.ceil(o.amplitude);
  const sw = w + Math.ceil(o.amplitude);
  const level = (frame: Float64Array): Float64Array => frame.map((v) => Math.log(Math.max(0, v) + o.epsilon));
  let prev = level(renderShifted(img, h, w, 0, 0, sh, sw));
  const ref = Float64Array.from(prev);
  const samples = 3 * o.stepsPerSaccade;
  const dt = o.saccadeUs / o.stepsPerSaccade;
  const x: number[] = [];
  const y: number[] = [];
  const t: number[] = [];
  const p: number[] = [];
  for (let k = 1; k <= samples; k++) {
    const [dx, dy] = saccadeOffset(k / o.stepsPerSaccade, o.amplitude);
    const cur = level(renderShifted(img, h, w, dx, dy, sh, sw));
    const t0 = (k - 1) * dt;
    for (let i = 0; i < cur.length; i++) {
      const l0 = prev[i];
      const l1 = cur[i];
      // Crossings in time order: each moves the reference one threshold towards the new level.
      for (;;) {
        const up = l1 - ref[i] >= o.threshold - LEVEL_TOLERANCE;
        const down = ref[i] - l1 >= o.threshold - LEVEL_TOLERANCE;
        if (!up && !down) break;
        ref[i] += up ? o.threshold : -o.threshold;
        const frac = l1 === l0 ? 1 : Math.min(1, Math.max(0, (ref[i] - l0) / (l1 - l0)));
        x.push(i % sw);
        y.push(Math.floor(i / sw));
        t.push(Math.round(t0 + frac * dt));
        p.push(up ? 1 : 0);
      }
    }
    prev = cur;
  }
  const order = t.map((_, i) => i).sort((a, b) => t[a] - t[b] || a - b);
  const e = allocEvents(order.length);
  order.forEach((j, i) => {
    e.x[i] = x[j];
    e.y[i] = y[j];
    e.tUs[i] = t[j];
    e.p[i] = p[j];
  });
  return { ...truncateEvents(e, order.length), sensor: { width: sw, height: sh } };
}
