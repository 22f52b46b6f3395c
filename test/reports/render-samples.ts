/** Render every sample chart into a directory (manual inspection): tsx test/reports/render-samples.ts <dir> */
import { energyByComponentChart, energyVsTimestepsChart, firingRateHeatmap, paperVsHardwareWaterfall, paretoChart, writeChart } from '../../src/reports/charts/index.ts';
import { WATERFALL, componentRows, firingRows, paretoPoints, timestepRows } from './sample-data.ts';

const dir = process.argv[2] ?? '/tmp/stcsim-charts';
const charts = {
  'energy-by-component': energyByComponentChart(componentRows(), { title: 'Energy per layer by component' }),
  'firing-rate': firingRateHeatmap(firingRows(), { title: 'Firing rate per layer and time step' }),
  'waterfall': paperVsHardwareWaterfall(WATERFALL, { title: 'Paper mode vs hardware mode' }),
  'energy-vs-timesteps': energyVsTimestepsChart(timestepRows(), { title: 'Energy vs time steps' }),
  'pareto': paretoChart(paretoPoints(), { title: 'Design points' }),
};
for (const [name, spec] of Object.entries(charts)) {
  const f = await writeChart(dir, name, spec);
  console.log(f.pngPath);
}
