/** Issue 12, item 3: one fixed colour per component, whatever its rank in a chart. */
import test from 'ava';
import { energyByComponentChart } from '../../src/reports/charts/energy-by-component.ts';
import { energyByChipChart } from '../../src/reports/charts/energy-by-chip.ts';
import { CHIP_COLOURS, COMPONENT_COLOURS, componentColour } from '../../src/reports/charts/palette.ts';
import { chartComponent } from '../../src/reports/run-charts.ts';

interface ColourEncoding { encoding?: { color?: { scale?: { domain: string[]; range: string[] } } }; layer?: ColourEncoding[] }
/** component -> colour as a chart spec maps it. */
function colours(spec: ColourEncoding): Map<string, string> {
  const scale = spec.encoding?.color?.scale ?? spec.layer?.map((l) => l.encoding?.color?.scale).find((s) => s !== undefined);
  if (scale === undefined) throw new Error('no colour scale');
  return new Map(scale.domain.map((d, i) => [d, scale.range[i]]));
}

test('a component keeps its colour when its rank changes, and in the chip chart', (t) => {
  const a = colours(energyByComponentChart([{ layer: 'l1', component: 'dram', energyPJ: 9 }, { layer: 'l1', component: 'weight_buffer', energyPJ: 1 }]) as ColourEncoding);
  const b = colours(energyByComponentChart([{ layer: 'l1', component: 'weight_buffer', energyPJ: 9 }, { layer: 'l1', component: 'ac_array', energyPJ: 3 }, { layer: 'l1', component: 'dram', energyPJ: 1 }]) as ColourEncoding);
  const c = colours(energyByChipChart([{ chip: 'ANN twin', component: 'weight_buffer', energyPJ: 2 }, { chip: 'STCB chip', component: 'dram', energyPJ: 1 }]) as ColourEncoding);
  for (const m of [a, b, c]) {
    t.is(m.get('weight_buffer'), COMPONENT_COLOURS.weight_buffer);
    t.is(m.get('dram'), COMPONENT_COLOURS.dram);
  }
});

test('colours are distinct, chips and components share none, unknown names get a stable colour', (t) => {
  const all = [...Object.values(COMPONENT_COLOURS), ...Object.values(CHIP_COLOURS)].map((c) => c.toLowerCase());
  t.is(new Set(all).size, all.length);
  t.is(componentColour('new_thing'), componentColour('new_thing'));
  t.regex(componentColour('new_thing'), /^#[0-9A-F]{6}$/i);
});

test('the MAC layers on the CAB lanes are drawn apart from CAB work', (t) => {
  t.is(chartComponent('cab', 'mac_multiply'), 'cab (MAC layers)');
  t.is(chartComponent('cab', 'mac_add'), 'cab (MAC layers)');
  t.is(chartComponent('cab', 'multiply'), 'cab');
  t.is(chartComponent('cab', 'leak'), 'cab');
  t.is(chartComponent('weight_buffer', 'read'), 'weight_buffer');
});
