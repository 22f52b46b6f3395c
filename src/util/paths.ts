/**
 * The path policy (docs/robustness.md): a path written inside a file (a model.json weightsManifest path,
 * a dataset member) resolves inside that file's own folder, names a regular file (not a device, FIFO or
 * folder), and its size is known and bounded before a byte is read. Default output folders are built
 * from sanitised names under reports/.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { freemem } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.ts';

/** A path or file that breaks the policy: the message names the file and the problem. */
export class PathPolicyError extends UsageError {
  override name = 'PathPolicyError';
}

/** Largest single file read into memory unless STCSIM_MAX_FILE_MB says otherwise (2 GiB: the Buffer limit). */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31 - 1;

/**
 * The memory a run may allocate for one input or tensor set: STCSIM_MAX_MEMORY_MB when set, else half of
 * the free memory now (at least 256 MiB), so a refusal happens before the machine starts swapping.
 */
export function memoryBudgetBytes(): number {
  const env = Number(process.env.STCSIM_MAX_MEMORY_MB);
  if (Number.isFinite(env) && env > 0) return env * 2 ** 20;
  return Math.max(256 * 2 ** 20, Math.floor(freemem() / 2));
}

/** Largest file read whole: STCSIM_MAX_FILE_MB when set, else the memory budget (never above 2 GiB). */
export function maxFileBytes(): number {
  const env = Number(process.env.STCSIM_MAX_FILE_MB);
  if (Number.isFinite(env) && env > 0) return Math.min(DEFAULT_MAX_FILE_BYTES, env * 2 ** 20);
  return Math.min(DEFAULT_MAX_FILE_BYTES, memoryBudgetBytes());
}

export const formatBytes = (bytes: number): string =>
  bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${Math.round(bytes)} bytes`;

/** Refuses work whose estimated memory is past the budget, saying the estimate and how to raise the bound. */
export function checkMemoryEstimate(estimateBytes: number, what: string): void {
  const budget = memoryBudgetBytes();
  if (!Number.isFinite(estimateBytes) || estimateBytes > budget) {
    throw new UsageError(
      `${what} would need about ${Number.isFinite(estimateBytes) ? formatBytes(estimateBytes) : 'unbounded memory'}, past the bound of ` +
        `${formatBytes(budget)} (half the free memory; set STCSIM_MAX_MEMORY_MB to change it)`,
    );
  }
}

/**
 * Resolves `member` (a path read from `ownerFile`) inside `baseDir`: absolute paths, `..` escapes and
 * symlinks leading outside are refused. Returns the absolute path (not yet checked for existence).
 */
export function confinedPath(baseDir: string, member: string, ownerFile: string): string {
  if (member === '' || member.includes('\0')) throw new PathPolicyError(`${ownerFile}: path ${JSON.stringify(member)} is empty or has a NUL byte`);
  if (isAbsolute(member)) throw new PathPolicyError(`${ownerFile}: path "${member}" is absolute; paths in this file must stay inside ${resolve(baseDir)}`);
  const base = resolve(baseDir);
  const full = resolve(base, member);
  const inside = (root: string, p: string): boolean => {
    const rel = relative(root, p);
    return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  };
  if (!inside(base, full)) throw new PathPolicyError(`${ownerFile}: path "${member}" leads outside its folder ${base}`);
  // A symlink inside the folder may still point out of it: compare real paths when the file exists.
  let real: string | undefined;
  try {
    real = realpathSync(full);
  } catch {
    real = undefined;
  }
  if (real !== undefined && !inside(realpathSync(base), real)) {
    throw new PathPolicyError(`${ownerFile}: path "${member}" resolves (through a link) to ${real}, outside its folder ${base}`);
  }
  return full;
}

/**
 * The bytes of a regular file whose size is at most `maxBytes`: a device (/dev/zero), FIFO or folder,
 * or a file past the bound, is refused before reading. `ownerFile` names the file that pointed here.
 */
export function readRegularFile(file: string, options: { maxBytes?: number; ownerFile?: string } = {}): Buffer {
  const limit = options.maxBytes ?? maxFileBytes();
  const from = options.ownerFile ? ` (named in ${options.ownerFile})` : '';
  let fd: number;
  try {
    // statSync first: opening a FIFO for reading would block until a writer comes.
    const st = statSync(file);
    if (!st.isFile()) throw new PathPolicyError(`${file}${from}: not a regular file (${st.isDirectory() ? 'a folder' : 'a device, pipe or socket'})`);
    fd = openSync(file, 'r');
  } catch (e) {
    if (e instanceof PathPolicyError) throw e;
    throw new PathPolicyError(`${file}${from}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PathPolicyError(`${file}${from}: not a regular file`);
    if (st.size > limit) {
      throw new PathPolicyError(`${file}${from}: ${formatBytes(st.size)} is past the bound of ${formatBytes(limit)} for one file (set STCSIM_MAX_FILE_MB to change it)`);
    }
    const buf = Buffer.allocUnsafe(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, buf, at, st.size - at, at);
      if (n === 0) break;
      at += n;
    }
    // A file that shrank while being read is reported rather than padded with stale bytes.
    if (at !== st.size) throw new PathPolicyError(`${file}${from}: changed while being read (${at} of ${st.size} bytes)`);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** `readRegularFile` of a member path read from `ownerFile`, confined to `baseDir`. */
export function readConfinedFile(baseDir: string, member: string, ownerFile: string, maxBytes?: number): { path: string; bytes: Buffer } {
  const path = confinedPath(baseDir, member, ownerFile);
  return { path, bytes: readRegularFile(path, { maxBytes, ownerFile }) };
}

/** Text of a regular, bounded file (JSON, YAML, CSV readers). */
export function readTextFile(file: string, maxBytes?: number): string {
  return readRegularFile(file, { maxBytes }).toString('utf8');
}

/**
 * A name safe as one folder name: letters, digits, `.`, `_` and `-` kept, anything else (`/`, `..`,
 * spaces, control characters) becomes `_`; empty or dot-only names become `fallback`.
 */
export function sanitizeName(name: string, fallback = 'model'): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 100);
  return cleaned === '' || /^[._-]*$/.test(cleaned) ? fallback : cleaned;
}

/** The default report folder of a run named `name`: always a child of reports/. */
export function defaultReportDir(name: string): string {
  return join('reports', sanitizeName(name));
}
