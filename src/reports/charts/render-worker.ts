/**
 * Worker-thread entry of the chart renderer (renderer.ts): loads vega, vega-lite and resvg as soon as
 * it starts and renders one small chart to warm their code up, so that cost overlaps the network run
 * on the main thread; then renders each chart it is sent (Vega-Lite -> SVG -> PNG) and writes its
 * three files. The PNG is rasterised on libuv's thread pool while this thread compiles the next
 * chart's SVG.
 */
import { writeFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { pngRenderOptions, renderSvg, svgToPngAsync } from './render.ts';
import type { RenderJob, RenderReply } from './renderer.ts';

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs in a worker thread');

// The first PNG options call probes the fonts (and warns once): do it now, while the main thread works.
let warning: string | undefined;
const png = pngRenderOptions({ warn: (m) => { warning = m; } });

/** A chart with the marks, axes and legend the report's charts use; rendered once and thrown away. */
const WARM_UP = {
  data: { values: [{ layer: 'a', part: 'x', pJ: 1 }, { layer: 'b', part: 'y', pJ: 2 }] },
  mark: 'bar',
  encoding: { x: { field: 'layer', type: 'nominal' }, y: { field: 'pJ', type: 'quantitative' }, color: { field: 'part', type: 'nominal' } },
} as const;
const warmed = renderSvg(WARM_UP).then((svg) => svgToPngAsync(svg, png)).catch(() => undefined);

port.postMessage({ ready: true, ...(warning !== undefined ? { warning } : {}) } satisfies RenderReply);

port.on('message', (job: RenderJob) => {
  void (async (): Promise<void> => {
    try {
      await warmed;
      const svg = await renderSvg(job.spec);
      await writeFile(`${job.base}.vl.json`, JSON.stringify(job.spec, null, 2) + '\n');
      await writeFile(`${job.base}.svg`, svg);
      await writeFile(`${job.base}.png`, await svgToPngAsync(svg, png));
      port.postMessage({ id: job.id, svg } satisfies RenderReply);
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies RenderReply);
    }
  })();
});
