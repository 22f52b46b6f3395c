/**
 * The CLI as a real process, end to end: a profile run printing JSON, and a bad flag. Everything else
 * about the CLI runs in-process (test/cli/profile.test.ts, check.test.ts): each process here costs
 * seconds of tfjs start-up. It runs the compiled CLI users run (dist/, built by `npm test` first).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../tools.ts';

// Brought up to date first: a no-op when `npm test` just built it.
test.before(ensureBuilt);

const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli/main.js', ...args], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });

const root = mkdtempSync(join(tmpdir(), 'stcsim-smoke-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

test('stcsim profile smallnet --json: exit 0, the summary on stdout, the report folder written', async (t) => {
  const out = join(root, 'run');
  const r = await cli(['profile', 'smallnet', '--images', '3', '--batch', '2', '--out', out, '--json', '--backend', 'cpu']);
  t.is(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { images: number; totals: unknown; files: string[] };
  t.is(summary.images, 3);
  t.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).totals, summary.totals);
  for (const f of ['layers.csv', 'steps.csv', 'table.md', 'summary.json', 'report.html']) t.true(existsSync(join(out, f)), f);
});

test('stcsim profile with a bad flag: one clear message, no stack trace, non-zero exit', async (t) => {
  const r = await cli(['profile', 'smallnet', '--timesteps', '0']);
  t.not(r.code, 0);
  t.regex(r.stderr, /--timesteps must be a positive integer/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
});
