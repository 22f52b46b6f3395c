/**
 * Technology (process-node) files: hw-models/tech/<node>nm.json. loadTech resolves a node (or a
 * file) into the scale factors and reference energies the ERT builder needs, with provenance.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TechFile } from './schema-types.ts';
import { parseQuantity } from './units.ts';
import { HW_MODELS_DIR, HwModelError, readJson, validateAgainst } from './validate.ts';
import { logInterpolate, scalesBetween, type NodeCoefficients, type Scales } from './scaling.ts';
import { warn } from '../util/warnings.ts';

export interface SourcedValue { value: number; source: string }

/** JSON of a technology file after schema validation: the type is generated from its JSON Schema. */
type TechJson = TechFile;
type LawsJson = NonNullable<TechJson['laws']>;
type Devices = LawsJson['devices']['value'];
interface SourcedJson { value: string; source: string }
interface SourcedNumberJson { value: number; source: string }

/** Cost laws of memories, registers and leakage at the 45 nm reference (src/arch/laws.ts applies them). */
export interface CostLaws {
  /** Device flavour of SRAM cells, periphery and logic leakage. */
  devices: Devices;
  devicesSource: string;
  sram: {
    /** Read energy of a 64-bit access to a 1 KiB array (level of the capacity power law), pJ. */
    readEnergy64b1KiBPJ: SourcedValue;
    areaPerBitUm2: SourcedValue;
    capacityExponent: SourcedValue;
    readWidthFixed: SourcedValue;
    writeWidthFixed: SourcedValue;
    bankRouting: SourcedValue;
    bankAreaPerDoubling: SourcedValue;
    bankLeakagePerDoubling: SourcedValue;
    dualPortEnergy: SourcedValue;
    dualPortLeakage: SourcedValue;
    dualPortArea: SourcedValue;
  };
  /** Leakage of the chosen device flavour. */
  leakage: { sramPerBitMW: SourcedValue; sramPerArrayMW: SourcedValue; logicPerAreaMWPerUm2: SourcedValue };
  registerAreaPerBitUm2: SourcedValue;
}

/** A resolved technology: everything needed to turn 45 nm reference values into this node's. */
export interface Tech {
  /** e.g. "7nm", "28nm". */
  node: string;
  nodeNm: number;
  flavour: string;
  /** 'table': node file from Stillmaker-Baas; 'interpolated': between two tabulated nodes; 'file': a user file. */
  provenance: 'table' | 'interpolated' | 'file';
  /** Files read, for the report. */
  files: string[];
  voltageV: number;
  /** Where the voltage came from: a bibliography key, or 'user' when overridden. */
  voltageSource: string;
  /** Ratios to the reference (45 nm at referenceVoltageV): E, D, P. */
  scales: Scales;
  scalesSource: string;
  areaFactor: number;
  areaFactorSource: string;
  referenceVoltageV: number;
  /** 45 nm reference energies in pJ (keys like int_add_8b, sram_64b_32KiB). */
  referencePJ: Record<string, SourcedValue>;
  /** 45 nm reference areas in um^2. */
  referenceAreaUm2: Record<string, SourcedValue>;
  /** DRAM energy per bit by type (not scaled with the logic node). */
  dramPJPerBit: Record<string, SourcedValue>;
  /** Explicit per-action energies at this node, key "component.action". */
  overridesPJ: Record<string, SourcedValue>;
  laws: CostLaws;
}

export interface TechOverrides {
  /** Supply voltage to evaluate the node at (default: the file's nominal voltage). */
  voltageV?: number;
  /** Per-action energies in pJ, key "component.action"; reported with provenance 'user'. */
  energiesPJ?: Record<string, number>;
}

const TECH_DIR = path.join(HW_MODELS_DIR, 'tech');

/** Tabulated nodes in nm (files hw-models/tech/<n>nm.json), largest first. */
export function listNodes(): number[] {
  return fs.readdirSync(TECH_DIR)
    .map((f) => /^(\d+)nm\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
}

function readTechFile(file: string): TechJson {
  const json = readJson(file);
  validateAgainst('tech.schema.json', json, file);
  return json as TechJson;
}

function sourced(table: Record<string, SourcedJson>, kind: 'energy' | 'area' | 'energyPerBit', file: string, where: string): Record<string, SourcedValue> {
  const out: Record<string, SourcedValue> = {};
  for (const [k, v] of Object.entries(table)) {
    out[k] = { value: parseQuantity(v.value, kind, `${file}: ${where}/${k}/value`), source: v.source };
  }
  return out;
}

function parseLaws(l: LawsJson, devices: Devices | undefined, file: string): CostLaws {
  const at = (p: string): string => `${file}: /laws/${p}/value`;
  const q = (v: SourcedJson, kind: 'energy' | 'area' | 'power' | 'powerPerArea', p: string): SourcedValue => ({ value: parseQuantity(v.value, kind, at(p)), source: v.source });
  const num = (v: SourcedNumberJson): SourcedValue => ({ value: v.value, source: v.source });
  const d = devices ?? l.devices.value;
  const sr = l.sram;
  return {
    devices: d,
    devicesSource: devices === undefined ? l.devices.source : 'user',
    sram: {
      readEnergy64b1KiBPJ: q(sr.readEnergy64b1KiB, 'energy', 'sram/readEnergy64b1KiB'),
      areaPerBitUm2: q(sr.areaPerBit, 'area', 'sram/areaPerBit'),
      capacityExponent: num(sr.capacityExponent), readWidthFixed: num(sr.readWidthFixed), writeWidthFixed: num(sr.writeWidthFixed),
      bankRouting: num(sr.bankRouting), bankAreaPerDoubling: num(sr.bankAreaPerDoubling), bankLeakagePerDoubling: num(sr.bankLeakagePerDoubling),
      dualPortEnergy: num(sr.dualPortEnergy), dualPortLeakage: num(sr.dualPortLeakage), dualPortArea: num(sr.dualPortArea),
    },
    leakage: {
      sramPerBitMW: q(l.leakage.sramPerBit[d], 'power', `leakage/sramPerBit/${d}`),
      sramPerArrayMW: q(l.leakage.sramPerArray[d], 'power', `leakage/sramPerArray/${d}`),
      logicPerAreaMWPerUm2: q(l.leakage.logicPerArea[d], 'powerPerArea', `leakage/logicPerArea/${d}`),
    },
    registerAreaPerBitUm2: q(l.registerAreaPerBit, 'area', 'registerAreaPerBit'),
  };
}

function nodeFile(nm: number): string {
  return path.join(TECH_DIR, `${nm}nm.json`);
}

function resolveFile(file: string, j: TechJson, ref: TechJson, refFile: string, voltageV: number | undefined): Tech {
  const vNominal = parseQuantity(j.nominalVoltage.value, 'voltage', `${file}: /nominalVoltage/value`);
  const vRef = parseQuantity(j.reference.voltage.value, 'voltage', `${file}: /reference/voltage/value`);
  const v = voltageV ?? vNominal;
  if (!(Number.isFinite(v) && v > 0)) throw new HwModelError(`${file}: supply voltage must be a finite positive number of volts, got ${v}`);
  if (v < 0.5 * vNominal) {
    warn(`${file}: supply voltage ${v} V is below half the node's nominal ${vNominal} V (sub-threshold territory); the Stillmaker-Baas scaling fit (stillmaker2017) is only valid near the nominal voltage`);
  }
  let scales: Scales;
  try {
    scales = scalesBetween(j.stillmakerBaas, v, ref.stillmakerBaas, vRef);
  } catch (e) {
    throw new HwModelError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    node: j.node,
    nodeNm: j.nodeNm,
    flavour: j.flavour,
    provenance: 'table',
    files: file === refFile ? [file] : [file, refFile],
    voltageV: v,
    voltageSource: voltageV === undefined ? j.nominalVoltage.source : 'user',
    scales,
    scalesSource: j.stillmakerBaas.source,
    areaFactor: j.areaFactor.value,
    areaFactorSource: j.areaFactor.source,
    referenceVoltageV: vRef,
    referencePJ: sourced(j.reference.energies, 'energy', file, '/reference/energies'),
    referenceAreaUm2: sourced(j.reference.areas, 'area', file, '/reference/areas'),
    dramPJPerBit: sourced(j.reference.dram, 'energyPerBit', file, '/reference/dram'),
    overridesPJ: sourced(j.overrides ?? {}, 'energy', file, '/overrides'),
    laws: lawsOf(file, j, ref, refFile),
  };
}

/** A node file's own laws, else the reference file's (with the node file's device flavour, if it names one). */
function lawsOf(file: string, j: TechJson, ref: TechJson, refFile: string): CostLaws {
  const own = j.laws;
  if (own) return parseLaws(own, j.devices, file);
  if (!ref.laws) throw new HwModelError(`${refFile}: no "laws" block (cost laws of memories and leakage); ${file} has none either`);
  return parseLaws(ref.laws, j.devices, refFile);
}

function applyOverrides(t: Tech, o: TechOverrides | undefined): Tech {
  if (!o?.energiesPJ) return t;
  const overridesPJ = { ...t.overridesPJ };
  for (const [k, v] of Object.entries(o.energiesPJ)) overridesPJ[k] = { value: v, source: 'user' };
  return { ...t, overridesPJ };
}

/**
 * Resolves a technology. `nodeOrPath`: a node in nm (45, "45", "45nm"), or a path to a tech JSON
 * file. A node between two tabulated nodes (e.g. 28) is interpolated linearly in log(node size)
 * between its neighbours' results (provenance 'interpolated').
 */
export function loadTech(nodeOrPath: number | string, overrides?: TechOverrides): Tech {
  const refFile = nodeFile(45);
  const ref = readTechFile(refFile);
  const asText = String(nodeOrPath).trim();
  const m = /^(\d+(?:\.\d+)?)\s*(nm)?$/.exec(asText);
  if (!m) {
    const file = path.resolve(asText);
    const t = resolveFile(file, readTechFile(file), ref, refFile, overrides?.voltageV);
    return applyOverrides({ ...t, provenance: 'file' }, overrides);
  }
  const nm = Number(m[1]);
  const nodes = listNodes();
  if (nodes.includes(nm)) {
    const file = nodeFile(nm);
    return applyOverrides(resolveFile(file, readTechFile(file), ref, refFile, overrides?.voltageV), overrides);
  }
  const lo = nodes.filter((n) => n > nm).at(-1);
  const hi = nodes.find((n) => n < nm);
  if (lo === undefined || hi === undefined) {
    throw new HwModelError(`node ${nm} nm is outside the tabulated range ${nodes.at(-1)}-${nodes[0]} nm (files in ${TECH_DIR}); add a tech file for it`);
  }
  const a = resolveFile(nodeFile(lo), readTechFile(nodeFile(lo)), ref, refFile, overrides?.voltageV);
  const b = resolveFile(nodeFile(hi), readTechFile(nodeFile(hi)), ref, refFile, overrides?.voltageV);
  const ip = (x: number, y: number): number => logInterpolate(nm, lo, x, hi, y);
  const t: Tech = {
    ...a,
    node: `${nm}nm`,
    nodeNm: nm,
    flavour: a.flavour === b.flavour ? a.flavour : `${a.flavour}/${b.flavour}`,
    provenance: 'interpolated',
    files: [nodeFile(lo), nodeFile(hi), refFile],
    voltageV: overrides?.voltageV ?? ip(a.voltageV, b.voltageV),
    voltageSource: overrides?.voltageV === undefined ? `interpolated(${a.voltageSource},${b.voltageSource})` : 'user',
    scales: { energy: ip(a.scales.energy, b.scales.energy), delay: ip(a.scales.delay, b.scales.delay), power: ip(a.scales.power, b.scales.power) },
    scalesSource: `interpolated(${a.scalesSource})`,
    areaFactor: ip(a.areaFactor, b.areaFactor),
    areaFactorSource: `interpolated(${a.areaFactorSource})`,
    overridesPJ: {},
  };
  return applyOverrides(t, overrides);
}
