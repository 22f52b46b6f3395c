/**
 * docs/metrics/gap.md: the gap's paper-mode line describes the images replayed on hardware, not all
 * profiled images. Checked end to end with the trained fixture (no batch-norm calibration, so the
 * weights do not depend on how many images run): profiling 3 images and replaying the first one gives
 * a gap whose paper line equals a paper-mode run on that one image.
 */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profile as profileRun } from '../../src/app/profile.ts';
import { writeNpy } from '../../src/data/npy.ts';
import type { ProfileFlags } from '../../src/run/profile-settings.ts';
import { profileFlags, randomArray } from '../helpers.ts';

const MODEL = 'fixtures/fashion-smallnet/stcsnn/model.json';
const PIXELS = 28 * 28;

interface Summary {
  images: number;
  hardwareImages?: number;
  paperEnergy: { snnPJ: number };
  gap?: { node: string; label: string; energyPJ: number; kind: string }[];
}

/** `stcsim profile MODEL --json --no-charts --backend cpu` with `flags`, in-process; the summary as printed. */
async function profile(flags: Partial<ProfileFlags>): Promise<Summary> {
  const { summary } = await profileRun(MODEL, profileFlags({ charts: false, ...flags }), () => false);
  return JSON.parse(JSON.stringify(summary)) as Summary;
}

test('the gap compares paper mode and hardware mode on the same (replayed) images', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-gap-'));
  const three = randomArray(3 * PIXELS, 7, 0, 1);
  writeNpy(join(dir, 'three.npy'), [3, 28, 28, 1], three);
  writeNpy(join(dir, 'first.npy'), [1, 28, 28, 1], three.slice(0, PIXELS));
  const [all, first] = await Promise.all([
    profile({ input: join(dir, 'three.npy'), hwImages: 1, out: join(dir, 'all') }),
    profile({ input: join(dir, 'first.npy'), hardware: false, out: join(dir, 'first') }),
  ]);
  t.is(all.images, 3);
  t.is(all.hardwareImages, 1);
  const paperLine = all.gap?.find((g) => g.kind === 'total' && g.label === 'paper mode (formula)');
  if (!paperLine) return t.fail('no paper-mode line in the gap');
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  t.true(close(paperLine.energyPJ, first.paperEnergy.snnPJ), `gap ${paperLine.energyPJ} vs first image ${first.paperEnergy.snnPJ}`);
  // Random images spike differently, so the 3-image mean differs from the replayed image's value.
  t.false(close(paperLine.energyPJ, all.paperEnergy.snnPJ));
});
