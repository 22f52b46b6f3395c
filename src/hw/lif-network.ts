/**
 * A LIF-family network's own trace on the LIF accelerator (issue 15): the "LIF twin" of a report
 * when a LIF network is given. Every spiking layer replays its recorded input spikes with
 * simulateLifLayer, charged its own neurons' recorded output spikes (one reset each); the first
 * layer under direct encoding is a MAC layer computed once per image (its input does not change
 * between steps) whose outputs are LIF neurons: their update (leak, integrate, compare, reset,
 * membrane read and write) runs every step on the neuron lanes after the MACs.
 *
 * Multi-threshold spikes carry a level 0..K: its bits travel with the spike (payloadBits per
 * (neuron, step) in a bitmap, per event beside the address), and a synaptic operation multiplies
 * the weight by the level with shifts and adds: per (event, reachable output) one add per set bit
 * of the level and one shift per set bit above bit 0, counted exactly from the trace's level planes
 * (the AC lane's cycle per event is unchanged: a shift-add lane).
 *
 * Event-camera input (issue 16): the first layer reads the sensor's events, each a unit charge (one
 * AC per event and reachable output, no level payload), and when the trace has a synaptic kernel its
 * neurons integrate the smoothed current I'(t) = sum_k h_k I(t - k): the neuron lanes pay one
 * multiply-add per output, step and tap (synapticFilterOps), which an STCB's linear CAB folds away.
 */
import type { Accelerator, LifTwinSpec } from '../arch/accelerator.ts';
import type { LayerGeometry, SpikeTrace, SpikeTraceLayer } from '../trace/types.ts';
import type { ActionCount } from './actions.ts';
import { exactAcsPerStep } from './ac-array.ts';
import { spikeSummary } from './fanout.ts';
import type { LayerSim } from './layer-sim.ts';
import { simulateLifLayer, type LifLayerSim } from './lif-layer.ts';
import { simulateMacLayer } from './mac-layer.ts';
import { portCycles, readWritePortCycles } from './memory.ts';

export interface LifNetworkContext {
  accel: Accelerator;
  spec: LifTwinSpec;
  clockHz: number;
  /** The network's weights stay in the weight buffer after the first image. */
  weightsResident: boolean;
}

/** Exact synaptic adds and shifts of a multi-threshold layer for one image: sum over level bit planes. */
export function levelSynapticOps(l: SpikeTraceLayer, image: number, T: number): { adds: number; shifts: number } {
  let adds = 0;
  let shifts = 0;
  (l.levelPlanes ?? []).forEach((plane, b) => {
    const pl: SpikeTraceLayer = { ...l, codes: plane, levelPlanes: undefined };
    const acs = exactAcsPerStep(pl, spikeSummary(pl, image, T), T).reduce((x, y) => x + y, 0);
    adds += acs;
    if (b > 0) shifts += acs;
  });
  return { adds, shifts };
}

/** The synaptic kernel's work per output over T steps: multiply-adds, and reads and writes of kept past currents. */
export interface FilterOps {
  /** One per (step t, tap k) with h_k != 0 and k <= t; none for the identity kernel [1]. */
  multiplyAdds: number;
  /** Past currents read: the taps k >= 1 among those. */
  historyReads: number;
  /** Currents kept for a later step: steps t with a tap k >= 1 reaching t + k < T. */
  historyWrites: number;
}

export function synapticFilterOps(kernel: readonly number[], T: number): FilterOps {
  if (kernel.length === 1 && kernel[0] === 1) return { multiplyAdds: 0, historyReads: 0, historyWrites: 0 };
  const taps = kernel.map((h, k) => (h !== 0 ? k : -1)).filter((k) => k >= 0);
  let multiplyAdds = 0;
  let historyReads = 0;
  let historyWrites = 0;
  for (let t = 0; t < T; t++) {
    multiplyAdds += taps.filter((k) => k <= t).length;
    historyReads += taps.filter((k) => k >= 1 && k <= t).length;
    if (taps.some((k) => k >= 1 && t + k < T)) historyWrites++;
  }
  return { multiplyAdds, historyReads, historyWrites };
}

/** Adds the synaptic kernel's work on `outputs` neurons to an event input layer's replay (a LIF network's, or the LIF twin's of an STCB trace). */
export function addSynapticFilter(sim: LifLayerSim, outputs: number, kernel: readonly number[], T: number, ctx: Pick<LifNetworkContext, 'accel' | 'spec'>): void {
  const f = synapticFilterOps(kernel, T);
  if (f.multiplyAdds === 0) return;
  const ops = f.multiplyAdds * outputs;
  const readBits = f.historyReads * outputs * ctx.spec.membraneBits;
  const writeBits = f.historyWrites * outputs * ctx.spec.membraneBits;
  sim.actions = mergeActions([...sim.actions,
    { component: 'lif_neuron', action: 'filter_multiply', count: ops },
    { component: 'lif_neuron', action: 'filter_add', count: ops },
    { component: 'membrane_buffer', action: 'read', count: readBits },
    { component: 'membrane_buffer', action: 'write', count: writeBits },
  ]);
  sim.traffic.membrane_buffer = { readBits: sim.traffic.membrane_buffer.readBits + readBits, writeBits: sim.traffic.membrane_buffer.writeBits + writeBits };
  const cycles = Math.max(Math.ceil(ops / ctx.spec.lanes), readWritePortCycles(ctx.accel, 'psum_buffer', readBits, writeBits));
  sim.cycles += cycles;
  sim.stageCycles = { ...sim.stageCycles, cab: sim.stageCycles.cab + cycles };
  sim.work = { ...sim.work, cabOps: sim.work.cabOps + ops };
}

/** Neuron update of `neurons` LIF neurons for T steps (the first layer's outputs): actions, membrane bits, cycles. */
function neuronUpdate(neurons: number, outputSpikes: number, T: number, ctx: LifNetworkContext, g: LayerGeometry): { actions: ActionCount[]; membraneBits: number; cycles: number } {
  const outsT = T * neurons;
  const biasPerStep = g.hasBias || (g.batchNormAfter && ctx.accel.options.foldBatchNorm);
  const membraneBits = outsT * ctx.spec.membraneBits;
  const work = Math.ceil(outsT / ctx.spec.lanes);
  const port = readWritePortCycles(ctx.accel, 'psum_buffer', membraneBits, membraneBits);
  return {
    actions: [
      { component: 'lif_neuron', action: ctx.spec.leak === 'shift' ? 'leak_shift' : 'leak_multiply', count: outsT },
      { component: 'lif_neuron', action: 'integrate', count: outsT },
      { component: 'lif_neuron', action: 'bias', count: biasPerStep ? outsT : 0 },
      { component: 'lif_neuron', action: 'compare', count: outsT },
      { component: 'lif_neuron', action: 'reset', count: outputSpikes },
      { component: 'membrane_buffer', action: 'read', count: membraneBits },
      { component: 'membrane_buffer', action: 'write', count: membraneBits },
    ],
    membraneBits,
    cycles: Math.max(work, port),
  };
}

/** Sums actions of the same component and action (one entry each, first-seen order). */
function mergeActions(list: readonly ActionCount[]): ActionCount[] {
  const m = new Map<string, ActionCount>();
  for (const a of list) {
    const k = `${a.component}.${a.action}`;
    const e = m.get(k);
    if (e) e.count += a.count;
    else m.set(k, { ...a });
  }
  return [...m.values()];
}

/** One image of a LIF-family trace, layer by layer (trace order). */
export function simulateLifNetworkImage(trace: SpikeTrace, image: number, first: boolean, ctx: LifNetworkContext): Map<string, LifLayerSim | LayerSim> {
  const neuron = trace.neuron;
  if (!neuron) throw new Error(`trace of ${trace.network} is not from a LIF-family network`);
  const T = trace.timesteps;
  const spiking = new Map(trace.layers.map((l) => [l.layer, l]));
  const macs = new Map(trace.macLayers.map((l) => [l.layer, l]));
  const out = new Map<string, LifLayerSim | LayerSim>();
  const weightsOnChip = !first && ctx.weightsResident;
  trace.order.forEach((name, idx) => {
    const group = neuron.groups[name];
    const outputSpikes = group?.spikes[image] ?? 0;
    const sl = spiking.get(name);
    if (sl) {
      const s = spikeSummary(sl, image, T);
      // Sensor events are unit charges: no level payload on the input layer.
      const payloadBits = sl.eventCounts ? 1 : neuron.payloadBits;
      const sim = simulateLifLayer(sl, s, { accel: ctx.accel, spec: ctx.spec, clockHz: ctx.clockHz, timesteps: T, outputSpikes, inputFromDram: idx === 0, weightsOnChip, payloadBits });
      if (sl.eventCounts && neuron.synapticKernel) addSynapticFilter(sim, sl.outH * sl.outW * sl.outC, neuron.synapticKernel, T, ctx);
      if (sl.levelPlanes) {
        const ops = levelSynapticOps(sl, image, T);
        sim.actions = sim.actions.map((a) => (a.component === 'ac_array' && a.action === 'add' ? { ...a, count: ops.adds } : a));
        sim.actions.push({ component: 'ac_array', action: 'shift', count: ops.shifts });
      }
      out.set(name, sim);
      return;
    }
    const g = macs.get(name);
    if (!g) throw new Error(`trace order names layer ${name}, which is neither a spiking nor a MAC layer`);
    const mac = simulateMacLayer(g, { accel: ctx.accel, clockHz: ctx.clockHz, lanes: ctx.accel.cabLanes, component: 'cab', multiplyAction: 'mac_multiply', addAction: 'mac_add', inputFromDram: idx === 0, weightsOnChip });
    if (group?.fires) {
      const nu = neuronUpdate(group.neurons, outputSpikes, T, ctx, g);
      const outBits = ctx.accel.options.spikeStorage === 'bitmap' ? group.neurons * T * neuron.payloadBits : 0;
      mac.actions = mergeActions([...mac.actions, ...nu.actions, { component: 'spike_buffer', action: 'write', count: outBits }]);
      const traffic = { ...mac.traffic, membrane_buffer: { readBits: nu.membraneBits, writeBits: nu.membraneBits } };
      traffic.spike_buffer = { ...traffic.spike_buffer, writeBits: traffic.spike_buffer.writeBits + outBits };
      const outPort = portCycles(ctx.accel, 'spike_buffer', outBits);
      const lif: LifLayerSim = {
        ...mac, kind: 'lif', traffic, outputSpikes,
        cycles: mac.cycles + Math.max(nu.cycles, outPort),
        stageCycles: { ...mac.stageCycles, cab: mac.stageCycles.cab + nu.cycles },
        work: { ...mac.work, cabOps: mac.work.cabOps + T * group.neurons },
      };
      out.set(name, lif);
    } else {
      out.set(name, mac);
    }
  });
  return out;
}
