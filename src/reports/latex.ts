/**
 * LaTeX booktabs tables a paper author pastes into a document. Numbers go in siunitx `S` columns
 * (raw digits; siunitx groups thousands and aligns decimal points), text is escaped with its
 * quantities set by `\SI` (latexText), units sit in the headers, and notes (energy preset, node, trained or not) go under the table via threeparttable.
 *
 * Preamble the output needs: LATEX_PACKAGES (booktabs, siunitx, threeparttable).
 */
import type { Column, ResolvedColumn } from './table.ts';
import { cellMatrix, formatMatrix } from './table.ts';

export const LATEX_PACKAGES = ['booktabs', 'siunitx', 'threeparttable'] as const;

export interface LatexTableOptions {
  caption?: string;
  label?: string;
  /** Plain-text notes under the table (escaped), e.g. from `runNotes`. */
  notes?: readonly string[];
  /** Append each column's `doc` as a note ("Header: doc"). */
  columnDocs?: boolean;
  /** threeparttable (default) or a plain footnote-size paragraph under the tabular. */
  notesStyle?: 'threeparttable' | 'plain';
  /** Wrap in a `table` float (default true). Set false to paste inside your own float. */
  float?: boolean;
  /** Float placement, default 'htbp'. */
  placement?: string;
  /** 'siunitx' (default): `\si{\pico\joule}` for known SI units; 'plain': `(pJ)` text. */
  units?: 'siunitx' | 'plain';
  /** Row indices before which a \midrule is drawn, e.g. [rows.length - 1] for a total row. */
  midruleBefore?: readonly number[];
}

const TEXT_ESCAPES: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '_': '\\_',
  '%': '\\%',
  '&': '\\&',
  '#': '\\#',
  '$': '\\$',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  'µ': '\\textmu{}',
  'μ': '\\textmu{}',
  '×': '\\texttimes{}',
  '−': '-',
  '–': '--',
  '—': '---',
  '≈': '$\\approx$',
  '≤': '$\\leq$',
  '≥': '$\\geq$',
  '∞': '$\\infty$',
  // The mark of interpolated or assumed constants (src/reports/assumed.ts), as a footnote sign.
  '†': '\\textsuperscript{\\textdagger}',
};

/** Escape text so pdflatex prints it literally (LaTeX specials and a few common Unicode signs). */
export function escapeLatex(s: string): string {
  return s.replace(/[\\_%&#${}~^<>µμ×−–—≈≤≥∞†]/g, (ch) => TEXT_ESCAPES[ch] ?? ch);
}

/** Units a quantity in running text may carry, as siunitx macros (for latexText). */
const TEXT_UNITS: Record<string, string> = {
  pJ: '\\pico\\joule', nJ: '\\nano\\joule', uJ: '\\micro\\joule', 'µJ': '\\micro\\joule', mJ: '\\milli\\joule',
  V: '\\volt', nm: '\\nano\\metre', MHz: '\\mega\\hertz', GHz: '\\giga\\hertz', mm2: '\\square\\milli\\metre',
  ms: '\\milli\\second', us: '\\micro\\second', ns: '\\nano\\second',
};
/** A number (not part of a name like int32-45nm) followed by one of TEXT_UNITS. */
const QUANTITY = /(?<![\w.-])(-?\d+(?:\.\d+)?(?:e-?\d+)?) ?(pJ|nJ|uJ|µJ|mJ|V|nm|MHz|GHz|mm2|ms|us|ns)(?![\w])/g;

/**
 * Running text (notes, captions, text cells) for pdflatex: specials escaped, and every quantity
 * with a unit ("0.1 pJ", "28nm", "0.9 V") set with siunitx's \SI so numbers and units read as in
 * the S columns.
 */
export function latexText(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(QUANTITY)) {
    out += escapeLatex(s.slice(last, m.index)) + `\\SI{${m[1]}}{${TEXT_UNITS[m[2]]}}`;
    last = (m.index ?? 0) + m[0].length;
  }
  return out + escapeLatex(s.slice(last));
}

const SI_PREFIX: Record<string, string> = {
  f: '\\femto', p: '\\pico', n: '\\nano', u: '\\micro', 'µ': '\\micro', 'μ': '\\micro', m: '\\milli',
  k: '\\kilo', M: '\\mega', G: '\\giga', T: '\\tera', '': '',
};
const SI_BASE: Record<string, string> = {
  J: '\\joule', W: '\\watt', s: '\\second', Hz: '\\hertz', V: '\\volt', A: '\\ampere', m: '\\metre',
  bit: '\\bit', B: '\\byte', byte: '\\byte',
};

function siAtom(atom: string): string | undefined {
  const squared = /^(.*?)(?:\^2|2|²)$/.exec(atom);
  if (squared !== null && squared[1] !== '' && !/\d$/.test(squared[1])) {
    const inner = siAtom(squared[1]);
    return inner === undefined ? undefined : `\\square${inner}`;
  }
  if (SI_BASE[atom] !== undefined) return SI_BASE[atom];
  for (const [base, macro] of Object.entries(SI_BASE)) {
    if (!atom.endsWith(base)) continue;
    const prefix = atom.slice(0, atom.length - base.length);
    if (SI_PREFIX[prefix] !== undefined) return SI_PREFIX[prefix] + macro;
  }
  return undefined;
}

/** siunitx unit macros for a unit string (pJ, pJ/bit, mm^2, %), or undefined if not an SI unit. */
export function siunitxUnit(unit: string): string | undefined {
  if (unit === '%') return '\\percent';
  const parts = unit.split('/');
  if (parts.length > 2) return undefined;
  const atoms = parts.map((p) => siAtom(p.trim()));
  if (atoms.some((a) => a === undefined)) return undefined;
  return atoms.join('\\per');
}

function headerCell(c: ResolvedColumn, units: 'siunitx' | 'plain'): string {
  const name = escapeLatex(c.header);
  if (c.unit === undefined) return `{${name}}`;
  const si = units === 'siunitx' ? siunitxUnit(c.unit) : undefined;
  const unit = si === undefined ? escapeLatex(c.unit) : `\\si{${si}}`;
  return `{${name} (${unit})}`;
}

const NUMBER_RE = /^(-?)(\d+)(?:\.(\d+))?(?:e(-?)(\d+))?$/;

/**
 * siunitx `table-format` wide enough for every number in the column, so S columns reserve the right
 * space and align decimal points.
 */
export function tableFormat(cells: readonly string[]): string {
  let neg = false;
  let intDigits = 1;
  let decDigits = 0;
  let hasExp = false;
  let negExp = false;
  let expDigits = 0;
  for (const s of cells) {
    const m = NUMBER_RE.exec(s);
    if (m === null) continue; // braced non-numbers ({--}) are skipped by siunitx too
    if (m[1] === '-') neg = true;
    intDigits = Math.max(intDigits, m[2].length);
    decDigits = Math.max(decDigits, (m[3] ?? '').length);
    if (m[5] !== undefined) {
      hasExp = true;
      if (m[4] === '-') negExp = true;
      expDigits = Math.max(expDigits, m[5].length);
    }
  }
  const mantissa = `${neg ? '-' : ''}${intDigits}.${decDigits}`;
  return hasExp ? `${mantissa}e${negExp ? '-' : ''}${expDigits}` : mantissa;
}

function columnSpec(c: ResolvedColumn, cells: readonly string[]): string {
  if (!c.numeric) return 'l';
  return `S[table-format=${tableFormat(cells)}]`;
}

/** Notes naming the run settings a reader needs to interpret the numbers. */
export function runNotes(meta: { energyPreset?: string; node?: string; trained?: boolean; timesteps?: number }): string[] {
  const notes: string[] = [];
  if (meta.energyPreset !== undefined) notes.push(`Energy preset: ${meta.energyPreset}.`);
  if (meta.node !== undefined) notes.push(`Process node: ${meta.node}.`);
  if (meta.timesteps !== undefined) notes.push(`Time steps: ${meta.timesteps}.`);
  if (meta.trained !== undefined) {
    notes.push(meta.trained ? 'Weights: trained.' : 'Weights: untrained (random initialisation); spike counts are not representative of a trained network.');
  }
  return notes;
}

export function toLatexTable<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  options: LatexTableOptions = {},
): string {
  const m = cellMatrix(columns, rows);
  const cells = formatMatrix(m, 'latex').map((r) => r.map((s, j) => (m.columns[j].numeric ? s : latexText(s))));
  const units = options.units ?? 'siunitx';
  const spec = m.columns.map((c, j) => columnSpec(c, cells.map((r) => r[j]))).join(' ');
  const notes = (options.notes ?? []).map(latexText);
  if (options.columnDocs === true) {
    for (const c of m.columns) if (c.doc !== undefined) notes.push(`\\textit{${escapeLatex(c.header)}}: ${escapeLatex(c.doc)}`);
  }
  const float = options.float ?? true;
  const tpt = notes.length > 0 && (options.notesStyle ?? 'threeparttable') === 'threeparttable';
  const midrules = new Set(options.midruleBefore ?? []);

  const out: string[] = [`% Requires \\usepackage{${LATEX_PACKAGES.join(',')}}`];
  if (float) out.push(`\\begin{table}[${options.placement ?? 'htbp'}]`, '\\centering');
  if (tpt) out.push('\\begin{threeparttable}');
  if (options.caption !== undefined) out.push(`\\caption{${latexText(options.caption)}}`);
  if (options.label !== undefined) out.push(`\\label{${options.label.replace(/[^A-Za-z0-9:._-]/g, '-')}}`);
  out.push(`\\begin{tabular}{${spec}}`, '\\toprule');
  out.push(m.columns.map((c) => headerCell(c, units)).join(' & ') + ' \\\\');
  out.push('\\midrule');
  cells.forEach((r, i) => {
    if (midrules.has(i) && i > 0) out.push('\\midrule');
    out.push(r.join(' & ') + ' \\\\');
  });
  out.push('\\bottomrule', '\\end{tabular}');
  if (tpt) {
    out.push('\\begin{tablenotes}[flushleft]', '\\footnotesize');
    for (const n of notes) out.push(`\\item ${n}`);
    out.push('\\end{tablenotes}', '\\end{threeparttable}');
  } else if (notes.length > 0) {
    out.push('\\par\\smallskip');
    out.push(`{\\footnotesize ${notes.join(' \\\\\n')}\\par}`);
  }
  if (float) out.push('\\end{table}');
  return out.join('\n') + '\n';
}

/** A complete document around table bodies, for compiling a preview or a test. */
export function latexDocument(bodies: readonly string[]): string {
  return [
    '\\documentclass{article}',
    '\\usepackage{textcomp}',
    ...LATEX_PACKAGES.map((p) => `\\usepackage{${p}}`),
    '\\begin{document}',
    ...bodies,
    '\\end{document}',
    '',
  ].join('\n');
}
