import test from 'ava';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { simulateMacLayer } from '../../src/hw/mac-layer.ts';
import { geometry } from '../../src/trace/synthetic.ts';

const base = loadAccelerator('stcb-default');
const clockHz = 5e8;

test('MAC layers: one weight read per MAC, or each weight once under weightStationary; broadcasts per channel tile', (t) => {
  // 3x3 conv, 6 -> 20 channels on 8x8, padding 1: 9*6*20*64 MACs.
  const g = geometry({ layer: 'c', inH: 8, inW: 8, inC: 6, outC: 20, k: 3, stride: 1, pad: 1 });
  const macs = 9 * 6 * 20 * 64;
  const weights = 9 * 6 * 20;
  const ctx = { clockHz, lanes: 16, component: 'mac_array' as const, multiplyAction: 'multiply' as const, addAction: 'add' as const, inputFromDram: false, weightsOnChip: false };

  const streaming = simulateMacLayer(g, { ...ctx, accel: withChanges(base, { options: { weightStationary: false } }) });
  t.is(streaming.traffic.weight_buffer.readBits, macs * base.weightBits);
  // 16 lanes over 20 channels: two passes over every input tap.
  t.is(streaming.stageCycles.cab, 64 * 9 * 6 * 2);

  // 100 weight registers hold one channel's 54 weights: one channel at a time.
  const stationary = simulateMacLayer(g, { ...ctx, accel: withChanges(base, { acWeightRegisters: 100, options: { weightStationary: true } }) });
  t.is(stationary.traffic.weight_buffer.readBits, weights * base.weightBits);
  t.is(stationary.tiling.coutTile, 1);
  t.is(stationary.stageCycles.cab, 64 * 9 * 6 * 20);
  t.is(stationary.traffic.act_buffer.readBits, 64 * 9 * 6 * 20 * base.activationBits);

  t.throws(() => simulateMacLayer(g, { ...ctx, accel: withChanges(base, { acWeightRegisters: 50, options: { weightStationary: true } }) }), { message: /one output channel \(54 words\)/ });
});
