import { exitCodeOf, EXIT_FAILED, UsageError } from '../util/errors.ts';

/** --debug (a program option) or STCSIM_DEBUG=1: print stack traces of errors. */
export const debugEnabled = (): boolean => Boolean(process.env.STCSIM_DEBUG) || process.argv.includes('--debug');

/**
 * Runs a CLI action; any error ends the process with one clear message (naming the file and the
 * problem), an optional hint line, and exit code 2 for refused input or 1 for a failed run
 * (util/errors.ts exitCodeOf). The stack trace is printed only with --debug.
 */
export async function runAction(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = exitCodeOf(err);
    process.stderr.write(`stcsim: ${message}\n`);
    if (err instanceof UsageError && err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    else if (code === EXIT_FAILED && !debugEnabled()) process.stderr.write('hint: the run failed; run again with --debug for the stack trace\n');
    if (debugEnabled() && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = code;
  }
}
