/**
 * Table 1 of the paper (Eqs. 11–12, 103–107): low-frequency exponents of the type-II spectrum for a
 * potential tapered to order m, P(σ) ~ σ^(−1+1/m), ρ(λ) ~ λ^(1+1/m), g(ω) ~ ω^(3+2/m),
 * F(ω) ~ ω^(4+2/m); m = ∞ gives −1, 1, 3, 4 (up to logarithms); a potential with a minimum behaves
 * as m = 1: P ~ σ⁰, ρ ~ λ², g ~ ω⁵, F ~ ω⁶.
 */
import type { Taper } from '../model/settings';

export interface TableOneRow {
  /** The taper order m as text ('2', '∞', '1 (minimum)'). */
  m: string;
  stress: number;
  rho: number;
  dos: number;
  integratedDos: number;
}

/** Exponents for taper order m (an integer ≥ 1, or 'inf'), or for a potential with a minimum ('lj'). */
export function tableOne(taper: Taper, potential: 'ipl' | 'lj' = 'ipl'): TableOneRow {
  if (potential === 'lj') return { m: '1 (potential minimum)', stress: 0, rho: 2, dos: 5, integratedDos: 6 };
  if (taper !== 'inf' && !(Number.isInteger(taper) && taper >= 1)) throw new RangeError(`taper order must be an integer ≥ 1 or 'inf' (got ${taper})`);
  const invM = taper === 'inf' ? 0 : 1 / taper;
  return { m: taper === 'inf' ? '∞' : String(taper), stress: -1 + invM, rho: 1 + invM, dos: 3 + 2 * invM, integratedDos: 4 + 2 * invM };
}
