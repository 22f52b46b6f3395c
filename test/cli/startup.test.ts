import test from 'ava';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt } from '../tools.ts';

const run = promisify(execFile);
test.before(ensureBuilt);

// A module-loading hook that names every file the CLI loads, on stderr.
const hook = `export async function load(url, context, next) { process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;

test('--version and --help load commander and our cheap modules only: no tfjs, vega, mathjs, ajv, piscina', async (t) => {
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  for (const args of [['--version'], ['--help'], ['profile', '--help'], ['dse', '--help'], ['train', '--help'], ['evaluate', '--help']]) {
    const { stdout, stderr } = await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, 'dist/cli/main.js', ...args]);
    if (args[0] === '--version') t.is(stdout.trim(), version);
    const loaded = stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
    t.true(loaded.some((u) => u.endsWith('/dist/cli/main.js')), 'the hook saw the CLI load');
    const packages = [...new Set(loaded.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]).filter((p) => p !== undefined))];
    t.deepEqual(packages, ['commander'], `${args.join(' ')} loads ${packages.join(', ')}`);
  }
});

test('the build check starts the compiler only when a source is newer than the last check, even when the compiler emits nothing', async (t) => {
  // A copy of the project's layout whose "tsc" only logs that it ran, as tsc -b does when nothing changed.
  const root = mkdtempSync(join(tmpdir(), 'stcsim-build-check-'));
  try {
    for (const dir of ['scripts', 'src', 'dist', 'node_modules/typescript/bin']) mkdirSync(join(root, dir), { recursive: true });
    copyFileSync('scripts/build-if-stale.mjs', join(root, 'scripts/build-if-stale.mjs'));
    const log = join(root, 'tsc.log');
    writeFileSync(join(root, 'node_modules/typescript/package.json'), JSON.stringify({ name: 'typescript', version: '0.0.0' }));
    writeFileSync(join(root, 'node_modules/typescript/bin/tsc'), `require('node:fs').appendFileSync(${JSON.stringify(log)}, 'ran\\n');\n`);
    writeFileSync(join(root, 'src/a.ts'), 'export {};\n');
    writeFileSync(join(root, 'dist/.tsbuildinfo'), '{}');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'dist/.tsbuildinfo'), past, past);
    const runs = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
    const check = (): Promise<unknown> => run(process.execPath, [join(root, 'scripts/build-if-stale.mjs')]);
    await check();
    t.is(runs(), 1, 'a source newer than the build starts the compiler');
    await check();
    t.is(runs(), 1, 'the next check finds the build up to date');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/a.ts'), later, later);
    await check();
    t.is(runs(), 2, 'an edited source starts it again');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
