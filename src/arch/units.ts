/**
 * Quantities in hardware-model files are strings with units ("500 MHz", "256 KiB", "0.1 pJ",
 * "8 pJ/bit", "2 mW"), parsed with mathjs and converted to the code's units (pJ, bits, Hz, mW, V,
 * bits/s, um^2). The word "unlimited" stands for +Infinity where a capacity or bandwidth may be unbounded.
 */
import { createRequire } from 'node:module';
import type * as MathJs from 'mathjs';
import { UsageError } from '../util/errors.ts';

// mathjs's single-file bundle (same package and version, an exported path): it loads in about a
// quarter of the time of the ESM entry's ~1,000 modules, which dominated `stcsim profile` start-up.
const { unit } = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as typeof MathJs;

/** The code's unit for each physical kind; names in the code carry the same unit. */
export const CODE_UNITS = {
  energy: 'pJ',
  energyPerBit: 'pJ/bit',
  bits: 'bit',
  frequency: 'Hz',
  power: 'mW',
  powerPerArea: 'mW/um^2',
  voltage: 'V',
  bandwidth: 'bit/s',
  area: 'um^2',
} as const;

export type QuantityKind = keyof typeof CODE_UNITS;

export class QuantityError extends UsageError {
  override name = 'QuantityError';
}

/**
 * Parses `text` as a quantity of `kind` and returns the number in the code's unit.
 * `where` names the file and JSON path for the error message.
 */
export function parseQuantity(text: string, kind: QuantityKind, where: string, allowUnlimited = false): number {
  const s = text.trim();
  if (s === 'unlimited') {
    if (allowUnlimited) return Infinity;
    throw new QuantityError(`${where}: "unlimited" is not allowed here; expected a ${kind} in ${CODE_UNITS[kind]}-compatible units`);
  }
  let value: number;
  try {
    value = unit(s).toNumber(CODE_UNITS[kind]);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new QuantityError(`${where}: cannot read "${text}" as a ${kind} (expected units convertible to ${CODE_UNITS[kind]}): ${why}`);
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new QuantityError(`${where}: "${text}" must be a finite non-negative ${kind}`);
  }
  return value;
}
