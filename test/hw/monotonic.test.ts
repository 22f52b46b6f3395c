import test from 'ava';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { listNodes, loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { resnet18Trace } from '../../src/trace/synthetic.ts';
import { count, traceOf } from './helpers.ts';

const base = loadAccelerator('stcb-default');
const tech = loadTech(45);
const trace = resnet18Trace({ rate: 0.15, timesteps: 4, seed: 9 });

test('more lanes (doubling AC, CAB, encoder lanes) never adds cycles to any layer', (t) => {
  for (const timing of ['flow-shop', 'overlapped', 'sequential'] as const) {
    const a0 = withChanges(base, { options: { timing } });
    for (const field of ['acLanes', 'cabLanes', 'encoderLanes'] as const) {
      let prev = simulate(trace, a0, tech, { annTwin: false });
      for (let f = 2; f <= 8; f *= 2) {
        const next = simulate(trace, withChanges(a0, { [field]: a0[field] * f }), tech, { annTwin: false });
        next.layers.forEach((l, i) => t.true(l.cycles <= prev.layers[i].cycles, `${timing} ${field} x${f} ${l.layer}: ${l.cycles} > ${prev.layers[i].cycles}`));
        prev = next;
      }
    }
  }
});

test('a smaller node never adds dynamic energy at nominal voltage', (t) => {
  const small = traceOf([{ layer: 'x', inH: 8, inW: 8, inC: 8, outC: 16, k: 3, stride: 1, pad: 1 }], { T: 4 });
  const nodes = [...listNodes(), 28].sort((a, b) => b - a);
  let prev = Infinity;
  for (const n of nodes) {
    const e = simulate(small, base, loadTech(n), { annTwin: false }).totals.dynamicPJ;
    t.true(e <= prev, `${n} nm: ${e} > ${prev}`);
    prev = e;
  }
});

test('zero spikes: zero AC work and spike subtracts; only fixed costs remain', (t) => {
  const tr = traceOf([{ layer: 'z', inH: 8, inW: 8, inC: 4, outC: 8, k: 3, stride: 1, pad: 1 }], { T: 4, rate: 0 });
  const r = simulate(tr, base, tech, { annTwin: false });
  const l = r.layers[0];
  t.is(l.acs, 0);
  t.is(count(l.actions, 'ac_array', 'add'), 0);
  t.is(count(l.actions, 'encoder', 'subtract'), 0);
  t.is(l.stageCycles.ac, 0);
  t.is(l.traffic.weight_buffer.readBits, 0);
  t.is(count(l.actions, 'encoder', 'compare'), 4 * 8 * 8 * 4);
  t.is(count(l.actions, 'cab', 'multiply'), 4 * 8 * 8 * 8);
  const withSpikes = simulate(traceOf([{ layer: 'z', inH: 8, inW: 8, inC: 4, outC: 8, k: 3, stride: 1, pad: 1 }], { T: 4, rate: 0.2 }), base, tech, { annTwin: false });
  t.true(r.totals.energyPJ < withSpikes.totals.energyPJ);
});
