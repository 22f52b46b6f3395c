/** Shared by the DSE tests: a small smallnet sweep's options and dse.csv read back as records. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DseOptions } from '../../src/dse/run.ts';
import { parseSweep } from '../../src/dse/space.ts';
import { paperPreset } from '../../src/energy/paper.ts';
import { parseCsv } from '../../src/reports/table.ts';
import { PAPER_DEFAULTS } from '../../src/stcb/schedule.ts';

export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `stcsim-${name}-`));

/** Two synthetic images through untrained smallnet, evaluated in the main thread. */
export function smallnetSweep(out: string, sweeps: readonly string[], extra: Partial<DseOptions> = {}): DseOptions {
  return {
    model: 'smallnet', inputs: { seed: 3, images: 2 }, settings: { ...PAPER_DEFAULTS }, spikingClassifier: false,
    preset: paperPreset('int32-45nm'), accelerator: 'stcb-default', node: 45,
    axes: sweeps.map(parseSweep), out, batch: 16, workers: 0, ...extra,
  };
}

export type Row = Record<string, string>;

/** A CSV file as one record per row, keyed by header. */
export function readRows(file: string): Row[] {
  const [head, ...rows] = parseCsv(readFileSync(file, 'utf8')).filter((r) => r.length > 1);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

export const num = (r: Row, k: string): number => {
  if (!(k in r)) throw new Error(`no column ${k}`);
  return Number(r[k]);
};
