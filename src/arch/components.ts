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
import { sramPJPerBit, widthLaw } from './laws.ts';
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

/** Read and write of an SRAM of `bankBits` per bank, per bit moved. */
function sramActions(bankBits: number, sizedLike = ''): ActionSpec[] {
  const size = Number.isFinite(bankBits) ? `${sig4(bankBits / 8192)} KiB bank` : 'unlimited (1 MiB bank assumed)';
  const est = (t: Tech, what: string): Estimate => ({ ...sramPJPerBit(t.referencePJ, bankBits), estimator: what });
  return [
    { action: 'read', unit: 'bit', scaling: 'energy', energyPJ: (t) => est(t, `SRAM ${size}${sizedLike}, log-log between 8 KiB/32 KiB/1 MiB 64-bit accesses, /64`) },
    { action: 'write', unit: 'bit', scaling: 'energy', energyPJ: (t) => est(t, `SRAM ${size}${sizedLike}, write = read`) },
  ];
}

const NO_LEAKAGE: Estimate = { value: 0, source: 'stcsim-assumption', estimator: 'no leakage given' };

/** The leakage a file states for a component (an explicit value per component). */
function fileLeakage(a: Accelerator, c: LeakyComponent): () => Estimate {
  const p = a.leakageMW[c];
  return () => (p ? { value: p.value, source: p.source, estimator: `leakage ${sig4(p.value)} mW at 45 nm` } : NO_LEAKAGE);
}

const BUFFER_CHIPS: Record<BufferName, readonly Chip[]> = {
  weight_buffer: ['stcb', 'ann', 'lif'], act_buffer: ['stcb', 'ann', 'lif'], spike_buffer: ['stcb', 'lif'], psum_buffer: ['stcb', 'ann', 'lif'],
};

/** Every component of `a` (STCB chip and twins), in report order. */
export function componentSpecs(a: Accelerator): ComponentSpec[] {
  const macBits = Math.max(a.weightBits, a.activationBits);
  const lif = lifTwinSpec(a);
  const mb = lif.membraneBits;
  const bankBits = (b: BufferName): number => a.buffers[b].capacityBits / a.buffers[b].banks;
  const compute = (['encoder', 'ac_array', 'cab'] as const).map((c) => a.leakageMW[c]);
  const computeMW = compute.reduce((s, p) => s + (p?.value ?? 0), 0);
  const cab = a.leakageMW.cab;
  const laneRatio = lif.lanes / a.cabLanes;
  const ps = a.leakageMW.psum_buffer;
  const dram = (t: Tech): Estimate => {
    const d = t.dramPJPerBit[a.dramType];
    if (!d) throw new Error(`tech ${t.node} has no DRAM energy for type ${a.dramType}`);
    return { ...d, estimator: `${a.dramType} per bit` };
  };
  return [
    {
      name: 'encoder', chips: ['stcb'], leakageMW: fileLeakage(a, 'encoder'),
      actions: [arith('compare', 'int_add', a.activationBits, 'int add (compare)'), arith('subtract', 'int_add', a.activationBits, 'int add (subtract)')],
    },
    { name: 'ac_array', chips: ['stcb', 'lif'], leakageMW: fileLeakage(a, 'ac_array'), actions: [arith('add', 'int_add', a.psumBits, 'int add')] },
    {
      name: 'cab', chips: ['stcb', 'lif'], leaksOn: ['stcb'], leakageMW: fileLeakage(a, 'cab'),
      actions: [
        arith('multiply', 'int_mult', a.psumBits, 'int mult'),
        arith('shift', 'int_add', a.accumulatorBits, 'shift ~ int add'),
        arith('add', 'int_add', a.accumulatorBits, 'int add'),
        arith('mac_multiply', 'int_mult', macBits, 'int mult'),
        arith('mac_add', 'int_add', a.accumulatorBits, 'int add'),
      ],
    },
    { name: 'bn', chips: ['stcb', 'ann', 'lif'], actions: [arith('multiply', 'int_mult', a.activationBits, 'int mult'), arith('add', 'int_add', a.activationBits, 'int add')] },
    {
      // The ANN twin's MAC array has the compute area of the encoder, AC and CAB lanes together (that
      // is how its lane count is chosen), so it is charged their summed leakage power.
      name: 'mac_array', chips: ['ann'],
      actions: [arith('multiply', 'int_mult', macBits, 'int mult'), arith('add', 'int_add', a.accumulatorBits, 'int add')],
      leakageMW: () => ({ value: computeMW, source: compute.find((p) => p !== undefined)?.source ?? 'stcsim-assumption', estimator: `leakage of encoder + ac_array + cab (${sig4(computeMW)} mW at 45 nm): same compute area` }),
    },
    ...(BUFFER_COMPONENTS as readonly BufferName[]).map((b): ComponentSpec => ({
      name: b, chips: BUFFER_CHIPS[b], actions: sramActions(bankBits(b)), leakageMW: fileLeakage(a, b),
    })),
    {
      // LIF twin (docs/hardware.md, "LIF-SNN twin"): neuron ops at the membrane width with the same
      // adder/multiplier laws as the CAB; `leak_*` is the membrane leak op (`.leak` is leakage power).
      // Its lanes leak like the CAB lanes they replace, scaled by the lane ratio.
      name: 'lif_neuron', chips: ['lif'],
      actions: [
        arith('integrate', 'int_add', mb, 'int add (u += I(t))'),
        arith('bias', 'int_add', mb, 'int add (bias / folded BN shift current)'),
        arith('leak_multiply', 'int_mult', mb, 'int mult (u * beta)'),
        arith('leak_shift', 'int_add', mb, 'shift-subtract u - (u >> k) ~ int add'),
        arith('compare', 'int_add', mb, 'int add (compare u with threshold)'),
        arith('reset', 'int_add', mb, 'int add (subtract threshold on a spike)'),
      ],
      leakageMW: () => (cab ? { value: cab.value * laneRatio, source: cab.source, estimator: `leakage of cab (${sig4(cab.value)} mW at 45 nm) x ${sig4(laneRatio)} lane ratio` } : NO_LEAKAGE),
    },
    {
      name: 'membrane_buffer', chips: ['lif'], actions: sramActions(bankBits('psum_buffer'), ' (sized like psum_buffer)'),
      leakageMW: () => (ps ? { value: ps.value, source: ps.source, estimator: `leakage of psum_buffer (${sig4(ps.value)} mW at 45 nm), same size` } : NO_LEAKAGE),
    },
    {
      name: 'dram', chips: ['stcb', 'ann', 'lif'],
      actions: [
        { action: 'read', unit: 'bit', scaling: 'none', energyPJ: dram },
        { action: 'write', unit: 'bit', scaling: 'none', energyPJ: dram },
      ],
    },
  ];
}

/** Names of the components of one chip that leak (charged leakage for every cycle the chip runs). */
export function leakyComponents(a: Accelerator, chip: Chip): string[] {
  return componentSpecs(a).filter((c) => c.leakageMW !== undefined && (c.leaksOn ?? c.chips).includes(chip)).map((c) => c.name);
}
