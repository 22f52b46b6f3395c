/**
 * The ANN twin's compute: an R x C systolic MAC array, modelled the way SCALE-Sim v2 does
 * (Samajdar et al., "A systematic methodology for characterizing scalability of DNN accelerators
 * using SCALE-Sim", ISPASS 2020; code: github.com/scalesim-project/scale-sim-v2 at 22f88b1).
 *
 * A convolution is the GEMM ofmap[M x N] = ifmap[M x K] * filter[K x N] with M = Ho*Wo output
 * pixels, K = Kh*Kw*Cin (one convolution window) and N = Cout filters (SCALE-Sim's operand
 * matrices, scalesim/compute/operand_matrix.py). Each dataflow keeps one operand in the PEs and
 * maps two GEMM dimensions onto the array (Sr on the rows, Sc on the columns) and streams the
 * third over T cycles (scalesim/topology_utils.py:217-240, and `set_params` of each
 * scalesim/compute/systolic_compute_{os,ws,is}.py):
 *   os: Sr = M, Sc = N, T = K     ws: Sr = K, Sc = N, T = M     is: Sr = K, Sc = M, T = N
 * A layer larger than the array runs in ceil(Sr/R) * ceil(Sc/C) folds, one after another.
 * Cycles per fold are the rows of SCALE-Sim's per-fold demand matrices (its memory system steps one
 * row per cycle; with no memory stall the layer takes their sum, and SCALE-Sim prints the index of
 * the last cycle, i.e. one less):
 *   ws: 2R + C + T - 2   R cycles to preload the fold's weights, then T inputs, skewed by R - 1
 *                        and drained through C - 1 columns (systolic_compute_ws.py:223-257: the
 *                        filter demand is R rows plus an R + C + T - 2 row gap, line 226)
 *   is: 2R + C + T - 2   the same with the inputs preloaded (systolic_compute_is.py:181-216, line 184)
 *   os: R + C + T - 2    nothing to preload: T operand pairs skewed by R - 1 rows and C - 1 columns
 *                        (systolic_compute_os.py:220-253: T rows plus a C - 1 row gap, line 224,
 *                        then skew_matrix, line 471, adds R - 1)
 * The paper's analytical model writes 2R + C + T - 2 for every dataflow; SCALE-Sim v2's code (what
 * it prints) has R fewer per fold under os, and this model follows the code
 * (docs/validation-scalesim.md).
 *
 * SRAM accesses are SCALE-Sim's operand-matrix reads and writes (the `*_reads +=` and
 * `ofmap_writes +=` lines of the three files), in words:
 *   ifmap reads  = M*K * (os, ws: ceil(N / C) column folds; is: once)
 *   filter reads = K*N * (ws: once, each weight loaded into its PE; os: ceil(M / R); is: ceil(M / C))
 *   ofmap writes = M*N * (ws, is: ceil(K / R) row folds, a partial sum per fold; os: once)
 * SCALE-Sim counts no read of a partial sum; an array that splits K over row folds must read the
 * previous fold's partial sum to add to it, so this model counts one psum-buffer read per partial
 * sum written (and writes the partial sums at the accumulator width, the final outputs at the
 * activation width). It also leaves out SCALE-Sim's extra R + C writes per os fold
 * (systolic_compute_os.py:349, a second count of the same fold). Zeros are multiplied like any
 * other value: MACs = dense MACs.
 */
import type { LayerGeometry } from '../trace/types.ts';
import { denseMacs } from '../trace/geometry.ts';
import { SYSTOLIC_DATAFLOWS, type Accelerator, type SystolicDataflow } from '../arch/accelerator.ts';
import type { ActionCount } from './actions.ts';
import { dramCycles } from './memory.ts';
import { emptyTraffic, pushTraffic } from './traffic.ts';
import { zeroStalls, type LayerSim } from './layer-sim.ts';

/** PE grid of the array. */
export interface SystolicArray {
  rows: number;
  cols: number;
}

/** A layer as SCALE-Sim's GEMM: M output pixels, K window words, N filters. */
export interface Gemm {
  m: number;
  k: number;
  n: number;
}

/** How one dataflow maps one layer onto the array (SCALE-Sim's Sr, Sc, T and folds). */
export interface SystolicMapping {
  dataflow: SystolicDataflow;
  /** Spatial extent along the array's rows / columns, and the temporal extent (cycles streamed per fold). */
  sr: number;
  sc: number;
  t: number;
  rowFolds: number;
  colFolds: number;
  folds: number;
  cyclesPerFold: number;
  /** folds * cyclesPerFold: the array's cycles with no memory stall. */
  computeCycles: number;
}

/** SRAM words a layer moves under one mapping (SCALE-Sim's counts, plus the psum read-back). */
export interface SystolicAccessWords {
  ifmapReads: number;
  filterReads: number;
  /** SCALE-Sim's "SRAM OFMAP Writes": final outputs plus one partial sum per extra fold of K. */
  ofmapWrites: number;
  /** Of ofmapWrites, the partial sums (each read back once by the next fold). */
  psumWrites: number;
  psumReads: number;
}

export function gemmOf(g: LayerGeometry): Gemm {
  return { m: g.outH * g.outW, k: g.kernelH * g.kernelW * g.inC, n: g.outC };
}

function checkArray(a: SystolicArray): void {
  if (!(Number.isInteger(a.rows) && a.rows >= 1 && Number.isInteger(a.cols) && a.cols >= 1)) {
    throw new Error(`systolic array must have whole rows and cols >= 1, got ${a.rows} x ${a.cols}`);
  }
}

/** Sr, Sc, T, folds and cycles of `gemm` on `array` under `dataflow` (formulas in the file comment). */
export function systolicMapping(gemm: Gemm, array: SystolicArray, dataflow: SystolicDataflow): SystolicMapping {
  checkArray(array);
  const { rows: R, cols: C } = array;
  const [sr, sc, t] = dataflow === 'os' ? [gemm.m, gemm.n, gemm.k] : dataflow === 'ws' ? [gemm.k, gemm.n, gemm.m] : [gemm.k, gemm.m, gemm.n];
  const rowFolds = Math.ceil(sr / R);
  const colFolds = Math.ceil(sc / C);
  const folds = rowFolds * colFolds;
  // Preloading the stationary operand costs R cycles per fold under ws and is; os preloads nothing.
  const cyclesPerFold = (dataflow === 'os' ? R : 2 * R) + C + t - 2;
  return { dataflow, sr, sc, t, rowFolds, colFolds, folds, cyclesPerFold, computeCycles: folds * cyclesPerFold };
}

/** SRAM words of a mapping (file comment); all three counts are SCALE-Sim's except the psum reads. */
export function systolicAccessWords(gemm: Gemm, mp: SystolicMapping): SystolicAccessWords {
  const { m, k, n } = gemm;
  const reductionFolds = mp.dataflow === 'os' ? 1 : mp.rowFolds;
  const ifmapReads = m * k * (mp.dataflow === 'is' ? 1 : mp.colFolds);
  const filterReads = k * n * (mp.dataflow === 'ws' ? 1 : mp.dataflow === 'os' ? mp.rowFolds : mp.colFolds);
  const psumWrites = m * n * (reductionFolds - 1);
  return { ifmapReads, filterReads, ofmapWrites: m * n + psumWrites, psumWrites, psumReads: psumWrites };
}

/**
 * The dataflow a setting picks for a layer: the given one, or under 'best' the one with the fewest
 * array cycles (ties: ws, os, is). DRAM traffic is the same under every dataflow here, so the
 * fewest array cycles also give the fewest layer cycles.
 */
export function chooseDataflow(gemm: Gemm, array: SystolicArray, setting: SystolicDataflow | 'best'): SystolicMapping {
  if (setting !== 'best') return systolicMapping(gemm, array, setting);
  let best: SystolicMapping | undefined;
  for (const df of SYSTOLIC_DATAFLOWS) {
    const mp = systolicMapping(gemm, array, df);
    if (!best || mp.computeCycles < best.computeCycles) best = mp;
  }
  return best as SystolicMapping;
}

export { squareArray } from '../arch/components.ts';

export interface SystolicContext {
  accel: Accelerator;
  clockHz: number;
  array: SystolicArray;
  dataflow: SystolicDataflow | 'best';
  inputFromDram: boolean;
  /** The network's weights are resident in the weight buffer (an earlier image of the batch loaded them). */
  weightsOnChip: boolean;
}

/**
 * One layer, one image, on the systolic array: MAC actions on 'mac_array', SRAM traffic of the
 * chosen mapping, DRAM traffic as for the chip's MAC layers (weights once per layer, the first
 * layer's input, activations that spill from the activation buffer), cycles = the array's cycles
 * plus DRAM time not hidden by double buffering. No pipeline latency is added: the array's fill
 * and drain are already in its cycles.
 */
export function simulateSystolicLayer(g: LayerGeometry, ctx: SystolicContext): { sim: LayerSim; mapping: SystolicMapping } {
  const { accel, array } = ctx;
  const o = accel.options;
  const gemm = gemmOf(g);
  const mapping = chooseDataflow(gemm, array, ctx.dataflow);
  const words = systolicAccessWords(gemm, mapping);
  const macs = denseMacs(g);
  const nIn = g.inH * g.inW * g.inC;
  const nOut = g.outH * g.outW * g.outC;
  const weightBits = gemm.k * gemm.n * accel.weightBits;
  const traffic = emptyTraffic();
  if (!ctx.weightsOnChip) traffic.weight_buffer.writeBits += weightBits;
  traffic.weight_buffer.readBits += words.filterReads * accel.weightBits;
  traffic.act_buffer.readBits += words.ifmapReads * accel.activationBits;
  traffic.act_buffer.writeBits += nOut * accel.activationBits;
  traffic.psum_buffer.writeBits += words.psumWrites * accel.accumulatorBits;
  traffic.psum_buffer.readBits += words.psumReads * accel.accumulatorBits;
  if (!ctx.weightsOnChip) traffic.dram.readBits += weightBits;
  if (ctx.inputFromDram) {
    traffic.dram.readBits += nIn * accel.activationBits;
    traffic.act_buffer.writeBits += nIn * accel.activationBits;
  }
  const actsSpill = (nIn + nOut) * accel.activationBits > accel.buffers.act_buffer.capacityBits;
  if (actsSpill) {
    if (!ctx.inputFromDram) traffic.dram.readBits += nIn * accel.activationBits;
    traffic.dram.writeBits += nOut * accel.activationBits;
  }
  const compute = mapping.computeCycles;
  const load = dramCycles(accel, ctx.clockHz, traffic.dram.readBits);
  const drain = dramCycles(accel, ctx.clockHz, traffic.dram.writeBits);
  const body = o.doubleBufferedLoads && o.timing !== 'sequential' ? Math.max(compute, load) : compute + load;
  const stalls = zeroStalls();
  stalls.dram = body + drain - compute;
  const actions: ActionCount[] = [
    { component: 'mac_array', action: 'multiply', count: macs },
    { component: 'mac_array', action: 'add', count: macs + (g.hasBias ? nOut : 0) },
  ];
  if (g.batchNormAfter && !o.foldBatchNorm) {
    actions.push({ component: 'bn', action: 'multiply', count: nOut }, { component: 'bn', action: 'add', count: nOut });
  }
  pushTraffic(actions, traffic);
  const sim: LayerSim = {
    layer: g.layer,
    kind: 'mac',
    cycles: body + drain,
    stageCycles: { encoder: 0, ac: 0, cab: compute },
    stalls,
    acChunkOverheadCycles: 0,
    // Tiles are folds: the array extent used along columns / rows and the fold counts.
    tiling: { coutTile: Math.min(array.cols, mapping.sc), rowTile: Math.min(array.rows, mapping.sr), coutTiles: mapping.colFolds, rowTiles: mapping.rowFolds },
    traffic,
    actions,
    spikes: 0,
    acs: 0,
    acsPerStep: [],
    bounds: { encoder: 0, ac: 0, cab: Math.ceil(macs / (array.rows * array.cols)), dram: dramCycles(accel, ctx.clockHz, traffic.dram.readBits + traffic.dram.writeBits) },
    work: { acOps: 0, cabOps: 0, encoderOps: 0, macOps: macs },
  };
  return { sim, mapping };
}
