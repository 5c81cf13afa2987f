/**
 * Local stresses (paper Eqs. 6, 86–90): per interacting pair σ^(αβ) = ê^α ê^β r φ'(r) (the
 * 1/Ω_Z of Eq. 6 is a constant factor and left out, as in Eqs. 86–90), the distributions of
 * |off-diagonal components| (Fig. 3) and of σ = |r φ'(r)| (Eq. 90), log-binned, and their low-σ
 * slope against the prediction P(σ) ~ σ^(−1+1/m) (Eq. 11).
 */
import type { Contacts } from '../model/glass';
import type { Taper } from '../model/settings';
import { fitPowerLaw } from '../linalg/fit';
import { histogram, logEdges, sortedQuantile, type Histogram } from './histogram';

/** Eqs. (86)–(87): σ_ij^(αβ) = ê^α ê^β r φ'(r) for every pair, d×d row-major per pair. */
export function pairStresses(c: Contacts, dim: number): Float64Array {
  const dd = dim * dim;
  const out = new Float64Array(c.count * dd);
  for (let p = 0; p < c.count; p++) {
    const r = c.distance[p];
    const psi = r * c.dphi[p];
    for (let a = 0; a < dim; a++) {
      const ea = c.separation[p * dim + a] / r;
      for (let b = 0; b < dim; b++) out[p * dd + a * dim + b] = ea * (c.separation[p * dim + b] / r) * psi;
    }
  }
  return out;
}

/** |σ^(αβ)| for α < β: d(d−1)/2 values per pair (Fig. 3). */
export function offDiagonalStressMagnitudes(stresses: Float64Array, dim: number): Float64Array {
  const dd = dim * dim;
  const pairs = stresses.length / dd;
  const per = (dim * (dim - 1)) / 2;
  const out = new Float64Array(pairs * per);
  let o = 0;
  for (let p = 0; p < pairs; p++) for (let a = 0; a < dim; a++) for (let b = a + 1; b < dim; b++) out[o++] = Math.abs(stresses[p * dd + a * dim + b]);
  return out;
}

/** Eq. (90): σ = |ψ(r)| = |r φ'(r)| per pair. */
export function radialStressMagnitudes(c: Contacts): Float64Array {
  const out = new Float64Array(c.count);
  for (let p = 0; p < c.count; p++) out[p] = Math.abs(c.distance[p] * c.dphi[p]);
  return out;
}

/** Eq. (11): the low-σ exponent −1 + 1/m of P(σ); m = ∞ gives −1 (up to logarithms), a potential with a minimum behaves as m = 1. */
export function predictedStressExponent(taper: Taper, potential: 'ipl' | 'lj' = 'ipl'): number {
  if (potential === 'lj') return 0;
  return taper === 'inf' ? -1 : -1 + 1 / taper;
}

export interface StressDistribution extends Histogram {}

/**
 * The lowest stress a default log-binned range starts at. The T_∞ taper sends r φ'(r) through
 * every decade down to subnormal numbers as r → r_c; a bin that narrow has a density
 * count/(total · width) beyond float64 (Infinity). Magnitudes below the floor still count in the
 * normalisation, in no bin.
 */
export const STRESS_FLOOR = 1e-280;

/** Log-binned density of positive stress magnitudes over [max(min, STRESS_FLOOR), max] of the data (zeros are skipped). */
export function stressDistribution(magnitudes: Float64Array, bins = 60, range?: [number, number]): StressDistribution {
  const positive = magnitudes.filter((s) => s > 0 && Number.isFinite(s));
  if (positive.length === 0) throw new RangeError('no positive stresses to bin');
  let lo = range?.[0];
  let hi = range?.[1];
  if (lo === undefined || hi === undefined) {
    let mn = Infinity;
    let mx = 0;
    for (const s of positive) {
      if (s < mn) mn = s;
      if (s > mx) mx = s;
    }
    lo ??= Math.max(mn, STRESS_FLOOR);
    hi ??= mx * (1 + 1e-12);
    if (!(hi > lo)) hi = lo * 2;
  }
  return histogram(positive, logEdges(lo, hi, bins), true);
}

export interface SlopeFit {
  /** Fitted exponent of P(σ) ~ σ^slope. */
  value: number;
  error: number;
  /** Fit window [σ_lo, σ_hi]. */
  window: [number, number];
  automatic: boolean;
  /** Bins used in the fit. */
  bins: number;
  /** Values inside the window. */
  values: number;
}

/**
 * The resolved range of stress magnitudes: [σ_max · 10⁻¹², σ_max]. Pair stresses below it are less
 * than 10⁻¹² of the largest one, below the resolution of an inherent structure quenched to
 * max|f| ≤ 10⁻¹⁰ (the default force tolerance) in force units of order one; with m = ∞ they reach
 * 10⁻³⁰⁰ and fill every decade down to the float64 floor. The automatic slope window and the P(σ)
 * figure keep to this range (issue 10 item 7; docs/OBSERVABLES.md "Local stresses").
 */
export const STRESS_RESOLVED_DECADES = 12;

/** The lower end of the resolved range below the largest stress σ_max: σ_max · 10^(−STRESS_RESOLVED_DECADES). */
export function resolvedStressFloor(largest: number): number {
  return largest * 10 ** -STRESS_RESOLVED_DECADES;
}

export interface SlopeOptions {
  /** User window [σ_lo, σ_hi]. */
  window?: [number, number];
  /** Automatic window: up to this quantile of the magnitudes (default 0.02). */
  upperQuantile?: number;
  /** Log bins per decade inside the window (default 5). */
  binsPerDecade?: number;
  /** Bins with fewer counts are left out of the fit (default 5). */
  minCount?: number;
}

/**
 * Low-σ power-law slope of P(σ): log-binned density inside the window, fitted in log–log with
 * Poisson weights (the count of each bin). The automatic window runs from the smallest resolved value
 * (≥ resolvedStressFloor) to the `upperQuantile` quantile of the resolved values, where the tail near
 * r_c (or the minimum of the potential) dominates.
 */
export function lowStressSlope(magnitudes: Float64Array, options: SlopeOptions = {}): SlopeFit {
  const sorted = magnitudes.filter((s) => s > 0 && Number.isFinite(s)).sort();
  if (sorted.length < 10) throw new RangeError('a stress slope needs at least 10 positive values');
  const automatic = !options.window;
  let window = options.window;
  if (!window) {
    const floor = resolvedStressFloor(sorted[sorted.length - 1]);
    const resolved = sorted.filter((s) => s >= floor);
    if (resolved.length < 10) throw new RangeError('a stress slope needs at least 10 positive values within 12 decades of the largest');
    window = [resolved[0], sortedQuantile(resolved, options.upperQuantile ?? 0.02)];
  }
  const decades = Math.log10(window[1] / window[0]);
  const bins = Math.max(3, Math.round(decades * (options.binsPerDecade ?? 5)));
  const h = histogram(sorted, logEdges(window[0], window[1], bins), true);
  const minCount = options.minCount ?? 5;
  const x: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  for (let b = 0; b < bins; b++) {
    if (h.counts[b] >= minCount) {
      x.push(h.centres[b]);
      y.push(h.density[b]);
      w.push(h.counts[b]);
    }
  }
  const fit = fitPowerLaw(x, y, w);
  let inside = 0;
  for (const s of sorted) if (s >= window[0] && s <= window[1]) inside++;
  return { value: fit.slope, error: fit.slopeError, window, automatic, bins: x.length, values: inside };
}

/**
 * Per-particle stress σ_i = ½ Σ_j σ_ij over the pairs of particle i (Eqs. 86–87, half of each pair
 * to each partner, no volume factor), d×d row-major per particle. Σ_i σ_i = Σ_pairs σ_ij.
 */
export function particleStresses(c: Contacts, dim: number, particles: number): Float64Array {
  const dd = dim * dim;
  const pair = pairStresses(c, dim);
  const out = new Float64Array(particles * dd);
  for (let p = 0; p < c.count; p++) {
    for (let k = 0; k < dd; k++) {
      const half = 0.5 * pair[p * dd + k];
      out[c.i[p] * dd + k] += half;
      out[c.j[p] * dd + k] += half;
    }
  }
  return out;
}

/** tr σ_i of the d×d tensor of particle i in a per-particle array. */
function traceOf(stresses: Float64Array, i: number, dim: number): number {
  let trace = 0;
  for (let a = 0; a < dim; a++) trace += stresses[i * dim * dim + a * dim + a];
  return trace;
}

/** Local pressure p_i = −(1/d) tr σ_i of per-particle stresses (Σ_i p_i = P·V, the virial pressure times the volume). */
export function localPressures(stresses: Float64Array, dim: number): Float64Array {
  const n = stresses.length / (dim * dim);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = -traceOf(stresses, i, dim) / dim;
  return out;
}

/** Local shear stress ‖dev σ_i‖ (Frobenius norm of the traceless part) of per-particle stresses. */
export function localShearStresses(stresses: Float64Array, dim: number): Float64Array {
  const dd = dim * dim;
  const n = stresses.length / dd;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const trace = traceOf(stresses, i, dim);
    let sum = 0;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) sum += (stresses[i * dd + a * dim + b] - (a === b ? trace / dim : 0)) ** 2;
    out[i] = Math.sqrt(sum);
  }
  return out;
}
