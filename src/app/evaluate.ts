/**
 * The evaluate flow as one function: a saved model's test accuracy and, given lists of T and V0, the
 * accuracy of the same weights over that grid of STCB settings (written as Markdown when asked).
 * Returns data; printing is the CLI's job (src/cli/evaluate.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type DatasetName } from '../data/datasets.ts';
import { initBackend, type BackendChoice } from '../run/backend.ts';
import { loadModel } from '../train/io.ts';
import { stebLayers } from '../train/layers.ts';
import { accuracyGrid, gridMarkdown, type SweepRow } from '../train/sweep.ts';
import { evaluateAccuracy } from '../train/trainer.ts';

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
  /** Report folder: evaluate.json (and grid.md with a grid). */
  out?: string;
  backend?: BackendChoice;
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
  const accuracy = evaluateAccuracy(model, test);
  const images = test.shape[0];
  hooks.onAccuracy?.(accuracy, images);
  const result: EvaluateResult = { model: modelPath, dataset: o.dataset, backend, accuracy, images, files: [] };
  if (steb && (o.timesteps || o.vth0)) {
    const base = steb.settings;
    const ts = o.timesteps ?? [base.timesteps];
    const vs = o.vth0 ?? [base.vth0];
    hooks.onGridStart?.(ts.length * vs.length);
    const rows = await accuracyGrid(model, test, ts, vs, hooks.onGridRow);
    const markdown = gridMarkdown(rows, base);
    if (o.markdown) writeFileSync(o.markdown, markdown);
    result.grid = { rows, markdown };
  }
  if (o.out !== undefined) writeEvaluateReport(o.out, result);
  return result;
}

/** The report folder of an evaluate run: evaluate.json (the result) and grid.md (the grid, if any). */
function writeEvaluateReport(dir: string, r: EvaluateResult): void {
  mkdirSync(dir, { recursive: true });
  r.files = ['evaluate.json', ...(r.grid ? ['grid.md'] : [])];
  if (r.grid) writeFileSync(join(dir, 'grid.md'), r.grid.markdown);
  writeFileSync(join(dir, 'evaluate.json'), JSON.stringify(r, null, 2) + '\n');
}
