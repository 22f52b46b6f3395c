/**
 * `stcsim worker`: takes point jobs from the Redis queue and evaluates them with the local
 * executor's own pieces: the trace of the point's network setting (traces.ts: read from the trace
 * folder, or recorded there once when missing) and evaluatePoint in worker threads (worker.ts).
 * The row goes back as the job's return value; the `dse --queue` process stores it in SQLite.
 * A worker that dies mid-job holds its job's lock until it expires; BullMQ's stalled-job check (run
 * by the other workers) then puts the job back in the queue.
 */
import type { Job, Worker } from 'bullmq';
import { Piscina } from 'piscina';
import type { DseRow } from './evaluate.ts';
import { QUEUE_NAME, redisConnection, type PointJob } from './queue.ts';
import { WORKER_URL } from './worker-url.ts';
import { encodeRow } from './store.ts';
import { findTrace, type RecordedTrace } from './trace-lookup.ts';
import type { WorkerTask } from './worker.ts';

export interface WorkerSettings {
  /** redis://HOST:PORT/DB */
  url: string;
  /** Jobs evaluated at once, one worker thread each. */
  concurrency: number;
  /** Folder of content-addressed traces: a shared folder, or a local one the worker fills itself. */
  traceDir: string;
  /**
   * How long a job's lock lasts without renewal, ms. A killed worker's job is retried after about
   * this long; a trace recording (main thread, no renewal meanwhile) must finish within it.
   */
  lockDurationMs: number;
  /** Jobs a stalled-job check may put back before the job fails (a worker killed twice on it). */
  maxStalled?: number;
  /** Called once before the first trace this worker records (initialises the tfjs backend). */
  beforeRecording?: () => Promise<void>;
  onEvent?: (e: { kind: 'done' | 'failed' | 'error'; id?: string; message?: string }) => void;
}

export interface RunningWorker {
  /** Waits for the jobs in progress, then disconnects. */
  close(): Promise<void>;
}

export async function startWorker(s: WorkerSettings): Promise<RunningWorker> {
  const { Worker: BullWorker } = await import('bullmq');
  const pool = new Piscina<WorkerTask, DseRow>({ filename: WORKER_URL, maxThreads: s.concurrency, minThreads: s.concurrency });
  const traces = new Map<string, RecordedTrace>();
  let prepared: Promise<void> | undefined;
  const traceOf = async (job: Job<PointJob, string>): Promise<RecordedTrace> => {
    const { point, recipe } = job.data;
    let t = traces.get(point.networkKey) ?? findTrace(point.networkKey, s.traceDir);
    if (!t) {
      // tfjs loads only in a worker that has a trace to record (one reading a shared folder never does).
      await (prepared ??= s.beforeRecording?.() ?? Promise.resolve());
      const { ensureTrace } = await import('./traces.ts');
      t = ensureTrace(recipe, point.networkKey, point.network, s.traceDir);
    }
    traces.set(point.networkKey, t);
    return t;
  };
  const worker: Worker<PointJob, string> = new BullWorker<PointJob, string>(QUEUE_NAME, async (job) => {
    const { file, facts } = await traceOf(job);
    return encodeRow(await pool.run({ point: job.data.point, traceFile: file, facts }));
  }, {
    connection: redisConnection(s.url),
    concurrency: s.concurrency,
    lockDuration: s.lockDurationMs,
    stalledInterval: Math.max(1000, Math.round(s.lockDurationMs / 2)),
    maxStalledCount: s.maxStalled ?? 2,
  });
  worker.on('completed', (job) => s.onEvent?.({ kind: 'done', id: job.id }));
  worker.on('failed', (job, err) => s.onEvent?.({ kind: 'failed', id: job?.id, message: err.message }));
  worker.on('error', (err) => s.onEvent?.({ kind: 'error', message: err.message }));
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await pool.destroy();
    },
  };
}
