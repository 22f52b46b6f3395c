/**
 * `npm test` runs the suite files of test/suites/, each a list of test files loaded into one process
 * (test/suites/README.md). A test file that no suite lists would never run there: every
 * test/<folder>/*.test.ts must be listed by exactly one suite.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));
const SUITES_DIR = join(TEST_DIR, 'suites');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === SUITES_DIR ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [relative(TEST_DIR, path)] : [];
  });
}

test('every test file is listed by exactly one suite, and every listed file exists', (t) => {
  const listedBy = new Map<string, string[]>();
  for (const suite of readdirSync(SUITES_DIR).filter((f) => f.endsWith('.test.ts'))) {
    for (const m of readFileSync(join(SUITES_DIR, suite), 'utf8').matchAll(/^import '\.\.\/(.+\.test\.ts)';$/gm)) {
      listedBy.set(m[1], [...(listedBy.get(m[1]) ?? []), suite]);
    }
  }
  const files = testFiles(TEST_DIR).sort();
  t.true(files.length > 50, `found only ${files.length} test files`);
  t.deepEqual(files.filter((f) => !listedBy.has(f)), [], 'test files no suite lists (add each to one file of test/suites/)');
  t.deepEqual([...listedBy].filter(([, suites]) => suites.length > 1), [], 'test files listed by two suites');
  t.deepEqual([...listedBy.keys()].filter((f) => !files.includes(f)), [], 'suites list files that do not exist');
});
