/**
 * Worker-thread entry of the chart renderer (renderer.ts): loads vega and vega-lite as soon as it
 * starts and renders one small chart to warm their code up, so that cost overlaps the network run on
 * the main thread; then compiles each chart it is sent (Vega-Lite -> SVG), writes its .vl.json and
 * .svg and answers with the SVG. The PNG is made by the thread that asked (renderer.ts): that
 * thread only waits for the charts, so the PNG of one chart is encoded while this one compiles the next.
 */
import { writeFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { renderSvg } from './render.ts';
import type { RenderJob, RenderReply } from './renderer.ts';

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs in a worker thread');

/** A chart with the marks, axes and legend the report's charts use; rendered once and thrown away. */
const WARM_UP = {
  data: { values: [{ layer: 'a', part: 'x', pJ: 1 }, { layer: 'b', part: 'y', pJ: 2 }] },
  mark: 'bar',
  encoding: { x: { field: 'layer', type: 'nominal' }, y: { field: 'pJ', type: 'quantitative' }, color: { field: 'part', type: 'nominal' } },
} as const;
const warmed = renderSvg(WARM_UP).catch(() => undefined);

// One chart at a time, in the order sent: the first SVG goes back as soon as it is ready, so the
// asking thread encodes its PNG while this one compiles the next (interleaved, all would finish together).
let queue: Promise<unknown> = warmed;
port.on('message', (job: RenderJob) => {
  queue = queue.then(async (): Promise<void> => {
    try {
      const svg = await renderSvg(job.spec);
      await writeFile(`${job.base}.vl.json`, JSON.stringify(job.spec, null, 2) + '\n');
      await writeFile(`${job.base}.svg`, svg);
      port.postMessage({ id: job.id, svg } satisfies RenderReply);
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies RenderReply);
    }
  });
});
