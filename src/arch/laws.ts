/**
 * Cost laws: how a reference value (45 nm, a given word width or memory size) becomes the value of
 * a component of another size. Each law names the reference points it is fitted to; tests check it
 * reproduces them (test/arch/laws.test.ts).
 */
import type { SourcedValue, Tech } from './tech.ts';

/** Power law through two reference points (8b and 32b), as Horowitz's adders (~w) and multipliers (~w^2). */
export function widthLaw(ref: Record<string, SourcedValue>, kind: 'int_add' | 'int_mult', bits: number): SourcedValue {
  const a = ref[`${kind}_8b`];
  const b = ref[`${kind}_32b`];
  if (!a || !b) throw new Error(`tech reference table lacks ${kind}_8b / ${kind}_32b`);
  const exponent = Math.log(b.value / a.value) / Math.log(4);
  return { value: a.value * (bits / 8) ** exponent, source: a.source };
}

const SRAM_POINTS: [string, number][] = [['sram_64b_8KiB', 8 * 8192], ['sram_64b_32KiB', 8 * 32768], ['sram_64b_1MiB', 8 * 1048576]];
/** Bank size assumed for unlimited buffers (the largest reference point). */
export const UNLIMITED_BANK_BITS = 8 * 1048576;

/**
 * SRAM energy per bit for a bank of `bankBits`: log-log interpolation of Horowitz's 64-bit cache
 * accesses (8 KiB 10 pJ, 32 KiB 20 pJ, 1 MiB 100 pJ), extrapolated with the end segments' slopes,
 * divided by 64. A pessimistic (cache-like) estimate for scratchpads; override it per buffer.
 */
export function sramPJPerBit(ref: Record<string, SourcedValue>, bankBits: number): SourcedValue {
  const pts = SRAM_POINTS.map(([k, bits]) => {
    const v = ref[k];
    if (!v) throw new Error(`tech reference table lacks ${k}`);
    return { x: Math.log(bits), y: Math.log(v.value), source: v.source };
  });
  const x = Math.log(Number.isFinite(bankBits) ? Math.max(bankBits, 64) : UNLIMITED_BANK_BITS);
  const seg = x <= pts[1].x ? 0 : 1;
  const p = pts[seg];
  const q = pts[seg + 1];
  const y = p.y + ((q.y - p.y) * (x - p.x)) / (q.x - p.x);
  return { value: Math.exp(y) / 64, source: p.source };
}

/** Area in um^2 at the node of an int adder or multiplier of `bits` (same power law as energy). */
export function arithmeticAreaUm2(tech: Tech, kind: 'int_add' | 'int_mult', bits: number): number {
  return widthLaw(tech.referenceAreaUm2, kind, bits).value * tech.areaFactor;
}
