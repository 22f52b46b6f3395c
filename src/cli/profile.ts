/** `stcsim profile <model>`: flags in, app/profile.ts runs, the terminal table and headline out. */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../util/errors.ts';
import { DEFAULT_SCALESIM_FIRING_RATE, DEFAULT_SCALESIM_FC_ROWS, SCALESIM_FC_ROWS } from '../trace/scalesim.ts';
import type { ProfileFlags } from '../run/profile-settings.ts';
import type { ProfileOutcome } from '../app/profile.ts';
import { runAction } from './run-action.ts';
import { nodeList, positiveInt, positiveNumber, rateList } from './parse.ts';
import { addEventOptions, addInputOptions, addModelOptions, addStcbOptions } from './options.ts';
import { progressBar } from './progress.ts';
import { addNeuronOptions, lifFlags, type NeuronFlags } from './neuron-options.ts';

/** The terminal's view of a finished run: per-layer table, paper mode, hardware mode, notes, files. */
async function printProfile(o: ProfileOutcome, flags: ProfileFlags): Promise<void> {
  const { summary, outDir } = o;
  if (flags.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  const { layerRows, terminalTable } = await import('../reports/profile-report.ts');
  const { hardwareTerminalTable } = await import('../reports/hw-report.ts');
  const { headlineLines } = await import('../reports/headline.ts');
  // The closing two lines: what dominates hardware-mode energy and why the ratios differ (first node).
  const headline = (s: ProfileOutcome['summary']): string[] => {
    const h = s.hardware?.[0];
    return h === undefined ? [] : headlineLines(h, (s.gap ?? []).filter((g) => g.node === h.node), s.paperEnergy.annOverSnn);
  };
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
    summary.lif ? `${summary.lif.neuron.kind} network (${summary.lif.weights.origin}): T=${summary.lif.neuron.timesteps}, K=${summary.lif.neuron.levels}, ${summary.lif.neuron.reset} reset, ${summary.lif.spikesPerImage.toFixed(0)} spikes/image` +
      (summary.lif.accuracy !== undefined ? `, top-1 accuracy ${(100 * summary.lif.accuracy).toFixed(2)}%` : '') +
      `, membrane tau ${summary.lif.neuron.params.map((p) => (p.tau ?? NaN).toFixed(2)).join(' / ')} steps (lambda = exp(-1/tau))` + '; the LIF twin above replays its own spikes' : '',
    summary.weights.warning ? `note: ${summary.weights.warning}` : '',
    ...(summary.assumptions ?? []).map((a) => `assumption: ${a}`),
    `report: ${outDir}/ (${summary.files.join(', ')})`,
    `open ${join(outDir, 'report.html')} in a browser: ${flags.charts !== false ? 'charts, ' : ''}tables, settings and the source of every constant`,
    ...headline(summary),
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
  if (flags.scalesim === undefined && (flags.firingRate !== undefined || flags.spikingFirstLayer || given('fcRows'))) {
    throw new UsageError('--firing-rate, --spiking-first-layer and --fc-rows go with --scalesim');
  }
  if (model === undefined && flags.scalesim === undefined) {
    throw new UsageError('missing model: name a zoo network or a model.json (or give --scalesim <topology.csv> or --check <summary.json>)');
  }
}

export function registerProfileCommand(program: Command): void {
  const cmd = program
    .command('profile')
    .description('profile a zoo network, a tfjs model.json or a SCALE-Sim topology as an STCSNN: per-layer spikes, op counts, paper-mode and hardware-mode energy')
    .argument('[model]', 'zoo network (vgg11, vgg16, resnet18, resnet18-imagenet, smallnet, smallnet-gap), path to a tfjs model.json, or an ONNX file (model.onnx, e.g. from torch.onnx.export)');
  addStcbOptions(cmd);
  addInputOptions(cmd);
  addModelOptions(cmd);
  addNeuronOptions(cmd)
    .option('--lif-model <dir>', '--neuron lif|mlif: a trained LIF-family model (folder or model.json) whose own spikes the LIF twin replays (default: seeded weights)');
  addEventOptions(cmd);
  cmd
    .option('--node <nm,...>', 'process node(s) in nm, e.g. 45,28,7', nodeList, [45])
    .option('--voltage <V>', 'supply voltage (default: each node\'s nominal voltage)', positiveNumber('--voltage'))
    .option('--hw-images <n>', 'images replayed on the hardware model (the first n)', positiveInt('--hw-images'), 16)
    .option('--no-hardware', 'skip the hardware replay (paper mode only)')
    .option('--no-quantize', 'run the network in float32 instead of the accelerator file\'s weight and activation widths')
    .option('--scalesim <topology.csv>', 'profile a SCALE-Sim topology (layers with synthetic spikes) instead of a model')
    .option('--firing-rate <r,...>', `--scalesim: spike probability per neuron and step, one value or one per CSV row (default ${DEFAULT_SCALESIM_FIRING_RATE})`, rateList)
    .option('--spiking-first-layer', '--scalesim: make the first row an STCB too (default: a MAC layer on the raw input)')
    .addOption(new Option('--fc-rows <kind>', `--scalesim: FC rows (1x1 IFMAP, 1x1 filter) as dense MAC layers, like a network\'s classifier, or as STCB layers (default ${DEFAULT_SCALESIM_FC_ROWS})`).choices(SCALESIM_FC_ROWS))
    .option('--binary-layers <names>', 'binarise these weight layers (+-mean|W| per output channel, 1-bit weight storage), comma-separated; a train-binary model\'s binary layers are detected', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--out <dir>', 'report folder (default reports/<network>)')
    .option('--force', 'replace a non-empty --out folder that stcsim did not write (docs/robustness.md)')
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
        if (flags.neuron === 'stcb' && flags.lifModel !== undefined) throw new UsageError('--lif-model goes with --neuron lif or mlif');
        flags.lif = lifFlags(flags as ProfileFlags & NeuronFlags);
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
