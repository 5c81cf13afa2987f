/**
 * The mode-coupling power law of the α-relaxation time (W. Götze, "Complex Dynamics of
 * Glass-Forming Liquids", OUP 2009, ch. 4; as fitted to swap-free dynamics by Ninarello et al.,
 * PRX 7, 021039 (2017)):
 *   τ_α(T) = A (T − T_d)^(−γ),  T > T_d,
 * whose apparent divergence locates the dynamical (mode-coupling) temperature T_d (docs/PHYSICS.md §7).
 *
 * For fixed T_d the law is a straight line, ln τ = ln A − γ ln(T − T_d), so the fit is linear least
 * squares in (ln(T − T_d), ln τ) for each trial T_d, and T_d is the one that minimises the squared
 * residual in ln τ: a grid in ln(T_min − T_d) below the lowest temperature, refined by golden
 * section around the best grid point.
 */
import { fitLine } from '../linalg/fit';
import { goldenSection } from '../numerics/goldenSection';

export interface ModeCouplingFit {
  /** Dynamical temperature T_d (below every fitted temperature). */
  Td: number;
  /** Exponent γ of τ ∝ (T − T_d)^(−γ). */
  gamma: number;
  /** Prefactor A (unit of τ times temperature^γ). */
  A: number;
  /** Σ_k [ln τ_k − ln τ_fit(T_k)]², the squared residual in ln τ at the optimum. */
  residual: number;
  /** Number of (T, τ) points fitted. */
  points: number;
  /**
   * True when the optimum lies at an end of the searched T_d range (T_d → T_min, or T_d = tdMin):
   * the data do not locate T_d, and the values are not an estimate of it.
   */
  atBoundary: boolean;
}

export interface ModeCouplingOptions {
  /** Lowest T_d searched (default 0: a dynamical temperature is positive). Must be below min T. */
  tdMin?: number;
  /** Grid points in ln(T_min − T_d) before golden-section refinement (default 2000). */
  gridPoints?: number;
}

/** Closest approach of the T_d search to the lowest temperature, relative to it. */
const CLOSEST_RELATIVE = 1e-8;
/** τ(T) = A (T − T_d)^(−γ), NaN at or below T_d. */
export function modeCouplingTau(temperature: number, fit: Pick<ModeCouplingFit, 'Td' | 'gamma' | 'A'>): number {
  return temperature > fit.Td ? fit.A * (temperature - fit.Td) ** -fit.gamma : NaN;
}

/**
 * The straight line ln τ = ln A − γ ln(T − T_d) through the points for one fixed T_d < min T, and
 * its squared residual Σ_k [ln τ_k − ln A + γ ln(T_k − T_d)]².
 */
export function modeCouplingAtTd(temperatures: ArrayLike<number>, logTau: ArrayLike<number>, Td: number): { gamma: number; A: number; residual: number } {
  const x = new Float64Array(temperatures.length);
  for (let k = 0; k < x.length; k++) x[k] = Math.log(temperatures[k] - Td);
  const line = fitLine(x, logTau);
  let residual = 0;
  for (let k = 0; k < x.length; k++) residual += (logTau[k] - line.intercept - line.slope * x[k]) ** 2;
  return { gamma: -line.slope, A: Math.exp(line.intercept), residual };
}

/**
 * Fits τ = A (T − T_d)^(−γ) to (T, τ) points. Refuses (RangeError) fewer than 3 points, fewer than
 * 3 distinct temperatures, non-positive or non-finite T or τ, and a tdMin not below min T.
 */
export function fitModeCoupling(temperatures: ArrayLike<number>, tau: ArrayLike<number>, options: ModeCouplingOptions = {}): ModeCouplingFit {
  const n = temperatures.length;
  if (tau.length !== n) throw new RangeError(`mode-coupling fit: ${n} temperatures but ${tau.length} relaxation times`);
  if (n < 3) throw new RangeError(`mode-coupling fit needs at least 3 (T, τ) points to determine T_d, γ and A, got ${n}`);
  const logTau = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (!(Number.isFinite(temperatures[k]) && temperatures[k] > 0)) throw new RangeError(`mode-coupling fit: temperature ${k} must be positive and finite, got ${temperatures[k]}`);
    if (!(Number.isFinite(tau[k]) && tau[k] > 0)) throw new RangeError(`mode-coupling fit: relaxation time at T = ${temperatures[k]} must be positive and finite, got ${tau[k]}`);
    logTau[k] = Math.log(tau[k]);
  }
  if (new Set(Array.from(temperatures)).size < 3) throw new RangeError('mode-coupling fit needs at least 3 distinct temperatures');
  const tMin = Math.min(...Array.from(temperatures));
  const tdMin = options.tdMin ?? 0;
  if (!(tdMin < tMin)) throw new RangeError(`mode-coupling fit: tdMin = ${tdMin} must lie below the lowest temperature ${tMin}`);
  const gridPoints = options.gridPoints ?? 2000;
  if (!(Number.isInteger(gridPoints) && gridPoints >= 3)) throw new RangeError(`mode-coupling fit: gridPoints must be an integer ≥ 3, got ${gridPoints}`);

  // Search variable u = ln(T_min − T_d): even steps in u resolve T_d ever closer to T_min.
  const uLow = Math.log(CLOSEST_RELATIVE * tMin);
  const uHigh = Math.log(tMin - tdMin);
  const tdOf = (u: number) => Math.max(tdMin, tMin - Math.exp(u)); // exp(ln x) need not round back to x
  const residualAt = (u: number) => modeCouplingAtTd(temperatures, logTau, tdOf(u)).residual;
  const step = (uHigh - uLow) / (gridPoints - 1);
  let best = 0;
  let bestResidual = Infinity;
  for (let j = 0; j < gridPoints; j++) {
    const r = residualAt(uLow + j * step);
    if (r < bestResidual) {
      bestResidual = r;
      best = j;
    }
  }
  // Golden-section search on the two grid intervals around the best grid point.
  let u = goldenSection(residualAt, uLow + Math.max(0, best - 1) * step, uLow + Math.min(gridPoints - 1, best + 1) * step, { extremum: 'min', tolerance: 1e-13, relative: true }).x;
  // Keep the best point seen: the refinement may not beat a grid point that sits at an end.
  if (residualAt(u) > bestResidual) u = uLow + best * step;
  const Td = tdOf(u);
  const line = modeCouplingAtTd(temperatures, logTau, Td);
  const edge = 1e-6 * (uHigh - uLow);
  return { Td, gamma: line.gamma, A: line.A, residual: line.residual, points: n, atBoundary: u - uLow < edge || uHigh - u < edge };
}
