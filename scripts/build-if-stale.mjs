#!/usr/bin/env node
/**
 * Runs `tsc -b tsconfig.build.json` only when a file under src/ (or a tsconfig/package.json) is newer
 * than the last build (dist/.tsbuildinfo). The npm scripts that run the CLI call this first: checking
 * mtimes takes a few milliseconds, while starting the TypeScript compiler to find out that nothing
 * changed takes a few hundred (issue 10's start-up target). Plain JavaScript, so it runs before dist/ exists.
 * The npm scripts load it with `node --import` in the CLI's own process (one node start-up, not two).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.tsbuildinfo');
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** Newest modification time of any file under `dir`. */
function newestUnder(dir) {
  let newest = mtimeMs(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : mtimeMs(path));
  }
  return newest;
}

const built = mtimeMs(STAMP);
const sources = Math.max(newestUnder(join(ROOT, 'src')), ...INPUTS.map((f) => mtimeMs(join(ROOT, f))));
if (sources > built) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  // A failed build stops here; a good one goes on (run as `node --import` before the CLI, it then loads it).
  if (result.status !== 0) process.exit(result.status ?? 1);
  // tsc -b leaves its build info untouched when nothing needed emitting (a touched package.json, a
  // checkout): mark the build as checked, or every later run would start the compiler again.
  const now = new Date();
  if (existsSync(STAMP)) utimesSync(STAMP, now, now);
}
