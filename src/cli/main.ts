#!/usr/bin/env node
/**
 * stcsim command line: profile, dse, train, evaluate, ert, worker, dse-merge. Starting must be fast (`stcsim --version` well
 * under 0.5 s), so this file and the register* modules import only commander and cheap modules; each
 * action dynamic-imports its app/ module, which loads tfjs, vega and the rest when a command runs.
 */
import module from 'node:module';
import { Command } from 'commander';
import { TOOL_VERSION } from '../util/version.ts';
import { registerProfileCommand } from './profile.ts';
import { registerDseCommand } from './dse.ts';
import { registerTrainCommand } from './train.ts';
import { registerEvaluateCommand } from './evaluate.ts';
import { registerErtCommand } from './ert.ts';
import { registerWorkerCommand } from './worker.ts';
import { registerDseMergeCommand } from './dse-merge.ts';
import { registerTrainBinaryCommand } from './train-binary.ts';
import { registerEventsCommand } from './events.ts';

// Node 22.1+ keeps compiled code of every loaded module (tfjs, vega, ...) between runs; Node 20 has no
// such cache, and the call is skipped.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const program = new Command();
program
  .name('stcsim')
  .description('STCSNN simulator and energy profiler')
  .version(TOOL_VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .option('--debug', 'print the stack trace of an error (errors are one line and a hint otherwise)')
  // Usage errors exit 2 like the actions' own (run-action.ts); exit 1 means "profile --check: not reproduced".
  // Set before the commands are added: they inherit it.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
registerProfileCommand(program);
registerDseCommand(program);
registerTrainCommand(program);
registerEvaluateCommand(program);
registerErtCommand(program);
registerWorkerCommand(program);
registerDseMergeCommand(program);
registerTrainBinaryCommand(program);
registerEventsCommand(program);
await program.parseAsync(process.argv);
