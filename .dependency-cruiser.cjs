/**
 * The folders of src/ follow the data flow; each may import only from the folders listed before it
 * (docs/architecture.md). `npm run depcruise` (and .ci/run) fails on an upward import or a circle.
 */
const LAYERS = ['util', 'stcb', 'neuron', 'model', 'data', 'trace', 'counts', 'run', 'train', 'arch', 'hw', 'energy', 'reports', 'dse', 'app', 'cli'];

const upward = LAYERS.map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `src/${layer}/ may import only from ${LAYERS.slice(0, i).join(', ') || 'nothing of ours'} (and itself)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|') || 'NONE'})/` },
})).filter((r) => r.to.path !== '^src/(NONE)/');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A circle between modules means neither can be read (or tested) without the other.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unknown-folder',
      comment: 'Every module lives in one of the layered folders.',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${LAYERS.join('|')})/` },
      to: {},
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(test|bench|scripts)/' },
  },
};
