/**
 * The network zoo, exactly as DESIGN.md section 3 defines it. Graphs are the ANN form (conv + BN +
 * ReLU); `toStcsnn` turns them into STCSNNs. All 3x3 convolutions use padding 1.
 */
import type { Graph, Shape } from './graph.ts';
import { GraphError } from './graph.ts';
import { GraphBuilder } from './builder.ts';

export interface ZooOptions {
  /** Per-image input shape [H, W, C]; each network has a default. */
  inputShape?: Shape;
  classes?: number;
}

type VggCfg = (number | 'M')[];
const VGG11: VggCfg = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'];
const VGG16: VggCfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];

function vgg(name: string, cfg: VggCfg, inputShape: Shape, classes: number): Graph {
  const b = new GraphBuilder(name, inputShape);
  let x = 'input';
  let conv = 0;
  let pool = 0;
  for (const item of cfg) {
    x = item === 'M' ? b.maxpool(x, `pool${++pool}`, 2) : b.convBnRelu(x, `conv${++conv}`, item);
  }
  x = b.flatten(x, 'flatten');
  return b.build(b.dense(x, 'fc', classes));
}

/** ResNet basic block: two 3x3 conv+BN, shortcut (1x1 conv + BN where the shape changes), add, ReLU. */
function basicBlock(b: GraphBuilder, x: string, name: string, inC: number, outC: number, stride: number): string {
  const y1 = b.convBnRelu(x, `${name}.conv1`, outC, 3, stride);
  const y2 = b.bn(b.conv(y1, `${name}.conv2`, outC, 3, 1), `${name}.conv2.bn`);
  const shortcut = stride !== 1 || inC !== outC
    ? b.bn(b.conv(x, `${name}.shortcut`, outC, 1, stride, 0), `${name}.shortcut.bn`)
    : x;
  return b.relu(b.add(y2, shortcut, `${name}.add`), `${name}.relu`);
}

/**
 * ResNet18. CIFAR form: 3x3 stem, stride 1, no max-pool. ImageNet form (inputs of 64x64 and larger, or
 * `imagenet: true`): 7x7 stride-2 stem with padding 3 and a 3x3 stride-2 max-pool with padding 1.
 */
function resnet18(name: string, inputShape: Shape, classes: number, imagenet: boolean): Graph {
  const b = new GraphBuilder(name, inputShape);
  let x = imagenet
    ? b.maxpool(b.convBnRelu('input', 'stem', 64, 7, 2, 3), 'stem.pool', 3, 2, 1)
    : b.convBnRelu('input', 'stem', 64, 3, 1);
  let inC = 64;
  [64, 128, 256, 512].forEach((outC, stage) => {
    for (let block = 0; block < 2; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      x = basicBlock(b, x, `layer${stage + 1}.${block}`, inC, outC, stride);
      inC = outC;
    }
  });
  x = b.globalAvgPool(x, 'avgpool');
  return b.build(b.dense(x, 'fc', classes));
}

/** The small net for 28x28x1 data: 2 conv + 1 linear, as in the seed papers' comparison tables. */
function smallnet(name: string, inputShape: Shape, classes: number): Graph {
  const b = new GraphBuilder(name, inputShape);
  let x = b.maxpool(b.convBnRelu('input', 'conv1', 32), 'pool1', 2);
  x = b.maxpool(b.convBnRelu(x, 'conv2', 64), 'pool2', 2);
  return b.build(b.dense(b.flatten(x, 'flatten'), 'fc', classes));
}

/**
 * smallnet with ALBSNN's global-average-pool head instead of the linear layer (the seed paper:
 * "GAP ... replace[s] the fully connected layers by the combination of convolution and pooling"):
 * smallnet's two conv blocks, a third 3x3 conv block of 128 channels on the 7x7 map, then a 1x1 conv
 * (with bias) to one map per class, averaged over the map into the logits. The third block gives
 * the head the capacity the linear layer had (a 1x1 conv straight after conv2 reached 58% test
 * accuracy where it reached 73% after one epoch on 12,000 images); the classifier's weights no
 * longer grow with the input size.
 */
function smallnetGap(name: string, inputShape: Shape, classes: number): Graph {
  const b = new GraphBuilder(name, inputShape);
  let x = b.maxpool(b.convBnRelu('input', 'conv1', 32), 'pool1', 2);
  x = b.maxpool(b.convBnRelu(x, 'conv2', 64), 'pool2', 2);
  x = b.convBnRelu(x, 'conv3', 128);
  return b.build(b.globalAvgPool(b.conv(x, 'classifier', classes, 1, 1, 0, true), 'gap'));
}

interface ZooEntry {
  description: string;
  defaultInput: Shape;
  defaultClasses: number;
  build: (inputShape: Shape, classes: number) => Graph;
}

const CIFAR: Shape = [32, 32, 3];
const IMAGENET: Shape = [224, 224, 3];

export const ZOO: Readonly<Record<string, ZooEntry>> = {
  vgg11: { description: 'VGG11 (8 conv + 1 linear)', defaultInput: CIFAR, defaultClasses: 10, build: (s, c) => vgg('vgg11', VGG11, s, c) },
  vgg16: { description: 'VGG16 (13 conv + 1 linear)', defaultInput: CIFAR, defaultClasses: 10, build: (s, c) => vgg('vgg16', VGG16, s, c) },
  resnet18: {
    description: 'ResNet18; CIFAR stem below 64x64 inputs, ImageNet stem (7x7/2 + max-pool) from 64x64 up',
    defaultInput: CIFAR,
    defaultClasses: 10,
    build: (s, c) => resnet18('resnet18', s, c, s[0] >= 64),
  },
  'resnet18-imagenet': {
    description: 'ResNet18 with the ImageNet stem, 224x224x3, 1000 classes',
    defaultInput: IMAGENET,
    defaultClasses: 1000,
    build: (s, c) => resnet18('resnet18-imagenet', s, c, true),
  },
  smallnet: {
    description: 'conv32-pool-conv64-pool-linear for 28x28x1 data (MNIST, Fashion-MNIST)',
    defaultInput: [28, 28, 1],
    defaultClasses: 10,
    build: (s, c) => smallnet('smallnet', s, c),
  },
  'smallnet-gap': {
    description: 'conv32-pool-conv64-pool-conv128-conv1x1(classes)-global average pool (ALBSNN head) for 28x28x1 data',
    defaultInput: [28, 28, 1],
    defaultClasses: 10,
    build: (s, c) => smallnetGap('smallnet-gap', s, c),
  },
};

export const zooNames = (): string[] => Object.keys(ZOO);

export function zooGraph(name: string, options: ZooOptions = {}): Graph {
  const entry = ZOO[name];
  if (!entry) throw new GraphError(`unknown network "${name}"; the zoo has: ${zooNames().join(', ')}`);
  const shape = options.inputShape ?? entry.defaultInput;
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new GraphError(`input shape must be [H, W, C] positive integers, got [${shape.join(', ')}]`);
  }
  return entry.build(shape, options.classes ?? entry.defaultClasses);
}
