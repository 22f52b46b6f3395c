/**
 * One tile of a spiking layer, step by step: its weights come in from DRAM, then every step runs the
 * AC stage (ac-array.ts) and the layer's per-output update stage (the STCB chip's CAB or the LIF
 * twin's neuron update), and the stages compose into the tile's cycles (timing.ts). Then the tiles of
 * a layer in order, between the layer's input load and output drain.
 */
import type { LayerGeometry } from '../trace/types.ts';
import type { Accelerator } from '../arch/accelerator.ts';
import type { ActionCount } from './actions.ts';
import { acLowerBound, type AcStage } from './ac-array.ts';
import type { LayerSim, Stalls } from './layer-sim.ts';
import { dramCycles } from './memory.ts';
import { composeTile, TileSchedule, type TileTime } from './timing.ts';
import { tileRegions, type TileRegion, type Tiling } from './tiling.ts';
import { loadFromDram, type Traffic } from './traffic.ts';

/** One step of the update stage of a tile. */
export interface UpdateStep {
  /** Cycles of the step (work or port time, whichever is longer). */
  cycles: number;
  /** Port cycles of the step (what bounds the stage when it streams, overlapped timing). */
  portCycles: number;
  /** Cycles the update lanes were busy. */
  busyCycles: number;
}

/** What a layer model plugs into the tile replay (Tr: its traffic record). */
export interface TileModel<Tr extends Traffic = Traffic> {
  accel: Accelerator;
  timesteps: number;
  traffic: Tr;
  stalls: Stalls;
  ac: AcStage;
  /** Update stage of the tile at step t (books its own traffic and stalls). */
  update: (tile: TileRegion, t: number) => UpdateStep;
  /** Weight bits of the tile's channels, loaded with the first row tile. */
  weightBits: (tile: TileRegion) => number;
  /** The layer's weights are already in the weight buffer (resident across the batch): no DRAM load. */
  weightsOnChip: boolean;
  /** Cycles the tile waits for its input before step 1 (the STCB encoder's first share). */
  feedCycles: (tile: TileRegion) => number;
  /** Bound of the update stage when it streams across steps (overlapped timing), before port time. */
  updateStreamCycles: (tile: TileRegion) => number;
  /** Adjusts a replayed tile before it joins the timeline (books per-tile output traffic, waits). */
  afterTile?: (tile: TileRegion, time: TileTime) => void;
}

/** Busy cycles of the AC and update lanes, summed over a layer's tiles. */
export interface StageBusy { ac: number; update: number }

/** A replayed tile: its compute time and the bits it loads from DRAM. */
export interface TileResult { time: TileTime; loadBits: number }

/** Replays one tile; adds its busy cycles to `busy`. */
export function replayTile(m: TileModel, tile: TileRegion, busy: StageBusy): TileResult {
  const T = m.timesteps;
  const o = m.accel.options;
  const weightBits = m.weightBits(tile);
  let loadBits = 0;
  if (tile.rt === 0 && !m.weightsOnChip) {
    loadFromDram(m.traffic, 'weight_buffer', weightBits);
    loadBits = weightBits;
  }
  const feed = new Array<number>(T).fill(0);
  const ac = new Array<number>(T).fill(0);
  const update = new Array<number>(T).fill(0);
  feed[0] = m.feedCycles(tile);
  let updatePortSum = 0;
  for (let t = 0; t < T; t++) {
    const a = m.ac(tile, t, m.stalls, m.traffic);
    loadBits += a.dramLoadBits;
    busy.ac += a.busyCycles;
    ac[t] = a.cycles;
    const u = m.update(tile, t);
    update[t] = u.cycles;
    updatePortSum += u.portCycles;
    busy.update += u.busyCycles;
  }
  // Weight-stationary: the tile's weights are read once into the array's registers.
  if (o.weightStationary) m.traffic.weight_buffer.readBits += weightBits;
  const time = composeTile(o.timing, { feed, ac, update }, Math.max(m.updateStreamCycles(tile), updatePortSum));
  return { time, loadBits };
}

/** DRAM at the ends of a layer: cycles to load its input before the first tile, bits drained after the last. */
export interface LayerEnds { inLoadCycles: number; drainBits: number }

/** A layer's replayed tiles: total cycles and busy cycles per stage. */
export interface TilesRun { cycles: number; busy: StageBusy }

/** Replays every tile of a layer, drains its output and closes the timeline (stalls.dram, stalls.pipeline). */
export function replayTiles(m: TileModel, l: LayerGeometry, tiling: Tiling, clockHz: number, ends: LayerEnds): TilesRun {
  const { accel } = m;
  const busy: StageBusy = { ac: 0, update: 0 };
  const schedule = new TileSchedule(accel.options.pipelineLatencyCycles);
  for (const tile of tileRegions(l, tiling)) {
    const { time, loadBits } = replayTile(m, tile, busy);
    m.afterTile?.(tile, time);
    schedule.add(time, dramCycles(accel, clockHz, loadBits));
  }
  m.traffic.dram.writeBits += ends.drainBits;
  const cycles = schedule.finish(ends.inLoadCycles, dramCycles(accel, clockHz, ends.drainBits), accel.options.doubleBufferedLoads, m.stalls);
  return { cycles, busy };
}

/** The result fields every spiking layer model fills alike from its replay (in LayerSim's field order). */
export function replayedFields<Tr extends Traffic>(m: TileModel<Tr>, run: TilesRun, tiling: Tiling, acsPerStep: readonly number[], actions: ActionCount[], spikes: number):
  Pick<LayerSim, 'stalls' | 'acChunkOverheadCycles' | 'tiling' | 'actions' | 'spikes'> & { traffic: Tr } {
  const acChunkOverheadCycles = run.busy.ac - acLowerBound(acsPerStep, m.accel.acLanes);
  return { stalls: m.stalls, acChunkOverheadCycles, tiling, traffic: m.traffic, actions, spikes };
}
