/**
 * The queued executor against real components: a redis-server of its own on a free port, `stcsim
 * worker` processes (the CLI, started as subprocesses), and the SQLite store. One worker is killed
 * (SIGKILL) mid-sweep and Redis is restarted with jobs in it; the final dse.csv must equal the local
 * executor's byte for byte, for a first sweep and for a second, different sweep into the same folder.
 * A point that fails three times is stored as failed with its error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planPoints } from '../../src/dse/plan.ts';
import { queueExecutor } from '../../src/dse/queue.ts';
import { runDse, type DseProgress } from '../../src/dse/run.ts';
import { cpuBackend } from '../helpers.ts';
import { testWithTool } from '../tools.ts';
import { freePort, REDIS_MISSING, REDIS_SERVER, startRedis, stopProcess } from '../redis.ts';
import { readRows, smallnetSweep, tempDir } from './support.ts';
import test from 'ava';

test.before(cpuBackend);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const stop = stopProcess;

/**
 * `stcsim worker` as its own process (the CLI from src/ through tsx), one job at a time. A short
 * lock makes a killed worker's job come back within seconds; a worker that records a trace (main
 * thread, no lock renewal meanwhile) gets a longer one.
 */
function startWorker(url: string, traces: string, lockMs: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--queue', url, '--concurrency', '1', '--lock-ms', String(lockMs), '--traces', traces, '--backend', 'cpu', '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const FIRST = ['timesteps=2,4', 'ac_lanes=16,64,256', 'node=45,7'];
const SECOND = ['timesteps=3', 'ac_lanes=32,128', 'clock=500 MHz,1 GHz'];

testWithTool(REDIS_SERVER, REDIS_MISSING, 'a queued sweep with a worker killed mid-sweep and a Redis restart equals the local sweep row for row', async (t, bin) => {
  t.timeout(120_000);
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}/0`;
  let redis = await startRedis(bin, port);
  const workers: ChildProcess[] = [];
  try {
    const local = tempDir('queue-local');
    const queued = tempDir('queue-queued');
    const images = { seed: 3, images: 4 };
    const t0 = performance.now();
    const lap = (what: string): void => t.log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Sweep 1: two workers reading the traces from a shared folder (the local run's); the first is
    // killed once a few points are done, holding a job (its lock expires and the other worker's
    // stalled-job check puts the job back).
    workers.push(startWorker(url, join(local, 'traces'), 2000), startWorker(url, join(local, 'traces'), 2000));
    const l1 = await runDse(smallnetSweep(local, FIRST, { inputs: images }));
    lap('local sweep 1');
    let doneAtKill = -1;
    const onProgress = (p: DseProgress): void => {
      if (doneAtKill < 0 && p.done >= 3) {
        doneAtKill = p.done;
        workers[0].kill('SIGKILL');
      }
    };
    const q1 = await runDse(smallnetSweep(queued, FIRST, { inputs: images, executor: queueExecutor({ url, pollMs: 50, retryDelayMs: 100 }), onProgress }));
    lap('queued sweep 1');
    t.true(doneAtKill >= 3 && doneAtKill < 12, `the first worker was killed mid-sweep (${doneAtKill} of 12 done)`);
    t.true(q1.complete && l1.complete);
    t.is(q1.evaluated, 12);
    t.deepEqual(q1.failed, []);
    t.is(readFileSync(q1.dseFile, 'utf8'), readFileSync(l1.dseFile, 'utf8'));
    t.is(readFileSync(join(queued, 'pareto.csv'), 'utf8'), readFileSync(join(local, 'pareto.csv'), 'utf8'));

    // Sweep 2, a different one into the same folders: every job is enqueued while no worker runs,
    // then Redis restarts empty. The sweep notices the lost jobs, enqueues them again, and a new
    // worker finishes, recording the new network setting's trace itself in its own folder; the
    // first sweep's rows (in SQLite) are untouched.
    await stop(workers[1], 'SIGTERM');
    const ownTraces = tempDir('queue-traces');
    let enqueued = false;
    const restarted = (async () => {
      while (!enqueued) await sleep(20);
      await stop(redis, 'SIGKILL');
      redis = await startRedis(bin, port);
      workers.push(startWorker(url, ownTraces, 30_000));
    })();
    const q2 = await runDse(smallnetSweep(queued, SECOND, {
      inputs: images, executor: queueExecutor({ url, pollMs: 50, retryDelayMs: 100 }),
      onProgress: (p) => { if ((p.waiting ?? 0) >= 4) enqueued = true; },
    }));
    await restarted;
    lap('queued sweep 2');
    const l2 = await runDse(smallnetSweep(local, SECOND, { inputs: images }));
    t.true(q2.complete);
    t.is(q2.evaluated, 4);
    t.is(q2.rows, 16, 'the second sweep adds its rows to the first one\'s');
    t.is(readFileSync(q2.dseFile, 'utf8'), readFileSync(l2.dseFile, 'utf8'));
    const ids = readRows(q2.dseFile).map((r) => r.id);
    t.is(new Set(ids).size, 16);

    // Sweep 3: a point whose trace in the worker's folder is corrupt fails on every attempt; after
    // the third it is stored as failed with the error, and the sweep ends (incomplete) instead of waiting.
    const third = smallnetSweep(queued, ['timesteps=5'], { inputs: images, executor: queueExecutor({ url, pollMs: 50, retryDelayMs: 100 }) });
    const [point] = planPoints(third).points;
    writeFileSync(join(ownTraces, `${point.networkKey}.trace`), 'not a trace');
    writeFileSync(join(ownTraces, `${point.networkKey}.json`), readFileSync(join(ownTraces, `${q2.points[0].networkKey}.json`)));
    const q3 = await runDse(third);
    lap('queued sweep 3');
    t.false(q3.complete);
    t.is(q3.failed.length, 1);
    t.is(q3.failed[0].id, point.id);
    t.is(q3.failed[0].attempts, 3);
    t.regex(q3.failed[0].error, /not a stcsim spike trace/);
    t.is(q3.rows, 16, 'a failed point has no row; the others stay');
  } finally {
    for (const w of workers) await stop(w, 'SIGKILL');
    await stop(redis, 'SIGKILL');
  }
});
