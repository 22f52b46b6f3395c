/**
 * A design point is plain JSON: the network setting (what decides the spike trace), the hardware
 * (accelerator file contents after the sweep's changes) and the technology. Its id is a content hash
 * of those and the tool version, so resuming, de-duplicating and distributing are the same operation
 * (DESIGN.md section 9).
 */
import { parseAccelerator, type BufferName } from '../arch/accelerator.ts';
import type { Tech } from '../arch/tech.ts';
import type { QuantSpec } from '../stcb/quantize.ts';
import type { StcbSettings } from '../stcb/schedule.ts';
import type { LifSettings } from '../neuron/settings.ts';
import { contentHash, shortId } from '../util/hashes.ts';
import { TOOL_VERSION } from '../util/version.ts';
import { solveCapacityBits, type FixedAreaBuffer } from './fixed-area.ts';
import { BINARY_KEY, binaryLayerList, isNetworkKey, isTechKey, setPath, type SweepValue } from './space.ts';

/** `--neuron lif|mlif`: the LIF-family network whose own trace the LIF twin replays (issue 15). */
export interface NeuronSetting {
  kind: 'lif' | 'mlif';
  /** Trained LIF-family model path, absent for seeded weights. */
  lifModel?: string;
  /** Content hash of the model's files, or "init:<seed>". */
  lifModelHash: string;
  /** LIF settings given on the command line (seeded networks). */
  lif: Partial<LifSettings>;
}

export interface NetworkSetting {
  /** Zoo name or model path, and the hash of the model's files (or "init:<seed>"). */
  model: string;
  modelHash: string;
  /** Where the images come from and their hash. */
  input: string;
  inputHash: string;
  images: number;
  settings: StcbSettings;
  spikingClassifier: boolean;
  /**
   * Word widths the network runs at (the point's accelerator's weight and activation precision):
   * they change the spikes and the accuracy, so they belong to the network setting. null: float32.
   */
  quantization: Required<QuantSpec> | null;
  /** Set with --neuron lif|mlif only (so other points keep their ids). */
  neuron?: NeuronSetting;
  /** Weight layers binarised before the run (--sweep binary_layers=...); absent: none forced. */
  binaryLayers?: string[];
}

export interface DesignPoint {
  id: string;
  /** The swept values of this point, by axis key (what dse.csv shows). */
  values: Record<string, SweepValue>;
  network: NetworkSetting;
  /** Content hash of `network`: names the shared spike trace. */
  networkKey: string;
  /** Accelerator file contents (JSON) with this point's changes applied. */
  accelerator: unknown;
  acceleratorName: string;
  node: number;
  voltageV?: number;
  /** --fixed-area: the buffer whose capacity was solved, and the capacity. */
  fixedArea?: { buffer: BufferName; capacityBits: number };
}

export interface PointBase {
  network: Omit<NetworkSetting, 'quantization'>;
  accelerator: unknown;
  acceleratorName: string;
  node: number;
  voltageV?: number;
  /** Run each network setting at its accelerator's weight and activation widths (default) or in float32. */
  quantize: boolean;
  /** Solve this buffer's capacity per point so the chip's area is `budgetUm2`. */
  fixedArea?: FixedAreaBuffer & { budgetUm2: number };
  /** The technology of a node (cached by the caller: loading one reads files). */
  techAt: (node: number, voltageV?: number) => Tech;
}

/** A point --fixed-area cannot build: even with an empty buffer the chip is larger than the budget. */
export class PointRefused extends Error {
  override name = 'PointRefused';
}

/** The point of `values` on `base`; `where` names the accelerator file in error messages. */
export function makePoint(base: PointBase, values: Record<string, SweepValue>, where = base.acceleratorName): DesignPoint {
  const settings: StcbSettings = { ...base.network.settings };
  let accelerator = base.accelerator;
  let node = base.node;
  let voltageV = base.voltageV;
  let binaryLayers: string[] | undefined;
  for (const [key, v] of Object.entries(values)) {
    if (key === BINARY_KEY) {
      binaryLayers = binaryLayerList(v);
    } else if (isNetworkKey(key)) {
      (settings as unknown as Record<string, SweepValue>)[key] = v;
    } else if (isTechKey(key)) {
      if (key === 'node') node = Number(v);
      else voltageV = Number(v);
    } else {
      accelerator = setPath(accelerator, key, v);
    }
  }
  const at = `${where} with ${JSON.stringify(values)}`;
  let fixedArea: DesignPoint['fixedArea'];
  if (base.fixedArea) {
    const capacityBits = solveCapacityBits(accelerator, base.fixedArea, base.techAt(node, voltageV), base.fixedArea.budgetUm2, at);
    if (capacityBits < 0) throw new PointRefused(`${JSON.stringify(values)}: the chip is larger than the area budget even with an empty ${base.fixedArea.buffer}`);
    accelerator = setPath(accelerator, base.fixedArea.path, `${capacityBits} bit`);
    fixedArea = { buffer: base.fixedArea.buffer, capacityBits };
  }
  // Fails here, before any work, when a point's accelerator is not a valid file.
  const accel = parseAccelerator(accelerator, at);
  const quantization = base.quantize ? { weightBits: accel.weightBits, activationBits: accel.activationBits } : null;
  const network: NetworkSetting = { ...base.network, settings, quantization, ...(binaryLayers && binaryLayers.length > 0 ? { binaryLayers } : {}) };
  const networkKey = contentHash(network);
  const id = shortId(contentHash({ network, accelerator, node, voltageV: voltageV ?? null, tool: TOOL_VERSION }));
  return { id, values, network, networkKey, accelerator, acceleratorName: base.acceleratorName, node, voltageV, ...(fixedArea ? { fixedArea } : {}) };
}
