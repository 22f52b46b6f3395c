/**
 * Event-camera streams (DVS / ATIS): one event = (x, y, timestamp, polarity). Readers for the formats
 * the public datasets ship in live beside this file (N-MNIST binary, AEDAT 3.1, .npy/.npz structured
 * arrays); this file holds the common type, the size bounds every reader checks before allocating,
 * and the dispatch by file name.
 */
import { statSync } from 'node:fs';
import { DataFormatError } from './errors.ts';

/** Events as parallel arrays (struct of arrays), in file order. Timestamps in microseconds. */
export interface EventStream {
  x: Uint16Array;
  y: Uint16Array;
  /** Microseconds; float64 holds integers exactly up to 2^53 (AEDAT's 63-bit time for 285 years). */
  tUs: Float64Array;
  /** 1 = ON (brighter), 0 = OFF. */
  p: Uint8Array;
  /** Sensor size when the file states it (AEDAT source header); otherwise undefined (see sensorSize). */
  sensor?: { width: number; height: number };
}

/** Files larger than this are refused before they are read (a DVS128 Gesture recording is ~30 MB). */
export const MAX_EVENT_FILE_BYTES = 1 << 30;
/** Largest sensor side accepted (coordinates are 15-bit in AEDAT 3.1, 8-bit in N-MNIST). */
export const MAX_SENSOR_SIDE = 1 << 15;

/** The file's size, refused past MAX_EVENT_FILE_BYTES; a missing file is a DataFormatError naming it. */
export function eventFileBytes(file: string): number {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new DataFormatError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_EVENT_FILE_BYTES) throw new DataFormatError(file, `${size} bytes is more than the ${MAX_EVENT_FILE_BYTES}-byte limit for one event file`);
  return size;
}

export function allocEvents(n: number): EventStream {
  return { x: new Uint16Array(n), y: new Uint16Array(n), tUs: new Float64Array(n), p: new Uint8Array(n) };
}

/** The first n events of a stream (for readers that skip invalid records). */
export function truncateEvents(e: EventStream, n: number): EventStream {
  return { ...e, x: e.x.subarray(0, n), y: e.y.subarray(0, n), tUs: e.tUs.subarray(0, n), p: e.p.subarray(0, n) };
}

/**
 * Sensor size: the one given (--input-shape H,W,2), else the one the file states, else the smallest
 * that holds every event (max coordinate + 1). Events outside a given size are an error naming the file.
 */
export function sensorSize(e: EventStream, file: string, given?: { width: number; height: number }): { width: number; height: number } {
  let maxX = -1;
  let maxY = -1;
  for (let i = 0; i < e.x.length; i++) {
    if (e.x[i] > maxX) maxX = e.x[i];
    if (e.y[i] > maxY) maxY = e.y[i];
  }
  const size = given ?? e.sensor ?? { width: maxX + 1, height: maxY + 1 };
  if (maxX >= size.width || maxY >= size.height) {
    throw new DataFormatError(file, `event at x ${maxX}, y ${maxY} lies outside the ${size.width}x${size.height} sensor`);
  }
  if (size.width < 1 || size.height < 1) throw new DataFormatError(file, 'holds no events and no sensor size');
  return size;
}
