/**
 * Structural relaxation from a Monte Carlo trajectory (docs/PHYSICS.md §7: estimating T_d): the
 * self-intermediate scattering function F_s(k, t) and the α-relaxation time τ_α where it decays
 * to 1/e (the convention of e.g. Berthier & Kob, J. Phys.: Condens. Matter 19, 205130 (2007), and
 * Ninarello et al., PRX 7, 021039 (2017), for swap-free MC dynamics).
 *
 * Positions are flat float64 arrays, particle i at [d·i, d·i + d), as everywhere in the engine.
 * The Monte Carlo wraps positions into [0, L), so displacements come from UNWRAPPED positions,
 * built by `accumulateUnwrapped` from consecutive wrapped snapshots.
 */
import { minimumImage } from '../space/box';

/** Default wavevector modulus k = 2π/a with a = 1 the mean diameter: near the first peak of S(k). */
export const DEFAULT_WAVEVECTOR = 2 * Math.PI;

/** F_s threshold that defines τ_α: F_s(k, τ_α) = 1/e. */
export const RELAXATION_THRESHOLD = Math.exp(-1);

/**
 * Adds the minimum-image step between two wrapped snapshots to the unwrapped positions, in place:
 *   u_iα ← u_iα + mic(x_iα(now) − x_iα(before)),   mic(Δ) = Δ − L·round(Δ/L).
 * Exact as long as no particle's true step has a component of |Δ| ≥ L/2 between the two
 * snapshots (the minimum image cannot tell a step of Δ from Δ ∓ L). Returns the largest
 * |mic step component| seen, so that the caller can check that it stays far below L/2: in swap-free
 * MC with snapshots every sweep, a step of L/2 ≥ r_c needs ≥ L/(2δ) accepted moves of one particle
 * all along one axis within one sweep, which does not happen; a returned value near L/2 means the
 * snapshots are too far apart for unwrapping to be trusted.
 */
export function accumulateUnwrapped(unwrapped: Float64Array, before: Float64Array, now: Float64Array, side: number): number {
  if (unwrapped.length !== before.length || now.length !== before.length) {
    throw new RangeError(`accumulateUnwrapped: arrays of ${unwrapped.length}, ${before.length} and ${now.length} values, expected one length`);
  }
  let largest = 0;
  for (let k = 0; k < now.length; k++) {
    const step = minimumImage(now[k] - before[k], side);
    unwrapped[k] += step;
    const size = Math.abs(step);
    if (size > largest) largest = size;
  }
  return largest;
}

/**
 * Self-intermediate scattering function at one lag, from unwrapped positions at t0 and t0 + t:
 *   F_s(k, t) = (1/(2dN)) Σ_i Σ_(α, ±) cos(±k Δr_iα) = (1/(dN)) Σ_i Σ_α cos(k Δr_iα),
 *   Δr_i = r_i(t0 + t) − r_i(t0),
 * the average over the 2d wavevectors ±k ê_α along the box axes (cos is even, so +k and −k give
 * the same term). Built from unwrapped displacements, F_s needs no k on the box's reciprocal
 * lattice: any k > 0 is meaningful.
 */
export function selfIntermediateScattering(reference: Float64Array, current: Float64Array, dim: number, k: number): number {
  if (reference.length !== current.length || reference.length % dim !== 0 || reference.length === 0) {
    throw new RangeError(`selfIntermediateScattering: ${reference.length} and ${current.length} coordinates do not hold the same particles in d = ${dim}`);
  }
  let sum = 0;
  for (let c = 0; c < current.length; c++) sum += Math.cos(k * (current[c] - reference[c]));
  return sum / current.length;
}

/**
 * Sweep counts spaced evenly in log t: 0, then round(10^(j/pointsPerDecade)) for j = 0, 1, …, kept
 * once each, always ending at `total`. Early lags are every sweep (the rounding merges them).
 */
export function logSpacedSweeps(total: number, pointsPerDecade = 10): number[] {
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`logSpacedSweeps: total must be a positive integer number of sweeps, got ${total}`);
  if (!(pointsPerDecade > 0)) throw new RangeError(`logSpacedSweeps: pointsPerDecade must be positive, got ${pointsPerDecade}`);
  const times = [0];
  for (let j = 0; ; j++) {
    const t = Math.round(10 ** (j / pointsPerDecade));
    if (t >= total) break;
    if (t > times[times.length - 1]) times.push(t);
  }
  times.push(total);
  return times;
}

export interface RelaxationTime {
  /** τ_α (the unit of `times`), or null when F_s stayed above 1/e for the whole run. */
  tau: number | null;
  /** When tau is null: the run length, a lower bound on τ_α. Null when tau was measured. */
  lowerBound: number | null;
}

/**
 * α-relaxation time: the first lag at which F_s falls below θ = 1/e, interpolated linearly in
 * ln t between the bracketing lags t_(j−1) < t_j (F_s(t_(j−1)) ≥ θ > F_s(t_j)):
 *   ln τ_α = ln t_(j−1) + (F_(j−1) − θ)/(F_(j−1) − F_j) · (ln t_j − ln t_(j−1));
 * linearly in t when the bracket starts at t = 0 (where ln t does not exist). If F_s never falls
 * below θ, τ_α is not measured: tau null, and the last lag is reported as a lower bound.
 */
export function relaxationTime(times: ArrayLike<number>, fs: ArrayLike<number>, threshold = RELAXATION_THRESHOLD): RelaxationTime {
  if (times.length !== fs.length || times.length === 0) throw new RangeError(`relaxationTime: ${times.length} times and ${fs.length} values of F_s`);
  for (let j = 1; j < times.length; j++) if (!(times[j] > times[j - 1])) throw new RangeError(`relaxationTime: times must increase (t[${j}] = ${times[j]} after ${times[j - 1]})`);
  for (let j = 0; j < fs.length; j++) {
    if (!(fs[j] < threshold)) continue;
    if (j === 0) return { tau: times[0], lowerBound: null };
    const t0 = times[j - 1];
    const t1 = times[j];
    const w = (fs[j - 1] - threshold) / (fs[j - 1] - fs[j]);
    const tau = t0 > 0 ? Math.exp(Math.log(t0) + w * (Math.log(t1) - Math.log(t0))) : t0 + w * (t1 - t0);
    return { tau, lowerBound: null };
  }
  return { tau: null, lowerBound: times[times.length - 1] };
}
