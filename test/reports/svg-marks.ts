/** Counting what a rendered Vega SVG draws, for chart tests. */

/** Items drawn by the data-driven marks of one kind (legend symbols excluded). */
export function markItems(svg: string, mark: 'rect' | 'symbol' | 'line' | 'text'): number {
  let n = 0;
  for (const m of svg.matchAll(new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>`, 'g'))) {
    const start = (m.index ?? 0) + m[0].length;
    const inner = svg.slice(start, svg.indexOf('</g>', start));
    n += (inner.match(/<(path|text)\b/g) ?? []).length;
  }
  return n;
}
