/**
 * Chart text: which font the charts ask for, how wide their text is, and how resvg finds a font for
 * the PNGs. No font file is read here: resvg loads the system fonts itself and takes the first
 * installed family of CHART_FONT, and widths come from published metrics, so the SVG layout is the
 * same on every machine.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Resvg as ResvgClass, ResvgRenderOptions } from '@resvg/resvg-js';
import type PixelWidth from 'string-pixel-width';

/**
 * The charts' font-family list, best first. DejaVu Sans (Linux) and Verdana (macOS, Windows) share
 * Bitstream Vera's proportions, which TEXT_METRICS measures; the rest are narrower sans faces, which
 * only leave a little more room.
 */
export const CHART_FONT = 'DejaVu Sans, Verdana, Liberation Sans, Arial, Helvetica, Noto Sans, FreeSans, sans-serif';

/** string-pixel-width's Verdana widths: within about 4 % of DejaVu Sans on chart labels. */
const TEXT_METRICS = 'verdana';

export const FONT_INSTALL_HINT =
  'No font was found, so chart text in PNGs will be missing. Install a sans-serif font with ' +
  '`apt-get install -y fonts-dejavu-core` (Debian/Ubuntu) or point STCSIM_FONT at a .ttf/.otf file.';

/** string-pixel-width (its width tables take ~70 ms to load) is required on the first measurement. */
let pixelWidth: typeof PixelWidth | undefined;

/** Width in px of one line of chart text. */
export function textWidthPx(text: string, fontSizePx: number, bold = false): number {
  pixelWidth ??= createRequire(import.meta.url)('string-pixel-width') as typeof PixelWidth;
  return pixelWidth(text, { font: TEXT_METRICS, size: fontSizePx, bold });
}

/** Where distributions put DejaVu Sans (CHART_FONT's first family): Debian/Ubuntu, Fedora, Arch. */
const DEJAVU_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu-sans-fonts', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF'];
const DEJAVU_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

let fontOptions: NonNullable<ResvgRenderOptions['font']> | undefined;

/**
 * resvg's font options: only the file named by STCSIM_FONT (every family falls back to it); else
 * DejaVu Sans's regular and bold files when installed (the charts ask for it first, so the PNG is
 * the same as with every system font, without resvg scanning them all on every chart: 274 files
 * with TeX Live installed); else the system fonts (resvg picks from CHART_FONT).
 */
export function resvgFontOptions(): NonNullable<ResvgRenderOptions['font']> {
  const file = process.env.STCSIM_FONT;
  if (file !== undefined && file !== '') {
    if (!existsSync(file)) throw new Error(`STCSIM_FONT=${file} does not exist`);
    return { loadSystemFonts: false, fontFiles: [file] };
  }
  if (fontOptions === undefined) {
    const dir = DEJAVU_DIRS.find((d) => DEJAVU_FILES.every((f) => existsSync(join(d, f))));
    fontOptions = dir === undefined ? { loadSystemFonts: true }
      : { loadSystemFonts: false, fontFiles: DEJAVU_FILES.map((f) => join(dir, f)), defaultFontFamily: 'DejaVu Sans' };
  }
  return fontOptions;
}

let fontFound: boolean | undefined;

/**
 * True when resvg draws text with the fonts it finds: a one-word probe must leave ink. (resvg skips
 * text silently when it has no font at all.)
 */
export function pngTextDrawable(): boolean {
  if (fontFound === undefined) {
    const probe = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-family="${CHART_FONT}" font-size="12">Ag</text></svg>`;
    // resvg (a native addon) loads only when a PNG is drawn; chart specs need only the metrics.
    const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as { Resvg: typeof ResvgClass };
    const rgba = new Resvg(probe, { font: resvgFontOptions(), logLevel: 'off' }).render().pixels;
    fontFound = rgba.some((v, i) => i % 4 === 3 && v > 0);
  }
  return fontFound;
}
