/**
 * A throw-away redis-server for the queue test and the queue benchmark: Debian's binary on a free
 * port of 127.0.0.1, no snapshot and no append-only file (a restart starts empty).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
export const REDIS_MISSING = 'redis-server not found (apt-get install -y redis-server)';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts redis-server on `port` and resolves once it answers PING. */
export async function startRedis(bin: string, port: number): Promise<ChildProcess> {
  const p = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    for (let i = 0; i < 200; i++) {
      try {
        await probe.connect();
        await probe.ping();
        return p;
      } catch {
        await sleep(50);
      }
    }
  } finally {
    probe.disconnect();
  }
  p.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

/** Sends `signal` and waits for the process to exit (no-op when it has). */
export async function stopProcess(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill(signal);
  await exited;
}
