/**
 * Energy reference table (ERT), Accelergy-style: component x action -> pJ per action, each entry
 * with its source and the scaling applied. Built once per (accelerator, technology); energy is
 * then sum over actions of count x pJ (energize). Action counts never carry energy themselves.
 */
import type { Accelerator, BufferName, LeakyComponent } from '../arch/accelerator.ts';
import { BUFFER_COMPONENTS, LEAKY_COMPONENTS, lifTwinSpec } from '../arch/accelerator.ts';
import type { SourcedValue, Tech } from '../arch/tech.ts';
import type { ActionCount } from '../hw/actions.ts';
import { sramPJPerBit, widthLaw } from '../arch/laws.ts';

/** What one counted action is: an operation, one bit moved, or one cycle of leakage. */
export type ActionUnit = 'op' | 'bit' | 'cycle';

export interface ErtEntry {
  component: string;
  action: string;
  /** Energy per action (per op, per bit, or per cycle for 'leak'), pJ. */
  pJ: number;
  unit: ActionUnit;
  /** Bibliography key, or 'user' for an explicit override. */
  source: string;
  /** How the value was obtained (e.g. "int add 24b, power law between 8b and 32b"). */
  estimator: string;
  /** Scaling applied to the reference value, e.g. "x0.0684 E(7nm@0.7V)/E(45nm@0.9V)". */
  scaling: string;
}


export interface EnergyCell extends ActionCount {
  pJ: number;
  energyPJ: number;
}

export type Ert = Map<string, ErtEntry>;

export const ertKey = (component: string, action: string): string => `${component}.${action}`;


function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/**
 * Builds the ERT for an accelerator at a technology node. Logic and SRAM energies scale with the
 * Stillmaker-Baas energy ratio; DRAM energies do not (separate chip); leakage power scales with
 * the power ratio and is charged per cycle at the accelerator's clock.
 */
export function buildErt(accel: Accelerator, tech: Tech, clockHz: number): Ert {
  const ert: Ert = new Map();
  const eScale = tech.scales.energy;
  const scaleText = `x${fmt(eScale)} E(${tech.node}@${fmt(tech.voltageV)}V)/E(45nm@${fmt(tech.referenceVoltageV)}V) [${tech.scalesSource}]`;
  const put = (component: string, action: string, unit: ActionUnit, ref: { value: number; source: string }, estimator: string, scaled: 'energy' | 'none' | 'power'): void => {
    const key = ertKey(component, action);
    const user = tech.overridesPJ[key];
    if (user) {
      ert.set(key, { component, action, pJ: user.value, unit, source: user.source === 'user' ? 'user' : user.source, estimator: 'user', scaling: 'none (explicit value in tech file or override)' });
      return;
    }
    const factor = scaled === 'energy' ? eScale : scaled === 'power' ? tech.scales.power : 1;
    const scaling = scaled === 'energy' ? scaleText
      : scaled === 'power' ? `x${fmt(tech.scales.power)} P(${tech.node}@${fmt(tech.voltageV)}V)/P(45nm@${fmt(tech.referenceVoltageV)}V) [${tech.scalesSource}], / ${fmt(clockHz / 1e6)} MHz`
      : 'none';
    ert.set(key, { component, action, pJ: ref.value * factor, unit, source: ref.source, estimator, scaling });
  };
  const ref = tech.referencePJ;
  const add = (bits: number) => widthLaw(ref, 'int_add', bits);
  const mult = (bits: number) => widthLaw(ref, 'int_mult', bits);
  const lawText = (what: string, bits: number) => `${what} ${bits}b, power law between 8b and 32b`;

  put('encoder', 'compare', 'op', add(accel.activationBits), lawText('int add (compare)', accel.activationBits), 'energy');
  put('encoder', 'subtract', 'op', add(accel.activationBits), lawText('int add (subtract)', accel.activationBits), 'energy');
  put('ac_array', 'add', 'op', add(accel.psumBits), lawText('int add', accel.psumBits), 'energy');
  put('cab', 'multiply', 'op', mult(accel.psumBits), lawText('int mult', accel.psumBits), 'energy');
  put('cab', 'shift', 'op', add(accel.accumulatorBits), lawText('shift ~ int add', accel.accumulatorBits), 'energy');
  put('cab', 'add', 'op', add(accel.accumulatorBits), lawText('int add', accel.accumulatorBits), 'energy');
  const macBits = Math.max(accel.weightBits, accel.activationBits);
  put('cab', 'mac_multiply', 'op', mult(macBits), lawText('int mult', macBits), 'energy');
  put('cab', 'mac_add', 'op', add(accel.accumulatorBits), lawText('int add', accel.accumulatorBits), 'energy');
  put('bn', 'multiply', 'op', mult(accel.activationBits), lawText('int mult', accel.activationBits), 'energy');
  put('bn', 'add', 'op', add(accel.activationBits), lawText('int add', accel.activationBits), 'energy');
  put('mac_array', 'multiply', 'op', mult(macBits), lawText('int mult', macBits), 'energy');
  put('mac_array', 'add', 'op', add(accel.accumulatorBits), lawText('int add', accel.accumulatorBits), 'energy');
  for (const b of BUFFER_COMPONENTS as readonly BufferName[]) {
    const spec = accel.buffers[b];
    const bankBits = spec.capacityBits / spec.banks;
    const e = sramPJPerBit(ref, bankBits);
    const size = Number.isFinite(bankBits) ? `${fmt(bankBits / 8192)} KiB bank` : 'unlimited (1 MiB bank assumed)';
    put(b, 'read', 'bit', e, `SRAM ${size}, log-log between 8 KiB/32 KiB/1 MiB 64-bit accesses, /64`, 'energy');
    put(b, 'write', 'bit', e, `SRAM ${size}, write = read`, 'energy');
  }
  // LIF twin (docs/hardware.md, "LIF-SNN twin"): neuron ops at the membrane width with the same
  // adder/multiplier laws as the CAB; `leak_*` is the membrane leak op (`.leak` is leakage power).
  const lif = lifTwinSpec(accel);
  const mb = lif.membraneBits;
  put('lif_neuron', 'integrate', 'op', add(mb), lawText('int add (u += I(t))', mb), 'energy');
  put('lif_neuron', 'bias', 'op', add(mb), lawText('int add (bias / folded BN shift current)', mb), 'energy');
  put('lif_neuron', 'leak_multiply', 'op', mult(mb), lawText('int mult (u * beta)', mb), 'energy');
  put('lif_neuron', 'leak_shift', 'op', add(mb), lawText('shift-subtract u - (u >> k) ~ int add', mb), 'energy');
  put('lif_neuron', 'compare', 'op', add(mb), lawText('int add (compare u with threshold)', mb), 'energy');
  put('lif_neuron', 'reset', 'op', add(mb), lawText('int add (subtract threshold on a spike)', mb), 'energy');
  {
    const spec = accel.buffers.psum_buffer;
    const bankBits = spec.capacityBits / spec.banks;
    const e = sramPJPerBit(ref, bankBits);
    const size = Number.isFinite(bankBits) ? `${fmt(bankBits / 8192)} KiB bank` : 'unlimited (1 MiB bank assumed)';
    put('membrane_buffer', 'read', 'bit', e, `SRAM ${size} (sized like psum_buffer), log-log between 8 KiB/32 KiB/1 MiB 64-bit accesses, /64`, 'energy');
    put('membrane_buffer', 'write', 'bit', e, `SRAM ${size} (sized like psum_buffer), write = read`, 'energy');
  }
  const dram = tech.dramPJPerBit[accel.dramType];
  if (!dram) throw new Error(`tech ${tech.node} has no DRAM energy for type ${accel.dramType}`);
  put('dram', 'read', 'bit', dram, `${accel.dramType} per bit`, 'none');
  put('dram', 'write', 'bit', dram, `${accel.dramType} per bit`, 'none');
  for (const c of LEAKY_COMPONENTS as readonly LeakyComponent[]) {
    const p = accel.leakageMW[c];
    // mW / Hz = 1e-3 J per cycle / 1e... : pJ per cycle = mW * 1e-3 / clockHz * 1e12.
    const perCycle = p ? { value: (p.value * 1e9) / clockHz, source: p.source } : { value: 0, source: 'stcsim-assumption' };
    put(c, 'leak', 'cycle', perCycle, p ? `leakage ${fmt(p.value)} mW at 45 nm` : 'no leakage given', 'power');
  }
  // ANN twin leakage: its MAC array has the compute area of the encoder, AC and CAB lanes together
  // (that is how its lane count is chosen), so it is charged their summed leakage power.
  const compute = (['encoder', 'ac_array', 'cab'] as const).map((c) => accel.leakageMW[c]);
  const computeMW = compute.reduce((a, p) => a + (p?.value ?? 0), 0);
  const computeSource = compute.find((p) => p !== undefined)?.source ?? 'stcsim-assumption';
  put('mac_array', 'leak', 'cycle', { value: (computeMW * 1e9) / clockHz, source: computeSource },
    `leakage of encoder + ac_array + cab (${fmt(computeMW)} mW at 45 nm): same compute area`, 'power');
  // LIF twin leakage from the file's own values: the neuron lanes leak like the CAB lanes they
  // replace (scaled by the lane ratio), the membrane buffer like the psum buffer it is sized after.
  const cab = accel.leakageMW.cab;
  const laneRatio = lif.lanes / accel.cabLanes;
  put('lif_neuron', 'leak', 'cycle', cab ? { value: (cab.value * laneRatio * 1e9) / clockHz, source: cab.source } : { value: 0, source: 'stcsim-assumption' },
    cab ? `leakage of cab (${fmt(cab.value)} mW at 45 nm) x ${fmt(laneRatio)} lane ratio` : 'no leakage given', 'power');
  const ps = accel.leakageMW.psum_buffer;
  put('membrane_buffer', 'leak', 'cycle', ps ? { value: (ps.value * 1e9) / clockHz, source: ps.source } : { value: 0, source: 'stcsim-assumption' },
    ps ? `leakage of psum_buffer (${fmt(ps.value)} mW at 45 nm), same size` : 'no leakage given', 'power');
  return ert;
}

/** Energy of each counted action: count x ERT entry. Missing entries are an error, not zero. */
export function energize(counts: readonly ActionCount[], ert: Ert): EnergyCell[] {
  return counts.map((c) => {
    const e = ert.get(ertKey(c.component, c.action));
    if (!e) throw new Error(`no ERT entry for ${c.component}.${c.action}`);
    return { ...c, pJ: e.pJ, energyPJ: c.count * e.pJ };
  });
}
