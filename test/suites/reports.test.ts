// Suite 'reports' (one process; see test/suites/README.md): report files, charts, the HTML report
// and the documentation checks.
import '../reports/charts.test.ts';
import '../reports/consistency.test.ts';
import '../reports/headline.test.ts';
import '../reports/html.test.ts';
import '../reports/palette.test.ts';
import '../reports/run-report.test.ts';
import '../reports/tables.test.ts';
import '../docs/docs.test.ts';
import '../docs/gap-images.test.ts';
import '../docs/metrics.test.ts';
import '../app/tables.test.ts';
import '../app/neurobench-file.test.ts';
