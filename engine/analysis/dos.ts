/**
 * Spectral observables of docs/PHYSICS.md §5 from Hessian eigenvalues (the zero modes already removed
 * by engine/spectrum/zeroModes.ts): the density of states g(ω) on linear and logarithmic bins, the reduced DOS
 * g(ω)/ω^(d−1), the integrated DOS F(ω) of Eq. (19) without binning, and the low-frequency exponent
 * s from F ~ ω^(s+1) with a bootstrap-over-samples confidence interval.
 */
import { createRng, uniformInt } from '../random';
import { fitPowerLaw } from '../linalg/fit';
import { histogram, type Histogram } from './histogram';

/** docs/PHYSICS.md §5: g(ω) normalised over the non-zero modes (∫ g dω = 1 over all of them), on given edges. */
export function densityOfStates(frequencies: Float64Array, edges: Float64Array, logarithmic = false): Histogram {
  const finite = frequencies.filter((w) => Number.isFinite(w));
  return histogram(finite, edges, logarithmic);
}

/** docs/PHYSICS.md §5: reduced DOS g(ω)/ω^(d−1), Debye-flat for phonons. */
export function reducedDos(centres: Float64Array, density: Float64Array, dim: number): Float64Array {
  return density.map((g, k) => g / centres[k] ** (dim - 1));
}

/**
 * Eq. (19): F(ω) = fraction of the sample's non-zero modes with ω_k ≤ ω, without binning.
 * `sortedFrequencies` ascending; evaluated at each ω of `at`.
 */
export function integratedDos(sortedFrequencies: Float64Array, at: ArrayLike<number>, total = sortedFrequencies.length): Float64Array {
  // `total`: the number of non-zero modes the sample has — dN − d also when only the lowest K are
  // stored (spectrum.method 'lowest'), so F is then exact up to the highest stored frequency.
  const n = total;
  const out = new Float64Array(at.length);
  for (let k = 0; k < at.length; k++) out[k] = countAtMost(sortedFrequencies, at[k]) / n;
  return out;
}

/** Number of entries ≤ x in an ascending array. */
function countAtMost(sorted: Float64Array, x: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (sorted[mid] <= x) a = mid + 1;
    else b = mid;
  }
  return a;
}

export interface EnsembleIntegratedDos {
  /** Every non-zero frequency of every sample, ascending: the steps of the averaged F. */
  omega: Float64Array;
  /** Sample mean of F(ω) at each ω. */
  value: Float64Array;
  /** Standard error of that mean over samples. */
  error: Float64Array;
}

/** Eq. (19), ensemble-averaged: F̄(ω) = mean over samples of F_sample(ω), on the pooled frequencies. */
export function ensembleIntegratedDos(samples: Float64Array[], at?: Float64Array, totals?: number[]): EnsembleIntegratedDos {
  const omega = at ?? pooledFrequencies(samples);
  const rows = samples.map((s, k) => integratedDos(s, omega, totals?.[k]));
  const n = rows.length;
  const value = new Float64Array(omega.length);
  const error = new Float64Array(omega.length);
  for (const row of rows) for (let k = 0; k < omega.length; k++) value[k] += row[k] / n;
  if (n > 1) {
    for (let k = 0; k < omega.length; k++) {
      let s = 0;
      for (const row of rows) s += (row[k] - value[k]) ** 2;
      error[k] = Math.sqrt(s / (n - 1) / n);
    }
  }
  return { omega, value, error };
}

export function pooledFrequencies(samples: Float64Array[]): Float64Array {
  let total = 0;
  for (const s of samples) total += s.length;
  const out = new Float64Array(total);
  let o = 0;
  for (const s of samples) {
    out.set(s, o);
    o += s.length;
  }
  return out.filter((w) => Number.isFinite(w)).sort();
}

export interface ExponentEstimate {
  /** s from F ~ ω^(s+1). */
  value: number;
  /** Bootstrap interval (percentiles) at `level`; equal to value with a single sample. */
  low: number;
  high: number;
  level: number;
  /** Fit window [ω_lo, ω_hi]. */
  window: [number, number];
  /** Whether the window was chosen automatically (below ω_0) or set by the user. */
  automatic: boolean;
  /** Pooled frequencies inside the window (the fit points). */
  points: number;
  samples: number;
  resamples: number;
}

export interface ExponentOptions {
  /** User window [ω_lo, ω_hi]; otherwise automatic: from the lowest pooled frequency up to `omega0`. */
  window?: [number, number];
  /** Upper end of the automatic window (the lowest phonon frequency ω_0). */
  omega0?: number;
  /** Fewest fit points the automatic window takes (it extends above ω_0 if it must). Default 4. */
  minPoints?: number;
  resamples?: number;
  seed?: number;
  level?: number;
  /** Non-zero modes of each sample (dN − d), when only the lowest are given (default: the count given). */
  totals?: number[];
}

/**
 * The exponent s of g ~ ω^s from the ensemble-averaged integrated DOS, F̄ ~ ω^(s+1) (Eq. 19 and
 * the line below it), by least squares in log–log on the pooled frequencies inside the window.
 * Confidence interval: bootstrap over samples (resample the samples with replacement, refit on the
 * same window), seeded so that it is reproducible.
 */
export function lowFrequencyExponent(samples: Float64Array[], options: ExponentOptions = {}): ExponentEstimate {
  const pooled = pooledFrequencies(samples);
  const positive = pooled.filter((w) => w > 0);
  if (positive.length < 2) throw new RangeError('the low-frequency exponent needs at least two non-zero frequencies');
  let window: [number, number];
  let automatic = false;
  if (options.window) {
    window = options.window;
  } else {
    automatic = true;
    const minPoints = options.minPoints ?? 4;
    const top = options.omega0 ?? positive[Math.min(positive.length - 1, Math.max(minPoints, Math.floor(positive.length / 20)) - 1)];
    const inside = countAtMost(positive, top);
    const upper = inside >= minPoints ? top : positive[Math.min(positive.length, minPoints) - 1];
    window = [positive[0], upper];
  }
  const fitAt = positive.filter((w) => w >= window[0] && w <= window[1]);
  const totalOf = new Map(samples.map((f, k) => [f, options.totals?.[k] ?? f.length]));
  const fitOn = (set: Float64Array[], at: Float64Array) => {
    const f = ensembleIntegratedDos(set, at, set.map((x) => totalOf.get(x)!));
    return fitPowerLaw(at, f.value).slope - 1;
  };
  const value = fitAt.length >= 2 ? fitOn(samples, fitAt) : NaN;
  const level = options.level ?? 0.95;
  const resamples = samples.length > 1 ? (options.resamples ?? 1000) : 0;
  let low = value;
  let high = value;
  if (resamples > 0 && fitAt.length >= 2) {
    const rng = createRng(options.seed ?? 1);
    const estimates: number[] = [];
    // Each sample's frequencies inside the window, so that a resample pools only those.
    const inside = samples.map((f) => f.filter((w) => w > 0 && w >= window[0] && w <= window[1]));
    for (let b = 0; b < resamples; b++) {
      const set: Float64Array[] = [];
      const parts: Float64Array[] = [];
      for (let k = 0; k < samples.length; k++) {
        const pick = uniformInt(rng, samples.length);
        set.push(samples[pick]);
        parts.push(inside[pick]);
      }
      const at = pooledFrequencies(parts);
      if (at.length >= 2) estimates.push(fitOn(set, at));
    }
    estimates.sort((a, b) => a - b);
    const q = (p: number) => estimates[Math.min(estimates.length - 1, Math.max(0, Math.round(p * (estimates.length - 1))))];
    low = q((1 - level) / 2);
    high = q(1 - (1 - level) / 2);
  }
  return { value, low, high, level, window, automatic, points: fitAt.length, samples: samples.length, resamples };
}
