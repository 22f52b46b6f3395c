/**
 * Shared look of every stcsim chart: plain sans-serif text, light grid, colour-blind-safe colours,
 * and display units picked from the data so axes read "Energy (µJ)" rather than "1e6 pJ".
 */
import type { Config } from 'vega-lite';
import { CHART_FONT } from './fonts.ts';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Okabe & Ito (2008) colour-blind-safe palette, yellow last (weak on white). */
export const CATEGORY_COLOURS = [
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442',
] as const;

/** Tableau 20 as a fallback when a chart has more categories than the safe palette. */
const TABLEAU20 = [
  '#4c78a8', '#9ecae9', '#f58518', '#ffbf79', '#54a24b', '#88d27a', '#b79a20', '#f2cf5b', '#439894',
  '#83bcb6', '#e45756', '#ff9d98', '#79706e', '#bab0ac', '#d67195', '#fcbfd2', '#b279a2', '#d6a5c9',
  '#9e765f', '#d8b5a5',
] as const;

export function categoryColours(n: number): string[] {
  return n <= CATEGORY_COLOURS.length ? CATEGORY_COLOURS.slice(0, n) : TABLEAU20.slice(0, Math.min(n, 20));
}

export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  view: { stroke: null },
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', offset: 12 },
  axis: {
    labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', titlePadding: 10,
    gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888', labelColor: '#222', titleColor: '#222',
    labelOverlap: true, labelLimit: 180,
  },
  legend: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', labelLimit: 200, symbolType: 'square' },
};

export interface ChartOptions {
  title?: string;
  /** Plot-area width/height in px (axes and legend come on top). */
  width?: number;
  height?: number;
}

export interface DisplayUnit {
  unit: string;
  /** Multiply a value in the base unit by this to get the display value. */
  factor: number;
}

const ENERGY_UNITS: readonly DisplayUnit[] = [
  { unit: 'pJ', factor: 1 },
  { unit: 'nJ', factor: 1e-3 },
  { unit: 'µJ', factor: 1e-6 },
  { unit: 'mJ', factor: 1e-9 },
  { unit: 'J', factor: 1e-12 },
];

const TIME_UNITS: readonly DisplayUnit[] = [
  { unit: 'ns', factor: 1e9 },
  { unit: 'µs', factor: 1e6 },
  { unit: 'ms', factor: 1e3 },
  { unit: 's', factor: 1 },
];

function pick(units: readonly DisplayUnit[], maxAbs: number): DisplayUnit {
  let best = units[0];
  for (const u of units) if (maxAbs * u.factor >= 1) best = u;
  return best;
}

/** Largest energy unit in which the biggest value is still >= 1 (pJ for tiny or zero data). */
export function energyDisplayUnit(valuesPJ: readonly number[]): DisplayUnit {
  return pick(ENERGY_UNITS, Math.max(0, ...valuesPJ.filter(Number.isFinite).map(Math.abs)));
}

/** Same for times given in seconds (ns floor). */
export function timeDisplayUnit(valuesS: readonly number[]): DisplayUnit {
  return pick(TIME_UNITS, Math.max(0, ...valuesS.filter(Number.isFinite).map(Math.abs)));
}

/** Distinct values in first-appearance order (layer order from the network, not alphabetical). */
export function firstAppearance<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Vega expression literal for a JS string/number array. */
export function exprArray(values: readonly (string | number)[]): string {
  return JSON.stringify(values);
}

/**
 * Axis settings for a categorical axis whose every label must show (layers, components): no overlap
 * culling, and labels turned when they are wider than the band (about 7 px per character at 12 px).
 */
export function categoricalAxis(labels: readonly string[], bandPx: number): { labelOverlap: false; labelAngle: number } {
  const widest = Math.max(0, ...labels.map((l) => l.length)) * 7;
  return { labelOverlap: false, labelAngle: widest > bandPx - 4 ? -40 : 0 };
}
