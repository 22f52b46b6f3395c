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

/** Bank size assumed for unlimited buffers (1 MiB, the largest published reference point). */
export const UNLIMITED_BANK_BITS = 8 * 1048576;

/** An SRAM array as the cost laws see it; capacity Infinity means an idealised, unlimited buffer. */
export interface SramShape {
  capacityBits: number;
  banks: number;
  /** One bank's port width (Infinity: the 64-bit reference access). */
  portBits: number;
  ports: '1rw' | '1r1w';
}

/** Read energy of one 64-bit access to a monolithic array of `bits` at 45 nm: k (C / 1 KiB)^a. */
function read64PJ(t: Tech, bits: number): number {
  const s = t.laws.sram;
  return s.readEnergy64b1KiBPJ.value * (bits / 8192) ** s.capacityExponent.value;
}

const accessWidth = (shape: SramShape): number => (Number.isFinite(shape.portBits) ? shape.portBits : 64);

/**
 * Energy of one access (one port-width word) at 45 nm:
 *   E = [(1 - h) E64(C/B) + h E64(C)] x (a + (1 - a) w / 64) x (dual-port factor)
 * E64 is the capacity power law (exponent from CACTI 7, level through Horowitz's three points), h the
 * share of the monolithic array's energy the inter-bank routing keeps (CACTI 7 banked arrays), a the
 * width-independent share of a read or a write (CACTI 7, 64-512-bit ports).
 */
export function sramAccessPJ(t: Tech, shape: SramShape, op: 'read' | 'write'): number {
  const s = t.laws.sram;
  const total = Number.isFinite(shape.capacityBits) ? shape.capacityBits : UNLIMITED_BANK_BITS * shape.banks;
  const bank = total / shape.banks;
  const h = shape.banks > 1 ? s.bankRouting.value : 0;
  const e64 = (1 - h) * read64PJ(t, Math.max(bank, 64)) + h * read64PJ(t, Math.max(total, 64));
  const a = op === 'read' ? s.readWidthFixed.value : s.writeWidthFixed.value;
  const port = shape.ports === '1r1w' ? s.dualPortEnergy.value : 1;
  return e64 * (a + (1 - a) * (accessWidth(shape) / 64)) * port;
}

/** Energy per bit moved: one access divided by the bits it moves. */
export function sramPJPerBit(t: Tech, shape: SramShape, op: 'read' | 'write'): number {
  return sramAccessPJ(t, shape, op) / accessWidth(shape);
}

const bankFactor = (perDoubling: number, banks: number): number => 1 + perDoubling * Math.log2(banks);

/** Area at 45 nm, um^2: bits x area per bit x banking x dual-port factors; an unlimited buffer has none. */
export function sramAreaUm2(t: Tech, shape: SramShape): number {
  if (!Number.isFinite(shape.capacityBits)) return 0;
  const s = t.laws.sram;
  return shape.capacityBits * s.areaPerBitUm2.value * bankFactor(s.bankAreaPerDoubling.value, shape.banks) * (shape.ports === '1r1w' ? s.dualPortArea.value : 1);
}

/** Leakage at 45 nm, mW: (fixed + per bit x bits) x banking x dual-port factors; an unlimited buffer has none. */
export function sramLeakageMW(t: Tech, shape: SramShape): number {
  if (!Number.isFinite(shape.capacityBits)) return 0;
  const { sram, leakage } = t.laws;
  return (leakage.sramPerArrayMW.value + leakage.sramPerBitMW.value * shape.capacityBits)
    * bankFactor(sram.bankLeakagePerDoubling.value, shape.banks) * (shape.ports === '1r1w' ? sram.dualPortLeakage.value : 1);
}

/** Leakage at 45 nm of logic (lanes, registers) of `areaUm2`, mW. */
export function logicLeakageMW(t: Tech, areaUm2: number): number {
  return areaUm2 * t.laws.leakage.logicPerAreaMWPerUm2.value;
}

/** Area at 45 nm of `bits` register bits (flip-flops), um^2. */
export function registerAreaUm2(t: Tech, bits: number): number {
  return bits * t.laws.registerAreaPerBitUm2.value;
}

/** Area at 45 nm of an int adder or multiplier of `bits` (Horowitz's areas, same power law as energy), um^2. */
export function arithmeticAreaUm2(tech: Tech, kind: 'int_add' | 'int_mult', bits: number): number {
  return widthLaw(tech.referenceAreaUm2, kind, bits).value;
}
