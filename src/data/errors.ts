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
