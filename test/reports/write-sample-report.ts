/** tsx test/reports/write-sample-report.ts <out.html> — write the sample report for manual checks. */
import { writeFileSync } from 'node:fs';
import { renderReportHtml } from '../../src/reports/html.ts';
import { sampleReportInput } from './sample-report.ts';

const out = process.argv[2] ?? '/tmp/stcsim-report.html';
writeFileSync(out, renderReportHtml(await sampleReportInput()));
console.log(out);
