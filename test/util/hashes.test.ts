import test from 'ava';
import { canonicalJson, contentHash, sha256, sha256Hex, shortId, SHORT_ID_HEX } from '../../src/util/hashes.ts';

// Stored ids (spike-trace file names, dse.csv point ids) are content hashes: a library update that
// changed these values would orphan every recorded trace and resumed sweep.
test('canonical JSON sorts keys at every depth and keeps JSON.stringify numbers and strings', (t) => {
  const v = { e: 1e21, b: 'µ', a: [1, 'x', { d: null, c: 0.1 }], skipped: undefined };
  t.is(canonicalJson(v), '{"a":[1,"x",{"c":0.1,"d":null}],"b":"µ","e":1e+21}');
  // sha256 of the line above, computed independently (node:crypto on the literal string).
  t.is(contentHash(v), '0fd22cc0638c9eaac45ea32105f03ac28514ef8f9c66b527849b8952ff0f2ec7');
  t.is(contentHash({ a: [1, 'x', { c: 0.1, d: null }], b: 'µ', e: 1e21 }), contentHash(v), 'key order does not matter');
  t.throws(() => canonicalJson({ x: Number.NaN }), { message: /NaN/ });
});

test('one sha256, three spellings: prefixed fingerprint, hex hash, short id', (t) => {
  const hex = sha256Hex('abc');
  t.is(hex, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2 test vector
  t.is(sha256('abc'), `sha256:${hex}`);
  t.is(sha256('a', new TextEncoder().encode('bc')), sha256('abc'), 'parts are concatenated');
  t.is(shortId(hex), hex.slice(0, SHORT_ID_HEX));
  t.is(shortId(hex).length, 16);
});
