/** Build a complete sample report for the made-up 3-layer net (tests and manual inspection). */
import type { Column } from '../../src/reports/table.ts';
import type { ReportInput } from '../../src/reports/html.ts';
import { reportChart, reportTable } from '../../src/reports/html.ts';
import { energyByComponentChart, energyVsTimestepsChart, firingRateHeatmap, paperVsHardwareWaterfall, paretoChart } from '../../src/reports/charts/index.ts';
import type { LayerRow } from './sample-data.ts';
import { LAYER_ROWS, WATERFALL, componentRows, firingRows, paretoPoints, timestepRows } from './sample-data.ts';

export const SAMPLE_COLUMNS: Column<LayerRow>[] = [
  { key: 'layer', header: 'Layer', value: (r) => r.layer, doc: 'layer name, network order' },
  { key: 'kind', header: 'Kind', value: (r) => r.kind },
  { key: 'spikes', header: 'Spikes', value: (r) => r.spikes, doc: 'spikes into the layer over all T steps' },
  { key: 'firing_rate', header: 'Firing rate', value: (r) => r.firingRate, format: 'pct', digits: 2, doc: 'spikes / (neurons x T)' },
  { key: 'ac_ops', header: 'AC ops', value: (r) => r.acOps, format: 'int', doc: 'exact (spike, output) pairs' },
  { key: 'energy', header: 'Energy', unit: 'pJ', value: (r) => r.energyPJ, format: 'float', digits: 1 },
];

interface Totals { mode: string; energyPJ: number; ratio: number }
const TOTAL_COLUMNS: Column<Totals>[] = [
  { key: 'mode', header: 'Mode', value: (r) => r.mode },
  { key: 'energy', header: 'Energy', unit: 'pJ', value: (r) => r.energyPJ, format: 'sci', digits: 3 },
  { key: 'ratio', header: 'ANN / SNN', value: (r) => r.ratio, format: 'float', digits: 2 },
];

export async function sampleReportInput(): Promise<ReportInput> {
  return {
    title: 'stcsim report — tiny3 (3-layer sample)',
    subtitle: 'Made-up numbers for a 3-layer net; layout check only.',
    generatedAt: '2025-01-01T00:00:00Z',
    tool: { name: 'stcsim', version: '0.1.0' },
    keyFigures: [
      { name: 'Paper-mode energy', value: '8.20', unit: 'µJ' },
      { name: 'Hardware-mode energy', value: '16.5', unit: 'µJ' },
      { name: 'Time steps', value: 8 },
    ],
    settings: [
      { name: 'Network', value: 'tiny3' },
      { name: 'Time steps T', value: 8 },
      { name: 'Threshold schedule', value: 'exp, tau = 2, V0 = 0.8' },
      { name: 'Energy preset', value: 'paper_int32_45nm' },
      { name: 'Process node', value: 45, unit: 'nm' },
      { name: 'Trained weights', value: true },
    ],
    charts: [
      await reportChart('chart-energy-by-component', 'Energy per layer by component', energyByComponentChart(componentRows()), { caption: 'Hardware mode; stacked in component order.', files: ['charts/energy-by-component.vl.json', 'charts/energy-by-component.png'] }),
      await reportChart('chart-firing-rate', 'Firing rate per layer and time step', firingRateHeatmap(firingRows())),
      await reportChart('chart-waterfall', 'Paper mode to hardware mode', paperVsHardwareWaterfall(WATERFALL)),
      await reportChart('chart-energy-vs-t', 'Energy versus time steps', energyVsTimestepsChart(timestepRows())),
      await reportChart('chart-pareto', 'Design points and Pareto front', paretoChart(paretoPoints())),
    ],
    tables: [
      reportTable('table-layers', 'Per-layer counts and energy', SAMPLE_COLUMNS, LAYER_ROWS, { notes: ['Energy preset: paper_int32_45nm.', 'Weights: trained.'] }),
      reportTable('table-summary', 'Summary', TOTAL_COLUMNS, [
        { mode: 'paper', energyPJ: 8.2e6, ratio: 5.61 },
        { mode: 'hardware <tag> & "quotes"', energyPJ: 16.5e6, ratio: 2.79 },
      ]),
    ],
    provenance: [
      { name: 'E_AC (int32 add, 45 nm)', value: 0.1, unit: 'pJ', source: 'horowitz2014' },
      { name: 'E_MAC (int32 mult + add, 45 nm)', value: 3.2, unit: 'pJ', source: 'horowitz2014' },
      { name: 'DRAM energy (LPDDR4)', value: 8, unit: 'pJ/bit', source: 'accelergy-defaults' },
    ],
    notes: ['Paper mode counts AC FLOPs as k·k·Cin·Cout·Hout·Wout·zeta (Kundu et al. 2021).', 'Leakage = sum of component leakage power x runtime.'],
  };
}
