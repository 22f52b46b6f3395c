import test from 'ava';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { beginOutput, lockOutput, OUTPUT_MARKER, writeFileAtomic, writeOutput } from '../../src/util/output-dir.ts';
import { confinedPath, defaultReportDir, sanitizeName, PathPolicyError } from '../../src/util/paths.ts';
import { UsageError } from '../../src/util/errors.ts';
import { neutraliseCsvText, parseCsv, toCsv, type Column } from '../../src/reports/table.ts';

const root = mkdtempSync(join(tmpdir(), 'stcsim-outdir-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));

const listing = (dir: string): string[] => readdirSync(dir).sort();

test('a committed transaction replaces the folder whole; an aborted one leaves the old one untouched', async (t) => {
  const out = join(root, 'a');
  await writeOutput(out, { command: 'test' }, async (dir) => { writeFileSync(join(dir, 'x.csv'), 'old'); writeFileSync(join(dir, 'stale.csv'), 'old'); });
  t.deepEqual(listing(out), [OUTPUT_MARKER, 'stale.csv', 'x.csv']);
  // A failing run: nothing of it reaches the folder.
  await t.throwsAsync(writeOutput(out, { command: 'test' }, async (dir) => { writeFileSync(join(dir, 'x.csv'), 'half'); throw new Error('bad --node'); }), { message: 'bad --node' });
  t.is(readFileSync(join(out, 'x.csv'), 'utf8'), 'old');
  // A second run replaces everything: no file of the first run survives beside the new ones.
  await writeOutput(out, { command: 'test' }, async (dir) => { writeFileSync(join(dir, 'x.csv'), 'new'); });
  t.deepEqual(listing(out), [OUTPUT_MARKER, 'x.csv']);
  t.is(readFileSync(join(out, 'x.csv'), 'utf8'), 'new');
  // No staging, old or lock files left beside it.
  t.deepEqual(listing(root).filter((n) => n.startsWith('.a.')), []);
});

test('a non-empty folder stcsim did not write is refused without force, replaced with it', async (t) => {
  const out = join(root, 'foreign');
  mkdirSync(out);
  writeFileSync(join(out, 'thesis.tex'), 'precious');
  const err = t.throws(() => beginOutput(out, { command: 'test' }), { instanceOf: UsageError, message: /not empty and was not written by stcsim/ });
  t.regex(err?.hint ?? '', /--force/);
  t.is(readFileSync(join(out, 'thesis.tex'), 'utf8'), 'precious');
  await writeOutput(out, { command: 'test', force: true }, async (dir) => { writeFileSync(join(dir, 'r.csv'), '1'); });
  t.deepEqual(listing(out), [OUTPUT_MARKER, 'r.csv']);
  t.throws(() => beginOutput(join(out, 'r.csv'), { command: 'test' }), { message: /is not a folder/ });
});

test('a lock stops a second run on the same folder; a lock left by a dead process is taken over', async (t) => {
  const out = join(root, 'locked');
  const tx = beginOutput(out, { command: 'test' });
  t.throws(() => beginOutput(out, { command: 'test' }), { instanceOf: UsageError, message: /another stcsim run \(pid \d+\) is writing this folder/ });
  tx.abort();
  // A lock whose holder is gone (a killed run): a short-lived child's pid.
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid ?? 0;
  await new Promise((r) => child.on('exit', r));
  writeFileSync(join(root, '.locked.lock'), `${pid}\n`);
  const release = lockOutput(out);
  t.is(readFileSync(join(root, '.locked.lock'), 'utf8').trim(), String(process.pid));
  release();
  t.false(existsSync(join(root, '.locked.lock')));
});

test('writeFileAtomic leaves the old or the new file, and no temp file', (t) => {
  const f = join(root, 'grid.md');
  writeFileAtomic(f, 'one');
  writeFileAtomic(f, 'two');
  t.is(readFileSync(f, 'utf8'), 'two');
  t.deepEqual(readdirSync(root).filter((n) => n.includes('grid.md.tmp')), []);
});

test('confinedPath: any member path either stays inside its folder or is refused (property)', (t) => {
  const base = join(root, 'model');
  fc.assert(fc.property(fc.array(fc.constantFrom('..', '.', 'a', 'b.bin', '', '/', '\\', '%2e%2e', 'dev', 'zero'), { maxLength: 8 }), (parts) => {
    const member = parts.join('/');
    try {
      const p = confinedPath(base, member, 'model.json');
      const rel = relative(resolve(base), p);
      return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..';
    } catch (e) {
      return e instanceof PathPolicyError && e.message.startsWith('model.json: ');
    }
  }), { numRuns: 300 });
  t.pass();
});

test('default report folders: any model name gives one plain folder under reports/ (property)', (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (name) => {
    const s = sanitizeName(name);
    const dir = defaultReportDir(name);
    return /^[A-Za-z0-9._-]+$/.test(s) && s !== '.' && s !== '..' && relative('reports', dir) === s;
  }), { numRuns: 500 });
  t.is(sanitizeName('../../etc/evil'), '_.._etc_evil');
  t.is(sanitizeName('..'), 'model');
  t.is(sanitizeName('vgg11'), 'vgg11');
});

test('CSV cells a spreadsheet would run as formulas are neutralised; numbers stay numbers', (t) => {
  const cols: Column<{ name: string; v: number; s: string }>[] = [
    { key: 'layer', header: 'layer', doc: 'd', value: (r) => r.name },
    { key: 'v', header: 'v', doc: 'd', value: (r) => r.v },
    { key: 's', header: 's', doc: 'd', value: (r) => r.s },
  ];
  const csv = toCsv(cols, [
    { name: '=HYPERLINK("http://x","y")', v: -1.5, s: '-1.5' },
    { name: '+cmd|calc', v: -2e-9, s: '@SUM(A1)' },
    { name: '\tx', v: 0, s: '-x' },
  ]);
  const rows = parseCsv(csv);
  t.deepEqual(rows.slice(1), [
    ['\'=HYPERLINK("http://x","y")', '-1.5', '-1.5'],
    ["'+cmd|calc", '-2e-9', "'@SUM(A1)"],
    ["'\tx", '0', "'-x"],
  ]);
  // Property: the result never starts with a formula character unless it is a plain number, and
  // removing the added quote gives the original back.
  fc.assert(fc.property(fc.string({ maxLength: 20 }), (s) => {
    const n = neutraliseCsvText(s);
    const numeric = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s);
    return (numeric || !/^[=+\-@\t\r]/.test(n)) && (n === s || n === `'${s}`);
  }), { numRuns: 500 });
});
