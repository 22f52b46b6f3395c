/**
 * Queue scaling benchmark (issue 14): one hardware sweep over a recorded smallnet trace, evaluated by
 * the local executor (1 thread, and one per CPU) and through Redis by 1, 2 and 4 `stcsim worker`
 * processes (one job at a time each). Workers are started and ready before each timed sweep, and
 * read the trace from the local run's folder, so the times are evaluation + queue traffic only.
 * The per-point queue overhead is (1-worker queue time - 1-thread local time) / points, in wall time
 * and in CPU time (this process + workers + redis-server, from /proc: robust to other load).
 * Needs redis-server and a built dist/ (`npm run bench -- --only=queue` builds it).
 *   npm run build && npx tsx bench/queue.ts     or     npm run bench -- --only=queue
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REDIS_MISSING, REDIS_SERVER, startRedis } from '../test/redis.ts';
import { queueExecutor } from '../src/dse/queue.ts';
import { defaultWorkers, runDse, type DseOptions } from '../src/dse/run.ts';
import { parseSweep } from '../src/dse/space.ts';
import { paperPreset } from '../src/energy/paper.ts';
import { PAPER_DEFAULTS } from '../src/stcb/schedule.ts';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** 400 points: 10 x 5 x 4 x 2 over one network setting (smallnet, 2 synthetic images, T=4). */
const AXES = ['ac_lanes=16,32,64,128,256,512,1024,2048,4096,8192', 'encoder_lanes=4,8,16,32,64', 'cab_lanes=16,32,64,128', 'node=45,7'];

function sweep(out: string, extra: Partial<DseOptions> = {}): DseOptions {
  return {
    model: 'smallnet', inputs: { seed: 3, images: 2 }, settings: { ...PAPER_DEFAULTS }, spikingClassifier: false,
    preset: paperPreset('int32-45nm'), accelerator: 'stcb-default', node: 45, axes: AXES.map(parseSweep), out, batch: 16, workers: 1, ...extra,
  };
}

/** Starts `n` workers and resolves once each has printed that it is waiting for points. */
async function startWorkers(n: number, url: string, traces: string): Promise<ChildProcess[]> {
  const procs = Array.from({ length: n }, () => spawn(process.execPath, [CLI, 'worker', '--queue', url, '--concurrency', '1', '--traces', traces, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] }));
  await Promise.all(procs.map((p) => new Promise<void>((resolve, reject) => {
    p.stderr?.on('data', (d: Buffer) => { if (d.toString().includes('waiting for points')) resolve(); });
    p.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  })));
  // The BullMQ worker connects after the line is printed: give it a moment to block on the queue.
  await sleep(500);
  return procs;
}

export async function benchQueue(): Promise<Record<string, number | string>> {
  if (!REDIS_SERVER) return { skipped: REDIS_MISSING };
  if (!existsSync(CLI)) return { skipped: 'dist/cli/main.js not built (npm run build)' };
  const port = await freePort();
  const redis = await startRedis(REDIS_SERVER, port);
  const dirs: string[] = [];
  const dir = (name: string): string => {
    const d = mkdtempSync(join(tmpdir(), `stcsim-bench-queue-${name}-`));
    dirs.push(d);
    return d;
  };
  try {
    // Record the trace once (untimed); every timed sweep reads it.
    const traced = dir('trace');
    await runDse(sweep(traced, { axes: [parseSweep('ac_lanes=16')] }));
    const traces = join(traced, 'traces');
    /** Wall seconds, and CPU seconds of this process plus the `others` (workers, redis-server). */
    const timed = async (o: DseOptions, others: readonly number[] = []): Promise<{ s: number; cpu: number; points: number }> => {
      const c0 = ownCpu() + others.reduce((a, pid) => a + cpuSeconds(pid), 0);
      const t0 = performance.now();
      const r = await runDse(o);
      const s = (performance.now() - t0) / 1000;
      const cpu = ownCpu() + others.reduce((a, pid) => a + cpuSeconds(pid), 0) - c0;
      if (!r.complete || r.evaluated !== r.points.length) throw new Error('bench sweep did not evaluate every point');
      return { s, cpu, points: r.points.length };
    };
    const withTraces = (out: string): string => {
      // The local executor reads <out>/traces: give it the recorded one.
      cpSync(traces, join(out, 'traces'), { recursive: true });
      return out;
    };
    const local1 = await timed(sweep(withTraces(dir('local1')), { workers: 1 }));
    const localN = await timed(sweep(withTraces(dir('localN')), { workers: defaultWorkers() }));
    const result: Record<string, number | string> = {
      points: local1.points, cpus: defaultWorkers(),
      local_1_thread_s: round(local1.s), local_1_thread_points_per_s: round(local1.points / local1.s),
      local_1_thread_cpu_ms_per_point: round((local1.cpu / local1.points) * 1000),
      [`local_${defaultWorkers()}_threads_s`]: round(localN.s), [`local_${defaultWorkers()}_threads_points_per_s`]: round(localN.points / localN.s),
    };
    let db = 1;
    for (const n of [1, 2, 4]) {
      const url = `redis://127.0.0.1:${port}/${db++}`;
      const workers = await startWorkers(n, url, traces);
      try {
        const q = await timed(sweep(dir(`queue${n}`), { executor: queueExecutor({ url }) }), [redis.pid as number, ...workers.map((w) => w.pid as number)]);
        result[`queue_${n}_workers_s`] = round(q.s);
        result[`queue_${n}_workers_points_per_s`] = round(q.points / q.s);
        result[`queue_${n}_workers_cpu_ms_per_point`] = round((q.cpu / q.points) * 1000);
        if (n === 1) {
          // Wall time is at the mercy of other load on the machine; CPU time (this process, the
          // worker, redis-server) much less so.
          result.queue_overhead_wall_ms_per_point = round(((q.s - local1.s) / q.points) * 1000);
          result.queue_overhead_cpu_ms_per_point = round(((q.cpu - local1.cpu) / q.points) * 1000);
        }
      } finally {
        for (const w of workers) w.kill('SIGTERM');
      }
    }
    return result;
  } finally {
    redis.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

const round = (x: number): number => Number(x.toFixed(2));

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux; CLK_TCK 100). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of this process (all threads). */
const ownCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { initBackend } = await import('../src/run/backend.ts');
  await initBackend('cpu');
  console.log(JSON.stringify({ bench: 'dse_queue', ...(await benchQueue()) }));
}
