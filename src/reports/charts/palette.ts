/**
 * One fixed colour per hardware component, the same in every chart and report (keyed by the
 * component's name, never by its rank in a chart), and one per chip (STCB chip, ANN twin, LIF twin).
 * The two sets share no colour, so a colour always means the same thing.
 *
 * Colours: compute in warm tones and greens, SRAM buffers in blues, DRAM dark grey, so a reader sees
 * "memory vs arithmetic" at a glance; chips in Paul Tol's muted indigo / olive / wine.
 */

/** Component -> colour. Names are the component registry's (src/arch/components.ts). */
export const COMPONENT_COLOURS: Readonly<Record<string, string>> = {
  encoder: '#CC79A7',
  ac_array: '#009E73',
  cab: '#E69F00',
  /** The MAC layers (first layer, real classifier) run on the CAB lanes: drawn apart from CAB work. */
  'cab (MAC layers)': '#D55E00',
  bn: '#B07AA1',
  mac_array: '#E15759',
  lif_neuron: '#8CD17D',
  weight_buffer: '#0072B2',
  act_buffer: '#56B4E9',
  spike_buffer: '#A0CBE8',
  psum_buffer: '#4E79A7',
  membrane_buffer: '#76B7B2',
  dram: '#4D4D4D',
};

/** Colours for components the table above does not name (a new component), picked by name. */
const SPARE = ['#9C755F', '#BAB0AC', '#F1CE63', '#D4A6C8', '#86BCB6', '#FF9D9A'] as const;

/** The fixed colour of a component (a stable spare for unknown names: a hash of the name). */
export function componentColour(component: string): string {
  const fixed = COMPONENT_COLOURS[component];
  if (fixed !== undefined) return fixed;
  let h = 0;
  for (const ch of component) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return SPARE[h % SPARE.length];
}

/** A Vega-Lite colour scale for these components: domain and their fixed colours. */
export function componentScale(components: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...components], range: components.map(componentColour) };
}

/** The chips a hardware run compares, and the paper-mode series named after them. */
export const CHIP_COLOURS: Readonly<Record<string, string>> = {
  'STCB chip': '#332288',
  'ANN twin': '#999933',
  'LIF twin': '#882255',
};

/** Order components are stacked and listed in: compute first, then buffers, DRAM last. */
export const COMPONENT_ORDER = Object.keys(COMPONENT_COLOURS);

export function componentRank(c: string): number {
  const i = COMPONENT_ORDER.indexOf(c);
  return i < 0 ? COMPONENT_ORDER.length : i;
}
