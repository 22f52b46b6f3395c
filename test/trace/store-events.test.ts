/**
 * The trace store keeps an event-camera input layer's events per neuron and step (uint16, odd lengths
 * padded): encode -> decode gives back every array bit for bit, the layers after it included, and the
 * replay of the decoded trace counts what the original's does.
 */
import test from 'ava';
import { loadAccelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { decodeTrace, encodeTrace } from '../../src/trace/store.ts';
import { geometry } from '../../src/trace/synthetic.ts';
import type { SpikeTrace } from '../../src/trace/types.ts';
import { prng } from '../../src/util/random.ts';

function eventTrace(): SpikeTrace {
  const rnd = prng(7);
  const T = 3;
  const images = 1;
  // 3 x 3 x 1 inputs x 3 steps = 27 uint16 counts: an odd byte length that needs padding.
  const ev = geometry({ layer: 'conv1', inH: 3, inW: 3, inC: 1, outC: 2, k: 3, stride: 1, pad: 1 });
  const n = images * ev.inH * ev.inW * ev.inC;
  const eventCounts = Uint16Array.from({ length: n * T }, () => (rnd() < 0.5 ? Math.floor(rnd() * 4) : 0));
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) if (eventCounts[i * T + t] > 0) codes[i] |= 1 << t;
  const next = geometry({ layer: 'conv2', inH: 3, inW: 3, inC: 2, outC: 2, k: 3, stride: 1, pad: 1 });
  const nextCodes = Uint32Array.from({ length: images * 18 }, () => Math.floor(rnd() * 8));
  return {
    network: 'tiny-events', images, timesteps: T, schedule: 'exp', thresholds: [0.8, 0.5, 0.3],
    layers: [{ ...ev, encoder: 'input.events', codes, eventCounts }, { ...next, encoder: 'conv1.steb', codes: nextCodes }],
    macLayers: [], order: ['conv1', 'conv2'],
  };
}

test('event counts survive encode -> decode, and the layer after them too', (t) => {
  const trace = eventTrace();
  const back = decodeTrace(encodeTrace(trace));
  t.deepEqual(back.layers[0].eventCounts, trace.layers[0].eventCounts);
  t.deepEqual(back.layers[0].codes, trace.layers[0].codes);
  t.deepEqual(back.layers[1].codes, trace.layers[1].codes);
  t.is(back.layers[1].eventCounts, undefined);
  t.deepEqual({ ...back, layers: [] }, { ...trace, layers: [] });
});

test('the decoded trace replays to the same counts', (t) => {
  const trace = eventTrace();
  const accel = loadAccelerator('stcb-default');
  const tech = loadTech(45);
  const a = simulate(trace, accel, tech);
  const b = simulate(decodeTrace(encodeTrace(trace)), accel, tech);
  t.deepEqual(b.layers.map((l) => l.actions), a.layers.map((l) => l.actions));
  // Events, not binary codes, drive the input layer: its ACs are the events' fan-outs.
  const events = trace.layers[0].eventCounts?.reduce((x, y) => x + y, 0) ?? 0;
  t.true(events > trace.layers[0].codes.reduce((x, c) => x + (c.toString(2).match(/1/g)?.length ?? 0), 0));
});

test('truncated event counts are one clear error', (t) => {
  const buf = encodeTrace(eventTrace());
  // Drop the second layer's codes and part of the first layer's counts.
  const err = t.throws(() => decodeTrace(buf.subarray(0, buf.length - 18 * 4 - 8), 'x.trace'));
  t.regex(err?.message ?? '', /x\.trace: truncated (event counts of layer conv1|spike codes of layer conv2)/);
});
