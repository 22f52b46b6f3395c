/**
 * The per-action energy table (ERT) and per-component area table (ART) of an accelerator at one or
 * more nodes, with no network: what a designer checks before a sweep (`stcsim ert`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAccelerator } from '../arch/accelerator.ts';
import { loadTech } from '../arch/tech.ts';
import { buildArt, chipArea, type ArtEntry, type ChipArea } from '../energy/art.ts';
import { buildErt, type ErtEntry } from '../energy/ert.ts';
import { clockAt } from '../hw/replay.ts';
import { AREA_COLUMNS, ERT_COLUMNS, withNode } from '../reports/hw-columns.ts';
import { toCsv } from '../reports/table.ts';

export interface HardwareTablesOptions {
  accelerator: string;
  nodes: readonly number[];
  voltageV?: number;
}

export interface NodeTables {
  node: string;
  provenance: string;
  voltageV: number;
  clockHz: number;
  ert: ErtEntry[];
  art: ArtEntry[];
  /** Area of the STCB chip and of its twins. */
  area: { stcb: ChipArea; ann: ChipArea; lif: ChipArea };
}

export interface HardwareTables {
  accelerator: string;
  file: string;
  nodes: NodeTables[];
}

export function hardwareTables(o: HardwareTablesOptions): HardwareTables {
  const accel = loadAccelerator(o.accelerator);
  return {
    accelerator: accel.name,
    file: accel.file,
    nodes: o.nodes.map((n) => {
      const tech = loadTech(n, o.voltageV === undefined ? undefined : { voltageV: o.voltageV });
      const clockHz = clockAt(accel, tech);
      const art = buildArt(accel, tech);
      return {
        node: tech.node, provenance: tech.provenance, voltageV: tech.voltageV, clockHz,
        ert: [...buildErt(accel, tech, clockHz).values()], art,
        area: { stcb: chipArea(art, 'stcb'), ann: chipArea(art, 'ann'), lif: chipArea(art, 'lif') },
      };
    }),
  };
}

/** Writes ert.csv and area.csv into `dir` (a `node` column first when several nodes); returns the paths. */
export function writeHardwareTables(t: HardwareTables, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stacked = t.nodes.length > 1;
  const ert = join(dir, 'ert.csv');
  const area = join(dir, 'area.csv');
  writeFileSync(ert, stacked ? toCsv(withNode(ERT_COLUMNS), t.nodes.flatMap((n) => n.ert.map((row) => ({ node: n.node, row })))) : toCsv(ERT_COLUMNS, t.nodes[0]?.ert ?? []));
  writeFileSync(area, stacked ? toCsv(withNode(AREA_COLUMNS), t.nodes.flatMap((n) => n.art.map((row) => ({ node: n.node, row })))) : toCsv(AREA_COLUMNS, t.nodes[0]?.art ?? []));
  return [ert, area];
}
