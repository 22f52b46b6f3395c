#!/usr/bin/env -S npx tsx
/** stcsim command line: profile, dse, train, evaluate. */
import { Command } from 'commander';
import { TOOL_VERSION } from '../util/version.ts';
import { registerProfileCommand } from './profile.ts';
import { registerDseCommand } from './dse.ts';
import { registerTrainCommand } from './train.ts';

const program = new Command();
program
  .name('stcsim')
  .description('STCSNN simulator and energy profiler')
  .version(TOOL_VERSION)
  .showHelpAfterError('(run with --help for usage)');
registerProfileCommand(program);
registerDseCommand(program);
registerTrainCommand(program);
await program.parseAsync(process.argv);
