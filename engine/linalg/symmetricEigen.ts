/**
 * The float64 dense symmetric eigensolver of the engine ("the float64 dense reference", SPEC §4):
 * Householder tridiagonalisation, implicit QL with Wilkinson shifts on the tridiagonal matrix,
 * back-transformation of the eigenvectors by the stored reflectors.
 *
 * Everything is row-major Float64Array, and every inner loop runs along a row:
 *  - the reduction works on the lower triangle from the last row upwards (as EISPACK tred2), so a
 *    Householder vector is a contiguous row prefix and the symmetric matrix–vector product and the
 *    rank-2 update are fused row sweeps;
 *  - eigenvectors are held transposed (row k = eigenvector k), so a Givens rotation of QL combines
 *    two contiguous rows and the back-transformation applies each reflector to a block of rows.
 */
import { tridiagonalDivideConquer } from './divideConquer';

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors, row k = unit eigenvector of values[k] (n × n row-major), when requested. */
  vectors?: Float64Array;
}

export interface Tridiagonal {
  /** Diagonal (n). */
  diagonal: Float64Array;
  /** Sub-diagonal: offDiagonal[i] = T[i][i−1] for i ≥ 1, offDiagonal[0] = 0. */
  offDiagonal: Float64Array;
  /** Householder vectors: reflector i (i = n−1 … 2) lives in row i, columns 0 … i−1, of this n × n array. */
  reflectors: Float64Array;
  /** β_i of P_i = I − β_i v_i v_iᵀ (0 where no reflection was needed). */
  betas: Float64Array;
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form T = Qᵀ A Q (Golub & Van Loan,
 * Matrix Computations, 4th ed., Alg. 8.3.1; row-wise as in EISPACK tred2). Only the lower triangle
 * of `a` is read; `a` is overwritten (the reflectors end up in its strictly lower part).
 * Q = P_(n−1) P_(n−2) ⋯ P_2, P_i = I − β_i v_i v_iᵀ with v_i supported on indices 0 … i−1.
 */
export function householderTridiagonalize(a: Float64Array, n: number): Tridiagonal {
  if (a.length !== n * n) throw new RangeError(`matrix holds ${a.length} numbers, expected ${n}×${n}`);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const betas = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 1; i--) {
    const l = i - 1; // v lives in a[i][0..l]
    const row = i * n;
    if (l === 0) {
      offDiagonal[i] = a[row];
      continue;
    }
    // Householder vector of x = a[i][0..l] that maps x to ±‖x‖ e_l (GVL Alg. 5.1.1), scaled for safety.
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(a[row + k]);
    if (scale === 0) {
      offDiagonal[i] = 0;
      continue;
    }
    let sigma = 0;
    for (let k = 0; k <= l; k++) {
      const x = a[row + k] / scale;
      a[row + k] = x;
      sigma += x * x;
    }
    const f = a[row + l];
    const g = f >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
    offDiagonal[i] = scale * g;
    const h = sigma - f * g; // = ½‖v‖²
    a[row + l] = f - g; // v = x − g e_l (scaled)
    const beta = 1 / h;
    betas[i] = beta;
    // p = β A v over the leading (l+1)×(l+1) block, reading its lower triangle row by row.
    p.fill(0, 0, l + 1);
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const vj = a[row + j];
      let s = 0;
      for (let k = 0; k < j; k++) {
        const ajk = a[rj + k];
        s += ajk * a[row + k];
        p[k] += ajk * vj;
      }
      p[j] += s + a[rj + j] * vj;
    }
    // w = p − (β vᵀp / 2) v, then A ← A − v wᵀ − w vᵀ (GVL Eq. 8.3.2), lower triangle only.
    let vp = 0;
    for (let k = 0; k <= l; k++) {
      p[k] *= beta;
      vp += a[row + k] * p[k];
    }
    const half = 0.5 * beta * vp;
    for (let k = 0; k <= l; k++) p[k] -= half * a[row + k];
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const vj = a[row + j];
      const wj = p[j];
      for (let k = 0; k <= j; k++) a[rj + k] -= vj * p[k] + wj * a[row + k];
    }
  }
  for (let i = 0; i < n; i++) diagonal[i] = a[i * n + i];
  offDiagonal[0] = 0;
  return { diagonal, offDiagonal, reflectors: a, betas };
}

/**
 * Eigenvalues (and optionally eigenvectors) of a symmetric tridiagonal matrix by the implicit QL
 * method with Wilkinson-type shifts (GVL §8.3.5; Bowdler, Martin, Reinsch & Wilkinson, Numer. Math.
 * 11, 293 (1968), "tql2"). `d` (diagonal) and `e` (e[i] = T[i][i−1]) are overwritten; d ends up with
 * the eigenvalues, unsorted. When `zt` (n × n, row-major) is given, every rotation G acting on
 * coordinates (i, i+1) is applied to rows i and i+1 of zt, i.e. zt ← Gᵀ zt: start from the identity
 * and row k ends up as the k-th eigenvector of T (start from Qᵀ to get those of A directly).
 */
export function tridiagonalQL(d: Float64Array, e: Float64Array, zt?: Float64Array, maxIterations = 60): void {
  const n = d.length;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      do {
        if (++iterations > maxIterations) throw new Error(`tridiagonal QL did not converge for eigenvalue ${l} in ${maxIterations} iterations`);
        // Wilkinson shift from the leading 2×2 block.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Implicit QL sweep from m up to l (chasing the bulge with Givens rotations).
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.sqrt(p * p + e[i] * e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (zt) {
            const ri = i * n;
            const ri1 = ri + n;
            for (let k = 0; k < n; k++) {
              const zi1 = zt[ri1 + k];
              const zi = zt[ri + k];
              zt[ri1 + k] = s * zi + c * zi1;
              zt[ri + k] = c * zi - s * zi1;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0;
  }
}

/**
 * Back-transformation X = Q Z (GVL §8.3.1, "accumulating Q"): with eigenvectors held as rows
 * (xt = Zᵀ), Xᵀ = Zᵀ P_2 P_3 ⋯ P_(n−1). Each reflector is applied to a block of rows at a time so that
 * a reflector is read once per block, not once per row (a BLAS-3-like blocking of the row sweep).
 */
export function applyReflectorsToRows(t: Tridiagonal, n: number, xt: Float64Array, rows = xt.length / n): void {
  const { reflectors: v, betas } = t;
  const block = 32;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let i = 2; i < n; i++) {
      const beta = betas[i];
      if (beta === 0) continue;
      const vi = i * n;
      const len = i; // v_i supported on 0..i−1
      let r = r0;
      // Four rows at once: one read of v feeds four independent dot products, then four updates.
      for (; r + 4 <= r1; r += 4) {
        const x0 = r * n;
        const x1 = x0 + n;
        const x2 = x1 + n;
        const x3 = x2 + n;
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        for (let k = 0; k < len; k++) {
          const vk = v[vi + k];
          d0 += xt[x0 + k] * vk;
          d1 += xt[x1 + k] * vk;
          d2 += xt[x2 + k] * vk;
          d3 += xt[x3 + k] * vk;
        }
        d0 *= beta;
        d1 *= beta;
        d2 *= beta;
        d3 *= beta;
        for (let k = 0; k < len; k++) {
          const vk = v[vi + k];
          xt[x0 + k] -= d0 * vk;
          xt[x1 + k] -= d1 * vk;
          xt[x2 + k] -= d2 * vk;
          xt[x3 + k] -= d3 * vk;
        }
      }
      for (; r < r1; r++) {
        const x = r * n;
        let dot = 0;
        for (let k = 0; k < len; k++) dot += xt[x + k] * v[vi + k];
        dot *= beta;
        for (let k = 0; k < len; k++) xt[x + k] -= dot * v[vi + k];
      }
    }
  }
}

/** Sorts eigenvalues ascending and permutes the eigenvector rows with them. */
export function sortEigenpairs(values: Float64Array, vectors: Float64Array | undefined, n: number): void {
  const order = Array.from(values.keys()).sort((x, y) => values[x] - values[y]);
  const sorted = Float64Array.from(order, (k) => values[k]);
  values.set(sorted);
  if (!vectors) return;
  const copy = vectors.slice(0, order.length * n);
  for (let k = 0; k < order.length; k++) vectors.set(copy.subarray(order[k] * n, order[k] * n + n), k * n);
}

/** Order from which `symmetricEigen` computes eigenvectors by divide and conquer instead of QL (bench/linalg.bench.ts). */
export const DIVIDE_AND_CONQUER_MIN_ORDER = 1000;

/**
 * All eigenvalues (ascending) and, if asked, all eigenvectors (rows) of a dense symmetric matrix,
 * float64 throughout: Householder tridiagonalisation (GVL Alg. 8.3.1), then implicit QL (GVL §8.3.5)
 * or — with eigenvectors, from n = DIVIDE_AND_CONQUER_MIN_ORDER, or when `method` asks for it —
 * divide and conquer on the tridiagonal matrix (Cuppen 1981; Gu & Eisenstat 1995;
 * engine/linalg/divideConquer.ts), which replaces QL's ~6n³ rotation flops by ~(4/3)n³ in dense
 * products; then back-transformation. `matrix` (n × n row-major, only its lower triangle is read) is
 * not modified.
 */
export function symmetricEigen(matrix: Float64Array, n: number, options: { vectors?: boolean; method?: 'auto' | 'ql' | 'divide-and-conquer' } = {}): SymmetricEigen {
  const wantVectors = options.vectors ?? true;
  const method = options.method ?? 'auto';
  const t = householderTridiagonalize(matrix.slice(), n);
  const values = t.diagonal.slice();
  const e = t.offDiagonal.slice();
  if (!wantVectors) {
    tridiagonalQL(values, e);
    sortEigenpairs(values, undefined, n);
    return { values };
  }
  const zt = new Float64Array(n * n);
  if (method === 'divide-and-conquer' || (method === 'auto' && n >= DIVIDE_AND_CONQUER_MIN_ORDER)) {
    tridiagonalDivideConquer(values, e, zt); // eigenvalues come out ascending
    applyReflectorsToRows(t, n, zt);
    return { values, vectors: zt };
  }
  for (let k = 0; k < n; k++) zt[k * n + k] = 1;
  tridiagonalQL(values, e, zt);
  applyReflectorsToRows(t, n, zt);
  sortEigenpairs(values, zt, n);
  return { values, vectors: zt };
}
