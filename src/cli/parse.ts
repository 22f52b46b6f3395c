/** Option parsers for commander: each one validates and says what was expected. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

export function nonNegativeInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${v}"`);
    return n;
  };
}

export function positiveNumber(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    return n;
  };
}

export function oneOf<T extends string>(name: string, choices: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(choices as readonly string[]).includes(v)) {
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got "${v}"`);
    }
    return v as T;
  };
}

/** "32,32,3" -> [32, 32, 3]. */
export function shape3(v: string): number[] {
  const parts = v.split(/[,x]/).map(Number);
  if (parts.length !== 3 || parts.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new InvalidArgumentError(`--input-shape must be H,W,C positive integers, got "${v}"`);
  }
  return parts;
}

/** "45,28,7" -> [45, 28, 7] (process nodes in nm). */
export function nodeList(v: string): number[] {
  const nodes = v.split(',').map((s) => Number(s.trim().replace(/nm$/, '')));
  if (nodes.length === 0 || nodes.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new InvalidArgumentError(`--node takes sizes in nm like 45,28,7, got "${v}"`);
  }
  return nodes;
}

/** "0.1" or "0.3,0.2,0.1" -> probabilities in [0, 1]. */
export function rateList(v: string): number[] {
  const rates = v.split(',').map((s) => Number(s.trim()));
  if (rates.some((r) => !Number.isFinite(r) || r < 0 || r > 1)) {
    throw new InvalidArgumentError(`--firing-rate takes probabilities in [0, 1], e.g. 0.1 or 0.3,0.2, got "${v}"`);
  }
  return rates;
}

/** "0.5,0.5" -> [0.5, 0.5] (finite numbers). */
export function numberList(v: string): number[] {
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`expected comma-separated numbers like 0.5,0.5, got "${v}"`);
  return xs;
}
