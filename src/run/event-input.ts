/**
 * Event samples -> the image set a network run takes: per sample the events per (y, x, polarity) and
 * time step (spatio-temporal compression, src/stcb/synaptic.ts) and, as the "image", the CAB-folded
 * current sum_t c(t) E_t that the first layer's linear synapse + CAB turn into its output.
 */
import type { EventSample } from '../data/event-files.ts';
import { sensorSize } from '../data/events.ts';
import { EVENT_ENCODER } from '../model/event-input.ts';
import { checkKernel, foldedCabCoefficients, stepOf, stepsForRatio } from '../stcb/synaptic.ts';
import type { ImageSet } from './inputs.ts';
import { sha256 } from '../util/hashes.ts';

export interface EventInputOptions {
  /** Sensor size (--input-shape H,W,2); default: the files' own, else the smallest holding every event. */
  sensor?: { width: number; height: number };
  /** Time steps T (used when no compression ratio is given). */
  timesteps: number;
  /** Base frames merged per step; when given, T = ceil(window / (frameUs * ratio)). */
  compressionRatio?: number;
  /** Base frame length, microseconds (default 1000). */
  frameUs?: number;
  /** Window cut into the steps, microseconds from each sample's first event (default: the longest sample). */
  windowUs?: number;
  /** Synaptic convolution kernel over adjacent steps (default [1]: none). */
  kernel?: number[];
}

/** Largest counts array built at once (elements); beyond it, profile fewer samples. */
const MAX_COUNT_ELEMENTS = 1 << 28;

export function eventImageSet(samples: readonly EventSample[], o: EventInputOptions): ImageSet {
  if (samples.length === 0) throw new Error('no event samples');
  const sizes = samples.map((s) => sensorSize(s.events, s.file, o.sensor));
  const width = Math.max(...sizes.map((s) => s.width));
  const height = Math.max(...sizes.map((s) => s.height));
  const starts = samples.map((s) => (s.events.tUs.length > 0 ? s.events.tUs.reduce((a, b) => Math.min(a, b), Infinity) : 0));
  const longest = samples.reduce((m, s, i) => Math.max(m, s.events.tUs.reduce((a, b) => Math.max(a, b), starts[i]) - starts[i] + 1), 1);
  const windowUs = o.windowUs ?? longest;
  const frameUs = o.frameUs ?? 1000;
  const T = o.compressionRatio !== undefined ? stepsForRatio(windowUs, frameUs, o.compressionRatio) : o.timesteps;
  const kernel = o.kernel ?? [1];
  checkKernel(kernel);
  const perImage = height * width * 2;
  if (samples.length * perImage * T > MAX_COUNT_ELEMENTS) {
    throw new Error(`${samples.length} samples of ${height}x${width}x2 inputs x ${T} steps exceed ${MAX_COUNT_ELEMENTS} counters; profile fewer samples (--images)`);
  }
  const counts = new Uint16Array(samples.length * perImage * T);
  let dropped = 0;
  samples.forEach((s, b) => {
    const e = s.events;
    for (let i = 0; i < e.x.length; i++) {
      const rel = e.tUs[i] - starts[b];
      if (rel >= windowUs) {
        dropped++;
        continue;
      }
      const at = ((b * perImage + (e.y[i] * width + e.x[i]) * 2 + e.p[i]) * T) + stepOf(rel, windowUs, T);
      if (counts[at] < 0xffff) counts[at]++;
    }
  });
  // Each event is one unit of synaptic charge: step weights 1, smoothed by the kernel (folded).
  const coefficients = foldedCabCoefficients(new Array<number>(T).fill(1), kernel);
  const images = new Float32Array(samples.length * perImage);
  for (let n = 0; n < images.length; n++) {
    let v = 0;
    for (let t = 0; t < T; t++) v += coefficients[t] * counts[n * T + t];
    images[n] = v;
  }
  const labelled = samples.every((s) => s.label !== undefined);
  const ratio = windowUs / frameUs / T;
  const where = samples.length === 1 ? samples[0].file : `${samples.length} event files from ${samples[0].file}`;
  return {
    images,
    shape: [samples.length, height, width, 2],
    ...(labelled ? { labels: Int32Array.from(samples.map((s) => s.label ?? -1)) } : {}),
    origin: `${where} (events, ${height}x${width}x2 sensor, ${T} steps of ${(windowUs / T / 1000).toFixed(2)} ms, compression ratio ${ratio.toFixed(2)} of ${frameUs} us frames${dropped > 0 ? `, ${dropped} events past the window dropped` : ''})`,
    events: { encoder: EVENT_ENCODER, counts, timesteps: T, windowUs, frameUs, compressionRatio: ratio, kernel: [...kernel], coefficients, dropped },
  };
}

/**
 * Fingerprint of an image set for a sweep's network key. Event input: the events per input summed
 * over the steps, with the window, frame and kernel, so the key is the same at every T of a
 * `timesteps` sweep (each setting compresses the same events into its own T) and changes with the
 * events or the kernel. Images: their pixels.
 */
export function inputFingerprint(images: ImageSet): string {
  const e = images.events;
  if (!e) return sha256(new Uint8Array(images.images.buffer, images.images.byteOffset, images.images.byteLength));
  const T = e.timesteps;
  const totals = new Uint32Array(e.counts.length / T);
  for (let n = 0; n < totals.length; n++) for (let t = 0; t < T; t++) totals[n] += e.counts[n * T + t];
  const recipe = JSON.stringify({ windowUs: e.windowUs, frameUs: e.frameUs, kernel: e.kernel, shape: images.shape });
  return sha256(Buffer.concat([Buffer.from(recipe, 'utf8'), Buffer.from(totals.buffer)]));
}

/**
 * The per-step form of an event image set, what a LIF-family network on events reads: the events per
 * (y, x, polarity) and step as [N, H, W, 2T] (step fastest), instead of the CAB-folded sum.
 */
export function eventStepImages(set: ImageSet): ImageSet {
  const e = set.events;
  if (!e) throw new Error(`${set.origin}: not an event image set`);
  const [n, h, w, c] = set.shape;
  return { ...set, images: Float32Array.from(e.counts), shape: [n, h, w, c * e.timesteps] };
}

/** Binary step codes (bit t-1 set when step t had an event) of neurons [from, from + n) from event counts (step fastest). */
export function eventCodes(counts: Uint16Array, from: number, n: number, T: number): Int32Array {
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    for (let t = 0; t < T; t++) if (counts[(from + i) * T + t] > 0) code |= 1 << t;
    codes[i] = code;
  }
  return codes;
}
