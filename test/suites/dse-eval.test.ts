// Suite 'dse-eval' (one process; see test/suites/README.md): design-space exploration: evaluation,
// Pareto fronts and their chart.
import '../dse/dse.test.ts';
import '../dse/front.test.ts';
import '../dse/fixed-area.test.ts';
import '../dse/pareto-chart.test.ts';
