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
import { join, resolve } from 'node:path';
import { startChartRenderer, type ChartRenderer } from './charts/renderer.ts';
import type { ReportChart } from './html.ts';
import { chartPlans } from './run-charts.ts';
import type { RunReportData } from './run-columns.ts';
import { runReportHtml } from './run-html.ts';
import { layersTex, summaryTex } from './run-latex.ts';

export interface RunReportOptions {
  /** Render charts (default true). Without them report.html holds the tables only. */
  charts?: boolean;
  /**
   * A renderer started earlier (startChartRenderer), so vega loaded while the run worked; default:
   * one started here. writeRunReport closes it either way.
   */
  renderer?: ChartRenderer;
}

export interface RunReportResult {
  /** Paths relative to the run folder, in writing order. */
  files: string[];
  /** Chart names written (charts/<name>.*). */
  charts: string[];
  /** Wall time of each phase, ms (for the benchmark note in the README; never asserted). charts: waiting for the renderer (SVG and PNG). */
  timingsMs: { charts: number; tables: number; html: number };
}

/** Files every run folder gets from this module (charts/ listed as a folder). */
export const RUN_REPORT_FILES = ['layers.tex', 'summary.tex', 'report.html', 'charts/'] as const;

/** Write charts, LaTeX tables and report.html into `dir` (which already holds the CSVs). */
export async function writeRunReport(dir: string, data: RunReportData, options: RunReportOptions = {}): Promise<RunReportResult> {
  const files: string[] = [];
  const t0 = performance.now();
  const names: string[] = [];
  let rendered: Promise<ReportChart[]> = Promise.resolve([]);
  let renderer = options.renderer;
  try {
    if (options.charts !== false) {
      const chartDir = join(dir, 'charts');
      await mkdir(chartDir, { recursive: true });
      renderer ??= startChartRenderer();
      const r = renderer;
      // Every chart goes to the worker at once; the LaTeX tables are written meanwhile.
      rendered = Promise.all(chartPlans(data).map(async (plan): Promise<ReportChart> => {
        const base = `charts/${plan.name}`;
        const chartFiles = [`${base}.vl.json`, `${base}.svg`, `${base}.png`];
        files.push(...chartFiles);
        names.push(plan.name);
        const svg = await r.render(plan.spec, resolve(dir, base));
        return { id: `chart-${plan.name}`, title: plan.title, caption: plan.caption, svg, files: chartFiles };
      }));
    }
    const tStart = performance.now();
    await writeFile(join(dir, 'layers.tex'), layersTex(data));
    await writeFile(join(dir, 'summary.tex'), summaryTex(data));
    const tTables = performance.now();
    const reportCharts = await rendered;
    const tCharts = performance.now();
    files.push('layers.tex', 'summary.tex');
    await writeFile(join(dir, 'report.html'), runReportHtml(data, reportCharts));
    files.push('report.html');
    const tHtml = performance.now();
    return {
      files,
      charts: names,
      timingsMs: { charts: tCharts - tTables + (tStart - t0), tables: tTables - tStart, html: tHtml - tCharts },
    };
  } finally {
    await renderer?.close();
  }
}
