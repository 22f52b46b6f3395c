/**
 * The golden hardware report: a fixed small network, trace and hardware model (test/golden/hw/accel.json)
 * whose full report is committed as test/golden/hw/report.json. test/hw/golden.test.ts compares;
 * only `npm run golden:update` (scripts/golden-update.ts) writes the file.
 */
import { fileURLToPath } from 'node:url';
import { loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { accessRows, actionRows, computeRows, energyRows, summary } from '../../src/reports/hw-tables.ts';
import { geometry, syntheticTrace } from '../../src/trace/synthetic.ts';

const dir = fileURLToPath(new URL('../golden/hw/', import.meta.url));
export const GOLDEN_REPORT_FILE = `${dir}report.json`;

export function goldenReport(): unknown {
  const stem = geometry({ layer: 'stem', inH: 12, inW: 12, inC: 3, outC: 8, k: 3, stride: 1, pad: 1 });
  const fc = geometry({ layer: 'fc', inH: 1, inW: 1, inC: 64, outC: 10, k: 1, stride: 1, pad: 0, op: 'dense', batchNormAfter: false, hasBias: true });
  const { encoder: _a, ...stemG } = stem;
  const { encoder: _b, ...fcG } = fc;
  const trace = syntheticTrace([
    { layer: 'b1.conv1', inH: 12, inW: 12, inC: 8, outC: 16, k: 3, stride: 2, pad: 1, encoder: 'b1.in' },
    { layer: 'b1.shortcut', inH: 12, inW: 12, inC: 8, outC: 16, k: 1, stride: 2, pad: 0, encoder: 'b1.in' },
    { layer: 'b1.conv2', inH: 6, inW: 6, inC: 16, outC: 16, k: 3, stride: 1, pad: 1 },
    { layer: 'pool.fc', inH: 2, inW: 2, inC: 16, outC: 64, k: 2, stride: 1, pad: 0 },
  ], [stemG], { images: 2, timesteps: 6, rate: 0.2, seed: 42, network: 'golden' }, [fcG]);
  const r = simulate(trace, loadAccelerator(`${dir}accel.json`), loadTech(28));
  return { compute: computeRows(r).rows, access: accessRows(r).rows, energy: energyRows(r).rows, actions: actionRows(r).rows, summary: summary(r) };
}

/** The committed file's text: one-space JSON and a final newline. */
export function goldenReportText(): string {
  return JSON.stringify(goldenReport(), null, 1) + '\n';
}
