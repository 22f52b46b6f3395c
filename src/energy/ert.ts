/**
 * Energy reference table (ERT), Accelergy-style: component x action -> pJ per action, each entry
 * with its source and the scaling applied. Built once per (accelerator, technology); energy is
 * then sum over actions of count x pJ (energize). Action counts never carry energy themselves.
 */
import type { Accelerator } from '../arch/accelerator.ts';
import { componentSpecs, type ActionUnit, type ComponentSpec, type Estimate } from '../arch/components.ts';
import type { Tech } from '../arch/tech.ts';
import type { ActionCount } from '../hw/actions.ts';
import { sig4 } from '../util/format.ts';

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

/**
 * Builds the ERT for an accelerator at a technology node from the component registry
 * (src/arch/components.ts). Logic and SRAM energies scale with the Stillmaker-Baas energy ratio;
 * DRAM energies do not (separate chip); leakage power scales with the power ratio and is charged
 * per cycle at the accelerator's clock. Action entries come first (registry order), then leakage:
 * the STCB chip's components first, then the twins' own.
 */
export function buildErt(accel: Accelerator, tech: Tech, clockHz: number): Ert {
  const ert: Ert = new Map();
  const eScale = tech.scales.energy;
  const energyScaling = `x${sig4(eScale)} E(${tech.node}@${sig4(tech.voltageV)}V)/E(45nm@${sig4(tech.referenceVoltageV)}V) [${tech.scalesSource}]`;
  const powerScaling = `x${sig4(tech.scales.power)} P(${tech.node}@${sig4(tech.voltageV)}V)/P(45nm@${sig4(tech.referenceVoltageV)}V) [${tech.scalesSource}], / ${sig4(clockHz / 1e6)} MHz`;
  const put = (component: string, action: string, unit: ActionUnit, ref: Estimate, factor: number, scaling: string): void => {
    const key = ertKey(component, action);
    const user = tech.overridesPJ[key];
    if (user) {
      ert.set(key, { component, action, pJ: user.value, unit, source: user.source === 'user' ? 'user' : user.source, estimator: 'user', scaling: 'none (explicit value in tech file or override)' });
      return;
    }
    ert.set(key, { component, action, pJ: ref.value * factor, unit, source: ref.source, estimator: ref.estimator, scaling });
  };
  const specs = componentSpecs(accel);
  for (const c of specs) {
    for (const a of c.actions) {
      const scaled = a.scaling === 'energy';
      put(c.name, a.action, a.unit, a.energyPJ(tech), scaled ? eScale : 1, scaled ? energyScaling : 'none');
    }
  }
  const onChip = (c: ComponentSpec): boolean => (c.leaksOn ?? c.chips).includes('stcb');
  for (const c of [...specs.filter(onChip), ...specs.filter((c) => !onChip(c))]) {
    if (!c.leakageMW) continue;
    const p = c.leakageMW(tech);
    // pJ per cycle = mW * 1e-3 W / clockHz * 1e12 pJ/J.
    put(c.name, 'leak', 'cycle', { ...p, value: (p.value * 1e9) / clockHz }, tech.scales.power, powerScaling);
  }
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
