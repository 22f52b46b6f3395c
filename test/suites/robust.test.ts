// Suite 'robust' (one process; see test/suites/README.md): hostile inputs, killed runs and memory
// bounds.
import '../robust/cli-hostile.test.ts';
import '../robust/hostile.test.ts';
import '../robust/train-resume.test.ts';
