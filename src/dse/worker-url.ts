/**
 * The worker-thread entry file beside this one: worker.ts when this module runs from src/ (tsx: tests,
 * bench), worker.js when it runs compiled from dist/ (tsc rewrites import specifiers, not URLs in strings).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKER_URL = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
