/** The progress bar of a long command, on stderr and only on a terminal; cli-progress loads only then. */
import type { SingleBar } from 'cli-progress';

export async function progressBar(format: string, enabled: boolean): Promise<SingleBar | null> {
  if (!enabled || !process.stderr.isTTY) return null;
  const { SingleBar, Presets } = await import('cli-progress');
  return new SingleBar({ format, stream: process.stderr }, Presets.shades_classic);
}
