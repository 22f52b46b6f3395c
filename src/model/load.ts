/** Resolves what the user named (a zoo network or a model.json path) into a graph and weights. */
import { existsSync } from 'node:fs';
import type { Graph, Shape } from './graph.ts';
import { importLayersModel } from './tfjs-import.ts';
import { importOnnxModel } from './onnx-import.ts';
import { initWeights, type NetworkWeights } from './weights.ts';
import { ZOO, zooGraph, zooNames } from './zoo.ts';
import type { StcbSettings } from '../stcb/schedule.ts';

export interface LoadedModel {
  graph: Graph;
  weights: NetworkWeights;
  /** STEB settings stored with a trained model, if any. */
  settings?: StcbSettings;
  /** 'zoo' or 'file'. */
  source: 'zoo' | 'file';
}

export interface LoadModelOptions {
  inputShape?: Shape;
  classes?: number;
  seed: number;
}

export function isModelPath(spec: string): boolean {
  return spec.endsWith('.json') || spec.endsWith('.onnx') || spec.includes('/');
}

export function loadModel(spec: string, opts: LoadModelOptions): LoadedModel {
  if (isModelPath(spec)) {
    if (!existsSync(spec)) throw new Error(`model file ${spec} does not exist`);
    // An ONNX file (torch.onnx.export) maps onto the same graph as a tfjs model.json.
    const m = spec.toLowerCase().endsWith('.onnx') ? importOnnxModel(spec) : importLayersModel(spec);
    return { ...m, source: 'file' };
  }
  if (!(spec in ZOO)) {
    throw new Error(`"${spec}" is neither a zoo network (${zooNames().join(', ')}) nor a path to a model.json or model.onnx`);
  }
  const graph = zooGraph(spec, { inputShape: opts.inputShape, classes: opts.classes });
  return { graph, weights: initWeights(graph, opts.seed), source: 'zoo' };
}
