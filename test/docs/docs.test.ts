import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { COLUMNS_DOC, REGENERATE, ROOT, documentColumns, metricPageFor, renderColumnsDoc, UndocumentedColumnError } from '../../scripts/gen-docs.ts';
import type { Column } from '../../src/reports/table.ts';
import { SCHEMA_TYPES_FILE, schemaTypes } from '../../scripts/gen-schema-types.ts';
import { SCHEMA_VALIDATORS_FILE, schemaValidators } from '../../scripts/gen-schema-validators.ts';

const DOCS = join(ROOT, 'docs');
const METRICS = join(DOCS, 'metrics');
/** Pages this test vouches for (hardware.md and training.md have their own owners). */
const OWN_PAGES = ['README.md', 'columns.md', 'walkthrough.md', 'scalesim.md', ...readdirSync(METRICS).map((f) => `metrics/${f}`)];

test('docs/columns.md is up to date with the column specs', (t) => {
  const current = existsSync(COLUMNS_DOC) ? readFileSync(COLUMNS_DOC, 'utf8') : '';
  t.true(current === renderColumnsDoc(), `docs/columns.md is stale; regenerate it with \`${REGENERATE}\``);
});

test('src/arch/schema-types.ts is generated from the JSON Schemas of the hardware files', async (t) => {
  const current = existsSync(SCHEMA_TYPES_FILE) ? readFileSync(SCHEMA_TYPES_FILE, 'utf8') : '';
  t.true(current === await schemaTypes(), 'src/arch/schema-types.ts is stale; regenerate it with `npm run docs`');
});

test('src/arch/schema-validators.ts is ajv\'s compiled code of the JSON Schemas of the hardware files', (t) => {
  const current = existsSync(SCHEMA_VALIDATORS_FILE) ? readFileSync(SCHEMA_VALIDATORS_FILE, 'utf8') : '';
  t.true(current === schemaValidators(), 'src/arch/schema-validators.ts is stale; regenerate it with `npm run docs`');
});

test('columns.md documents every report file', (t) => {
  const text = renderColumnsDoc();
  for (const f of ['layers.csv', 'steps.csv', 'compute.csv', 'access.csv', 'energy.csv', 'actions.csv', 'gap.csv', 'dse.csv']) {
    t.true(text.includes(`## ${f}`), f);
  }
  for (const header of ['energy_snn_pJ', 'ac_literature', 'stall_bank_conflict_cycles', 'pJ_per_action', 'edp_pJs']) t.true(text.includes(`\`${header}\``), header);
});

test('twin and hardware columns link to their metric pages', (t) => {
  const dse = 'dse.csv / pareto.csv';
  t.is(metricPageFor(dse, 'lif_twin_pJ'), 'lif-twin');
  t.is(metricPageFor(dse, 'ann_twin_pJ'), 'ann-twin');
  t.is(metricPageFor(dse, 'paper_ann_pJ'), 'ann-twin');
  for (const c of ['energy_pJ', 'dynamic_pJ', 'leakage_pJ']) t.is(metricPageFor(dse, c), 'hardware-energy', c);
  for (const c of ['latency_s', 'cycles', 'throughput_per_s']) t.is(metricPageFor(dse, c), 'latency-cycles', c);
  t.is(metricPageFor('compute.csv', 'stall_bank_conflict_cycles'), 'latency-cycles');
  t.is(metricPageFor('layers.csv', 'stall_bank_conflict_cycles'), undefined);
  const text = renderColumnsDoc();
  t.true(text.includes('| `lif_twin_pJ` | LIF twin |') && text.includes('[lif-twin](metrics/lif-twin.md) |'));
  t.true(text.includes('| `ann_twin_pJ` | ANN twin |') && text.includes('[ann-twin](metrics/ann-twin.md) |'));
  t.regex(text, /\| `throughput_per_s` \|[^\n]*\| inferences per second \|/);
});

test('a column without a doc or a unit stops the generator', (t) => {
  const noDoc: Column<number>[] = [{ key: 'mystery', header: 'Mystery', value: (r) => r }];
  t.throws(() => documentColumns('layers.csv', noDoc), { instanceOf: UndocumentedColumnError, message: /layers.csv: column "mystery" has no doc/ });
  const noUnit: Column<number>[] = [{ key: 'mystery', header: 'Mystery', value: (r) => r, doc: 'Something.' }];
  t.throws(() => documentColumns('layers.csv', noUnit), { instanceOf: UndocumentedColumnError, message: /column "mystery" has no unit/ });
  const suffixed: Column<number>[] = [{ key: 'wait_cycles', header: 'Wait', value: (r) => r, doc: 'Waiting.' }];
  t.is(documentColumns('compute.csv', suffixed)[0].unit, 'cycles');
  const withUnit: Column<number>[] = [{ key: 'e', header: 'E', unit: 'pJ', value: (r) => r, doc: 'Energy.' }];
  t.deepEqual(documentColumns('layers.csv', withUnit)[0], { csv: 'e_pJ', display: 'E', meaning: 'Energy.', unit: 'pJ' });
});

/** Relative Markdown links [text](target), without URLs and pure anchors. */
function links(md: string): string[] {
  return [...md.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l) && !l.startsWith('#'));
}

test('every relative link in the docs resolves', (t) => {
  for (const page of OWN_PAGES) {
    const file = join(DOCS, page);
    for (const l of links(readFileSync(file, 'utf8'))) {
      t.true(existsSync(resolve(dirname(file), l.split('#')[0])), `${page} links to ${l}, which does not exist`);
    }
  }
});

const SECTIONS = ['Definition', 'Formula', 'Unit', 'Code', 'Source', 'Pitfalls'];
const REQUIRED_METRICS = [
  'firing-rate', 'zeta', 'exact-ac', 'literature-ac', 'dense-mac', 'encoder-ops', 'cab-ops', 'paper-energy',
  'hardware-energy', 'latency-cycles', 'edp', 'process-node-scaling', 'gap', 'ann-twin', 'lif-twin',
];

test('one page per metric, each with definition, formula, unit, code, source and pitfalls', (t) => {
  const index = readFileSync(join(DOCS, 'README.md'), 'utf8');
  for (const m of REQUIRED_METRICS) {
    const file = join(METRICS, `${m}.md`);
    if (!existsSync(file)) {
      t.fail(`docs/metrics/${m}.md is missing`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const s of SECTIONS) t.true(text.includes(`**${s}.**`), `${m}: section ${s}`);
    t.true(index.includes(`(metrics/${m}.md)`), `docs/README.md lists ${m}`);
  }
});

test('code paths and bibliography keys cited by the pages exist', (t) => {
  const bib = JSON.parse(readFileSync(join(ROOT, 'hw-models', 'bibliography.json'), 'utf8')) as Record<string, unknown>;
  const keys = new Set(Object.keys(bib).filter((k) => !k.startsWith('$')));
  for (const page of OWN_PAGES.filter((p) => p !== 'columns.md')) {
    const text = readFileSync(join(DOCS, page), 'utf8');
    for (const m of text.matchAll(/`((?:src|test|scripts|fixtures|hw-models)\/[\w./-]+?)`/g)) {
      const path = m[1].replace(/\/$/, '');
      if (path.includes('<') || path.includes('*')) continue;
      t.true(existsSync(join(ROOT, path)), `${page} cites ${path}, which does not exist`);
    }
    const source = /\*\*Source\.\*\*([\s\S]*?)\n\*\*/.exec(text)?.[1];
    if (!source) continue;
    const cited = [...source.matchAll(/`([a-z][a-z0-9-]*)`/g)].map((m) => m[1]).filter((k) => /\d{4}$|^(design-md|stcsim-assumption|stcsnn-paper|accelergy-dram|jedec-lpddr4)$/.test(k));
    for (const k of cited) t.true(keys.has(k), `${page} cites bibliography key ${k}, not in hw-models/bibliography.json`);
    t.true(cited.length > 0 || source.includes('DESIGN.md') || source.includes('1996'), `${page}: Source names no bibliography key or DESIGN.md`);
  }
});
