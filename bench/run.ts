/**
 * npm run bench: every benchmark, one JSON line each (the figures quoted in closing notes), then a
 * comparison with the committed baseline (bench/baseline.json), SANA-FE style: a timing more than
 * 1.5x its baseline is flagged as a regression (exit code 1).
 *   profile_resnet18  profile vs plain forward pass (target: ratio < 2; `npm run profile -- resnet18` < 5 s)
 *   hw_replay         one ResNet18 T=8 trace replay (< 1 s) and 100 hardware models (< 30 s)
 *   dse_1000          1,000-point hardware sweep over one ResNet18 trace (< 5 min)
 *   dse_queue         (only with --only=queue: needs redis-server) the sweep of bench/queue.ts through
 *                     the local executor and 1, 2, 4 `stcsim worker` processes; queue overhead < 5 ms/point
 *   startup           compiled CLI: `--version` (< 0.5 s); `npm run profile -- resnet18` vs a plain
 *                     tfjs ResNet18 script (ratio < 1.5)
 * `npm run bench` builds dist/ first (the startup benchmark runs the compiled CLI).
 * Options: --backend=wasm|cpu|tensorflow, --only=profile,hw,dse,startup, --update-baseline
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { benchProfile } from './profile.ts';
import { benchHw, recordResnet18Trace } from './hw.ts';
import { benchDse } from './dse.ts';
import { benchQueue } from './queue.ts';
import { benchStartup, startupVerdict } from './startup.ts';
import type { BackendChoice } from '../src/run/backend.ts';
import { initBackend } from '../src/run/backend.ts';

type Results = Record<string, Record<string, number | string>>;

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const backend = (arg('backend') ?? 'auto') as BackendChoice;
const only = new Set((arg('only') ?? 'profile,hw,dse,startup').split(','));
const baselineFile = new URL('./baseline.json', import.meta.url);

const results: Results = {};
const record = (bench: string, r: Record<string, number | string>): void => {
  results[bench] = r;
  console.log(JSON.stringify({ bench, ...r }));
};

// Subprocess timings first, while this process does nothing else.
if (only.has('startup')) {
  record('startup', benchStartup());
  console.log(startupVerdict(results.startup));
}
if (only.has('profile')) record('profile_resnet18', await benchProfile(backend));
await initBackend(backend);
if (only.has('hw')) record('hw_replay', benchHw(recordResnet18Trace()));
if (only.has('dse')) record('dse_1000', await benchDse());
if (only.has('queue')) record('dse_queue', await benchQueue());

/** Time-like fields compared with the baseline (lower is better). */
const TIMED = /(_ms|_s|seconds|ratio)(_\d+)?$/;

if (process.argv.includes('--update-baseline')) {
  const old: Results = existsSync(baselineFile) ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as Results) : {};
  writeFileSync(baselineFile, JSON.stringify({ ...old, ...results }, null, 2) + '\n');
  console.log(`baseline updated: ${baselineFile.pathname}`);
} else if (existsSync(baselineFile)) {
  const base = JSON.parse(readFileSync(baselineFile, 'utf8')) as Results;
  let regressions = 0;
  for (const [bench, r] of Object.entries(results)) {
    for (const [key, value] of Object.entries(r)) {
      const was = base[bench]?.[key];
      if (!TIMED.test(key) || typeof value !== 'number' || typeof was !== 'number' || was <= 0) continue;
      const ratio = value / was;
      const flag = ratio > 1.5 ? '  REGRESSION' : '';
      if (flag) regressions++;
      console.log(`${bench}.${key}: ${value} vs baseline ${was} (x${ratio.toFixed(2)})${flag}`);
    }
  }
  if (regressions > 0) process.exitCode = 1;
}
