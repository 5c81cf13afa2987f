/**
 * The zero-mode rule (docs/PHYSICS.md §4), written once for the spectrum stage, the analysis, and
 * what the app shows: a periodic glass has d translational zero modes, which leave every
 * statistic; any other eigenvalue below −tol marks the configuration unstable (counted, never
 * hidden). tol = 1e-8 λ_max.
 *
 * With eigenvectors (the stage has them all; modes.npy holds the lowest rows), a zero mode is a mode
 * with |λ| ≤ tol whose squared projection on the d uniform translations exceeds ½ — so a rattler's
 * local zero mode is not mistaken for a translation. With eigenvalues alone (no stored vectors, or
 * fewer rows than eigenvalues ≤ tol), the rule falls back to the d eigenvalues smallest in modulus,
 * which for a stable glass are the same modes.
 */

/** ω = √λ of an eigenvalue of the Hessian (unit masses); NaN for λ < 0, which has no real frequency. */
export function frequencyOf(lambda: number): number {
  return lambda >= 0 ? Math.sqrt(lambda) : NaN;
}

export interface ZeroModes {
  /** Indices (ascending, into the eigenvalue list) of the translational zero modes. */
  indices: number[];
  /** Eigenvalues below −tolerance other than the zero modes. */
  unstable: number;
  /** |λ| below which a mode counts as numerically zero: 1e-8 λ_max. */
  tolerance: number;
  /** 'vectors' when the eigenvectors decided, 'eigenvalues' for the fallback. */
  decidedBy: 'vectors' | 'eigenvalues';
}

export interface NonZeroSpectrum {
  /** Eigenvalues with the d translational zero modes removed, ascending. */
  eigenvalues: Float64Array;
  /** ω_k = √λ_k of those (NaN for an unstable λ < 0). */
  frequencies: Float64Array;
  /** Indices (into the input) of the removed zero modes. */
  zeroModes: number[];
  /** Eigenvalues below −tolerance other than the zero modes: an unstable configuration. */
  unstable: number;
  tolerance: number;
}

/** 1e-8 max_k |λ_k|. */
export function zeroModeTolerance(eigenvalues: ArrayLike<number>): number {
  let largest = 0;
  for (let k = 0; k < eigenvalues.length; k++) largest = Math.max(largest, Math.abs(eigenvalues[k]));
  return 1e-8 * largest;
}

/** Squared projection of each of the first `count` rows (unit vectors, dN long) onto the d uniform translations. */
export function translationWeights(vectors: Float64Array, count: number, dim: number, particles: number): Float64Array {
  const n = dim * particles;
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let w = 0;
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let i = 0; i < particles; i++) s += vectors[k * n + dim * i + a];
      w += (s * s) / particles;
    }
    out[k] = w;
  }
  return out;
}

/**
 * The zero modes of an ascending eigenvalue list. `vectors`: the eigenvectors of the lowest
 * eigenvalues, row by row (K × dN, as modes.npy), or null; `particles` N; `lambdaMax`: λ_max where
 * it is known beyond the list (a partial spectrum from the lowest-K path), else the largest |λ| listed.
 */
export function identifyZeroModes(eigenvalues: ArrayLike<number>, dim: number, vectors?: Float64Array | null, particles?: number, lambdaMax?: number): ZeroModes {
  const n = eigenvalues.length;
  const tolerance = lambdaMax === undefined ? zeroModeTolerance(eigenvalues) : 1e-8 * lambdaMax;
  let candidates = 0;
  while (candidates < n && eigenvalues[candidates] <= tolerance) candidates++;
  const rows = vectors && particles ? Math.floor(vectors.length / (dim * particles)) : 0;
  let indices: number[];
  let decidedBy: ZeroModes['decidedBy'];
  if (vectors && particles && rows >= candidates) {
    const weights = translationWeights(vectors, candidates, dim, particles);
    indices = [];
    for (let k = 0; k < candidates; k++) if (Math.abs(eigenvalues[k]) <= tolerance && weights[k] > 0.5) indices.push(k);
    decidedBy = 'vectors';
  } else {
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => Math.abs(eigenvalues[a]) - Math.abs(eigenvalues[b]));
    indices = order.slice(0, Math.min(dim, n)).sort((a, b) => a - b);
    decidedBy = 'eigenvalues';
  }
  const zero = new Set(indices);
  let unstable = 0;
  for (let k = 0; k < n; k++) if (!zero.has(k) && eigenvalues[k] < -tolerance) unstable++;
  return { indices, unstable, tolerance, decidedBy };
}

/** The spectrum every statistic uses: the eigenvalues and frequencies without the zero modes of `identifyZeroModes`. */
export function nonZeroSpectrum(eigenvalues: Float64Array, dim: number, vectors?: Float64Array | null, particles?: number): NonZeroSpectrum {
  const z = identifyZeroModes(eigenvalues, dim, vectors, particles);
  const zero = new Set(z.indices);
  const kept: number[] = [];
  for (let k = 0; k < eigenvalues.length; k++) if (!zero.has(k)) kept.push(eigenvalues[k]);
  kept.sort((a, b) => a - b);
  const values = Float64Array.from(kept);
  return { eigenvalues: values, frequencies: values.map(frequencyOf), zeroModes: z.indices, unstable: z.unstable, tolerance: z.tolerance };
}
