/** `--input FILE.npy`: float32 NHWC images in the standard numpy format. */
import { readNpy } from '../data/npy.ts';
import type { ImageSet } from './inputs.ts';

export function readNpyImages(path: string): ImageSet {
  const arr = readNpy(path);
  const shape = arr.shape.length === 3 ? [1, ...arr.shape] : arr.shape;
  if (shape.length !== 4) {
    throw new Error(`${path}: expected images of shape [N, H, W, C] (or [H, W, C]), got [${arr.shape.join(', ')}]`);
  }
  return { images: arr.data, shape: [shape[0], shape[1], shape[2], shape[3]], origin: `${path} (${shape.join('x')})` };
}
