/**
 * The evaluate flow as one function: a saved model's test accuracy and, given lists of T and V0, the
 * accuracy of the same weights over that grid of STCB settings (written as Markdown when asked).
 * Returns data; printing is the CLI's job (src/cli/evaluate.ts).
 */
import { join } from 'node:path';
import { loadDataset, type DatasetName } from '../data/datasets.ts';
import { initBackend, type BackendChoice } from '../run/backend.ts';
import { loadModel } from '../train/io.ts';
import { stebLayers } from '../train/layers.ts';
import { accuracyGrid, gridMarkdown, type SweepRow } from '../train/sweep.ts';
import { evaluateAccuracy } from '../train/trainer.ts';
import { writeFileAtomic, writeOutput } from '../util/output-dir.ts';
import { lifLayers, withLifTimesteps } from '../train/lif-layers.ts';
import type { NeuronKind } from '../neuron/settings.ts';

export interface EvaluateCommandOptions {
  dataset: DatasetName;
  dataDir?: string;
  /** Use only the first n test images. */
  testLimit?: number;
  /** T values of the grid (default: the trained T when vth0 is given). */
  timesteps?: number[];
  /** V0 values of the grid (default: the trained V0 when timesteps is given). */
  vth0?: number[];
  /** Also write the grid's Markdown table to this file. */
  markdown?: string;
  /** Report folder: evaluate.json (and grid.md with a grid), written as one transaction. */
  out?: string;
  /** Replace a non-empty --out folder that stcsim did not write. */
  force?: boolean;
  backend?: BackendChoice;
  /** The neuron model the saved network must have (default: whatever it is). */
  neuron?: NeuronKind;
}

export interface EvaluateHooks {
  /** The plain test accuracy is known (before the grid, which takes longer). */
  onAccuracy?: (accuracy: number, images: number) => void;
  onGridRow?: (row: SweepRow) => void;
  /** The grid is about to run: `total` settings (T x V0 pairs). */
  onGridStart?: (total: number) => void;
}

export interface EvaluateResult {
  model: string;
  dataset: DatasetName;
  backend: string;
  accuracy: number;
  images: number;
  /** Files written into `out`. */
  files: string[];
  /** The T x V0 grid, when asked for and the model has Steb layers. */
  grid?: { rows: SweepRow[]; markdown: string };
}

/** Test accuracy of a saved model (model folder or model.json); with timesteps/vth0 lists, a grid over STCB settings. */
export async function evaluateModel(modelPath: string, o: EvaluateCommandOptions, hooks: EvaluateHooks = {}): Promise<EvaluateResult> {
  const backend = await initBackend(o.backend ?? 'auto');
  const model = await loadModel(modelPath);
  const test = loadDataset(o.dataset, 'test', { dataDir: o.dataDir, limit: o.testLimit });
  const steb = stebLayers(model)[0];
  const lif = lifLayers(model)[0];
  const kind: NeuronKind | 'ann' = lif ? lif.settings.kind : steb ? 'stcb' : 'ann';
  if (o.neuron !== undefined && o.neuron !== kind) throw new Error(`${modelPath} is a ${kind} network, not ${o.neuron}`);
  const accuracy = evaluateAccuracy(model, test);
  const images = test.shape[0];
  hooks.onAccuracy?.(accuracy, images);
  const result: EvaluateResult = { model: modelPath, dataset: o.dataset, backend, accuracy, images, files: [] };
  if (lif && o.timesteps) {
    hooks.onGridStart?.(o.timesteps.length);
    result.grid = await lifGrid(model, test, o.timesteps, lif.settings.timesteps, hooks);
  } else if (steb && (o.timesteps || o.vth0)) {
    const base = steb.settings;
    const ts = o.timesteps ?? [base.timesteps];
    const vs = o.vth0 ?? [base.vth0];
    hooks.onGridStart?.(ts.length * vs.length);
    const rows = await accuracyGrid(model, test, ts, vs, hooks.onGridRow);
    result.grid = { rows, markdown: gridMarkdown(rows, base) };
  }
  if (o.markdown && result.grid) writeFileAtomic(o.markdown, result.grid.markdown);
  if (o.out !== undefined) await writeEvaluateReport(o.out, result, o.force);
  return result;
}

/** The report folder of an evaluate run, written as one transaction: evaluate.json (the result) and grid.md (the grid, if any). */
async function writeEvaluateReport(target: string, r: EvaluateResult, force: boolean | undefined): Promise<void> {
  r.files = ['evaluate.json', ...(r.grid ? ['grid.md'] : [])];
  await writeOutput(target, { force, command: 'evaluate' }, async (dir) => {
    if (r.grid) writeFileAtomic(join(dir, 'grid.md'), r.grid.markdown);
    writeFileAtomic(join(dir, 'evaluate.json'), JSON.stringify(r, null, 2) + '\n');
  });
}

/** A LIF-family network's accuracy at other T (same weights; thresholds and leaks as learned). */
async function lifGrid(model: Awaited<ReturnType<typeof loadModel>>, test: ReturnType<typeof loadDataset>, steps: number[], trainedT: number, hooks: EvaluateHooks): Promise<{ rows: SweepRow[]; markdown: string }> {
  const rows: SweepRow[] = [];
  for (const T of steps) {
    const m = await withLifTimesteps(model, T);
    // No STEB: V0 and tau do not apply (NaN in the row).
    const row: SweepRow = { timesteps: T, vth0: NaN, tau: NaN, schedule: 'const', accuracy: evaluateAccuracy(m, test) };
    m.dispose();
    rows.push(row);
    hooks.onGridRow?.(row);
  }
  const markdown = ['| T | accuracy (%) |', '|---:|---:|', ...rows.map((r) => `| ${r.timesteps}${r.timesteps === trainedT ? ' (trained)' : ''} | ${(100 * r.accuracy).toFixed(2)} |`), ''].join('\n');
  return { rows, markdown };
}
