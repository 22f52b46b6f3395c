/**
 * Choice lists shown by --help that live beside heavy code: run/backend.ts imports tfjs, so its list
 * is repeated here (checked against the type) and registering the commands loads no tfjs.
 */
import type { BackendChoice } from '../run/backend.ts';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[];

/** Fails to compile when run/backend.ts gains a backend this list lacks. */
type Unlisted = Exclude<BackendChoice, (typeof BACKEND_CHOICES)[number]>;
export const BACKEND_CHOICES_COMPLETE: [Unlisted] extends [never] ? true : Unlisted = true;

/** Backends a user may force for train and evaluate (no 'auto': leaving the flag out means auto). */
export const FORCED_BACKENDS = BACKEND_CHOICES.filter((b): b is Exclude<BackendChoice, 'auto'> => b !== 'auto');
