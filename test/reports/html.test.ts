import test from 'ava';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_MANIFEST_ID, inlineSvg, renderReportHtml, reportIds } from '../../src/reports/html.ts';
import { checkReportHtml, findChromium, inspectDom } from '../../scripts/check-report-html.ts';
import { CHROMIUM_MISSING, testWithTool } from '../tools.ts';
import { LAYER_ROWS } from './sample-data.ts';
import { sampleReportInput } from './sample-report.ts';

// Rendered once per process, in a promise rather than a top-level await: a suite file (test/suites/)
// loads this file beside others, and ava wants every test declared in one synchronous pass.
const sample = sampleReportInput().then((input) => ({ input, html: renderReportHtml(input) }));

test('HTML holds every chart (as inline SVG) and every table passed in', async (t) => {
  const { input, html } = await sample;
  for (const c of input.charts) {
    const at = html.indexOf(`id="${c.id}"`);
    t.true(at > 0, c.id);
    t.true(html.slice(at, at + 200).includes('<svg'), `${c.id} has inline svg`);
    t.true(html.includes(`<strong>${c.title}.</strong>`));
  }
  for (const tb of input.tables) {
    t.true(html.includes(`id="${tb.id}"`), tb.id);
    t.is(html.split(`id="${tb.id}"`).length, 2); // exactly once
  }
  // every data row of the layer table is present with its grouped numbers
  t.true(html.includes('<td class="num">23,456,789</td>'));
  t.is((html.match(/<tr>/g) ?? []).length >= LAYER_ROWS.length, true);
  // settings and every provenance record
  for (const s of input.settings) t.true(html.includes(s.name));
  for (const p of input.provenance) t.true(html.includes(`<td>${p.source}</td>`));
  const manifest = new RegExp(`id="${REPORT_MANIFEST_ID}">([^<]*)</script>`).exec(html);
  t.deepEqual(JSON.parse(manifest?.[1] ?? '{}'), reportIds(input));
});

test('HTML is self-contained: no URL, no external resource', async (t) => {
  const { html } = await sample;
  t.notRegex(html, /https?:\/\//i);
  t.notRegex(html, /\b(src|href)="(?!#)/); // only in-page anchors
  t.notRegex(html, /@import|url\((?!#)/);
  t.true(html.includes("default-src 'none'"));
});

test('HTML escapes text and keeps SVG ids unique across charts', async (t) => {
  const { html } = await sample;
  t.true(html.includes('hardware &lt;tag&gt; &amp; &quot;quotes&quot;'));
  t.false(html.includes('<tag>'));
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  t.is(new Set(ids).size, ids.length);
  // every url(#...) reference points at an id that exists
  for (const m of html.matchAll(/url\(#([^)]+)\)/g)) t.true(ids.includes(m[1]), m[1]);
});

test('inlineSvg rejects active content; report rejects bad or duplicate ids', async (t) => {
  const { input } = await sample;
  t.throws(() => inlineSvg('<svg><script>alert(1)</script></svg>', 'x'));
  t.throws(() => renderReportHtml({ ...input, tables: [input.tables[0], input.tables[0]] }), { message: /duplicate/ });
  t.throws(() => renderReportHtml({ ...input, charts: [{ ...input.charts[0], id: '1bad id' }] }), { message: /must start/ });
});

test('renderReportHtml is deterministic', async (t) => {
  const { html } = await sample;
  t.is(renderReportHtml(await sampleReportInput()), html);
});

test('inspectDom finds missing and unrendered elements', (t) => {
  const dom = `<html ${'data-report-rendered'}="1/2"><script type="application/json" id="${REPORT_MANIFEST_ID}">{"charts":["a"],"tables":["b"]}</script>` +
    `<figure id="a" data-kind="chart" data-rendered-size="0x0"><div><svg></svg></div></figure></html>`;
  const r = inspectDom(dom);
  t.true(r.problems.some((p) => p.includes("'a' rendered with zero size")));
  t.true(r.problems.some((p) => p.includes("table 'b' is declared but not in the page")));
});

testWithTool(findChromium(), CHROMIUM_MISSING, 'headless chromium renders the report: every declared chart and table has a size', async (t, chromiumPath) => {
  const { input, html } = await sample;
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-html-'));
  try {
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    const r = await checkReportHtml(page, join(dir, 'shot.png'), { chromiumPath });
    t.deepEqual(r.problems, []);
    t.true(r.ok);
    t.deepEqual(r.declared, reportIds(input));
    for (const id of [...r.declared.charts, ...r.declared.tables]) t.true(r.sizes[id].width > 0 && r.sizes[id].height > 0, id);
    t.true(existsSync(r.screenshotPath));

    // A broken page (a declared chart removed) fails the check.
    const broken = join(dir, 'broken.html');
    writeFileSync(broken, html.replace(/<figure class="chart" id="chart-pareto"[\s\S]*?<\/figure>/, ''));
    const rb = await checkReportHtml(broken, join(dir, 'broken.png'), { chromiumPath, screenshot: false });
    t.false(rb.ok);
    t.true(rb.problems.some((p) => p.includes("chart 'chart-pareto' is declared but not in the page")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
