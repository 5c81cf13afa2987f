/**
 * The blocked stages of the float64 dense eigensolver against their unblocked references
 * (engine/linalg/symmetricEigen.ts): the dsytrd-style blocked Householder tridiagonalisation and the
 * compact-WY back-transformation, on seeded random symmetric matrices of awkward orders (1, 2, 3,
 * block sizes ± 1, the crossover ± 1, a few hundred), with small block sizes too so that small
 * matrices go through many panels; and the register-tiled matrix product `gemmNT` they run on.
 */
import { describe, expect, it } from 'vitest';
import {
  applyReflectorsToRows,
  applyReflectorsToRowsUnblocked,
  BACK_TRANSFORM_BLOCK,
  householderTridiagonalize,
  householderTridiagonalizeUnblocked,
  TRIDIAGONAL_BLOCK,
  type Tridiagonal,
} from '../engine/linalg/symmetricEigen';
import { tridiagonalQL } from '../engine/linalg/tridiagonalQL';
import { gemmNN, gemmNT } from '../engine/linalg/gemm';
import { simdHeap } from '../engine/linalg/simdGemm';
import { centredUniform } from './helpers/reference';
import { randomSymmetric, maxAbs, maxDiff, tridiagonalValues, reconstructionError, orthogonality, expectHeapProduct } from './helpers/dense';


const BLOCK_SIZES = [37, 1, 50, 2, 13, 90, 1, 1, 29];

/**
 * Random symmetric block diagonal matrix (blocks of BLOCK_SIZES, cycled): the reduction keeps it block
 * diagonal, and the row that starts each block has a zero prefix, so its reflector has β = 0 (also
 * inside a panel of the blocked reduction). Returns the block starts.
 */
function blockDiagonalSymmetric(n: number, seed: number): { a: Float64Array; starts: number[] } {
  const a = randomSymmetric(n, seed);
  const block = new Int32Array(n);
  const starts: number[] = [];
  for (let i = 0, b = 0; i < n; b++) {
    starts.push(i);
    const size = BLOCK_SIZES[b % BLOCK_SIZES.length];
    block.fill(b, i, Math.min(n, i + size));
    i += size;
  }
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) if (block[i] !== block[k]) a[i * n + k] = 0;
  return { a, starts };
}


function identity(n: number): Float64Array {
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  return x;
}


/** max |A − Q T Qᵀ| with Qᵀ applied by the unblocked reference back-transformation. */


describe('gemmNT (4 × 3 register tile)', () => {
  it('matches the naive triple loop for awkward shapes, with column offsets and accumulation', () => {
    const rnd = centredUniform(11);
    for (const [M, N, kd] of [[1, 1, 1], [2, 3, 5], [5, 7, 3], [4, 3, 1], [13, 61, 385], [9, 59, 770], [6, 121, 2], [3, 2, 0]]) {
      const lda = kd + 2;
      const ldb = kd + 1;
      const ldc = N + 5;
      const A = Float64Array.from({ length: M * lda + 3 }, rnd);
      const B = Float64Array.from({ length: N * ldb + 4 }, rnd);
      const C0 = Float64Array.from({ length: M * ldc + 2 }, rnd);
      const rowOff = Int32Array.from({ length: M }, (_, j) => (M - 1 - j) * ldc); // rows in reverse order
      for (const accumulate of [false, true]) {
        const C = C0.slice();
        gemmNT(M, N, kd, A, 3, lda, B, 4, ldb, C, rowOff, 2, accumulate);
        let worst = 0;
        for (let j = 0; j < M; j++) {
          for (let c = 0; c < N; c++) {
            let s = accumulate ? C0[rowOff[j] + 2 + c] : 0;
            for (let p = 0; p < kd; p++) s += A[3 + j * lda + p] * B[4 + c * ldb + p];
            worst = Math.max(worst, Math.abs(C[rowOff[j] + 2 + c] - s));
          }
          // columns outside [col, col + N) untouched
          expect(C[rowOff[j]]).toBe(C0[rowOff[j]]);
          expect(C[rowOff[j] + 1]).toBe(C0[rowOff[j] + 1]);
          if (N + 2 < ldc) expect(C[rowOff[j] + 2 + N]).toBe(C0[rowOff[j] + 2 + N]);
        }
        expect(worst, `${M}×${N}×${kd} accumulate=${accumulate}`).toBeLessThan(1e-13);
      }
    }
  });
});

describe('gemmNN (C = A·B, both row-major; the multifrontal backward solves)', () => {
  it('matches the naive triple loop for awkward shapes (tile remainders, row sweeps for M < 4, KC and NC blocks), with offsets and accumulation', () => {
    const rnd = centredUniform(13);
    for (const [M, N, kd] of [[1, 1, 1], [1, 32, 300], [2, 3, 5], [3, 31, 7], [4, 3, 1], [5, 7, 3], [4, 32, 1428 >> 2], [9, 100, 513], [6, 2, 0]]) {
      const lda = kd + 2;
      const ldb = N + 3;
      const ldc = N + 5;
      const A = Float64Array.from({ length: M * lda + 3 }, rnd);
      const B = Float64Array.from({ length: Math.max(1, kd) * ldb + 4 }, rnd);
      const C0 = Float64Array.from({ length: M * ldc + 2 }, rnd);
      for (const accumulate of [false, true]) {
        const C = C0.slice();
        gemmNN(M, N, kd, A, 3, lda, B, 4, ldb, C, 2, ldc, accumulate);
        let worst = 0;
        for (let j = 0; j < M; j++) {
          for (let c = 0; c < N; c++) {
            let s = accumulate ? C0[2 + j * ldc + c] : 0;
            for (let p = 0; p < kd; p++) s += A[3 + j * lda + p] * B[4 + p * ldb + c];
            worst = Math.max(worst, Math.abs(C[2 + j * ldc + c] - s));
          }
          // the rest of the row untouched
          for (let c = N; c < ldc && 2 + j * ldc + c < C.length; c++) expect(C[2 + j * ldc + c]).toBe(C0[2 + j * ldc + c]);
        }
        expect(worst, `${M}×${N}×${kd} accumulate=${accumulate}`).toBeLessThan(1e-12);
      }
    }
  });
});

describe('the WebAssembly SIMD kernel (simdGemm: C += A·B in its own memory, the multifrontal front updates)', () => {
  it('is available here (Node 20), and matches the naive triple loop for shapes with every remainder, strided operands at offsets', () => {
    const rnd = centredUniform(17);
    const k = simdHeap(1 << 20);
    expect(k).not.toBeNull();
    const heap = k!.heap;
    for (const [M, N, K] of [[4, 4, 1], [1, 1, 1], [3, 5, 2], [4, 7, 9], [7, 4, 3], [13, 61, 48], [96, 101, 48], [8, 8, 385], [5, 3, 0]]) {
      const lda = K + 3;
      const ldb = N + 5;
      const ldc = N + 2;
      const aOff = 7;
      const bOff = aOff + M * lda + 1;
      const cOff = bOff + Math.max(1, K) * ldb + 3;
      for (let i = 0; i < cOff + M * ldc + 8; i++) heap[i] = rnd();
      const before = heap.slice(0, cOff + M * ldc + 8);
      k!.nn(M, N, K, aOff, lda, bOff, ldb, cOff, ldc);
      expectHeapProduct(heap, before, M, N, K, aOff, lda, bOff, ldb, cOff, ldc, `${M}×${N}×${K}`);
    }
  });
});

describe('compact-WY back-transformation (applyReflectorsToRows) against the reflector-by-reflector sweep', () => {
  const nb = BACK_TRANSFORM_BLOCK;
  // Reflectors live in rows 2 … n−1: n − 2 = nb ± 1 puts the last block boundary at the edge.
  const orders = [1, 2, 3, 4, 5, nb + 1, nb + 2, nb + 3, 2 * nb + 3, 300];
  for (const n of orders) {
    it(`order ${n}: same rows to 1e-13, orthogonal Qᵀ`, () => {
      const a = randomSymmetric(n, 100 + n);
      const t = householderTridiagonalize(a.slice(), n);
      const rnd = centredUniform(200 + n);
      const x = Float64Array.from({ length: n * n }, rnd);
      const ref = x.slice();
      applyReflectorsToRowsUnblocked(t, n, ref);
      for (const block of [nb, 1, 5, 7]) {
        const y = x.slice();
        applyReflectorsToRows(t, n, y, n, block);
        expect(maxDiff(y, ref) / Math.max(1, maxAbs(ref)), `block ${block}`).toBeLessThan(1e-13);
      }
      const q = identity(n);
      applyReflectorsToRows(t, n, q); // rows of Qᵀ
      expect(orthogonality(q, n)).toBeLessThan(1e-13);
    });
  }

  it('a leading subset of rows (rows < n, several row chunks) and β = 0 reflectors', () => {
    const n = 600;
    const { a } = blockDiagonalSymmetric(n, 5);
    const t = householderTridiagonalize(a.slice(), n);
    expect(Array.from(t.betas.subarray(2)).filter((b) => b === 0).length).toBeGreaterThan(20);
    const rnd = centredUniform(6);
    for (const rows of [1, 3, 257, 513]) {
      const x = Float64Array.from({ length: rows * n + 7 }, rnd); // longer than rows × n: the tail is left alone
      const ref = x.slice();
      applyReflectorsToRowsUnblocked(t, n, ref, rows);
      const y = x.slice();
      applyReflectorsToRows(t, n, y, rows);
      expect(maxDiff(y, ref) / maxAbs(ref), `rows ${rows}`).toBeLessThan(1e-13);
      for (let k = rows * n; k < x.length; k++) expect(y[k]).toBe(x[k]);
    }
    const q = identity(n);
    applyReflectorsToRows(t, n, q);
    expect(orthogonality(q, n, 64)).toBeLessThan(1e-13);
  });
});

describe('blocked Householder tridiagonalisation (householderTridiagonalize) against the unblocked one', () => {
  const nb = TRIDIAGONAL_BLOCK;
  // Panels run while at least 128 rows (the crossover) remain below them.
  const orders = [1, 2, 3, 4, 127, 128, 129, 128 + nb, 128 + nb + 1, 128 + nb + 2, 128 + 2 * nb + 1, 300, 457];
  for (const n of orders) {
    it(`order ${n}: same spectrum of T to 1e-13, A = Q T Qᵀ to 1e-13`, () => {
      const a = randomSymmetric(n, 300 + n);
      const scale = maxAbs(a);
      const ref = householderTridiagonalizeUnblocked(a.slice(), n);
      const refValues = tridiagonalValues(ref, n);
      const lambdaMax = Math.max(Math.abs(refValues[0]), Math.abs(refValues[n - 1]));
      for (const block of [nb, 5, 16]) {
        const t = householderTridiagonalize(a.slice(), n, block);
        if (n <= 128 + block) {
          // no panel fits: the very same unblocked arithmetic
          expect(Array.from(t.diagonal)).toEqual(Array.from(ref.diagonal));
          expect(Array.from(t.offDiagonal)).toEqual(Array.from(ref.offDiagonal));
        }
        expect(t.offDiagonal[0]).toBe(0);
        expect(t.betas[0]).toBe(0);
        if (n > 1) expect(t.betas[1]).toBe(0);
        expect(maxDiff(tridiagonalValues(t, n), refValues) / lambdaMax, `block ${block}`).toBeLessThan(1e-13);
        expect(reconstructionError(a, t, n) / scale, `block ${block}`).toBeLessThan(1e-13);
      }
    });
  }

  it('a block diagonal matrix: β = 0 and zero couplings at the block starts, also inside panels', () => {
    const n = 400;
    const { a, starts } = blockDiagonalSymmetric(n, 9);
    const ref = householderTridiagonalizeUnblocked(a.slice(), n);
    for (const block of [TRIDIAGONAL_BLOCK, 7]) {
      const t = householderTridiagonalize(a.slice(), n, block);
      for (const i of starts) {
        if (i < 2) continue;
        expect(t.betas[i], `row ${i}`).toBe(0);
        expect(t.offDiagonal[i], `row ${i}`).toBe(0);
      }
      const values = tridiagonalValues(ref, n);
      expect(maxDiff(tridiagonalValues(t, n), values) / maxAbs(values)).toBeLessThan(1e-13);
      expect(reconstructionError(a, t, n) / maxAbs(a)).toBeLessThan(1e-13);
    }
  });

  it('blocked tridiagonalisation + compact-WY back-transformation give the eigenvectors of A', () => {
    const n = 350;
    const a = randomSymmetric(n, 21);
    const t = householderTridiagonalize(a.slice(), n);
    const d = t.diagonal.slice();
    const zt = identity(n);
    tridiagonalQL(d, t.offDiagonal.slice(), zt);
    applyReflectorsToRows(t, n, zt);
    const lambdaMax = maxAbs(d);
    let residual = 0;
    for (let k = 0; k < n; k++) {
      let r2 = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * zt[k * n + j];
        r2 += (s - d[k] * zt[k * n + i]) ** 2;
      }
      residual = Math.max(residual, Math.sqrt(r2));
    }
    expect(residual / lambdaMax).toBeLessThan(1e-13);
    expect(orthogonality(zt, n)).toBeLessThan(1e-13);
  });
});
