/**
 * Design-space exploration on one machine: points are grouped by network setting, each group's spike
 * trace is recorded once (content-addressed, reused on re-runs), and hardware points are evaluated in
 * worker threads. Every finished point is appended to dse.csv at once, so an interrupted sweep loses
 * nothing and a re-run computes only the missing points. At the end dse.csv is rewritten in point
 * order, so an interrupted-and-resumed sweep leaves the same file as an uninterrupted one.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { acceleratorPath, parseAccelerator } from '../arch/accelerator.ts';
import { readJson } from '../arch/validate.ts';
import { paperEnergy, type PaperPreset } from '../energy/paper.ts';
import { profileNetwork } from '../run/profile.ts';
import { prepareRun, type InputFlags } from '../run/setup.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import { loadTrace, saveTrace, traceFile } from '../trace/store.ts';
import { contentHash, hashFiles, sha256, weightHashes } from '../util/hashes.ts';
import { csvHeaderLine, csvRowLine, parseCsv } from '../reports/table.ts';
import { dseColumns } from './columns.ts';
import { evaluatePoint, type DseRow, type NetworkFacts } from './evaluate.ts';
import { paretoFront } from './pareto.ts';
import { makePoint, type DesignPoint, type NetworkSetting } from './point.ts';
import { cartesian, type Axis } from './space.ts';
import type { WorkerTask } from './worker.ts';

export interface DseOptions {
  model: string;
  inputs: InputFlags;
  settings: StcbSettings;
  /** STEB settings given explicitly; the others come from a trained model's own settings when it has them. */
  explicitSettings?: readonly (keyof StcbSettings)[];
  spikingClassifier: boolean;
  preset: PaperPreset;
  accelerator: string;
  node: number;
  voltageV?: number;
  axes: Axis[];
  out: string;
  batch: number;
  /** Worker threads; 0 evaluates in the main thread. */
  workers: number;
  /** Stop after this many newly evaluated points (simulates an interruption in tests). */
  stopAfter?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DseOutcome {
  points: DesignPoint[];
  /** Points evaluated by this run (the rest were already in dse.csv). */
  evaluated: number;
  complete: boolean;
  dseFile: string;
  paretoFile?: string;
  /** Ids on the Pareto front. */
  front: string[];
  /** What the front minimises (accuracy is maximised when the images have labels). */
  objectives: string[];
}

/** Fingerprint of the weights: file contents, or the seed of a seeded initialisation. */
function modelHash(spec: string, source: 'zoo' | 'file', seed: number, shape: readonly number[]): string {
  return contentHash(source === 'file' ? weightHashes({ kind: 'file', modelJson: spec }) : { init: `${spec}:${shape.join('x')}:seed${seed}` });
}

/** Existing rows by id (the raw CSV lines), after checking the file was made by the same sweep. */
function readDone(file: string, header: string): Map<string, string> {
  const done = new Map<string, string>();
  if (!existsSync(file)) return done;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[0] !== header) {
    throw new Error(`${file} was written by a different sweep (its columns differ); choose another --out or delete it`);
  }
  // The last element is '' after a final newline, or a line cut by an interruption: drop it (that
  // point is recomputed) and leave the file ending on a whole line for the appends that follow.
  if (!text.endsWith('\n')) writeFileSync(file, lines.slice(0, -1).join('\n') + '\n');
  for (const line of lines.slice(1, -1)) {
    if (line.trim() === '') continue;
    const id = parseCsv(line)[0]?.[0];
    if (id) done.set(id, line);
  }
  return done;
}

interface Group {
  key: string;
  network: NetworkSetting;
  points: DesignPoint[];
}

/** Records (or reuses) the spike trace and the network facts of one network setting. */
function ensureTrace(o: DseOptions, g: Group, traceDir: string): { file: string; facts: NetworkFacts } {
  const file = traceFile(traceDir, g.key);
  const factsFile = join(traceDir, `${g.key}.json`);
  if (existsSync(file) && existsSync(factsFile)) {
    return { file, facts: JSON.parse(readFileSync(factsFile, 'utf8')) as NetworkFacts };
  }
  // Fresh weights per setting: untrained zoo weights calibrate batch norm on the run itself.
  const { model, images } = prepareRun(o.model, o.inputs);
  const run = profileNetwork(model.graph, model.weights, images, {
    settings: g.network.settings, batch: o.batch, traceImages: images.shape[0], spikingClassifier: o.spikingClassifier,
  });
  if (!run.trace) throw new Error('no spike trace was recorded');
  const energy = paperEnergy(run.counts, o.preset);
  const spikingNeuronSteps = run.counts.layers.reduce((a, l) => a + (l.encoderCompares > 0 ? l.neuronsIn * l.timesteps : 0), 0);
  const facts: NetworkFacts = {
    accuracy: run.accuracy ?? null,
    paperSnnPJ: energy.totals.snnPJ,
    paperAnnPJ: energy.totals.annPJ,
    firingRate: spikingNeuronSteps > 0 ? run.counts.totals.encoderSubtracts / spikingNeuronSteps : 0,
    spikesPerImage: run.counts.totals.spikes,
    acsPerImage: run.counts.totals.acExact,
  };
  saveTrace(traceDir, g.key, run.trace);
  writeFileSync(factsFile, JSON.stringify(facts, null, 2) + '\n');
  return { file, facts };
}

/** A trained model's stored STEB settings, overridden by the ones given explicitly. */
function baseSettings(o: DseOptions, stored: StcbSettings | undefined): StcbSettings {
  if (!stored) return o.settings;
  const explicit = new Set(o.explicitSettings ?? []);
  const pick = <K extends keyof StcbSettings>(k: K): StcbSettings[K] => (explicit.has(k) ? o.settings[k] : stored[k]);
  return { timesteps: pick('timesteps'), vth0: pick('vth0'), tau: pick('tau'), schedule: pick('schedule') };
}

export function planPoints(o: DseOptions): DesignPoint[] {
  const { model, images } = prepareRun(o.model, o.inputs);
  const accelFile = acceleratorPath(o.accelerator);
  const accelerator = readJson(accelFile);
  const base = {
    network: {
      model: o.model,
      modelHash: o.inputs.weights !== undefined ? contentHash(hashFiles([o.inputs.weights])) : modelHash(o.model, model.source, o.inputs.seed, images.shape.slice(1)),
      input: images.origin,
      inputHash: sha256(new Uint8Array(images.images.buffer, images.images.byteOffset, images.images.byteLength)),
      images: images.shape[0],
      settings: baseSettings(o, model.settings),
      spikingClassifier: o.spikingClassifier,
    },
    accelerator,
    acceleratorName: o.accelerator,
    node: o.node,
    voltageV: o.voltageV,
  };
  const points = cartesian(o.axes).map((values) => makePoint(base, values));
  // Fail before any work: every point's accelerator must be a valid file.
  for (const p of points) parseAccelerator(p.accelerator, `${accelFile} with ${JSON.stringify(p.values)}`);
  return points;
}

/**
 * The worker's entry file beside this one: worker.ts when this module runs from src/ (tsx: tests, bench),
 * worker.js when it runs compiled from dist/ (tsc rewrites import specifiers, not URLs in strings).
 */
const WORKER_URL = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

export async function runDse(o: DseOptions): Promise<DseOutcome> {
  mkdirSync(o.out, { recursive: true });
  const traceDir = join(o.out, 'traces');
  const points = planPoints(o);
  const columns = dseColumns(o.axes);
  const header = csvHeaderLine(columns);
  const dseFile = join(o.out, 'dse.csv');
  const done = readDone(dseFile, header);
  if (!existsSync(dseFile)) writeFileSync(dseFile, `${header}\n`);

  const groups = new Map<string, Group>();
  for (const p of points) {
    if (done.has(p.id)) continue;
    const g = groups.get(p.networkKey) ?? { key: p.networkKey, network: p.network, points: [] };
    g.points.push(p);
    groups.set(p.networkKey, g);
  }
  const pending = [...groups.values()].reduce((a, g) => a + g.points.length, 0);
  const limit = Math.min(pending, o.stopAfter ?? Infinity);
  let evaluated = 0;
  o.onProgress?.(points.length - pending, points.length);

  const record = (row: DseRow): void => {
    const line = csvRowLine(columns, row);
    appendFileSync(dseFile, `${line}\n`);
    done.set(row.id, line);
    evaluated++;
    o.onProgress?.(points.length - pending + evaluated, points.length);
  };

  const workers = Math.min(o.workers, Math.max(1, pending));
  const pool = workers > 0 && limit > 0
    ? new Piscina<WorkerTask, DseRow>({ filename: WORKER_URL, maxThreads: workers, minThreads: workers })
    : null;
  try {
    for (const g of groups.values()) {
      if (evaluated >= limit) break;
      const { file, facts } = ensureTrace(o, g, traceDir);
      const todo = g.points.slice(0, limit - evaluated);
      if (pool) {
        await Promise.all(todo.map(async (point) => record(await pool.run({ point, traceFile: file, facts }))));
      } else {
        const trace = loadTrace(file);
        for (const point of todo) record(evaluatePoint(point, trace, facts));
      }
    }
  } finally {
    await pool?.destroy();
  }

  const complete = points.every((p) => done.has(p.id));
  if (!complete) return { points, evaluated, complete, dseFile, front: [], objectives: [] };

  // Point order, not completion order: the file is the same however the sweep was interrupted.
  const ordered = points.map((p) => done.get(p.id) as string);
  const tmp = `${dseFile}.tmp`;
  writeFileSync(tmp, [header, ...ordered].join('\n') + '\n');
  renameSync(tmp, dseFile);

  const rows = parseCsv([header, ...ordered].join('\n')).filter((r) => r.length > 1);
  const head = rows[0];
  const col = (name: string): number[] => rows.slice(1).map((r) => Number(r[head.indexOf(name)]));
  const energy = col('energy_pJ');
  const latency = col('latency_s');
  const accuracyText = rows.slice(1).map((r) => r[head.indexOf('accuracy')]);
  const withAccuracy = accuracyText.every((a) => a !== '');
  const objectives = energy.map((e, i) => (withAccuracy ? [e, latency[i], -Number(accuracyText[i])] : [e, latency[i]]));
  const frontIdx = paretoFront(objectives);
  const paretoFile = join(o.out, 'pareto.csv');
  writeFileSync(paretoFile, [header, ...frontIdx.map((i) => ordered[i])].join('\n') + '\n');
  return {
    points, evaluated, complete, dseFile, paretoFile, front: frontIdx.map((i) => points[i].id),
    objectives: withAccuracy ? ['energy', 'latency', 'accuracy'] : ['energy', 'latency'],
  };
}

export const defaultWorkers = (): number => Math.max(1, availableParallelism());
