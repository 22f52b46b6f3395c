/** `profile --events` and `--binary-layers` through the whole profile flow (in-process, as the CLI calls it). */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profile } from '../../src/app/profile.ts';
import { writeNmnist } from '../../src/data/nmnist.ts';
import { saccadeEvents } from '../../src/data/saccade.ts';
import { profileFlags, randomArray } from '../helpers.ts';
import { parseProfileArgs } from './run-cli.ts';

const noneGiven = (): boolean => false;

test('profile --events FILE: sensor size from the events, first layer event-driven, counts follow the events', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stcsim-ev-'));
  const events = saccadeEvents(randomArray(100, 4, 0, 1), 10, 10);
  const file = join(dir, '00001.bin');
  writeNmnist(file, events);
  const parsed = await parseProfileArgs(['smallnet', '--events', file, '--compression', '25', '--synaptic-kernel', '0.5,0.5', '--binary-layers', 'fc', '--backend', 'cpu']);
  t.is(parsed.flags.events, file);
  t.deepEqual(parsed.flags.synapticKernel, [0.5, 0.5]);
  const { summary, counts } = await profile('smallnet', profileFlags({ events: file, compression: 25, eventFrameUs: 1000, synapticKernel: [0.5, 0.5], binaryLayers: ['fc'], hwImages: 1, charts: false, out: join(dir, 'r') }), noneGiven);
  // 300 ms of saccades in 1 ms frames, 25 frames a step: T = 12.
  t.is(summary.settings.timesteps, 12);
  t.is(summary.events?.timesteps, 12);
  t.deepEqual(summary.events?.cabCoefficients.slice(-2), [1, 0.5]);
  const conv1 = counts.layers[0];
  t.is(conv1.kind, 'stcb-conv');
  t.deepEqual(conv1.inputShape, [16, 16, 2]);
  t.is(conv1.spikes, events.x.length);
  t.is(conv1.encoderCompares, 0);
  t.true(summary.hardware !== undefined);
  // fc: 4x4x64 -> 10 at 1 bit + 10 alpha words of 8 bits; conv1 3x3x2x32 and conv2 3x3x32x64 at 8 bits.
  const w = summary.weightStorage;
  t.deepEqual(w?.binaryLayers, ['fc']);
  t.is(w?.bits, (3 * 3 * 2 * 32 + 3 * 3 * 32 * 64) * 8 + 4 * 4 * 64 * 10 + 10 * 8);
  t.is(w?.fullPrecisionBits, (3 * 3 * 2 * 32 + 3 * 3 * 32 * 64 + 4 * 4 * 64 * 10) * 8);
});
