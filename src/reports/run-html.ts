/**
 * report.html of a run folder: key figures, settings, the charts (already rendered), the tables and
 * the provenance of every constant, assembled into the input of renderReportHtml (html.ts).
 */
import { energyDisplayUnit, timeDisplayUnit } from './charts/theme.ts';
import { renderReportHtml, reportTable, type ReportChart, type ReportSetting, type ReportTable } from './html.ts';
import { runNotes } from './latex.ts';
import { provenanceRecords } from './provenance.ts';
import type { ProfileSummary } from './profile-report.ts';
import { assumedNodeNotes, compactLayerColumns, compactLayerRows, countDisplayUnit, gapColumns, hwColumns, modeColumns, modeRows, nodeNote, totalsColumns, type HwRow, type RunReportData } from './run-columns.ts';
import { nodeLabel } from './hw-report.ts';
import { headlineLines } from './headline.ts';

function fmtEnergy(pj: number): { value: string; unit: string } {
  const u = energyDisplayUnit([pj]);
  return { value: Number((pj * u.factor).toPrecision(4)).toString(), unit: u.unit };
}

function keyFigures(summary: ProfileSummary): ReportSetting[] {
  const p = summary.paperEnergy;
  const figs: ReportSetting[] = [
    { name: `Paper-mode SNN energy / image (${p.preset.name})`, ...fmtEnergy(p.snnPJ) },
    { name: 'Paper-mode ANN twin / image', ...fmtEnergy(p.annPJ) },
    { name: 'Paper-mode ANN/SNN', value: p.annOverSnn.toFixed(2), unit: 'x' },
    { name: 'Firing rate (all spiking layers)', value: summary.totals.firingRate.toFixed(4) },
  ];
  for (const h of summary.hardware ?? []) {
    const tu = timeDisplayUnit([h.latencyS]);
    figs.push({ name: `Hardware energy / inference, ${nodeLabel(h)}`, ...fmtEnergy(h.energyPerInferencePJ) });
    figs.push({ name: `Hardware latency, ${nodeLabel(h)}`, value: Number((h.latencyS * tu.factor).toPrecision(4)).toString(), unit: tu.unit });
  }
  if (summary.accuracy !== undefined) figs.push({ name: 'Top-1 accuracy', value: (100 * summary.accuracy).toFixed(2), unit: '%' });
  return figs;
}

function settingsList(summary: ProfileSummary, data: RunReportData): ReportSetting[] {
  const s = summary.settings;
  const first = data.hardware?.results[0];
  const out: ReportSetting[] = [
    { name: 'Network', value: `${summary.network} (${summary.model})` },
    { name: 'Time steps T', value: s.timesteps },
    { name: 'Threshold schedule', value: `${s.schedule}, V0 = ${s.vth0}, tau = ${s.tau}` },
    { name: 'Thresholds V(t)', value: s.thresholds.map((v) => Number(v.toPrecision(4))).join(', ') },
    { name: 'Spiking classifier', value: s.spikingClassifier },
    { name: 'Images', value: `${summary.images} (${summary.input}), batch ${summary.batch}` },
    { name: 'Seed', value: summary.seed },
    { name: 'Weights', value: summary.weights.origin },
    { name: 'Trained weights', value: summary.weights.trained },
    { name: 'Backend', value: summary.backend },
    { name: 'Energy preset (paper mode)', value: `${summary.paperEnergy.preset.name}: E_AC = ${summary.paperEnergy.preset.acPJ} pJ, E_MAC = ${summary.paperEnergy.preset.macPJ} pJ` },
  ];
  if (first !== undefined) {
    out.push(
      { name: 'Accelerator', value: first.accelerator },
      { name: 'Process nodes', value: nodeNote(summary) },
      { name: 'Clock', value: (summary.hardware ?? []).map((h) => `${(h.clockHz / 1e6).toFixed(1)} MHz at ${h.node}`).join(', ') },
      { name: 'Images replayed on hardware', value: summary.hardwareImages ?? first.images },
    );
  } else {
    out.push({ name: 'Hardware mode', value: 'not run (--no-hardware)' });
  }
  out.push({ name: 'Tool', value: `${summary.tool.name} ${summary.tool.version}${summary.tool.commit !== null ? ` (${summary.tool.commit})` : ''}` });
  if (summary.hashes !== undefined) {
    for (const group of ['accelerator', 'tech', 'weights', 'inputs'] as const) {
      for (const [name, h] of Object.entries(summary.hashes[group])) out.push({ name: `${group}: ${name}`, value: h });
    }
  }
  return out;
}

function htmlTables(data: RunReportData): ReportTable[] {
  const { summary, counts, energy } = data;
  const layers = compactLayerRows(counts, energy, summary);
  const leu = energyDisplayUnit(layers.slice(0, -1).flatMap((r) => [r.snnPJ, r.annPJ]));
  const modes = modeRows(summary);
  const meu = energyDisplayUnit(modes.flatMap((r) => [r.snnPJ, r.annPJ]));
  const mtu = timeDisplayUnit(modes.map((r) => r.latencyS));
  const notes = [...runNotes({ energyPreset: summary.paperEnergy.preset.name, node: nodeNote(summary), trained: summary.weights.trained, timesteps: summary.settings.timesteps }), ...assumedNodeNotes(summary)];
  const tables: ReportTable[] = [
    reportTable('table-totals', 'Totals per image', totalsColumns(summary), [{ s: summary }], { notes }),
    reportTable('table-modes', 'Energy per inference: paper mode and hardware mode', modeColumns(meu, mtu), modes, { caption: 'Same rows as summary.tex.', notes }),
    reportTable('table-layers', 'Per-layer counts and paper-mode energy', compactLayerColumns(leu, countDisplayUnit(layers.slice(0, -1).flatMap((r) => [r.acExact, r.acLiterature, r.macs]))), layers, { caption: 'Same rows as layers.tex; every counter is in layers.csv.', notes }),
  ];
  const hw = summary.hardware ?? [];
  if (hw.length > 0) {
    const rows = hw.map((h): HwRow => ({ node: nodeLabel(h), voltageV: h.voltageV, latencyS: h.latencyS, energyPJ: h.energyPerInferencePJ, leakagePJ: h.leakageEnergyPerInferencePJ, dramBytes: h.dramBytesPerInference, clockHz: h.clockHz }));
    tables.push(reportTable('table-hardware', 'Hardware mode per node', hwColumns(energyDisplayUnit(rows.map((r) => r.energyPJ)), timeDisplayUnit(rows.map((r) => r.latencyS))), rows, { caption: `Per inference, ${hw[0].accelerator}; compute.csv, access.csv and energy.csv hold the per-layer detail.`, notes: assumedNodeNotes(summary) }));
  }
  if (summary.gap !== undefined && summary.gap.length > 0) {
    const gap = summary.gap;
    const geu = energyDisplayUnit(gap.map((g) => g.energyPJ));
    const firstNode = gap[0].node;
    tables.push(reportTable('table-gap', 'Why paper mode and hardware mode differ', gapColumns(geu), gap, {
      caption: 'Per image. From the paper-mode total, each step adds what the paper formula leaves out or prices differently; the deltas between two totals add up to their difference.',
      // Explanations as notes: they wrap, where a table cell would widen the table off the page.
      notes: gap.filter((g) => g.node === firstNode).map((g) => `${g.kind === 'total' ? g.label.replace(/ \(.*\)$/, '') : g.label}: ${g.explanation}.`),
    }));
  }
  return tables;
}

function htmlNotes(summary: ProfileSummary): string[] {
  const p = summary.paperEnergy.preset;
  const h = summary.hardware?.[0];
  return [
    // The terminal's closing explanation of the headline, computed from the gap.
    ...(h !== undefined ? headlineLines(h, (summary.gap ?? []).filter((g) => g.node === h.node), summary.paperEnergy.annOverSnn).map((l) => l.replace(/^why/, 'Why')) : []),
    ...assumedNodeNotes(summary),
    ...(summary.weights.warning !== undefined ? [summary.weights.warning] : []),
    `Paper mode: E = N_AC x ${p.acPJ} pJ + N_MAC-class x ${p.macPJ} pJ (${p.name}); N_AC = dense MACs x zeta per spiking layer (Kundu et al. 2021), the exact count is reported beside it.`,
    'Hardware mode: the recorded spike trains are replayed on the accelerator model; energy = sum over actions of count x pJ per action (provenance below) plus leakage power x runtime.',
    'Per-image values are means over the profiled images; hardware mode uses the first images only (see settings).',
    'Charts: each is also in charts/ as Vega-Lite JSON (to restyle), SVG and PNG.',
  ];
}

/** The whole page, with the charts rendered beforehand (in page order). */
export function runReportHtml(data: RunReportData, charts: readonly ReportChart[]): string {
  const s = data.summary;
  return renderReportHtml({
    title: `stcsim report: ${s.network}`,
    subtitle: `T = ${s.settings.timesteps}, ${s.images} image(s), paper mode ${s.paperEnergy.preset.name}${s.hardware?.length ? `, hardware mode ${s.hardware[0].accelerator} at ${s.hardware.map((h) => h.node).join(', ')}` : ''}`,
    generatedAt: s.createdAt,
    tool: { name: s.tool.name, version: s.tool.version },
    keyFigures: keyFigures(s),
    settings: settingsList(s, data),
    charts: [...charts],
    tables: htmlTables(data),
    provenance: provenanceRecords(data.energy.preset, data.hardware?.results ?? []),
    notes: htmlNotes(s),
  });
}
