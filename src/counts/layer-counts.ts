/** Builds the per-layer count records from the graph, its shapes and the recorded spike statistics. */
import { isWeightNode, nodeByName, type Graph, type LayerNode, type WeightNode } from '../model/graph.ts';
import { elementCount, type ShapeMap } from '../model/shapes.ts';
import type { ScheduleKind } from '../stcb/schedule.ts';
import { denseMacs, inputNeurons, layerGeometry, outputNeurons } from '../trace/geometry.ts';
import type { LayerGeometry } from '../trace/types.ts';
import type { SpikeStats } from './spikes.ts';
import { OP_KEYS, type LayerCounts, type NetworkCounts, type OpCounts } from './types.ts';

export const zeroOps = (): OpCounts => ({
  macs: 0, acExact: 0, encoderCompares: 0, encoderSubtracts: 0, cabMultiplies: 0, cabShifts: 0, cabAdds: 0,
  biasAdds: 0, batchNormOps: 0, poolingOps: 0, residualAdds: 0,
});

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const sumRow = (rows: number[][], t: number): number => rows.reduce((a, r) => a + r[t], 0);

/** The weight layer that owns a non-weight node: the nearest one upstream along first inputs. */
function owner(n: LayerNode, nodes: Map<string, LayerNode>): WeightNode | null {
  let cur: LayerNode | undefined = nodes.get(n.inputs[0]);
  while (cur && !isWeightNode(cur)) cur = cur.inputs.length > 0 ? nodes.get(cur.inputs[0]) : undefined;
  return cur ?? null;
}

/** Operations of a non-weight node, per image. */
function auxOps(n: LayerNode, shapes: ShapeMap): Partial<OpCounts> {
  const s = shapes.get(n.name);
  if (!s) return {};
  switch (n.kind) {
    case 'batchnorm':
      return { batchNormOps: elementCount(s.output) };
    case 'maxpool':
    case 'avgpool':
      return { poolingOps: elementCount(s.output) * n.pool[0] * n.pool[1] };
    case 'globalavgpool':
      return { poolingOps: elementCount(s.input) };
    case 'add':
      return { residualAdds: elementCount(s.output) };
    default:
      return {};
  }
}

export interface LayerRecordInput {
  geom: LayerGeometry;
  /** The STEB the layer reads (spiking layers only). */
  encoder?: string;
  /** Whether this row carries the encoder's compares and subtracts (the encoder's first reader). */
  ownsEncoder: boolean;
  /** Per-image, per-step spike statistics (spiking layers only). */
  stats?: SpikeStats;
  timesteps: number;
  schedule: ScheduleKind;
  images: number;
}

/** The count record of one weight layer, before auxiliary ops are attributed to it. */
export function weightLayerRecord(inp: LayerRecordInput): LayerCounts {
  const { geom, stats, timesteps: T } = inp;
  const spiking = inp.encoder !== undefined;
  if (spiking && !stats) throw new Error(`no spike statistics for spiking layer "${geom.layer}"`);
  if (stats && (stats.spikes.length !== inp.images || stats.spikes.some((r) => r.length !== T))) {
    throw new Error(`spike statistics of "${geom.layer}" are not ${inp.images} image(s) x ${T} steps`);
  }
  const nIn = inputNeurons(geom);
  const nOut = outputNeurons(geom);
  const macs = denseMacs(geom);
  const spikesPerImage = stats ? stats.spikes.map((r) => r.reduce((a, b) => a + b, 0)) : [];
  const acPerImage = stats ? stats.acs.map((r) => r.reduce((a, b) => a + b, 0)) : [];
  const spikes = mean(spikesPerImage);
  const ops = zeroOps();
  if (spiking) {
    ops.acExact = mean(acPerImage);
    if (inp.ownsEncoder) {
      ops.encoderCompares = T * nIn;
      ops.encoderSubtracts = spikes;
    }
    if (inp.schedule === 'pow2') ops.cabShifts = T * nOut;
    else ops.cabMultiplies = T * nOut;
    ops.cabAdds = T * nOut;
  } else {
    ops.macs = macs;
  }
  if (geom.hasBias) ops.biasAdds = nOut;
  const zeta = spiking ? spikes / nIn : 0;
  const dense = geom.op === 'dense';
  return {
    layer: geom.layer,
    kind: `${spiking ? 'stcb' : 'mac'}-${geom.op}`,
    inputShape: dense ? [geom.inC] : [geom.inH, geom.inW, geom.inC],
    outputShape: dense ? [geom.outC] : [geom.outH, geom.outW, geom.outC],
    window: dense ? '-' : `${geom.kernelH}x${geom.kernelW}/${geom.strideH}`,
    timesteps: spiking ? T : 0,
    neuronsIn: nIn,
    neuronsOut: nOut,
    denseMacs: macs,
    spikes,
    spikesPerStep: stats ? Array.from({ length: T }, (_, t) => sumRow(stats.spikes, t) / inp.images) : [],
    acPerStep: stats ? Array.from({ length: T }, (_, t) => sumRow(stats.acs, t) / inp.images) : [],
    spikesPerImage,
    acPerImage,
    firingRate: spiking ? spikes / (nIn * T) : 0,
    zeta,
    acLiteratureEstimate: macs * zeta,
    encoder: inp.encoder,
    ...ops,
  };
}

/** Network totals: every total is the sum of its per-layer column. */
export function networkCounts(network: string, images: number, timesteps: number, layers: LayerCounts[]): NetworkCounts {
  const totals = { ...zeroOps(), spikes: 0, denseMacs: 0, acLiteratureEstimate: 0 };
  for (const r of layers) {
    for (const k of OP_KEYS) totals[k] += r[k];
    totals.spikes += r.spikes;
    totals.denseMacs += r.denseMacs;
    totals.acLiteratureEstimate += r.acLiteratureEstimate;
  }
  return { network, images, timesteps, layers, totals };
}

export interface CountInputs {
  graph: Graph;
  shapes: ShapeMap;
  timesteps: number;
  schedule: ScheduleKind;
  images: number;
  /** Spike statistics per spiking weight layer. */
  stats: Map<string, SpikeStats>;
  /** Encoders fed by an event camera: their spikes are sensor events, with no compare/subtract work. */
  eventEncoders?: ReadonlySet<string>;
}

export function countNetwork(inp: CountInputs): NetworkCounts {
  const { graph: g, shapes } = inp;
  const nodes = nodeByName(g);
  const rows = new Map<string, LayerCounts>();
  const encoders = new Set<string>();
  for (const n of g.nodes) {
    if (!isWeightNode(n)) continue;
    const src = nodes.get(n.inputs[0]);
    const encoder = src?.kind === 'steb' ? src.name : undefined;
    rows.set(n.name, weightLayerRecord({
      geom: layerGeometry(g, shapes, n), encoder, ownsEncoder: encoder !== undefined && !encoders.has(encoder) && inp.eventEncoders?.has(encoder) !== true,
      stats: inp.stats.get(n.name), timesteps: inp.timesteps, schedule: inp.schedule, images: inp.images,
    }));
    if (encoder) encoders.add(encoder);
  }
  for (const n of g.nodes) {
    if (isWeightNode(n) || n.kind === 'input') continue;
    const extra = auxOps(n, shapes);
    const own = owner(n, nodes);
    const row = own ? rows.get(own.name) : undefined;
    if (!row) {
      if (Object.keys(extra).length > 0) throw new Error(`"${n.name}" (${n.kind}) comes before any weight layer; it cannot be attributed`);
      continue;
    }
    for (const k of OP_KEYS) row[k] += extra[k] ?? 0;
  }
  return networkCounts(g.name, inp.images, inp.timesteps, [...rows.values()]);
}
