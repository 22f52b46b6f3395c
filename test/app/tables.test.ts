import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hardwareTables, writeHardwareTables } from '../../src/app/tables.ts';

test('stcsim ert: ERT and ART without a network; areas scale with the node\'s area factor; the CSVs hold every entry', (t) => {
  const tables = hardwareTables({ accelerator: 'stcb-default', nodes: [45, 7] });
  const [n45, n7] = tables.nodes;
  t.is(n45.node, '45nm');
  // Stillmaker-Baas area factor of 7 nm relative to 45 nm: 0.059 (DESIGN.md 5).
  for (const e of n45.art) {
    const at7 = n7.art.find((x) => x.component === e.component)?.areaUm2 ?? NaN;
    t.true(Math.abs(at7 / e.areaUm2 - 0.059) < 1e-9, e.component);
  }
  // The chip's area is the sum of its components (the twins' own components excluded).
  const chip = ['encoder', 'ac_array', 'cab', 'weight_buffer', 'act_buffer', 'spike_buffer', 'psum_buffer'];
  const sum = n45.art.filter((e) => chip.includes(e.component)).reduce((a, e) => a + e.areaUm2, 0);
  t.true(Math.abs(n45.area.stcb.totalUm2 - sum) < 1e-6 * sum);
  t.true(n45.ert.some((e) => e.component === 'dram' && e.action === 'read' && e.pJ === 8));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stcsim-ert-'));
  try {
    const [ert, area] = writeHardwareTables(tables, dir);
    const lines = (f: string): string[] => fs.readFileSync(f, 'utf8').trim().split('\n');
    t.is(lines(ert).length, 1 + n45.ert.length + n7.ert.length);
    t.is(lines(area).length, 1 + n45.art.length + n7.art.length);
    t.true(lines(area)[0].startsWith('node,component,area_um2,area_mm2'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('stcsim ert: a bad accelerator name fails with the file named', (t) => {
  t.throws(() => hardwareTables({ accelerator: 'no-such-chip', nodes: [45] }), { message: /no-such-chip/ });
});
