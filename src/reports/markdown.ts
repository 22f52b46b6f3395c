/**
 * Markdown pipe tables (GitHub-flavoured): units in headers, thousands separators for integers,
 * cells padded so the source itself reads as a table.
 */
import type { Column } from './table.ts';
import { cellMatrix, formatMatrix, padCell, textWidth } from './table.ts';

export interface MarkdownTableOptions {
  /** Lines printed under the table, e.g. energy preset and node. */
  notes?: readonly string[];
  /** Append each column's `doc` as a note ("Header: doc"). */
  columnDocs?: boolean;
}

/** Pipes and line breaks would end the cell; everything else is literal. */
export function escapeMarkdownCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function toMarkdownTable<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  options: MarkdownTableOptions = {},
): string {
  const m = cellMatrix(columns, rows);
  const headers = m.columns.map((c) => escapeMarkdownCell(c.unit === undefined ? c.header : `${c.header} (${c.unit})`));
  const cells = formatMatrix(m, 'grouped').map((r) => r.map(escapeMarkdownCell));
  // A delimiter cell needs at least 3 characters (":--" / "--:").
  const widths = headers.map((h, j) => Math.max(3, textWidth(h), ...cells.map((r) => textWidth(r[j]))));
  const align = (j: number): 'left' | 'right' => (m.columns[j].numeric ? 'right' : 'left');
  const line = (r: readonly string[]): string => `| ${r.map((s, j) => padCell(s, widths[j], align(j))).join(' | ')} |`;
  const delimiter = `| ${widths.map((w, j) => (align(j) === 'right' ? '-'.repeat(w - 1) + ':' : ':' + '-'.repeat(w - 1))).join(' | ')} |`;
  const out = [line(headers), delimiter, ...cells.map(line)];
  const notes = [...(options.notes ?? [])];
  if (options.columnDocs === true) {
    for (const c of m.columns) if (c.doc !== undefined) notes.push(`${c.header}: ${c.doc}`);
  }
  if (notes.length > 0) out.push('', ...notes.map((n) => `- ${n}`));
  return out.join('\n') + '\n';
}
