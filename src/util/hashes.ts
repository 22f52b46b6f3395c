/**
 * Content hashes of everything a run read (accelerator file, technology files, weights, inputs), so
 * `profile --check` can tell "the numbers changed because a file changed" from "the tool changed".
 *
 * Each group maps a name to a fingerprint: a sha256 of file bytes ("sha256:<hex>"), or a recipe for
 * generated data that is as exact as a hash ("init:<seed>" for seeded weights, the seed and shape of
 * synthetic images). Names of files are paths relative to the project root when inside it (so the
 * same checkout moved elsewhere gives the same keys), absolute otherwise.
 *
 * This is also the one place ids are made from content. Every id is a sha256 in hex, spelled three
 * ways for three readers (all stored, so none may change):
 *   "sha256:<64 hex>"  fingerprints in summary.json (says which algorithm, beside `algorithm`)
 *   <64 hex>           content hashes of JSON values: spike-trace file names (the DSE network key)
 *   <16 hex>           design-point ids in dse.csv (short enough to read, 64 bits against collisions)
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from './version.ts';
import { confinedPath, readRegularFile } from './paths.ts';

export type HashGroup = Record<string, string>;

export interface RunHashes {
  algorithm: 'sha256';
  /** The accelerator file (absent with --no-hardware). */
  accelerator: HashGroup;
  /** Every technology file read for the requested nodes (the 45 nm reference included). */
  tech: HashGroup;
  /** model.json and its weight files, or "init:<seed>" for seeded weights of a zoo network. */
  weights: HashGroup;
  /** The input file's bytes, the decoded dataset images, or the synthetic images' seed and shape. */
  inputs: HashGroup;
}

export const HASH_GROUPS = ['accelerator', 'tech', 'weights', 'inputs'] as const;
export type HashGroupName = (typeof HASH_GROUPS)[number];

/** sha256 of the concatenated parts, hex. */
export function sha256Hex(...parts: readonly (Uint8Array | string)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** A fingerprint as summary.json stores it: "sha256:<hex>". */
export function sha256(...parts: readonly (Uint8Array | string)[]): string {
  return `sha256:${sha256Hex(...parts)}`;
}

/**
 * RFC 8785 (JCS) canonical JSON: keys sorted by UTF-16 code units, numbers and strings as
 * JSON.stringify writes them. NaN and Infinity are errors (JSON has no spelling for them).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('canonicalJson: the value has no JSON form');
  return text;
}

/** sha256 of a value's canonical JSON, hex: equal JSON content, equal hash, whatever the key order. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Hex digits of a short id (dse.csv point ids and network keys). */
export const SHORT_ID_HEX = 16;

/** The short form of a hex hash, as dse.csv shows it. */
export function shortId(hexHash: string): string {
  return hexHash.slice(0, SHORT_ID_HEX);
}

export function sha256File(path: string): string {
  return sha256(readRegularFile(path));
}

/** The name a file is listed under: project-relative when inside the project, else absolute. */
export function displayPath(path: string): string {
  const abs = resolve(path);
  const rel = relative(PROJECT_ROOT, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : abs;
}

export function hashFiles(paths: readonly string[]): HashGroup {
  const out: HashGroup = {};
  for (const p of [...new Set(paths.map((q) => resolve(q)))].sort()) out[displayPath(p)] = sha256File(p);
  return out;
}

/**
 * model.json plus every weight file its manifest names (tfjs LayersModel format). Files that are
 * missing are listed as "missing" rather than failing: the run itself reports the real error.
 */
export function modelFileHashes(modelJson: string): HashGroup {
  const files = [modelJson];
  try {
    const json: unknown = JSON.parse(readRegularFile(modelJson).toString('utf8'));
    const manifest = typeof json === 'object' && json !== null && 'weightsManifest' in json ? json.weightsManifest : undefined;
    if (Array.isArray(manifest)) {
      for (const group of manifest as unknown[]) {
        const paths = typeof group === 'object' && group !== null && 'paths' in group ? group.paths : undefined;
        if (!Array.isArray(paths)) continue;
        // Only paths the path policy allows (the run refuses the others with the reason).
        for (const p of paths as unknown[]) if (typeof p === 'string') files.push(confinedPath(dirname(modelJson), p, modelJson));
      }
    }
  } catch {
    // Unreadable JSON: the hash of model.json alone still records what was there.
  }
  const present = files.filter((f) => existsSync(f));
  const out = hashFiles(present);
  for (const f of files) if (!existsSync(f)) out[displayPath(f)] = 'missing';
  return out;
}

/** What the weights of a run were: files by content, or the seed of a seeded initialisation. */
export function weightHashes(source: { kind: 'file'; modelJson: string } | { kind: 'init'; seed: number; network: string }): HashGroup {
  return source.kind === 'file' ? modelFileHashes(source.modelJson) : { [`${source.network} (seeded He-normal)`]: `init:${source.seed}` };
}

export type InputSource =
  | { kind: 'file'; path: string }
  | { kind: 'dataset'; name: string; images: Float32Array; labels?: Int32Array; shape: readonly number[] }
  | { kind: 'synthetic'; seed: number; shape: readonly number[] };

/** Fingerprint of the images profiled. Datasets are hashed as decoded (the slice actually used). */
export function inputHashes(src: InputSource): HashGroup {
  switch (src.kind) {
    case 'file':
      return hashFiles([src.path]);
    case 'dataset': {
      const pixels = new Uint8Array(src.images.buffer, src.images.byteOffset, src.images.byteLength);
      const labels = src.labels ? [new Uint8Array(src.labels.buffer, src.labels.byteOffset, src.labels.byteLength)] : [];
      return { [`${src.name} test split, ${src.shape.join('x')} decoded pixels and labels`]: sha256(pixels, ...labels) };
    }
    case 'synthetic':
      return { 'synthetic images': `synthetic:seed=${src.seed};shape=${src.shape.join('x')}` };
  }
}

export interface HashChange {
  group: HashGroupName;
  name: string;
  old?: string;
  new?: string;
  /** e.g. "hw-models/tech/45nm.json changed". */
  message: string;
}

/** Every fingerprint that differs between two runs, named the way a user reads it. */
export function compareHashes(oldH: Partial<RunHashes> | undefined, newH: Partial<RunHashes>): HashChange[] {
  const out: HashChange[] = [];
  for (const group of HASH_GROUPS) {
    const a = oldH?.[group] ?? {};
    const b = newH[group] ?? {};
    for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const x = a[name];
      const y = b[name];
      if (x === y) continue;
      const message = x === undefined ? `${name} (${group}) was not read by the original run`
        : y === undefined ? `${name} (${group}) is no longer read`
        : `${name} changed`;
      out.push({ group, name, ...(x !== undefined ? { old: x } : {}), ...(y !== undefined ? { new: y } : {}), message });
    }
  }
  return out;
}
