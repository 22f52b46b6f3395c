/**
 * Spike traces as content-addressed files: recorded once per network setting and shared by every
 * hardware point that replays them (DESIGN.md section 9).
 *
 * File layout (little endian): "STCTRACE" magic, uint32 header length, UTF-8 JSON header (the trace
 * without its code arrays, plus each layer's code count), padding to 4 bytes, then every layer's
 * spike codes as uint32 in layer order (a multi-threshold LIF layer's level planes follow its codes,
 * `planeCount` of them, each as long as the codes; an event-camera input layer's events per neuron and
 * step follow as `eventCount` uint16, padded to 4 bytes).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpikeTrace, SpikeTraceLayer } from './types.ts';
import { writeFileAtomic } from '../util/output-dir.ts';

const MAGIC = 'STCTRACE';

type LayerHeader = Omit<SpikeTraceLayer, 'codes' | 'levelPlanes' | 'eventCounts'> & { codeCount: number; planeCount?: number; eventCount?: number };
interface TraceHeader extends Omit<SpikeTrace, 'layers'> {
  layers: LayerHeader[];
}

const pad4 = (bytes: number): number => bytes + ((4 - (bytes % 4)) % 4);

export function encodeTrace(trace: SpikeTrace): Buffer {
  const header: TraceHeader = {
    ...trace,
    layers: trace.layers.map(({ codes, levelPlanes, eventCounts, ...rest }) => ({
      ...rest, codeCount: codes.length,
      ...(levelPlanes ? { planeCount: levelPlanes.length } : {}),
      ...(eventCounts ? { eventCount: eventCounts.length } : {}),
    })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((MAGIC.length + 4 + json.length) % 4)) % 4;
  const codeBytes = trace.layers.reduce((a, l) => a + l.codes.byteLength * (1 + (l.levelPlanes?.length ?? 0)) + pad4(l.eventCounts?.byteLength ?? 0), 0);
  const out = Buffer.alloc(MAGIC.length + 4 + json.length + pad + codeBytes);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let at = MAGIC.length + 4 + json.length + pad;
  for (const l of trace.layers) {
    for (const arr of [l.codes, ...(l.levelPlanes ?? [])]) {
      if (arr.length !== l.codes.length) throw new Error(`layer ${l.layer}: a level plane has ${arr.length} codes, the layer ${l.codes.length}`);
      Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).copy(out, at);
      at += arr.byteLength;
    }
    if (l.eventCounts) {
      Buffer.from(l.eventCounts.buffer, l.eventCounts.byteOffset, l.eventCounts.byteLength).copy(out, at);
      at += pad4(l.eventCounts.byteLength);
    }
  }
  return out;
}

export function decodeTrace(buf: Buffer, file = '<buffer>'): SpikeTrace {
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new Error(`${file}: not a stcsim spike trace`);
  }
  const len = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + len > buf.length) throw new Error(`${file}: truncated trace header`);
  const header = JSON.parse(buf.toString('utf8', start, start + len)) as TraceHeader;
  let at = start + len + ((4 - ((start + len) % 4)) % 4);
  const layers = header.layers.map(({ codeCount, planeCount, eventCount, ...rest }): SpikeTraceLayer => {
    const bytes = codeCount * 4;
    const read = (): Uint32Array => {
      if (at + bytes > buf.length) throw new Error(`${file}: truncated spike codes of layer ${rest.layer}`);
      const arr = new Uint32Array(codeCount);
      new Uint8Array(arr.buffer).set(buf.subarray(at, at + bytes));
      at += bytes;
      return arr;
    };
    const codes = read();
    const levelPlanes = planeCount === undefined ? undefined : Array.from({ length: planeCount }, read);
    let eventCounts: Uint16Array | undefined;
    if (eventCount !== undefined) {
      if (at + eventCount * 2 > buf.length) throw new Error(`${file}: truncated event counts of layer ${rest.layer}`);
      eventCounts = new Uint16Array(eventCount);
      new Uint8Array(eventCounts.buffer).set(buf.subarray(at, at + eventCount * 2));
      at += pad4(eventCount * 2);
    }
    return { ...rest, codes, ...(levelPlanes ? { levelPlanes } : {}), ...(eventCounts ? { eventCounts } : {}) };
  });
  return { ...header, layers };
}

export function traceFile(dir: string, key: string): string {
  return join(dir, `${key}.trace`);
}

/** Writes atomically (temp file + rename) so an interrupted run never leaves a half trace behind. */
export function saveTrace(dir: string, key: string, trace: SpikeTrace): string {
  mkdirSync(dir, { recursive: true });
  const file = traceFile(dir, key);
  writeFileAtomic(file, encodeTrace(trace));
  return file;
}

export function loadTrace(file: string): SpikeTrace {
  if (!existsSync(file)) throw new Error(`trace file ${file} does not exist`);
  return decodeTrace(readFileSync(file), file);
}
