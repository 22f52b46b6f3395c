/**
 * An image dataset -> an event dataset in the N-MNIST layout and format: <out>/<Train|Test>/<label>/
 * <index>.bin, each file the saccade events of one image (src/data/saccade.ts) in N-MNIST binary.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type DatasetName } from './datasets.ts';
import { writeNmnist } from './nmnist.ts';
import { saccadeEvents, SACCADE_DEFAULTS, type SaccadeOptions } from './saccade.ts';

export interface ConvertOptions {
  dataset: DatasetName;
  dataDir?: string;
  /** Images converted from the train and test splits (the first n of each). */
  train: number;
  test: number;
  out: string;
  saccade?: Partial<SaccadeOptions>;
}

export interface ConvertResult {
  out: string;
  sensor: { width: number; height: number };
  files: number;
  events: number;
  bytes: number;
  source: string;
  saccade: SaccadeOptions;
}

export function convertDataset(o: ConvertOptions): ConvertResult {
  const saccade = { ...SACCADE_DEFAULTS, ...o.saccade };
  let files = 0;
  let events = 0;
  let sensor = { width: 0, height: 0 };
  let source = '';
  for (const [split, n, folder] of [['train', o.train, 'Train'], ['test', o.test, 'Test']] as const) {
    if (n === 0) continue;
    const d = loadDataset(o.dataset, split, { dataDir: o.dataDir, limit: n });
    source = d.source;
    const [count, h, w, c] = d.shape;
    if (c !== 1) throw new Error(`${o.dataset}: the saccade converter takes grey-scale images, these have ${c} channels`);
    for (let i = 0; i < count; i++) {
      const e = saccadeEvents(d.images.subarray(i * h * w, (i + 1) * h * w), h, w, saccade);
      sensor = e.sensor ?? sensor;
      const dir = join(o.out, folder, String(d.labels[i]));
      mkdirSync(dir, { recursive: true });
      writeNmnist(join(dir, `${String(i).padStart(5, '0')}.bin`), e);
      files++;
      events += e.x.length;
    }
  }
  return { out: o.out, sensor, files, events, bytes: events * 5, source, saccade };
}
