/**
 * Tests that need a program or file from the system (chromium, pdflatex, a font). Each is found when
 * the test file loads; when it is missing the test is registered as skipped and the reason printed,
 * so a machine without the tool reports "skipped", never a pass that checked nothing.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LATEX_PACKAGES } from '../src/reports/latex.ts';

/**
 * Registers `title` to run with `tool`, or, when `tool` is undefined, as skipped with
 * `skip: <title>: <missing>` printed (`missing` says what is absent and how to install it).
 */
export function testWithTool<T>(tool: T | undefined, missing: string, title: string, body: (t: ExecutionContext, tool: T) => void | Promise<void>): void {
  if (tool === undefined) {
    console.log(`skip: ${title}: ${missing}`);
    test.skip(title, () => undefined);
    return;
  }
  test(title, (t) => body(t, tool));
}

/** pdflatex, when it and the packages the reports' tables use (booktabs, siunitx, threeparttable) are installed. */
export function findPdflatex(): string | undefined {
  const bin = ['/usr/bin/pdflatex', '/usr/local/bin/pdflatex'].find((p) => existsSync(p));
  if (bin === undefined) return undefined;
  try {
    // kpsewhich prints one path per package found, in order; a missing one is an empty line or a non-zero exit.
    const found = execFileSync('kpsewhich', LATEX_PACKAGES.map((p) => `${p}.sty`), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return found.split('\n').filter((l) => l.trim() !== '').length === LATEX_PACKAGES.length ? bin : undefined;
  } catch {
    return undefined;
  }
}

export const PDFLATEX_MISSING = `pdflatex or a LaTeX package (${LATEX_PACKAGES.join(', ')}) not found (apt-get install -y texlive-latex-extra texlive-science)`;
export const CHROMIUM_MISSING = 'chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH)';

/**
 * Brings dist/ up to date for tests that run the compiled CLI as a process: `npm test` has just built
 * it, so this is normally the build script's mtime check (milliseconds), not a second `tsc -b`
 * (seconds of CPU per test file).
 */
export function ensureBuilt(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(process.execPath, ['scripts/build-if-stale.mjs'], (err) => (err ? reject(err) : resolve()));
  });
}
