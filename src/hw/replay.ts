/**
 * Hardware replay of a spike trace: every spiking layer of every image through the STCB
 * accelerator model, the MAC layers on the CAB lanes, and two twins for comparison: the ANN twin
 * on a systolic MAC array (systolic.ts) of the same compute area, and the conventional LIF-SNN twin (lif-layer.ts) that
 * replays the same spikes with membranes read and written every step. Returns integer action
 * counts, traffic and cycles only; src/energy/price.ts prices them. Pure function of
 * (trace, accelerator, technology): the technology sets the clock and the twin's lane count.
 */
import type { LayerGeometry, SpikeTrace, SpikeTraceLayer } from '../trace/types.ts';
import { lifTwinSpec, type Accelerator, type LifLeak, type SystolicDataflow } from '../arch/accelerator.ts';
import type { Tech } from '../arch/tech.ts';
import { annTwinArray } from '../arch/components.ts';
import type { ActionCount } from './actions.ts';
import { spikeSummary } from './fanout.ts';
import { STALL_CAUSES, zeroStalls, type LayerSim } from './layer-sim.ts';
import { simulateStcbLayer, weightWordBits } from './stcb-layer.ts';
import { emptyTraffic, type Traffic } from './traffic.ts';
import { simulateMacLayer } from './mac-layer.ts';
import { lifOutputSpikes, outputSpikeSources, simulateLifLayer, type LifLayerSim } from './lif-layer.ts';
import { simulateSystolicLayer } from './systolic.ts';
import { addSynapticFilter, simulateLifNetworkImage } from './lif-network.ts';

export interface ReplayOptions {
  /** Images of the trace to replay (default: all). */
  images?: number[];
  /** Skip the ANN twin (sweeps that do not need it). */
  annTwin?: boolean;
  /** Skip the LIF-SNN twin (default: computed). */
  lifTwin?: boolean;
  /**
   * A LIF-family network's own trace (issue 15): the LIF twin replays it (its spikes, its output
   * spikes, its levels) instead of the STCB trace's spikes. Same images, same accelerator.
   */
  lifTrace?: SpikeTrace;
}

/** Layer kinds in results: STCB and MAC layers of the chip, LIF layers of the LIF twin. */
export type LayerKind = LayerSim['kind'] | LifLayerSim['kind'];

/** Per-layer simulation of any kind before energy (the LIF twin adds a membrane buffer and output spikes). */
export interface AnyLayerSim extends Omit<LayerSim, 'kind' | 'traffic'> {
  kind: LayerKind;
  traffic: Traffic & { membrane_buffer?: { readBits: number; writeBits: number } };
  outputSpikes?: number;
}

export interface LayerReplay extends AnyLayerSim {
  /** Images replayed (rows are sums over them). */
  images: number;
  runtimeS: number;
  utilisation: { encoder: number; ac: number; cab: number };
}

export interface Replay {
  accelerator: string;
  clockHz: number;
  images: number;
  timesteps: number;
  /** The STCB chip's weights all fit the weight buffer: only the first replayed image loads them from DRAM. */
  weightsResident: boolean;
  layers: LayerReplay[];
  /**
   * ANN twin on a rows x cols systolic array (macLanes = rows * cols PEs); `dataflow` is the
   * setting, `layerDataflows` the dataflow each layer ran with (they differ under 'best').
   */
  annTwin?: { macLanes: number; rows: number; cols: number; dataflow: SystolicDataflow | 'best'; layerDataflows: Record<string, SystolicDataflow>; computeAreaUm2: number; layers: LayerReplay[] };
  /** Conventional LIF-SNN twin: same spikes and ACs, membranes read/written every step, no encoder or CAB. */
  lifTwin?: {
    membraneBits: number; leak: LifLeak; lanes: number; layers: LayerReplay[];
    /** Where the twin's spikes come from: the STCB trace replayed, or a LIF-family network's own run. */
    source: 'stcb-trace' | 'lif-network';
    /** The LIF network's neuron model when source is lif-network. */
    neuron?: SpikeTrace['neuron'];
  };
}

/** Clock at the node: the file's clock, divided by the delay ratio when options.scaleClockWithNode. */
export function clockAt(accel: Accelerator, tech: Tech): number {
  return accel.options.scaleClockWithNode ? accel.clockHz / tech.scales.delay : accel.clockHz;
}

function addActions(into: Map<string, ActionCount>, list: readonly ActionCount[]): void {
  for (const a of list) {
    const k = `${a.component}.${a.action}`;
    const e = into.get(k);
    if (e) e.count += a.count;
    else into.set(k, { ...a });
  }
}

/** Sums one layer's per-image results. */
function accumulate<L extends AnyLayerSim>(acc: L | undefined, x: L): L {
  if (!acc) return { ...x, stalls: { ...x.stalls }, traffic: structuredClone(x.traffic), actions: x.actions.map((a) => ({ ...a })), acsPerStep: [...x.acsPerStep], bounds: { ...x.bounds }, work: { ...x.work }, stageCycles: { ...x.stageCycles } };
  acc.cycles += x.cycles;
  for (const c of STALL_CAUSES) acc.stalls[c] += x.stalls[c];
  const into = acc.traffic as Record<string, { readBits: number; writeBits: number }>;
  for (const [k, v] of Object.entries(x.traffic)) {
    into[k].readBits += v.readBits;
    into[k].writeBits += v.writeBits;
  }
  if (acc.outputSpikes !== undefined) acc.outputSpikes += x.outputSpikes ?? 0;
  const m = new Map<string, ActionCount>();
  addActions(m, acc.actions);
  addActions(m, x.actions);
  acc.actions = [...m.values()];
  acc.acChunkOverheadCycles += x.acChunkOverheadCycles;
  acc.spikes += x.spikes;
  acc.acs += x.acs;
  x.acsPerStep.forEach((v, i) => { acc.acsPerStep[i] = (acc.acsPerStep[i] ?? 0) + v; });
  for (const k of ['encoder', 'ac', 'cab', 'dram'] as const) acc.bounds[k] += x.bounds[k];
  for (const k of ['acOps', 'cabOps', 'encoderOps', 'macOps'] as const) acc.work[k] += x.work[k];
  for (const k of ['encoder', 'ac', 'cab'] as const) acc.stageCycles[k] += x.stageCycles[k];
  return acc;
}

/** Runtime and utilisation of a summed layer. `lanes.mac` serve MAC layers, `lanes.cab` the per-output stage of the other kinds (CAB or LIF neuron update). */
function finishLayer(l: AnyLayerSim, images: number, accel: Accelerator, clockHz: number, lanes: { cab: number; mac: number }): LayerReplay {
  const cyc = Math.max(l.cycles, 1);
  return {
    ...l,
    images,
    runtimeS: l.cycles / clockHz,
    utilisation: {
      encoder: l.work.encoderOps / (cyc * accel.encoderLanes),
      ac: l.work.acOps / (cyc * accel.acLanes),
      cab: (l.work.cabOps + l.work.macOps) / (cyc * (l.kind === 'mac' ? lanes.mac : lanes.cab)),
    },
  };
}

/**
 * Whether every weight layer's weights fit the weight buffer at once (at `wordBits` per weight,
 * `copies` copies of spiking layers' weights): then they stay on chip and only the first image of a
 * replayed batch loads them from DRAM (DESIGN.md 5.1, reuse).
 */
export function weightsFitOnChip(layers: readonly LayerGeometry[], spiking: ReadonlySet<string>, accel: Accelerator, wordBits: number, copies: number): boolean {
  // A binary layer (weightBits 1) holds one bit per weight; its alpha words are negligible here.
  const bits = layers.reduce((s, g) => s + g.kernelH * g.kernelW * g.inC * g.outC * (g.weightBits ?? wordBits) * (spiking.has(g.layer) ? copies : 1), 0);
  return bits <= accel.buffers.weight_buffer.capacityBits;
}

/**
 * The accelerator as one layer sees it: a binary layer (weightBits 1) stores, loads and reads one bit
 * per weight, and its AC is an add or subtract of the unit weight (alpha applied with the CAB multiply).
 * The ANN twin keeps the full weight width: it is the full-precision ANN baseline.
 */
function layerAccel(accel: Accelerator, g: LayerGeometry): Accelerator {
  return g.weightBits === undefined || g.weightBits === accel.weightBits ? accel : { ...accel, weightBits: g.weightBits };
}

/** The trace's layers in execution order, checked. */
function layerOrder(trace: SpikeTrace): { order: string[]; spiking: Map<string, SpikeTraceLayer>; macs: Map<string, LayerGeometry> } {
  const spiking = new Map<string, SpikeTraceLayer>(trace.layers.map((l) => [l.layer, l]));
  const macs = new Map<string, LayerGeometry>(trace.macLayers.map((l) => [l.layer, l]));
  const order = trace.order.length > 0 ? trace.order : [...trace.macLayers.map((l) => l.layer), ...trace.layers.map((l) => l.layer)];
  for (const name of order) {
    if (!spiking.has(name) && !macs.has(name)) throw new Error(`trace order names layer ${name}, which is neither a spiking nor a MAC layer`);
  }
  return { order, spiking, macs };
}

/** Replays `trace` on `accel` at `tech`: counts, traffic and cycles of the chip and its twins. */
export function replay(trace: SpikeTrace, accel: Accelerator, tech: Tech, options: ReplayOptions = {}): Replay {
  const clockHz = clockAt(accel, tech);
  const T = trace.timesteps;
  const images = options.images ?? Array.from({ length: trace.images }, (_, i) => i);
  const { order, spiking, macs } = layerOrder(trace);
  const all = [...macs.values(), ...spiking.values()];
  const spikingNames = new Set(spiking.keys());
  const o = accel.options;
  const chipResident = weightsFitOnChip(all, spikingNames, accel, weightWordBits(accel), o.scaledWeights ? T : 1);
  const twinResident = weightsFitOnChip(all, spikingNames, accel, accel.weightBits, 1);
  const sums = new Map<string, LayerSim>();
  const wantLif = options.lifTwin !== false && !options.lifTrace;
  const lifSpec = lifTwinSpec(accel);
  const lifSources = outputSpikeSources(order, spiking);
  const lifSums = new Map<string, LifLayerSim>();
  images.forEach((img, i) => {
    const encodersRun = new Set<string>();
    const weightsOnChip = i > 0 && chipResident;
    order.forEach((name, idx) => {
      const sl = spiking.get(name);
      let r: LayerSim;
      if (sl) {
        // An event-camera input layer has no encoder: the sensor delivers its events.
        const runEncoder = !encodersRun.has(sl.encoder) && sl.eventCounts === undefined;
        encodersRun.add(sl.encoder);
        const summaryIn = spikeSummary(sl, img, T);
        r = simulateStcbLayer(sl, summaryIn, { accel: layerAccel(accel, sl), clockHz, timesteps: T, schedule: trace.schedule, runEncoder, inputFromDram: idx === 0, weightsOnChip });
        if (wantLif) {
          const src = lifSources.get(name) ?? { kind: 'rate' };
          const outputSpikes = lifOutputSpikes(sl, summaryIn, src, src.kind === 'consumer' ? spikeSummary(src.layer, img, T) : undefined);
          const lif = simulateLifLayer(sl, summaryIn, { accel: layerAccel(accel, sl), spec: lifSpec, clockHz, timesteps: T, outputSpikes, inputFromDram: idx === 0, weightsOnChip: i > 0 && twinResident });
          // The STCB chip folds an event layer's synaptic kernel into its CAB; a LIF chip integrates step by step and pays it.
          if (sl.eventCounts && sl.synapticKernel) addSynapticFilter(lif, sl.outH * sl.outW * sl.outC, sl.synapticKernel, T, { accel, spec: lifSpec });
          lifSums.set(name, accumulate(lifSums.get(name), lif));
        }
      } else {
        const g = macs.get(name) as LayerGeometry;
        r = simulateMacLayer(g, { accel: layerAccel(accel, g), clockHz, lanes: accel.cabLanes, component: 'cab', multiplyAction: 'mac_multiply', addAction: 'mac_add', inputFromDram: idx === 0, weightsOnChip });
      }
      sums.set(name, accumulate(sums.get(name), r));
    });
  });
  const chipLanes = { cab: accel.cabLanes, mac: accel.cabLanes };
  const layers = order.map((n) => finishLayer(sums.get(n) as LayerSim, images.length, accel, clockHz, chipLanes));
  const result: Replay = { accelerator: accel.name, clockHz, images: images.length, timesteps: T, weightsResident: chipResident, layers };
  if (options.annTwin !== false) result.annTwin = annTwinReplay(order, new Map<string, LayerGeometry>([...macs, ...spiking]), images.length, twinResident, accel, tech, clockHz);
  if (options.lifTrace) {
    result.lifTwin = lifNetworkReplay(options.lifTrace, images, accel, lifSpec, clockHz);
  } else if (wantLif) {
    // MAC layers run exactly as on the STCB chip; spiking layers are the LIF twin's.
    const lifLayers = order.map((n) => finishLayer(lifSums.get(n) ?? (sums.get(n) as LayerSim), images.length, accel, clockHz, { cab: lifSpec.lanes, mac: accel.cabLanes }));
    result.lifTwin = { membraneBits: lifSpec.membraneBits, leak: lifSpec.leak, lanes: lifSpec.lanes, layers: lifLayers, source: 'stcb-trace' };
  }
  return result;
}

/** The LIF twin from a LIF-family network's own trace, on the same images (indices into that trace). */
function lifNetworkReplay(trace: SpikeTrace, images: readonly number[], accel: Accelerator, spec: ReturnType<typeof lifTwinSpec>, clockHz: number): NonNullable<Replay['lifTwin']> {
  if (trace.timesteps > 31) throw new Error(`LIF trace: ${trace.timesteps} steps do not fit the codes`);
  const { order, spiking, macs } = layerOrder(trace);
  const resident = weightsFitOnChip([...macs.values(), ...spiking.values()], new Set(spiking.keys()), accel, accel.weightBits, 1);
  const sums = new Map<string, AnyLayerSim>();
  images.forEach((img, i) => {
    if (img >= trace.images) throw new Error(`LIF trace holds ${trace.images} image(s); image ${img} was asked for`);
    for (const [name, sim] of simulateLifNetworkImage(trace, img, i === 0, { accel, spec, clockHz, weightsResident: resident })) {
      sums.set(name, accumulate(sums.get(name), sim as AnyLayerSim));
    }
  });
  const layers = order.map((n) => finishLayer(sums.get(n) as AnyLayerSim, images.length, accel, clockHz, { cab: spec.lanes, mac: accel.cabLanes }));
  return { membraneBits: spec.membraneBits, leak: spec.leak, lanes: spec.lanes, layers, source: 'lif-network', neuron: trace.neuron };
}

/**
 * The ANN twin: every layer on its systolic array. It does not depend on the spikes, so each layer is
 * replayed twice at most: the first image (weights from DRAM) and the others (weights resident when
 * they fit).
 */
function annTwinReplay(order: readonly string[], layers: ReadonlyMap<string, LayerGeometry>, images: number, resident: boolean, accel: Accelerator, tech: Tech, clockHz: number): NonNullable<Replay['annTwin']> {
  const { computeAreaUm2, ...array } = annTwinArray(accel, tech);
  const dataflow = accel.annTwin?.dataflow ?? 'best';
  const macLanes = array.rows * array.cols;
  const layerDataflows: Record<string, SystolicDataflow> = {};
  const twinLayers = order.map((name, idx) => {
    const g = layers.get(name) as LayerGeometry;
    const ctx = { accel, clockHz, array, dataflow, inputFromDram: idx === 0 };
    const { sim: cold, mapping } = simulateSystolicLayer(g, { ...ctx, weightsOnChip: false });
    const warm = resident ? simulateSystolicLayer(g, { ...ctx, weightsOnChip: true }).sim : cold;
    layerDataflows[name] = mapping.dataflow;
    let acc: LayerSim | undefined;
    for (let i = 0; i < images; i++) acc = accumulate(acc, i === 0 ? cold : warm);
    return finishLayer(acc ?? { ...cold, cycles: 0, actions: [], traffic: emptyTraffic(), stalls: zeroStalls() }, images, accel, clockHz, { cab: macLanes, mac: macLanes });
  });
  return { macLanes, rows: array.rows, cols: array.cols, dataflow, layerDataflows, computeAreaUm2, layers: twinLayers };
}
