/**
 * What the replay hands to pricing: integer counts of component actions (an operation, one bit moved).
 * Energy never travels with a count; src/energy/ prices counts with the energy reference table.
 */
export interface ActionCount {
  component: string;
  action: string;
  count: number;
}

/** An unfolded batch norm (options.foldBatchNorm off) costs a multiply and an add per output it sees. */
export function batchNormActions(g: { batchNormAfter: boolean }, foldBatchNorm: boolean, outputs: number): ActionCount[] {
  if (!g.batchNormAfter || foldBatchNorm) return [];
  return [{ component: 'bn', action: 'multiply', count: outputs }, { component: 'bn', action: 'add', count: outputs }];
}
