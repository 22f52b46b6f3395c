/** DSE benchmark (issue 6): a 1,000-point hardware sweep over one ResNet18 trace, worker threads (target < 5 min). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWorkers, runDse } from '../src/dse/run.ts';
import { parseSweep } from '../src/dse/space.ts';
import { paperPreset } from '../src/energy/paper.ts';
import { PAPER_DEFAULTS } from '../src/stcb/schedule.ts';

export async function benchDse(): Promise<Record<string, number>> {
  const out = mkdtempSync(join(tmpdir(), 'stcsim-bench-dse-'));
  const axes = ['ac_lanes=32,64,128,256,512,1024,2048,4096,8192,16384', 'encoder_lanes=4,8,16,32,64', 'cab_lanes=16,32,64,128,256', 'node=45,28,14,7'].map(parseSweep);
  const t0 = performance.now();
  const r = await runDse({
    model: 'resnet18', inputs: { seed: 1, images: 1 }, settings: { ...PAPER_DEFAULTS }, spikingClassifier: false,
    preset: paperPreset('int32-45nm'), accelerator: 'stcb-default', node: 45, axes, out, batch: 16, workers: defaultWorkers(),
  });
  const s = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  return { points: r.points.length, workers: defaultWorkers(), seconds: Number(s.toFixed(1)), points_per_s: Number((r.points.length / s).toFixed(1)) };
}
