/**
 * Constants a hardware-mode result rests on that no publication gives for this node: a node
 * interpolated between two tabulated ones (e.g. 28 nm between 32 and 20 nm), a supply voltage that is
 * an stcsim assumption, an energy-table entry whose source is `stcsim-assumption`. Every output that
 * prints the node (terminal table, table.md, LaTeX, HTML) marks it and lists these notes, so a reader
 * never takes an assumed number for a published one.
 */
import { basename } from 'node:path';
import type { SimResult } from '../energy/price.ts';

/** The bibliography key of values stcsim assumes (hw-models/bibliography.json). */
export const ASSUMPTION_KEY = 'stcsim-assumption';

/** The mark printed after a flagged node ("28nm†") in every table. */
export const ASSUMED_MARK = '†';

/** Tabulated neighbours of an interpolated node, from the technology files it read (largest first). */
function neighbours(r: SimResult): number[] {
  const nodes = r.tech.files.map((f) => /^(\d+)nm\.json$/.exec(basename(f))?.[1]).filter((x): x is string => x !== undefined).map(Number);
  // The files are [larger neighbour, smaller neighbour, 45 nm reference].
  return nodes.slice(0, 2);
}

/** Counted actions whose energy comes from an stcsim assumption rather than a publication. */
function assumedActions(r: SimResult): string[] {
  const used = new Set(r.layers.flatMap((l) => l.actions.filter((a) => a.count > 0).map((a) => `${a.component}.${a.action}`)));
  return r.ert.filter((e) => e.source === ASSUMPTION_KEY && used.has(`${e.component}.${e.action}`)).map((e) => `${e.component}.${e.action}`);
}

/** One sentence per interpolated or assumed constant of a result, each starting with the node. */
export function assumedConstants(r: SimResult): string[] {
  const node = r.tech.node;
  const out: string[] = [];
  if (r.tech.provenance === 'interpolated') {
    const [lo, hi] = neighbours(r);
    out.push(`${node} is interpolated: no published fit exists at this node, so its energy, delay, power and area factors are interpolated in log(node size) between the tabulated ${lo} nm and ${hi} nm nodes (Stillmaker & Baas 2017).`);
  }
  const v = Number(r.tech.voltageV.toPrecision(3));
  if (r.tech.voltageSource.includes(ASSUMPTION_KEY)) {
    out.push(r.tech.voltageSource.startsWith('interpolated(')
      ? `${node} supply voltage ${v} V is interpolated between its neighbours' nominal voltages, at least one of which is an stcsim assumption (set it with --voltage).`
      : `${node} supply voltage ${v} V is an stcsim assumption (no published nominal voltage; set it with --voltage).`);
  }
  const actions = assumedActions(r);
  if (actions.length > 0) out.push(`${node} energies of ${actions.join(', ')} are stcsim assumptions (hardware file), not published values.`);
  return out;
}
