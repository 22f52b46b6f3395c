/**
 * Content hashes of everything a run read (accelerator file, technology files, weights, inputs), so
 * `profile --check` can tell "the numbers changed because a file changed" from "the tool changed".
 *
 * Each group maps a name to a fingerprint: a sha256 of file bytes ("sha256:<hex>"), or a recipe for
 * generated data that is as exact as a hash ("init:<seed>" for seeded weights, the seed and shape of
 * synthetic images). Names of files are paths relative to the project root when inside it (so the
 * same checkout moved elsewhere gives the same keys), absolute otherwise.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from './version.ts';

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

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function sha256File(path: string): string {
  return sha256(readFileSync(path));
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
    const json: unknown = JSON.parse(readFileSync(modelJson, 'utf8'));
    const manifest = typeof json === 'object' && json !== null && 'weightsManifest' in json ? json.weightsManifest : undefined;
    if (Array.isArray(manifest)) {
      for (const group of manifest as unknown[]) {
        const paths = typeof group === 'object' && group !== null && 'paths' in group ? group.paths : undefined;
        if (!Array.isArray(paths)) continue;
        for (const p of paths as unknown[]) if (typeof p === 'string') files.push(join(dirname(modelJson), p));
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
      const h = createHash('sha256');
      h.update(new Uint8Array(src.images.buffer, src.images.byteOffset, src.images.byteLength));
      if (src.labels) h.update(new Uint8Array(src.labels.buffer, src.labels.byteOffset, src.labels.byteLength));
      return { [`${src.name} test split, ${src.shape.join('x')} decoded pixels and labels`]: `sha256:${h.digest('hex')}` };
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
