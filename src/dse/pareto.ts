/** Pareto front of design points: every objective is minimised (negate what should be maximised). */

/** a dominates b: no objective worse, at least one strictly better. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (ties kept: equal points are all on the front). */
export function paretoFront(objectives: readonly (readonly number[])[]): number[] {
  const order = objectives.map((_, i) => i).sort((i, j) => {
    for (let k = 0; k < objectives[i].length; k++) {
      // Comparisons, not a difference: Infinity - Infinity would be NaN and break the sort.
      if (objectives[i][k] < objectives[j][k]) return -1;
      if (objectives[i][k] > objectives[j][k]) return 1;
    }
    return i - j;
  });
  // Sorted lexicographically, a point can only be dominated by one before it.
  const front: number[] = [];
  for (const i of order) {
    if (!front.some((j) => dominates(objectives[j], objectives[i]))) front.push(i);
  }
  return front.sort((a, b) => a - b);
}
