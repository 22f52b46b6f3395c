/** Channel-tile search of src/hw/tiling.ts: balanced tiles, and an end to the narrowing when no row fits. */
import test from 'ava';
import { loadAccelerator, withChanges } from '../../src/arch/accelerator.ts';
import { geometry } from '../../src/trace/synthetic.ts';
import { stcbTiling } from '../../src/hw/stcb-layer.ts';

// Unlimited buffers and CAB registers: only the AC array's psum registers bound a tile.
const ideal = loadAccelerator('stcb-ideal');
const layer = { ...geometry({ layer: 'x', inH: 8, inW: 8, inC: 16, outC: 64, k: 3, stride: 1, pad: 1 }), codes: new Uint32Array(0) };
const withRegisters = (acPsumRegisters: number) => withChanges(ideal, { acPsumRegisters, options: { psumsInArrayRegisters: true } });

test('channel tiles narrow past a width that one more tile does not shrink (64 in 8 or 9 tiles: 8 wide)', (t) => {
  // One output row of 7 channels fits the registers, of 8 does not.
  const tiling = stcbTiling(layer, withRegisters(layer.outW * 7), 4);
  t.is(tiling.coutTile, 7);
  t.is(tiling.coutTiles, 10);
  t.is(tiling.rowTile, 1);
});

test('no psum registers: the search ends with an error instead of running forever', (t) => {
  t.throws(() => stcbTiling(layer, withRegisters(0), 4), { message: /does not fit the psum storage/ });
});
