/**
 * What a run needs before the network runs: the images (a .npy file, a dataset's test split, or
 * seeded synthetic images) and the model, adapted to the images' shape when it is a zoo network.
 */
import { loadDataset, type DatasetName } from '../data/datasets.ts';
import { loadModel, type LoadedModel } from '../model/load.ts';
import { syntheticImages, takeImages, type ImageSet } from './inputs.ts';
import { readNpyImages } from './npy-input.ts';
import { loadTorchSafetensors, type TorchNamingStyle } from '../data/torch-import.ts';
import { readEventSamples } from '../data/event-files.ts';
import { eventImageSet } from './event-input.ts';

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
  /** Event-camera input: one event file (N-MNIST .bin, AEDAT 3.1, .npy/.npz x/y/t/p) or a folder of them. */
  events?: string;
  /** Base frames merged into one time step; when given it sets T (spatio-temporal compression). */
  compression?: number;
  /** Base frame length of the compression ratio, microseconds (default 1000). */
  eventFrameUs?: number;
  /** Window cut into the steps, microseconds from each sample's first event (default: the longest sample). */
  eventWindowUs?: number;
  /** Synaptic convolution kernel over adjacent steps, e.g. [0.5, 0.5] (default [1]). */
  synapticKernel?: number[];
}

/** Event samples as an image set (default: all of a file, the first 100 files of a folder). */
function loadEvents(flags: InputFlags, timesteps: number, modelShape?: readonly number[]): ImageSet {
  const path = flags.events as string;
  if (flags.input || flags.dataset) throw new Error('give one of --events, --input and --dataset');
  // A trained model's input is the sensor it was trained on (an N-MNIST file does not state its size).
  const shape = flags.inputShape ?? modelShape;
  if (shape && shape[2] !== 2) throw new Error(`--input-shape for events is H,W,2 (one channel per polarity), got ${shape.join(',')}`);
  return eventImageSet(readEventSamples(path, flags.images ?? 100), {
    sensor: shape ? { height: shape[0], width: shape[1] } : undefined,
    timesteps, compressionRatio: flags.compression, frameUs: flags.eventFrameUs, windowUs: flags.eventWindowUs, kernel: flags.synapticKernel,
  });
}

/** Images to profile: a .npy file, a dataset's test split (default 100 images), or synthetic ones (default 1). */
export function loadImages(flags: InputFlags, defaultShape: readonly number[], timesteps = 8, sensorShape?: readonly number[]): ImageSet {
  if (flags.events !== undefined) return loadEvents(flags, timesteps, sensorShape);
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

export function prepareRun(modelSpec: string, flags: InputFlags, timesteps?: number): { model: LoadedModel; images: ImageSet } {
  // Events: --input-shape is the sensor size; the zoo network takes the event tensor's shape.
  const probe = loadModel(modelSpec, { seed: flags.seed, inputShape: flags.events === undefined ? flags.inputShape : undefined, classes: flags.classes });
  const inputNode = probe.graph.nodes[0];
  const modelShape = inputNode.kind === 'input' ? inputNode.shape : [];
  const images = loadImages(flags, modelShape, timesteps, probe.source === 'zoo' ? undefined : modelShape);
  const dataShape = images.shape.slice(1);
  // Zoo networks adapt to the data they are given (e.g. resnet18 on 28x28x1 or 224x224x3 inputs).
  if (probe.source === 'zoo' && dataShape.join(',') !== modelShape.join(',')) {
    return { model: withTorchWeights(loadModel(modelSpec, { seed: flags.seed, inputShape: dataShape, classes: flags.classes }), flags), images };
  }
  return { model: withTorchWeights(probe, flags), images };
}
