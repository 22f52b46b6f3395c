/**
 * The worker flow as one function: the BullMQ worker of dse/queue-worker.ts until `stop` resolves;
 * the tfjs backend starts when the worker first records a trace it lacks. Printing is the CLI's job (src/cli/worker.ts).
 */
import type { BackendChoice } from '../run/backend.ts';
import { startWorker, type WorkerSettings } from '../dse/queue-worker.ts';
import { availableParallelism } from 'node:os';

export interface WorkerCommandOptions {
  /** redis://HOST:PORT/DB, the same URL as the sweep's --queue. */
  queue: string;
  /** Jobs at once (one worker thread each); default one per CPU. */
  concurrency?: number;
  /** Trace folder (shared or local); default reports/traces. */
  traces?: string;
  /** Job lock, ms; default 60000. */
  lockDurationMs?: number;
  backend: BackendChoice;
}

/** Default job lock: long enough for a small network's trace recording, short enough that a killed worker's job is retried within about a minute. */
export const DEFAULT_LOCK_MS = 60_000;

/** Runs a worker until `stop` resolves, then lets the jobs in progress finish. */
export async function runWorker(o: WorkerCommandOptions, stop: Promise<void>, onEvent?: WorkerSettings['onEvent']): Promise<void> {
  const w = await startWorker({
    url: o.queue, concurrency: o.concurrency ?? Math.max(1, availableParallelism()), traceDir: o.traces ?? 'reports/traces',
    lockDurationMs: o.lockDurationMs ?? DEFAULT_LOCK_MS, onEvent, beforeRecording: async () => {
      const { initBackend } = await import('../run/backend.ts');
      await initBackend(o.backend);
    },
  });
  await stop;
  await w.close();
}
