/**
 * Accelerator descriptions (hw-models/accelerators/*.json) parsed into plain structs in the code's
 * units. The file format is documented by hw-models/schema/accelerator.schema.json and docs/hardware.md.
 */
import path from 'node:path';
import type { AcceleratorFile } from './schema-types.ts';
import { parseQuantity } from './units.ts';
import { HW_MODELS_DIR, HwModelError, readJson, validateAgainst } from './validate.ts';

export type ComponentName =
  | 'encoder' | 'ac_array' | 'cab' | 'bn'
  | 'weight_buffer' | 'act_buffer' | 'spike_buffer' | 'psum_buffer' | 'dram'
  | 'lif_neuron' | 'membrane_buffer';

export const BUFFER_COMPONENTS = ['weight_buffer', 'act_buffer', 'spike_buffer', 'psum_buffer'] as const;
export type BufferName = (typeof BUFFER_COMPONENTS)[number];
/** Components whose leakage an accelerator file may state (`leakage`): an explicit override of the cost laws. */
export const LEAKY_COMPONENTS = ['encoder', 'ac_array', 'cab', ...BUFFER_COMPONENTS, 'mac_array', 'lif_neuron', 'membrane_buffer'] as const;
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

/** Widened words for V(t)-scaled weights (options.scaledWeights): an 8-bit threshold mantissa. */
export const SCALED_WEIGHT_EXTRA_BITS = 8;

/**
 * Named dataflows of the STCB chip: which operand the AC array keeps in its registers (docs/hardware.md,
 * "Dataflows", with a worked example). Each sets the two reuse options; a file that names a dataflow
 * may not set those options itself.
 */
export type StcbDataflow = 'weight-stationary' | 'output-stationary' | 'input-stationary';
export const STCB_DATAFLOWS: Readonly<Record<StcbDataflow, Pick<AcceleratorOptions, 'weightStationary' | 'psumsInArrayRegisters'>>> = Object.freeze({
  // A tile's weights sit in the array registers; spikes stream past them; psums read-modify-write the psum buffer per AC.
  'weight-stationary': { weightStationary: true, psumsInArrayRegisters: false },
  // A tile's partial sums sit in the array registers; each AC reads its weight from the weight buffer.
  'output-stationary': { weightStationary: false, psumsInArrayRegisters: true },
  // Each spike is held while its fan-out is served: one weight read and one psum read-modify-write per AC.
  'input-stationary': { weightStationary: false, psumsInArrayRegisters: false },
});

/** The named dataflow an option set amounts to ('custom': weights and psums both held in registers). */
export function dataflowOf(o: Pick<AcceleratorOptions, 'weightStationary' | 'psumsInArrayRegisters'>): StcbDataflow | 'custom' {
  const hit = (Object.entries(STCB_DATAFLOWS) as [StcbDataflow, (typeof STCB_DATAFLOWS)[StcbDataflow]][])
    .find(([, p]) => p.weightStationary === o.weightStationary && p.psumsInArrayRegisters === o.psumsInArrayRegisters);
  return hit ? hit[0] : 'custom';
}

export interface SourcedNumber { value: number; source: string }

/** How the LIF twin's neurons leak their membrane each step: u * beta, or u - (u >> k) (beta = 1 - 2^-k). */
export type LifLeak = 'multiply' | 'shift';

/** Explicit LIF-twin settings of a file (`lifTwin`); unset fields take the defaults of lifTwinSpec(). */
export interface LifTwinSettings {
  membraneBits?: number;
  leak?: LifLeak;
  lanes?: number;
}

/** The LIF twin's resolved settings (docs/hardware.md, "LIF-SNN twin"). */
export interface LifTwinSpec {
  /** Membrane-potential word, bits (default: the psum width, the range of the currents it integrates). */
  membraneBits: number;
  /** Leak operation (default multiply, like the STCB's CAB multiply under the exp schedule). */
  leak: LifLeak;
  /** Neuron-update lanes (default: the CAB lanes they replace). */
  lanes: number;
}

/** Resolves the LIF twin's settings; defaults follow the accelerator, so sweeps that change it carry over. */
export function lifTwinSpec(a: Accelerator): LifTwinSpec {
  return {
    membraneBits: a.lifTwin?.membraneBits ?? a.psumBits,
    leak: a.lifTwin?.leak ?? 'multiply',
    lanes: a.lifTwin?.lanes ?? a.cabLanes,
  };
}

/** Dataflows of the ANN twin's systolic array (SCALE-Sim's names); 'best' picks the fastest per layer. */
export type SystolicDataflow = 'ws' | 'os' | 'is';
export const SYSTOLIC_DATAFLOWS: readonly SystolicDataflow[] = ['ws', 'os', 'is'];

/** Explicit ANN-twin array settings of a file (`annTwin`); unset: sized from the compute area, best dataflow. */
export interface AnnTwinSettings {
  rows?: number;
  cols?: number;
  dataflow?: SystolicDataflow | 'best';
}

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
  /** Explicit leakage overrides per component at the 45 nm reference, mW (absent: the technology's laws). */
  leakageMW: Partial<Record<LeakyComponent, SourcedNumber>>;
  options: AcceleratorOptions;
  /** Settings of the LIF-SNN twin (simulate's lifTwin); absent fields take lifTwinSpec's defaults. */
  lifTwin?: LifTwinSettings;
  /** Settings of the ANN twin's systolic array; absent fields are sized from the compute area. */
  annTwin?: AnnTwinSettings;
}

/** JSON of an accelerator file after schema validation: the type is generated from its JSON Schema. */
export type AcceleratorJson = AcceleratorFile;
type SourcedJson = NonNullable<NonNullable<AcceleratorJson['leakage']>['encoder']>;

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
  for (const [c, v] of Object.entries(j.leakage ?? {}) as [LeakyComponent, SourcedJson][]) {
    leakageMW[c] = { value: parseQuantity(v.value, 'power', at(`/leakage/${c}/value`)), source: v.source };
  }
  if (j.dataflow !== undefined) {
    const clash = (['weightStationary', 'psumsInArrayRegisters'] as const).filter((k) => j.options[k] !== undefined);
    if (clash.length > 0) throw new Error(at(`/options: ${clash.join(' and ')} conflict with "dataflow": "${j.dataflow}", which sets them; remove one`));
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
    options: { ...DEFAULT_OPTIONS, ...j.options, ...(j.dataflow ? STCB_DATAFLOWS[j.dataflow] : {}) },
  };
  if (j.lifTwin) {
    const lif: LifTwinSettings = {};
    if (j.lifTwin.membrane !== undefined) lif.membraneBits = bits(j.lifTwin.membrane, '/lifTwin/membrane');
    if (j.lifTwin.leak !== undefined) lif.leak = j.lifTwin.leak;
    if (j.lifTwin.lanes !== undefined) lif.lanes = j.lifTwin.lanes;
    if (lif.membraneBits === 0) throw new Error(at('/lifTwin/membrane: must be > 0'));
    accel.lifTwin = lif;
  }
  if (j.annTwin) {
    if ((j.annTwin.rows === undefined) !== (j.annTwin.cols === undefined)) throw new Error(at('/annTwin: give both rows and cols, or neither'));
    accel.annTwin = { ...j.annTwin };
  }
  if (!(accel.clockHz > 0)) throw new Error(at('/clock: must be > 0'));
  if (accel.dramBitsPerSecond === 0) throw new Error(at('/dram/bandwidth: must be > 0'));
  checkSane(accel, at);
  return accel;
}

/** Largest lane or array count accepted: 2^24 (16 M), far past any real array, far below what breaks arithmetic. */
const MAX_COUNT = 2 ** 24;

/**
 * Values the schema lets through but no chip has: non-finite numbers (JSON `1e999` parses as Infinity),
 * zero or non-integer word widths, zero lanes. Refused with the field's JSON path.
 */
function checkSane(a: Accelerator, at: (p: string) => string): void {
  const widths: [string, number][] = [
    ['/precision/weight', a.weightBits], ['/precision/activation', a.activationBits],
    ['/precision/psum', a.psumBits], ['/precision/accumulator', a.accumulatorBits],
  ];
  if (a.lifTwin?.membraneBits !== undefined) widths.push(['/lifTwin/membrane', a.lifTwin.membraneBits]);
  for (const [p, v] of widths) {
    if (!Number.isInteger(v) || v < 1 || v > 64) throw new HwModelError(at(`${p}: a word width must be a whole number of bits in 1..64, got ${v}`));
  }
  const counts: [string, number | undefined, number][] = [
    ['/encoder/lanes', a.encoderLanes, 1], ['/acArray/lanes', a.acLanes, 1], ['/cab/lanes', a.cabLanes, 1],
    ['/acArray/psumRegisters', a.acPsumRegisters, 0], ['/acArray/weightRegisters', a.acWeightRegisters, 0],
    ['/lifTwin/lanes', a.lifTwin?.lanes, 1], ['/annTwin/rows', a.annTwin?.rows, 1], ['/annTwin/cols', a.annTwin?.cols, 1],
  ];
  for (const [name, b] of Object.entries(a.buffers)) counts.push([`/buffers/${name}/banks`, b.banks, 1]);
  for (const [p, v, min] of counts) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < min || v > MAX_COUNT) throw new HwModelError(at(`${p}: must be a whole number in ${min}..${MAX_COUNT}, got ${v}`));
  }
  if (!Number.isFinite(a.clockHz)) throw new HwModelError(at(`/clock: must be finite, got ${a.clockHz}`));
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
