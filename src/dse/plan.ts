/**
 * Planning a sweep: the base network setting (model, images, STCB settings), the base accelerator,
 * and one design point per combination of the axes. Every point's accelerator is validated here, so
 * a bad sweep fails before any work; --fixed-area points whose buffer would need a negative capacity
 * are refused (listed, not run).
 */
import type { LifSettings } from '../neuron/settings.ts';
import { lifModelFiles } from '../train/lif-workload.ts';
import { acceleratorPath } from '../arch/accelerator.ts';
import { loadTech, type Tech } from '../arch/tech.ts';
import { readJson } from '../arch/validate.ts';
import { prepareRun, type InputFlags } from '../run/setup.ts';
import { inputFingerprint } from '../run/event-input.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import { UsageError } from '../util/errors.ts';
import { contentHash, hashFiles, weightHashes } from '../util/hashes.ts';
import { chipAreaUm2, fixedAreaBuffer } from './fixed-area.ts';
import { makePoint, PointRefused, type DesignPoint, type PointBase } from './point.ts';
import { cartesian, type Axis, type SweepValue } from './space.ts';

export interface PlanOptions {
  model: string;
  inputs: InputFlags;
  settings: StcbSettings;
  /** STEB settings given explicitly; the others come from a trained model's own settings when it has them. */
  explicitSettings?: readonly (keyof StcbSettings)[];
  spikingClassifier: boolean;
  accelerator: string;
  node: number;
  voltageV?: number;
  axes: Axis[];
  /** Run the network at each point's weight and activation widths (default true); false: float32. */
  quantize?: boolean;
  /** Buffer whose capacity is solved per point so the chip keeps the base accelerator's area. */
  fixedArea?: string;
  /** `--neuron lif|mlif`: the LIF twin of every point replays this LIF-family network's own trace. */
  neuron?: { kind: 'lif' | 'mlif'; lifModel?: string; lif: Partial<LifSettings> };
  /** Refuse a sweep of more points than this before planning any (default DEFAULT_MAX_POINTS). */
  maxPoints?: number;
}

/**
 * Default bound on the points of one sweep. Planning holds every point (its accelerator file as
 * JSON) in memory: 2.8 kB per point measured for stcb-default (docs/scale-out.md), so 10^5 points
 * take about 0.3 GB. Larger sweeps say so explicitly with --max-points.
 */
export const DEFAULT_MAX_POINTS = 100_000;

/** The number of points of `axes` (the product of their lengths), refused past `maxPoints` before anything is enumerated. */
export function checkSweepSize(axes: readonly Axis[], maxPoints = DEFAULT_MAX_POINTS): number {
  const total = axes.reduce((a, x) => a * x.values.length, 1);
  if (total > maxPoints) {
    throw new UsageError(`the sweep has ${total} points (${axes.map((a) => `${a.key}: ${a.values.length}`).join(' x ')}), more than --max-points ${maxPoints}; raise --max-points to run it`);
  }
  return total;
}

export interface Plan {
  points: DesignPoint[];
  /** Combinations --fixed-area could not build, with the reason. */
  refused: { values: Record<string, SweepValue>; reason: string }[];
  /** Every image has a label (accuracy is known). */
  labelled: boolean;
  /** --fixed-area: the area budget (the base accelerator at the base node), mm^2. */
  areaBudgetMm2?: number;
}

/** Fingerprint of the weights: file contents, or the seed of a seeded initialisation. */
function modelHash(spec: string, source: 'zoo' | 'file', seed: number, shape: readonly number[]): string {
  return contentHash(source === 'file' ? weightHashes({ kind: 'file', modelJson: spec }) : { init: `${spec}:${shape.join('x')}:seed${seed}` });
}

/** A trained model's stored STEB settings, overridden by the ones given explicitly. */
function baseSettings(o: PlanOptions, stored: StcbSettings | undefined): StcbSettings {
  if (!stored) return o.settings;
  const explicit = new Set(o.explicitSettings ?? []);
  const pick = <K extends keyof StcbSettings>(k: K): StcbSettings[K] => (explicit.has(k) ? o.settings[k] : stored[k]);
  return { timesteps: pick('timesteps'), vth0: pick('vth0'), tau: pick('tau'), schedule: pick('schedule') };
}

/** loadTech reads and scales files: one load per (node, voltage) for the whole plan. */
function techCache(): (node: number, voltageV?: number) => Tech {
  const cache = new Map<string, Tech>();
  return (node, voltageV) => {
    const k = `${node}:${voltageV ?? ''}`;
    let t = cache.get(k);
    if (!t) cache.set(k, (t = loadTech(node, voltageV === undefined ? undefined : { voltageV })));
    return t;
  };
}

export function planPoints(o: PlanOptions): Plan {
  checkSweepSize(o.axes, o.maxPoints);
  const { model, images } = prepareRun(o.model, o.inputs);
  const accelFile = acceleratorPath(o.accelerator);
  const accelerator = readJson(accelFile);
  const techAt = techCache();
  const fixed = o.fixedArea === undefined ? undefined : fixedAreaBuffer(o.fixedArea);
  if (fixed && o.axes.some((a) => a.key === fixed.path)) throw new Error(`--fixed-area ${fixed.buffer} solves ${fixed.path} for every point; it cannot also be swept`);
  const budgetUm2 = fixed ? chipAreaUm2(accelerator, techAt(o.node, o.voltageV), accelFile) : undefined;
  const base: PointBase = {
    network: {
      model: o.model,
      modelHash: o.inputs.weights !== undefined ? contentHash(hashFiles([o.inputs.weights])) : modelHash(o.model, model.source, o.inputs.seed, images.shape.slice(1)),
      input: images.origin,
      inputHash: inputFingerprint(images),
      images: images.shape[0],
      settings: baseSettings(o, model.settings),
      spikingClassifier: o.spikingClassifier,
      ...(o.neuron ? {
        neuron: {
          ...o.neuron,
          lifModelHash: o.neuron.lifModel !== undefined ? contentHash(hashFiles(lifModelFiles(o.neuron.lifModel))) : `init:${o.inputs.seed}`,
        },
      } : {}),
    },
    accelerator,
    acceleratorName: o.accelerator,
    node: o.node,
    voltageV: o.voltageV,
    quantize: o.quantize !== false,
    techAt,
    ...(fixed && budgetUm2 !== undefined ? { fixedArea: { ...fixed, budgetUm2 } } : {}),
  };
  const points: DesignPoint[] = [];
  const refused: Plan['refused'] = [];
  for (const values of cartesian(o.axes)) {
    try {
      points.push(makePoint(base, values, accelFile));
    } catch (e) {
      if (!(e instanceof PointRefused)) throw e;
      refused.push({ values, reason: e.message });
    }
  }
  if (points.length === 0 && refused.length > 0) throw new Error(`--fixed-area ${fixed?.buffer}: no point fits the base area; ${refused[0].reason}`);
  return {
    points, refused, labelled: images.labels !== undefined,
    ...(budgetUm2 !== undefined ? { areaBudgetMm2: budgetUm2 / 1e6 } : {}),
  };
}
