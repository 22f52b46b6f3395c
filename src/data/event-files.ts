/**
 * Event files and folders: the reader chosen by file name, and an event dataset folder in the N-MNIST
 * layout (<split>/<label>/<id>.<ext>; the label is the name of the file's parent folder when it is a
 * whole number, else the sample has no label).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { readAedat31 } from './aedat.ts';
import { DataFormatError } from './errors.ts';
import type { EventStream } from './events.ts';
import { readNmnist } from './nmnist.ts';
import { readEventsNpy, readEventsNpz } from './npy-events.ts';

export const EVENT_EXTENSIONS = ['.bin', '.aedat', '.aedat3', '.npy', '.npz'] as const;

export interface EventSample {
  file: string;
  events: EventStream;
  label?: number;
}

export function readEventFile(file: string): EventStream {
  const ext = extname(file).toLowerCase();
  switch (ext) {
    case '.bin':
      return readNmnist(file);
    case '.aedat':
    case '.aedat3':
      return readAedat31(file);
    case '.npy':
      return readEventsNpy(file);
    case '.npz':
      return readEventsNpz(file);
    default:
      throw new DataFormatError(file, `unknown event file type "${ext}" (known: ${EVENT_EXTENSIONS.join(', ')}: N-MNIST binary, AEDAT 3.1, numpy x/y/t/p)`);
  }
}

function listEventFiles(dir: string, out: string[], limit: number): void {
  for (const name of readdirSync(dir).sort()) {
    if (out.length >= limit) return;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listEventFiles(path, out, limit);
    else if ((EVENT_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase())) out.push(path);
  }
}

/** One event file, or the first `limit` event files of a folder (sorted, depth first) with their labels. */
export function readEventSamples(path: string, limit = Number.POSITIVE_INFINITY): EventSample[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new DataFormatError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const files: string[] = [];
  if (isDir) listEventFiles(path, files, limit);
  else files.push(path);
  if (files.length === 0) throw new DataFormatError(path, `holds no event files (${EVENT_EXTENSIONS.join(', ')})`);
  return files.map((file) => {
    const parent = basename(dirname(file));
    const label = isDir && /^\d+$/.test(parent) ? Number(parent) : undefined;
    return { file, events: readEventFile(file), ...(label !== undefined ? { label } : {}) };
  });
}
