// Suite 'cli' (one process; see test/suites/README.md): the command line: in-process runs of the
// commands (test/cli/run-cli.ts) and the subprocess smoke tests.
import '../cli/check.test.ts';
import '../cli/conventions.test.ts';
import '../cli/profile-events.test.ts';
import '../cli/profile.test.ts';
import '../cli/smoke.test.ts';
import '../cli/startup.test.ts';
