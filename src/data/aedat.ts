/**
 * AEDAT 3.1 (iniVation's format of DVS128 Gesture and other DVS recordings; inivation.github.io
 * "AEDAT 3.1" specification). ASCII header lines that start with '#', the last one
 * "#!END-HEADER\r\n", then event packets, all little-endian:
 *   28-byte packet header: int16 eventType (byte 0), int16 eventSource (2), int32 eventSize (4),
 *   int32 eventTSOffset (8), int32 eventTSOverflow (12), int32 eventCapacity (16), int32 eventNumber (20),
 *   int32 eventValid (24);
 *   then eventCapacity events of eventSize bytes.
 * Polarity events (eventType 1, 8 bytes): uint32 data (bit 0 valid, bit 1 polarity, bits 2-16 y,
 * bits 17-31 x) and int32 timestamp (us); the full time is (eventTSOverflow << 31) | timestamp.
 * Other packet types (special, frame, IMU, ...) are skipped; invalid events (bit 0 clear) too.
 * The sensor size comes from the header's "#Source <id>: <camera>" line for the cameras below.
 */
import { allocEvents, eventFileBytes, truncateEvents, type EventStream } from './events.ts';
import { DataFormatError, readBytes } from './errors.ts';

export const AEDAT_PACKET_HEADER_BYTES = 28;
export const AEDAT_POLARITY_TYPE = 1;
export const AEDAT_POLARITY_BYTES = 8;
const END_HEADER = '#!END-HEADER\r\n';
/** Sensor sizes of the iniVation cameras named in "#Source" lines (width x height, from their data sheets). */
const CAMERAS: Record<string, { width: number; height: number }> = {
  DVS128: { width: 128, height: 128 }, DAVIS240: { width: 240, height: 180 }, DAVIS240C: { width: 240, height: 180 },
  DAVIS346: { width: 346, height: 260 }, DVXPLORER: { width: 640, height: 480 },
};

function headerEnd(buf: Uint8Array, file: string): { end: number; text: string } {
  if (buf.length < 2 || buf[0] !== 0x23) throw new DataFormatError(file, 'not an AEDAT file (does not start with a "#" header line)');
  const limit = Math.min(buf.length, 1 << 20);
  const text = new TextDecoder('latin1').decode(buf.subarray(0, limit));
  if (!text.startsWith('#!AER-DAT3.1')) {
    const first = text.split('\n')[0].trim();
    throw new DataFormatError(file, `unsupported AEDAT version line "${first.slice(0, 40)}" (expected #!AER-DAT3.1)`);
  }
  const at = text.indexOf(END_HEADER);
  if (at < 0) throw new DataFormatError(file, `AEDAT header has no "#!END-HEADER" line in its first ${limit} bytes`);
  return { end: at + END_HEADER.length, text: text.slice(0, at) };
}

export function parseAedat31(buf: Uint8Array, file = '<buffer>'): EventStream {
  const { end, text } = headerEnd(buf, file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // First pass: validate every packet header and count polarity events, so one allocation fits them.
  let total = 0;
  for (let off = end; off < buf.length;) {
    if (off + AEDAT_PACKET_HEADER_BYTES > buf.length) throw new DataFormatError(file, `truncated packet header at byte ${off}`);
    const type = view.getInt16(off, true);
    const size = view.getInt32(off + 4, true);
    const capacity = view.getInt32(off + 16, true);
    const number = view.getInt32(off + 20, true);
    if (size < 1 || capacity < 0 || number < 0 || number > capacity) {
      throw new DataFormatError(file, `bad packet header at byte ${off}: eventSize ${size}, eventCapacity ${capacity}, eventNumber ${number}`);
    }
    const bytes = size * capacity;
    if (off + AEDAT_PACKET_HEADER_BYTES + bytes > buf.length) {
      throw new DataFormatError(file, `truncated packet at byte ${off}: ${capacity} events of ${size} bytes, ${buf.length - off - AEDAT_PACKET_HEADER_BYTES} bytes left`);
    }
    if (type === AEDAT_POLARITY_TYPE) {
      if (size !== AEDAT_POLARITY_BYTES) throw new DataFormatError(file, `polarity packet at byte ${off} has ${size}-byte events, expected ${AEDAT_POLARITY_BYTES}`);
      total += number;
    }
    off += AEDAT_PACKET_HEADER_BYTES + bytes;
  }
  const e = allocEvents(total);
  let n = 0;
  for (let off = end; off < buf.length;) {
    const type = view.getInt16(off, true);
    const size = view.getInt32(off + 4, true);
    const overflow = view.getInt32(off + 12, true);
    const capacity = view.getInt32(off + 16, true);
    const number = view.getInt32(off + 20, true);
    if (type === AEDAT_POLARITY_TYPE) {
      const high = overflow * 2 ** 31;
      for (let i = 0, o = off + AEDAT_PACKET_HEADER_BYTES; i < number; i++, o += AEDAT_POLARITY_BYTES) {
        const data = view.getUint32(o, true);
        if ((data & 1) === 0) continue;
        e.p[n] = (data >>> 1) & 1;
        e.y[n] = (data >>> 2) & 0x7fff;
        e.x[n] = (data >>> 17) & 0x7fff;
        e.tUs[n] = high + view.getInt32(o + 4, true);
        n++;
      }
    }
    off += AEDAT_PACKET_HEADER_BYTES + size * capacity;
  }
  const source = /#Source \d+:\s*(\S+)/.exec(text)?.[1]?.toUpperCase();
  const out = truncateEvents(e, n);
  const cam = source ? CAMERAS[source] : undefined;
  return cam ? { ...out, sensor: cam } : out;
}

export function readAedat31(file: string): EventStream {
  eventFileBytes(file);
  return parseAedat31(readBytes(file), file);
}

/** Encodes polarity events as AEDAT 3.1 (one packet per 2^31 us overflow epoch), for tests and export. */
export function encodeAedat31(e: EventStream, source = 'DVS128'): Uint8Array {
  const header = `#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: ${source}\r\n#Start-Time: 1970-01-01 00:00:00 (TZ+0000)\r\n${END_HEADER}`;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < e.x.length; i++) {
    const epoch = Math.floor(e.tUs[i] / 2 ** 31);
    let g = groups.get(epoch);
    if (!g) groups.set(epoch, (g = []));
    g.push(i);
  }
  const bytes = header.length + [...groups.values()].reduce((a, g) => a + AEDAT_PACKET_HEADER_BYTES + g.length * AEDAT_POLARITY_BYTES, 0);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  const view = new DataView(out.buffer);
  let off = header.length;
  for (const [epoch, idx] of groups) {
    view.setInt16(off, AEDAT_POLARITY_TYPE, true);
    view.setInt16(off + 2, 1, true);
    view.setInt32(off + 4, AEDAT_POLARITY_BYTES, true);
    view.setInt32(off + 8, 4, true); // eventTSOffset: the timestamp's byte offset inside an event
    view.setInt32(off + 12, epoch, true); // eventTSOverflow
    view.setInt32(off + 16, idx.length, true); // eventCapacity
    view.setInt32(off + 20, idx.length, true); // eventNumber
    view.setInt32(off + 24, idx.length, true); // eventValid
    off += AEDAT_PACKET_HEADER_BYTES;
    for (const i of idx) {
      view.setUint32(off, ((e.x[i] << 17) | (e.y[i] << 2) | ((e.p[i] & 1) << 1) | 1) >>> 0, true);
      view.setInt32(off + 4, e.tUs[i] - epoch * 2 ** 31, true);
      off += AEDAT_POLARITY_BYTES;
    }
  }
  return out;
}
