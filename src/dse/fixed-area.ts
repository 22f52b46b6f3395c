/**
 * Same-area comparisons (--fixed-area <buffer>): every point's buffer capacity is solved so that the
 * STCB chip's area equals an area budget (the base accelerator's area), so a sweep over lanes trades
 * lanes for SRAM at constant silicon. SRAM area is linear in capacity at a fixed bank count and port
 * arrangement (src/arch/laws.ts sramAreaUm2), so two evaluations of the chip's own area law give the
 * line and its root; nothing here restates the law.
 */
import { BUFFER_COMPONENTS, parseAccelerator, type BufferName } from '../arch/accelerator.ts';
import type { Tech } from '../arch/tech.ts';
import { buildArt, chipArea } from '../energy/art.ts';
import { ALIASES, setPath } from './space.ts';

export interface FixedAreaBuffer {
  buffer: BufferName;
  /** JSON path of its capacity in the accelerator file. */
  path: string;
}

/** The buffer --fixed-area names: a component (weight_buffer) or its capacity's path (buffers.weights.capacity). */
export function fixedAreaBuffer(name: string): FixedAreaBuffer {
  const n = name.trim();
  const buffer = BUFFER_COMPONENTS.find((b) => b === n || ALIASES[b] === n);
  if (!buffer) {
    throw new Error(`--fixed-area takes a buffer: ${BUFFER_COMPONENTS.join(', ')} (or its capacity's path, e.g. ${ALIASES.weight_buffer}), got "${name}"`);
  }
  return { buffer, path: ALIASES[buffer] };
}

/** Area of the STCB chip described by accelerator-file JSON at a technology, um^2. */
export function chipAreaUm2(acceleratorJson: unknown, tech: Tech, where = '<inline>'): number {
  const accel = parseAccelerator(acceleratorJson, where);
  return chipArea(buildArt(accel, tech), 'stcb').totalUm2;
}

/** Capacity used to measure the slope of the area line: large enough that rounding does not matter. */
const PROBE_BITS = 1 << 24;

/**
 * The capacity (whole bits, rounded down so the chip never exceeds the budget) that makes the chip's
 * area equal `budgetUm2`; negative when even an empty buffer leaves the chip over the budget.
 */
export function solveCapacityBits(acceleratorJson: unknown, fixed: FixedAreaBuffer, tech: Tech, budgetUm2: number, where = '<inline>'): number {
  const at = (bits: number): number => chipAreaUm2(setPath(acceleratorJson, fixed.path, `${bits} bit`), tech, where);
  const emptyUm2 = at(0);
  const perBitUm2 = (at(PROBE_BITS) - emptyUm2) / PROBE_BITS;
  if (!(perBitUm2 > 0)) throw new Error(`--fixed-area ${fixed.buffer}: its area does not grow with its capacity, so no capacity can set the chip's area`);
  // The nudge keeps rounding noise from taking a bit off an exact answer (the base point's own capacity).
  return Math.floor((budgetUm2 - emptyUm2) / perBitUm2 + 1e-6);
}
