/**
 * TensorFlow.js backend selection: the native tfjs-node when it loads, else WASM, else CPU.
 * tfjs-node is an optional dependency whose install downloads libtensorflow; on machines where that
 * failed, any error while importing it simply means "not available".
 */
import * as tf from '@tensorflow/tfjs';
import { registerBatchNormGradient, registerWasmTrainingKernels } from './wasm-kernels.ts';

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

async function tryNative(): Promise<boolean> {
  try {
    // A variable specifier keeps TypeScript from requiring the optional package's types.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return tf.findBackend('tensorflow') !== null || tf.engine().registryFactory.tensorflow !== undefined;
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    // tfjs-backend-wasm 4.22 lacks some gradient kernels (and has slow ones); training needs them.
    registerWasmTrainingKernels();
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

let chosen: string | null = null;
// Backend start-up is asynchronous and tfjs refuses a second setBackend while one is pending: calls
// made while another runs (tests in one process) wait for it instead of failing.
let pending: Promise<unknown> = Promise.resolve();

/** Selects and initialises a backend; returns its name (`tensorflow`, `wasm` or `cpu`). */
export function initBackend(choice: BackendChoice = 'auto'): Promise<string> {
  const next = pending.then(() => selectBackend(choice));
  pending = next.catch(() => undefined);
  return next;
}

async function selectBackend(choice: BackendChoice): Promise<string> {
  if (!BACKENDS.includes(choice)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, got "${choice}"`);
  // The active backend, not the last one chosen here: code (a test) may have switched with tf.setBackend.
  if (chosen && (choice === 'auto' || choice === chosen) && tf.getBackend() === chosen) return chosen;
  silenceNodeHint();
  let ok = false;
  if (choice === 'tensorflow' || choice === 'auto') {
    ok = (await tryNative()) && (await tf.setBackend('tensorflow'));
    if (!ok && choice === 'tensorflow') {
      throw new Error('the tensorflow (tfjs-node) backend is not available: install @tensorflow/tfjs-node (see README, "Native backend")');
    }
  }
  const before = processHandlers();
  if (!ok && (choice === 'wasm' || choice === 'auto')) {
    ok = await tryWasm();
    if (!ok && choice === 'wasm') throw new Error('the wasm backend failed to initialise');
  }
  if (!ok) ok = await tf.setBackend('cpu');
  await tf.ready();
  removeHandlersAddedSince(before);
  registerBatchNormGradient();
  chosen = tf.getBackend();
  return chosen;
}

type Listener = (...args: unknown[]) => void;
function processHandlers(): { uncaughtException: Listener[]; unhandledRejection: Listener[] } {
  return { uncaughtException: process.listeners('uncaughtException') as Listener[], unhandledRejection: process.listeners('unhandledRejection') as Listener[] };
}

/**
 * The WASM backend's emscripten module installs process-wide `uncaughtException` (rethrows) and
 * `unhandledRejection` (throws the reason) handlers when it instantiates, and its own removal code is
 * broken (`!a.indexOf(l) > -1` is always false). A throw from such a handler makes Node print the
 * throwing source line, a ~39 KB line of minified code, and exit 7. stcsim reports its own errors
 * (cli/run-action.ts), so the handlers added during backend start-up are removed again.
 */
function removeHandlersAddedSince(before: ReturnType<typeof processHandlers>): void {
  for (const l of process.listeners('uncaughtException')) if (!before.uncaughtException.includes(l as Listener)) process.removeListener('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!before.unhandledRejection.includes(l as Listener)) process.removeListener('unhandledRejection', l);
}

/**
 * Production mode skips tfjs's debug checks and its console advert for tfjs-node (the report already
 * says which backend ran).
 */
function silenceNodeHint(): void {
  tf.env().set('PROD', true);
}
