/**
 * One self-contained report.html per run: inline SVG charts, tables, settings and the provenance of
 * every constant. No external URL of any kind (no CDN, no web fonts); a Content-Security-Policy
 * forbids fetching anything, so the page opens from disk exactly as it will in a reviewer's browser.
 *
 * The page declares its chart and table ids in a JSON manifest; a tiny inline script records the
 * rendered size of each on the element, which `scripts/check-report-html.ts` reads from a headless
 * browser's DOM dump.
 */
import type { Column } from './table.ts';
import { cellMatrix, formatMatrix } from './table.ts';
import type { ChartSpec } from './charts/render.ts';
import { renameSvgIds } from './charts/svg-ids.ts';

export const REPORT_MANIFEST_ID = 'stcsim-report-manifest';
/** Attribute the inline script sets on <html>: "<rendered>/<declared>". */
export const RENDERED_ATTR = 'data-report-rendered';
/** Attribute the inline script sets on each chart/table element: "<width>x<height>" in CSS px. */
export const SIZE_ATTR = 'data-rendered-size';

export interface ReportSetting {
  name: string;
  value: string | number | boolean;
  unit?: string;
}

/** One constant the run used, with where it came from (a bibliography key or a citation). */
export interface ProvenanceRecord {
  name: string;
  value: number | string;
  unit: string;
  source: string;
}

/** A table rendered to strings (row type erased) so tables of different row types share one list. */
export interface ReportTable {
  id: string;
  title: string;
  caption?: string;
  notes?: string[];
  headers: string[];
  numeric: boolean[];
  /** Column definitions (from Column.doc), shown as header tooltips and under the table. */
  docs: (string | undefined)[];
  cells: string[][];
}

export interface ReportChart {
  id: string;
  title: string;
  caption?: string;
  /** SVG markup from `renderSvg`. */
  svg: string;
  /** Relative paths of the files written beside the report (shown as text, not fetched). */
  files?: string[];
}

export interface ReportInput {
  title: string;
  subtitle?: string;
  /** ISO time stamp, passed in so that the same run yields the same bytes. */
  generatedAt?: string;
  tool?: { name: string; version: string };
  /** Headline numbers shown at the top (e.g. total energy in both modes). */
  keyFigures?: ReportSetting[];
  settings: ReportSetting[];
  charts: ReportChart[];
  tables: ReportTable[];
  provenance: ProvenanceRecord[];
  /** Modelling assumptions and caveats, shown as a list. */
  notes?: string[];
}

const ID_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Build a ReportTable from the shared column spec (same number formatting as Markdown). */
export function reportTable<R>(
  id: string,
  title: string,
  columns: readonly Column<R>[],
  rows: readonly R[],
  options: { caption?: string; notes?: string[] } = {},
): ReportTable {
  const m = cellMatrix(columns, rows);
  return {
    id,
    title,
    ...(options.caption !== undefined ? { caption: options.caption } : {}),
    ...(options.notes !== undefined ? { notes: options.notes } : {}),
    headers: m.columns.map((c) => (c.unit === undefined ? c.header : `${c.header} (${c.unit})`)),
    numeric: m.columns.map((c) => c.numeric),
    docs: m.columns.map((c) => c.doc),
    cells: formatMatrix(m, 'grouped'),
  };
}

/** Render a Vega-Lite spec to an inline chart entry. */
export async function reportChart(
  id: string,
  title: string,
  spec: ChartSpec,
  options: { caption?: string; files?: string[] } = {},
): Promise<ReportChart> {
  return {
    id,
    title,
    // vega loads only when a chart is rendered.
    svg: await (await import('./charts/render.ts')).renderSvg(spec),
    ...(options.caption !== undefined ? { caption: options.caption } : {}),
    ...(options.files !== undefined ? { files: options.files } : {}),
  };
}

/** An `on...=` attribute in any tag; quoted attribute values (aria-label="x onerror=y") are text, not attributes. */
function hasEventAttribute(svg: string): boolean {
  for (const tag of svg.matchAll(/<[A-Za-z][^>]*>/g)) {
    if (/\son[a-z]+\s*=/i.test(tag[0].replace(/"[^"]*"|'[^']*'/g, '""'))) return true;
  }
  return false;
}

/**
 * Make a standalone SVG safe to inline next to others: drop the XML namespace declarations (the HTML
 * parser puts <svg> in the SVG namespace itself, and the page then holds no URL at all), and prefix
 * internal ids (vega names clip paths clip1, clip2, ... in every chart) so charts do not clip each
 * other.
 */
export function inlineSvg(svg: string, prefix: string): string {
  // Active content is looked for in markup only: text (a layer named `x onerror=y`) reaches the SVG
  // escaped by vega (`<` as &lt;), so it is shown as text, not refused.
  if (/<script|<foreignObject/i.test(svg) || hasEventAttribute(svg)) throw new Error(`chart '${prefix}': SVG contains active content`);
  const stripped = svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\s+xmlns(:\w+)?="[^"]*"/g, '')
    .replace(/\s+xlink:href="#/g, ' href="#');
  const out = renameSvgIds(stripped, (id) => `${prefix}-${id}`);
  if (/\s(?:href|xlink:href|src)\s*=\s*["']?\s*https?:|url\(\s*['"]?https?:/i.test(out)) throw new Error(`chart '${prefix}': SVG still references an external URL`);
  return out.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeHtml(prefix)}"`);
}

function settingValue(s: ReportSetting): string {
  const v = typeof s.value === 'boolean' ? (s.value ? 'yes' : 'no') : String(s.value);
  return s.unit === undefined ? escapeHtml(v) : `${escapeHtml(v)}&nbsp;${escapeHtml(s.unit)}`;
}

function keyFiguresHtml(figs: readonly ReportSetting[]): string {
  if (figs.length === 0) return '';
  const items = figs.map((f) => `<div class="figure-card"><div class="kf-value">${settingValue(f)}</div><div class="kf-name">${escapeHtml(f.name)}</div></div>`);
  return `<section class="key-figures" aria-label="Key figures">${items.join('')}</section>`;
}

function settingsHtml(settings: readonly ReportSetting[]): string {
  const rows = settings.map((s) => `<tr><th scope="row">${escapeHtml(s.name)}</th><td>${settingValue(s)}</td></tr>`);
  return `<section id="settings"><h2>Settings</h2><table class="settings"><tbody>${rows.join('')}</tbody></table></section>`;
}

function chartHtml(c: ReportChart): string {
  const files = c.files !== undefined && c.files.length > 0
    ? `<div class="files">Files: ${c.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</div>`
    : '';
  const caption = c.caption !== undefined ? ` ${escapeHtml(c.caption)}` : '';
  return `<figure class="chart" id="${c.id}" data-kind="chart"><div class="svg-wrap">${inlineSvg(c.svg, c.id)}</div>` +
    `<figcaption><strong>${escapeHtml(c.title)}.</strong>${caption}${files}</figcaption></figure>`;
}

function tableHtml(t: ReportTable): string {
  const head = t.headers
    .map((h, j) => {
      const doc = t.docs[j];
      const cls = t.numeric[j] ? ' class="num"' : '';
      return `<th scope="col"${cls}${doc !== undefined ? ` title="${escapeHtml(doc)}"` : ''}>${escapeHtml(h)}</th>`;
    })
    .join('');
  const body = t.cells
    .map((r) => `<tr>${r.map((c, j) => `<td${t.numeric[j] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const defs = t.headers.flatMap((h, j) => {
    const d = t.docs[j];
    return d === undefined ? [] : [`<dt>${escapeHtml(h)}</dt><dd>${escapeHtml(d)}</dd>`];
  });
  const notes = (t.notes ?? []).map((n) => `<li>${escapeHtml(n)}</li>`);
  const caption = t.caption !== undefined ? ` ${escapeHtml(t.caption)}` : '';
  return `<section class="table-block" id="${t.id}" data-kind="table">` +
    `<div class="table-scroll"><table class="data"><caption><strong>${escapeHtml(t.title)}.</strong>${caption}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>` +
    (notes.length > 0 ? `<ul class="notes">${notes.join('')}</ul>` : '') +
    (defs.length > 0 ? `<details class="defs"><summary>Column definitions</summary><dl>${defs.join('')}</dl></details>` : '') +
    `</section>`;
}

function provenanceHtml(records: readonly ProvenanceRecord[]): string {
  const rows = records.map((p) =>
    `<tr><td>${escapeHtml(p.name)}</td><td class="num">${escapeHtml(String(p.value))}</td><td>${escapeHtml(p.unit)}</td><td>${escapeHtml(p.source)}</td></tr>`);
  return `<section id="provenance"><h2>Provenance of constants</h2>` +
    `<p>Every constant this run used, with its source (a key into <code>hw-models/bibliography.json</code> or a citation).</p>` +
    `<div class="table-scroll"><table class="data provenance"><thead><tr><th scope="col">Constant</th><th scope="col" class="num">Value</th>` +
    `<th scope="col">Unit</th><th scope="col">Source</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

const CSS = `
:root { --ink: #1b1b1b; --muted: #5b5b5b; --rule: #1b1b1b; --faint: #e4e4e4; --accent: #0072B2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 "DejaVu Sans", "Liberation Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 64px; }
header h1 { font-size: 1.7rem; margin: 0 0 4px; }
header .sub { color: var(--muted); margin: 0; }
header .meta { color: var(--muted); font-size: 0.85rem; margin-top: 6px; }
nav.toc { margin: 18px 0 8px; font-size: 0.9rem; }
nav.toc ol { margin: 4px 0 0; padding-left: 20px; columns: 2; }
nav.toc a { color: var(--accent); text-decoration: none; }
h2 { font-size: 1.25rem; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--faint); }
.key-figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 6px; }
.figure-card { border: 1px solid var(--faint); border-radius: 6px; padding: 10px 14px; min-width: 170px; }
.kf-value { font-size: 1.25rem; font-weight: bold; font-variant-numeric: tabular-nums; }
.kf-name { color: var(--muted); font-size: 0.85rem; }
figure.chart { margin: 18px 0 28px; }
.svg-wrap svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9rem; color: var(--muted); margin-top: 6px; max-width: 820px; }
figcaption strong { color: var(--ink); }
.files { margin-top: 2px; font-size: 0.8rem; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.data { margin: 6px 0; border-top: 2px solid var(--rule); border-bottom: 2px solid var(--rule); font-size: 0.9rem; }
table.data caption { caption-side: top; text-align: left; padding-bottom: 6px; color: var(--muted); }
table.data caption strong { color: var(--ink); }
table.data thead th { border-bottom: 1px solid var(--rule); font-weight: 600; vertical-align: bottom; }
table.data th, table.data td { padding: 4px 12px; text-align: left; white-space: nowrap; }
table.data tbody tr:nth-child(even) { background: #f7f7f7; }
table.data .num { text-align: right; }
table.provenance td:last-child { white-space: normal; }
table.settings th { text-align: left; font-weight: normal; color: var(--muted); padding: 3px 18px 3px 0; }
table.settings td { padding: 3px 0; font-variant-numeric: tabular-nums; }
.table-block { margin: 10px 0 26px; }
ul.notes { font-size: 0.85rem; color: var(--muted); margin: 6px 0 0; padding-left: 18px; }
details.defs { font-size: 0.85rem; margin-top: 6px; }
details.defs dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
details.defs dt { font-weight: 600; }
details.defs dd { margin: 0; color: var(--muted); }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; }
footer { margin-top: 40px; font-size: 0.8rem; color: var(--muted); }
@media print {
  @page { margin: 16mm 14mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  figure.chart, .table-block, .figure-card, tr { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .table-scroll { overflow: visible; }
  details.defs > dl { display: grid; }
  table.data tbody tr:nth-child(even) { background: none; }
}
`;

/** Records each declared element's rendered size so a headless browser's DOM dump proves it drew. */
const CHECK_SCRIPT = `
(function () {
  var m = JSON.parse(document.getElementById('${REPORT_MANIFEST_ID}').textContent);
  var ids = m.charts.concat(m.tables), ok = 0;
  ids.forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) return;
    var inner = el.querySelector(el.getAttribute('data-kind') === 'chart' ? 'svg' : 'table') || el;
    var r = inner.getBoundingClientRect();
    el.setAttribute('${SIZE_ATTR}', Math.round(r.width) + 'x' + Math.round(r.height));
    if (r.width > 0 && r.height > 0) ok++;
  });
  document.documentElement.setAttribute('${RENDERED_ATTR}', ok + '/' + ids.length);
})();
`;

/** The chart and table ids a report declares (what the browser check looks for). */
export function reportIds(input: Pick<ReportInput, 'charts' | 'tables'>): { charts: string[]; tables: string[] } {
  return { charts: input.charts.map((c) => c.id), tables: input.tables.map((t) => t.id) };
}

function checkIds(input: ReportInput): void {
  const seen = new Set<string>(['settings', 'provenance', 'notes', REPORT_MANIFEST_ID]);
  for (const id of [...input.charts.map((c) => c.id), ...input.tables.map((t) => t.id)]) {
    if (!ID_RE.test(id)) throw new Error(`report: id '${id}' must start with a letter and use only letters, digits, _ and -`);
    if (seen.has(id)) throw new Error(`report: duplicate or reserved id '${id}'`);
    seen.add(id);
  }
  for (const t of input.tables) {
    const n = t.headers.length;
    if (t.numeric.length !== n || t.docs.length !== n || t.cells.some((r) => r.length !== n)) {
      throw new Error(`report: table '${t.id}' rows do not match its ${n} headers`);
    }
  }
}

/** The whole page as one HTML string. Pure: same input, same bytes. */
export function renderReportHtml(input: ReportInput): string {
  checkIds(input);
  const manifest = JSON.stringify(reportIds(input)).replace(/</g, '\\u003c');
  const toc = [
    ['settings', 'Settings'],
    ...input.charts.map((c) => [c.id, c.title]),
    ...input.tables.map((t) => [t.id, t.title]),
    ['provenance', 'Provenance of constants'],
    ...(input.notes !== undefined && input.notes.length > 0 ? [['notes', 'Assumptions and notes']] : []),
  ].map(([id, title]) => `<li><a href="#${id}">${escapeHtml(title)}</a></li>`);
  const meta = [
    input.tool !== undefined ? `${escapeHtml(input.tool.name)} ${escapeHtml(input.tool.version)}` : undefined,
    input.generatedAt !== undefined ? `generated ${escapeHtml(input.generatedAt)}` : undefined,
  ].filter((s): s is string => s !== undefined);
  const notes = input.notes !== undefined && input.notes.length > 0
    ? `<section id="notes"><h2>Assumptions and notes</h2><ul>${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${escapeHtml(input.tool?.name ?? 'stcsim')}">
<title>${escapeHtml(input.title)}</title>
<style>${CSS}</style>
<script type="application/json" id="${REPORT_MANIFEST_ID}">${manifest}</script>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(input.title)}</h1>
${input.subtitle !== undefined ? `<p class="sub">${escapeHtml(input.subtitle)}</p>` : ''}
${meta.length > 0 ? `<div class="meta">${meta.join(' · ')}</div>` : ''}
</header>
${keyFiguresHtml(input.keyFigures ?? [])}
<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>${toc.join('')}</ol></nav>
${settingsHtml(input.settings)}
${input.charts.length > 0 ? `<h2>Charts</h2>\n${input.charts.map(chartHtml).join('\n')}` : ''}
${input.tables.length > 0 ? `<h2>Tables</h2>\n${input.tables.map(tableHtml).join('\n')}` : ''}
${provenanceHtml(input.provenance)}
${notes}
<footer>Self-contained report: no network access is needed or allowed. Charts are inline SVG; their Vega-Lite sources sit beside this file.</footer>
</main>
<script>${CHECK_SCRIPT}</script>
</body>
</html>
`;
}
