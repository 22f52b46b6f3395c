/** Worker-thread entry of the DSE executor: loads a trace once per worker, evaluates points. */
import { loadTrace } from '../trace/store.ts';
import type { SpikeTrace } from '../trace/types.ts';
import { evaluatePoint, type DseRow, type NetworkFacts } from './evaluate.ts';
import type { DesignPoint } from './point.ts';

export interface WorkerTask {
  point: DesignPoint;
  traceFile: string;
  facts: NetworkFacts;
  /** The LIF-family network's trace (--neuron lif|mlif). */
  lifTraceFile?: string;
}

const traces = new Map<string, SpikeTrace>();

export default function run(task: WorkerTask): DseRow {
  let trace = traces.get(task.traceFile);
  if (!trace) {
    // One trace per network setting; a worker keeps the latest few (a sweep visits them in order).
    if (traces.size >= 4) traces.delete(traces.keys().next().value as string);
    trace = loadTrace(task.traceFile);
    traces.set(task.traceFile, trace);
  }
  let lifTrace: SpikeTrace | undefined;
  if (task.lifTraceFile !== undefined) {
    lifTrace = traces.get(task.lifTraceFile) ?? loadTrace(task.lifTraceFile);
    traces.set(task.lifTraceFile, lifTrace);
  }
  return evaluatePoint(task.point, trace, task.facts, lifTrace);
}
