/**
 * Reuse across images (DESIGN.md 5.1): weights that fit the weight buffer are loaded from DRAM once
 * per replayed batch; every image still reads its own input. Checked on smallnet's shapes.
 */
import test from 'ava';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { summary } from '../../src/reports/hw-tables.ts';
import { geometry, syntheticTrace } from '../../src/trace/synthetic.ts';

// smallnet: conv 3x3 1->32 on 28x28 (MAC), pool, STCB conv 3x3 32->64 on 14x14, pool, STCB dense 3136->10.
const conv1 = (() => { const { encoder: _e, ...g } = geometry({ layer: 'conv1', inH: 28, inW: 28, inC: 1, outC: 32, k: 3, stride: 1, pad: 1 }); return g; })();
const trace = (images: number) => syntheticTrace([
  { layer: 'conv2', inH: 14, inW: 14, inC: 32, outC: 64, k: 3, stride: 1, pad: 1 },
  { layer: 'fc', inH: 1, inW: 1, inC: 3136, outC: 10, k: 1, stride: 1, pad: 0, op: 'dense' },
], [conv1], { images, timesteps: 8, rate: 0.1, seed: 3, network: 'smallnet' });
const weightBytes = 3 * 3 * 1 * 32 + 3 * 3 * 32 * 64 + 3136 * 10; // 8-bit weights: 50,080 B
const tech = loadTech(45);
const accel = loadAccelerator('stcb-default');

test('smallnet over 16 images reads its weights from DRAM once: DRAM(16) = weights + 16 x the rest of one image', (t) => {
  t.is(weightBytes, 50080);
  const one = simulate(trace(1), accel, tech);
  const sixteen = simulate(trace(16), accel, tech);
  t.true(one.weightsResident);
  const perImageRest = one.totals.dramBytes - weightBytes;
  t.true(perImageRest >= 28 * 28 * 2, 'each image still reads its 16-bit input from DRAM');
  t.is(sixteen.totals.dramBytes, weightBytes + 16 * perImageRest);
  const s = summary(sixteen);
  t.true(s.dramBytesPerInference <= weightBytes / 16 + perImageRest);
  // The single-image (cold-start) view keeps the weight load.
  t.is(s.coldStart?.dramBytes, one.totals.dramBytes);
  t.true((s.coldStart?.energyPJ ?? 0) > s.energyPerInferencePJ);
  // The ANN and LIF twins share the weight buffer and get the same reuse.
  for (const twin of [sixteen.annTwin, sixteen.lifTwin]) {
    const w = twin?.layers.reduce((a, l) => a + l.traffic.weight_buffer.writeBits, 0) ?? NaN;
    t.is(w, weightBytes * 8, 'the twin writes its weights into the buffer once');
  }
});

test('weights that do not fit the buffer are reloaded for every image', (t) => {
  const small = withChanges(accel, { buffers: { ...accel.buffers, weight_buffer: { ...accel.buffers.weight_buffer, capacityBits: 32 * 1024 * 8 } } });
  const one = simulate(trace(1), small, tech);
  const four = simulate(trace(4), small, tech);
  t.false(four.weightsResident);
  t.is(four.totals.dramBytes, 4 * one.totals.dramBytes);
});
