/**
 * Find an installed sans-serif font for PNG rendering. resvg draws no text without a font file, and
 * stcsim must not download one, so we look in the usual Debian/Ubuntu/Fedora places (or STCSIM_FONT)
 * and say clearly what to install when nothing is there.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface FontInfo {
  path: string;
  /** Family name read from the font's `name` table, e.g. "DejaVu Sans". */
  family: string;
}

/** Preferred files, best first: metrics close to Helvetica/Arial, complete Latin + Greek (µ). */
const PREFERRED_FILES = [
  'DejaVuSans.ttf',
  'LiberationSans-Regular.ttf',
  'NotoSans-Regular.ttf',
  'FreeSans.ttf',
  'Arial.ttf',
  'arial.ttf',
] as const;

const FONT_ROOTS = ['/usr/share/fonts', '/usr/local/share/fonts', '/usr/share/fonts/truetype'] as const;

export const FONT_INSTALL_HINT =
  'No sans-serif font file was found, so chart text in PNGs will be missing. Install one with ' +
  '`apt-get install -y fonts-dejavu-core` (Debian/Ubuntu) or point STCSIM_FONT at a .ttf/.otf file.';

function readU16(b: Buffer, o: number): number {
  return b.readUInt16BE(o);
}

/**
 * Family name (nameID 16 "typographic family", else 1) from an sfnt (TTF/OTF) file, or undefined
 * when the file is not one we can read.
 */
export function fontFamilyName(file: Buffer): string | undefined {
  if (file.length < 12) return undefined;
  const numTables = readU16(file, 4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (rec + 16 > file.length) return undefined;
    if (file.toString('latin1', rec, rec + 4) !== 'name') continue;
    const table = file.readUInt32BE(rec + 8);
    const count = readU16(file, table + 2);
    const strings = table + readU16(file, table + 4);
    const found = new Map<number, string>();
    for (let k = 0; k < count; k++) {
      const r = table + 6 + k * 12;
      const platform = readU16(file, r);
      const nameId = readU16(file, r + 6);
      const length = readU16(file, r + 8);
      const offset = strings + readU16(file, r + 10);
      if ((nameId !== 1 && nameId !== 16) || found.has(nameId)) continue;
      const raw = file.subarray(offset, offset + length);
      // Platform 3 (Windows) and 0 (Unicode) store UTF-16BE; platform 1 (Mac) stores Mac Roman ~ latin1.
      let text = '';
      if (platform === 1) text = raw.toString('latin1');
      else for (let j = 0; j + 1 < raw.length; j += 2) text += String.fromCharCode(raw.readUInt16BE(j));
      if (text.length > 0) found.set(nameId, text);
    }
    return found.get(16) ?? found.get(1);
  }
  return undefined;
}

function walk(dir: string, depth: number, out: Map<string, string>): void {
  if (depth < 0) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (isDir) walk(p, depth - 1, out);
    else if (!out.has(e)) out.set(e, p);
  }
}

function infoFor(path: string): FontInfo | undefined {
  try {
    const family = fontFamilyName(readFileSync(path));
    return family === undefined ? undefined : { path, family };
  } catch {
    return undefined;
  }
}

let cached: FontInfo | null | undefined;

/**
 * The sans-serif font to render with: STCSIM_FONT if set (an error if unreadable), else the first
 * preferred file found under the standard font directories. Undefined when none exists.
 */
export function findSansFont(): FontInfo | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const override = process.env.STCSIM_FONT;
  if (override !== undefined && override !== '') {
    const info = existsSync(override) ? infoFor(override) : undefined;
    if (info === undefined) throw new Error(`STCSIM_FONT=${override} is not a readable TrueType/OpenType font file`);
    cached = info;
    return info;
  }
  const files = new Map<string, string>();
  for (const root of FONT_ROOTS) walk(root, 4, files);
  for (const name of PREFERRED_FILES) {
    const p = files.get(name);
    const info = p === undefined ? undefined : infoFor(p);
    if (info !== undefined) {
      cached = info;
      return info;
    }
  }
  // Any sans-looking regular face beats no text at all.
  for (const [name, p] of files) {
    if (/sans/i.test(name) && !/mono|bold|italic|oblique|condensed/i.test(basename(name)) && /\.(ttf|otf)$/i.test(name)) {
      const info = infoFor(p);
      if (info !== undefined) {
        cached = info;
        return info;
      }
    }
  }
  cached = null;
  return undefined;
}

/** Forget the cached lookup (tests that change STCSIM_FONT). */
export function resetFontCache(): void {
  cached = undefined;
}

export interface FontMetrics {
  unitsPerEm: number;
  /** Advance width in font units of a code point (the .notdef width when unmapped). */
  advance: (codePoint: number) => number;
}

function findTable(file: Buffer, tag: string): number | undefined {
  const numTables = readU16(file, 4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (file.toString('latin1', rec, rec + 4) === tag) return file.readUInt32BE(rec + 8);
  }
  return undefined;
}

/**
 * Horizontal advance widths from an sfnt file (head, hhea, hmtx and a format-4 Unicode cmap), so
 * chart layout can reserve the space text really takes instead of vega's 0.8 em-per-character guess.
 */
export function fontMetrics(file: Buffer): FontMetrics | undefined {
  try {
    const head = findTable(file, 'head');
    const hhea = findTable(file, 'hhea');
    const hmtx = findTable(file, 'hmtx');
    const cmap = findTable(file, 'cmap');
    if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) return undefined;
    const unitsPerEm = readU16(file, head + 18);
    const numHMetrics = readU16(file, hhea + 34);
    let sub: number | undefined;
    const numSub = readU16(file, cmap + 2);
    for (let i = 0; i < numSub; i++) {
      const r = cmap + 4 + i * 8;
      const platform = readU16(file, r);
      const encoding = readU16(file, r + 2);
      const offset = cmap + file.readUInt32BE(r + 4);
      if (readU16(file, offset) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
        sub = offset;
        break;
      }
    }
    if (sub === undefined) return undefined;
    const segX2 = readU16(file, sub + 6);
    const ends = sub + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    const glyphOf = (cp: number): number => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segX2; s += 2) {
        if (readU16(file, ends + s) < cp) continue;
        const start = readU16(file, starts + s);
        if (start > cp) return 0;
        const delta = readU16(file, deltas + s);
        const ro = readU16(file, rangeOffsets + s);
        if (ro === 0) return (cp + delta) & 0xffff;
        const g = readU16(file, rangeOffsets + s + ro + 2 * (cp - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
    const advanceOfGlyph = (g: number): number => readU16(file, hmtx + 4 * Math.min(g, numHMetrics - 1));
    const cache = new Map<number, number>();
    return {
      unitsPerEm,
      advance: (cp: number): number => {
        let w = cache.get(cp);
        if (w === undefined) {
          w = advanceOfGlyph(glyphOf(cp));
          cache.set(cp, w);
        }
        return w;
      },
    };
  } catch {
    return undefined;
  }
}

/** Text width in px at a font size, from real metrics (bold adds ~8%, DejaVu Sans Bold vs Book). */
export function measureText(metrics: FontMetrics, text: string, fontSizePx: number, bold = false): number {
  let units = 0;
  for (const ch of text) units += metrics.advance(ch.codePointAt(0) ?? 0);
  return (units / metrics.unitsPerEm) * fontSizePx * (bold ? 1.08 : 1);
}
