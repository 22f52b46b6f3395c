/**
 * Hardware-replay benchmark (issue 5): one ResNet18 T = 8 CIFAR trace, recorded by the profiler from
 * a real forward pass, replayed on the default accelerator (target < 1 s), then a 100-model sweep
 * over the same trace (target < 30 s).
 */
import { loadAccelerator, withChanges } from '../src/arch/accelerator.ts';
import { loadTech } from '../src/arch/tech.ts';
import { simulate } from '../src/energy/price.ts';
import { zooGraph } from '../src/model/zoo.ts';
import { initWeights } from '../src/model/weights.ts';
import { syntheticImages } from '../src/run/inputs.ts';
import { profileNetwork } from '../src/run/profile.ts';
import { PAPER_DEFAULTS } from '../src/stcb/schedule.ts';
import type { SpikeTrace } from '../src/trace/types.ts';

export function recordResnet18Trace(): SpikeTrace {
  const g = zooGraph('resnet18');
  const run = profileNetwork(g, initWeights(g, 1), syntheticImages(1, [32, 32, 3], 1), { settings: { ...PAPER_DEFAULTS }, batch: 1, traceImages: 1 });
  if (!run.trace) throw new Error('no trace');
  return run.trace;
}

export function benchHw(trace: SpikeTrace): Record<string, number> {
  const accel = loadAccelerator('stcb-default');
  const tech = loadTech(45);
  let t0 = performance.now();
  simulate(trace, accel, tech);
  const oneMs = performance.now() - t0;
  const techs = [45, 28, 7].map((n) => loadTech(n));
  const models = Array.from({ length: 100 }, (_, i) => withChanges(accel, {
    acLanes: [64, 128, 256, 512, 1024][i % 5],
    cabLanes: [16, 32, 64, 128][(i >> 2) % 4],
    encoderLanes: [8, 16, 32][i % 3],
    options: { timing: (['flow-shop', 'overlapped', 'sequential'] as const)[i % 3], psumsInArrayRegisters: i % 2 === 0, spikeStorage: i % 7 === 0 ? 'address-events' : 'bitmap' },
  }));
  t0 = performance.now();
  models.forEach((m, i) => simulate(trace, m, techs[i % techs.length]));
  const sweepMs = performance.now() - t0;
  const neurons = trace.layers.reduce((s, l) => s + l.inH * l.inW * l.inC, 0);
  return { spiking_layers: trace.layers.length, input_neurons: neurons, replay_ms: Math.round(oneMs), sweep100_s: Number((sweepMs / 1000).toFixed(2)) };
}
