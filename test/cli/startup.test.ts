import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
