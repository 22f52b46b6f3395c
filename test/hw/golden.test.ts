/**
 * Golden report: a fixed small network, trace and hardware model whose full report is checked in
 * (test/golden/hw/report.json, built by ./golden-report.ts). Any change of a number shows up here as a
 * reviewed change. The test only reads the file; regenerate it with `npm run golden:update` and review
 * the diff.
 */
import test from 'ava';
import fs from 'node:fs';
import { compareJson } from '../../src/app/compare.ts';
import { GOLDEN_REPORT_FILE, goldenReport } from './golden-report.ts';

test('golden hardware report matches field by field', (t) => {
  if (!fs.existsSync(GOLDEN_REPORT_FILE)) {
    t.fail(`${GOLDEN_REPORT_FILE} is missing: run \`npm run golden:update\`, review and commit it`);
    return;
  }
  const now = JSON.parse(JSON.stringify(goldenReport())) as unknown;
  const golden = JSON.parse(fs.readFileSync(GOLDEN_REPORT_FILE, 'utf8')) as unknown;
  // Every leaf, text included, nothing ignored; numbers within 1e-9 relative.
  t.deepEqual(compareJson(now, golden, { text: true, ignoredKeys: new Set() }).changes, [], 'a number changed: if intended, run `npm run golden:update` and review the diff');
});
