/**
 * Traffic records of a replayed layer: bits read and written per buffer and DRAM, and how they become
 * read/write action counts for pricing.
 */
import type { BufferName } from '../arch/accelerator.ts';
import type { ActionCount } from './actions.ts';

export interface TrafficBits { readBits: number; writeBits: number }

export type Traffic = Record<BufferName | 'dram', TrafficBits>;

export function emptyTraffic(): Traffic {
  const z = (): TrafficBits => ({ readBits: 0, writeBits: 0 });
  return { weight_buffer: z(), act_buffer: z(), spike_buffer: z(), psum_buffer: z(), dram: z() };
}

/** Books a load of `bits` from DRAM into buffer `b`. */
export function loadFromDram(traffic: Traffic, b: BufferName, bits: number): void {
  traffic[b].writeBits += bits;
  traffic.dram.readBits += bits;
}

/** Total DRAM bits of a record (the DRAM lower bound). */
export function dramBits(traffic: Traffic): number {
  return traffic.dram.readBits + traffic.dram.writeBits;
}

/** Appends buffer and DRAM traffic (in bits) as read/write actions. */
export function pushTraffic(actions: ActionCount[], traffic: Readonly<Record<string, TrafficBits>>): void {
  for (const [b, v] of Object.entries(traffic)) {
    actions.push({ component: b, action: 'read', count: v.readBits }, { component: b, action: 'write', count: v.writeBits });
  }
}
