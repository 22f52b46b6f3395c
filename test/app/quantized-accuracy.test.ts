/**
 * Quantisation changes the network (DESIGN.md 5.1): the trained Fashion-MNIST fixture, run at the
 * accelerator file's weight width, loses accuracy at 2 bits against 8 bits, and the summary says
 * which widths it ran at. On the WASM backend (this file's only backend): the CPU backend took
 * three times as long for the 900 forward passes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { profile } from '../../src/app/profile.ts';
import { HW_MODELS_DIR } from '../../src/arch/validate.ts';
import { locateDataset } from '../../src/data/datasets.ts';
import { profileFlags } from '../helpers.ts';
import { testWithTool } from '../tools.ts';

function fashionTestSplit(): true | undefined {
  try {
    locateDataset('fashion-mnist', 'test');
    return true;
  } catch {
    return undefined;
  }
}

testWithTool(fashionTestSplit(), 'Fashion-MNIST test files not found (apt-get install -y dataset-fashion-mnist)',
  'a trained model at 2-bit weights loses accuracy against 8-bit; the summary records the widths', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stcsim-quant-'));
    try {
      const base = fs.readFileSync(path.join(HW_MODELS_DIR, 'accelerators', 'stcb-default.json'), 'utf8');
      const run = async (bits: number) => {
        const file = path.join(dir, `w${bits}.json`);
        fs.writeFileSync(file, base.replace('"weight": "8 bit"', `"weight": "${bits} bit"`));
        const flags = profileFlags({ dataset: 'fashion-mnist', images: 300, batch: 100, hardware: false, charts: false, backend: 'wasm', accelerator: file, out: path.join(dir, `out${bits}`) });
        return (await profile('fixtures/fashion-smallnet/stcsnn/model.json', flags, () => false)).summary;
      };
      const float = (await profile('fixtures/fashion-smallnet/stcsnn/model.json', profileFlags({ dataset: 'fashion-mnist', images: 300, batch: 100, hardware: false, charts: false, backend: 'wasm', quantize: false, out: path.join(dir, 'float') }), () => false)).summary;
      const w8 = await run(8);
      const w2 = await run(2);
      t.deepEqual([w8.quantization?.weightBits, w2.quantization?.weightBits, w2.quantization?.activationBits], [8, 2, 16]);
      t.is(float.quantization, null);
      const acc = (s: typeof w8): number => s.accuracy ?? NaN;
      t.log(`accuracy on 300 test images: float ${acc(float)}, 8-bit ${acc(w8)}, 2-bit ${acc(w2)}`);
      t.true(Math.abs(acc(w8) - acc(float)) <= 0.01, '8-bit weights stay within a point of float32');
      t.true(acc(w2) < acc(w8) - 0.02, '2-bit weights lose accuracy');
      t.not(w2.totals.spikes, w8.totals.spikes, 'and spike counts change with them');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
