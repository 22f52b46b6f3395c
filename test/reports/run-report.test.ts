import test from 'ava';
import { markItems } from './svg-marks.ts';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profile } from '../../src/app/profile.ts';
import type { ProfileFlags } from '../../src/run/profile-settings.ts';
import { HW_MODELS_DIR } from '../../src/arch/validate.ts';
import { countDisplayUnit } from '../../src/reports/run-columns.ts';
import { unitsBelow } from '../../src/reports/run-latex.ts';
import { citationOf, loadBibliography, sourceKeys } from '../../src/reports/provenance.ts';
import { parseCsv } from '../../src/reports/table.ts';
import { checkReportHtml, findChromium } from '../../scripts/check-report-html.ts';
import { vegaLiteValidator } from './vega-lite-schema.ts';
import { CHROMIUM_MISSING, PDFLATEX_MISSING, findPdflatex, testWithTool } from '../tools.ts';

const validateVl = vegaLiteValidator();

const FLAGS: ProfileFlags = {
  timesteps: 8, vth0: 0.8, tau: 2, schedule: 'exp', images: 2, batch: 16, seed: 1, energyPreset: 'int32-45nm',
  spikingClassifier: false, hwImages: 16, hardware: true, accelerator: 'stcb-default', node: [45], backend: 'cpu',
  json: false, progress: false,
};

const CHARTS = ['energy-by-component', 'energy-by-chip', 'waterfall', 'paper-energy', 'firing-rate'] as const;

const dir = mkdtempSync(join(tmpdir(), 'stcsim-run-report-'));
// Tests must be declared synchronously: every test awaits the one shared run.
const ready = profile('smallnet', { ...FLAGS, out: dir }, () => false);
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
const csv = (f: string): { header: string[]; rows: string[][] } => {
  const [header, ...rows] = parseCsv(read(f)).filter((r) => r.length > 1);
  return { header, rows };
};
test.after.always(() => rmSync(dir, { recursive: true, force: true }));


test('every chart is written as Vega-Lite JSON (schema-valid), SVG and PNG', async (t) => {
  const outcome = await ready;
  t.deepEqual([...outcome.report.charts].sort(), [...CHARTS].sort());
  for (const name of CHARTS) {
    for (const ext of ['vl.json', 'svg', 'png']) t.true(existsSync(join(dir, 'charts', `${name}.${ext}`)), `${name}.${ext}`);
    t.true(validateVl(JSON.parse(read(`charts/${name}.vl.json`))), `${name} validates: ${JSON.stringify(validateVl.errors?.[0])}`);
    t.regex(read(`charts/${name}.svg`), /^<svg[\s\S]*<\/svg>\s*$/);
    const png = readFileSync(join(dir, 'charts', `${name}.png`));
    t.is(png.readUInt32BE(0), 0x89504e47, `${name}.png is a PNG`);
  }
  for (const f of ['layers.tex', 'summary.tex', 'report.html', 'charts/']) t.true(outcome.summary.files.includes(f), f);
});

test('stacked bar: one bar per (layer, component) of energy.csv; heat map: one cell per (layer, step) of steps.csv', async (t) => {
  await ready;
  const e = csv('energy.csv');
  const layers = new Set(e.rows.map((r) => r[e.header.indexOf('layer')]));
  const components = new Set(e.rows.map((r) => r[e.header.indexOf('component')]));
  t.is(layers.size, 3); // conv1, conv2, fc
  t.true(components.size >= 5);
  // The MAC layers' actions on the CAB lanes (cab.mac_*) are drawn as a component of their own.
  const a = csv('actions.csv');
  const macOnCab = a.rows.some((r) => r[a.header.indexOf('component')] === 'cab' && r[a.header.indexOf('action')].startsWith('mac_'));
  t.true(macOnCab, 'smallnet has a MAC stem on the CAB lanes');
  t.is(markItems(read('charts/energy-by-component.svg'), 'rect'), layers.size * (components.size + 1));
  // The chip chart: one bar per (chip, component) the chip has (STCB chip, ANN twin, LIF twin).
  const spec = JSON.parse(read('charts/energy-by-chip.vl.json')) as { data: { values: { chip: string; energyPJ: number }[] } };
  t.deepEqual([...new Set(spec.data.values.map((v) => v.chip))].sort(), ['ANN twin', 'LIF twin', 'STCB chip']);
  t.is(markItems(read('charts/energy-by-chip.svg'), 'rect'), spec.data.values.length);
  // Each chip's bars add up to its energy per inference in summary.json.
  const h = (JSON.parse(read('summary.json')) as { hardware: { energyPerInferencePJ: number; annTwin: { energyPerInferencePJ: number }; lifTwin: { energyPerInferencePJ: number } }[] }).hardware[0];
  const chipSum = (chip: string): number => spec.data.values.filter((v) => v.chip === chip).reduce((x, v) => x + v.energyPJ, 0);
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * b;
  t.true(near(chipSum('STCB chip'), h.energyPerInferencePJ));
  t.true(near(chipSum('ANN twin'), h.annTwin.energyPerInferencePJ));
  t.true(near(chipSum('LIF twin'), h.lifTwin.energyPerInferencePJ));
  t.is(markItems(read('charts/firing-rate.svg'), 'rect'), csv('steps.csv').rows.length);
  // Paper-mode chart: two bars (SNN, ANN twin) per layer of layers.csv.
  t.is(markItems(read('charts/paper-energy.svg'), 'rect'), 2 * csv('layers.csv').rows.length);
  // Waterfall: one bar per gap step.
  t.is(markItems(read('charts/waterfall.svg'), 'rect'), csv('gap.csv').rows.length);
});

test('stacked bar heights add up to the energy.csv totals per layer', async (t) => {
  const outcome = await ready;
  const spec = JSON.parse(read('charts/energy-by-component.vl.json')) as { data: { values: { layer: string; energyPJ: number }[] } };
  const e = csv('energy.csv');
  t.true(outcome.summary.hardwareImages !== undefined && outcome.summary.hardwareImages > 1, 'several images replayed');
  // energy.csv is per image, like the chart.
  for (const layer of ['conv1', 'conv2', 'fc']) {
    const fromCsv = e.rows.filter((r) => r[e.header.indexOf('layer')] === layer).reduce((s, r) => s + Number(r[e.header.indexOf('energy_pJ')]), 0);
    const fromChart = spec.data.values.filter((v) => v.layer === layer).reduce((s, v) => s + v.energyPJ, 0);
    t.true(Math.abs(fromChart - fromCsv) <= 1e-8 * fromCsv, layer);
  }
});

test('report.html: every chart inline, every table, no URL, provenance of every ERT entry used with its full citation', async (t) => {
  await ready;
  const html = read('report.html');
  for (const name of CHARTS) {
    const at = html.indexOf(`id="chart-${name}"`);
    t.true(at > 0, name);
    t.true(html.slice(at, at + 300).includes('<svg'), `${name} inline`);
  }
  for (const id of ['table-totals', 'table-modes', 'table-layers', 'table-hardware', 'table-gap']) t.true(html.includes(`id="${id}"`), id);
  t.notRegex(html, /https?:\/\//i);
  t.notRegex(html, /\b(src|href)="(?!#)/);
  // Every action with a non-zero count in actions.csv is listed with its energy and source key...
  const a = csv('actions.csv');
  const col = (r: string[], k: string): string => r[a.header.indexOf(k)];
  const used = a.rows.filter((r) => Number(col(r, 'count')) > 0);
  t.true(used.length >= 10);
  const bib = loadBibliography();
  for (const r of used) {
    const name = `45nm: ${col(r, 'component')}.${col(r, 'action')}`;
    const row = new RegExp(`<td>${name.replace(/[.]/g, '\\.')}</td><td class="num">([^<]*)</td><td>pJ/${col(r, 'unit')}</td><td>\\[${col(r, 'source')}\\]`).exec(html);
    t.truthy(row, name);
    const pj = Number(col(r, 'pJ_per_action'));
    t.true(Math.abs(Number(row?.[1]) - pj) <= 5e-4 * pj, `${name}: ${row?.[1]} vs ${pj}`);
    // ...and the key resolves to the full citation from bibliography.json, escaped for HTML.
    for (const key of [col(r, 'source'), ...sourceKeys(col(r, 'scaling'))]) {
      const entry = bib[key];
      t.truthy(entry, `${key} is in bibliography.json`);
      const cited = entry.citation.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
      t.true(html.includes(cited), `citation of ${key}`);
    }
  }
  // Paper preset constants with their source.
  t.true(html.includes('paper mode E_AC (int32-45nm)</td><td class="num">0.1</td>'));
  t.true(html.includes('paper mode E_MAC (int32-45nm)</td><td class="num">3.2</td>'));
  // Gap explanation and settings.
  t.true(html.includes('Why paper mode and hardware mode differ'));
  t.true(html.includes('hw-models/tech/45nm.json'));
});

test('citationOf resolves keys, interpolated keys and reports unknown ones', (t) => {
  const bib = loadBibliography();
  t.is(citationOf('horowitz2014', bib), `${bib.horowitz2014.citation} doi:${bib.horowitz2014.doi}`);
  t.regex(citationOf('interpolated(stillmaker2017)', bib), /Stillmaker/);
  t.regex(citationOf('nosuchkey', bib), /unknown source key 'nosuchkey'/);
  t.deepEqual(sourceKeys('x1.2 E(7nm@0.7V)/E(45nm@0.9V) [stillmaker2017], / 500 MHz'), ['stillmaker2017']);
});

/** Columns a tabular declares (l, S[...]) and the cells of each row must agree. */
function checkLatexStructure(t: import('ava').ExecutionContext, tex: string): void {
  for (const env of ['table', 'threeparttable', 'tabular', 'tablenotes']) {
    t.is((tex.match(new RegExp(`\\\\begin\\{${env}\\}`, 'g')) ?? []).length, (tex.match(new RegExp(`\\\\end\\{${env}\\}`, 'g')) ?? []).length, env);
  }
  for (const m of tex.matchAll(/\\begin\{tabular\}\{([^\n]*)\}\n([\s\S]*?)\\end\{tabular\}/g)) {
    const cols = (m[1].match(/(?:^|\s)(l|c|r|S\[[^\]]*\])/g) ?? []).length;
    const rows = m[2].split('\n').filter((l) => l.endsWith('\\\\'));
    t.true(rows.length >= 3);
    for (const r of rows) t.is(r.split(' & ').length, cols, r);
  }
}

test('layers.tex and summary.tex: balanced, column counts match, footnotes name preset, node and training', async (t) => {
  await ready;
  const layers = read('layers.tex');
  const summary = read('summary.tex');
  checkLatexStructure(t, layers);
  checkLatexStructure(t, summary);
  for (const tex of [layers, summary]) {
    t.regex(tex, /Energy preset: int32-45nm/);
    t.regex(tex, /\\SI\{45\}\{\\nano\\metre\} at \\SI\{1\}\{\\volt\}/);
    t.regex(tex, /Weights: untrained/);
  }
  // The total row of layers.tex holds the sums of layers.csv (shown in the table's unit).
  const l = csv('layers.csv');
  const sum = (k: string): number => l.rows.reduce((s, r) => s + Number(r[l.header.indexOf(k)]), 0);
  const total = /\nTotal & .*\\\\/.exec(layers)?.[0].trim().replace(/\\\\$/, '').split(' & ').map((c) => c.trim()) ?? [];
  const cu = countDisplayUnit(l.rows.flatMap((r) => [Number(r[l.header.indexOf('ac_exact')]), Number(r[l.header.indexOf('ac_literature')]), Number(r[l.header.indexOf('macs')])]));
  t.is(Number(total[3]), Number((sum('ac_exact') * cu.factor).toFixed(cu.digits)));
  t.is(Number(total[5]), Number((sum('macs') * cu.factor).toFixed(cu.digits)));
});

test('unitsBelow moves header units to a second row; countDisplayUnit picks k/M/G', (t) => {
  t.is(unitsBelow('{Layer} & {E SNN (\\si{\\micro\\joule})}'), '{Layer} & {E SNN} \\\\\n & {(\\si{\\micro\\joule})} \\\\\n');
  t.is(unitsBelow('{Layer} & {Kind}'), '{Layer} & {Kind} \\\\\n');
  t.deepEqual(countDisplayUnit([999]), { factor: 1, digits: 0 });
  t.is(countDisplayUnit([12_000]).unit, 'k');
  t.is(countDisplayUnit([3e6, 1]).unit, 'M');
  t.is(countDisplayUnit([2e9]).unit, 'G');
});

testWithTool(findPdflatex(), PDFLATEX_MISSING, 'the LaTeX tables compile in a document with booktabs, siunitx, threeparttable', async (t, pdflatex) => {
  await ready;
  const texDir = mkdtempSync(join(tmpdir(), 'stcsim-tex-'));
  try {
    writeFileSync(join(texDir, 'doc.tex'), [
      '\\documentclass{article}', '\\usepackage{booktabs,siunitx,threeparttable}', '\\begin{document}',
      `\\input{${join(dir, 'layers.tex')}}`, `\\input{${join(dir, 'summary.tex')}}`, '\\end{document}', '',
    ].join('\n'));
    const code = await new Promise<number>((resolve) => {
      execFile(pdflatex, ['-interaction=nonstopmode', '-halt-on-error', 'doc.tex'], { cwd: texDir, timeout: 60_000 }, (err) => resolve(err === null ? 0 : 1));
    });
    const log = readFileSync(join(texDir, 'doc.log'), 'utf8');
    t.is(code, 0, log.split('\n').filter((l) => l.startsWith('!')).join('\n'));
    t.true(existsSync(join(texDir, 'doc.pdf')));
    t.notRegex(log, /Overfull \\hbox/, 'tables fit the text width');
  } finally {
    rmSync(texDir, { recursive: true, force: true });
  }
});

test('summary.json hashes: tech file by content, seeded weights and synthetic inputs by recipe', async (t) => {
  const outcome = await ready;
  const h = outcome.summary.hashes;
  t.truthy(h);
  const sha = (p: string): string => `sha256:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
  t.is(h?.tech['hw-models/tech/45nm.json'], sha(join(HW_MODELS_DIR, 'tech', '45nm.json')));
  t.is(h?.accelerator['hw-models/accelerators/stcb-default.json'], sha(join(HW_MODELS_DIR, 'accelerators', 'stcb-default.json')));
  t.deepEqual(Object.values(h?.weights ?? {}), ['init:1']);
  t.deepEqual(Object.values(h?.inputs ?? {}), ['synthetic:seed=1;shape=2x28x28x1']);
  const saved = JSON.parse(read('summary.json')) as { hashes: unknown; rerun: { model: string; flags: { images: number; backend: string } } };
  t.deepEqual(saved.hashes, h);
  t.is(saved.rerun.model, 'smallnet');
  t.is(saved.rerun.flags.images, 2);
  t.is(saved.rerun.flags.backend, 'cpu');
});

testWithTool(findChromium(), CHROMIUM_MISSING, 'headless chromium renders report.html with every chart and table', async (t, chromiumPath) => {
  await ready;
  const shot = join(dir, 'shot.png');
  const r = await checkReportHtml(join(dir, 'report.html'), shot, { chromiumPath });
  t.deepEqual(r.problems, []);
  t.deepEqual(r.declared.charts, CHARTS.map((c) => `chart-${c}`));
  t.is(r.declared.tables.length, 5);
  t.true(existsSync(shot));
});
