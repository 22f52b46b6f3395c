/** Spike codes recorded batch by batch, joined into one array per layer (image-major, as SpikeTrace keeps them). */
export function concatCodes(parts: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
