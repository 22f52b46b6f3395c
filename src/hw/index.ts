/** Public API of the hardware model (issue 5). */
export { loadAccelerator, acceleratorPath, parseAccelerator, withChanges, lifTwinSpec, type LifLeak, type LifTwinSpec, DEFAULT_OPTIONS, type Accelerator, type AcceleratorOptions, type BufferName } from './accelerator.ts';
export { loadTech, listNodes, type Tech, type TechOverrides } from '../energy/tech/load.ts';
export { buildErt, energize, type ErtEntry, type ActionCount, type EnergyCell, type Ert } from '../energy/ert.ts';
export { simulate, clockAt, annTwinLanes, type SimResult, type LayerResult, type SimOptions, type Totals } from './simulate.ts';
export { computeRows, accessRows, energyRows, actionRows, summary, twinResult, type Table, type HwSummary } from './reports.ts';
export { simulateLifLayer } from './lif-layer.ts';
export { STALL_CAUSES, type StallCause } from './stcb-layer.ts';
export { HwModelError, HW_MODELS_DIR, readJson } from './validate.ts';
export { resnet18Trace, syntheticTrace, geometry, type ConvSpec } from './synthetic.ts';
