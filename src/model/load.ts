/** Resolves what the user named (a zoo network or a model.json path) into a graph and weights. */
import { existsSync } from 'node:fs';
import type { Graph, Shape } from './graph.ts';
import { importLayersModel } from './tfjs-import.ts';
import { importOnnxModel } from './onnx-import.ts';
import { initWeights, type NetworkWeights } from './weights.ts';
import { ZOO, zooGraph, zooNames } from './zoo.ts';
import { estimateRunMemory } from './estimate.ts';
import { checkMemoryEstimate, formatBytes } from '../util/paths.ts';
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
  /** Images per forward batch, for the memory estimate (default 1). */
  batch?: number;
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
  // Refused with the estimate before the weights are allocated (an absurd --input-shape makes a
  // dense layer after flatten of billions of weights).
  const need = estimateRunMemory(graph, opts.batch ?? 1);
  const input = graph.nodes[0];
  const shapeText = input?.kind === 'input' ? input.shape.join(', ') : '?';
  checkMemoryEstimate(need.totalBytes, `${spec} at input shape [${shapeText}] (weights ${formatBytes(need.weightBytes)}, activations of a batch ${formatBytes(need.activationBytes)})`);
  return { graph, weights: initWeights(graph, opts.seed), source: 'zoo' };
}
