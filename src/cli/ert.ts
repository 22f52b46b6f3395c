/** `stcsim ert`: an accelerator's energy per action and area per component at one or more nodes, no network. */
import type { Command } from 'commander';
import { runAction } from './run-action.ts';
import { nodeList, positiveNumber } from './parse.ts';

interface ErtFlags {
  accelerator: string;
  node: number[];
  voltage?: number;
  out?: string;
  json: boolean;
}

export function registerErtCommand(program: Command): void {
  program
    .command('ert')
    .description('print the energy reference table (pJ per action) and area reference table (um^2 per component) of an accelerator at a node, without a network')
    .option('--accelerator <name|file>', 'hardware model: a file in hw-models/accelerators/ or a path', 'stcb-default')
    .option('--node <nm,...>', 'process node(s) in nm, e.g. 45,7', nodeList, [45])
    .option('--voltage <V>', 'supply voltage (default: each node\'s nominal voltage)', positiveNumber('--voltage'))
    .option('--out <dir>', 'also write ert.csv and area.csv into this folder')
    .option('--json', 'print the tables as JSON', false)
    .action(async (flags: ErtFlags) => {
      await runAction(async () => {
        const { hardwareTables, writeHardwareTables } = await import('../app/tables.ts');
        const t = hardwareTables({ accelerator: flags.accelerator, nodes: flags.node, voltageV: flags.voltage });
        const written = flags.out === undefined ? [] : writeHardwareTables(t, flags.out);
        if (flags.json) {
          process.stdout.write(JSON.stringify(t, null, 2) + '\n');
          return;
        }
        const { ertTerminalTable, artTerminalTable } = await import('../reports/hw-report.ts');
        for (const n of t.nodes) {
          const mm2 = (um2: number): string => (um2 / 1e6).toFixed(3);
          process.stdout.write(`\n${t.accelerator} at ${n.node}${n.provenance === 'interpolated' ? ' (interpolated between tabulated nodes)' : ''}, ${n.voltageV} V, ${(n.clockHz / 1e6).toFixed(0)} MHz\n\n`);
          process.stdout.write(ertTerminalTable(n.ert));
          process.stdout.write('\n');
          process.stdout.write(artTerminalTable(n.art));
          process.stdout.write(`\nchip area ${mm2(n.area.stcb.totalUm2)} mm2; ANN twin ${mm2(n.area.ann.totalUm2)} mm2; LIF twin ${mm2(n.area.lif.totalUm2)} mm2 (DRAM off chip; its energy does not follow the node)\n`);
        }
        if (written.length > 0) process.stdout.write(`wrote ${written.join(', ')}\n`);
      });
    });
}
