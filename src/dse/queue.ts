/**
 * The queued executor: the points of a sweep become BullMQ jobs in Redis (job id = point id, so
 * enqueueing a point twice is a no-op), `stcsim worker` processes on any machine evaluate them
 * (queue-worker.ts), and this side, the `stcsim dse --queue` process, moves every finished job's row
 * into the SQLite store and removes the job. Results therefore live in SQLite, not only in Redis:
 * a Redis restart loses at most jobs that had not finished, and those are enqueued again once the
 * queue is seen idle with points still open.
 */
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Executor, ResultSink } from './run.ts';
import type { DesignPoint } from './point.ts';
import type { FailedPoint } from './store.ts';
import { decodeRow } from './store.ts';
import type { TraceRecipe } from './traces.ts';

/** Every sweep goes through one BullMQ queue of this name (one coordinator per Redis database at a time). */
export const QUEUE_NAME = 'stcsim-dse';

/** A job's data: the point and what a worker needs to record its trace when it lacks it. */
export interface PointJob {
  point: DesignPoint;
  recipe: TraceRecipe;
}

/** Attempts per job: the third failure records the point as failed with its error. */
export const JOB_ATTEMPTS = 3;

/** Jobs added or read per Redis round trip. */
const BATCH = 500;

/** BullMQ connection settings of a redis:// URL (checked here so a typo fails before any work). */
export function redisConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue ${url}: not a URL; give redis://HOST:PORT/DB`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`--queue ${url}: give redis://HOST:PORT/DB (or rediss:// for TLS)`);
  // null: a command waits for Redis to come back instead of failing after 20 retries (BullMQ's advice for workers).
  return { url, maxRetriesPerRequest: null };
}

export interface QueueSettings {
  /** redis://HOST:PORT/DB */
  url: string;
  /** How often the queue is read, ms (default 200). */
  pollMs?: number;
  /** Backoff before a failed job's next attempt, ms (default 1000). */
  retryDelayMs?: number;
  /** Called with errors talking to Redis (the loop keeps trying); default: ignored. */
  onRedisError?: (e: Error) => void;
}

const JOB_OPTIONS = (retryDelayMs: number): JobsOptions => ({
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'fixed', delay: retryDelayMs },
  // This side removes each job once its result is in SQLite.
  removeOnComplete: false,
  removeOnFail: false,
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Adds the jobs of `points` (existing job ids are left as they are). */
async function enqueue(queue: Queue<PointJob, string>, points: readonly DesignPoint[], recipe: TraceRecipe, opts: JobsOptions): Promise<void> {
  for (let i = 0; i < points.length; i += BATCH) {
    await queue.addBulk(points.slice(i, i + BATCH).map((point) => ({ name: 'point', data: { point, recipe }, opts: { ...opts, jobId: point.id } })));
  }
}

/**
 * Moves the finished jobs of `open` points (completed: a row; failed after every attempt: an error)
 * into the sink and removes them from Redis. Jobs of other points (another sweep) are skipped.
 * Returns how many of `open` were closed.
 */
async function collect(queue: Queue<PointJob, string>, state: 'completed' | 'failed', open: Set<string>, sink: ResultSink): Promise<number> {
  let closed = 0;
  let skip = 0;
  for (;;) {
    const jobs = (await queue.getJobs([state], skip, skip + BATCH - 1)).filter((j): j is Job<PointJob, string> => j !== undefined && j.id !== undefined);
    if (jobs.length === 0) return closed;
    const mine = jobs.filter((j) => open.has(j.id as string));
    skip += jobs.length - mine.length;
    if (state === 'completed') {
      sink.rows(mine.map((j) => decodeRow(j.returnvalue)));
    } else {
      sink.failed(mine.map((j): FailedPoint => ({ id: j.id as string, error: j.failedReason || 'failed without a reason', attempts: j.attemptsMade })));
    }
    // Stored first, removed second: a crash in between leaves a job that is stored again (same row).
    await Promise.all(mine.map((j) => queue.remove(j.id as string)));
    for (const j of mine) open.delete(j.id as string);
    closed += mine.length;
    if (mine.length === 0 && jobs.length < BATCH) return closed;
  }
}

/** Removes the failed jobs of `open` points without recording them. */
async function dropFailed(queue: Queue<PointJob, string>, open: ReadonlySet<string>): Promise<void> {
  const failed = await queue.getJobs(['failed']);
  await Promise.all(failed.filter((j) => j?.id !== undefined && open.has(j.id)).map((j) => queue.remove(j.id as string)));
}

/** The queued executor; resolves when every pending point has a row or a recorded failure. */
export function queueExecutor(settings: QueueSettings): (recipe: TraceRecipe, onQueue: (q: { waiting: number }) => void) => Executor {
  const connection = redisConnection(settings.url);
  const pollMs = settings.pollMs ?? 200;
  const opts = JOB_OPTIONS(settings.retryDelayMs ?? 1000);
  return (recipe, onQueue) => async (pending, sink) => {
    const { Queue } = await import('bullmq');
    const queue = new Queue<PointJob, string>(QUEUE_NAME, { connection });
    const onError = (e: Error): void => settings.onRedisError?.(e);
    queue.on('error', onError);
    const byId = new Map(pending.map((p) => [p.id, p]));
    const open = new Set(byId.keys());
    try {
      // Rows an earlier coordinator left uncollected are kept; a point that failed for good in an
      // earlier run is tried again, so its old failed job (which would make the add a no-op) goes.
      await collect(queue, 'completed', open, sink);
      await dropFailed(queue, open);
      let enqueued = false;
      while (open.size > 0) {
        try {
          if (!enqueued) {
            await enqueue(queue, pending, recipe, opts);
            enqueued = true;
          }
          // Counted before collecting: if nothing was waiting or running then, every open point's job
          // is finished (collected below) or gone (Redis lost it), never about to finish.
          const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
          const inFlight = Object.values(c).reduce((a, n) => a + n, 0);
          onQueue({ waiting: inFlight });
          await collect(queue, 'completed', open, sink);
          await collect(queue, 'failed', open, sink);
          if (inFlight === 0 && open.size > 0) {
            await enqueue(queue, [...open].map((id) => byId.get(id) as DesignPoint), recipe, opts);
          }
        } catch (e) {
          // Redis away (restarting, network): keep the results stored so far and try again.
          onError(e instanceof Error ? e : new Error(String(e)));
        }
        if (open.size > 0) await sleep(pollMs);
      }
      onQueue({ waiting: 0 });
    } finally {
      await queue.close().catch(onError);
    }
  };
}
