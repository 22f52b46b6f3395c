/**
 * Output folders as transactions (docs/robustness.md). A run writes every file into a staging folder
 * beside the target (`.<name>.staging-<pid>-<n>`), and `commit()` swaps it into place with renames:
 * the old report stays whole until the new one is complete, a killed run leaves the old report intact,
 * and a refused run never touches it. A lock file beside the target (`.<name>.lock`, holding the pid)
 * stops two runs writing one folder; a lock whose process is gone is taken over.
 *
 * The target may be: absent or empty; a folder an earlier stcsim run wrote (it holds the marker file
 * `.stcsim-output.json`), replaced whole; any other non-empty folder only with `force`. Generic on
 * purpose: profile and evaluate use it, and any command writing a folder of files can.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.ts';

/** Marker written into every committed output folder: which command wrote it, when. */
export const OUTPUT_MARKER = '.stcsim-output.json';

export interface OutputOptions {
  /** Replace a non-empty folder that stcsim did not write. */
  force?: boolean;
  /** Command name recorded in the marker (e.g. "profile"). */
  command: string;
}

export interface OutputTransaction {
  /** The folder the run writes into now (the staging folder). */
  readonly dir: string;
  /** Where the folder ends up. */
  readonly target: string;
  /** True when an existing folder will be (or was) replaced. */
  readonly replaces: boolean;
  /** Swaps the staging folder into place and releases the lock. */
  commit(): void;
  /** Deletes the staging folder and releases the lock; the target is untouched. */
  abort(): void;
}

const isAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const lockPath = (target: string): string => join(dirname(target), `.${basename(target)}.lock`);

/**
 * Takes the lock of `target` (a file beside it, created exclusively); a lock left by a dead process is
 * taken over. Returns the release function. Also used on its own by commands that write in place (train).
 */
export function lockOutput(target: string): () => void {
  const file = lockPath(resolve(target));
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (isAlive(holder)) {
        throw new UsageError(
          `${resolve(target)}: another stcsim run (pid ${holder}) is writing this folder (lock ${file})`,
          'wait for it to finish or choose another --out; delete the lock file only if that process is not stcsim',
        );
      }
      // Stale (its process is gone): remove and try once more.
      rmSync(file, { force: true });
    }
  }
  throw new UsageError(`${file}: could not take the output lock`);
}

/** Whether `dir` is a folder with something in it, and whether stcsim wrote it. */
function describeTarget(target: string): { exists: boolean; nonEmpty: boolean; ours: boolean } {
  if (!existsSync(target)) return { exists: false, nonEmpty: false, ours: false };
  if (!statSync(target).isDirectory()) throw new UsageError(`${target}: exists and is not a folder`, 'choose another --out');
  const entries = readdirSync(target);
  return { exists: true, nonEmpty: entries.length > 0, ours: entries.includes(OUTPUT_MARKER) };
}

/** Staging and old-report folders left by runs that were killed (their pid is gone) are removed. */
function sweepLeftovers(target: string): void {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.`;
  for (const name of readdirSync(parent)) {
    const m = name.startsWith(prefix) ? /\.(staging|old)-(\d+)-\d+$/.exec(name) : null;
    if (m && !isAlive(Number(m[2]))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

let counter = 0;

/** Starts writing the folder `target`: checks it, takes its lock and creates the staging folder. */
export function beginOutput(target: string, options: OutputOptions): OutputTransaction {
  const abs = resolve(target);
  const state = describeTarget(abs);
  if (state.nonEmpty && !state.ours && options.force !== true) {
    throw new UsageError(
      `${abs}: the folder is not empty and was not written by stcsim; refusing to replace it`,
      'pass --force to replace its contents, or choose another --out',
    );
  }
  const release = lockOutput(abs);
  try {
    sweepLeftovers(abs);
    const staging = join(dirname(abs), `.${basename(abs)}.staging-${process.pid}-${counter++}`);
    mkdirSync(staging, { recursive: true });
    let done = false;
    return {
      dir: staging,
      target: abs,
      replaces: state.nonEmpty,
      commit(): void {
        if (done) return;
        done = true;
        try {
          writeFileSync(join(staging, OUTPUT_MARKER), `${JSON.stringify({ command: options.command, pid: process.pid, committedAt: new Date().toISOString() })}\n`);
          // Two renames: the old folder moves aside, the new one takes its name, then the old one goes.
          // Between them (microseconds) the target is absent; the old report is still whole beside it.
          const old = join(dirname(abs), `.${basename(abs)}.old-${process.pid}-${counter++}`);
          if (existsSync(abs)) renameSync(abs, old);
          renameSync(staging, abs);
          rmSync(old, { recursive: true, force: true });
        } finally {
          release();
        }
      },
      abort(): void {
        if (done) return;
        done = true;
        rmSync(staging, { recursive: true, force: true });
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** Runs `write(dir)` inside an output transaction: committed when it resolves, aborted when it throws. */
export async function writeOutput<T>(target: string, options: OutputOptions, write: (dir: string, tx: OutputTransaction) => Promise<T>): Promise<T> {
  const tx = beginOutput(target, options);
  try {
    const result = await write(tx.dir, tx);
    tx.commit();
    return result;
  } catch (e) {
    tx.abort();
    throw e;
  }
}

/** Writes one file atomically (temp file beside it + rename): readers see the old or the new file, never a torn one. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${counter++}`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
