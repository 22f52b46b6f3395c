/**
 * CIFAR-10 / CIFAR-100 "binary version" records: CIFAR-10 is <1 label byte><3072 pixel bytes>,
 * CIFAR-100 is <coarse label byte><fine label byte><3072 pixel bytes>. Pixels are stored channel-major
 * (1024 red, 1024 green, 1024 blue, each 32x32 row-major) and are converted to HWC here.
 */
import { DataFormatError, readBytes } from './errors.ts';

export const CIFAR_SIDE = 32;
export const CIFAR_PIXELS = CIFAR_SIDE * CIFAR_SIDE * 3;

export type CifarVariant = 'cifar10' | 'cifar100';

export interface CifarBatch {
  /** Pixels, NHWC uint8. */
  images: Uint8Array;
  /** Fine labels (CIFAR-100) or the only label (CIFAR-10). */
  labels: Int32Array;
  /** CIFAR-100 coarse (superclass) labels; empty for CIFAR-10. */
  coarseLabels: Int32Array;
  count: number;
}

export function cifarRecordBytes(variant: CifarVariant): number {
  return (variant === 'cifar10' ? 1 : 2) + CIFAR_PIXELS;
}

export function parseCifar(buf: Uint8Array, variant: CifarVariant, file = '<buffer>', limit = Infinity): CifarBatch {
  const rec = cifarRecordBytes(variant);
  const classes = variant === 'cifar10' ? 10 : 100;
  if (buf.length === 0) throw new DataFormatError(file, 'empty file');
  if (buf.length % rec !== 0) {
    throw new DataFormatError(
      file,
      `size ${buf.length} bytes is not a multiple of the ${variant} record size ${rec} ` +
        `(truncated file, or a ${variant === 'cifar10' ? 'CIFAR-100' : 'CIFAR-10'} file?)`,
    );
  }
  const count = Math.min(buf.length / rec, limit);
  const labelBytes = rec - CIFAR_PIXELS;
  const images = new Uint8Array(count * CIFAR_PIXELS);
  const labels = new Int32Array(count);
  const coarseLabels = new Int32Array(variant === 'cifar100' ? count : 0);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let n = 0; n < count; n++) {
    const base = n * rec;
    const label = buf[base + labelBytes - 1];
    if (label >= classes) {
      throw new DataFormatError(file, `record ${n}: label ${label} is out of range for ${variant} (0..${classes - 1})`);
    }
    labels[n] = label;
    if (variant === 'cifar100') coarseLabels[n] = buf[base];
    const src = base + labelBytes;
    const dst = n * CIFAR_PIXELS;
    for (let p = 0; p < plane; p++) {
      images[dst + 3 * p] = buf[src + p];
      images[dst + 3 * p + 1] = buf[src + plane + p];
      images[dst + 3 * p + 2] = buf[src + 2 * plane + p];
    }
  }
  return { images, labels, coarseLabels, count };
}

export function readCifar(file: string, variant: CifarVariant, limit = Infinity): CifarBatch {
  return parseCifar(readBytes(file), variant, file, limit);
}

/** Encodes HWC uint8 images + labels as binary CIFAR records (tests and tools). */
export function encodeCifar(variant: CifarVariant, imagesHwc: Uint8Array, labels: ArrayLike<number>, coarse?: ArrayLike<number>): Uint8Array {
  const rec = cifarRecordBytes(variant);
  const n = labels.length;
  if (imagesHwc.length !== n * CIFAR_PIXELS) throw new RangeError(`expected ${n * CIFAR_PIXELS} pixel bytes, got ${imagesHwc.length}`);
  const out = new Uint8Array(n * rec);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let i = 0; i < n; i++) {
    const base = i * rec;
    if (variant === 'cifar100') {
      out[base] = coarse ? coarse[i] : 0;
      out[base + 1] = labels[i];
    } else {
      out[base] = labels[i];
    }
    const dst = base + rec - CIFAR_PIXELS;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[dst + c * plane + p] = imagesHwc[i * CIFAR_PIXELS + 3 * p + c];
    }
  }
  return out;
}
