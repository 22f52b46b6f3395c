/**
 * The N-MNIST binary event format (Orchard et al. 2015, "Converting static image datasets to spiking
 * neuromorphic datasets using saccades", Front. Neurosci. 9:437; the dataset's README): 5 bytes per
 * event, no header.
 *   byte 0: x (unsigned)      byte 1: y (unsigned)
 *   byte 2: bit 7 = polarity (1 = ON), bits 6-0 = timestamp bits 22-16
 *   byte 3: timestamp bits 15-8        byte 4: timestamp bits 7-0
 * Timestamps are microseconds, 23 bits (up to 8.39 s). The sensor (ATIS) crop is 34x34 in N-MNIST; the
 * file does not state it.
 */
import { writeFileSync } from 'node:fs';
import { allocEvents, eventFileBytes, type EventStream } from './events.ts';
import { DataFormatError, readBytes } from './errors.ts';

export const NMNIST_EVENT_BYTES = 5;
export const NMNIST_MAX_TIMESTAMP_US = (1 << 23) - 1;

export function parseNmnist(buf: Uint8Array, file = '<buffer>'): EventStream {
  if (buf.length % NMNIST_EVENT_BYTES !== 0) {
    throw new DataFormatError(file, `${buf.length} bytes is not a whole number of 5-byte N-MNIST events (truncated or not N-MNIST)`);
  }
  const n = buf.length / NMNIST_EVENT_BYTES;
  const e = allocEvents(n);
  for (let i = 0, o = 0; i < n; i++, o += NMNIST_EVENT_BYTES) {
    e.x[i] = buf[o];
    e.y[i] = buf[o + 1];
    e.p[i] = buf[o + 2] >> 7;
    e.tUs[i] = ((buf[o + 2] & 0x7f) << 16) | (buf[o + 3] << 8) | buf[o + 4];
  }
  return e;
}

export function readNmnist(file: string): EventStream {
  const size = eventFileBytes(file);
  if (size % NMNIST_EVENT_BYTES !== 0) {
    throw new DataFormatError(file, `${size} bytes is not a whole number of 5-byte N-MNIST events (truncated or not N-MNIST)`);
  }
  return parseNmnist(readBytes(file), file);
}

/** Encodes events in the N-MNIST layout; coordinates must fit 8 bits and timestamps 23 bits. */
export function encodeNmnist(e: EventStream): Uint8Array {
  const n = e.x.length;
  const out = new Uint8Array(n * NMNIST_EVENT_BYTES);
  for (let i = 0, o = 0; i < n; i++, o += NMNIST_EVENT_BYTES) {
    const t = e.tUs[i];
    if (e.x[i] > 255 || e.y[i] > 255) throw new RangeError(`event ${i}: x ${e.x[i]}, y ${e.y[i]} do not fit N-MNIST's 8-bit coordinates`);
    if (!Number.isInteger(t) || t < 0 || t > NMNIST_MAX_TIMESTAMP_US) throw new RangeError(`event ${i}: timestamp ${t} us does not fit N-MNIST's 23 bits`);
    out[o] = e.x[i];
    out[o + 1] = e.y[i];
    out[o + 2] = ((e.p[i] ? 1 : 0) << 7) | ((t >> 16) & 0x7f);
    out[o + 3] = (t >> 8) & 0xff;
    out[o + 4] = t & 0xff;
  }
  return out;
}

export function writeNmnist(file: string, e: EventStream): void {
  writeFileSync(file, encodeNmnist(e));
}
