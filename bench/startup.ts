/**
 * Start-up benchmarks of the compiled CLI (issue 10), each a real subprocess timed by wall clock:
 *   version_ms     `node dist/cli/main.js --version` (target < 500 ms); node_ms is `node -e 0` for scale
 *   reference_ms   bench/reference-resnet18.mjs: plain node + tfjs WASM, ResNet18, one 32x32x3 image
 *   profile_ms     `npm run profile -- resnet18 --backend wasm --out <tmp>` (the real CLI, with npm,
 *                  the up-to-date check of the build (scripts/build-if-stale.mjs), hardware replay, charts and report.html)
 *   profile_ratio  profile_ms / reference_ms (target < 1.5)
 *   cli_ms         the same profile as `node dist/cli/main.js profile ...` (profile_ms minus npm and the build check)
 * Medians of several runs; reference and profile runs alternate so both see the same machine load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall time of one subprocess run, ms; a failed run is an error, not a fast time. */
function wallMs(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return ms;
}

export function benchStartup(options: { versionRuns?: number; profileRuns?: number } = {}): Record<string, number> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const node = process.execPath;
  const versionRuns = options.versionRuns ?? 7;
  const profileRuns = options.profileRuns ?? 5;
  const nodeMs: number[] = [];
  const versionMs: number[] = [];
  for (let i = 0; i < versionRuns; i++) {
    nodeMs.push(wallMs(node, ['-e', '0']));
    versionMs.push(wallMs(node, ['dist/cli/main.js', '--version']));
  }
  const out = mkdtempSync(join(tmpdir(), 'stcsim-bench-startup-'));
  const referenceMs: number[] = [];
  const profileMs: number[] = [];
  const cliMs: number[] = [];
  const args = (i: number): string[] => ['resnet18', '--backend', 'wasm', '--no-progress', '--out', join(out, String(i))];
  try {
    for (let i = 0; i < profileRuns; i++) {
      referenceMs.push(wallMs(node, ['bench/reference-resnet18.mjs']));
      profileMs.push(wallMs('npm', ['run', '--silent', 'profile', '--', ...args(i)]));
      cliMs.push(wallMs(node, ['dist/cli/main.js', 'profile', ...args(i)]));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const reference = median(referenceMs);
  const profile = median(profileMs);
  return {
    node_ms: Math.round(median(nodeMs)),
    version_ms: Math.round(median(versionMs)),
    reference_ms: Math.round(reference),
    profile_ms: Math.round(profile),
    profile_ratio: Number((profile / reference).toFixed(2)),
    cli_ms: Math.round(median(cliMs)),
  };
}

/** One line per target, for the closing notes. */
export function startupVerdict(r: Record<string, number | string>): string {
  const ok = (met: boolean): string => (met ? 'met' : 'MISSED');
  return [
    `stcsim --version: ${r.version_ms} ms (node -e 0: ${r.node_ms} ms); target < 500 ms: ${ok(Number(r.version_ms) < 500)}`,
    `npm run profile -- resnet18: ${r.profile_ms} ms vs reference ${r.reference_ms} ms = ${r.profile_ratio}x; target < 1.5x: ${ok(Number(r.profile_ratio) < 1.5)}` +
      ` (without npm: ${r.cli_ms} ms = ${(Number(r.cli_ms) / Number(r.reference_ms)).toFixed(2)}x)`,
  ].join('\n');
}
