/** Input batches: a seeded synthetic image set, or user-supplied images. */
import { prng } from '../util/random.ts';
import { checkMemoryEstimate } from '../util/paths.ts';

export interface ImageSet {
  /** NHWC float32 pixels. */
  images: Float32Array;
  /** [N, H, W, C]. */
  shape: [number, number, number, number];
  /** Class labels, when known (accuracy is reported then). */
  labels?: Int32Array;
  /** Where the images came from, for the report. */
  origin: string;
  /** Event-camera samples: the images are their CAB-folded currents, these their events per step. */
  events?: EventCurrents;
}

/** Events of an image set compressed into time steps (src/run/event-input.ts builds them). */
export interface EventCurrents {
  /** The steb node the events stand for (model/event-input.ts EVENT_ENCODER). */
  encoder: string;
  /** Events per image, input neuron (NHWC, C = polarity) and step, step fastest. */
  counts: Uint16Array;
  timesteps: number;
  /** Length of the window cut into the steps, and of one base frame, microseconds. */
  windowUs: number;
  frameUs: number;
  /** Base frames per step (window / frame / T). */
  compressionRatio: number;
  /** Synaptic convolution kernel over adjacent steps, and the CAB coefficients it folds into. */
  kernel: number[];
  coefficients: number[];
  /** Events dropped because they fell outside the window. */
  dropped: number;
}

/** Uniform [0, 1) pixels, the value range of normalised image data; reproducible from the seed. */
export function syntheticImages(count: number, shape: readonly number[], seed: number): ImageSet {
  const [h, w, c] = shape;
  checkMemoryEstimate(count * h * w * c * 4, `${count} synthetic image(s) of shape [${shape.join(', ')}]`);
  const rand = prng(seed);
  const images = new Float32Array(count * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = rand();
  return { images, shape: [count, h, w, c], origin: `synthetic uniform [0, 1) images, seed ${seed}` };
}

/** The first `count` images of a set. */
export function takeImages(set: ImageSet, count: number): ImageSet {
  if (count > set.shape[0]) {
    throw new Error(`asked for ${count} images but ${set.origin} holds ${set.shape[0]}`);
  }
  const per = set.shape[1] * set.shape[2] * set.shape[3];
  return {
    images: set.images.subarray(0, count * per),
    shape: [count, set.shape[1], set.shape[2], set.shape[3]],
    labels: set.labels?.subarray(0, count),
    origin: set.origin,
  };
}
