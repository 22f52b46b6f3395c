/**
 * Charts rendered off the main thread (issue 10: `profile` within 1.5x of a plain tfjs run). A
 * renderer started at the beginning of a run loads vega and vega-lite in a worker thread while the
 * main thread runs the network and the replay; at the end the charts are sent to it and compiled to
 * SVG there, while the calling thread, which only waits for them, rasterises and encodes each PNG as
 * its SVG arrives (resvg, loaded then). This module itself loads nothing heavy.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';

/** One chart to render: files `${base}.vl.json|.svg|.png` (base is an absolute path without extension). */
export interface RenderJob { id: number; spec: TopLevelSpec; base: string }
/** The worker's answers: one job's SVG (its .vl.json and .svg written) or error. */
export type RenderReply = { id: number; svg: string } | { id: number; error: string };

export interface ChartRenderer {
  /** Render one chart and write its three files; resolves with the SVG text (for report.html). */
  render(spec: TopLevelSpec, base: string): Promise<string>;
  /** Stop the worker (pending renders are rejected). */
  close(): Promise<void>;
}

/** render-worker.ts beside this file when run from src/ (tsx), render-worker.js from dist/. */
const WORKER_URL = new URL(`./render-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * The worker's bootstrap: import the entry. From src/ (tsx: tests, bench) the entry is TypeScript,
 * and tsx's loader hooks do not reach a worker thread by themselves, so the bootstrap registers
 * them first (tsx is a dev dependency, present wherever src/ runs).
 */
function workerSource(): string {
  const entry = JSON.stringify(WORKER_URL.href);
  if (!WORKER_URL.pathname.endsWith('.ts')) return `import(${entry});`;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((m) => { m.register(); return import(${entry}); });`;
}

let pngLoaded: Promise<{ encode: (svg: string) => Promise<Buffer> }> | undefined;

/** resvg and the PNG options (the font probe, which warns once when no font is found), on first use. */
function pngWriter(): Promise<{ encode: (svg: string) => Promise<Buffer> }> {
  pngLoaded ??= import('./render.ts').then(({ pngRenderOptions, svgToPngAsync }) => {
    const options = pngRenderOptions();
    return { encode: (svg: string) => svgToPngAsync(svg, options) };
  });
  return pngLoaded;
}

/** Start the worker now; it loads the chart libraries while the caller goes on. */
export function startChartRenderer(): ChartRenderer {
  const worker = new Worker(workerSource(), { eval: true });
  // A run that fails before its charts must still exit: the worker holds the process open only
  // while a render is pending.
  worker.unref();
  const settle = (): void => {
    if (pending.size === 0) worker.unref();
  };
  let next = 0;
  const pending = new Map<number, { resolve: (svg: string) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error): void => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: RenderReply) => {
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    settle();
    if ('svg' in m) p.resolve(m.svg);
    else p.reject(new Error(`chart renderer: ${m.error}`));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`chart renderer exited (code ${code})`)));
  const svgOf = (spec: TopLevelSpec, base: string): Promise<string> => {
    const id = next++;
    return new Promise<string>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, spec, base } satisfies RenderJob);
    });
  };
  return {
    async render(spec, base) {
      const [svg, png] = await Promise.all([svgOf(spec, base), pngWriter()]);
      await writeFile(`${base}.png`, await png.encode(svg));
      return svg;
    },
    async close() {
      await worker.terminate();
    },
  };
}
