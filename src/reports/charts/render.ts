/**
 * Vega-Lite -> Vega -> SVG (headless vega View, no canvas) -> PNG (resvg with the system's fonts).
 * Everything runs in-process from npm packages; nothing is fetched.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { FONT_INSTALL_HINT, pngTextDrawable, resvgFontOptions, textWidthPx } from './fonts.ts';
import { renameSvgIds } from './svg-ids.ts';

export { renameSvgIds } from './svg-ids.ts';

export type ChartSpec = TopLevelSpec;

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
}
/** vega-scenegraph's text measurer; exported at run time by vega but missing from its typings. */
interface VegaTextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
let loaded: Promise<{ vega: Vega; vl: VegaLite }> | undefined;

/**
 * vega and vega-lite, loaded on the first chart: importing this module stays cheap for the commands
 * and tests that draw none, and vega's module graph (vega-canvas probes for node-canvas with a
 * top-level await) is not evaluated on import.
 */
function vegaModules(): Promise<{ vega: Vega; vl: VegaLite }> {
  loaded ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => {
    installTextMetrics(vega);
    return { vega, vl };
  });
  return loaded;
}

/**
 * Headless vega has no canvas and guesses 0.8 em per character, which hides tick labels as
 * "overlapping" and leaves gaps in legends. Measure with the metrics of the font the charts ask for
 * instead (fonts.ts), the same on every machine.
 */
function installTextMetrics(vega: Vega): void {
  const tm = (vega as unknown as { textMetrics?: VegaTextMetrics }).textMetrics;
  if (tm === undefined) return;
  tm.width = (item: TextItem, text: unknown): number => {
    const s = text === null || text === undefined ? '' : String(text).trim();
    const size = item.fontSize === undefined ? 11 : Number(item.fontSize) || 0;
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return textWidthPx(s, size, bold);
  };
}

/** Compile a Vega-Lite spec and render it to an SVG string (deterministic ids: v0, v1, ...). */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const { vega, vl } = await vegaModules();
  const compiled = vl.compile(spec).spec;
  // loader that refuses network and file access: charts carry their data inline.
  const loader = vega.loader({ mode: 'http' });
  loader.load = async (uri: string): Promise<string> => {
    throw new Error(`chart tried to load '${uri}'; stcsim charts must carry inline data`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logLevel: vega.Warn });
  try {
    return renameSvgIds(await view.toSVG(), (_id, i) => `v${i}`);
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density multiplier (2 = crisp on print and HiDPI screens). */
  scale?: number;
  /** Called once with the install hint when no font is found (default: console.warn). */
  warn?: (message: string) => void;
}

let warnedNoFont = false;

/** resvg options of every chart PNG (svgToPng and the thread-pool renderer of run folders). */
export function pngRenderOptions(options: PngOptions = {}): ResvgRenderOptions {
  if (!warnedNoFont && !pngTextDrawable()) {
    warnedNoFont = true;
    (options.warn ?? console.warn)(FONT_INSTALL_HINT);
  }
  return { fitTo: { mode: 'zoom', value: options.scale ?? 2 }, background: 'white', font: resvgFontOptions(), logLevel: 'off' };
}

/** Rasterise an SVG to PNG bytes. Without any font the PNG is still written, minus text. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  return new Resvg(svg, pngRenderOptions(options)).render().asPng();
}

/**
 * svgToPng on libuv's thread pool: the calling thread goes on (the chart worker compiles the next
 * chart's SVG meanwhile), and the PNG bytes are the same.
 */
export async function svgToPngAsync(svg: string, resvgOptions: ResvgRenderOptions): Promise<Buffer> {
  return (await renderAsync(svg, resvgOptions)).asPng();
}

export interface ChartFiles {
  vlPath: string;
  svgPath: string;
  pngPath: string;
  svg: string;
}

/**
 * Write `<name>.vl.json` (to restyle), `<name>.svg` and `<name>.png` into `dir`.
 */
export async function writeChart(dir: string, name: string, spec: ChartSpec, options: PngOptions = {}): Promise<ChartFiles> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`chart name '${name}' must be a plain file name`);
  await mkdir(dir, { recursive: true });
  const svg = await renderSvg(spec);
  const vlPath = join(dir, `${name}.vl.json`);
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  await writeFile(vlPath, JSON.stringify(spec, null, 2) + '\n');
  await writeFile(svgPath, svg);
  await writeFile(pngPath, await svgToPngAsync(svg, pngRenderOptions(options)));
  return { vlPath, svgPath, pngPath, svg };
}
