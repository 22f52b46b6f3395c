/**
 * Options shared by the commands that run a network (profile, dse): one definition each. Imported when
 * the CLI starts, so it imports only modules that load nothing heavy (no tfjs, vega, mathjs).
 */
import { Command, Option } from 'commander';
import { DATASET_NAMES } from '../data/datasets.ts';
import { PAPER_PRESETS } from '../energy/paper.ts';
import { PAPER_DEFAULTS, SCHEDULE_KINDS } from '../stcb/schedule.ts';
import { BACKEND_CHOICES } from './choices.ts';
import { nonNegativeInt, numberList, positiveInt, positiveNumber, shape3 } from './parse.ts';

/** STEB settings: --timesteps --vth0 --tau --schedule. */
export function addStcbOptions(cmd: Command, note = ''): Command {
  return cmd
    .option('--timesteps <T>', `time steps T${note}`, positiveInt('--timesteps'), PAPER_DEFAULTS.timesteps)
    .option('--vth0 <V0>', `initial threshold V0${note}`, positiveNumber('--vth0'), PAPER_DEFAULTS.vth0)
    .option('--tau <tau>', `threshold time constant (exp schedule)${note}`, positiveNumber('--tau'), PAPER_DEFAULTS.tau)
    .addOption(new Option('--schedule <kind>', `threshold schedule${note}`).choices(SCHEDULE_KINDS).default(PAPER_DEFAULTS.schedule));
}

/** Where images and weights come from: --images --batch --seed --input --dataset --data-dir --input-shape --classes. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--images <n>', 'images to run (default: 1 synthetic, all of --input, 100 of --dataset)', positiveInt('--images'))
    .option('--batch <n>', 'images per forward pass', positiveInt('--batch'), 16)
    .option('--seed <n>', 'seed of synthetic images and initial weights', nonNegativeInt('--seed'), 1)
    .option('--input <file.npy>', 'float32 NHWC images in numpy .npy format')
    .addOption(new Option('--dataset <name>', 'use the test split of a dataset').choices(DATASET_NAMES))
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--input-shape <H,W,C>', 'input shape of a zoo network (e.g. 224,224,3 selects the ImageNet ResNet18 stem)', shape3)
    .option('--classes <n>', 'classes of a zoo network', positiveInt('--classes'))
    .option('--weights <file.safetensors>', 'PyTorch weights (state dict) for a zoo network; see docs/training.md for the name mapping')
    .addOption(new Option('--torch-names <style>', 'module names in the --weights file').choices(['graph', 'torchvision']).default('graph'));
}

/** Paper-mode preset, classifier form, accelerator and backend. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--energy-preset <name>', 'paper-mode energy constants').choices(Object.keys(PAPER_PRESETS)).default('int32-45nm'))
    .option('--spiking-classifier', 'make the final classifier an STCB too', false)
    .option('--accelerator <name|file>', 'hardware model: a file in hw-models/accelerators/ or a path', 'stcb-default')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_CHOICES).default('auto'));
}

/** Event-camera input (profile, dse): --events --compression --event-frame-us --event-window-us --synaptic-kernel. */
export function addEventOptions(cmd: Command): Command {
  return cmd
    .option('--events <file|dir>', 'event-camera input: an N-MNIST .bin, AEDAT 3.1 (.aedat), .npy/.npz x/y/t/p file, or a folder of them (labels from <label>/ folders); sensor size from the file or --input-shape H,W,2')
    .option('--compression <r>', '--events: base frames merged into one time step (sets T = window / (frame x r))', positiveNumber('--compression'))
    .option('--event-frame-us <us>', '--events: base frame length of the compression ratio, microseconds (default 1000)', positiveNumber('--event-frame-us'))
    .option('--event-window-us <us>', '--events: window cut into the T steps, from each sample\'s first event (default: the longest sample)', positiveNumber('--event-window-us'))
    .option('--synaptic-kernel <h0,h1,...>', '--events: synaptic convolution over adjacent steps, I\'(t) = sum_k h_k I(t-k) (default 1)', numberList);
}
