/**
 * One column spec for every table stcsim writes, and the one number formatter all writers share.
 *
 * A report is `(columns, rows)`: rows are plain typed records, columns say how to read and show one
 * field. CSV keeps the precision machines need; Markdown, LaTeX, HTML and the terminal show rounded
 * numbers formatted here, so the same cell reads the same everywhere. CSV numbers are clean
 * (integers exact, others at CSV_SIGNIFICANT_DIGITS significant digits).
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export type CellValue = number | string | boolean;
export type ColumnFormat = 'int' | 'float' | 'sci' | 'pct' | 'text';

export interface Column<R> {
  /** Machine name: CSV header (plus `_unit`), HTML ids, docs anchors. */
  key: string;
  /** Human header for Markdown, LaTeX, HTML and the terminal. */
  header: string;
  /** Unit of the value as stored, e.g. 'pJ', 'cycles', 'bits'. Shown in headers. */
  unit?: string;
  value: (row: R) => CellValue;
  /**
   * int: rounded, thousands separators where the medium allows; float: `digits` decimals;
   * sci: mantissa with `digits` decimals and an exponent; pct: the value is a fraction, shown x100
   * with `digits` decimals; text: as is. Unset: 'int' if every value is an integer, else 'float'
   * (numbers), 'text' otherwise.
   */
  format?: ColumnFormat;
  digits?: number;
  /** One-line definition, used for docs and table footnotes. */
  doc?: string;
  /**
   * The unit docs/columns.md states when `unit` does not say it all: names ('name'), counts
   * ('spikes per image (mean over images)'), fractions ('fraction, 0-1'). Docs only; unset, the docs
   * take `unit`, then the unit suffix of the CSV header (`_pJ`, `_cycles`, `_bits`, `_bytes`, `_s`).
   */
  docUnit?: string;
}

/** Where a formatted cell goes; decides grouping and the spelling of exponents and signs. */
export type NumberStyle = 'plain' | 'grouped' | 'latex';

const DEFAULT_DIGITS: Record<ColumnFormat, number> = { int: 0, float: 3, sci: 2, pct: 1, text: 0 };

/** The format a column actually uses, inferring int/float/text from the data when unset. */
export function resolveFormat<R>(column: Column<R>, rows: readonly R[]): ColumnFormat {
  if (column.format !== undefined) return column.format;
  let sawNumber = false;
  let allIntegers = true;
  for (const row of rows) {
    const v = column.value(row);
    if (typeof v !== 'number') return 'text';
    sawNumber = true;
    if (Number.isFinite(v) && !Number.isInteger(v)) allIntegers = false;
  }
  if (!sawNumber) return 'text';
  return allIntegers ? 'int' : 'float';
}

export function resolveDigits<R>(column: Column<R>, format: ColumnFormat): number {
  return column.digits ?? DEFAULT_DIGITS[format];
}

/** Unit shown in a human header: pct columns show '%' unless the column names its own unit. */
export function displayUnit<R>(column: Column<R>, format: ColumnFormat): string | undefined {
  if (column.unit !== undefined) return column.unit;
  return format === 'pct' ? '%' : undefined;
}

/** True when the column's cells are numbers (right-aligned, siunitx S columns). */
export function isNumericFormat(format: ColumnFormat): boolean {
  return format !== 'text';
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// ASCII minus everywhere: siunitx parses it, and terminals align it.
function withSign(negative: boolean, body: string): string {
  return negative ? `-${body}` : body;
}

function nonFinite(v: number, style: NumberStyle): string {
  if (Number.isNaN(v)) return style === 'latex' ? '{--}' : '—';
  const inf = style === 'latex' ? '$\\infty$' : '∞';
  const s = v > 0 ? inf : `-${inf}`;
  return style === 'latex' ? `{${s}}` : s;
}

/**
 * Format one number. Strings pass through (text cells); booleans become yes/no. Rounding that gives
 * zero drops the sign (no "-0.00").
 */
export function formatNumber(v: number, format: ColumnFormat, digits: number, style: NumberStyle): string {
  if (!Number.isFinite(v)) return nonFinite(v, style);
  switch (format) {
    case 'text':
      return String(v);
    case 'int': {
      const r = Math.round(v);
      const body = Math.abs(r).toFixed(0);
      return withSign(r < 0, style === 'grouped' ? groupThousands(body) : body);
    }
    case 'float':
    case 'pct': {
      const x = format === 'pct' ? v * 100 : v;
      const body = Math.abs(x).toFixed(digits);
      const isZero = Number(body) === 0;
      const [intPart, frac] = body.split('.');
      const grouped = style === 'grouped' ? groupThousands(intPart) : intPart;
      const out = frac === undefined ? grouped : `${grouped}.${frac}`;
      return withSign(x < 0 && !isZero, out);
    }
    case 'sci': {
      if (v === 0) return (0).toFixed(digits) + 'e0';
      const [mantissa, exp] = Math.abs(v).toExponential(digits).split('e');
      const e = Number(exp);
      return withSign(v < 0, `${mantissa}e${e}`);
    }
  }
}

/** Format one cell of a column; the single entry point every human-facing writer uses. */
export function formatCell(v: CellValue, format: ColumnFormat, digits: number, style: NumberStyle): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  return formatNumber(v, format, digits, style);
}

/** Header text with the unit in parentheses, e.g. "Energy (pJ)". */
export function headerWithUnit<R>(column: Column<R>, format: ColumnFormat): string {
  const unit = displayUnit(column, format);
  return unit === undefined ? column.header : `${column.header} (${unit})`;
}

/** A column resolved against its rows: everything a writer needs, with the row type erased. */
export interface ResolvedColumn {
  key: string;
  header: string;
  unit?: string;
  format: ColumnFormat;
  digits: number;
  numeric: boolean;
  doc?: string;
}

export interface CellMatrix {
  columns: ResolvedColumn[];
  /** Raw values, row-major. */
  values: CellValue[][];
}

/** Evaluate every cell once; writers then work on plain values. */
export function cellMatrix<R>(columns: readonly Column<R>[], rows: readonly R[]): CellMatrix {
  const keys = new Set<string>();
  for (const c of columns) {
    if (keys.has(c.key)) throw new Error(`table: duplicate column key '${c.key}'`);
    keys.add(c.key);
  }
  const resolved = columns.map((c): ResolvedColumn => {
    const format = resolveFormat(c, rows);
    const unit = displayUnit(c, format);
    return {
      key: c.key,
      header: c.header,
      ...(unit !== undefined ? { unit } : {}),
      format,
      digits: resolveDigits(c, format),
      numeric: isNumericFormat(format),
      ...(c.doc !== undefined ? { doc: c.doc } : {}),
    };
  });
  return { columns: resolved, values: rows.map((r) => columns.map((c) => c.value(r))) };
}

/** Formatted strings for every cell, in one style. */
export function formatMatrix(m: CellMatrix, style: NumberStyle): string[][] {
  return m.values.map((row) => row.map((v, j) => formatCell(v, m.columns[j].format, m.columns[j].digits, style)));
}

// ---------------------------------------------------------------------------------------------
// CSV

/** CSV header of a column: the key, plus `_unit` when the stored value has a unit (energy_pJ). */
export function csvHeader<R>(column: Column<R>): string {
  return column.unit === undefined ? column.key : `${column.key}_${column.unit}`;
}

/** A text cell that is a plain number ("-1.5", "+3", "2e-9") stays as written: it is data, not a formula. */
const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Neutralises a text cell a spreadsheet would run as a formula (OWASP "CSV injection"): one that
 * starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which spreadsheets
 * show as text. Numbers are never changed (a number value, or text that is a plain number).
 * Every CSV writer goes through csvValue, so this is the one place.
 */
export function neutraliseCsvText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) && !NUMERIC_TEXT.test(s) ? `'${s}` : s;
}

/**
 * Significant digits of a non-integer number in a CSV cell. Integers are written exactly; other
 * numbers are rounded to this many significant digits, which drops float noise
 * (1780131462.3999999 -> 1780131462.4) while staying far below the precision of any constant
 * behind them. The shortest text that parses back to the rounded value is written, so reading a
 * cell and writing it again gives the same text (round-trip safe). docs/columns.md states the rule.
 */
export const CSV_SIGNIFICANT_DIGITS = 10;

/** A number as a CSV cell: integers exactly, other finite numbers at CSV_SIGNIFICANT_DIGITS, NaN/Infinity as named. */
export function csvNumber(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(CSV_SIGNIFICANT_DIGITS)));
}

function csvValue(v: CellValue): string {
  if (typeof v === 'number') return csvNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return neutraliseCsvText(v);
}

/**
 * CSV with clean numbers (csvNumber: integers exact, others at 10 significant digits; pct columns
 * stay fractions). Headers are `key` or `key_unit`.
 * Always ends with a newline.
 */
export function toCsv<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const header = columns.map((c) => neutraliseCsvText(csvHeader(c)));
  const body = rows.map((r) => columns.map((c) => csvValue(c.value(r))));
  return stringify([header, ...body], { eof: true, record_delimiter: '\n' });
}

/** Header line only, without its newline (for append-as-you-go CSV files). */
export function csvHeaderLine<R>(columns: readonly Column<R>[]): string {
  return stringify([columns.map((c) => neutraliseCsvText(csvHeader(c)))], { eof: false });
}

/** One data line without its newline (for append-as-you-go CSV files). */
export function csvRowLine<R>(columns: readonly Column<R>[], row: R): string {
  return stringify([columns.map((c) => csvValue(c.value(row)))], { eof: false });
}

/**
 * Read back what toCsv writes: rows of strings, quoted fields and CR/LF handled by csv-parse. A
 * trailing newline makes no empty row; rows may differ in length (a line cut by an interruption).
 */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: true, relax_quotes: true });
}

// ---------------------------------------------------------------------------------------------
// Terminal

export interface TerminalTableOptions {
  title?: string;
  /** Spaces between columns. */
  gap?: number;
}

/** Display width of a string, counting code points (our tables hold no wide CJK glyphs). */
export function textWidth(s: string): number {
  return [...s].length;
}

export function padCell(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - textWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Fixed-width table for the CLI: numbers right-aligned with thousands separators, a rule under the header. */
export function toTerminalTable<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  options: TerminalTableOptions = {},
): string {
  const m = cellMatrix(columns, rows);
  const cells = formatMatrix(m, 'grouped');
  const headers = m.columns.map((c) => (c.unit === undefined ? c.header : `${c.header} (${c.unit})`));
  const widths = headers.map((h, j) => Math.max(textWidth(h), ...cells.map((r) => textWidth(r[j]))));
  const gap = ' '.repeat(options.gap ?? 2);
  const align = (j: number): 'left' | 'right' => (m.columns[j].numeric ? 'right' : 'left');
  const line = (r: string[]): string => r.map((s, j) => padCell(s, widths[j], align(j))).join(gap).trimEnd();
  const out: string[] = [];
  if (options.title !== undefined) out.push(options.title);
  out.push(line(headers));
  out.push(widths.map((w) => '-'.repeat(w)).join(gap));
  for (const r of cells) out.push(line(r));
  return out.join('\n') + '\n';
}
