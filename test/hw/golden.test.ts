/**
 * Golden report: a fixed small network, trace and hardware model whose full report is checked in
 * (test/golden/hw/report.json, built by ./golden-report.ts). Any change of a number shows up here as a
 * reviewed change. The test only reads the file; regenerate it with `npm run golden:update` and review
 * the diff.
 */
import test from 'ava';
import fs from 'node:fs';
import { GOLDEN_REPORT_FILE, goldenReport } from './golden-report.ts';

function compare(a: unknown, b: unknown, at: string, diffs: string[]): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!(a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)))) diffs.push(`${at}: ${a} != golden ${b}`);
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`, diffs);
  } else if (a !== b) {
    diffs.push(`${at}: ${JSON.stringify(a)} != golden ${JSON.stringify(b)}`);
  }
}

test('golden hardware report matches field by field', (t) => {
  if (!fs.existsSync(GOLDEN_REPORT_FILE)) {
    t.fail(`${GOLDEN_REPORT_FILE} is missing: run \`npm run golden:update\`, review and commit it`);
    return;
  }
  const now = JSON.parse(JSON.stringify(goldenReport())) as unknown;
  const golden = JSON.parse(fs.readFileSync(GOLDEN_REPORT_FILE, 'utf8')) as unknown;
  const diffs: string[] = [];
  compare(now, golden, '', diffs);
  t.deepEqual(diffs, [], 'a number changed: if intended, run `npm run golden:update` and review the diff');
});
