/**
 * float64 refinement of an approximate eigen-decomposition of a symmetric matrix (docs/PHYSICS.md §4: the
 * float32 device result must be refined before any statistic uses it).
 *
 * Ogita & Aishima, "Iterative refinement for symmetric eigenvalue decomposition", Japan J. Indust.
 * Appl. Math. 35, 1007 (2018), Alg. 1: with R = I − XᵀX, S = XᵀAX, λ̃_i = S_ii / (1 − R_ii),
 *   E_ii = R_ii / 2,  E_ij = (S_ij + λ̃_j R_ij) / (λ̃_j − λ̃_i)  (i ≠ j),  X ← X (I + E),
 * which converges quadratically for well-separated eigenvalues. Pairs too close for the first-order
 * formula (|E_ij| would exceed ~0.1) are treated as a cluster, E_ij = R_ij / 2 (ibid. §4), and each
 * cluster is resolved by a Rayleigh–Ritz step on its subspace (Ogita & Aishima, JJIAM 36, 435
 * (2019), "… II: clustered eigenvalues"; GVL §8.1.4 / Parlett, The Symmetric Eigenvalue Problem,
 * §11.4 for Rayleigh–Ritz).
 *
 * Vectors are rows (row k = eigenvector k), n × n row-major or k × n for a subset; the operator is a
 * function so the sparse float64 Hessian can be used without forming it densely.
 */
import { symmetricEigen } from './symmetricEigen';

/** y = A x for one vector (length n). */
export type SymmetricOperator = (x: Float64Array, y: Float64Array) => void;

/** G[i][j] = x_i · y_j for the k rows of x and y (k × k, row-major); symmetric inputs may pass x = y. */
export function rowGram(x: Float64Array, y: Float64Array, k: number, n: number): Float64Array {
  const g = new Float64Array(k * k);
  const same = x === y;
  for (let i = 0; i < k; i++) {
    const xi = i * n;
    let j = same ? i : 0;
    // Four columns of G at once: one read of row x_i feeds four independent dot products.
    for (; j + 4 <= k; j += 4) {
      const y0 = j * n;
      const y1 = y0 + n;
      const y2 = y1 + n;
      const y3 = y2 + n;
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      for (let c = 0; c < n; c++) {
        const xc = x[xi + c];
        d0 += xc * y[y0 + c];
        d1 += xc * y[y1 + c];
        d2 += xc * y[y2 + c];
        d3 += xc * y[y3 + c];
      }
      g[i * k + j] = d0;
      g[i * k + j + 1] = d1;
      g[i * k + j + 2] = d2;
      g[i * k + j + 3] = d3;
    }
    for (; j < k; j++) {
      let s = 0;
      const yj = j * n;
      for (let c = 0; c < n; c++) s += x[xi + c] * y[yj + c];
      g[i * k + j] = s;
    }
  }
  if (same) for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) g[i * k + j] = g[j * k + i];
  return g;
}

/** out_j = Σ_i c[i][j] x_i for the k rows of x (out = cᵀ X, the row form of X c). */
export function combineRows(c: Float64Array, x: Float64Array, k: number, n: number): Float64Array {
  const out = new Float64Array(k * n);
  for (let j0 = 0; j0 < k; j0 += 4) {
    const j1 = Math.min(k, j0 + 4);
    for (let i = 0; i < k; i++) {
      const xi = i * n;
      if (j1 - j0 === 4) {
        const c0 = c[i * k + j0];
        const c1 = c[i * k + j0 + 1];
        const c2 = c[i * k + j0 + 2];
        const c3 = c[i * k + j0 + 3];
        const o0 = j0 * n;
        const o1 = o0 + n;
        const o2 = o1 + n;
        const o3 = o2 + n;
        for (let t = 0; t < n; t++) {
          const v = x[xi + t];
          out[o0 + t] += c0 * v;
          out[o1 + t] += c1 * v;
          out[o2 + t] += c2 * v;
          out[o3 + t] += c3 * v;
        }
      } else {
        for (let j = j0; j < j1; j++) {
          const cij = c[i * k + j];
          if (cij === 0) continue;
          const o = j * n;
          for (let t = 0; t < n; t++) out[o + t] += cij * x[xi + t];
        }
      }
    }
  }
  return out;
}

/** Rows W_k = A x_k. */
export function applyToRows(op: SymmetricOperator, x: Float64Array, k: number, n: number): Float64Array {
  const w = new Float64Array(k * n);
  for (let r = 0; r < k; r++) op(x.subarray(r * n, r * n + n), w.subarray(r * n, r * n + n));
  return w;
}

/** ‖A x_k − λ_k x_k‖ for every row. */
export function residualNorms(op: SymmetricOperator, values: Float64Array, x: Float64Array, k: number, n: number): Float64Array {
  const out = new Float64Array(k);
  const y = new Float64Array(n);
  for (let r = 0; r < k; r++) {
    const v = x.subarray(r * n, r * n + n);
    op(v, y);
    let s = 0;
    for (let c = 0; c < n; c++) s += (y[c] - values[r] * v[c]) ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

/**
 * Rayleigh–Ritz on the span of the k rows of x (GVL §8.1.4): the k × k matrix Xᵀ A X (rows assumed
 * orthonormal) is diagonalised in float64 and the rows rotated onto its eigenvectors. Returns the
 * Ritz values (ascending) and Ritz vectors (rows). `w` (rows A x_k) may be passed if known.
 */
export function rayleighRitz(op: SymmetricOperator, x: Float64Array, k: number, n: number, w = applyToRows(op, x, k, n)): { values: Float64Array; vectors: Float64Array } {
  const s = rowGram(x, w, k, n);
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) s[i * k + j] = s[j * k + i] = 0.5 * (s[i * k + j] + s[j * k + i]);
  const small = symmetricEigen(s, k);
  // Ritz vector m = Σ_i y_m[i] x_i: coefficients c[i][m] = y_m[i].
  const c = new Float64Array(k * k);
  for (let m = 0; m < k; m++) for (let i = 0; i < k; i++) c[i * k + m] = small.vectors![m * k + i];
  return { values: small.values, vectors: combineRows(c, x, k, n) };
}

export interface RefinementOptions {
  /** Stop when max_k ‖A x_k − λ_k x_k‖ ≤ residualTarget (absolute). */
  residualTarget: number;
  maxIterations?: number;
  /** Called after each iteration with the largest residual and orthogonality defect. */
  onIteration?: (iteration: number, maxResidual: number, maxOrthogonalityDefect: number) => void;
}

export interface RefinementResult {
  /** Ascending eigenvalues (Rayleigh quotients of the refined vectors). */
  values: Float64Array;
  /** Refined eigenvectors as rows, ordered with values. */
  vectors: Float64Array;
  iterations: number;
  /** max_k ‖A x_k − λ_k x_k‖ after the last iteration. */
  maxResidual: number;
  /** max_ij |δ_ij − x_i·x_j| after the last iteration. */
  orthogonality: number;
}

/**
 * Refines a full approximate eigen-decomposition (all n eigenpairs, rows of `vectors`) of the
 * symmetric operator in float64 by Ogita–Aishima iterations with Rayleigh–Ritz on clusters.
 */
export function refineEigenpairs(op: SymmetricOperator, vectors: Float64Array, n: number, options: RefinementOptions): RefinementResult {
  const maxIterations = options.maxIterations ?? 8;
  let x = vectors.slice();
  let iterations = 0;
  let values = new Float64Array(n);
  let maxResidual = Infinity;
  let orthogonality = Infinity;
  for (;;) {
    const w = applyToRows(op, x, n, n);
    const g = rowGram(x, x, n, n); // XᵀX
    const s = rowGram(x, w, n, n); // XᵀAX
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s[i * n + j] = s[j * n + i] = 0.5 * (s[i * n + j] + s[j * n + i]);
    orthogonality = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orthogonality = Math.max(orthogonality, Math.abs((i === j ? 1 : 0) - g[i * n + j]));
    // λ̃_i and the residual of the current (normalised) vectors.
    values = new Float64Array(n);
    maxResidual = 0;
    for (let i = 0; i < n; i++) {
      const norm2 = g[i * n + i];
      values[i] = s[i * n + i] / norm2;
      let r2 = 0;
      const inv = 1 / Math.sqrt(norm2);
      for (let c = 0; c < n; c++) r2 += ((w[i * n + c] - values[i] * x[i * n + c]) * inv) ** 2;
      maxResidual = Math.max(maxResidual, Math.sqrt(r2));
    }
    if (iterations > 0) options.onIteration?.(iterations, maxResidual, orthogonality);
    if ((maxResidual <= options.residualTarget && orthogonality <= 1e-12) || iterations >= maxIterations) break;
    iterations++;
    // Ogita–Aishima correction E (Alg. 1), clusters marked where the first-order formula fails.
    const e = new Float64Array(n * n);
    const order = Array.from(values.keys()).sort((p, q) => values[p] - values[q]);
    const clusterOf = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      e[i * n + i] = 0.5 * (1 - g[i * n + i]);
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const rij = -g[i * n + j];
        const coupling = s[i * n + j] + values[j] * rij;
        const gap = values[j] - values[i];
        if (Math.abs(gap) > 10 * Math.abs(coupling)) e[i * n + j] = coupling / gap;
        else {
          e[i * n + j] = 0.5 * rij;
          if (Math.abs(coupling) > 0) clusterOf[i] = clusterOf[j] = 0; // marked; grouped below
        }
      }
    }
    // X ← X (I + E): row j gains Σ_i E_ij x_i.
    const correction = combineRows(e, x, n, n);
    for (let q = 0; q < n * n; q++) x[q] += correction[q];
    // Rayleigh–Ritz on each run of clustered eigenvalues (consecutive in sorted order).
    resolveClusters(op, x, n, values, order, clusterOf);
  }
  // Normalise, take Rayleigh quotients, sort ascending.
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = x.subarray(r * n, r * n + n);
    let nn = 0;
    for (let c = 0; c < n; c++) nn += v[c] * v[c];
    const inv = 1 / Math.sqrt(nn);
    for (let c = 0; c < n; c++) v[c] *= inv;
    op(v, y);
    let q = 0;
    for (let c = 0; c < n; c++) q += v[c] * y[c];
    values[r] = q;
  }
  const order = Array.from(values.keys()).sort((p, q) => values[p] - values[q]);
  const sortedValues = Float64Array.from(order, (k) => values[k]);
  const sortedVectors = new Float64Array(n * n);
  order.forEach((k, r) => sortedVectors.set(x.subarray(k * n, k * n + n), r * n));
  return { values: sortedValues, vectors: sortedVectors, iterations, maxResidual, orthogonality };
}

/** Rayleigh–Ritz on every maximal run of marked eigenvalues adjacent in ascending order. */
function resolveClusters(op: SymmetricOperator, x: Float64Array, n: number, values: Float64Array, order: number[], marked: Int32Array): void {
  let r = 0;
  while (r < n) {
    if (marked[order[r]] < 0) {
      r++;
      continue;
    }
    let end = r;
    while (end + 1 < n && marked[order[end + 1]] >= 0) end++;
    const members = order.slice(r, end + 1);
    if (members.length > 1) {
      const k = members.length;
      const sub = new Float64Array(k * n);
      members.forEach((m, q) => sub.set(x.subarray(m * n, m * n + n), q * n));
      orthonormalizeRows(sub, k, n);
      const ritz = rayleighRitz(op, sub, k, n);
      members.forEach((m, q) => x.set(ritz.vectors.subarray(q * n, q * n + n), m * n));
    }
    r = end + 1;
  }
}

/** Modified Gram–Schmidt, twice ("twice is enough", Giraud et al. 2005), on k rows. */
export function orthonormalizeRows(x: Float64Array, k: number, n: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < k; i++) {
      const xi = x.subarray(i * n, i * n + n);
      for (let j = 0; j < i; j++) {
        const xj = x.subarray(j * n, j * n + n);
        let d = 0;
        for (let c = 0; c < n; c++) d += xi[c] * xj[c];
        for (let c = 0; c < n; c++) xi[c] -= d * xj[c];
      }
      let nn = 0;
      for (let c = 0; c < n; c++) nn += xi[c] * xi[c];
      const inv = 1 / Math.sqrt(nn);
      for (let c = 0; c < n; c++) xi[c] *= inv;
    }
  }
}
