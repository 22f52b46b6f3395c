import test from 'ava';
import { loadAccelerator, withChanges, type Accelerator } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { resnet18Trace } from '../../src/trace/synthetic.ts';
import { traceOf } from './helpers.ts';

const tech = loadTech(45);
const base = loadAccelerator('stcb-default');
const ideal = loadAccelerator('stcb-ideal');
const trace = resnet18Trace({ rate: 0.12, seed: 5, timesteps: 4 });

const variants: [string, Accelerator][] = [
  ['default', base],
  ['sequential', withChanges(base, { options: { timing: 'sequential' } })],
  ['overlapped', withChanges(base, { options: { timing: 'overlapped' } })],
  ['no double buffering', withChanges(base, { options: { doubleBufferedLoads: false } })],
  ['registers+stationary', withChanges(base, { acWeightRegisters: 65536, options: { psumsInArrayRegisters: true, weightStationary: true } })],
  ['aer + scaled weights', withChanges(base, { options: { spikeStorage: 'address-events', scaledWeights: true } })],
  ['slow dram, small buffers', withChanges(base, { dramBitsPerSecond: 8e9, buffers: { ...base.buffers, act_buffer: { ...base.buffers.act_buffer, capacityBits: 8 * 65536 }, spike_buffer: { ...base.buffers.spike_buffer, capacityBits: 8 * 4096 } } })],
  ['1rw ports', withChanges(base, { buffers: { ...base.buffers, psum_buffer: { ...base.buffers.psum_buffer, ports: '1rw' } } })],
];

test('cycles >= work / lanes and >= DRAM bits / bandwidth for every layer and configuration', (t) => {
  for (const [name, accel] of variants) {
    const r = simulate(trace, accel, tech, { annTwin: false });
    for (const l of r.layers) {
      const dramBound = Math.ceil(((l.traffic.dram.readBits + l.traffic.dram.writeBits) * r.clockHz) / accel.dramBitsPerSecond);
      for (const [k, v] of Object.entries(l.bounds)) t.true(l.cycles >= v, `${name} ${l.layer} ${k}: ${l.cycles} < ${v}`);
      t.true(l.cycles >= dramBound, `${name} ${l.layer} dram`);
      t.true(l.cycles >= Math.ceil(l.acs / accel.acLanes), `${name} ${l.layer} ac`);
    }
  }
});

test('ideal configuration: cycles equal the max of the 6.1 lower bounds exactly', (t) => {
  const r = simulate(trace, ideal, tech, { annTwin: false });
  for (const l of r.layers.filter((x) => x.kind === 'stcb')) {
    const T = trace.timesteps;
    const g = trace.layers.find((x) => x.layer === l.layer);
    if (!g) throw new Error(l.layer);
    const nOut = g.outH * g.outW * g.outC;
    const enc = l.bounds.encoder;
    const ac = l.acsPerStep.reduce((s, a) => s + Math.ceil(a / ideal.acLanes), 0);
    const cab = Math.ceil((T * nOut) / ideal.cabLanes);
    t.is(l.cycles, Math.max(enc, ac, cab), l.layer);
    t.is(l.bounds.dram, 0);
    t.true(enc === 0 || enc === Math.ceil((T * g.inH * g.inW * g.inC) / ideal.encoderLanes));
  }
});

test('ideal equality on small random layers (odd sizes, strides) and several lane counts', (t) => {
  for (const lanes of [1, 7, 64, 1000]) {
    const accel = withChanges(ideal, { acLanes: lanes, cabLanes: Math.max(1, lanes >> 2), encoderLanes: 3 });
    const tr = traceOf([{ layer: 'x', inH: 9, inW: 5, inC: 3, outC: 7, k: 3, stride: 2, pad: 1 }], { T: 6 });
    const l = simulate(tr, accel, tech, { annTwin: false }).layers[0];
    t.is(l.cycles, Math.max(Math.ceil((6 * 9 * 5 * 3) / 3), l.acsPerStep.reduce((s, a) => s + Math.ceil(a / lanes), 0), Math.ceil((6 * 5 * 3 * 7) / accel.cabLanes)));
  }
});
