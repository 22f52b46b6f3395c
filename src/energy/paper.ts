/**
 * Paper-mode energy (DESIGN.md section 5.1): E = N_AC * E_AC + N_MAC * E_MAC.
 *
 * N_AC follows the STCSNN paper's reference [15] (Kundu et al. 2021, arXiv 2107.12445): a spiking
 * layer's AC FLOPs = k*k*Cin*Cout*Hout*Wout * zeta. MAC-class FLOPs are everything that is not a
 * spike-driven addition: non-spiking weight layers, CAB operations (one per output per step), batch
 * norm, pooling, residual adds and biases. Encoder compares/subtracts are not in the published formula
 * and are left out here; hardware mode counts them.
 */
import type { NetworkCounts, OpCounts } from '../counts/types.ts';

export interface PaperPreset {
  name: string;
  acPJ: number;
  macPJ: number;
  description: string;
  /** Where the two energies come from. */
  source: string;
}

export const PAPER_PRESETS: Readonly<Record<string, PaperPreset>> = {
  'int32-45nm': {
    name: 'int32-45nm',
    acPJ: 0.1,
    macPJ: 3.2,
    description: '45 nm, 0.9 V, 32-bit integer: AC = add 0.1 pJ, MAC = multiply 3.1 pJ + add 0.1 pJ (the STCSNN paper)',
    source: 'Horowitz, "Computing\'s energy problem", ISSCC 2014, Fig. 1.1.9 (int add 32b 0.1 pJ, int mult 32b 3.1 pJ)',
  },
  'fp32-45nm': {
    name: 'fp32-45nm',
    acPJ: 0.9,
    macPJ: 4.6,
    description: '45 nm FP32: AC = fp add 0.9 pJ, MAC = fp mult 3.7 pJ + fp add 0.9 pJ (the common SNN-literature preset)',
    source: 'Horowitz, "Computing\'s energy problem", ISSCC 2014, Fig. 1.1.9 (fp add 32b 0.9 pJ, fp mult 32b 3.7 pJ)',
  },
};

export function paperPreset(name: string): PaperPreset {
  const p = PAPER_PRESETS[name];
  if (!p) throw new Error(`unknown energy preset "${name}"; choose one of ${Object.keys(PAPER_PRESETS).join(', ')}`);
  return p;
}

/** MAC-class operations of a layer's STCSNN form (everything but spike-driven ACs). */
export function macClassOps(o: OpCounts): number {
  return o.macs + o.cabMultiplies + o.cabShifts + o.batchNormOps + o.poolingOps + o.residualAdds + o.biasAdds;
}

/** The same operations in the ANN twin: every weight layer dense, no CAB, same auxiliary ops. */
export function annTwinOps(o: OpCounts & { denseMacs: number }): number {
  return o.denseMacs + o.batchNormOps + o.poolingOps + o.residualAdds + o.biasAdds;
}

export interface PaperEnergyRow {
  layer: string;
  /** AC FLOPs by the published formula (dense MACs * zeta). */
  acFormula: number;
  acExact: number;
  macClass: number;
  /** SNN energy, AC count by the formula (the paper's number). */
  snnPJ: number;
  /** SNN energy, exact AC count. */
  snnExactPJ: number;
  annPJ: number;
}

export interface PaperEnergy {
  preset: PaperPreset;
  layers: PaperEnergyRow[];
  totals: Omit<PaperEnergyRow, 'layer'> & {
    /** ANN energy / SNN energy (formula AC count). */
    annOverSnn: number;
    annOverSnnExact: number;
  };
}

export function paperEnergy(counts: NetworkCounts, preset: PaperPreset): PaperEnergy {
  const layers = counts.layers.map((l): PaperEnergyRow => {
    const macClass = macClassOps(l);
    return {
      layer: l.layer,
      acFormula: l.acLiteratureEstimate,
      acExact: l.acExact,
      macClass,
      snnPJ: l.acLiteratureEstimate * preset.acPJ + macClass * preset.macPJ,
      snnExactPJ: l.acExact * preset.acPJ + macClass * preset.macPJ,
      annPJ: annTwinOps(l) * preset.macPJ,
    };
  });
  const sum = (k: keyof Omit<PaperEnergyRow, 'layer'>): number => layers.reduce((a, r) => a + r[k], 0);
  const snnPJ = sum('snnPJ');
  const snnExactPJ = sum('snnExactPJ');
  const annPJ = sum('annPJ');
  return {
    preset,
    layers,
    totals: {
      acFormula: sum('acFormula'), acExact: sum('acExact'), macClass: sum('macClass'),
      snnPJ, snnExactPJ, annPJ,
      annOverSnn: annPJ / snnPJ,
      annOverSnnExact: annPJ / snnExactPJ,
    },
  };
}
