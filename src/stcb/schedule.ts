/**
 * Threshold schedules of the STEB (DESIGN.md section 2).
 * V(t) for t = 1..T; returned 0-based: thresholds[t - 1] = V(t).
 */
export type ScheduleKind = 'exp' | 'pow2' | 'const';

export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['exp', 'pow2', 'const'];

export interface StcbSettings {
  /** Number of time steps T. */
  timesteps: number;
  /** Initial threshold V0. */
  vth0: number;
  /** Time constant tau of the `exp` schedule (ignored by the others). */
  tau: number;
  schedule: ScheduleKind;
}

/** The paper's defaults for static images (T = 8, tau = 2, V0 = 0.8, exp). */
export const PAPER_DEFAULTS: Readonly<StcbSettings> = Object.freeze({
  timesteps: 8,
  vth0: 0.8,
  tau: 2,
  schedule: 'exp',
});

export function thresholds(s: StcbSettings): Float64Array {
  validateSettings(s);
  const v = new Float64Array(s.timesteps);
  for (let t = 1; t <= s.timesteps; t++) {
    v[t - 1] =
      s.schedule === 'exp' ? s.vth0 * Math.exp(-(t - 1) / s.tau)
      : s.schedule === 'pow2' ? s.vth0 * 2 ** -(t - 1)
      : s.vth0;
  }
  return v;
}

/** Largest value the encoder can represent: sum_t V(t); above it x_hat saturates. */
export function representableMax(s: StcbSettings): number {
  return thresholds(s).reduce((a, b) => a + b, 0);
}

export function validateSettings(s: StcbSettings): void {
  if (!Number.isInteger(s.timesteps) || s.timesteps < 1 || s.timesteps > 31) {
    throw new RangeError(`timesteps must be an integer in 1..31, got ${s.timesteps}`);
  }
  if (!(s.vth0 > 0) || !Number.isFinite(s.vth0)) throw new RangeError(`vth0 must be a positive number, got ${s.vth0}`);
  if (s.schedule === 'exp' && (!(s.tau > 0) || !Number.isFinite(s.tau))) {
    throw new RangeError(`tau must be a positive number, got ${s.tau}`);
  }
  if (!SCHEDULE_KINDS.includes(s.schedule)) {
    throw new RangeError(`schedule must be one of ${SCHEDULE_KINDS.join(', ')}, got ${String(s.schedule)}`);
  }
}
