/**
 * The component registry: every component of the STCB accelerator template and its twins declares,
 * once, which chips have it, the actions it performs with an energy estimate per action, and its
 * leakage and area (Accelergy's ERT/ART split: src/energy/ builds the tables from these entries and
 * prices counts with them). Estimates here are at the 45 nm reference node; src/energy/ert.ts and
 * src/energy/art.ts apply the technology's scaling and any user override.
 *
 * To add a component: add an entry to componentSpecs (with its actions' estimates and sources), then
 * count its actions in src/hw/ (docs/architecture.md, "Adding a component").
 */
import { BUFFER_COMPONENTS, lifTwinSpec, type Accelerator, type BufferName, type LeakyComponent } from './accelerator.ts';
import { arithmeticAreaUm2, logicLeakageMW, registerAreaUm2, sramAreaUm2, sramLeakageMW, sramPJPerBit, widthLaw, type SramShape } from './laws.ts';
import type { SourcedValue, Tech } from './tech.ts';
import { sig4 } from '../util/format.ts';

/** What one counted action is: an operation, one bit moved, or one cycle of leakage. */
export type ActionUnit = 'op' | 'bit' | 'cycle';

/** The chips a run reports: the STCB accelerator and its two twins. */
export type Chip = 'stcb' | 'ann' | 'lif';

/** One estimate at the reference node, with where it came from. */
export interface Estimate extends SourcedValue {
  /** How the value was obtained (e.g. "int add 24b, power law between 8b and 32b"). */
  estimator: string;
}

export interface ActionSpec {
  action: string;
  unit: Exclude<ActionUnit, 'cycle'>;
  /** Energy per action at the reference node (45 nm at the tech file's reference voltage), pJ. */
  energyPJ: (tech: Tech) => Estimate;
  /** 'energy': scaled with the Stillmaker-Baas energy ratio; 'none': off-chip (DRAM), not scaled. */
  scaling: 'energy' | 'none';
}

export interface ComponentSpec {
  name: string;
  chips: readonly Chip[];
  actions: readonly ActionSpec[];
  /** Area at the reference node, um^2 (scaled with the node's area factor); undefined: off chip or none. */
  areaUm2?: (tech: Tech) => Estimate;
  /** Leakage power at the reference node, mW (scaled with the power ratio); undefined: does not leak. */
  leakageMW?: (tech: Tech) => Estimate;
  /** Chips charged this leakage (default: `chips`); the LIF twin uses the CAB for MAC layers, but its neuron lanes replace the CAB's leakage. */
  leaksOn?: readonly Chip[];
}

const lawText = (what: string, bits: number): string => `${what} ${bits}b, power law between 8b and 32b`;

/** An arithmetic action priced by Horowitz's width law. */
function arith(action: string, kind: 'int_add' | 'int_mult', bits: number, what: string): ActionSpec {
  return {
    action, unit: 'op', scaling: 'energy',
    energyPJ: (t) => ({ ...widthLaw(t.referencePJ, kind, bits), estimator: lawText(what, bits) }),
  };
}

/** Read and write of an SRAM, per bit moved (one access / its width). */
function sramActions(shape: SramShape, label: string): ActionSpec[] {
  const est = (t: Tech, op: 'read' | 'write'): Estimate => ({
    value: sramPJPerBit(t, shape, op),
    source: 'cacti7-45nm',
    estimator: `SRAM ${label} ${op}: [(1-h) E64(bank) + h E64(array)] x width x ports law, per bit`,
  });
  return [
    { action: 'read', unit: 'bit', scaling: 'energy', energyPJ: (t) => est(t, 'read') },
    { action: 'write', unit: 'bit', scaling: 'energy', energyPJ: (t) => est(t, 'write') },
  ];
}

function sramLabel(shape: SramShape): string {
  if (!Number.isFinite(shape.capacityBits)) return 'unlimited (1 MiB banks assumed)';
  const port = Number.isFinite(shape.portBits) ? `${shape.portBits}-bit` : '64-bit';
  return `${sig4(shape.capacityBits / 8192)} KiB, ${shape.banks} bank(s), ${port} ${shape.ports}`;
}

/** An SRAM buffer component: access energies, area and leakage from the SRAM laws (leakage overridable). */
function sramComponent(name: string, chips: readonly Chip[], shape: SramShape, override: Estimate | undefined, sizedLike = ''): ComponentSpec {
  const label = `${sramLabel(shape)}${sizedLike}`;
  return {
    name, chips, actions: sramActions(shape, label),
    areaUm2: (t) => ({ value: sramAreaUm2(t, shape), source: t.laws.sram.areaPerBitUm2.source, estimator: `SRAM ${label}: bits x ${sig4(t.laws.sram.areaPerBitUm2.value)} um^2/bit x banking x ports` }),
    leakageMW: (t) => override ?? {
      value: sramLeakageMW(t, shape), source: t.laws.leakage.sramPerBitMW.source,
      estimator: `SRAM ${label}, ${t.laws.devices} cells: (${sig4(t.laws.leakage.sramPerArrayMW.value)} mW + bits x ${sig4(t.laws.leakage.sramPerBitMW.value * 1e6)} nW) x banking x ports`,
    },
  };
}

/** Logic of `areaOf` um^2: its area, and leakage per area of the technology's device flavour (or the file's override). */
function logic(areaOf: (t: Tech) => number, what: string, override: Estimate | undefined): Pick<ComponentSpec, 'areaUm2' | 'leakageMW'> {
  return {
    areaUm2: (t) => ({ value: areaOf(t), source: 'horowitz2014', estimator: what }),
    leakageMW: (t) => override ?? {
      value: logicLeakageMW(t, areaOf(t)), source: t.laws.leakage.logicPerAreaMWPerUm2.source,
      estimator: `area x ${sig4(t.laws.leakage.logicPerAreaMWPerUm2.value * 1e6)} nW/um^2 (${t.laws.devices} devices)`,
    },
  };
}

/** The leakage a file states for a component, marked as an explicit override; undefined: use the laws. */
function fileLeakage(a: Accelerator, c: LeakyComponent): Estimate | undefined {
  const p = a.leakageMW[c];
  return p ? { value: p.value, source: p.source, estimator: `explicit override in the accelerator file: ${sig4(p.value)} mW at 45 nm` } : undefined;
}

const BUFFER_CHIPS: Record<BufferName, readonly Chip[]> = {
  weight_buffer: ['stcb', 'ann', 'lif'], act_buffer: ['stcb', 'ann', 'lif'], spike_buffer: ['stcb', 'lif'], psum_buffer: ['stcb', 'ann', 'lif'],
};

/** Area of one systolic processing element at 45 nm: multiplier, adder and its weight, input and psum registers. */
export function macPeAreaUm2(a: Accelerator, t: Tech): number {
  const macBits = Math.max(a.weightBits, a.activationBits);
  return arithmeticAreaUm2(t, 'int_mult', macBits) + arithmeticAreaUm2(t, 'int_add', a.accumulatorBits)
    + registerAreaUm2(t, a.weightBits + a.activationBits + a.accumulatorBits);
}

const encoderAreaUm2 = (a: Accelerator, t: Tech): number =>
  a.encoderLanes * (arithmeticAreaUm2(t, 'int_add', a.activationBits) + registerAreaUm2(t, a.activationBits));
/** Register bits of the AC array that its mapping uses: psum registers when psums stay in the array, weight registers when weights are stationary. */
export function acArrayRegisterBits(a: Accelerator): number {
  return (a.options.psumsInArrayRegisters ? a.acPsumRegisters * a.psumBits : 0) + (a.options.weightStationary ? a.acWeightRegisters * a.weightBits : 0);
}
const acArrayAreaUm2 = (a: Accelerator, t: Tech): number =>
  a.acLanes * arithmeticAreaUm2(t, 'int_add', a.psumBits) + registerAreaUm2(t, acArrayRegisterBits(a));
const cabAreaUm2 = (a: Accelerator, t: Tech): number =>
  a.cabLanes * (arithmeticAreaUm2(t, 'int_mult', a.psumBits) + arithmeticAreaUm2(t, 'int_add', a.accumulatorBits) + registerAreaUm2(t, a.accumulatorBits));

/** Compute area of the STCB chip (encoder, AC array with its registers, CAB) at 45 nm: what the ANN twin's array gets. */
export function stcbComputeAreaUm2(a: Accelerator, t: Tech): number {
  return encoderAreaUm2(a, t) + acArrayAreaUm2(a, t) + cabAreaUm2(a, t);
}

/** `pes` PEs arranged as square as possible: R = floor(sqrt(pes)), C = floor(pes / R) (R * C <= pes). */
export function squareArray(pes: number): { rows: number; cols: number } {
  const n = Math.max(1, Math.floor(pes));
  const rows = Math.floor(Math.sqrt(n));
  return { rows, cols: Math.floor(n / rows) };
}

/**
 * The ANN twin's systolic array: the file's rows x cols, else the processing elements that fit the
 * STCB chip's compute area (lanes and array registers, 45 nm areas), arranged as square as possible.
 */
export function annTwinArray(a: Accelerator, t: Tech): { rows: number; cols: number; computeAreaUm2: number } {
  const computeAreaUm2 = stcbComputeAreaUm2(a, t);
  const r = a.annTwin;
  if (r?.rows !== undefined && r.cols !== undefined) return { rows: r.rows, cols: r.cols, computeAreaUm2 };
  return { ...squareArray(computeAreaUm2 / macPeAreaUm2(a, t)), computeAreaUm2 };
}

/** Every component of `a` (STCB chip and twins), in report order. */
export function componentSpecs(a: Accelerator): ComponentSpec[] {
  const macBits = Math.max(a.weightBits, a.activationBits);
  const lif = lifTwinSpec(a);
  const mb = lif.membraneBits;
  const user = (c: LeakyComponent): Estimate | undefined => fileLeakage(a, c);
  const dram = (t: Tech): Estimate => {
    const d = t.dramPJPerBit[a.dramType];
    if (!d) throw new Error(`tech ${t.node} has no DRAM energy for type ${a.dramType}`);
    return { ...d, estimator: `${a.dramType} per bit (off chip: not scaled with the logic node)` };
  };
  return [
    {
      name: 'encoder', chips: ['stcb'],
      actions: [arith('compare', 'int_add', a.activationBits, 'int add (compare)'), arith('subtract', 'int_add', a.activationBits, 'int add (subtract)')],
      ...logic((t) => encoderAreaUm2(a, t), `${a.encoderLanes} lanes x (int add ${a.activationBits}b + ${a.activationBits}-bit register)`, user('encoder')),
    },
    {
      name: 'ac_array', chips: ['stcb', 'lif'],
      // `shift`: a multi-threshold spike's level multiplies the weight by shifts and adds (hw/lif-network.ts).
      actions: [arith('add', 'int_add', a.psumBits, 'int add'), arith('shift', 'int_add', a.psumBits, 'shift ~ int add (weight x spike level, mlif)')],
      ...logic((t) => acArrayAreaUm2(a, t), `${a.acLanes} lanes x int add ${a.psumBits}b + ${acArrayRegisterBits(a)} register bits in use (psum/weight registers per options)`, user('ac_array')),
    },
    {
      // The LIF twin runs its MAC layers on the CAB, but its neuron lanes replace the CAB: no CAB leakage there.
      name: 'cab', chips: ['stcb', 'lif'], leaksOn: ['stcb'],
      actions: [
        arith('multiply', 'int_mult', a.psumBits, 'int mult'),
        arith('shift', 'int_add', a.accumulatorBits, 'shift ~ int add'),
        arith('add', 'int_add', a.accumulatorBits, 'int add'),
        arith('mac_multiply', 'int_mult', macBits, 'int mult'),
        arith('mac_add', 'int_add', a.accumulatorBits, 'int add'),
      ],
      ...logic((t) => cabAreaUm2(a, t), `${a.cabLanes} lanes x (int mult ${a.psumBits}b + int add ${a.accumulatorBits}b + ${a.accumulatorBits}-bit register)`, user('cab')),
    },
    // Batch norm that is not folded runs on the CAB lanes' arithmetic: no area of its own.
    { name: 'bn', chips: ['stcb', 'ann', 'lif'], actions: [arith('multiply', 'int_mult', a.activationBits, 'int mult'), arith('add', 'int_add', a.activationBits, 'int add')] },
    {
      name: 'mac_array', chips: ['ann'],
      actions: [arith('multiply', 'int_mult', macBits, 'int mult'), arith('add', 'int_add', a.accumulatorBits, 'int add')],
      ...logic((t) => { const ar = annTwinArray(a, t); return ar.rows * ar.cols * macPeAreaUm2(a, t); }, `processing elements x (int mult ${macBits}b + int add ${a.accumulatorBits}b + weight, input and psum registers)`, user('mac_array')),
    },
    ...(BUFFER_COMPONENTS as readonly BufferName[]).map((b) => sramComponent(b, BUFFER_CHIPS[b], a.buffers[b], user(b))),
    {
      // LIF twin (docs/hardware.md, "LIF-SNN twin"): neuron ops at the membrane width with the same
      // adder/multiplier laws as the CAB; `leak_*` is the membrane leak op (`.leak` is leakage power).
      name: 'lif_neuron', chips: ['lif'],
      actions: [
        arith('integrate', 'int_add', mb, 'int add (u += I(t))'),
        arith('bias', 'int_add', mb, 'int add (bias / folded BN shift current)'),
        arith('leak_multiply', 'int_mult', mb, 'int mult (u * beta)'),
        arith('leak_shift', 'int_add', mb, 'shift-subtract u - (u >> k) ~ int add'),
        arith('compare', 'int_add', mb, 'int add (compare u with threshold)'),
        arith('reset', 'int_add', mb, 'int add (subtract threshold on a spike)'),
        // Event input with a synaptic kernel: I'(t) = sum_k h_k I(t - k), one multiply-add per output, step and tap.
        arith('filter_multiply', 'int_mult', mb, 'int mult (h_k * I(t - k), synaptic kernel)'),
        arith('filter_add', 'int_add', mb, 'int add (sum of the kernel taps)'),
      ],
      ...logic((t) => lif.lanes * (arithmeticAreaUm2(t, 'int_mult', mb) + arithmeticAreaUm2(t, 'int_add', mb)), `${lif.lanes} lanes x (int mult + int add ${mb}b)`, user('lif_neuron')),
    },
    sramComponent('membrane_buffer', ['lif'], a.buffers.psum_buffer, user('membrane_buffer'), ' (sized like psum_buffer)'),
    {
      name: 'dram', chips: ['stcb', 'ann', 'lif'],
      actions: [
        { action: 'read', unit: 'bit', scaling: 'none', energyPJ: dram },
        { action: 'write', unit: 'bit', scaling: 'none', energyPJ: dram },
      ],
    },
  ];
}

/** Names of the components of one chip that leak (charged leakage for every cycle the chip runs), in registry order. */
export function leakyComponents(specs: readonly ComponentSpec[], chip: Chip): string[] {
  return specs.filter((c) => c.leakageMW !== undefined && (c.leaksOn ?? c.chips).includes(chip)).map((c) => c.name);
}
