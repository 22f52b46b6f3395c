/** `--input FILE.npy`: float32 NHWC images in the standard numpy format. */
import { readNpy } from '../data/npy.ts';
import type { ImageSet } from './inputs.ts';
import { UsageError } from '../util/errors.ts';
import { warn } from '../util/warnings.ts';

export function readNpyImages(path: string): ImageSet {
  const arr = readNpy(path);
  const shape = arr.shape.length === 3 ? [1, ...arr.shape] : arr.shape;
  if (shape.length !== 4) {
    throw new Error(`${path}: expected images of shape [N, H, W, C] (or [H, W, C]), got [${arr.shape.join(', ')}]`);
  }
  if (shape[0] === 0) throw new UsageError(`${path}: holds 0 images (shape [${arr.shape.join(', ')}])`, 'give a file with at least one image');
  warnNonFinite(arr.data, path);
  return { images: arr.data, shape: [shape[0], shape[1], shape[2], shape[3]], origin: `${path} (${shape.join('x')})` };
}

/** NaN or infinite pixels are legal floats but spike nowhere (0 ACs): one warning with the count. */
export function warnNonFinite(pixels: Float32Array, file: string): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < pixels.length; i++) {
    if (!Number.isFinite(pixels[i])) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad > 0) warn(`${file}: ${bad} of ${pixels.length} pixels are NaN or infinite (first at flat index ${first}); they produce no spikes`);
}
