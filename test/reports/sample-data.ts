/** Made-up 3-layer net used by the report tests and the sample renderer. */
import type { LayerComponentEnergy, LayerStepFiringRate, ParetoPoint, TimestepsEnergy, WaterfallStep } from '../../src/reports/charts/index.ts';

export const LAYERS = ['conv1', 'stcb2', 'fc3'] as const;
export const COMPONENTS = ['AC array', 'CAB', 'encoder', 'SRAM', 'DRAM', 'leakage'] as const;

export interface LayerRow {
  layer: string;
  kind: string;
  spikes: number;
  firingRate: number;
  acOps: number;
  macOps: number;
  energyPJ: number;
  trainedWeights: boolean;
}

export const LAYER_ROWS: LayerRow[] = [
  { layer: 'conv1', kind: 'conv 3x3', spikes: 0, firingRate: 0, acOps: 0, macOps: 1769472, energyPJ: 5662310.4, trainedWeights: true },
  { layer: 'stcb2', kind: 'STCB conv_3x3 & BN', spikes: 41234, firingRate: 0.0874532, acOps: 23456789, macOps: 262144, energyPJ: 3184557.7, trainedWeights: true },
  { layer: 'fc3', kind: 'linear {10}', spikes: 3021, firingRate: 0.3687744, acOps: 30210, macOps: 10, energyPJ: 3053, trainedWeights: false },
];

/** Energy per (layer, component), in pJ; a deterministic made-up pattern. */
export function componentRows(): LayerComponentEnergy[] {
  const rows: LayerComponentEnergy[] = [];
  LAYERS.forEach((layer, i) => {
    COMPONENTS.forEach((component, j) => {
      rows.push({ layer, component, energyPJ: (i + 1) * 1.5e6 * (j + 1) + 1e5 * ((i * 7 + j * 3) % 5) });
    });
  });
  return rows;
}

export const STEPS = 8;

export function firingRows(): LayerStepFiringRate[] {
  const rows: LayerStepFiringRate[] = [];
  LAYERS.forEach((layer, i) => {
    for (let t = 1; t <= STEPS; t++) rows.push({ layer, step: t, firingRate: Math.round(1000 * (0.6 / (i + 1)) * Math.exp(-(t - 1) / 3)) / 1000 });
  });
  return rows;
}

export const WATERFALL: WaterfallStep[] = [
  { label: 'paper mode', energyPJ: 8.2e6 },
  { label: 'AC array', energyPJ: 1.1e6 },
  { label: 'CAB', energyPJ: -0.4e6 },
  { label: 'encoder', energyPJ: 0.3e6 },
  { label: 'SRAM', energyPJ: 4.5e6 },
  { label: 'DRAM', energyPJ: 2.2e6 },
  { label: 'leakage', energyPJ: 0.6e6 },
  { label: 'hardware mode', energyPJ: 16.5e6 },
];

export function timestepRows(): TimestepsEnergy[] {
  const rows: TimestepsEnergy[] = [];
  for (const T of [2, 4, 6, 8]) {
    rows.push({ timesteps: T, series: 'paper mode', energyPJ: 2e6 + 0.8e6 * T });
    rows.push({ timesteps: T, series: 'hardware mode', energyPJ: 3e6 + 1.6e6 * T });
    rows.push({ timesteps: T, series: 'ANN (same shape)', energyPJ: 14e6 });
  }
  return rows;
}

export function paretoPoints(): ParetoPoint[] {
  const pts: ParetoPoint[] = [];
  let k = 0;
  for (const lanes of [64, 256, 1024]) {
    for (const node of [45, 28, 7]) {
      const latencyS = 2e-3 * (64 / lanes) * (1 + node / 90);
      const energyPJ = 5e6 * (node / 45) * (1 + lanes / 2048);
      pts.push({ id: `p${k++}`, energyPJ, latencyS, onFront: false, label: undefined });
    }
  }
  // brute-force front (minimise both)
  for (const p of pts) {
    p.onFront = !pts.some((q) => q !== p && q.energyPJ <= p.energyPJ && q.latencyS <= p.latencyS && (q.energyPJ < p.energyPJ || q.latencyS < p.latencyS));
    if (p.onFront) p.label = p.id;
  }
  return pts;
}
