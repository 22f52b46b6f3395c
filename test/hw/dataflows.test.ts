/**
 * Named dataflows (docs/hardware.md, "Dataflows"): the reuse each implies, as closed forms on one
 * layer in one tile (the worked example of the docs page).
 */
import test from 'ava';
import { dataflowOf, loadAccelerator, parseAccelerator, STCB_DATAFLOWS, withChanges, type StcbDataflow } from '../../src/arch/accelerator.ts';
import { readJson, HW_MODELS_DIR } from '../../src/arch/validate.ts';
import { loadTech } from '../../src/arch/tech.ts';
import { simulate } from '../../src/energy/price.ts';
import { syntheticTrace } from '../../src/trace/synthetic.ts';

// One 3x3 conv, 6x6x4 -> 6x6x8, padding 1, T = 4; everything fits one tile of the idealised chip.
const trace = syntheticTrace([{ layer: 'conv', inH: 6, inW: 6, inC: 4, outC: 8, k: 3, stride: 1, pad: 1 }], [], { images: 1, timesteps: 4, rate: 0.3, seed: 7, network: 'example' });
const ideal = withChanges(loadAccelerator('stcb-ideal'), { acPsumRegisters: 1 << 16, acWeightRegisters: 1 << 16 });
const tech = loadTech(45);

function traffic(df: StcbDataflow) {
  const r = simulate(trace, withChanges(ideal, { options: STCB_DATAFLOWS[df] }), tech, { annTwin: false, lifTwin: false });
  return r.layers[0];
}

test('worked example: weights read once (WS) or once per AC (OS, IS); psums read-modify-written per AC unless held (OS)', (t) => {
  const ws = traffic('weight-stationary');
  const os = traffic('output-stationary');
  const is = traffic('input-stationary');
  const A = os.acs;
  const T = 4;
  const nOut = 6 * 6 * 8;
  const W = 3 * 3 * 4 * 8;
  const w = ideal.weightBits;
  const p = ideal.psumBits;
  t.is(ws.acs, A);
  t.is(ws.traffic.weight_buffer.readBits, W * w, 'WS: each weight read once into the array');
  t.is(os.traffic.weight_buffer.readBits, A * w, 'OS: one weight read per AC');
  t.is(is.traffic.weight_buffer.readBits, A * w, 'IS: one weight read per AC');
  // Psums: held in the array under OS; else one read and one write per AC, and the CAB reads each step's psums.
  t.is(is.traffic.psum_buffer.readBits - os.traffic.psum_buffer.readBits, A * p + T * nOut * p);
  t.is(is.traffic.psum_buffer.writeBits - os.traffic.psum_buffer.writeBits, A * p);
  t.is(ws.traffic.psum_buffer.readBits, is.traffic.psum_buffer.readBits);
  // Spikes are read once per tile pass in every dataflow.
  t.is(ws.traffic.spike_buffer.readBits, os.traffic.spike_buffer.readBits);
  t.log(`A = ${A} ACs, W = ${W} weights, N_out = ${nOut}, T = ${T}: weight reads WS ${W * w} bits, OS/IS ${A * w} bits; psum RMW IS/WS ${2 * A * p} bits + CAB reads ${T * nOut * p} bits, OS 0`);
});

test('a file names its dataflow; naming one and also setting its options is refused; the options map back to a name', (t) => {
  const json = readJson(`${HW_MODELS_DIR}accelerators/stcb-default.json`) as Record<string, unknown>;
  t.is(json.dataflow, 'output-stationary');
  const a = parseAccelerator(json, 'stcb-default');
  t.is(dataflowOf(a.options), 'output-stationary');
  const ws = parseAccelerator({ ...json, dataflow: 'weight-stationary' }, 'ws');
  t.deepEqual([ws.options.weightStationary, ws.options.psumsInArrayRegisters], [true, false]);
  const options = json.options as Record<string, unknown>;
  t.throws(() => parseAccelerator({ ...json, options: { ...options, weightStationary: true } }, 'clash.json'), { message: /clash\.json: \/options: weightStationary conflict with "dataflow": "output-stationary"/ });
  t.is(dataflowOf({ weightStationary: true, psumsInArrayRegisters: true }), 'custom');
});
