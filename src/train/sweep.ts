/**
 * Accuracy of trained STCSNN weights evaluated at other STCB settings (T, V0, tau, schedule), without
 * retraining: the accuracy/energy trade-off table. Each grid point rebuilds the model with the new
 * settings on every Steb layer and the same weights.
 */
import type * as tf from '@tensorflow/tfjs';
import type { StcbSettings } from '../stcb/schedule.ts';
import { stebLayers, withStcbSettings } from './layers.ts';
import { evaluateAccuracy, type TrainData } from './trainer.ts';

export interface SweepRow {
  timesteps: number;
  vth0: number;
  tau: number;
  schedule: StcbSettings['schedule'];
  accuracy: number;
}

export async function accuracyGrid(
  model: tf.LayersModel, test: TrainData, timesteps: number[], vth0s: number[],
  onRow?: (row: SweepRow) => void,
): Promise<SweepRow[]> {
  const first = stebLayers(model)[0];
  if (!first) throw new Error(`model "${model.name}" has no Steb layers: nothing to sweep (an ANN?)`);
  const base = first.settings;
  const rows: SweepRow[] = [];
  for (const vth0 of vth0s) {
    for (const t of timesteps) {
      const m = await withStcbSettings(model, { timesteps: t, vth0 });
      const row: SweepRow = { timesteps: t, vth0, tau: base.tau, schedule: base.schedule, accuracy: evaluateAccuracy(m, test) };
      m.dispose();
      rows.push(row);
      onRow?.(row);
    }
  }
  return rows;
}

/** Markdown table: one row per V0, one column per T, accuracy in percent. */
export function gridMarkdown(rows: SweepRow[], trainedAt?: { timesteps: number; vth0: number }): string {
  const ts = [...new Set(rows.map((r) => r.timesteps))].sort((a, b) => a - b);
  const vs = [...new Set(rows.map((r) => r.vth0))].sort((a, b) => a - b);
  const cell = (t: number, v: number): string => {
    const r = rows.find((x) => x.timesteps === t && x.vth0 === v);
    if (!r) return '';
    const s = (100 * r.accuracy).toFixed(2);
    return trainedAt && trainedAt.timesteps === t && trainedAt.vth0 === v ? `**${s}**` : s;
  };
  const lines = [
    `| V0 \\ T | ${ts.join(' | ')} |`,
    `|---|${ts.map(() => '---:').join('|')}|`,
    ...vs.map((v) => `| ${v} | ${ts.map((t) => cell(t, v)).join(' | ')} |`),
  ];
  return lines.join('\n') + '\n';
}
