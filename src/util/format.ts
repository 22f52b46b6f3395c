/** Short number text for labels and provenance strings: four significant digits, no trailing zeros. */
export function sig4(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
