/**
 * The sweep key of event input (run/event-input.ts inputFingerprint): the same events compressed into
 * any T give one key (a `timesteps` sweep re-bins them per setting), while other events or another
 * synaptic kernel give another. The events per input summed over the steps are T-independent by
 * construction: checked here against the raw event list.
 */
import test from 'ava';
import { eventImageSet, inputFingerprint } from '../../src/run/event-input.ts';
import type { EventSample } from '../../src/data/event-files.ts';
import { prng } from '../../src/util/random.ts';

function sample(seed: number): EventSample {
  const rnd = prng(seed);
  const n = 200;
  const events = {
    x: Uint16Array.from({ length: n }, () => Math.floor(rnd() * 6)),
    y: Uint16Array.from({ length: n }, () => Math.floor(rnd() * 5)),
    tUs: Float64Array.from({ length: n }, (_, i) => i * 37),
    p: Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0)),
  };
  return { file: `s${seed}.bin`, events };
}

test('one key for every T, another for other events or another kernel', (t) => {
  const s = [sample(1), sample(2)];
  const key = (T: number, kernel?: number[], samples = s): string => inputFingerprint(eventImageSet(samples, { timesteps: T, kernel }));
  t.is(key(2), key(5));
  t.is(key(1), key(8));
  t.not(key(4), key(4, [0.5, 0.5]));
  t.not(key(4), key(4, undefined, [sample(1), sample(3)]));
});

test('every event lands in exactly one step at any T', (t) => {
  const s = [sample(1)];
  for (const T of [1, 3, 7]) {
    const set = eventImageSet(s, { timesteps: T, sensor: { height: 5, width: 6 } });
    const counts = set.events?.counts ?? new Uint16Array(0);
    t.is(counts.reduce((a, b) => a + b, 0), s[0].events.x.length, `T = ${T}`);
  }
});
