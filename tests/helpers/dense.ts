// Dense test matrices and the checks the dense-eigensolver tests share (tests/linalg-blocked.test.ts,
// tests/linalg-simd.test.ts).
import { gemmNT } from '../../engine/linalg/gemm';
import { applyReflectorsToRowsUnblocked, sortEigenpairs, type Tridiagonal } from '../../engine/linalg/symmetricEigen';
import { tridiagonalQL } from '../../engine/linalg/tridiagonalQL';
import { expect } from 'vitest';
import { centredUniform } from './reference';

/** A random symmetric n × n matrix (entries uniform in [−1, 1)). */
export function randomSymmetric(n: number, seed: number): Float64Array {
  const rnd = centredUniform(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rnd();
  return a;
}

export const maxAbs = (x: Float64Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
export const maxDiff = (x: Float64Array, y: Float64Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);

/** The eigenvalues of the tridiagonal matrix of t, ascending (implicit QL). */
export function tridiagonalValues(t: Tridiagonal, n: number): Float64Array {
  const d = t.diagonal.slice();
  tridiagonalQL(d, t.offDiagonal.slice());
  sortEigenpairs(d, undefined, n);
  return d;
}

/** max |A − Q T Qᵀ| for the reduction t of a. */
export function reconstructionError(a: Float64Array, t: Tridiagonal, n: number): number {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    m[i * n + i] = t.diagonal[i];
    if (i > 0) m[i * n + i - 1] = m[(i - 1) * n + i] = t.offDiagonal[i];
  }
  applyReflectorsToRowsUnblocked(t, n, m); // T Qᵀ
  const mt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mt[j * n + i] = m[i * n + j];
  applyReflectorsToRowsUnblocked(t, n, mt); // (T Qᵀ)ᵀ Qᵀ = Q T Qᵀ
  return maxDiff(mt, a);
}

/** max |X Xᵀ − I| over the first `rows` rows of x (rows of length n). */
export function orthogonality(x: Float64Array, n: number, rows = n): number {
  const g = new Float64Array(rows * rows);
  gemmNT(rows, rows, n, x, 0, n, x, 0, n, g, Int32Array.from({ length: rows }, (_, j) => j * rows), 0);
  let worst = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < rows; j++) worst = Math.max(worst, Math.abs(g[i * rows + j] - (i === j ? 1 : 0)));
  return worst;
}

/**
 * Says that heap holds C + A·B where `before` held C (M × N at cOff, ld ldc; A M × K at aOff, ld
 * lda; B K × N at bOff, ld ldb): to 1e-12 against the naive triple loop, with C's padding columns
 * and everything before C untouched.
 */
export function expectHeapProduct(heap: Float64Array, before: Float64Array, M: number, N: number, K: number, aOff: number, lda: number, bOff: number, ldb: number, cOff: number, ldc: number, label: string): void {
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = before[cOff + i * ldc + j];
      for (let p = 0; p < K; p++) s += before[aOff + i * lda + p] * before[bOff + p * ldb + j];
      worst = Math.max(worst, Math.abs(heap[cOff + i * ldc + j] - s));
    }
    for (let j = N; j < ldc; j++) expect(heap[cOff + i * ldc + j]).toBe(before[cOff + i * ldc + j]);
  }
  for (let i = 0; i < cOff; i++) expect(heap[i]).toBe(before[i]);
  expect(worst, label).toBeLessThan(1e-12);
}
