/**
 * Why paper mode and hardware mode differ, component by component: a chain of steps from the
 * paper-mode SNN energy to the hardware-mode energy whose differences add up exactly.
 */
import type { PaperEnergy } from './paper.ts';
import { energyByComponent, type SimResult } from './price.ts';

export interface GapStep {
  label: string;
  energyPJ: number;
  kind: 'total' | 'delta';
  /** What the step accounts for. */
  explanation: string;
}

const ARITHMETIC = new Set(['ac_array', 'cab', 'encoder']);

/** Per-image steps; `paper` must describe the same images the simulator replayed (per-image means). */
export function paperToHardwareGap(paper: PaperEnergy, sim: SimResult): GapStep[] {
  const n = Math.max(sim.images, 1);
  const t = paper.totals;
  const byComponent = energyByComponent(sim.layers.flatMap((l) => l.energy));
  let arithmetic = 0;
  let leakage = 0;
  const memory: GapStep[] = [];
  for (const [component, v] of byComponent) {
    leakage += v.leakagePJ / n;
    if (ARITHMETIC.has(component)) arithmetic += v.dynamicPJ / n;
    else if (v.dynamicPJ !== 0) {
      memory.push({ label: component, energyPJ: v.dynamicPJ / n, kind: 'delta', explanation: `${component} reads and writes, absent from the paper formula` });
    }
  }
  const hardware = sim.totals.energyPJ / n;
  return [
    { label: 'paper mode (formula)', energyPJ: t.snnPJ, kind: 'total', explanation: `AC x ${paper.preset.acPJ} pJ + MAC-class x ${paper.preset.macPJ} pJ, AC = dense MACs x zeta` },
    { label: 'exact AC count', energyPJ: t.snnExactPJ - t.snnPJ, kind: 'delta', explanation: 'the formula ignores borders and strides; exact (spike, output) pairs instead' },
    {
      label: 'arithmetic at hardware widths and node',
      energyPJ: arithmetic - t.snnExactPJ,
      kind: 'delta',
      explanation: 'AC adds, CAB multiplies/shifts, encoder compares/subtracts and MAC layers priced at the accelerator\'s word widths and the node, instead of two constants; batch norm folded or not per the hardware file',
    },
    ...memory,
    { label: 'leakage', energyPJ: leakage, kind: 'delta', explanation: 'leakage power x runtime, all components' },
    { label: `hardware mode (${sim.accelerator}, ${sim.tech.node})`, energyPJ: hardware, kind: 'total', explanation: 'sum over actions of count x pJ per action, plus leakage' },
  ];
}
