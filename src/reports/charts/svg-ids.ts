/** SVG id renaming: pure text work, kept apart from the renderer so pages can use it without loading vega. */

/**
 * Rename every internal id of an SVG (and its url(#..)/href="#.." references) in one pass, in order
 * of first appearance. Vega numbers gradients and clip paths from process-wide counters, so without
 * this the same chart renders to different bytes depending on what was rendered before.
 */
export function renameSvgIds(svg: string, rename: (id: string, index: number) => string): string {
  const map = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!map.has(m[1])) map.set(m[1], rename(m[1], map.size));
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole: string, lead: string, id: string) => {
    const to = map.get(id);
    return to === undefined ? whole : lead + to;
  });
}
