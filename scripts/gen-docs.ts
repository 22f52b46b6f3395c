/**
 * Generates docs/columns.md from the code's own column specs: every column of every report file,
 * with its CSV header, meaning and unit. A column without a definition (or without a unit) stops the
 * generator, so a new column cannot ship undocumented.
 *
 *   tsx scripts/gen-docs.ts           write docs/columns.md
 *   tsx scripts/gen-docs.ts --check   exit 1 if docs/columns.md is stale
 *
 * Units, definitions and headers all come from the column specs (`doc`, `unit`, `docUnit`); this
 * script only arranges them, adds the files' descriptions and links columns to their metric pages.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dseColumns } from '../src/dse/columns.ts';
import { ACCESS_COLUMNS, ACTION_COLUMNS, AREA_COLUMNS, COMPUTE_COLUMNS, ENERGY_COLUMNS, ERT_COLUMNS, GAP_COLUMNS, withNode } from '../src/reports/hw-columns.ts';
import { LAYER_COLUMNS, STEP_COLUMNS } from '../src/reports/profile-columns.ts';
import { COMPARE_COLUMNS } from '../src/reports/neuron-compare.ts';
import { CSV_SIGNIFICANT_DIGITS, csvHeader, type Column } from '../src/reports/table.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const COLUMNS_DOC = join(ROOT, 'docs', 'columns.md');
export const REGENERATE = 'npx tsx scripts/gen-docs.ts';

/** One documented column of one file. */
export interface DocRow {
  csv: string;
  /** Header in table.md / LaTeX / HTML / terminal, when it differs from the CSV name. */
  display?: string;
  meaning: string;
  unit: string;
}

export interface FileDoc {
  file: string;
  what: string;
  source: string;
  rows: DocRow[];
}

export class UndocumentedColumnError extends Error {
  override name = 'UndocumentedColumnError';
}

/** Unit from a CSV header's suffix (units in names: energy_pJ, ac_busy_cycles, read_bits, runtime_s). */
function suffixUnit(csv: string): string | undefined {
  const m = /_(pJ|cycles|bits|bytes|s)$/.exec(csv);
  return m?.[1];
}

/** Doc rows of a column spec; throws UndocumentedColumnError for a column without doc or unit. */
export function documentColumns<R>(file: string, columns: readonly Column<R>[]): DocRow[] {
  return columns.map((c) => {
    const csv = csvHeader(c);
    if (!c.doc) throw new UndocumentedColumnError(`${file}: column "${csv}" has no doc; add one to its column spec`);
    const unit = c.docUnit ?? c.unit ?? suffixUnit(csv);
    if (unit === undefined) throw new UndocumentedColumnError(`${file}: column "${csv}" has no unit; give its spec a \`unit\` or a \`docUnit\``);
    return { csv, display: c.header !== csv ? c.header : undefined, meaning: c.doc, unit };
  });
}

export function fileDocs(): FileDoc[] {
  const hw = 'hardware mode: ';
  return [
    { file: 'layers.csv', what: 'one row per weight layer (batch norm, pooling and residual adds counted in the row of the layer whose output they process); per image: every count and energy is the mean over the `images` profiled images; summed over the rows: the network totals of `summary.json` -> `totals` and `paperEnergy`', source: '`LAYER_COLUMNS`, `src/reports/profile-columns.ts`', rows: documentColumns('layers.csv', LAYER_COLUMNS) },
    { file: 'steps.csv', what: 'one row per spiking layer and time step, per image (mean over the `images` profiled images); a layer\'s rows sum to its `spikes` and `ac_exact` in layers.csv', source: '`STEP_COLUMNS`, `src/reports/profile-columns.ts`', rows: documentColumns('steps.csv', STEP_COLUMNS) },
    { file: 'compute.csv', what: `${hw}one row per layer; cycles, stalls by cause, utilisation, the DESIGN.md 6.1 lower bounds and the tiling, per image (the mean over the \`images\` replayed images); \`cycles\` summed over the rows is the latency per inference (\`summary.json\` -> \`hardware[].latencyCycles\`)`, source: '`COMPUTE_COLUMNS`, `src/reports/hw-columns.ts`', rows: documentColumns('compute.csv', withNode(COMPUTE_COLUMNS)) },
    { file: 'access.csv', what: `${hw}one row per layer and memory (each SRAM buffer and DRAM), bits per image (mean over the \`images\` replayed images); the \`dram\` rows summed are \`hardware[].dramBytesPerInference\`, with the one load of resident weights shared by the replayed images`, source: '`ACCESS_COLUMNS`, `src/reports/hw-columns.ts`', rows: documentColumns('access.csv', withNode(ACCESS_COLUMNS)) },
    { file: 'energy.csv', what: `${hw}one row per layer and component, pJ per image (mean over the \`images\` replayed images); \`energy_pJ\` summed over all rows of a node is the energy per inference (\`summary.json\` -> \`hardware[].energyPerInferencePJ\`, the hardware-mode total of gap.csv)`, source: '`ENERGY_COLUMNS`, `src/reports/hw-columns.ts`', rows: documentColumns('energy.csv', withNode(ENERGY_COLUMNS)) },
    { file: 'actions.csv', what: `${hw}the energy reference table actually used, one row per component and action, with counts per image summed over layers (mean over the \`images\` replayed images); \`energy_pJ\` summed over the rows is the energy per inference, as in energy.csv; in this file \`energy_pJ\` = \`count\` x \`pJ_per_action\``, source: '`ACTION_COLUMNS`, `src/reports/hw-columns.ts`', rows: documentColumns('actions.csv', withNode(ACTION_COLUMNS)) },
    { file: 'area.csv', what: `${hw}the area reference table (ART) at the node: one row per on-chip component of the chip and its twins (chip area = the sum over the STCB chip's components, \`summary.json\` -> \`hardware[].areaMm2\`); also written by \`stcsim ert --out\``, source: '`AREA_COLUMNS`, `src/reports/hw-columns.ts`', rows: documentColumns('area.csv', withNode(AREA_COLUMNS)) },
    { file: 'ert.csv', what: '`stcsim ert --out DIR`: every entry of the energy reference table, no network and no counts', source: '`ERT_COLUMNS`, `src/reports/hw-columns.ts`', rows: documentColumns('ert.csv', withNode(ERT_COLUMNS)) },
    { file: 'compare.csv', what: '`profile --neuron lif|mlif`: per node, the STCB network on the STCB chip, the LIF-family network on the LIF chip (its own spikes) and the ANN twin, side by side (per-inference means over the replayed images)', source: '`COMPARE_COLUMNS`, `src/reports/neuron-compare.ts`', rows: documentColumns('compare.csv', COMPARE_COLUMNS) },
    { file: 'gap.csv', what: 'paper mode -> hardware mode, step by step, per image; the deltas between two totals add up to their difference', source: '`GAP_COLUMNS`, `src/reports/hw-columns.ts`', rows: documentColumns('gap.csv', GAP_COLUMNS) },
    { file: 'dse.csv / pareto.csv', what: '`npm run dse`: one row per design point (pareto.csv: the points on the front); one column per swept axis after `id`, then, with `--fixed-area <buffer>`, the capacity solved for that buffer', source: '`dseColumns`, `src/dse/columns.ts`', rows: documentColumns('dse.csv', dseColumns([{ key: '<axis>', values: [] }], { buffer: '<buffer>' })) },
  ];
}

/**
 * Metric pages a column links to (docs/metrics/<page>.md). A link to a missing page is an error, so
 * the index stays valid when pages are renamed.
 */
const METRIC_PAGES: Readonly<Record<string, string>> = {
  'layers.csv:firing_rate': 'firing-rate', 'steps.csv:firing_rate': 'firing-rate', 'layers.csv:zeta': 'zeta',
  'layers.csv:ac_exact': 'exact-ac', 'steps.csv:ac_exact': 'exact-ac', 'layers.csv:ac_literature': 'literature-ac',
  'layers.csv:dense_macs': 'dense-mac', 'layers.csv:macs': 'dense-mac',
  'layers.csv:encoder_compares': 'encoder-ops', 'layers.csv:encoder_subtracts': 'encoder-ops',
  'layers.csv:cab_multiplies': 'cab-ops', 'layers.csv:cab_shifts': 'cab-ops', 'layers.csv:cab_adds': 'cab-ops',
  'layers.csv:mac_class_ops': 'paper-energy', 'layers.csv:energy_snn_pJ': 'paper-energy',
  'layers.csv:energy_snn_exact_pJ': 'paper-energy', 'layers.csv:energy_ann_pJ': 'paper-energy',
  'compute.csv:cycles': 'latency-cycles', 'compute.csv:runtime_s': 'latency-cycles',
  'compute.csv:bound_encoder_cycles': 'latency-cycles', 'compute.csv:bound_ac_cycles': 'latency-cycles',
  'compute.csv:bound_cab_cycles': 'latency-cycles', 'compute.csv:bound_dram_cycles': 'latency-cycles',
  'compute.csv:acs': 'exact-ac',
  'energy.csv:dynamic_energy_pJ': 'hardware-energy', 'energy.csv:leakage_energy_pJ': 'hardware-energy', 'energy.csv:energy_pJ': 'hardware-energy',
  'actions.csv:pJ_per_action': 'hardware-energy', 'actions.csv:scaling': 'process-node-scaling', 'actions.csv:energy_pJ': 'hardware-energy',
  'gap.csv:energy_pJ': 'gap', 'gap.csv:step': 'gap',
  'dse.csv / pareto.csv:firing_rate': 'firing-rate', 'dse.csv / pareto.csv:acs': 'exact-ac',
  'dse.csv / pareto.csv:paper_snn_pJ': 'paper-energy', 'dse.csv / pareto.csv:paper_ann_pJ': 'ann-twin',
  'dse.csv / pareto.csv:energy_pJ': 'hardware-energy', 'dse.csv / pareto.csv:dynamic_pJ': 'hardware-energy',
  'dse.csv / pareto.csv:leakage_pJ': 'hardware-energy', 'dse.csv / pareto.csv:latency_s': 'latency-cycles',
  'dse.csv / pareto.csv:cycles': 'latency-cycles', 'dse.csv / pareto.csv:throughput_per_s': 'latency-cycles',
  'dse.csv / pareto.csv:edp_pJs': 'edp',
  'dse.csv / pareto.csv:ann_twin_pJ': 'ann-twin', 'dse.csv / pareto.csv:lif_twin_pJ': 'lif-twin',
};

/** Columns whose rows of stall causes are generated (stall_<cause>_cycles): they all link to the latency page. */
const STALL_COLUMN = /^stall_\w+_cycles$/;

/** The metric page a column links to, if any. */
export function metricPageFor(file: string, csv: string): string | undefined {
  return METRIC_PAGES[`${file}:${csv}`] ?? (file === 'compute.csv' && STALL_COLUMN.test(csv) ? 'latency-cycles' : undefined);
}

/** Markdown-safe table cell: pipes split cells, `*` would italicise `k*k*Cin`, `<axis>` would be read as HTML. */
const cell = (s: string): string => s.replace(/([|*])/g, '\\$1').replace(/</g, '&lt;').replace(/\n/g, ' ');

/** Pages of the STCB chip's baselines, linked from the introduction (not tied to one CSV column). */
const TWIN_PAGES = ['ann-twin', 'lif-twin'] as const;

export function renderColumnsDoc(docs: readonly FileDoc[] = fileDocs()): string {
  for (const t of TWIN_PAGES) {
    if (!existsSync(join(ROOT, 'docs', 'metrics', `${t}.md`))) throw new UndocumentedColumnError(`the introduction links to docs/metrics/${t}.md, which does not exist`);
  }
  // A renamed column must not silently lose its link.
  const documented = new Set(docs.flatMap((d) => d.rows.map((r) => `${d.file}:${r.csv}`)));
  for (const key of Object.keys(METRIC_PAGES)) {
    if (!documented.has(key)) throw new UndocumentedColumnError(`METRIC_PAGES links "${key}", which is no column of any file; rename the key with its column`);
  }
  const out: string[] = [
    '<!-- Generated by scripts/gen-docs.ts from the column specs in the code. Do not edit by hand:',
    `     change the column's doc in the code, then run \`${REGENERATE}\`. -->`,
    '',
    '# Report columns',
    '',
    'Every column of every file stcsim writes into a report folder (`npm run profile -- <net> --out <dir>`)',
    'and into a sweep folder (`npm run dse`). The CSV header is the machine name; a unit, when the value',
    'has one, is part of it (`energy_snn_pJ`). The human header is what `table.md`, the LaTeX and HTML',
    'tables and the terminal show. Definitions come from the code\'s own column specs, so this page',
    `cannot drift from the files: \`${REGENERATE} --check\` fails when it is stale (a test runs it).`,
    '',
    'Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a',
    'carriage return, e.g. a layer named `=HYPERLINK(...)`) are written with a leading `\'` so that',
    'spreadsheets show them as text (`neutraliseCsvText`, `src/reports/table.ts`, the one CSV writer).',
    'Numbers are never changed: `-1.5` stays a number. See [robustness.md](robustness.md).',
    '',
    'Every file is per image (per inference): values measured over several images are their mean, and',
    'each CSV has an `images` column saying over how many images (profiled for layers.csv and steps.csv,',
    'replayed on the hardware model for the hardware files and gap.csv; `--hw-images`). Where a file\'s',
    'rows add up to a total of `summary.json`, its description below says which.',
    '',
    `Numbers in CSV cells: integers are written exactly; every other number (energies, runtimes, means`,
    `over images, fractions) is rounded to ${CSV_SIGNIFICANT_DIGITS} significant digits, which removes float noise`,
    '(`1780131462.3999999` is written `1780131462.4`) and reads back to the same text.',
    '',
    'Metric pages (formula, source, pitfalls): [docs/README.md](README.md). `summary.json` holds the',
    'totals of the same quantities; its fields are named like the columns.',
    '',
    'The hardware files describe the STCB chip. Its two baselines are reported per node beside it: the',
    'terminal\'s `ANN twin (uJ)` / `ANN/STCB` and `LIF twin (uJ)` / `LIF/STCB` columns, `summary.json` ->',
    '`hardware[].annTwin` and `hardware[].lifTwin`, and `dse.csv` -> `ann_twin_pJ`, `lif_twin_pJ`; see',
    `${TWIN_PAGES.map((t) => `[${t}](metrics/${t}.md)`).join(' and ')}.`,
    '',
  ];
  for (const d of docs) {
    out.push(`## ${d.file}`, '', `${d.what[0].toUpperCase()}${d.what.slice(1)}. Columns from ${d.source}.`, '');
    out.push('| CSV header | shown as | meaning | unit | see |', '| --- | --- | --- | --- | --- |');
    for (const r of d.rows) {
      const page = metricPageFor(d.file, r.csv);
      if (page && !existsSync(join(ROOT, 'docs', 'metrics', `${page}.md`))) {
        throw new UndocumentedColumnError(`${d.file}: column "${r.csv}" links to docs/metrics/${page}.md, which does not exist`);
      }
      const see = page ? `[${page}](metrics/${page}.md)` : '';
      out.push(`| \`${r.csv}\` | ${cell(r.display ?? '')} | ${cell(r.meaning)} | ${cell(r.unit)} | ${see} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function main(argv: readonly string[]): number {
  const text = renderColumnsDoc();
  if (argv.includes('--check')) {
    const current = existsSync(COLUMNS_DOC) ? readFileSync(COLUMNS_DOC, 'utf8') : '';
    if (current === text) return 0;
    process.stderr.write(`docs/columns.md is stale; regenerate it with \`${REGENERATE}\`\n`);
    return 1;
  }
  writeFileSync(COLUMNS_DOC, text);
  process.stdout.write(`wrote ${COLUMNS_DOC}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`gen-docs: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
