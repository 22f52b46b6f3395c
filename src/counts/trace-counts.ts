/** Counts from a spike trace alone (imported workloads such as SCALE-Sim topologies). */
import type { SpikeTrace } from '../trace/types.ts';
import { networkCounts, weightLayerRecord } from './layer-counts.ts';
import { spikeStats } from './spikes.ts';
import type { NetworkCounts } from './types.ts';

/**
 * Per-layer counts of a trace that has no layer graph (same rules as countNetwork): spiking layers
 * from their codes, MAC layers from their geometry; no batch norm, pooling or residual ops (the
 * trace carries none). Lets paper-mode energy run on an imported topology.
 */
export function traceCounts(trace: SpikeTrace): NetworkCounts {
  const spiking = new Map(trace.layers.map((l) => [l.layer, l]));
  const macs = new Map(trace.macLayers.map((l) => [l.layer, l]));
  const encoders = new Set<string>();
  const layers = trace.order.map((name) => {
    const l = spiking.get(name);
    const geom = l ?? macs.get(name);
    if (!geom) throw new Error(`trace order names layer ${name}, which is neither a spiking nor a MAC layer`);
    const owns = l !== undefined && !encoders.has(l.encoder);
    if (l) encoders.add(l.encoder);
    return weightLayerRecord({
      geom, encoder: l?.encoder, ownsEncoder: owns, stats: l ? spikeStats(l, l.codes, trace.images, trace.timesteps) : undefined,
      timesteps: trace.timesteps, schedule: trace.schedule, images: trace.images,
    });
  });
  return networkCounts(trace.network, trace.images, trace.timesteps, layers);
}
