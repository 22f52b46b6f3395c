/** Runs a CLI action; any error ends the process with one clear message and exit code 2. */
export async function runAction(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`stcsim: ${message}\n`);
    if (process.env.STCSIM_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 2;
  }
}
