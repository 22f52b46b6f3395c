/**
 * Finding a recorded trace (traces.ts records them) without loading what recording needs (tfjs): a
 * worker that reads a shared trace folder starts in a fraction of the time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceFile } from '../trace/store.ts';
import type { NetworkFacts } from './evaluate.ts';

export interface RecordedTrace {
  file: string;
  facts: NetworkFacts;
}

/** The facts file when it is whole and readable; undefined (record again) when absent, empty or cut. */
function readFacts(file: string): NetworkFacts | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const facts = JSON.parse(readFileSync(file, 'utf8')) as NetworkFacts;
    return typeof facts === 'object' && facts !== null && typeof facts.paperSnnPJ === 'number' ? facts : undefined;
  } catch {
    return undefined;
  }
}

/** The trace of `key` in `dir` when it and its facts are there and whole. */
export function findTrace(key: string, dir: string): RecordedTrace | undefined {
  const file = traceFile(dir, key);
  const facts = existsSync(file) ? readFacts(join(dir, `${key}.json`)) : undefined;
  return facts ? { file, facts } : undefined;
}

