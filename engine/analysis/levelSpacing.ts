/**
 * Level-spacing ratios (Methods; Atas et al. 2013): r_p = (λ_(p+1) − λ_p)/(λ_(p+2) − λ_(p+1)) in
 * windows of the non-zero spectrum, their histogram against the GOE surmise (Eq. 18) and the
 * Poisson law, and ⟨r̃⟩ with r̃ = min(r, 1/r).
 */
import { histogram, linearEdges, type Histogram } from './histogram';

/** ⟨r̃⟩ of the GOE (large-matrix value, Atas et al.) and of Poisson levels (2 ln 2 − 1). */
export const GOE_MEAN_RATIO = 0.5307;
export const POISSON_MEAN_RATIO = 2 * Math.LN2 - 1;

/** Eq. (18), Atas et al.: P(r) = (27/8)(r + r²)/(1 + r + r²)^(5/2), the GOE surmise. */
export function atasSurmise(r: number): number {
  return ((27 / 8) * (r + r * r)) / (1 + r + r * r) ** 2.5;
}

/** Poisson (uncorrelated) levels: P(r) = 1/(1 + r)². */
export function poissonRatioDensity(r: number): number {
  return 1 / (1 + r) ** 2;
}

/** r_p for p = start … start + count − 3 over ascending eigenvalues (count levels give count − 2 ratios). */
export function levelSpacingRatios(sortedEigenvalues: ArrayLike<number>, start = 0, count = sortedEigenvalues.length - start): Float64Array {
  const m = Math.max(0, count - 2);
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const p = start + k;
    out[k] = (sortedEigenvalues[p + 1] - sortedEigenvalues[p]) / (sortedEigenvalues[p + 2] - sortedEigenvalues[p + 1]);
  }
  return out;
}

/** r̃ = min(r, 1/r) ∈ [0, 1]. */
export function ratioTilde(r: number): number {
  return r > 1 ? 1 / r : r;
}

/** ⟨r̃⟩ over a set of ratios (degenerate 0/0 ratios are skipped). */
export function meanRatioTilde(ratios: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let k = 0; k < ratios.length; k++) {
    const r = ratios[k];
    if (Number.isNaN(r)) continue;
    s += ratioTilde(r);
    n++;
  }
  return n > 0 ? s / n : NaN;
}

export type RatioWindowName = 'lowest' | 'middle' | 'highest';

export interface RatioWindowOptions {
  /** Number of non-zero levels in the lowest and highest windows (default 50, the paper's). */
  edgeWidth?: number;
  /** Number of levels in the middle window, centred on the middle of the spectrum (default edgeWidth). */
  middleWidth?: number;
}

/** Index ranges [start, start + count) of the three windows over `levels` non-zero eigenvalues. */
export function ratioWindows(levels: number, options: RatioWindowOptions = {}): Record<RatioWindowName, { start: number; count: number }> {
  const edge = Math.min(options.edgeWidth ?? 50, levels);
  const middle = Math.min(options.middleWidth ?? edge, levels);
  return {
    lowest: { start: 0, count: edge },
    middle: { start: Math.max(0, Math.floor((levels - middle) / 2)), count: middle },
    highest: { start: levels - edge, count: edge },
  };
}

/** Density histogram of r on [0, rMax] (ratios above rMax count in the normalisation only). */
export function ratioHistogram(ratios: ArrayLike<number>, bins = 40, rMax = 4): Histogram {
  return histogram(ratios, linearEdges(0, rMax, bins));
}
