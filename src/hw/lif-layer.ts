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
import type { ActionCount } from './actions.ts';
import { inputRowsFor, reachAlong, type SpikeSummary } from './fanout.ts';
import { acStepCost, chargeAcStep, chunkCost, dramCycles, tileTimeline, emptyTraffic, portCycles, pushTraffic, zeroStalls, type ChunkCost, type LayerSim, type Tiling, type Traffic } from './stcb-layer.ts';

/** Buffer and DRAM traffic of a LIF layer: the STCB chip's buffers plus the membrane buffer. */
export type LifTraffic = Traffic & { membrane_buffer: { readBits: number; writeBits: number } };

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

/** Tiling of the LIF twin: as chooseTiling, with the membranes of a tile in the membrane buffer instead of y. */
export function lifTiling(l: SpikeTraceLayer, accel: Accelerator, spec: LifTwinSpec): Tiling {
  const o = accel.options;
  const perChannelWeightBits = l.kernelH * l.kernelW * l.inC * accel.weightBits;
  const wCap = accel.buffers.weight_buffer.capacityBits / (o.doubleBufferedLoads ? 2 : 1);
  let cMax = Number.isFinite(wCap) ? Math.min(l.outC, Math.floor(wCap / perChannelWeightBits)) : l.outC;
  if (o.weightStationary && Number.isFinite(accel.acWeightRegisters)) {
    cMax = Math.min(cMax, Math.floor(accel.acWeightRegisters / (l.kernelH * l.kernelW * l.inC)));
  }
  if (cMax < 1) throw new Error(`layer ${l.layer} (LIF twin): the weights of one output channel (${perChannelWeightBits} bits) do not fit the weight buffer/array of ${accel.name}`);
  const stepCopies = o.timing === 'sequential' ? 1 : 2;
  const psumBitsPerOutput = o.psumsInArrayRegisters ? 0 : accel.psumBits * stepCopies;
  const psumCap = accel.buffers.psum_buffer.capacityBits;
  const memCap = psumCap;
  const rowsFor = (c: number): number => {
    let rows = l.outH;
    if (psumBitsPerOutput > 0 && Number.isFinite(psumCap)) rows = Math.min(rows, Math.floor(psumCap / (psumBitsPerOutput * l.outW * c)));
    if (o.psumsInArrayRegisters) rows = Math.min(rows, Math.floor(accel.acPsumRegisters / (l.outW * c)));
    if (Number.isFinite(memCap)) rows = Math.min(rows, Math.floor(memCap / (spec.membraneBits * l.outW * c)));
    return rows;
  };
  let c = Math.ceil(l.outC / Math.ceil(l.outC / cMax));
  while (c > 1 && rowsFor(c) < 1) c = Math.ceil(l.outC / (Math.ceil(l.outC / c) + 1));
  let rows = rowsFor(c);
  if (rows >= 1) rows = Math.ceil(l.outH / Math.ceil(l.outH / rows));
  if (rows < 1) throw new Error(`layer ${l.layer} (LIF twin): one output row of one channel (${l.outW} outputs) does not fit the psum/membrane storage of ${accel.name}`);
  return { coutTile: c, rowTile: rows, coutTiles: Math.ceil(l.outC / c), rowTiles: Math.ceil(l.outH / rows) };
}

/** Cycles to move `readBits` and `writeBits` through the membrane buffer (sized and ported like the psum buffer). */
function membranePortCycles(accel: Accelerator, readBits: number, writeBits: number): number {
  const s = accel.buffers.psum_buffer;
  if (!Number.isFinite(s.portBits)) return 0;
  const perCycle = s.portBits * s.banks;
  return s.ports === '1rw' ? Math.ceil((readBits + writeBits) / perCycle) : Math.ceil(Math.max(readBits, writeBits) / perCycle);
}

/** Replays one spiking layer of one image on the LIF twin. */
export function simulateLifLayer(l: SpikeTraceLayer, s: SpikeSummary, ctx: LifContext): LifLayerSim {
  const { accel, spec, timesteps: T } = ctx;
  const o = accel.options;
  const L = accel.acLanes;
  const mBits = spec.membraneBits;
  const nIn = l.inH * l.inW * l.inC;
  const nOut = l.outH * l.outW * l.outC;
  const tiling = lifTiling(l, accel, spec);
  const K = s.colClasses;
  const traffic: LifTraffic = { ...emptyTraffic(), membrane_buffer: { readBits: 0, writeBits: 0 } };
  const stalls = zeroStalls();
  const inAddrBits = Math.max(1, Math.ceil(Math.log2(nIn)));
  const outAddrBits = Math.max(1, Math.ceil(Math.log2(nOut)));
  const bitmap = o.spikeStorage === 'bitmap';
  const inSpikeBits = bitmap ? nIn * T : s.spikes * inAddrBits;
  const outSpikeBits = bitmap ? nOut * T : ctx.outputSpikes * outAddrBits;
  // Input and output spikes of the layer share the spike buffer; when both do not fit, the input
  // also comes from DRAM per tile pass and the output also goes to DRAM (per layer, like the STCB's).
  const spill = inSpikeBits + outSpikeBits > accel.buffers.spike_buffer.capacityBits;

  // Exact ACs per step (full layer), independent of tiling: the same counts as the STCB layer.
  const acsPerStep = new Array<number>(T).fill(0);
  for (let t = 0; t < T; t++) {
    let a = 0;
    for (let i = 0; i < l.inH; i++) {
      const rr = reachAlong(i, l.kernelH, l.strideH, l.padTop, 0, l.outH);
      if (rr === 0) continue;
      const base = (t * l.inH + i) * K;
      for (let c = 1; c < K; c++) a += s.hist[base + c] * rr * c;
    }
    acsPerStep[t] = a * l.outC;
  }
  const acs = acsPerStep.reduce((x, y) => x + y, 0);

  // Spikes always pass through the spike buffer; DRAM traffic comes on top when they spill (as on the STCB chip).
  if (ctx.inputFromDram) {
    traffic.dram.readBits += inSpikeBits;
    traffic.spike_buffer.writeBits += inSpikeBits;
  }
  traffic.spike_buffer.writeBits += outSpikeBits;

  const chunkMemo = new Map<number, ChunkCost>();
  const costOf = (words: number, run: number): ChunkCost => {
    const k = words * 1048576 + run;
    let c = chunkMemo.get(k);
    if (!c) chunkMemo.set(k, (c = chunkCost(accel, words, run, accel.weightBits)));
    return c;
  };
  let acBusy = 0;
  let neuronBusy = 0;
  let pipelineCycles = 0;
  const tileComputes: number[] = [];
  const tileLoads: number[] = [];
  const lanes = spec.lanes;
  for (let ct = 0; ct < tiling.coutTiles; ct++) {
    const cTile = Math.min(tiling.coutTile, l.outC - ct * tiling.coutTile);
    const tileWeightBits = l.kernelH * l.kernelW * l.inC * cTile * accel.weightBits;
    for (let rt = 0; rt < tiling.rowTiles; rt++) {
      const o0 = rt * tiling.rowTile;
      const o1 = Math.min(l.outH, o0 + tiling.rowTile);
      const nOutTile = (o1 - o0) * l.outW * cTile;
      const [r0, r1] = inputRowsFor(l, o0, o1);
      let loadBits = 0;
      if (rt === 0) {
        loadBits += tileWeightBits;
        traffic.weight_buffer.writeBits += tileWeightBits;
        traffic.dram.readBits += tileWeightBits;
      }
      const a = new Array<number>(T).fill(0);
      const n = new Array<number>(T).fill(0);
      let neuronPortSum = 0;
      // The tile's share of the output-spike bits per step (exact for bitmaps; AER spreads the
      // layer's output spikes evenly for port timing only, the traffic total is exact).
      const outBitsStep = Math.ceil((outSpikeBits * nOutTile) / (nOut * T));
      for (let t = 0; t < T; t++) {
        const step = acStepCost(l, s, t, { r0, r1, o0, o1, cTile }, L, o.acPacking, costOf);
        const { acs: acT, spikes: spikesT } = step;
        const chunkT = step.cycles;
        const spikeReadBits = bitmap ? (r1 - r0 + 1) * l.inW * l.inC : spikesT * inAddrBits;
        traffic.spike_buffer.readBits += spikeReadBits;
        if (spill) { traffic.dram.readBits += spikeReadBits; loadBits += spikeReadBits; }
        const spikePort = portCycles(accel, 'spike_buffer', spikeReadBits);
        acBusy += chargeAcStep(step, spikePort, accel, accel.weightBits, stalls, traffic);
        a[t] = Math.max(chunkT, spikePort);

        // Neuron update of the tile at step t: read I(t) and u, leak, integrate, compare, reset, write u and the spike bit.
        const work = Math.ceil(nOutTile / lanes);
        const psumRead = o.psumsInArrayRegisters ? 0 : nOutTile * accel.psumBits;
        traffic.psum_buffer.readBits += psumRead;
        const memBits = nOutTile * mBits;
        traffic.membrane_buffer.readBits += memBits;
        traffic.membrane_buffer.writeBits += memBits;
        const memPort = Math.max(membranePortCycles(accel, memBits, memBits), portCycles(accel, 'psum_buffer', psumRead));
        const outPort = portCycles(accel, 'spike_buffer', outBitsStep);
        if (memPort > work && memPort >= outPort) stalls['psum-port'] += memPort - work;
        else if (outPort > work) stalls['spike-port'] += outPort - work;
        n[t] = Math.max(work, memPort, outPort);
        neuronPortSum += Math.max(memPort, outPort);
        neuronBusy += work;
      }
      if (o.weightStationary) traffic.weight_buffer.readBits += tileWeightBits;
      const sumA = a.reduce((x, y) => x + y, 0);
      const sumN = n.reduce((x, y) => x + y, 0);
      let tileCycles: number;
      if (o.timing === 'sequential') {
        tileCycles = sumA + sumN;
      } else if (o.timing === 'overlapped') {
        // Decoupled stages; the membrane recurrence still serialises a neuron's steps, which the
        // lanes hide by streaming across the tile's neurons.
        tileCycles = Math.max(sumA, Math.max(Math.ceil((T * nOutTile) / lanes), neuronPortSum));
      } else {
        // Flow shop over steps: AC -> neuron update, step psums double-buffered (AC step t waits for the update of t-2).
        let fA = 0;
        let fN = 0;
        let fNprev = 0;
        for (let t = 0; t < T; t++) {
          fA = Math.max(fA, t > 1 ? fNprev : 0) + a[t];
          fNprev = fN;
          fN = Math.max(fN, fA) + n[t];
        }
        tileCycles = fN;
        pipelineCycles += tileCycles - Math.max(sumA, sumN);
      }
      tileCycles += o.pipelineLatencyCycles;
      pipelineCycles += o.pipelineLatencyCycles;
      tileComputes.push(tileCycles);
      tileLoads.push(dramCycles(accel, ctx.clockHz, loadBits));
    }
  }
  const drainBits = spill ? outSpikeBits : 0;
  traffic.dram.writeBits += drainBits;
  const computeSum = tileComputes.reduce((x, y) => x + y, 0);
  const inLoad = dramCycles(accel, ctx.clockHz, ctx.inputFromDram ? inSpikeBits : 0);
  const totalCycles = tileTimeline(tileComputes, tileLoads, inLoad, dramCycles(accel, ctx.clockHz, drainBits), o.doubleBufferedLoads);
  stalls.dram = totalCycles - computeSum;
  stalls.pipeline = pipelineCycles;

  // A LIF neuron is not linear, so a bias (or a folded batch-norm shift) is a current added every
  // step, and an unfolded batch norm acts on every step's current (tdBN-style), not once at the end.
  const outsT = T * nOut;
  const biasPerStep = l.hasBias || (l.batchNormAfter && o.foldBatchNorm);
  const actions: ActionCount[] = [
    { component: 'ac_array', action: 'add', count: acs },
    { component: 'lif_neuron', action: spec.leak === 'shift' ? 'leak_shift' : 'leak_multiply', count: outsT },
    { component: 'lif_neuron', action: 'integrate', count: outsT },
    { component: 'lif_neuron', action: 'bias', count: biasPerStep ? outsT : 0 },
    { component: 'lif_neuron', action: 'compare', count: outsT },
    { component: 'lif_neuron', action: 'reset', count: ctx.outputSpikes },
  ];
  if (l.batchNormAfter && !o.foldBatchNorm) {
    actions.push({ component: 'bn', action: 'multiply', count: outsT }, { component: 'bn', action: 'add', count: outsT });
  }
  pushTraffic(actions, traffic);
  return {
    layer: l.layer,
    kind: 'lif',
    cycles: totalCycles,
    stageCycles: { encoder: 0, ac: acBusy, cab: neuronBusy },
    stalls,
    acChunkOverheadCycles: acBusy - acsPerStep.reduce((x, y) => x + Math.ceil(y / L), 0),
    tiling,
    traffic,
    actions,
    spikes: s.spikes,
    outputSpikes: ctx.outputSpikes,
    acs,
    acsPerStep,
    bounds: {
      encoder: 0,
      ac: acsPerStep.reduce((x, y) => x + Math.ceil(y / L), 0),
      cab: Math.ceil(outsT / lanes),
      dram: dramCycles(accel, ctx.clockHz, traffic.dram.readBits + traffic.dram.writeBits),
    },
    work: { acOps: acs, cabOps: outsT, encoderOps: 0, macOps: 0 },
  };
}
