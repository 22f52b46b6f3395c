import { UsageError } from '../util/errors.ts';
import { readRegularFile } from '../util/paths.ts';
/** Errors of the dataset and tensor-file readers: always name the file and what was wrong with it. */
export class DataFormatError extends UsageError {
  override name = 'DataFormatError';
  constructor(
    /** The file (or a label for an in-memory buffer) that could not be read. */
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/**
 * The bytes of a file under the path policy (util/paths.ts): a regular file whose size is within the
 * bound; a missing, unreadable, special or oversize file is an error naming it.
 */
export function readBytes(file: string): Uint8Array {
  return readRegularFile(file);
}
