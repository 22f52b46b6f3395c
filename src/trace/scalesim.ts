/**
 * SCALE-Sim topology import: a SCALE-Sim (v1/v2) convolution topology CSV becomes a SpikeTrace with
 * synthetic spike codes, so users of that tool can profile their workloads as STCSNNs.
 *
 * What a SCALE-Sim topology is, and what this import therefore assumes (also in docs/):
 * - a list of independent convolution layers, one per row: `Layer name, IFMAP Height, IFMAP Width,
 *   Filter Height, Filter Width, Channels, Num Filter, Strides,` (rows end with a comma);
 * - no padding column: the IFMAP size given is taken as already padded, i.e. a 'valid' convolution,
 *   output = floor((IFMAP - Filter) / Stride) + 1, as SCALE-Sim computes it;
 * - no pooling, activation, batch norm, bias or residual rows, and no link between layers: each
 *   row gets its own encoder (STEB) and its own synthetic spikes;
 * - spikes are synthetic: every (input neuron, step) spikes independently with the given firing
 *   rate (Bernoulli), from a seeded generator, so a run is reproducible; they are not the spikes of
 *   a trained network;
 * - the first row stays a MAC layer (it reads the raw input, DESIGN.md section 2) unless
 *   `firstLayerMac` is false;
 * - FC rows (SCALE-Sim writes a fully connected layer as a 1x1 IFMAP with a 1x1 filter, Channels =
 *   inputs, Num Filter = outputs) are real-valued MAC layers by default, as a network's classifier is
 *   (DESIGN.md section 2); `fcRows: 'stcb'` makes them STCBs reading synthetic spikes.
 * Optional columns accepted: `Stride Width` after `Strides` (then `Strides` is the stride height,
 * as in SCALE-Sim's own writer) and `Sparsity` (SCALE-Sim v3 weight sparsity, ignored here).
 * Depthwise rows (SCALE-Sim expands names containing `DP` per channel) and the GEMM (M, N, K)
 * format are not supported and are rejected with a message.
 */
import { basename, extname } from 'node:path';
import { randomCodes } from './synthetic.ts';
import { prng } from '../util/random.ts';
import { PAPER_DEFAULTS, thresholds, type ScheduleKind } from '../stcb/schedule.ts';
import { denseMacs, inputNeurons } from './geometry.ts';
import type { LayerGeometry, SpikeLayerGeometry, SpikeTrace, SpikeTraceLayer } from './types.ts';
import { UsageError } from '../util/errors.ts';
import { checkMemoryEstimate, readTextFile } from '../util/paths.ts';

/** Firing rate used when none is given: the same arbitrary value as `syntheticTrace` (an assumption, not a measurement). */
export const DEFAULT_SCALESIM_FIRING_RATE = 0.15;

export class ScaleSimError extends UsageError {
  override name = 'ScaleSimError';
}

/** The eight columns every SCALE-Sim convolution topology has, in order. */
export const SCALESIM_COLUMNS = [
  'Layer name', 'IFMAP Height', 'IFMAP Width', 'Filter Height', 'Filter Width', 'Channels', 'Num Filter', 'Strides',
] as const;

/** One row of the topology, as written in the file. */
export interface ScaleSimRow {
  name: string;
  /** 1-based line number in the file (for messages and the description). */
  line: number;
  ifmapH: number;
  ifmapW: number;
  filterH: number;
  filterW: number;
  channels: number;
  numFilter: number;
  strideH: number;
  strideW: number;
}

const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** Header spellings seen in SCALE-Sim's repository ("Strides" or "Stride height"). */
const HEADER_ALIASES: readonly (readonly string[])[] = [
  ['layer name'], ['ifmap height'], ['ifmap width'], ['filter height'], ['filter width'], ['channels'],
  ['num filter', 'num filters'], ['strides', 'stride', 'stride height'],
];

type Extra = 'strideW' | 'sparsity';

/** Splits a line into trimmed fields: drops a `#` comment and the one empty field a trailing comma leaves. */
function fields(line: string): string[] {
  const hash = line.indexOf('#');
  const body = (hash >= 0 ? line.slice(0, hash) : line).trim();
  const parts = body.split(',').map((f) => f.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function parseHeader(cells: string[], where: string): Extra[] {
  if (cells.length < SCALESIM_COLUMNS.length) {
    throw new ScaleSimError(`${where}: header has ${cells.length} column(s); a SCALE-Sim convolution topology starts with: ${SCALESIM_COLUMNS.join(', ')}, (the GEMM M, N, K format is not supported)`);
  }
  HEADER_ALIASES.forEach((aliases, i) => {
    if (!aliases.includes(norm(cells[i]))) {
      throw new ScaleSimError(`${where}: header column ${i + 1} is "${cells[i]}", expected "${SCALESIM_COLUMNS[i]}"`);
    }
  });
  return cells.slice(SCALESIM_COLUMNS.length).map((c, j): Extra => {
    const n = norm(c);
    if (n === 'stride width' && j === 0) return 'strideW';
    if (n === 'sparsity') return 'sparsity';
    throw new ScaleSimError(`${where}: unknown header column ${SCALESIM_COLUMNS.length + j + 1} "${c}" (accepted after Strides: Stride Width, Sparsity)`);
  });
}

function positiveInt(text: string, column: string, where: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ScaleSimError(`${where}, column "${column}": expected a positive integer, got "${text}"`);
  }
  return Number(text);
}

/** Parses the text of a topology file; `file` names it in messages. Pure. */
export function parseScaleSimTopology(text: string, file = 'topology.csv'): ScaleSimRow[] {
  const lines = text.split(/\r?\n/);
  let extras: Extra[] | null = null;
  const rows: ScaleSimRow[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    const where = `${file}: line ${line}`;
    const cells = fields(raw);
    if (cells.length === 1 && cells[0] === '') return;
    if (extras === null) {
      extras = parseHeader(cells, where);
      return;
    }
    const expected = SCALESIM_COLUMNS.length + extras.length;
    if (cells.length !== expected) {
      const missing = cells.length < expected ? ` (missing "${[...SCALESIM_COLUMNS, ...extras][cells.length]}")` : '';
      throw new ScaleSimError(`${where}: ${cells.length} field(s), expected ${expected}${missing}`);
    }
    const name = cells[0];
    if (name === '') throw new ScaleSimError(`${where}, column "Layer name": empty`);
    if (name.includes('DP')) {
      throw new ScaleSimError(`${where}, column "Layer name": "${name}" marks a depthwise layer (SCALE-Sim expands names containing "DP" per channel); depthwise convolutions are not supported, write them as ordinary rows`);
    }
    const prev = seen.get(name);
    if (prev !== undefined) throw new ScaleSimError(`${where}, column "Layer name": "${name}" already used on line ${prev}`);
    seen.set(name, line);
    const [ifmapH, ifmapW, filterH, filterW, channels, numFilter, strideH] = SCALESIM_COLUMNS.slice(1)
      .map((col, j) => positiveInt(cells[j + 1], col, where));
    const wIdx = extras.indexOf('strideW');
    const strideW = wIdx >= 0 ? positiveInt(cells[SCALESIM_COLUMNS.length + wIdx], 'Stride Width', where) : strideH;
    if (filterH > ifmapH) throw new ScaleSimError(`${where}, column "Filter Height": ${filterH} exceeds IFMAP Height ${ifmapH} (the IFMAP is taken as already padded)`);
    if (filterW > ifmapW) throw new ScaleSimError(`${where}, column "Filter Width": ${filterW} exceeds IFMAP Width ${ifmapW} (the IFMAP is taken as already padded)`);
    rows.push({ name, line, ifmapH, ifmapW, filterH, filterW, channels, numFilter, strideH, strideW });
  });
  if (extras === null) throw new ScaleSimError(`${file}: empty file (no header)`);
  if (rows.length === 0) throw new ScaleSimError(`${file}: no layer rows after the header`);
  return rows;
}

/** Geometry of one row: a 'valid' convolution (no padding); 1x1 maps with 1x1 filters are dense layers. */
export function rowGeometry(r: ScaleSimRow): LayerGeometry {
  const dense = r.ifmapH === 1 && r.ifmapW === 1 && r.filterH === 1 && r.filterW === 1;
  return {
    layer: r.name,
    op: dense ? 'dense' : 'conv',
    inH: r.ifmapH, inW: r.ifmapW, inC: r.channels,
    outH: Math.floor((r.ifmapH - r.filterH) / r.strideH) + 1,
    outW: Math.floor((r.ifmapW - r.filterW) / r.strideW) + 1,
    outC: r.numFilter,
    kernelH: r.filterH, kernelW: r.filterW, strideH: r.strideH, strideW: r.strideW,
    padTop: 0, padLeft: 0,
    batchNormAfter: false,
    hasBias: false,
  };
}

/** How FC rows import: as dense MAC layers (default) or as STCB layers. */
export const SCALESIM_FC_ROWS = ['mac', 'stcb'] as const;
export type ScaleSimFcRows = (typeof SCALESIM_FC_ROWS)[number];
export const DEFAULT_SCALESIM_FC_ROWS: ScaleSimFcRows = 'mac';

export interface ScaleSimImportOptions {
  /**
   * Probability that an input neuron spikes at one step: one value for every spiking layer, or one
   * per CSV row (the first row's value is unused while it is a MAC layer). Default 0.15.
   */
  firingRate?: number | number[];
  timesteps: number;
  seed: number;
  /** Keep the first row a MAC layer on the raw input (default true). */
  firstLayerMac?: boolean;
  /** FC rows (1x1 IFMAP, 1x1 filter): real-valued MAC layers ('mac', the default) or STCBs ('stcb'). */
  fcRows?: ScaleSimFcRows;
  /** Images of synthetic spikes (default 1). */
  images?: number;
  /** Threshold schedule recorded in the trace (matters for CAB multiplies vs shifts); default the paper's. */
  schedule?: ScheduleKind;
  vth0?: number;
  tau?: number;
}

export interface ScaleSimLayerDescription {
  layer: string;
  line: number;
  kind: 'mac' | 'stcb';
  /** "HxWxC -> HoxWoxCout, KhxKw/S" */
  shape: string;
  denseMacs: number;
  /** Spike probability per neuron and step used (null for the MAC layer). */
  firingRate: number | null;
}

export interface ScaleSimDescription {
  file: string;
  network: string;
  layers: ScaleSimLayerDescription[];
  /** The modelling assumptions, for reports. */
  assumptions: string[];
}

export const SCALESIM_ASSUMPTIONS: readonly string[] = [
  'SCALE-Sim topologies omit padding: each IFMAP size is taken as already padded (\'valid\' convolution, output = floor((IFMAP - Filter) / Stride) + 1).',
  'SCALE-Sim topologies omit pooling, activations, batch norm, biases and residual adds; none are counted.',
  'Rows are independent layers: each spiking row has its own encoder and its own synthetic spikes.',
  'Spikes are synthetic: each input neuron spikes at each step independently with the given firing rate (seeded Bernoulli draws), not the activity of a trained network.',
];

/** What the report says about FC rows, per import choice. */
const FC_ASSUMPTION: Record<ScaleSimFcRows, string> = {
  mac: 'FC rows (1x1 IFMAP, 1x1 filter) are real-valued MAC layers, like a network\'s classifier (--fc-rows stcb makes them STCBs); their firing rates are unused.',
  stcb: 'FC rows (1x1 IFMAP, 1x1 filter) are STCB layers reading synthetic spikes (--fc-rows stcb).',
};

function rateFor(opts: ScaleSimImportOptions, rows: readonly ScaleSimRow[], i: number): number {
  const r = opts.firingRate ?? DEFAULT_SCALESIM_FIRING_RATE;
  const v = Array.isArray(r) ? r[i] : r;
  if (!(v >= 0 && v <= 1)) throw new ScaleSimError(`firing rate of "${rows[i].name}" (line ${rows[i].line}) must be in [0, 1], got ${v}`);
  return v;
}

/**
 * Largest synthetic trace built (spike codes = images x input neurons of the spiking rows): 2^26 codes,
 * 256 MiB of codes and as many seeded draws per time step, a few seconds to build and replay. Larger
 * topologies are refused with the estimate before anything is allocated; STCSIM_MAX_TRACE_CODES
 * raises the bound (docs/robustness.md).
 */
export const DEFAULT_MAX_TRACE_CODES = 2 ** 26;

function checkTraceSize(rows: readonly ScaleSimRow[], images: number, T: number, firstMac: boolean, file: string): void {
  const env = Number(process.env.STCSIM_MAX_TRACE_CODES);
  const bound = Number.isFinite(env) && env > 0 ? env : DEFAULT_MAX_TRACE_CODES;
  let codes = 0;
  let biggest: { row: ScaleSimRow; n: number } | undefined;
  rows.forEach((r, i) => {
    if (firstMac && i === 0) return;
    const n = images * inputNeurons(rowGeometry(r));
    codes += n;
    if (!biggest || n > biggest.n) biggest = { row: r, n };
  });
  checkMemoryEstimate(codes * 4, `${file}: the synthetic spike trace`);
  if (codes > bound) {
    throw new ScaleSimError(
      `${file}: the synthetic trace would hold ${codes.toExponential(2)} spike codes (${(codes * 4 / 2 ** 20).toFixed(0)} MiB, ${(codes * T).toExponential(2)} draws), ` +
        `past the bound of ${bound.toExponential(2)}; the largest is "${biggest?.row.name}" (line ${biggest?.row.line}, ${biggest?.n.toExponential(2)} codes)`,
      'use fewer --images or smaller rows, or raise STCSIM_MAX_TRACE_CODES',
    );
  }
}

/** Builds the trace from parsed rows (pure; `file` names the source in messages and the description). */
export function scaleSimTrace(rows: readonly ScaleSimRow[], opts: ScaleSimImportOptions, file = 'topology.csv'): { trace: SpikeTrace; description: ScaleSimDescription } {
  const T = opts.timesteps;
  if (!Number.isInteger(T) || T < 1 || T > 31) throw new ScaleSimError(`timesteps must be an integer in 1..31, got ${T}`);
  if (!Number.isInteger(opts.seed)) throw new ScaleSimError(`seed must be an integer, got ${opts.seed}`);
  const images = opts.images ?? 1;
  if (!Number.isInteger(images) || images < 1) throw new ScaleSimError(`images must be a positive integer, got ${images}`);
  const firstMac = opts.firstLayerMac ?? true;
  const fcRows = opts.fcRows ?? DEFAULT_SCALESIM_FC_ROWS;
  if (!(SCALESIM_FC_ROWS as readonly string[]).includes(fcRows)) throw new ScaleSimError(`fcRows must be ${SCALESIM_FC_ROWS.join(' or ')}, got ${String(fcRows)}`);
  const schedule = opts.schedule ?? PAPER_DEFAULTS.schedule;
  const v = thresholds({ timesteps: T, vth0: opts.vth0 ?? PAPER_DEFAULTS.vth0, tau: opts.tau ?? PAPER_DEFAULTS.tau, schedule });
  if (Array.isArray(opts.firingRate) && opts.firingRate.length !== rows.length) {
    throw new ScaleSimError(`${file}: ${opts.firingRate.length} firing rate(s) for ${rows.length} rows; give one rate, or one per row`);
  }
  checkTraceSize(rows, images, T, firstMac, file);
  const rand = prng(opts.seed);
  const macLayers: LayerGeometry[] = [];
  const layers: SpikeTraceLayer[] = [];
  const described: ScaleSimLayerDescription[] = [];
  rows.forEach((r, i) => {
    const g = rowGeometry(r);
    const mac = (firstMac && i === 0) || (g.op === 'dense' && fcRows === 'mac');
    const rate = mac ? null : rateFor(opts, rows, i);
    const shape = `${g.inH}x${g.inW}x${g.inC} -> ${g.outH}x${g.outW}x${g.outC}, ${g.kernelH}x${g.kernelW}/${g.strideH === g.strideW ? g.strideH : `${g.strideH}x${g.strideW}`}`;
    described.push({ layer: r.name, line: r.line, kind: mac ? 'mac' : 'stcb', shape, denseMacs: denseMacs(g), firingRate: rate });
    if (rate === null) {
      macLayers.push(g);
      return;
    }
    const sg: SpikeLayerGeometry = { ...g, encoder: `${r.name}.steb` };
    layers.push({ ...sg, codes: randomCodes(images * inputNeurons(g), T, rate, rand) });
  });
  const network = basename(file, extname(file));
  return {
    trace: {
      network, images, timesteps: T, schedule, thresholds: [...v], layers, macLayers,
      order: rows.map((r) => r.name),
    },
    description: {
      file, network, layers: described,
      assumptions: [...SCALESIM_ASSUMPTIONS, ...(rows.some((r) => rowGeometry(r).op === 'dense') ? [FC_ASSUMPTION[fcRows]] : [])],
    },
  };
}

/** Reads a SCALE-Sim topology CSV and returns a trace with synthetic spikes plus a description. */
export function importScaleSimTopology(csvPath: string, opts: ScaleSimImportOptions): { trace: SpikeTrace; description: ScaleSimDescription } {
  let text: string;
  try {
    text = readTextFile(csvPath);
  } catch (e) {
    throw new ScaleSimError(`cannot read SCALE-Sim topology ${csvPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return scaleSimTrace(parseScaleSimTopology(text, csvPath), opts, csvPath);
}
