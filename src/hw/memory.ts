/**
 * The memory side of the replay: how many cycles a given amount of traffic takes on a buffer's banked
 * ports or on the DRAM channel, the bank/port service of one AC cycle's accesses, and how many bits a
 * spike store needs. Pure arithmetic on the accelerator's buffer specs; no state.
 */
import type { Accelerator, AcceleratorOptions, BufferName } from '../arch/accelerator.ts';

/** Cycles to move `bits` through a buffer's banks (0 when the port is unlimited). */
export function portCycles(accel: Accelerator, b: BufferName, bits: number): number {
  const s = accel.buffers[b];
  if (!Number.isFinite(s.portBits) || bits === 0) return 0;
  return Math.ceil(bits / (s.portBits * s.banks));
}

/**
 * Cycles to read `readBits` and write `writeBits` through buffer b's ports: a 1rw port serves both in
 * turn, 1r1w ports in parallel (the LIF twin's membrane buffer is sized and ported like the psum buffer).
 */
export function readWritePortCycles(accel: Accelerator, b: BufferName, readBits: number, writeBits: number): number {
  const s = accel.buffers[b];
  if (!Number.isFinite(s.portBits)) return 0;
  const perCycle = s.portBits * s.banks;
  return s.ports === '1rw' ? Math.ceil((readBits + writeBits) / perCycle) : Math.ceil(Math.max(readBits, writeBits) / perCycle);
}

/** Cycles for `bits` of DRAM traffic at the accelerator's bandwidth. */
export function dramCycles(accel: Accelerator, clockHz: number, bits: number): number {
  if (!Number.isFinite(accel.dramBitsPerSecond) || bits === 0) return 0;
  return Math.ceil((bits * clockHz) / accel.dramBitsPerSecond);
}

/** Service cycles of one access pattern: without bank conflicts (`free`) and with them (`conflicted`). */
export interface BankService { free: number; conflicted: number }

/**
 * Service cycles for `words` accessed in one AC cycle from buffer b (bank/port model,
 * docs/hardware.md): a run of `runLength` consecutive words spreads over at most that many banks
 * when options.bankConflicts is on.
 */
export function bankService(accel: Accelerator, b: BufferName, words: number, wordBits: number, accessesPerWord: number, runLength: number): BankService {
  const s = accel.buffers[b];
  if (!Number.isFinite(s.portBits) || words === 0 || accessesPerWord === 0) return { free: 1, conflicted: 1 };
  const perBank = Math.max(1, Math.floor(s.portBits / wordBits));
  const free = Math.max(1, Math.ceil((words * accessesPerWord) / (s.banks * perBank)));
  const usable = accel.options.bankConflicts ? Math.min(s.banks, runLength) : s.banks;
  const conflicted = Math.max(free, Math.ceil((words * accessesPerWord) / (usable * perBank)));
  return { free, conflicted };
}

/** Bits of one spike address among `neurons` neurons (address-event storage). */
export function addressBits(neurons: number): number {
  return Math.max(1, Math.ceil(Math.log2(neurons)));
}

/** Bits to store `spikes` spikes of `neurons` neurons over `timesteps` steps: a bitmap, or one address per spike. */
export function spikeStoreBits(storage: AcceleratorOptions['spikeStorage'], neurons: number, timesteps: number, spikes: number): number {
  return storage === 'bitmap' ? neurons * timesteps : spikes * addressBits(neurons);
}
