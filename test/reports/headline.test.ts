/**
 * Issue 12, item 2: the terminal's closing explanation is computed from the gap and the components,
 * and interpolated or assumed constants are flagged.
 */
import test from 'ava';
import type { GapStep } from '../../src/energy/gap.ts';
import { loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { dominanceLine, hardwareArithmeticPJ, ratioLine } from '../../src/reports/headline.ts';
import { assumedConstants } from '../../src/reports/assumed.ts';
import { hardwareTerminalTable } from '../../src/reports/hw-report.ts';
import { summary, type HwSummary } from '../../src/reports/hw-tables.ts';
import { syntheticTrace } from '../../src/trace/synthetic.ts';

// A hand-made gap: paper 10, exact AC -1, arithmetic +2 (hardware arithmetic 11), weight buffer +60, dram +9, leakage +20 = 100.
const GAP: GapStep[] = [
  { label: 'paper mode (formula)', energyPJ: 10e6, kind: 'total', explanation: '' },
  { label: 'exact AC count', energyPJ: -1e6, kind: 'delta', explanation: '' },
  { label: 'arithmetic at hardware widths and node', energyPJ: 2e6, kind: 'delta', explanation: '' },
  { label: 'weight_buffer', energyPJ: 60e6, kind: 'delta', explanation: '' },
  { label: 'dram', energyPJ: 9e6, kind: 'delta', explanation: '' },
  { label: 'leakage', energyPJ: 20e6, kind: 'delta', explanation: '' },
  { label: 'hardware mode (x, 45nm)', energyPJ: 100e6, kind: 'total', explanation: '' },
];

function hw(annByComponent: Record<string, number>): HwSummary {
  const annTotal = Object.values(annByComponent).reduce((a, b) => a + b, 0);
  return {
    node: '45nm', energyPerInferencePJ: 100e6, energyByComponentPJ: { weight_buffer: 70e6, ac_array: 11e6, dram: 19e6 },
    annTwin: { energyPerInferencePJ: annTotal, energyRatioAnnOverSnn: annTotal / 100e6, energyByComponentPJ: annByComponent },
  } as unknown as HwSummary;
}

test('dominance line: the largest gap step, its share, the runner-up and the arithmetic share', (t) => {
  t.is(hardwareArithmeticPJ(GAP), 11e6);
  const line = dominanceLine(hw({}), GAP);
  t.regex(line, /costs 100 uJ per image at 45nm: weight_buffer accesses 60 uJ \(60%\), then leakage 20 uJ \(20%\); the arithmetic paper mode counts is only 11 uJ \(11%\)/);
});

test('ratio line names the component both chips pay, or each chip\'s largest', (t) => {
  // Same dominant component: weight_buffer 70 uJ on STCB, 84 uJ on the ANN twin (1.2x).
  const same = ratioLine(hw({ weight_buffer: 84e6, mac_array: 16e6 }), GAP, 15.55);
  t.regex(same ?? '', /ANN\/STCB is 1\.00x in hardware but 15\.55x in paper mode/);
  t.regex(same ?? '', /arithmetic is 11% of the STCB chip's energy, and weight_buffer dominates both chips \(70% of the STCB chip, 84% of the ANN twin\), costing the ANN twin 1\.20x/);
  // Different: the twin's largest is act_buffer.
  const diff = ratioLine(hw({ weight_buffer: 7e6, act_buffer: 13e6 }), GAP, 4.96);
  t.regex(diff ?? '', /weight_buffer, 70% of it, costs the ANN twin 0\.10x as much \(the twin's largest component is act_buffer, 65% of its 20 uJ\)/);
  t.is(ratioLine({ ...hw({}), annTwin: undefined }, GAP, 2), undefined);
});

test('28 nm is flagged as interpolated with an assumed voltage, 45 nm is not; the terminal table marks it', (t) => {
  const trace = syntheticTrace([{ layer: 'c', inH: 6, inW: 6, inC: 4, outC: 4, k: 3, stride: 1, pad: 1 }], [], { images: 1, timesteps: 4, rate: 0.2, seed: 1, network: 'tiny' });
  const accel = loadAccelerator('stcb-default');
  const at28 = simulate(trace, accel, loadTech(28));
  const at45 = simulate(trace, accel, loadTech(45));
  const notes = assumedConstants(at28);
  t.true(notes.some((n) => /28nm is interpolated/.test(n) && /32 nm and 20 nm/.test(n)), notes.join('\n'));
  t.true(notes.some((n) => /supply voltage .* stcsim assumption/.test(n)), notes.join('\n'));
  t.deepEqual(assumedConstants(at45), []);
  t.deepEqual(assumedConstants(simulate(trace, accel, loadTech(28, { voltageV: 0.8 }))).filter((n) => /voltage/.test(n)), []);
  const table = hardwareTerminalTable([summary(at45), summary(at28)]);
  t.regex(table, /^28nm† /m);
  t.regex(table, /^45nm 1 V/m);
  t.regex(table, /^† 28nm is interpolated/m);
});
