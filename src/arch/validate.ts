/**
 * JSON Schema validation of hardware-model files (ajv). Errors name the file, the JSON path and
 * what was expected, one line per problem, so a user can fix a file without reading the code.
 */
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { UsageError } from '../util/errors.ts';
import { readRegularFile } from '../util/paths.ts';
import * as compiled from './schema-validators.ts';

/** Root of the shipped hardware models (hw-models/ beside src/). */
export const HW_MODELS_DIR = fileURLToPath(new URL('../../hw-models/', import.meta.url));

export class HwModelError extends UsageError {
  override name = 'HwModelError';
}

/**
 * The schemas compiled ahead of time by ajv (scripts/gen-schema-validators.ts, `npm run docs`; a test
 * fails while they are stale): compiling them here took 0.3-0.6 s of every run.
 */
const VALIDATORS: Readonly<Record<string, ValidateFunction>> = {
  'accelerator.schema.json': compiled.accelerator as ValidateFunction,
  'tech.schema.json': compiled.tech as ValidateFunction,
};

function validatorFor(schemaFile: string): ValidateFunction {
  const v = VALIDATORS[schemaFile];
  if (v === undefined) throw new Error(`no compiled validator for ${schemaFile}; add it to scripts/gen-schema-validators.ts`);
  return v;
}

function describe(e: ErrorObject): string {
  const path = e.instancePath === '' ? '/' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return `${path}: missing required property "${String(p.missingProperty)}"`;
    case 'additionalProperties': return `${path}: unknown property "${String(p.additionalProperty)}"`;
    case 'enum': return `${path}: expected one of ${JSON.stringify(p.allowedValues)}`;
    case 'pattern': return `${path}: expected ${e.parentSchema && typeof e.parentSchema.description === 'string' ? e.parentSchema.description : `a string matching ${String(p.pattern)}`}`;
    default: return `${path}: ${e.message ?? e.keyword}`;
  }
}

/** Validates parsed JSON against a schema in hw-models/schema/; throws HwModelError naming `file`. */
export function validateAgainst(schemaFile: string, data: unknown, file: string): void {
  const v = validatorFor(schemaFile);
  if (v(data)) return;
  const lines = [...new Set((v.errors ?? []).map(describe))];
  throw new HwModelError(`${file}: invalid (${schemaFile}):\n  ${lines.join('\n  ')}`);
}

const MAX_HW_FILE_BYTES = 16 * 2 ** 20;

/** Reads and parses a JSON file, naming the file in any error. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    // The path policy (util/paths.ts): a regular file of at most 16 MiB (hardware files are a few KB).
    text = readRegularFile(file, { maxBytes: MAX_HW_FILE_BYTES }).toString('utf8');
  } catch (e) {
    throw new HwModelError(`${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (text.trim() === '') throw new HwModelError(`${file}: the file is empty; expected JSON`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HwModelError(`${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
