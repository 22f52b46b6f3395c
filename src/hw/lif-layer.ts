/**
 * The conventional LIF-SNN twin of one spiking layer for one image (DESIGN.md section 7, last item;
 * docs/hardware.md, "LIF-SNN twin"). It replays the STCB trace's recorded input spikes as its
 * workload: the same exact ACs on the same AC lanes, but no CAB: every output neuron's membrane
 * potential is read, leaked, integrated, compared with its threshold, reset on a spike and written
 * back every step, and every neuron emits its output spike into the spike buffer. No encoder (the
 * neurons spike themselves). Integer action counts, traffic in bits and cycles, like stcb-layer.ts.
 */
import type { SpikeTraceLayer } from '../trace/types.ts';
import type { Accelerator, LifTwinSpec } from '../arch/accelerator.ts';
import { batchNormActions, type ActionCount } from './actions.ts';
import type { SpikeSummary } from './fanout.ts';
import { acLowerBound, acStage, exactAcsPerStep } from './ac-array.ts';
import { zeroStalls, type LayerSim, type Stalls } from './layer-sim.ts';
import { dramCycles, portCycles, readWritePortCycles, spikeStoreBits } from './memory.ts';
import { replayedFields, replayTiles, type TileModel, type UpdateStep } from './tile-replay.ts';
import { chooseTiling, psumStores, stepPsumBits, tileWeightBits, type TileRegion, type Tiling } from './tiling.ts';
import { dramBits, emptyTraffic, loadFromDram, pushTraffic, type Traffic, type TrafficBits } from './traffic.ts';

/** Buffer and DRAM traffic of a LIF layer: the STCB chip's buffers plus the membrane buffer. */
export type LifTraffic = Traffic & { membrane_buffer: TrafficBits };

/** One LIF-twin layer: a LayerSim whose `cab` stage is the neuron update and whose traffic has a membrane buffer. */
export interface LifLayerSim extends Omit<LayerSim, 'kind' | 'traffic'> {
  kind: 'lif';
  traffic: LifTraffic;
  /** Output spikes charged a reset (see LifContext.outputSpikes). */
  outputSpikes: number;
}

export interface LifContext {
  accel: Accelerator;
  spec: LifTwinSpec;
  clockHz: number;
  timesteps: number;
  /**
   * Output spikes of this layer for this image (one reset each). The twin replays the STCB trace,
   * so they are the recorded input spikes of the layer that consumes this one's output (lifOutputSpikes).
   */
  outputSpikes: number;
  /** True when this layer reads the network input from DRAM. */
  inputFromDram: boolean;
  /** The network's weights are resident in the weight buffer (an earlier image of the batch loaded them). */
  weightsOnChip: boolean;
  /** Bits a spike carries (multi-threshold levels; default 1: a binary spike is its own presence). */
  payloadBits?: number;
}

/** Spike storage bits with a level payload: a bitmap holds payloadBits per (neuron, step), an event list adds them to each address. */
function payloadStoreBits(storage: Accelerator['options']['spikeStorage'], neurons: number, T: number, spikes: number, payloadBits: number): number {
  const base = spikeStoreBits(storage, neurons, T, spikes);
  if (payloadBits <= 1) return base;
  return storage === 'bitmap' ? base * payloadBits : base + spikes * payloadBits;
}

/** Where a layer's output spike count comes from: a consuming spiking layer, or the rate rule. */
export type OutputSpikeSource = { kind: 'consumer'; layer: SpikeTraceLayer } | { kind: 'rate' };

/**
 * For each spiking layer (in `order`), the first later spiking layer whose input shape equals its
 * output shape: in a LIF net that layer's input spikes are this layer's output spikes. Layers
 * without one (output pooled, or feeding a real-valued classifier) use the rate rule.
 */
export function outputSpikeSources(order: readonly string[], spiking: ReadonlyMap<string, SpikeTraceLayer>): Map<string, OutputSpikeSource> {
  const seq = order.map((n) => spiking.get(n)).filter((l): l is SpikeTraceLayer => l !== undefined);
  const out = new Map<string, OutputSpikeSource>();
  seq.forEach((l, i) => {
    const c = seq.slice(i + 1).find((x) => x.inH === l.outH && x.inW === l.outW && x.inC === l.outC);
    out.set(l.layer, c ? { kind: 'consumer', layer: c } : { kind: 'rate' });
  });
  return out;
}

/** Output spikes for one image: the consumer's recorded spikes, or the layer's own input rate x N_out*T. */
export function lifOutputSpikes(l: SpikeTraceLayer, own: SpikeSummary, source: OutputSpikeSource, consumer: SpikeSummary | undefined): number {
  if (source.kind === 'consumer' && consumer) return consumer.spikes;
  const nIn = l.inH * l.inW * l.inC;
  return Math.round((own.spikes * l.outH * l.outW * l.outC) / nIn);
}

/** Tiling of the LIF twin: as the STCB chip's, with the membranes of a tile in the membrane buffer instead of y. */
export function lifTiling(l: SpikeTraceLayer, accel: Accelerator, spec: LifTwinSpec): Tiling {
  const membranes = { capacityBits: accel.buffers.psum_buffer.capacityBits, bitsPerOutput: spec.membraneBits };
  return chooseTiling(l, accel, {
    weightBitsPerChannel: l.kernelH * l.kernelW * l.inC * accel.weightBits,
    stores: [...psumStores(accel, stepPsumBits(accel)), membranes],
    model: ' (LIF twin)',
    storage: 'psum/membrane storage',
  });
}

/** Per-layer facts the neuron update of every tile needs. */
interface NeuronUpdate {
  accel: Accelerator;
  spec: LifTwinSpec;
  /** Output spike bits of the layer (bitmap or addresses) and its outputs x steps, to share them over tiles. */
  outSpikeBits: number;
  outsT: number;
  stalls: Stalls;
  traffic: LifTraffic;
}

/**
 * Neuron update of a tile at one step: read I(t) and u, leak, integrate, compare, reset, write u and
 * the spike bit. The tile's share of the output-spike bits is exact for bitmaps; under address events
 * the layer's output spikes are spread evenly for port timing only (the traffic total is exact).
 */
function neuronStep(n: NeuronUpdate, tile: TileRegion): UpdateStep {
  const { accel, stalls, traffic } = n;
  const work = Math.ceil(tile.nOut / n.spec.lanes);
  const psumRead = accel.options.psumsInArrayRegisters ? 0 : tile.nOut * accel.psumBits;
  traffic.psum_buffer.readBits += psumRead;
  const memBits = tile.nOut * n.spec.membraneBits;
  traffic.membrane_buffer.readBits += memBits;
  traffic.membrane_buffer.writeBits += memBits;
  const memPort = Math.max(readWritePortCycles(accel, 'psum_buffer', memBits, memBits), portCycles(accel, 'psum_buffer', psumRead));
  const outPort = portCycles(accel, 'spike_buffer', Math.ceil((n.outSpikeBits * tile.nOut) / n.outsT));
  if (memPort > work && memPort >= outPort) stalls['psum-port'] += memPort - work;
  else if (outPort > work) stalls['spike-port'] += outPort - work;
  return { cycles: Math.max(work, memPort, outPort), portCycles: Math.max(memPort, outPort), busyCycles: work };
}

/**
 * Actions of the twin's neurons. A LIF neuron is not linear, so a bias (or a folded batch-norm shift)
 * is a current added every step, and an unfolded batch norm acts on every step's current (tdBN-style),
 * not once at the end.
 */
function lifActions(l: SpikeTraceLayer, ctx: LifContext, acs: number, outsT: number): ActionCount[] {
  const o = ctx.accel.options;
  const biasPerStep = l.hasBias || (l.batchNormAfter && o.foldBatchNorm);
  return [
    { component: 'ac_array', action: 'add', count: acs },
    { component: 'lif_neuron', action: ctx.spec.leak === 'shift' ? 'leak_shift' : 'leak_multiply', count: outsT },
    { component: 'lif_neuron', action: 'integrate', count: outsT },
    { component: 'lif_neuron', action: 'bias', count: biasPerStep ? outsT : 0 },
    { component: 'lif_neuron', action: 'compare', count: outsT },
    { component: 'lif_neuron', action: 'reset', count: ctx.outputSpikes },
    ...batchNormActions(l, o.foldBatchNorm, outsT),
  ];
}

/** The LIF twin as a tile model: the same AC array fed from the recorded spikes, then the neuron update. */
function lifTileModel(l: SpikeTraceLayer, s: SpikeSummary, ctx: LifContext, out: Omit<NeuronUpdate, 'accel' | 'spec'>, spikesSpill: boolean): TileModel<LifTraffic> {
  const { accel, spec, timesteps: T } = ctx;
  const neurons: NeuronUpdate = { accel, spec, ...out };
  return {
    accel, timesteps: T, traffic: out.traffic, stalls: out.stalls,
    ac: acStage({ layer: l, spikes: s, accel, weightWordBits: accel.weightBits, spikesSpill }),
    update: (tile) => neuronStep(neurons, tile),
    weightBits: (tile) => tileWeightBits(l, tile.cTile, accel.weightBits, 1),
    weightsOnChip: ctx.weightsOnChip,
    feedCycles: () => 0,
    // Decoupled stages; the membrane recurrence still serialises a neuron's steps, which the lanes
    // hide by streaming across the tile's neurons.
    updateStreamCycles: (tile) => Math.ceil((T * tile.nOut) / spec.lanes),
  };
}

/** Replays one spiking layer of one image on the LIF twin. */
export function simulateLifLayer(l: SpikeTraceLayer, s: SpikeSummary, ctx: LifContext): LifLayerSim {
  const { accel, spec, timesteps: T } = ctx;
  const o = accel.options;
  const nOut = l.outH * l.outW * l.outC;
  const outsT = T * nOut;
  const tiling = lifTiling(l, accel, spec);
  const traffic: LifTraffic = { ...emptyTraffic(), membrane_buffer: { readBits: 0, writeBits: 0 } };
  const stalls = zeroStalls();
  const payload = ctx.payloadBits ?? 1;
  const inSpikeBits = payloadStoreBits(o.spikeStorage, l.inH * l.inW * l.inC, T, s.spikes, payload);
  const outSpikeBits = payloadStoreBits(o.spikeStorage, nOut, T, ctx.outputSpikes, payload);
  // Input and output spikes of the layer share the spike buffer; when both do not fit, the input
  // also comes from DRAM per tile pass and the output also goes to DRAM (per layer, like the STCB's).
  const spill = inSpikeBits + outSpikeBits > accel.buffers.spike_buffer.capacityBits;
  const acsPerStep = exactAcsPerStep(l, s, T);
  const acs = acsPerStep.reduce((x, y) => x + y, 0);

  // Spikes always pass through the spike buffer; DRAM traffic comes on top when they spill (as on the STCB chip).
  if (ctx.inputFromDram) loadFromDram(traffic, 'spike_buffer', inSpikeBits);
  traffic.spike_buffer.writeBits += outSpikeBits;
  const model = lifTileModel(l, s, ctx, { outSpikeBits, outsT, stalls, traffic }, spill);
  const run = replayTiles(model, l, tiling, ctx.clockHz, {
    inLoadCycles: dramCycles(accel, ctx.clockHz, ctx.inputFromDram ? inSpikeBits : 0),
    drainBits: spill ? outSpikeBits : 0,
  });
  const actions = lifActions(l, ctx, acs, outsT);
  pushTraffic(actions, traffic);
  return {
    layer: l.layer,
    kind: 'lif',
    cycles: run.cycles,
    stageCycles: { encoder: 0, ac: run.busy.ac, cab: run.busy.update },
    ...replayedFields(model, run, tiling, acsPerStep, actions, s.spikes),
    outputSpikes: ctx.outputSpikes,
    acs,
    acsPerStep,
    bounds: { encoder: 0, ac: acLowerBound(acsPerStep, accel.acLanes), cab: Math.ceil(outsT / spec.lanes), dram: dramCycles(accel, ctx.clockHz, dramBits(traffic)) },
    work: { acOps: acs, cabOps: outsT, encoderOps: 0, macOps: 0 },
  };
}
