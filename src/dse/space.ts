/**
 * The design space: `--sweep key=v1,v2,...` axes, their cartesian product, and which part of a
 * design point each key belongs to (network setting, technology, accelerator field).
 */
import type { ScheduleKind } from '../stcb/schedule.ts';
import { SCHEDULE_KINDS } from '../stcb/schedule.ts';

export type SweepValue = number | string | boolean;

export interface Axis {
  key: string;
  values: SweepValue[];
}

/**
 * STCB settings that change the spike trace (one trace per combination). The accelerator's weight and
 * activation widths change it too: point.ts puts them into the network setting after the sweep's
 * changes are applied, since the network runs at the point's widths.
 */
export const NETWORK_KEYS = ['timesteps', 'vth0', 'tau', 'schedule'] as const;
export type NetworkKey = (typeof NETWORK_KEYS)[number];
/**
 * Which weight layers are binary (ALBSNN, +-alpha per output channel, 1-bit storage): a network key,
 * since binarising changes the spikes. Values name layers joined by '+', or 'none':
 * `--sweep binary_layers=none,fc,conv2+fc`.
 */
export const BINARY_KEY = 'binary_layers';

/** 'conv2+fc' -> ['conv2', 'fc']; 'none' -> []. */
export function binaryLayerList(v: SweepValue): string[] {
  const s = String(v).trim();
  return s === 'none' || s === '' ? [] : s.split('+').map((x) => x.trim()).filter(Boolean);
}

/** Technology settings. */
export const TECH_KEYS = ['node', 'voltage'] as const;
export type TechKey = (typeof TECH_KEYS)[number];

/** Short names for the accelerator fields swept most often; any other field is named by its JSON path. */
export const ALIASES: Readonly<Record<string, string>> = {
  ac_lanes: 'acArray.lanes',
  encoder_lanes: 'encoder.lanes',
  cab_lanes: 'cab.lanes',
  clock: 'clock',
  dram: 'dram.type',
  dram_bandwidth: 'dram.bandwidth',
  weight_buffer: 'buffers.weights.capacity',
  act_buffer: 'buffers.activations.capacity',
  spike_buffer: 'buffers.spikes.capacity',
  psum_buffer: 'buffers.psums.capacity',
};

function parseValue(raw: string): SweepValue {
  const s = raw.trim();
  if (s === 'true' || s === 'false') return s === 'true';
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? n : s;
}

/** Accelerator fields that are word widths: a bare number means bits (`precision.weight=2,4,8`). */
export function isWidthField(key: string): boolean {
  return /^precision\.(weight|activation|psum|accumulator)$/.test(key) || /^buffers\.\w+\.portWidth$/.test(key) || key === 'lifTwin.membrane';
}

/** Accelerator fields that are quantities whose bare number would be ambiguous (bits or KiB? MHz or Hz?). */
const UNIT_FIELDS: readonly RegExp[] = [/^buffers\.\w+\.capacity$/, /^clock$/, /^dram\.bandwidth$/];

/** The value written into the accelerator file: width fields take a bare number as bits. */
export function fieldValue(key: string, v: SweepValue): SweepValue {
  return typeof v === 'number' && isWidthField(key) ? `${v} bit` : v;
}

/** The axis key an alias or a JSON path names. */
export const axisKey = (raw: string): string => ALIASES[raw.trim()] ?? raw.trim();

/**
 * An axis from a key (alias or path) and its values, checked: the way --sweep and a sweep file both
 * build axes, so the two give the same points.
 */
export function makeAxis(rawKey: string, values: readonly SweepValue[]): Axis {
  const key = axisKey(rawKey);
  if (key === '') throw new Error('--sweep: empty key');
  if (values.length === 0) throw new Error(`--sweep ${rawKey}: no values`);
  if (new Set(values.map(String)).size !== values.length) throw new Error(`--sweep ${rawKey}: repeated value`);
  const axis = { key, values: [...values] };
  validateAxis(axis);
  return axis;
}

/** "ac_lanes=64,256,1024" -> { key: 'acArray.lanes', values: [64, 256, 1024] } */
export function parseSweep(spec: string): Axis {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new Error(`--sweep takes key=v1,v2,..., got "${spec}"`);
  return makeAxis(spec.slice(0, eq), spec.slice(eq + 1).split(',').map(parseValue));
}

function validateAxis(a: Axis): void {
  const bad = (what: string): never => { throw new Error(`--sweep ${a.key}: ${what}`); };
  for (const v of a.values) {
    switch (a.key) {
      case 'timesteps':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 31) bad(`time steps must be integers in 1..31, got ${String(v)}`);
        break;
      case 'vth0':
      case 'tau':
      case 'voltage':
        if (typeof v !== 'number' || !(v > 0)) bad(`values must be positive numbers, got ${String(v)}`);
        break;
      case 'node':
        if (typeof v !== 'number' || !(v > 0)) bad(`nodes are sizes in nm, got ${String(v)}`);
        break;
      case BINARY_KEY:
        if (typeof v !== 'string') bad(`values are layer names joined by '+', or none; got ${String(v)}`);
        break;
      case 'schedule':
        if (!SCHEDULE_KINDS.includes(v as ScheduleKind)) bad(`schedules are ${SCHEDULE_KINDS.join(', ')}, got ${String(v)}`);
        break;
      default:
        if (isWidthField(a.key) && typeof v === 'number' && !(Number.isInteger(v) && v >= 1)) bad(`widths are whole numbers of bits, got ${v}`);
        if (typeof v === 'number' && UNIT_FIELDS.some((r) => r.test(a.key))) bad(`give a unit (e.g. "256 KiB", "500 MHz", "12.8 GB/s"), got the bare number ${v}`);
        break;
    }
  }
}

export const isNetworkKey = (k: string): k is NetworkKey => (NETWORK_KEYS as readonly string[]).includes(k);
export const isTechKey = (k: string): k is TechKey => (TECH_KEYS as readonly string[]).includes(k);

/** Every combination, first axis slowest, in a stable order (the order points are listed and run). */
export function cartesian(axes: readonly Axis[]): Record<string, SweepValue>[] {
  let points: Record<string, SweepValue>[] = [{}];
  for (const axis of axes) {
    points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.key]: v })));
  }
  return points;
}

/** Sets a dotted path in a JSON object copy; the path must exist so typos fail loudly. */
export function setPath(obj: unknown, path: string, value: SweepValue): unknown {
  const copy: unknown = structuredClone(obj);
  const parts = path.split('.');
  let cur: unknown = copy;
  for (let i = 0; i < parts.length - 1; i++) {
    if (typeof cur !== 'object' || cur === null || !(parts[i] in cur)) throw new Error(`no field "${parts.slice(0, i + 1).join('.')}" in the accelerator file`);
    cur = (cur as Record<string, unknown>)[parts[i]];
  }
  const last = parts[parts.length - 1];
  if (typeof cur !== 'object' || cur === null || !(last in cur)) {
    // Options may be left at their defaults in a file; they can still be swept.
    if (!(parts[0] === 'options' && parts.length === 2 && typeof cur === 'object' && cur !== null)) {
      throw new Error(`no field "${path}" in the accelerator file`);
    }
  }
  (cur as Record<string, unknown>)[last] = fieldValue(path, value);
  return copy;
}
