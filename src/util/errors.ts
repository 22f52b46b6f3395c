/** Errors a user can fix (bad flags, missing files): the CLI prints them as one line, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}
