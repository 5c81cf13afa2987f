/** Participation ratio of a mode (docs/PHYSICS.md §5): 1 for a plane wave, 1/N for one moving particle. */

/** PR_k = (Σ_i |e_k,i|²)² / (N Σ_i |e_k,i|⁴), |e_k,i|² summed over the d components of particle i. */
export function participationRatio(mode: ArrayLike<number>, dim: number, offset = 0, length = mode.length - offset): number {
  return participationRatioOf(mode, dim, offset, length);
}

function participationRatioOf(mode: ArrayLike<number>, dim: number, offset: number, length: number): number {
  const n = length / dim;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    let a = 0;
    for (let k = 0; k < dim; k++) a += mode[offset + dim * i + k] ** 2;
    s2 += a;
    s4 += a * a;
  }
  return s4 > 0 ? (s2 * s2) / (n * s4) : NaN;
}

/** PR of each of K modes stored row by row (K × dN, the layout of modes.npy). */
export function participationRatios(modes: Float64Array, dim: number, dn: number): Float64Array {
  const k = Math.floor(modes.length / dn);
  const out = new Float64Array(k);
  for (let m = 0; m < k; m++) out[m] = participationRatioOf(modes, dim, m * dn, dn);
  return out;
}
