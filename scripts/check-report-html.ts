/**
 * Open a report.html in a real headless browser (Debian's chromium), save a screenshot and check from
 * the DOM dump that the page rendered and that every chart and table it declares is there with a
 * non-zero size.
 *
 *   tsx scripts/check-report-html.ts <report.html> <screenshot.png>
 *
 * Exits 0 when the check passes, 1 with a list of problems otherwise, 2 on bad usage or no browser.
 * Chromium comes from Debian: `apt-get install -y chromium` (or set CHROMIUM_PATH).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RENDERED_ATTR, REPORT_MANIFEST_ID, SIZE_ATTR } from '../src/reports/html.ts';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

export interface CheckOptions {
  chromiumPath?: string;
  windowWidth?: number;
  windowHeight?: number;
  timeoutMs?: number;
  /** false: inspect the DOM only (one chromium run instead of two), e.g. for a page expected to fail. */
  screenshot?: boolean;
}

export interface ReportCheckResult {
  ok: boolean;
  problems: string[];
  declared: { charts: string[]; tables: string[] };
  /** Rendered CSS-pixel size of each declared element found in the DOM. */
  sizes: Record<string, { width: number; height: number }>;
  screenshotPath: string;
  screenshotBytes: number;
}

/** The browser to use: CHROMIUM_PATH, else the first Debian/Ubuntu location that exists. */
export function findChromium(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env !== undefined && env !== '') return existsSync(env) ? env : undefined;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--hide-scrollbars',
  '--mute-audio',
] as const;

function runChromium(bin: string, args: readonly string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  // A fresh profile per run: no state leaks between checks, nothing written to $HOME.
  const profile = mkdtempSync(join(tmpdir(), 'stcsim-chromium-'));
  return new Promise((resolvePromise, reject) => {
    execFile(
      bin,
      [...BASE_FLAGS, `--user-data-dir=${profile}`, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        rmSync(profile, { recursive: true, force: true });
        if (error !== null) {
          const tail = stderr.split('\n').filter((l) => l.trim() !== '').slice(-8).join('\n');
          reject(new Error(`chromium failed (${error.message.split('\n')[0]}):\n${tail}`));
          return;
        }
        resolvePromise({ stdout, stderr });
      },
    );
  });
}

/** Attribute value from the opening tag of the element with this id, in serialized HTML. */
function attrOfId(dom: string, id: string, attr: string): string | undefined | null {
  const tag = new RegExp(`<[a-zA-Z][^>]*\\sid="${id}"[^>]*>`).exec(dom);
  if (tag === null) return null; // element missing
  const a = new RegExp(`\\s${attr}="([^"]*)"`).exec(tag[0]);
  return a === null ? undefined : a[1];
}

/** Parse the DOM dump: declared ids, their rendered sizes, and what is wrong. */
export function inspectDom(dom: string): Pick<ReportCheckResult, 'problems' | 'declared' | 'sizes'> {
  const problems: string[] = [];
  const sizes: Record<string, { width: number; height: number }> = {};
  const manifest = new RegExp(`<script[^>]*id="${REPORT_MANIFEST_ID}"[^>]*>([\\s\\S]*?)</script>`).exec(dom);
  if (manifest === null) {
    return { problems: [`no #${REPORT_MANIFEST_ID} in the page: not an stcsim report, or it did not load`], declared: { charts: [], tables: [] }, sizes };
  }
  let declared: { charts: string[]; tables: string[] };
  try {
    declared = JSON.parse(manifest[1]) as { charts: string[]; tables: string[] };
  } catch (e) {
    return { problems: [`manifest is not valid JSON: ${String(e)}`], declared: { charts: [], tables: [] }, sizes };
  }
  const rendered = new RegExp(`<html[^>]*\\s${RENDERED_ATTR}="(\\d+)/(\\d+)"`).exec(dom);
  if (rendered === null) problems.push(`<html ${RENDERED_ATTR}> not set: the page's script did not run, so the page did not finish rendering`);
  for (const [kind, ids] of [['chart', declared.charts], ['table', declared.tables]] as const) {
    for (const id of ids) {
      const size = attrOfId(dom, id, SIZE_ATTR);
      if (size === null) {
        problems.push(`${kind} '${id}' is declared but not in the page`);
        continue;
      }
      const m = size === undefined ? null : /^(\d+)x(\d+)$/.exec(size);
      if (m === null) {
        problems.push(`${kind} '${id}' has no rendered size`);
        continue;
      }
      sizes[id] = { width: Number(m[1]), height: Number(m[2]) };
      if (sizes[id].width === 0 || sizes[id].height === 0) problems.push(`${kind} '${id}' rendered with zero size (${size})`);
      if (kind === 'chart' && !new RegExp(`id="${id}"[^>]*>\\s*<div[^>]*>\\s*<svg`).test(dom)) problems.push(`chart '${id}' holds no <svg>`);
    }
  }
  if (rendered !== null && rendered[1] !== rendered[2]) problems.push(`only ${rendered[1]} of ${rendered[2]} declared elements rendered`);
  return { problems, declared, sizes };
}

/** Screenshot + DOM check of one report. Throws only when no browser can be started. */
export async function checkReportHtml(htmlPath: string, screenshotPath: string, options: CheckOptions = {}): Promise<ReportCheckResult> {
  const bin = options.chromiumPath ?? findChromium();
  if (bin === undefined) throw new Error('chromium not found: install it with `apt-get install -y chromium` or set CHROMIUM_PATH');
  const abs = resolve(htmlPath);
  if (!existsSync(abs)) throw new Error(`no such file: ${abs}`);
  const url = pathToFileURL(abs).href;
  const timeoutMs = options.timeoutMs ?? 90_000;
  const shot = resolve(screenshotPath);
  const width = options.windowWidth ?? 1280;
  const height = options.windowHeight ?? 2400;

  const problems: string[] = [];
  if (existsSync(shot)) rmSync(shot);
  // One chromium run dumps the DOM and, unless told not to, takes the screenshot (a launch costs seconds).
  const shotArgs = options.screenshot === false ? [] : [`--screenshot=${shot}`, `--window-size=${width},${height}`];
  const { stdout: dom } = await runChromium(bin, ['--dump-dom', ...shotArgs, url], timeoutMs);
  const inspected = inspectDom(dom);
  problems.push(...inspected.problems);
  if (options.screenshot === false) return { ok: problems.length === 0, problems, declared: inspected.declared, sizes: inspected.sizes, screenshotPath: shot, screenshotBytes: 0 };
  let screenshotBytes = 0;
  if (!existsSync(shot)) {
    problems.push(`chromium wrote no screenshot to ${shot}`);
  } else {
    screenshotBytes = statSync(shot).size;
    const png = readFileSync(shot);
    const isPng = png.length > 24 && png.readUInt32BE(0) === 0x89504e47;
    if (!isPng) problems.push('screenshot is not a PNG');
    else if (png.readUInt32BE(16) !== width || png.readUInt32BE(20) !== height) {
      problems.push(`screenshot is ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}, expected ${width}x${height}`);
    }
    // A blank white page compresses to a few KB; charts and tables do not.
    if (screenshotBytes < 15_000) problems.push(`screenshot is only ${screenshotBytes} bytes: the page looks blank`);
  }
  return { ok: problems.length === 0, problems, declared: inspected.declared, sizes: inspected.sizes, screenshotPath: shot, screenshotBytes };
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length !== 2) {
    console.error('usage: tsx scripts/check-report-html.ts <report.html> <screenshot.png>');
    return 2;
  }
  let result: ReportCheckResult;
  try {
    result = await checkReportHtml(argv[0], argv[1]);
  } catch (e) {
    console.error(`check-report-html: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const n = result.declared.charts.length + result.declared.tables.length;
  if (!result.ok) {
    console.error(`check-report-html: FAILED for ${argv[0]}`);
    for (const p of result.problems) console.error(`  - ${p}`);
    return 1;
  }
  console.log(`check-report-html: OK — ${result.declared.charts.length} charts and ${result.declared.tables.length} tables rendered (${n} declared)`);
  for (const [id, s] of Object.entries(result.sizes)) console.log(`  ${id}: ${s.width}x${s.height} px`);
  console.log(`  screenshot: ${result.screenshotPath} (${result.screenshotBytes} bytes)`);
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
