/**
 * What a run needs before the network runs: the images (a .npy file, a dataset's test split, or
 * seeded synthetic images) and the model, adapted to the images' shape when it is a zoo network.
 */
import { loadDataset, type DatasetName } from '../data/datasets.ts';
import { loadModel, type LoadedModel } from '../model/load.ts';
import { syntheticImages, takeImages, type ImageSet } from './inputs.ts';
import { readNpyImages } from './npy-input.ts';
import { loadTorchSafetensors, type TorchNamingStyle } from '../data/torch-import.ts';

export interface InputFlags {
  images?: number;
  seed: number;
  input?: string;
  dataset?: DatasetName;
  dataDir?: string;
  inputShape?: number[];
  classes?: number;
  /** PyTorch weights (.safetensors state dict) for a zoo network, instead of seeded initial weights. */
  weights?: string;
  /** How the state dict names its modules: stcsim's node names, or torchvision's ResNet names. */
  torchNames?: TorchNamingStyle;
}

/** Images to profile: a .npy file, a dataset's test split (default 100 images), or synthetic ones (default 1). */
export function loadImages(flags: InputFlags, defaultShape: readonly number[]): ImageSet {
  if (flags.input && flags.dataset) throw new Error('give either --input or --dataset, not both');
  if (flags.input) {
    const set = readNpyImages(flags.input);
    return flags.images ? takeImages(set, flags.images) : set;
  }
  if (flags.dataset) {
    const d = loadDataset(flags.dataset, 'test', { dataDir: flags.dataDir, limit: flags.images ?? 100 });
    return { images: d.images, shape: d.shape, labels: d.labels, origin: `${flags.dataset} test split from ${d.source}` };
  }
  return syntheticImages(flags.images ?? 1, flags.inputShape ?? defaultShape, flags.seed);
}

/** Replaces a zoo network's seeded weights with PyTorch-trained ones. */
function withTorchWeights(model: LoadedModel, flags: InputFlags): LoadedModel {
  if (flags.weights === undefined) return model;
  if (model.source !== 'zoo') throw new Error('--weights loads PyTorch weights into a zoo network; a model.json carries its own weights');
  const { weights } = loadTorchSafetensors(model.graph, flags.weights, { style: flags.torchNames ?? 'graph' });
  return { ...model, weights };
}

export function prepareRun(modelSpec: string, flags: InputFlags): { model: LoadedModel; images: ImageSet } {
  const probe = loadModel(modelSpec, { seed: flags.seed, inputShape: flags.inputShape, classes: flags.classes });
  const inputNode = probe.graph.nodes[0];
  const modelShape = inputNode.kind === 'input' ? inputNode.shape : [];
  const images = loadImages(flags, modelShape);
  const dataShape = images.shape.slice(1);
  // Zoo networks adapt to the data they are given (e.g. resnet18 on 28x28x1 or 224x224x3 inputs).
  if (probe.source === 'zoo' && dataShape.join(',') !== modelShape.join(',')) {
    return { model: withTorchWeights(loadModel(modelSpec, { seed: flags.seed, inputShape: dataShape, classes: flags.classes }), flags), images };
  }
  return { model: withTorchWeights(probe, flags), images };
}
