/**
 * A design point is plain JSON: the network setting (what decides the spike trace), the hardware
 * (accelerator file contents after the sweep's changes) and the technology. Its id is a content hash
 * of those and the tool version, so resuming, de-duplicating and distributing are the same operation
 * (DESIGN.md section 9).
 */
import type { StcbSettings } from '../stcb/schedule.ts';
import { contentHash, shortId } from '../util/hashes.ts';
import { TOOL_VERSION } from '../util/version.ts';
import { isNetworkKey, isTechKey, setPath, type SweepValue } from './space.ts';

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
}

export interface PointBase {
  network: Omit<NetworkSetting, 'settings'> & { settings: StcbSettings };
  accelerator: unknown;
  acceleratorName: string;
  node: number;
  voltageV?: number;
}

export function makePoint(base: PointBase, values: Record<string, SweepValue>): DesignPoint {
  const settings: StcbSettings = { ...base.network.settings };
  let accelerator = base.accelerator;
  let node = base.node;
  let voltageV = base.voltageV;
  for (const [key, v] of Object.entries(values)) {
    if (isNetworkKey(key)) {
      (settings as unknown as Record<string, SweepValue>)[key] = v;
    } else if (isTechKey(key)) {
      if (key === 'node') node = Number(v);
      else voltageV = Number(v);
    } else {
      accelerator = setPath(accelerator, key, v);
    }
  }
  const network: NetworkSetting = { ...base.network, settings };
  const networkKey = contentHash(network);
  const id = shortId(contentHash({ network, accelerator, node, voltageV: voltageV ?? null, tool: TOOL_VERSION }));
  return { id, values, network, networkKey, accelerator, acceleratorName: base.acceleratorName, node, voltageV };
}
