/**
 * The implicit QL method on a symmetric tridiagonal matrix, float64: the solver of symmetricEigen.ts
 * below divide-and-conquer's order, and of divideConquer.ts's small subproblems (both import it).
 */
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
