/**
 * Errors a user can fix (bad flags, missing or malformed files): the CLI prints them as one line, no
 * stack trace, exit code 2. `hint` (optional) is printed on a second line: what to do about it.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A run that started and failed (I/O, a lock it could not take after starting): exit code 1. */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
}

/** Exit codes (docs/robustness.md): 0 done, 1 the run failed, 2 the input was refused. */
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * Which exit code an error means. Refusals of input are UsageError and its subclasses, and the plain
 * Error / RangeError the validators throw; a run failure is a RunFailedError, an operating-system error
 * (ENOSPC, EACCES, EIO while writing) or a programming error (TypeError, ReferenceError).
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT_BAD_INPUT;
  if (err instanceof RunFailedError) return EXIT_FAILED;
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string') return EXIT_FAILED;
  if (err instanceof TypeError || err instanceof ReferenceError || err instanceof SyntaxError) return EXIT_FAILED;
  return EXIT_BAD_INPUT;
}

/** The message of any thrown value, on one line (a multi-line message keeps its first line). */
export function oneLine(message: string): { first: string; rest: string } {
  const i = message.indexOf('\n');
  return i < 0 ? { first: message, rest: '' } : { first: message.slice(0, i), rest: message.slice(i + 1) };
}
