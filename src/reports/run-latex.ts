/**
 * The run folder's LaTeX tables: layers.tex (compact per-layer table) and summary.tex (totals, then
 * paper mode and hardware mode per node), booktabs + siunitx + threeparttable, sized for a
 * single-column article.
 */
import { energyDisplayUnit, timeDisplayUnit } from './charts/theme.ts';
import { latexDocument, runNotes, toLatexTable } from './latex.ts';
import { assumedNodeNotes, compactLayerColumns, compactLayerRows, countDisplayUnit, modeColumns, modeRows, nodeNote, totalsColumns, type RunReportData } from './run-columns.ts';

/**
 * Set a table in \small with narrower column gaps (inside its float, so nothing leaks into the
 * document): wide per-layer tables then fit a single-column article's text width.
 */
function compact(tex: string): string {
  return tex
    .replace(/\\centering\n/g, '\\centering\n\\small\n\\setlength{\\tabcolsep}{4pt}\n')
    .replace(/(\\toprule\n)(.*) \\\\\n/g, (_m: string, rule: string, header: string) => rule + unitsBelow(header));
}

/**
 * "{E SNN (\si{\micro\joule})} & {Layer}" -> the names on one header row and the units in
 * parentheses on a second, so a column is as wide as its numbers rather than its header.
 */
export function unitsBelow(headerRow: string): string {
  const cells = headerRow.split(' & ');
  const split = cells.map((c) => /^\{(.*) (\(.*\))\}$/.exec(c));
  if (split.every((m) => m === null)) return `${headerRow} \\\\\n`;
  const names = cells.map((c, i) => (split[i] === null ? c : `{${split[i]?.[1]}}`));
  const units = split.map((m) => (m === null ? '' : `{${m[2]}}`));
  return `${names.join(' & ')} \\\\\n${units.join(' & ')} \\\\\n`;
}

export function layersTex(data: RunReportData): string {
  const { summary, counts, energy } = data;
  const rows = compactLayerRows(counts, energy, summary);
  const eu = energyDisplayUnit(rows.slice(0, -1).flatMap((r) => [r.snnPJ, r.annPJ]));
  const cu = countDisplayUnit(rows.slice(0, -1).flatMap((r) => [r.acExact, r.acLiterature, r.macs]));
  return compact(toLatexTable(compactLayerColumns(eu, cu), rows, {
    caption: `${summary.network}: per-layer spikes, synaptic operations and paper-mode energy per image`,
    label: `tab:${summary.network}-layers`,
    midruleBefore: [rows.length - 1],
    notes: [
      ...runNotes({ energyPreset: `${energy.preset.name} (E_AC = ${energy.preset.acPJ} pJ, E_MAC = ${energy.preset.macPJ} pJ; ${energy.preset.source})`, node: `paper mode at the preset's node; hardware mode at ${nodeNote(summary)}`, trained: summary.weights.trained, timesteps: summary.settings.timesteps }),
      `Means over ${summary.images} image(s): ${summary.input}. AC lit.: T x dense MACs x firing rate. A dash: not a spiking layer.`,
      ...assumedNodeNotes(summary),
    ],
  }));
}

export function summaryTex(data: RunReportData): string {
  const { summary, energy } = data;
  const modes = modeRows(summary);
  const eu = energyDisplayUnit(modes.flatMap((r) => [r.snnPJ, r.annPJ]));
  const tu = timeDisplayUnit(modes.map((r) => r.latencyS));
  const notes = runNotes({ energyPreset: `${energy.preset.name} (E_AC = ${energy.preset.acPJ} pJ, E_MAC = ${energy.preset.macPJ} pJ)`, node: nodeNote(summary), trained: summary.weights.trained, timesteps: summary.settings.timesteps });
  const totals = toLatexTable(totalsColumns(summary), [{ s: summary }], {
    caption: `${summary.network}: totals per image`,
    label: `tab:${summary.network}-totals`,
    notes: [...notes, `Means over ${summary.images} image(s): ${summary.input}.`, ...assumedNodeNotes(summary)],
  });
  const hwImages = summary.hardwareImages;
  const modeTable = toLatexTable(modeColumns(eu, tu), modes, {
    caption: `${summary.network}: energy per inference in paper mode and hardware mode`,
    label: `tab:${summary.network}-modes`,
    midruleBefore: modes.length > 2 ? [2] : [],
    notes: [
      ...notes,
      `Paper mode: E = AC x E_AC + MAC-class ops x E_MAC (AC by the literature formula, or exact).${summary.hardware?.length ? ` Hardware mode: replay of the spike trains on the ${summary.hardware[0].accelerator} accelerator model, sum of action counts x energy per action plus leakage.` : ''}`,
      ...(hwImages !== undefined ? [`Hardware mode replays the first ${hwImages} image(s). A dash: not modelled in paper mode.`] : []),
      ...assumedNodeNotes(summary),
    ],
  });
  return compact(`${totals}\n${modeTable}`);
}

/** A standalone document with both tables (for a compile check or a preview). */
export function latexPreview(data: RunReportData): string {
  return latexDocument([layersTex(data), summaryTex(data)]);
}
