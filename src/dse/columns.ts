/** dse.csv and pareto.csv columns; the swept axes come first, one column each. */
import type { Column } from '../reports/table.ts';
import { shortId } from '../util/hashes.ts';
import type { DseRow } from './evaluate.ts';
import type { Axis } from './space.ts';

export function dseColumns(axes: readonly Axis[]): Column<DseRow>[] {
  return [
    { key: 'id', header: 'Point', value: (r) => r.id, doc: 'Content hash of the design point (network setting, hardware, technology, tool version).', docUnit: 'hash' },
    ...axes.map((a): Column<DseRow> => ({ key: a.key, header: a.key, value: (r) => r.values[a.key] ?? '', doc: `Swept value of ${a.key}.`, docUnit: 'as swept' })),
    { key: 'network_key', header: 'Trace', value: (r) => shortId(r.networkKey), doc: 'Content hash of the network setting; points with the same key replay the same spike trace.', docUnit: 'hash' },
    { key: 'accuracy', header: 'Accuracy', value: (r) => r.accuracy ?? '', format: 'float', digits: 4, doc: 'Top-1 accuracy on the labelled images (empty without labels).', docUnit: 'fraction, 0-1' },
    { key: 'firing_rate', header: 'Firing rate', value: (r) => r.firingRate, format: 'float', digits: 4, doc: 'Spikes / (input neurons x T) over all spiking layers.', docUnit: 'spikes / (neuron x step), 0-1' },
    { key: 'spikes', header: 'Spikes', value: (r) => r.spikesPerImage, doc: 'Spikes per image, all spiking layers.', docUnit: 'spikes per image' },
    { key: 'acs', header: 'ACs', value: (r) => r.acsPerImage, doc: 'Exact synaptic additions per image.', docUnit: 'ACs per image' },
    { key: 'paper_snn', header: 'Paper SNN', unit: 'pJ', value: (r) => r.paperSnnPJ, format: 'float', digits: 0, doc: 'Paper-mode SNN energy per image (formula AC count, the run\'s energy preset).' },
    { key: 'paper_ann', header: 'Paper ANN', unit: 'pJ', value: (r) => r.paperAnnPJ, format: 'float', digits: 0, doc: 'Paper-mode ANN-twin energy per image.' },
    { key: 'energy', header: 'Energy', unit: 'pJ', value: (r) => r.energyPJ, format: 'float', digits: 0, doc: 'Hardware-mode energy per inference (dynamic + leakage).' },
    { key: 'dynamic', header: 'Dynamic', unit: 'pJ', value: (r) => r.dynamicPJ, format: 'float', digits: 0, doc: 'Hardware-mode dynamic energy per inference.' },
    { key: 'leakage', header: 'Leakage', unit: 'pJ', value: (r) => r.leakagePJ, format: 'float', digits: 0, doc: 'Leakage energy per inference (power x runtime).' },
    { key: 'latency', header: 'Latency', unit: 's', value: (r) => r.latencyS, format: 'sci', digits: 4, doc: 'Runtime of one inference.' },
    { key: 'cycles', header: 'Cycles', value: (r) => r.cycles, doc: 'Clock cycles of one inference.', docUnit: 'cycles per inference' },
    // Not a `_s` unit suffix (that would read as seconds): the column is a rate.
    { key: 'throughput_per_s', header: 'Throughput (1/s)', value: (r) => r.throughputPerS, format: 'float', digits: 1, doc: 'Inferences per second, images one after another.', docUnit: 'inferences per second' },
    { key: 'edp', header: 'EDP', unit: 'pJs', value: (r) => r.edpPJs, format: 'sci', digits: 4, doc: 'Energy-delay product per inference, pJ x s.' },
    { key: 'dram', header: 'DRAM', unit: 'bytes', value: (r) => r.dramBytes, doc: 'DRAM traffic per inference.' },
    { key: 'ann_twin', header: 'ANN twin', unit: 'pJ', value: (r) => r.annTwinPJ, format: 'float', digits: 0, doc: 'Hardware-mode energy of the ANN twin on a MAC array of the same compute area.' },
    { key: 'lif_twin', header: 'LIF twin', unit: 'pJ', value: (r) => r.lifTwinPJ, format: 'float', digits: 0, doc: 'Hardware-mode energy of the conventional LIF-SNN twin (membranes read and written every step) replaying the same spikes.' },
  ];
}
