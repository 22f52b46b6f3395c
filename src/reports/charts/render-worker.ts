/**
 * Worker-thread entry of the chart renderer (renderer.ts): loads vega, vega-lite and resvg as soon as
 * it starts, so that cost overlaps the network run on the main thread, then renders each chart it is
 * sent (Vega-Lite -> SVG -> PNG) and writes its three files.
 */
import { writeFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import { pngRenderOptions, renderSvg } from './render.ts';
import type { RenderJob, RenderReply } from './renderer.ts';

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs in a worker thread');

// The first PNG options call probes the fonts (and warns once): do it now, while the main thread works.
let warning: string | undefined;
const png = pngRenderOptions({ warn: (m) => { warning = m; } });
port.postMessage({ ready: true, ...(warning !== undefined ? { warning } : {}) } satisfies RenderReply);

port.on('message', (job: RenderJob) => {
  void (async (): Promise<void> => {
    try {
      const svg = await renderSvg(job.spec);
      await writeFile(`${job.base}.vl.json`, JSON.stringify(job.spec, null, 2) + '\n');
      await writeFile(`${job.base}.svg`, svg);
      await writeFile(`${job.base}.png`, new Resvg(svg, png).render().asPng());
      port.postMessage({ id: job.id, svg } satisfies RenderReply);
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies RenderReply);
    }
  })();
});
