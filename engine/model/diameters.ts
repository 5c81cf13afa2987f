import { type RngState, uniform } from '../random';

/**
 * Diameters drawn i.i.d. from P(a) ∝ a^-3 on [aMin, aMax] (docs/PHYSICS.md §1, the paper's Methods,
 * after Ninarello et al. PRX 2017), by the inverse CDF
 *   a = (aMin^-2 − u (aMin^-2 − aMax^-2))^(-1/2),  u ∈ [0, 1).
 */
export function sampleDiameters(count: number, aMin: number, aMax: number, rng: RngState): Float64Array {
  const out = new Float64Array(count);
  const lo = aMin ** -2;
  const span = lo - aMax ** -2;
  for (let i = 0; i < count; i++) out[i] = (lo - uniform(rng) * span) ** -0.5;
  return out;
}

/** The cumulative distribution of P(a) ∝ a^-3 on [aMin, aMax], for tests and plots. */
export function diameterCdf(a: number, aMin: number, aMax: number): number {
  if (a <= aMin) return 0;
  if (a >= aMax) return 1;
  return (aMin ** -2 - a ** -2) / (aMin ** -2 - aMax ** -2);
}

/** Mean of P(a) ∝ a^-3 on [aMin, aMax]: 2 (1/aMin − 1/aMax) / (aMin^-2 − aMax^-2). */
export function meanDiameter(aMin: number, aMax: number): number {
  return (2 * (1 / aMin - 1 / aMax)) / (aMin ** -2 - aMax ** -2);
}
