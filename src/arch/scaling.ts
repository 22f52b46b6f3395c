/**
 * Stillmaker & Baas (2017, Integration 58:74-81) fitted polynomials and the ratios stcsim scales
 * 45 nm reference values with: value(node, V) = value45 * E_node(V) / E_45(V_ref) (delay with D,
 * leakage power with P).
 */

/** Horner evaluation of a polynomial given highest power first: [c_n, ..., c_0]. */
export function polyval(coeffs: readonly number[], x: number): number {
  let y = 0;
  for (const c of coeffs) y = y * x + c;
  return y;
}

export interface NodeCoefficients {
  energy: readonly number[];
  delay: readonly number[];
  power: readonly number[];
}

export interface Scales {
  energy: number;
  delay: number;
  power: number;
}

/** Ratios of a node at voltage `v` to the reference node at `vRef`. */
export function scalesBetween(node: NodeCoefficients, v: number, ref: NodeCoefficients, vRef: number): Scales {
  const ratio = (a: readonly number[], b: readonly number[], what: string): number => {
    const num = polyval(a, v);
    const den = polyval(b, vRef);
    if (!(num > 0) || !(den > 0)) {
      throw new RangeError(`Stillmaker-Baas ${what} polynomial is not positive at ${v} V (node) / ${vRef} V (reference); the fit is only valid near the nominal voltage`);
    }
    return num / den;
  };
  return { energy: ratio(node.energy, ref.energy, 'energy'), delay: ratio(node.delay, ref.delay, 'delay'), power: ratio(node.power, ref.power, 'power') };
}

/** Linear interpolation in log(node size) between two tabulated nodes (e.g. 28 nm from 32 and 20). */
export function logInterpolate(nodeNm: number, loNm: number, loValue: number, hiNm: number, hiValue: number): number {
  const w = (Math.log(loNm) - Math.log(nodeNm)) / (Math.log(loNm) - Math.log(hiNm));
  return loValue + (hiValue - loValue) * w;
}
