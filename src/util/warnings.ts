/**
 * Warnings about suspicious but legal input (NaN pixels, an empty input, a voltage far below nominal,
 * overlapping tensors): each is printed as one line on stderr when raised and collected, so that the
 * command can list them in its summary.json (`warnings`). A run starts a fresh list with
 * `resetWarnings()` and takes it with `takeWarnings()`. Repeated identical warnings are listed once.
 */
const collected: string[] = [];

/** Whether warnings are echoed to stderr (tests that assert on them switch it off). */
let echo = true;

export function warn(message: string): void {
  if (collected.includes(message)) return;
  collected.push(message);
  if (echo) process.stderr.write(`stcsim: warning: ${message}\n`);
}

export function resetWarnings(options: { echo?: boolean } = {}): void {
  collected.length = 0;
  echo = options.echo ?? true;
}

/** The warnings raised since the last reset. */
export function takeWarnings(): string[] {
  return [...collected];
}
