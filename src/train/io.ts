/**
 * Saving and loading tfjs LayersModels as `model.json` + `weights.bin` with node:fs, so no
 * tfjs-node is needed. The files are the standard tfjs "layers-model" format: a model saved here
 * loads in tfjs-node or the browser and vice versa (single weights shard).
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerStcsimLayers } from './layers.ts';
import { confinedPath, readRegularFile, readTextFile } from '../util/paths.ts';
import { UsageError } from '../util/errors.ts';
import { registerLifLayers } from './lif-layers.ts';
import { writeFileAtomic } from '../util/output-dir.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export class ModelFileError extends UsageError {
  override name = 'ModelFileError';
}

/** `path` may be a folder or a `model.json` path. */
export function modelJsonPath(path: string): string {
  return path.endsWith('.json') ? path : join(path, MODEL_JSON);
}


function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** An IOHandler that writes/reads `model.json` + `weights.bin` in a folder. */
export function fileSystemHandler(path: string): tf.io.IOHandler {
  const jsonPath = modelJsonPath(path);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ModelFileError('binary model topologies are not supported; save a LayersModel');
      }
      mkdirSync(dirname(jsonPath), { recursive: true });
      const weights = weightBytes(artifacts.weightData);
      const weightsFile = join(dirname(jsonPath), WEIGHTS_BIN);
      // Weights first: a model.json never points at weights that are not fully written.
      writeFileAtomic(weightsFile, weights);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${basename(weightsFile)}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeFileAtomic(jsonPath, JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      return loadArtifacts(jsonPath);
    },
  };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, string: 0 };

function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    const q = spec.quantization.dtype;
    return n * (q === 'uint8' ? 1 : q === 'float16' || q === 'uint16' ? 2 : 4);
  }
  return n * (DTYPE_BYTES[spec.dtype] ?? 4);
}

export function loadArtifacts(jsonPath: string): tf.io.ModelArtifacts {
  if (!existsSync(jsonPath)) throw new ModelFileError(`${jsonPath}: model file not found`);
  const text = readTextFile(jsonPath);
  let json: tf.io.ModelJSON;
  try {
    if (text.trim() === '') throw new Error('the file is empty');
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new ModelFileError(`${jsonPath}: not valid JSON (${(e as Error).message}); truncated or not a tfjs model.json?`);
  }
  if (typeof json !== 'object' || json === null || json.modelTopology === undefined) {
    throw new ModelFileError(`${jsonPath}: no "modelTopology"; not a tfjs model.json`);
  }
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new ModelFileError(`${jsonPath}: "weightsManifest" must be a list`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    const groupBytes: Uint8Array[] = [];
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new ModelFileError(`${jsonPath}: a weightsManifest group needs "paths" and "weights" lists`);
    for (const p of group.paths) {
      // The path policy (util/paths.ts): inside the model's folder, a regular file, bounded size.
      const file = confinedPath(dirname(jsonPath), String(p), jsonPath);
      if (!existsSync(file)) throw new ModelFileError(`${file}: weights file named in ${jsonPath} not found`);
      groupBytes.push(readRegularFile(file, { ownerFile: jsonPath }));
    }
    const have = groupBytes.reduce((a, b) => a + b.length, 0);
    const need = group.weights.reduce((a, s) => a + specBytes(s), 0);
    if (have !== need) {
      throw new ModelFileError(
        `${group.paths.map((p) => join(dirname(jsonPath), p)).join(', ')}: holds ${have} bytes but ${jsonPath} ` +
          `describes ${need} bytes of weights (${have < need ? 'truncated file' : 'extra data'}; files from different saves?)`,
      );
    }
    specs.push(...group.weights);
    buffers.push(...groupBytes);
  }
  const total = buffers.reduce((a, b) => a + b.length, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    weightData.set(b, at);
    at += b.length;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: specs,
    weightData: weightData.buffer,
  };
}

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileSystemHandler(dir), { includeOptimizer: false });
}

/** Loads a model saved by `saveModel` (or any single-folder tfjs layers model); `path` is a folder or model.json. */
export async function loadModel(path: string): Promise<tf.LayersModel> {
  registerStcsimLayers();
  registerLifLayers();
  const jsonPath = modelJsonPath(path);
  try {
    return await tf.loadLayersModel(fileSystemHandler(jsonPath));
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const msg = (e as Error).message;
    const unknown = /Unknown layer: ([^.]+)/.exec(msg);
    if (unknown) {
      throw new ModelFileError(
        `${jsonPath}: unknown layer class "${unknown[1]}". stcsim knows the built-in tfjs layers and ` +
          `stcsim>Steb; a custom layer must be registered (tf.serialization.registerClass) before loading.`,
      );
    }
    throw new ModelFileError(`${jsonPath}: cannot load model (${msg})`);
  }
}

/** Size in bytes of a saved model (model.json + weights), for reports. */
export function savedModelBytes(path: string): number {
  const jsonPath = modelJsonPath(path);
  const w = join(dirname(jsonPath), WEIGHTS_BIN);
  return statSync(jsonPath).size + (existsSync(w) ? statSync(w).size : 0);
}

/** Optimizer state (Adam moments + iteration count) as a weights file + manifest beside a checkpoint. */
export async function saveOptimizerState(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const named = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'optimizer.bin'), weightBytes(data));
  writeFileAtomic(join(dir, 'optimizer.json'), JSON.stringify({ className: optimizer.getClassName(), weights: specs }));
}

export async function loadOptimizerState(optimizer: tf.Optimizer, dir: string): Promise<boolean> {
  const jsonFile = join(dir, 'optimizer.json');
  const binFile = join(dir, 'optimizer.bin');
  if (!existsSync(jsonFile) || !existsSync(binFile)) return false;
  const meta = JSON.parse(readFileSync(jsonFile, 'utf8')) as { className: string; weights: tf.io.WeightsManifestEntry[] };
  if (meta.className !== optimizer.getClassName()) {
    throw new ModelFileError(`${jsonFile}: optimizer state is for ${meta.className}, not ${optimizer.getClassName()}`);
  }
  const bytes = readFileSync(binFile);
  const need = meta.weights.reduce((a, s) => a + specBytes(s), 0);
  if (bytes.length !== need) throw new ModelFileError(`${binFile}: holds ${bytes.length} bytes, ${jsonFile} describes ${need}`);
  const map = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), meta.weights);
  await optimizer.setWeights(meta.weights.map((s) => ({ name: s.name, tensor: map[s.name] })));
  return true;
}
