/**
 * Dense MAC layers (the first convolution on the raw input, a real-valued classifier) and the
 * ANN twin. Mapping: lanes over output channels, one input activation broadcast per cycle to the
 * lanes, output-stationary accumulation (psums stay in the lane registers across kernel taps).
 * On the STCB chip the MAC layers run on the CAB lanes (they have multipliers); the ANN twin runs
 * every layer this way on a MAC array of the same compute area.
 */
import type { LayerGeometry } from '../trace/types.ts';
import { denseMacs } from '../trace/geometry.ts';
import type { Accelerator } from '../arch/accelerator.ts';
import { batchNormActions, type ActionCount } from './actions.ts';
import { zeroStalls, type LayerSim } from './layer-sim.ts';
import { dramCycles } from './memory.ts';
import { weightRegisterChannels } from './tiling.ts';
import { dramBits, emptyTraffic, loadFromDram, pushTraffic } from './traffic.ts';

export interface MacContext {
  accel: Accelerator;
  clockHz: number;
  /** Lanes doing MACs (CAB lanes on the STCB chip, MAC-array lanes for the ANN twin). */
  lanes: number;
  /** Component charged for the MACs and its action names. */
  component: 'cab' | 'mac_array';
  multiplyAction: 'mac_multiply' | 'multiply';
  addAction: 'mac_add' | 'add';
  inputFromDram: boolean;
  /** The network's weights are resident in the weight buffer (an earlier image of the batch loaded them). */
  weightsOnChip: boolean;
}


/**
 * Output channels served at once: all lanes, or under `weightStationary` as many channels as the
 * array's weight registers hold (the same rule as the STCB chip's tiling).
 */
export function macCoutTile(g: LayerGeometry, accel: Accelerator, lanes: number): number {
  const fit = weightRegisterChannels(g, accel);
  if (fit < 1) throw new Error(`layer ${g.layer}: the weights of one output channel (${g.kernelH * g.kernelW * g.inC} words) do not fit the ${accel.acWeightRegisters} weight registers of ${accel.name}`);
  return Math.min(lanes, g.outC, fit);
}

export function simulateMacLayer(g: LayerGeometry, ctx: MacContext): LayerSim {
  const { accel } = ctx;
  const o = accel.options;
  const macs = denseMacs(g);
  const nIn = g.inH * g.inW * g.inC;
  const nOut = g.outH * g.outW * g.outC;
  const coutTile = macCoutTile(g, accel, ctx.lanes);
  const broadcasts = g.outH * g.outW * g.kernelH * g.kernelW * g.inC * Math.ceil(g.outC / coutTile);
  const traffic = emptyTraffic();
  const weightBits = g.kernelH * g.kernelW * g.inC * g.outC * accel.weightBits;
  if (!ctx.weightsOnChip) loadFromDram(traffic, 'weight_buffer', weightBits);
  // Weight-stationary: each tile's weights are read once into the array's registers and reused at
  // every output position; otherwise every MAC reads its weight.
  traffic.weight_buffer.readBits += o.weightStationary ? weightBits : macs * accel.weightBits;
  traffic.act_buffer.readBits += broadcasts * accel.activationBits;
  traffic.act_buffer.writeBits += nOut * accel.activationBits;
  if (ctx.inputFromDram) loadFromDram(traffic, 'act_buffer', nIn * accel.activationBits);
  const actsSpill = (nIn + nOut) * accel.activationBits > accel.buffers.act_buffer.capacityBits;
  if (actsSpill) {
    if (!ctx.inputFromDram) traffic.dram.readBits += nIn * accel.activationBits;
    traffic.dram.writeBits += nOut * accel.activationBits;
  }
  const compute = broadcasts;
  const load = dramCycles(accel, ctx.clockHz, traffic.dram.readBits);
  const drain = dramCycles(accel, ctx.clockHz, traffic.dram.writeBits);
  const stalls = zeroStalls();
  // Weights and input stream in while the lanes compute (double-buffered) unless loads are not.
  const body = o.doubleBufferedLoads && o.timing !== 'sequential' ? Math.max(compute, load) : compute + load;
  const cycles = body + drain + o.pipelineLatencyCycles;
  stalls.dram = body + drain - compute;
  stalls.pipeline = o.pipelineLatencyCycles;
  const actions: ActionCount[] = [
    { component: ctx.component, action: ctx.multiplyAction, count: macs },
    { component: ctx.component, action: ctx.addAction, count: macs + (g.hasBias ? nOut : 0) },
    ...batchNormActions(g, o.foldBatchNorm, nOut),
  ];
  pushTraffic(actions, traffic);
  return {
    layer: g.layer,
    kind: 'mac',
    cycles,
    stageCycles: { encoder: 0, ac: 0, cab: compute },
    stalls,
    acChunkOverheadCycles: 0,
    tiling: { coutTile, rowTile: g.outH, coutTiles: Math.ceil(g.outC / coutTile), rowTiles: 1 },
    traffic,
    actions,
    spikes: 0,
    acs: 0,
    acsPerStep: [],
    bounds: { encoder: 0, ac: 0, cab: Math.ceil(macs / ctx.lanes), dram: dramCycles(accel, ctx.clockHz, dramBits(traffic)) },
    work: { acOps: 0, cabOps: 0, encoderOps: 0, macOps: macs },
  };
}
