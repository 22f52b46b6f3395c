import { readFileSync } from 'node:fs';
/** Errors of the dataset and tensor-file readers: always name the file and what was wrong with it. */
export class DataFormatError extends Error {
  override name = 'DataFormatError';
  constructor(
    /** The file (or a label for an in-memory buffer) that could not be read. */
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** The bytes of a file; a missing or unreadable file is a DataFormatError naming it. */
export function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new DataFormatError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
