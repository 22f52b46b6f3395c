/**
 * The paper-ready part of a run folder, written after the CSVs:
 *   charts/<name>.vl.json|.svg|.png  energy-by-component, firing-rate, waterfall, paper-energy
 *   layers.tex                       compact per-layer table (booktabs + siunitx + threeparttable)
 *   summary.tex                      totals, paper mode and hardware mode per node
 *   report.html                      one self-contained page: key figures, settings, charts, tables,
 *                                    the paper -> hardware gap, provenance of every constant
 *
 * Everything here is derived from data the run already holds; nothing is recomputed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import { pngRenderOptions, renderSvg } from './charts/render.ts';
import type { ReportChart } from './html.ts';
import { chartPlans } from './run-charts.ts';
import type { RunReportData } from './run-columns.ts';
import { runReportHtml } from './run-html.ts';
import { layersTex, summaryTex } from './run-latex.ts';

export interface RunReportOptions {
  /** Render charts (default true). Without them report.html holds the tables only. */
  charts?: boolean;
}

export interface RunReportResult {
  /** Paths relative to the run folder, in writing order. */
  files: string[];
  /** Chart names written (charts/<name>.*). */
  charts: string[];
  /** Wall time of each phase, ms (for the benchmark note in the README; never asserted). */
  timingsMs: { charts: number; png: number; tables: number; html: number };
}

/** Files every run folder gets from this module (charts/ listed as a folder). */
export const RUN_REPORT_FILES = ['layers.tex', 'summary.tex', 'report.html', 'charts/'] as const;

/** Write charts, LaTeX tables and report.html into `dir` (which already holds the CSVs). */
export async function writeRunReport(dir: string, data: RunReportData, options: RunReportOptions = {}): Promise<RunReportResult> {
  const files: string[] = [];
  const chartDir = join(dir, 'charts');
  const t0 = performance.now();
  const reportCharts: ReportChart[] = [];
  const pngJobs: Promise<void>[] = [];
  let pngMs = 0;
  const names: string[] = [];
  if (options.charts !== false) {
    await mkdir(chartDir, { recursive: true });
    const png = pngRenderOptions();
    for (const plan of chartPlans(data)) {
      const svg = await renderSvg(plan.spec);
      const base = `charts/${plan.name}`;
      await writeFile(join(dir, `${base}.vl.json`), JSON.stringify(plan.spec, null, 2) + '\n');
      await writeFile(join(dir, `${base}.svg`), svg);
      // PNGs rasterise on libuv's thread pool while the next chart compiles on this thread.
      const started = performance.now();
      pngJobs.push(renderAsync(svg, png).then(async (img) => {
        await writeFile(join(dir, `${base}.png`), img.asPng());
        pngMs = Math.max(pngMs, performance.now() - started);
      }));
      files.push(`${base}.vl.json`, `${base}.svg`, `${base}.png`);
      names.push(plan.name);
      reportCharts.push({ id: `chart-${plan.name}`, title: plan.title, caption: plan.caption, svg, files: [`${base}.vl.json`, `${base}.svg`, `${base}.png`] });
    }
  }
  const tCharts = performance.now();

  await writeFile(join(dir, 'layers.tex'), layersTex(data));
  await writeFile(join(dir, 'summary.tex'), summaryTex(data));
  files.push('layers.tex', 'summary.tex');
  const tTables = performance.now();

  await writeFile(join(dir, 'report.html'), runReportHtml(data, reportCharts));
  files.push('report.html');
  const tHtml = performance.now();
  await Promise.all(pngJobs);
  return {
    files,
    charts: names,
    timingsMs: { charts: tCharts - t0, png: pngMs, tables: tTables - tCharts, html: tHtml - tTables },
  };
}
