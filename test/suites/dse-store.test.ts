// Suite 'dse-store' (one process; see test/suites/README.md): design-space exploration: the store,
// the redis queue and sweep files.
import '../dse/store.test.ts';
import '../dse/queue.test.ts';
import '../dse/sweep-file.test.ts';
import '../dse/events-key.test.ts';
import '../dse/binary-axis.test.ts';
