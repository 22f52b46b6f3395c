/**
 * Regenerates every golden file of the test suite from the current code: `npm run golden:update`.
 * Tests never write golden files; review the diff (`git diff test/golden`) before committing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { GOLDEN_REPORT_FILE, goldenReportText } from '../test/hw/golden-report.ts';

/** Every golden file and how to build its text. */
const GOLDEN_FILES: readonly { path: string; text: () => string }[] = [
  { path: GOLDEN_REPORT_FILE, text: goldenReportText },
];

for (const g of GOLDEN_FILES) {
  const text = g.text();
  let old: string | undefined;
  try {
    old = readFileSync(g.path, 'utf8');
  } catch {
    old = undefined;
  }
  writeFileSync(g.path, text);
  console.log(`${old === text ? 'unchanged' : old === undefined ? 'created' : 'updated'}: ${relative(process.cwd(), g.path)}`);
}
