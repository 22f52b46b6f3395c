/** Every profile run writes neurobench.json and puts the same headline figures in summary.json. */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { profile } from '../../src/app/profile.ts';
import { NEUROBENCH_DEFINITIONS } from '../../src/reports/neurobench-report.ts';
import { profileFlags } from '../helpers.ts';
import type { ProfileFlags } from '../../src/run/profile-settings.ts';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'stcsim-nb-'));

const CASES: [string, string, Partial<ProfileFlags>][] = [
  ['a network', 'smallnet', {}],
  ['a SCALE-Sim topology', '', { scalesim: 'fixtures/scalesim/tiny-cifar.csv', firingRate: [0.1] }],
];
for (const [what, model, extra] of CASES) {
  test(`a profile of ${what} writes neurobench.json; summary.json holds its headline figures`, async (t) => {
    const out = tmp();
    const { summary } = await profile(model, profileFlags({ ...extra, hardware: false, charts: false, out }), () => false);
    const file = JSON.parse(fs.readFileSync(path.join(out, 'neurobench.json'), 'utf8')) as Record<string, unknown>;
    t.true(summary.files.includes('neurobench.json'));
    const nb = summary.neurobench;
    if (!nb) return t.fail('no neurobench in summary.json');
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as typeof summary;
    t.deepEqual(saved.neurobench, nb);
    for (const k of ['Footprint', 'ConnectionSparsity', 'ActivationSparsity', 'SynapticOperations'] as const) t.deepEqual(file[k], nb[k], k);
    t.deepEqual(file.definitions, NEUROBENCH_DEFINITIONS);
    // Dense counts every STCB connection once per step: at least the exact ACs (each a connection at one step).
    t.true(nb.SynapticOperations.Dense >= nb.SynapticOperations.Effective_ACs + nb.SynapticOperations.Effective_MACs);
    t.true(nb.ActivationSparsity > 0 && nb.ActivationSparsity < 1);
    t.is(nb.ConnectionSparsity === null, what === 'a SCALE-Sim topology');
  });
}
