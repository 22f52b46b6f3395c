/**
 * Named datasets read from their standard file formats. Nothing is downloaded: files are looked for
 * in `dataDir` (or $STCSIM_DATA_DIR), in conventional sub-folders of it, and in the places where
 * system packages put them (Debian's `dataset-fashion-mnist` installs /usr/share/datasets/fashion-mnist).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCifar, CIFAR_SIDE, type CifarVariant } from './cifar.ts';
import { readIdx } from './idx.ts';
import { DataFormatError } from './errors.ts';
import { UsageError } from '../util/errors.ts';

export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10', 'cifar100'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
export type Split = 'train' | 'test';

export interface LoadOptions {
  /** Folder holding the files (or a conventional sub-folder such as `fashion-mnist/`). */
  dataDir?: string;
  /** Keep only the first `limit` examples. */
  limit?: number;
}

export interface Dataset {
  /** NHWC, scaled to [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  shape: [number, number, number, number];
  classes: number;
  /** Folder the files were read from. */
  source: string;
}

export class DatasetNotFoundError extends UsageError {
  override name = 'DatasetNotFoundError';
}

interface DatasetSpec {
  /** Sub-folder names tried under each base folder ('' = the folder itself). */
  subdirs: string[];
  systemDirs: string[];
  /** Files of a split; every one must exist in the same folder (first alternative that exists wins). */
  files: (split: Split) => string[][];
  howToGet: string;
}

const idxFiles = (split: Split): string[][] => {
  const p = split === 'train' ? 'train' : 't10k';
  const alts = (kind: 'images-idx3' | 'labels-idx1'): string[] => {
    const dotted = kind.replace('-idx', '.idx');
    return [`${p}-${kind}-ubyte`, `${p}-${kind}-ubyte.gz`, `${p}-${dotted}-ubyte`, `${p}-${dotted}-ubyte.gz`];
  };
  return [alts('images-idx3'), alts('labels-idx1')];
};

const SPECS: Record<DatasetName, DatasetSpec> = {
  mnist: {
    subdirs: ['', 'mnist', 'MNIST/raw'],
    systemDirs: ['/usr/share/datasets/mnist'],
    files: idxFiles,
    // No Debian/Ubuntu package ships MNIST (`apt-cache search mnist` lists only dataset-fashion-mnist).
    howToGet:
      'no Debian/Ubuntu package ships MNIST. Download the four IDX files of the original distribution, ' +
      'train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz ' +
      '(https://yann.lecun.com/exdb/mnist/, or the mirror torchvision uses, https://ossci-datasets.s3.amazonaws.com/mnist/; ' +
      'torchvision.datasets.MNIST(root, download=True) puts them in root/MNIST/raw), keep them gzipped or unpacked, ' +
      'put them in one folder and pass it as --data-dir DIR (or its parent holding mnist/ or MNIST/raw/; or set ' +
      'STCSIM_DATA_DIR, or use /usr/share/datasets/mnist)',
  },
  'fashion-mnist': {
    subdirs: ['', 'fashion-mnist', 'FashionMNIST/raw'],
    systemDirs: ['/usr/share/datasets/fashion-mnist'],
    files: idxFiles,
    howToGet:
      'on Debian/Ubuntu: apt-get install dataset-fashion-mnist (installs /usr/share/datasets/fashion-mnist); ' +
      'or put the four *-idx?-ubyte[.gz] files of the Fashion-MNIST distribution in --data-dir',
  },
  cifar10: {
    subdirs: ['', 'cifar-10-batches-bin', 'cifar10'],
    systemDirs: ['/usr/share/datasets/cifar10'],
    files: (split) => (split === 'train' ? [1, 2, 3, 4, 5].map((i) => [`data_batch_${i}.bin`]) : [['test_batch.bin']]),
    howToGet:
      'download the "CIFAR-10 binary version" (cifar-10-binary.tar.gz), unpack it and pass the ' +
      'cifar-10-batches-bin folder (data_batch_1..5.bin, test_batch.bin) or its parent as --data-dir',
  },
  cifar100: {
    subdirs: ['', 'cifar-100-binary', 'cifar100'],
    systemDirs: ['/usr/share/datasets/cifar100'],
    files: (split) => [[split === 'train' ? 'train.bin' : 'test.bin']],
    howToGet:
      'download the "CIFAR-100 binary version" (cifar-100-binary.tar.gz), unpack it and pass the ' +
      'cifar-100-binary folder (train.bin, test.bin) or its parent as --data-dir',
  },
};

/** Folders searched for a dataset, in order. */
export function candidateDirs(name: DatasetName, dataDir?: string): string[] {
  const spec = SPECS[name];
  // An explicit --data-dir is the only place searched: falling back to a system copy would silently
  // run on other data than the user named.
  const bases = dataDir !== undefined && dataDir !== '' ? [dataDir] : [process.env.STCSIM_DATA_DIR].filter((d): d is string => typeof d === 'string' && d !== '');
  const dirs: string[] = [];
  for (const base of bases) for (const sub of spec.subdirs) dirs.push(sub ? join(base, sub) : base);
  if (dataDir === undefined || dataDir === '') dirs.push(...spec.systemDirs);
  return [...new Set(dirs)];
}

/** Finds the folder holding all files of a split; returns it and the chosen file paths. */
export function locateDataset(name: DatasetName, split: Split, dataDir?: string): { dir: string; files: string[] } {
  const spec = SPECS[name];
  if (!spec) throw new DatasetNotFoundError(`unknown dataset "${String(name)}"; known: ${DATASET_NAMES.join(', ')}`);
  if (dataDir !== undefined && dataDir !== '' && !existsSync(dataDir)) {
    throw new DatasetNotFoundError(`--data-dir ${dataDir}: the folder does not exist\nHow to get ${name}: ${spec.howToGet}.`);
  }
  const dirs = candidateDirs(name, dataDir);
  for (const dir of dirs) {
    const chosen = spec.files(split).map((alts) => alts.map((f) => join(dir, f)).find((p) => existsSync(p)));
    if (chosen.every((p): p is string => p !== undefined)) return { dir, files: chosen };
  }
  const wanted = spec.files(split).map((alts) => alts[0]).join(', ');
  throw new DatasetNotFoundError(
    `${name} (${split} split) not found: looked for ${wanted} in\n` +
      dirs.map((d) => `  - ${d}`).join('\n') +
      `\nHow to get it: ${spec.howToGet}.`,
  );
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return Infinity;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return limit;
}

function loadIdxPair(imagesFile: string, labelsFile: string, limit: number, dir: string): Dataset {
  const img = readIdx(imagesFile);
  const lab = readIdx(labelsFile);
  if (img.dims.length !== 3) throw new DataFormatError(imagesFile, `expected a 3-D IDX image file [n, h, w], got [${img.dims.join(', ')}]`);
  if (lab.dims.length !== 1) throw new DataFormatError(labelsFile, `expected a 1-D IDX label file, got [${lab.dims.join(', ')}]`);
  if (!(img.data instanceof Uint8Array)) throw new DataFormatError(imagesFile, 'expected uint8 pixels');
  if (img.dims[0] !== lab.dims[0]) {
    throw new DataFormatError(labelsFile, `${lab.dims[0]} labels but ${imagesFile} has ${img.dims[0]} images`);
  }
  const [total, h, w] = img.dims;
  const n = Math.min(total, limit);
  const images = new Float32Array(n * h * w);
  for (let i = 0; i < images.length; i++) images[i] = img.data[i] / 255;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = lab.data[i];
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0 || labels[i] > 9) throw new DataFormatError(labelsFile, `label ${labels[i]} at index ${i} is outside 0..9`);
  }
  return { images, labels, shape: [n, h, w, 1], classes: 10, source: dir };
}

function loadCifarFiles(files: string[], variant: CifarVariant, limit: number, dir: string): Dataset {
  const parts = [];
  let left = limit;
  for (const f of files) {
    if (left <= 0) break;
    const b = readCifar(f, variant, left);
    parts.push(b);
    left -= b.count;
  }
  const n = parts.reduce((a, b) => a + b.count, 0);
  const px = CIFAR_SIDE * CIFAR_SIDE * 3;
  const images = new Float32Array(n * px);
  const labels = new Int32Array(n);
  let at = 0;
  for (const b of parts) {
    for (let i = 0; i < b.images.length; i++) images[at * px + i] = b.images[i] / 255;
    labels.set(b.labels, at);
    at += b.count;
  }
  return { images, labels, shape: [n, CIFAR_SIDE, CIFAR_SIDE, 3], classes: variant === 'cifar10' ? 10 : 100, source: dir };
}

export function loadDataset(name: DatasetName, split: Split, opts: LoadOptions = {}): Dataset {
  const limit = checkLimit(opts.limit);
  const { dir, files } = locateDataset(name, split, opts.dataDir);
  if (name === 'cifar10' || name === 'cifar100') return loadCifarFiles(files, name, limit, dir);
  return loadIdxPair(files[0], files[1], limit, dir);
}

export function isDatasetName(s: string): s is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(s);
}
