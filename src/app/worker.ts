/**
 * The worker flow as one function: the tfjs backend (a worker records the traces it lacks), then the
 * BullMQ worker of dse/queue-worker.ts until `stop` resolves. Printing is the CLI's job (src/cli/worker.ts).
 */
import { initBackend, type BackendChoice } from '../run/backend.ts';
import { startWorker, type WorkerSettings } from '../dse/queue-worker.ts';
import { defaultWorkers } from '../dse/run.ts';

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
  await initBackend(o.backend);
  const w = await startWorker({
    url: o.queue, concurrency: o.concurrency ?? defaultWorkers(), traceDir: o.traces ?? 'reports/traces',
    lockDurationMs: o.lockDurationMs ?? DEFAULT_LOCK_MS, onEvent,
  });
  await stop;
  await w.close();
}
