import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column } from '../../src/reports/table.ts';
import { csvHeader, csvNumber, formatNumber, parseCsv, toCsv, toTerminalTable } from '../../src/reports/table.ts';
import { toMarkdownTable } from '../../src/reports/markdown.ts';
import { escapeLatex, latexDocument, runNotes, siunitxUnit, tableFormat, toLatexTable } from '../../src/reports/latex.ts';
import type { LayerRow } from './sample-data.ts';
import { LAYER_ROWS } from './sample-data.ts';
import { PDFLATEX_MISSING, findPdflatex, testWithTool } from '../tools.ts';

const COLUMNS: Column<LayerRow>[] = [
  { key: 'layer', header: 'Layer', value: (r) => r.layer, format: 'text', doc: 'layer name in network order' },
  { key: 'kind', header: 'Kind', value: (r) => r.kind, doc: 'operator, with 100% of its name & {braces}' },
  { key: 'spikes', header: 'Spikes', value: (r) => r.spikes, doc: 'spikes into the layer over all T steps' },
  { key: 'firing_rate', header: 'Firing rate', value: (r) => r.firingRate, format: 'pct', digits: 2 },
  { key: 'ac_ops', header: 'AC ops', value: (r) => r.acOps, format: 'int' },
  { key: 'mac_ops', header: 'MACs', value: (r) => r.macOps, format: 'sci', digits: 2 },
  { key: 'energy', header: 'Energy', unit: 'pJ', value: (r) => r.energyPJ, format: 'float', digits: 1 },
  { key: 'trained', header: 'Trained', value: (r) => r.trainedWeights },
];

test('formatNumber: one formatter, per-medium spelling', (t) => {
  t.is(formatNumber(1234567, 'int', 0, 'grouped'), '1,234,567');
  t.is(formatNumber(1234567, 'int', 0, 'latex'), '1234567');
  t.is(formatNumber(-1234.5678, 'float', 2, 'grouped'), '-1,234.57');
  t.is(formatNumber(-0.0001, 'float', 2, 'plain'), '0.00');
  t.is(formatNumber(0.123456, 'pct', 1, 'plain'), '12.3');
  t.is(formatNumber(262144, 'sci', 2, 'latex'), '2.62e5');
  t.is(formatNumber(-0.00031, 'sci', 1, 'plain'), '-3.1e-4');
  t.is(formatNumber(0, 'sci', 2, 'plain'), '0.00e0');
  t.is(formatNumber(Number.NaN, 'float', 2, 'latex'), '{--}');
  t.is(formatNumber(Number.POSITIVE_INFINITY, 'float', 2, 'grouped'), '∞');
});

test('CSV: headers carry units, numbers round-trip at full precision', (t) => {
  const csv = toCsv(COLUMNS, LAYER_ROWS);
  const parsed = parseCsv(csv);
  t.deepEqual(parsed[0], ['layer', 'kind', 'spikes', 'firing_rate', 'ac_ops', 'mac_ops', 'energy_pJ', 'trained']);
  t.is(csvHeader(COLUMNS[6]), 'energy_pJ');
  t.is(parsed.length, LAYER_ROWS.length + 1);
  LAYER_ROWS.forEach((r, i) => {
    const row = parsed[i + 1];
    t.is(row[0], r.layer);
    t.is(row[1], r.kind); // contains a comma-free but special-character string
    t.is(Number(row[2]), r.spikes);
    t.is(Number(row[3]), r.firingRate); // fraction, not a rounded percentage
    t.is(Number(row[4]), r.acOps);
    t.is(Number(row[5]), r.macOps);
    t.is(Number(row[6]), r.energyPJ);
    t.is(row[7], String(r.trainedWeights));
  });
});

test('CSV: quoting of commas, quotes and newlines survives a round trip', (t) => {
  const rows = [{ s: 'a,b', n: 0.1 + 0.2 }, { s: 'say "hi"\nnext line', n: 1e-300 }, { s: '', n: -5 }];
  const cols: Column<{ s: string; n: number }>[] = [
    { key: 's', header: 'S', value: (r) => r.s },
    { key: 'n', header: 'N', unit: 'pJ', value: (r) => r.n },
  ];
  const text = toCsv(cols, rows);
  const back = parseCsv(text);
  // Numbers are clean: float noise dropped (10 significant digits), integers exact.
  t.deepEqual(back, [['s', 'n_pJ'], ['a,b', '0.3'], ['say "hi"\nnext line', '1e-300'], ['', '-5']]);
  // Round trip: reading the cells and writing them again gives the same file.
  const again = back.slice(1).map(([s, n]) => ({ s, n: Number(n) }));
  t.is(toCsv(cols, again), text);
});

test('CSV numbers: integers exact, others at 10 significant digits', (t) => {
  t.is(csvNumber(1780131462.3999999), '1780131462');
  t.is(csvNumber(178013146.23999999), '178013146.2');
  t.is(csvNumber(2 ** 53), '9007199254740992');
  t.is(csvNumber(0.1 + 0.2), '0.3');
  t.is(csvNumber(-1 / 3), '-0.3333333333');
  t.is(csvNumber(1 / 3e9), '3.333333333e-10');
  t.is(csvNumber(Number.NaN), 'NaN');
  for (const v of [1 / 7, 123456.789012345, 6.02214076e23, 1e-7 / 3]) {
    const text = csvNumber(v);
    t.is(csvNumber(Number(text)), text, `${v} round-trips`);
    t.true(Math.abs(Number(text) - v) <= 5e-10 * Math.abs(v), `${v} within 10 significant digits`);
  }
});

test('Markdown: aligned pipe table, units in headers, grouped integers', (t) => {
  const md = toMarkdownTable(COLUMNS, LAYER_ROWS, { notes: ['Energy preset: paper-int32-45nm'] });
  const lines = md.trimEnd().split('\n');
  const tableLines = lines.slice(0, LAYER_ROWS.length + 2);
  // every table line has the same length and its pipes at the same columns
  const pipes = (l: string): number[] => [...l].flatMap((c, i) => (c === '|' && l[i - 1] !== '\\' ? [i] : []));
  const ref = pipes(tableLines[0]);
  t.is(ref.length, COLUMNS.length + 1);
  for (const l of tableLines) {
    t.is(l.length, tableLines[0].length);
    t.deepEqual(pipes(l), ref);
  }
  t.true(tableLines[0].includes('Energy (pJ)'));
  t.true(tableLines[0].includes('Firing rate (%)'));
  // numeric columns right-aligned (---:), text left (:---)
  const delim = tableLines[1].split('|').slice(1, -1).map((c) => c.trim());
  t.true(delim[0].startsWith(':'));
  t.true(delim[2].endsWith(':'));
  t.true(md.includes('23,456,789'));
  t.true(md.includes('8.75')); // 0.0874532 as a percentage with 2 digits
  t.true(md.includes('5,662,310.4'));
  t.true(md.includes('- Energy preset: paper-int32-45nm'));
});

/** Structural LaTeX check written independently of the writer. */
function checkLatex(tex: string, expectedColumns: number): { dataRows: number } {
  const stack: string[] = [];
  for (const m of tex.matchAll(/\\(begin|end)\{([^}]+)\}/g)) {
    if (m[1] === 'begin') stack.push(m[2]);
    else if (stack.pop() !== m[2]) throw new Error(`unbalanced \\end{${m[2]}}`);
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(',')}`);
  const body = tex.slice(tex.indexOf('\\begin{tabular}'), tex.indexOf('\\end{tabular}'));
  const spec = /\\begin\{tabular\}\{(.*)\}\n/.exec(body);
  if (spec === null) throw new Error('no tabular spec');
  const specCols = spec[1].replace(/\[[^\]]*\]/g, '').split(/\s+/).filter((s) => s !== '');
  if (specCols.length !== expectedColumns) throw new Error(`spec has ${specCols.length} columns`);
  let rows = 0;
  for (const line of body.split('\n')) {
    if (!line.trimEnd().endsWith('\\\\')) continue;
    const amps = [...line.matchAll(/(?<!\\)&/g)].length;
    if (amps + 1 !== expectedColumns) throw new Error(`row has ${amps + 1} cells: ${line}`);
    rows++;
  }
  for (const rule of ['\\toprule', '\\midrule', '\\bottomrule']) if (!body.includes(rule)) throw new Error(`missing ${rule}`);
  return { dataRows: rows - 1 };
}

test('LaTeX: booktabs + siunitx structure, escaped text, notes', (t) => {
  const tex = toLatexTable(COLUMNS, LAYER_ROWS, {
    caption: 'Per-layer counts & energy (3-layer net)',
    label: 'tab:layers',
    notes: runNotes({ energyPreset: 'paper_int32_45nm', node: '45 nm', trained: true }),
    columnDocs: true,
    midruleBefore: [2],
  });
  t.is(checkLatex(tex, COLUMNS.length).dataRows, LAYER_ROWS.length);
  t.true(tex.includes('\\begin{threeparttable}'));
  t.true(tex.includes('{Energy (\\si{\\pico\\joule})}'));
  t.true(tex.includes('{Firing rate (\\si{\\percent})}'));
  t.true(tex.includes('STCB conv\\_3x3 \\& BN'));
  t.true(tex.includes('linear \\{10\\}'));
  t.true(tex.includes('paper\\_int32\\_45nm'));
  t.true(tex.includes('100\\% of its name \\& \\{braces\\}'));
  t.true(tex.includes('23456789')); // raw digits for siunitx
  t.true(tex.includes('S[table-format=8.0]'));
  t.true(tex.includes('S[table-format=1.2e1]'));
  t.regex(tex, /\\caption\{Per-layer counts \\& energy/);
  // no unescaped specials left in the data rows
  const rows = tex.split('\n').filter((l) => l.endsWith('\\\\'));
  for (const r of rows) t.notRegex(r, /(?<!\\)[_%#$]/);
});

test('LaTeX: plain notes and no float also balance', (t) => {
  const tex = toLatexTable(COLUMNS.slice(0, 3), LAYER_ROWS, { float: false, notesStyle: 'plain', notes: ['a_b', 'c%'], units: 'plain' });
  t.notThrows(() => checkLatex(tex, 3));
  t.false(tex.includes('\\begin{table}'));
  t.true(tex.includes('a\\_b'));
});

test('LaTeX helpers: units, table-format, escaping', (t) => {
  t.is(siunitxUnit('pJ'), '\\pico\\joule');
  t.is(siunitxUnit('pJ/bit'), '\\pico\\joule\\per\\bit');
  t.is(siunitxUnit('mm^2'), '\\square\\milli\\metre');
  t.is(siunitxUnit('ms'), '\\milli\\second');
  t.is(siunitxUnit('GHz'), '\\giga\\hertz');
  t.is(siunitxUnit('cycles'), undefined);
  t.is(tableFormat(['12.5', '-3.25', '{--}']), '-2.2');
  t.is(tableFormat(['1.2e-3', '4.5e12']), '1.1e-2');
  t.is(escapeLatex('a_b%c&d#e$f{g}h~i^j\\k'), 'a\\_b\\%c\\&d\\#e\\$f\\{g\\}h\\textasciitilde{}i\\textasciicircum{}j\\textbackslash{}k');
});

test('Terminal table: fixed width, right-aligned numbers', (t) => {
  const out = toTerminalTable(COLUMNS.slice(0, 5), LAYER_ROWS, { title: 'Layers' });
  const lines = out.trimEnd().split('\n');
  t.is(lines[0], 'Layers');
  t.regex(lines[2], /^-+( {2}-+)+$/);
  const width = lines[2].length;
  for (const l of lines.slice(1)) t.true(l.length <= width);
  // right alignment: the AC column ends at the rule's end on every data row
  for (const l of lines.slice(3)) t.is(l.length, width);
  t.true(out.includes('23,456,789'));
});

testWithTool(findPdflatex(), PDFLATEX_MISSING, 'LaTeX: sample compiles with pdflatex (when installed)', (t, pdflatex) => {
  const tex = latexDocument([
    toLatexTable(COLUMNS, LAYER_ROWS, { caption: 'Per-layer counts', label: 'tab:layers', notes: runNotes({ energyPreset: 'paper_int32', node: '45 nm', trained: false }), columnDocs: true }),
    toLatexTable(COLUMNS.slice(0, 4), LAYER_ROWS, { notesStyle: 'plain', notes: ['plain note'], float: false }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-tex-'));
  try {
    writeFileSync(join(dir, 'sample.tex'), tex);
    try {
      execFileSync(pdflatex, ['-interaction=nonstopmode', '-halt-on-error', 'sample.tex'], { cwd: dir, stdio: 'pipe', timeout: 60_000 });
    } catch (e) {
      const log = existsSync(join(dir, 'sample.log')) ? readFileSync(join(dir, 'sample.log'), 'utf8') : String(e);
      t.fail(`pdflatex failed:\n${log.split('\n').filter((l) => l.startsWith('!') || l.includes('Error')).join('\n')}`);
      return;
    }
    t.true(existsSync(join(dir, 'sample.pdf')));
    const log = readFileSync(join(dir, 'sample.log'), 'utf8');
    t.notRegex(log, /^! /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
