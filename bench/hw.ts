/**
 * Hardware-replay benchmark (issue 5): one synthetic ResNet18 T = 8 CIFAR trace replayed on the
 * default accelerator (target < 1 s), then a 100-model sweep over the same trace (target < 30 s).
 * Run: npx tsx bench/hw.ts [rate]
 */
import { loadAccelerator, withChanges } from '../src/hw/accelerator.ts';
import { loadTech } from '../src/energy/tech/load.ts';
import { simulate } from '../src/hw/simulate.ts';
import { resnet18Trace } from '../src/hw/synthetic.ts';

const rate = Number(process.argv[2] ?? 0.15);
let t0 = performance.now();
const trace = resnet18Trace({ rate, timesteps: 8, seed: 1 });
const neurons = trace.layers.reduce((s, l) => s + l.inH * l.inW * l.inC, 0);
console.log(`trace: ResNet18 CIFAR, T=8, ${trace.layers.length} spiking layers, ${neurons} input neurons/image, rate ${rate}/step, built in ${(performance.now() - t0).toFixed(0)} ms`);

const accel = loadAccelerator('stcb-default');
const tech = loadTech(45);
t0 = performance.now();
const first = simulate(trace, accel, tech);
const tFirst = performance.now() - t0;
console.log(`one replay (cold, incl. spike summaries): ${tFirst.toFixed(1)} ms; ${first.totals.spikes} spikes, ${first.totals.acs} ACs, ${first.totals.cycles} cycles, ${(first.totals.energyPJ / 1e6).toFixed(1)} uJ`);

const nodes = [45, 28, 7];
const models = [];
for (let i = 0; i < 100; i++) {
  models.push(withChanges(accel, {
    acLanes: [64, 128, 256, 512, 1024][i % 5],
    cabLanes: [16, 32, 64, 128][(i >> 2) % 4],
    encoderLanes: [8, 16, 32][i % 3],
    options: { timing: (['flow-shop', 'overlapped', 'sequential'] as const)[i % 3], psumsInArrayRegisters: i % 2 === 0, spikeStorage: i % 7 === 0 ? 'address-events' : 'bitmap' },
  }));
}
const techs = nodes.map((n) => loadTech(n));
t0 = performance.now();
let sink = 0;
models.forEach((m, i) => { sink += simulate(trace, m, techs[i % techs.length]).totals.energyPJ; });
const tSweep = performance.now() - t0;
console.log(`100-model sweep (lanes x timing x storage x node 45/28/7, with ANN twin): ${(tSweep / 1000).toFixed(2)} s (${(tSweep / 100).toFixed(1)} ms/model) [checksum ${sink.toExponential(3)}]`);
console.log(`targets: one replay < 1 s: ${tFirst < 1000 ? 'met' : 'MISSED'}; sweep < 30 s: ${tSweep < 30000 ? 'met' : 'MISSED'}`);
