/**
 * `stcsim profile ...` run inside the test process: the CLI's own commander definitions and action,
 * with stdout, stderr and the exit code captured. A subprocess costs seconds of tsx and tfjs start-up
 * per call; the real process boundary is covered once, in test/cli/smoke.test.ts.
 */
import { Command, CommanderError } from 'commander';
import { registerProfileCommand } from '../../src/cli/profile.ts';
import type { ProfileFlags } from '../../src/run/profile-settings.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A program holding only the profile command; commander throws instead of exiting and writes to `err`. */
function profileProgram(out: string[], err: string[]): Command {
  // exitOverride and configureOutput must come first: subcommands copy them when they are created.
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (s) => { out.push(s); }, writeErr: (s) => { err.push(s); } });
  registerProfileCommand(program);
  return program;
}

// The action writes to process.stdout/stderr and sets process.exitCode, which are global: one run at a time.
let queue: Promise<unknown> = Promise.resolve();

async function captured(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const program = profileProgram(out, err);
  const { stdout, stderr } = process;
  const saved = { out: stdout.write, err: stderr.write, code: process.exitCode };
  const sink = (into: string[]) => ((chunk: string | Uint8Array): boolean => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof stdout.write;
  process.exitCode = undefined;
  stdout.write = sink(out);
  stderr.write = sink(err);
  let code: number;
  try {
    await program.parseAsync(['profile', ...args], { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  } finally {
    stdout.write = saved.out;
    stderr.write = saved.err;
    process.exitCode = saved.code;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs `stcsim profile <args>` in this process and returns what the process would print and its exit code. */
export function runProfileCli(args: string[]): Promise<CliResult> {
  const run = queue.then(() => captured(args));
  queue = run.catch(() => undefined);
  return run;
}

/** What `stcsim profile <args>` hands to app/profile.ts: the model, the parsed flags and which flags were given. */
export async function parseProfileArgs(args: string[]): Promise<{ model: string | undefined; flags: ProfileFlags; given: string[] }> {
  const program = profileProgram([], []);
  const cmd = program.commands.find((c) => c.name() === 'profile');
  if (cmd === undefined) throw new Error('no profile command');
  let parsed: { model: string | undefined; flags: ProfileFlags; given: string[] } | undefined;
  // Replaces the action: parse only, run nothing.
  cmd.action((model: string | undefined, flags: ProfileFlags, c: Command) => {
    parsed = { model, flags, given: Object.keys(flags).filter((k) => c.getOptionValueSource(k) === 'cli') };
  });
  await program.parseAsync(['profile', ...args], { from: 'user' });
  if (parsed === undefined) throw new Error('the profile action did not run');
  return parsed;
}
