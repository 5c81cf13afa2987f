/**
 * Generalised HET, type-II contribution (Eqs. 7–8, 84–85): with P(σ) the measured distribution of
 * local stresses, ρ_εη(λ) ∝ σ² P(σ) at σ = λζ, and g_εη(ω) = 2ω ρ_εη(ω²). ζ (a local moment-of-
 * inertia density) and the overall amplitude are not fixed by the theory: ζ is a parameter and the
 * amplitude can be matched to a measured DOS with `matchAmplitude`.
 */

export interface TypeTwoCurve {
  /** λ = σ/ζ at each stress value. */
  lambda: Float64Array;
  omega: Float64Array;
  /** ρ_εη(λ) = amplitude · σ² P(σ). */
  rho: Float64Array;
  /** g_εη(ω) = 2ω ρ_εη(ω²). */
  g: Float64Array;
}

/** Eq. (8)/(85): the type-II spectrum from a stress histogram (centres σ, densities P(σ)). */
export function typeTwoSpectrum(sigma: ArrayLike<number>, density: ArrayLike<number>, zeta = 1, amplitude = 1): TypeTwoCurve {
  const n = sigma.length;
  const lambda = new Float64Array(n);
  const omega = new Float64Array(n);
  const rho = new Float64Array(n);
  const g = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const s = sigma[k];
    lambda[k] = s / zeta;
    omega[k] = Math.sqrt(lambda[k]);
    rho[k] = amplitude * s * s * density[k];
    g[k] = 2 * omega[k] * rho[k];
  }
  return { lambda, omega, rho, g };
}

/**
 * Amplitude A that best overlays A·curve on a measured DOS inside [ω_lo, ω_hi]: least squares in
 * log space, ln A = mean over the measured points of ln g_meas − ln g_curve (the curve interpolated
 * log-linearly in ω). NaN when no point overlaps.
 */
export function matchAmplitude(curve: TypeTwoCurve, omega: ArrayLike<number>, measured: ArrayLike<number>, window: [number, number]): number {
  const order = Array.from(curve.omega.keys()).filter((k) => curve.g[k] > 0).sort((a, b) => curve.omega[a] - curve.omega[b]);
  const xs = order.map((k) => Math.log(curve.omega[k]));
  const ys = order.map((k) => Math.log(curve.g[k]));
  let s = 0;
  let n = 0;
  for (let k = 0; k < omega.length; k++) {
    const w = omega[k];
    if (!(w >= window[0] && w <= window[1] && measured[k] > 0)) continue;
    const x = Math.log(w);
    if (xs.length < 2 || x < xs[0] || x > xs[xs.length - 1]) continue;
    let j = 1;
    while (j < xs.length - 1 && xs[j] < x) j++;
    const t = (x - xs[j - 1]) / (xs[j] - xs[j - 1]);
    const y = ys[j - 1] + t * (ys[j] - ys[j - 1]);
    s += Math.log(measured[k]) - y;
    n++;
  }
  return n > 0 ? Math.exp(s / n) : NaN;
}
