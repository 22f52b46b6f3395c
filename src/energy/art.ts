/**
 * Area reference table (ART), Accelergy's companion of the ERT: the area of every component at a
 * node, with its source and the scaling applied, from the component registry (src/arch/components.ts).
 * 45 nm reference areas scale with the Stillmaker-Baas area factor of the node.
 */
import type { Accelerator } from '../arch/accelerator.ts';
import { componentSpecs, type Chip } from '../arch/components.ts';
import type { Tech } from '../arch/tech.ts';
import { sig4 } from '../util/format.ts';

export interface ArtEntry {
  component: string;
  /** Area at the node, um^2. */
  areaUm2: number;
  source: string;
  estimator: string;
  scaling: string;
  /** The chips (STCB accelerator, ANN twin, LIF twin) that have this component. */
  chips: readonly Chip[];
}

/** The ART of an accelerator at a node: one entry per on-chip component (DRAM has no area on chip). */
export function buildArt(accel: Accelerator, tech: Tech): ArtEntry[] {
  const scaling = `x${sig4(tech.areaFactor)} area(${tech.node})/area(45nm) [${tech.areaFactorSource}]`;
  return componentSpecs(accel).flatMap((c) => {
    if (!c.areaUm2) return [];
    const e = c.areaUm2(tech);
    return [{ component: c.name, areaUm2: e.value * tech.areaFactor, source: e.source, estimator: e.estimator, scaling, chips: c.chips }];
  });
}

/** Area of one chip (the STCB accelerator or a twin): its components' areas and their sum, um^2. */
export interface ChipArea {
  totalUm2: number;
  byComponentUm2: Record<string, number>;
}

export function chipArea(art: readonly ArtEntry[], chip: Chip): ChipArea {
  const byComponentUm2: Record<string, number> = {};
  for (const e of art) if (e.chips.includes(chip)) byComponentUm2[e.component] = e.areaUm2;
  return { totalUm2: Object.values(byComponentUm2).reduce((a, b) => a + b, 0), byComponentUm2 };
}
