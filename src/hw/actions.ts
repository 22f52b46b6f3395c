/**
 * What the replay hands to pricing: integer counts of component actions (an operation, one bit moved).
 * Energy never travels with a count; src/energy/ prices counts with the energy reference table.
 */
export interface ActionCount {
  component: string;
  action: string;
  count: number;
}
