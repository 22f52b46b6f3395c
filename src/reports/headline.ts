/**
 * The two sentences that explain a run's headline, computed from the paper -> hardware gap
 * (src/energy/gap.ts) and the per-component energies of the chip and its ANN twin:
 *   1. what dominates hardware-mode energy (the largest step of the gap, with its share), and
 *   2. why the hardware ANN/STCB ratio differs from the paper ANN/SNN ratio (paper mode prices only
 *      arithmetic; in hardware the dominant component is paid by both chips).
 * Nothing here is canned: every figure and every component name comes from the run.
 */
import type { GapStep } from '../energy/gap.ts';
import type { HwSummary } from './hw-tables.ts';

const uJ = (pJ: number): string => `${Number((pJ / 1e6).toPrecision(3))} uJ`;
const pct = (part: number, whole: number): string => `${whole > 0 ? Math.round((100 * part) / whole) : 0}%`;
const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a');

/** Hardware energy spent on the arithmetic paper mode counts: paper total + the exact-AC and arithmetic steps. */
export function hardwareArithmeticPJ(gap: readonly GapStep[]): number {
  const paper = gap.find((s) => s.kind === 'total');
  const arithmeticSteps = gap.filter((s) => s.kind === 'delta' && (s.label.startsWith('exact AC') || s.label.startsWith('arithmetic')));
  return (paper?.energyPJ ?? 0) + arithmeticSteps.reduce((a, s) => a + s.energyPJ, 0);
}

/** The largest entry of a record of energies. */
function largest(pJ: Record<string, number>): [string, number] | undefined {
  return Object.entries(pJ).sort((a, b) => b[1] - a[1])[0];
}

/**
 * Line 1: the largest positive step from paper mode to hardware mode and its share of the hardware
 * total, with the runner-up and the arithmetic share for scale.
 */
export function dominanceLine(h: HwSummary, gap: readonly GapStep[]): string {
  const total = h.energyPerInferencePJ;
  const steps = gap.filter((s) => s.kind === 'delta' && s.energyPJ > 0 && !s.label.startsWith('exact AC') && !s.label.startsWith('arithmetic'))
    .sort((a, b) => b.energyPJ - a.energyPJ);
  const arithmetic = hardwareArithmeticPJ(gap);
  const [first, second] = steps;
  if (first === undefined) return `hardware mode (${h.node}): ${uJ(total)} per image, all of it arithmetic priced at the hardware's widths.`;
  const what = (s: GapStep): string => (s.label === 'leakage' ? 'leakage' : `${s.label} accesses`);
  return `why hardware mode costs ${uJ(total)} per image at ${h.node}: ${what(first)} ${uJ(first.energyPJ)} (${pct(first.energyPJ, total)})` +
    `${second ? `, then ${what(second)} ${uJ(second.energyPJ)} (${pct(second.energyPJ, total)})` : ''}` +
    `; the arithmetic paper mode counts is only ${uJ(arithmetic)} (${pct(arithmetic, total)}).`;
}

/**
 * Line 2: paper mode's ANN/SNN ratio is a ratio of arithmetic alone; in hardware the chip's largest
 * component is also paid by the ANN twin, so the ratio follows that component's ratio instead.
 */
export function ratioLine(h: HwSummary, gap: readonly GapStep[], paperAnnOverSnn: number): string | undefined {
  const ann = h.annTwin;
  if (ann === undefined) return undefined;
  const top = largest(h.energyByComponentPJ);
  const annTop = largest(ann.energyByComponentPJ);
  if (top === undefined || annTop === undefined) return undefined;
  const [component, stcbPJ] = top;
  const arithmetic = hardwareArithmeticPJ(gap);
  const lead = `why ANN/STCB is ${ratio(ann.energyRatioAnnOverSnn)} in hardware but ${ratio(paperAnnOverSnn)} in paper mode: paper mode prices only arithmetic, ` +
    `where spikes save; in hardware that arithmetic is ${pct(arithmetic, h.energyPerInferencePJ)} of the STCB chip's energy`;
  if (annTop[0] === component) {
    const annPJ = annTop[1];
    return `${lead}, and ${component} dominates both chips (${pct(stcbPJ, h.energyPerInferencePJ)} of the STCB chip, ${pct(annPJ, ann.energyPerInferencePJ)} of the ANN twin), ` +
      `costing the ANN twin ${ratio(stcbPJ > 0 ? annPJ / stcbPJ : NaN)} what it costs the STCB chip, so the ratio follows it.`;
  }
  const annSame = ann.energyByComponentPJ[component] ?? 0;
  return `${lead}, while ${component}, ${pct(stcbPJ, h.energyPerInferencePJ)} of it, costs the ANN twin ${ratio(stcbPJ > 0 ? annSame / stcbPJ : NaN)} as much ` +
    `(the twin's largest component is ${annTop[0]}, ${pct(annTop[1], ann.energyPerInferencePJ)} of its ${uJ(ann.energyPerInferencePJ)}).`;
}

/** The terminal's closing explanation for one node: one or two lines. */
export function headlineLines(h: HwSummary, gap: readonly GapStep[], paperAnnOverSnn: number): string[] {
  const two = ratioLine(h, gap, paperAnnOverSnn);
  return [dominanceLine(h, gap), ...(two === undefined ? [] : [two])];
}
