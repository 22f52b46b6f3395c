/**
 * Surrogate derivatives of the spike function (the seed paper on multi-threshold LIF proposes
 * "approximated derivatives" for the spike activity; the three classic shapes plus arctan are offered).
 *
 * Each shape g(x) approximates d H(x) / dx, where x = (u - k theta) / theta is the distance of the
 * membrane from threshold level k in units of theta, and a is the window width (surrogateWidth).
 * Every g integrates to 1 over x, so the primitive G (a smooth step from 0 to 1) is also given:
 * tests compare the gradient g with finite differences of G, two independently written formulas.
 *
 * Default: rectangular (g = 1/a on |x| < a/2): cheapest, and the one the STBP/multi-threshold line of
 * work starts from.
 */
export type SurrogateShape = 'rectangular' | 'triangular' | 'sigmoid' | 'arctan';
export const SURROGATE_SHAPES: readonly SurrogateShape[] = ['rectangular', 'triangular', 'sigmoid', 'arctan'];

/** Steepness of the sigmoid and arctan shapes for width a: chosen so that g(0) = 1/a like the other two. */
export const sigmoidAlpha = (a: number): number => 4 / a;
export const arctanAlpha = (a: number): number => 2 / a;

/** g(x): the surrogate derivative of the unit step at x (width a). */
export function surrogateDerivative(shape: SurrogateShape, x: number, a: number): number {
  switch (shape) {
    case 'rectangular':
      return Math.abs(x) < a / 2 ? 1 / a : 0;
    case 'triangular':
      return Math.max(0, 1 - Math.abs(x) / a) / a;
    case 'sigmoid': {
      const k = sigmoidAlpha(a);
      const s = 1 / (1 + Math.exp(-k * x));
      return k * s * (1 - s);
    }
    case 'arctan': {
      const k = arctanAlpha(a);
      return k / 2 / (1 + ((Math.PI / 2) * k * x) ** 2);
    }
  }
}

/** G(x): the smooth step whose derivative is g (G(-inf) = 0, G(+inf) = 1). */
export function surrogatePrimitive(shape: SurrogateShape, x: number, a: number): number {
  switch (shape) {
    case 'rectangular':
      return Math.min(1, Math.max(0, x / a + 0.5));
    case 'triangular': {
      const z = x / a;
      if (z <= -1) return 0;
      if (z >= 1) return 1;
      return z < 0 ? 0.5 * (1 + z) ** 2 : 1 - 0.5 * (1 - z) ** 2;
    }
    case 'sigmoid':
      return 1 / (1 + Math.exp(-sigmoidAlpha(a) * x));
    case 'arctan':
      return Math.atan((Math.PI / 2) * arctanAlpha(a) * x) / Math.PI + 0.5;
  }
}
