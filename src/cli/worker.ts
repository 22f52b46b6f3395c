/** `stcsim worker --queue redis://HOST:PORT/DB`: evaluates the design points a `dse --queue` sweep enqueued, until stopped (Ctrl-C, SIGTERM). */
import { Option, type Command } from 'commander';
import type { BackendChoice } from '../run/backend.ts';
import { BACKEND_CHOICES } from './choices.ts';
import { positiveInt } from './parse.ts';
import { runAction } from './run-action.ts';

interface WorkerFlags {
  queue: string;
  concurrency?: number;
  traces?: string;
  lockMs?: number;
  backend: BackendChoice;
  quiet: boolean;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('evaluate the design points of `dse --queue` sweeps from a Redis queue (run on any machine with a checkout; stop with Ctrl-C)')
    .requiredOption('--queue <redis://HOST:PORT/DB>', 'the Redis database the sweep enqueued into')
    .option('--concurrency <n>', 'points evaluated at once, one thread each (default: one per CPU)', positiveInt('--concurrency'))
    .option('--traces <dir>', 'spike-trace folder: a shared folder (read, and filled when a trace is missing) or a local one (default reports/traces)')
    .option('--lock-ms <ms>', 'job lock: a killed worker\'s job is retried after about this long; a trace recording must finish within it (default 60000)', positiveInt('--lock-ms'))
    .addOption(new Option('--backend <name>', 'tfjs backend for recording traces').choices(BACKEND_CHOICES).default('auto'))
    .option('--quiet', 'no line per finished point', false)
    .action(async (flags: WorkerFlags) => {
      await runAction(async () => {
        const { runWorker } = await import('../app/worker.ts');
        const stop = new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        process.stderr.write(`worker: waiting for points on ${flags.queue}\n`);
        await runWorker({ queue: flags.queue, concurrency: flags.concurrency, traces: flags.traces, lockDurationMs: flags.lockMs, backend: flags.backend }, stop, (e) => {
          if (e.kind === 'done' && flags.quiet) return;
          process.stderr.write(`worker: ${e.kind}${e.id ? ` ${e.id}` : ''}${e.message ? `: ${e.message}` : ''}\n`);
        });
      });
    });
}
