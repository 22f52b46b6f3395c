/**
 * Accelerator descriptions (hw-models/accelerators/*.json) parsed into plain structs in the code's
 * units. The file format is documented by hw-models/schema/accelerator.schema.json and docs/hardware.md.
 */
import path from 'node:path';
import { parseQuantity } from './units.ts';
import { HW_MODELS_DIR, readJson, validateAgainst } from './validate.ts';

export type ComponentName =
  | 'encoder' | 'ac_array' | 'cab' | 'bn'
  | 'weight_buffer' | 'act_buffer' | 'spike_buffer' | 'psum_buffer' | 'dram';

export const BUFFER_COMPONENTS = ['weight_buffer', 'act_buffer', 'spike_buffer', 'psum_buffer'] as const;
export type BufferName = (typeof BUFFER_COMPONENTS)[number];
export const LEAKY_COMPONENTS = ['encoder', 'ac_array', 'cab', ...BUFFER_COMPONENTS] as const;
export type LeakyComponent = (typeof LEAKY_COMPONENTS)[number];

export interface BufferSpec {
  /** Capacity in bits (Infinity when unlimited). */
  capacityBits: number;
  banks: number;
  /** One bank's port width in bits per cycle (Infinity when unlimited). */
  portBits: number;
  /** '1rw': reads and writes share a bank's port; '1r1w': separate read and write ports. */
  ports: '1rw' | '1r1w';
}

export interface AcceleratorOptions {
  spikeStorage: 'bitmap' | 'address-events';
  acPacking: 'per-spike' | 'packed';
  psumsInArrayRegisters: boolean;
  weightStationary: boolean;
  scaledWeights: boolean;
  foldBatchNorm: boolean;
  cabAccumulator: 'psum-buffer' | 'registers';
  timing: 'flow-shop' | 'overlapped' | 'sequential';
  pipelineLatencyCycles: number;
  bankConflicts: boolean;
  doubleBufferedLoads: boolean;
  scaleClockWithNode: boolean;
}

export const DEFAULT_OPTIONS: Readonly<AcceleratorOptions> = Object.freeze({
  spikeStorage: 'bitmap',
  acPacking: 'per-spike',
  psumsInArrayRegisters: false,
  weightStationary: false,
  scaledWeights: false,
  foldBatchNorm: true,
  cabAccumulator: 'psum-buffer',
  timing: 'flow-shop',
  pipelineLatencyCycles: 0,
  bankConflicts: true,
  doubleBufferedLoads: true,
  scaleClockWithNode: false,
});

export interface SourcedNumber { value: number; source: string }

export interface Accelerator {
  name: string;
  /** File it came from ('' when built in code). */
  file: string;
  /** Clock at the 45 nm reference. */
  clockHz: number;
  weightBits: number;
  activationBits: number;
  psumBits: number;
  accumulatorBits: number;
  encoderLanes: number;
  acLanes: number;
  /** Psum words the AC array can hold (psumsInArrayRegisters). */
  acPsumRegisters: number;
  /** Weight words the AC array can hold (weightStationary). */
  acWeightRegisters: number;
  cabLanes: number;
  buffers: Record<BufferName, BufferSpec>;
  dramType: 'LPDDR4' | 'HBM2' | 'GDDR5' | 'DDR3';
  /** DRAM bandwidth in bits/s (Infinity when unlimited). */
  dramBitsPerSecond: number;
  /** Leakage power per component at the 45 nm reference, mW. */
  leakageMW: Partial<Record<LeakyComponent, SourcedNumber>>;
  options: AcceleratorOptions;
}

/** JSON shape of an accelerator file (after schema validation). */
interface BufferJson { capacity: string; banks: number; portWidth: string; ports?: '1rw' | '1r1w' }
interface SourcedJson { value: string; source: string }
export interface AcceleratorJson {
  name: string;
  clock: string;
  precision: { weight: string; activation: string; psum: string; accumulator: string };
  encoder: { lanes: number };
  acArray: { lanes: number; psumRegisters?: number; weightRegisters?: number };
  cab: { lanes: number };
  buffers: Record<'weights' | 'activations' | 'spikes' | 'psums', BufferJson>;
  dram: { type: Accelerator['dramType']; bandwidth: string; source?: string };
  leakage: Partial<Record<LeakyComponent, SourcedJson>>;
  options: Partial<AcceleratorOptions>;
}

const BUFFER_KEYS: Record<BufferName, keyof AcceleratorJson['buffers']> = {
  weight_buffer: 'weights', act_buffer: 'activations', spike_buffer: 'spikes', psum_buffer: 'psums',
};

/** Converts validated JSON into an Accelerator; `file` names the source in error messages. */
export function parseAccelerator(json: unknown, file = '<inline>'): Accelerator {
  validateAgainst('accelerator.schema.json', json, file);
  const j = json as AcceleratorJson;
  const at = (p: string): string => `${file}: ${p}`;
  const bits = (s: string, p: string): number => parseQuantity(s, 'bits', at(p));
  const buffers = {} as Record<BufferName, BufferSpec>;
  for (const [name, key] of Object.entries(BUFFER_KEYS) as [BufferName, keyof AcceleratorJson['buffers']][]) {
    const b = j.buffers[key];
    buffers[name] = {
      capacityBits: parseQuantity(b.capacity, 'bits', at(`/buffers/${key}/capacity`), true),
      banks: b.banks,
      portBits: parseQuantity(b.portWidth, 'bits', at(`/buffers/${key}/portWidth`), true),
      ports: b.ports ?? '1r1w',
    };
    if (buffers[name].portBits === 0) throw new Error(at(`/buffers/${key}/portWidth: must be > 0`));
  }
  const leakageMW: Accelerator['leakageMW'] = {};
  for (const [c, v] of Object.entries(j.leakage) as [LeakyComponent, SourcedJson][]) {
    leakageMW[c] = { value: parseQuantity(v.value, 'power', at(`/leakage/${c}/value`)), source: v.source };
  }
  const accel: Accelerator = {
    name: j.name,
    file,
    clockHz: parseQuantity(j.clock, 'frequency', at('/clock')),
    weightBits: bits(j.precision.weight, '/precision/weight'),
    activationBits: bits(j.precision.activation, '/precision/activation'),
    psumBits: bits(j.precision.psum, '/precision/psum'),
    accumulatorBits: bits(j.precision.accumulator, '/precision/accumulator'),
    encoderLanes: j.encoder.lanes,
    acLanes: j.acArray.lanes,
    acPsumRegisters: j.acArray.psumRegisters ?? 0,
    acWeightRegisters: j.acArray.weightRegisters ?? 0,
    cabLanes: j.cab.lanes,
    buffers,
    dramType: j.dram.type,
    dramBitsPerSecond: parseQuantity(j.dram.bandwidth, 'bandwidth', at('/dram/bandwidth'), true),
    leakageMW,
    options: { ...DEFAULT_OPTIONS, ...j.options },
  };
  if (!(accel.clockHz > 0)) throw new Error(at('/clock: must be > 0'));
  if (accel.dramBitsPerSecond === 0) throw new Error(at('/dram/bandwidth: must be > 0'));
  return accel;
}

/**
 * Loads an accelerator file. `nameOrPath` is a path to a JSON file or the name of a shipped model
 * in hw-models/accelerators/ (e.g. "stcb-default").
 */
export function loadAccelerator(nameOrPath: string): Accelerator {
  const file = acceleratorPath(nameOrPath);
  return parseAccelerator(readJson(file), file);
}

/** The file behind an accelerator name ("stcb-default") or path. */
export function acceleratorPath(nameOrPath: string): string {
  return nameOrPath.endsWith('.json') || nameOrPath.includes(path.sep) || nameOrPath.includes('/')
    ? nameOrPath
    : path.join(HW_MODELS_DIR, 'accelerators', `${nameOrPath}.json`);
}

/** A copy of `a` with some fields replaced (design-space sweeps). */
export function withChanges(a: Accelerator, changes: Partial<Omit<Accelerator, 'options'>> & { options?: Partial<AcceleratorOptions> }): Accelerator {
  return { ...a, ...changes, options: { ...a.options, ...(changes.options ?? {}) } };
}
