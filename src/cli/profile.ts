/** `stcsim profile <model>`: flags in, app/profile.ts runs, the terminal table and headline out. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../util/errors.ts';
import { DEFAULT_SCALESIM_FIRING_RATE } from '../trace/scalesim.ts';
import type { ProfileFlags } from '../run/profile-settings.ts';
import type { ProfileOutcome } from '../app/profile.ts';
import { runAction } from './run-action.ts';
import { nodeList, numberList, positiveInt, positiveNumber, rateList } from './parse.ts';
import { addInputOptions, addModelOptions, addStcbOptions } from './options.ts';
import { progressBar } from './progress.ts';

/** The terminal's view of a finished run: per-layer table, paper mode, hardware mode, notes, files. */
async function printProfile(o: ProfileOutcome, flags: ProfileFlags): Promise<void> {
  const { summary, outDir } = o;
  if (flags.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  const { layerRows, terminalTable } = await import('../reports/profile-report.ts');
  const { hardwareTerminalTable } = await import('../reports/hw-report.ts');
  process.stdout.write(terminalTable(layerRows(o.counts, o.energy)));
  const p = summary.paperEnergy;
  const s = summary.settings;
  const fmt = (pj: number): string => `${(pj / 1e6).toFixed(3)} uJ`;
  process.stdout.write([
    '',
    `${summary.network}: T=${s.timesteps} V0=${s.vth0} tau=${s.tau} ${s.schedule}, ${summary.images} image(s), backend ${summary.backend}, ${Math.round(summary.elapsedMs)} ms`,
    `paper-mode energy (${p.preset.name}) per image: SNN ${fmt(p.snnPJ)} (exact AC: ${fmt(p.snnExactPJ)}), ANN twin ${fmt(p.annPJ)}, ANN/SNN ${p.annOverSnn.toFixed(2)}x`,
    `AC: exact ${Math.round(p.acExact).toLocaleString('en-US')}, T*MAC*rate ${Math.round(p.acFormula).toLocaleString('en-US')} (${(100 * p.acFormulaError).toFixed(1)}% off)`,
    summary.hardware ? `\nhardware mode (${flags.accelerator}, ${summary.hardwareImages} image(s) replayed):\n${hardwareTerminalTable(summary.hardware)}` : '',
    flags.scalesim !== undefined ? '' : summary.quantization ? `network run at the accelerator's widths: weights ${summary.quantization.weightBits} bit (per-channel symmetric), encoder inputs ${summary.quantization.activationBits} bit` : 'network run in float32 (--no-quantize)',
    summary.events ? `events: ${summary.events.timesteps} steps of ${(summary.events.windowUs / summary.events.timesteps / 1000).toFixed(2)} ms (compression ratio ${summary.events.compressionRatio.toFixed(2)} of ${summary.events.frameUs} us frames), synaptic kernel [${summary.events.kernel.join(', ')}]; first layer event-driven (no encoder)` : '',
    summary.weightStorage && summary.weightStorage.binaryLayers.length > 0 ? `weight storage: ${summary.weightStorage.bits.toLocaleString('en-US')} bits with binary ${summary.weightStorage.binaryLayers.join(', ')}, against ${summary.weightStorage.fullPrecisionBits.toLocaleString('en-US')} at full width (${(100 * summary.weightStorage.saving).toFixed(1)}% saved)` : '',
    summary.accuracy !== undefined ? `top-1 accuracy: ${(100 * summary.accuracy).toFixed(2)}% on ${summary.images} images` : '',
    summary.weights.warning ? `note: ${summary.weights.warning}` : '',
    ...(summary.assumptions ?? []).map((a) => `assumption: ${a}`),
    `report: ${outDir}/ (${summary.files.join(', ')})`,
    `open ${join(outDir, 'report.html')} in a browser: ${flags.charts !== false ? 'charts, ' : ''}tables, settings and the source of every constant`,
    '',
  ].filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1).join('\n'));
}

/** Rejects flag combinations that do not make sense before any work starts. */
function checkFlagCombinations(model: string | undefined, flags: ProfileFlags, given: (name: string) => boolean): void {
  if (flags.scalesim !== undefined && model !== undefined) throw new UsageError('give either a model or --scalesim <topology.csv>, not both');
  if (flags.scalesim !== undefined) {
    const stray = ['input', 'dataset', 'dataDir', 'inputShape', 'classes', 'weights', 'hwImages', 'spikingClassifier', 'events', 'binaryLayers'].filter(given);
    if (stray.length > 0) {
      throw new UsageError(`--scalesim makes its own synthetic spikes and replays all --images on the hardware model; it does not take ${stray.map((k) => `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`).join(', ')}`);
    }
  }
  if (flags.scalesim === undefined && (flags.firingRate !== undefined || flags.spikingFirstLayer)) {
    throw new UsageError('--firing-rate and --spiking-first-layer go with --scalesim');
  }
  if (model === undefined && flags.scalesim === undefined) {
    throw new UsageError('missing model: name a zoo network or a model.json (or give --scalesim <topology.csv> or --check <summary.json>)');
  }
}

export function registerProfileCommand(program: Command): void {
  const cmd = program
    .command('profile')
    .description('profile a zoo network, a tfjs model.json or a SCALE-Sim topology as an STCSNN: per-layer spikes, op counts, paper-mode and hardware-mode energy')
    .argument('[model]', 'zoo network (vgg11, vgg16, resnet18, resnet18-imagenet, smallnet) or path to a tfjs model.json');
  addStcbOptions(cmd);
  addInputOptions(cmd);
  addModelOptions(cmd);
  cmd
    .option('--node <nm,...>', 'process node(s) in nm, e.g. 45,28,7', nodeList, [45])
    .option('--voltage <V>', 'supply voltage (default: each node\'s nominal voltage)', positiveNumber('--voltage'))
    .option('--hw-images <n>', 'images replayed on the hardware model (the first n)', positiveInt('--hw-images'), 16)
    .option('--no-hardware', 'skip the hardware replay (paper mode only)')
    .option('--no-quantize', 'run the network in float32 instead of the accelerator file\'s weight and activation widths')
    .option('--scalesim <topology.csv>', 'profile a SCALE-Sim topology (layers with synthetic spikes) instead of a model')
    .option('--firing-rate <r,...>', `--scalesim: spike probability per neuron and step, one value or one per CSV row (default ${DEFAULT_SCALESIM_FIRING_RATE})`, rateList)
    .option('--spiking-first-layer', '--scalesim: make the first row an STCB too (default: a MAC layer on the raw input)')
    .option('--events <file|dir>', 'event-camera input: an N-MNIST .bin, AEDAT 3.1 (.aedat), .npy/.npz x/y/t/p file, or a folder of them (labels from <label>/ folders); sensor size from the file or --input-shape H,W,2')
    .option('--compression <r>', '--events: base frames merged into one time step (sets T = window / (frame x r))', positiveNumber('--compression'))
    .option('--event-frame-us <us>', '--events: base frame length of the compression ratio, microseconds (default 1000)', positiveNumber('--event-frame-us'))
    .option('--event-window-us <us>', '--events: window cut into the T steps, from each sample\'s first event (default: the longest sample)', positiveNumber('--event-window-us'))
    .option('--synaptic-kernel <h0,h1,...>', '--events: synaptic convolution over adjacent steps, I\'(t) = sum_k h_k I(t-k) (default 1)', numberList)
    .option('--binary-layers <names>', 'binarise these weight layers (+-mean|W| per output channel, 1-bit weight storage), comma-separated; a train-binary model\'s binary layers are detected', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--out <dir>', 'report folder (default reports/<network>)')
    .option('--json', 'print summary.json to stdout instead of the table', false)
    .option('--no-progress', 'no progress bar')
    .option('--no-charts', 'skip the charts (report.html then holds tables only)')
    .option('--check <summary.json>', 're-run the settings saved in a summary.json and report every number and input hash that changed (exit 1 if any)')
    .action(async (model: string | undefined, flags: ProfileFlags, c: Command) => {
      await runAction(async () => {
        if (flags.check !== undefined) {
          if (model !== undefined) throw new UsageError('give either a model or --check <summary.json>, not both');
          const { checkRun, formatCheck } = await import('../app/check.ts');
          const r = await checkRun(flags.check);
          process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : formatCheck(r));
          process.exitCode = r.ok ? 0 : 1;
          return;
        }
        const given = (name: string): boolean => c.getOptionValueSource(name) === 'cli';
        checkFlagCombinations(model, flags, given);
        const bar = await progressBar('profiling |{bar}| {value}/{total} images | {duration_formatted}', flags.progress && !flags.json);
        let started = false;
        const { profile } = await import('../app/profile.ts');
        const outcome = await profile(model ?? '', flags, given, {
          onImages: (done, total) => {
            if (!bar || total <= flags.batch) return;
            if (!started) { bar.start(total, 0); started = true; }
            bar.update(done);
          },
        });
        bar?.stop();
        await printProfile(outcome, flags);
      });
    });
}
