/**
 * The WebAssembly SIMD kernels of the float64 dense eigensolver and the stages that run on them
 * (issue 15 item 5): the symmetric product `symv` and the panel kernels `panelUpdate`/`panelDots`
 * (engine/linalg/wasm/kernels.c, committed as bytes in engine/linalg/wasm/kernels.ts) and the
 * slabbed product `nnSlabs` (engine/linalg/simdGemm.ts)
 * against naive loops; the tridiagonalisation, the compact-WY back-transformation and divide and
 * conquer with simd = true against the same stages on the scalar JavaScript kernels (simd = false)
 * and against the properties they must have (spectrum, A = Q T Qᵀ, residuals, orthogonality); the
 * same bits on every run; and, where clang is installed, the committed bytes against a fresh compile.
 */
import { describe, expect, it } from 'vitest';
import {
  applyReflectorsToRows,
  applyReflectorsToRowsUnblocked,
  householderTridiagonalize,
  symmetricEigen,
  type Tridiagonal,
} from '../engine/linalg/symmetricEigen';
import { tridiagonalDivideConquer } from '../engine/linalg/divideConquer';
import { nnSlabs, simdHeap } from '../engine/linalg/simdGemm';
import { centredUniform } from './helpers/reference';
import { randomSymmetric, maxAbs, maxDiff, tridiagonalValues, reconstructionError, expectHeapProduct } from './helpers/dense';

const sameBits = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));


/** max |A − Q T Qᵀ| with Qᵀ applied by the unblocked reference back-transformation. */

describe('symv (p = A v from the lower triangle, WebAssembly SIMD)', () => {
  it('matches the naive loop over the full symmetric matrix for every order mod 4, strided rows at offsets, and leaves the rest of the memory alone', () => {
    const rnd = centredUniform(31);
    const k = simdHeap(1 << 18);
    expect(k).not.toBeNull();
    const heap = k!.heap;
    for (const m of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 33, 64, 101, 130]) {
      const lda = m + 5;
      const aOff = 3;
      const vOff = aOff + Math.max(1, m) * lda + 2;
      const pOff = vOff + m + 1;
      const end = pOff + m + 4;
      for (let i = 0; i < end; i++) heap[i] = rnd();
      const before = heap.slice(0, end);
      k!.symv(m, aOff, lda, vOff, pOff);
      let worst = 0;
      let scale = 1;
      for (let r = 0; r < m; r++) {
        let s = 0;
        for (let c = 0; c < m; c++) {
          const arc = c <= r ? before[aOff + r * lda + c] : before[aOff + c * lda + r]; // the lower triangle only
          s += arc * before[vOff + c];
        }
        scale = Math.max(scale, Math.abs(s));
        worst = Math.max(worst, Math.abs(heap[pOff + r] - s));
      }
      expect(worst / scale, `m = ${m}`).toBeLessThan(1e-14);
      for (let i = 0; i < end; i++) if (i < pOff || i >= pOff + m) expect(heap[i]).toBe(before[i]);
    }
  });
});

describe('panelUpdate and panelDots (the dlatrd panel: y −= Σ α_q V_q + β_q W_q, V_q · x and W_q · x)', () => {
  it('match the naive loops for odd and even lengths and panel sizes, V rows running upwards (negative stride), and touch nothing else', () => {
    const rnd = centredUniform(41);
    const k = simdHeap(1 << 18)!;
    const heap = k.heap;
    for (const [len, j] of [[0, 3], [1, 1], [2, 2], [3, 3], [7, 0], [8, 5], [33, 4], [130, 31], [129, 32]]) {
      const ld = len + 3;
      const vTop = 10 + 40 * ld; // V_q = heap[vTop − q·ld …]
      const w0 = vTop + ld + 5; // W_q = heap[w0 + q·ld …]
      const x = w0 + 40 * ld + 1;
      const y = x + len + 2;
      const alpha = y + len + 3;
      const beta = alpha + j + 1;
      const dv = beta + j + 2;
      const dw = dv + j + 1;
      const end = dw + j + 4;
      for (let i = 0; i < end; i++) heap[i] = rnd();
      const before = heap.slice(0, end);
      k.panelUpdate(len, j, y, vTop, -ld, w0, ld, alpha, beta);
      k.panelDots(len, j, x, vTop, -ld, w0, ld, dv, dw);
      let worst = 0;
      for (let c = 0; c < len; c++) {
        let s = before[y + c];
        for (let q = 0; q < j; q++) s -= before[alpha + q] * before[vTop - q * ld + c] + before[beta + q] * before[w0 + q * ld + c];
        worst = Math.max(worst, Math.abs(heap[y + c] - s));
      }
      for (let q = 0; q < j; q++) {
        let sv = 0;
        let sw = 0;
        for (let c = 0; c < len; c++) {
          sv += before[vTop - q * ld + c] * before[x + c];
          sw += before[w0 + q * ld + c] * before[x + c];
        }
        worst = Math.max(worst, Math.abs(heap[dv + q] - sv), Math.abs(heap[dw + q] - sw));
      }
      expect(worst, `len ${len}, j ${j}`).toBeLessThan(1e-13);
      for (let i = 0; i < end; i++) {
        const written = (i >= y && i < y + len) || (i >= dv && i < dv + j) || (i >= dw && i < dw + j);
        if (!written) expect(heap[i]).toBe(before[i]);
      }
    }
  });
});

describe('nnSlabs (C += A·B in K and N slabs on the SIMD kernel)', () => {
  it('matches the naive triple loop for awkward shapes and slab sizes, with offsets and strides', () => {
    const rnd = centredUniform(37);
    const k = simdHeap(1 << 20)!;
    const heap = k.heap;
    for (const [M, N, K, kc, nc] of [[1, 1, 1, 512, 128], [5, 7, 3, 2, 4], [9, 130, 515, 512, 128], [12, 33, 70, 16, 8], [4, 4, 0, 512, 128], [17, 200, 33, 7, 5]]) {
      const lda = K + 3;
      const ldb = N + 2;
      const ldc = N + 6;
      const aOff = 5;
      const bOff = aOff + M * lda + 1;
      const cOff = bOff + Math.max(1, K) * ldb + 2;
      const end = cOff + M * ldc;
      for (let i = 0; i < end; i++) heap[i] = rnd();
      const before = heap.slice(0, end);
      nnSlabs(k, M, N, K, aOff, lda, bOff, ldb, cOff, ldc, kc, nc);
      expectHeapProduct(heap, before, M, N, K, aOff, lda, bOff, ldb, cOff, ldc, `${M}×${N}×${K} (slabs ${kc} × ${nc})`);
    }
  });
});

describe('the dense stages on the SIMD kernels against the same stages on the JavaScript kernels', () => {
  // Orders above the tridiagonalisation's crossover (128) + one panel, with several block sizes so
  // that the SIMD trailing update and p = A v run in many panels and at every remainder mod 4.
  for (const [n, block] of [[161, 32], [203, 7], [310, 32], [257, 16]] as const) {
    it(`tridiagonalisation, order ${n}, block ${block}: same spectrum of T to 1e-13, A = Q T Qᵀ to 1e-13, the same bits on a rerun`, () => {
      const a = randomSymmetric(n, 400 + n);
      const scale = maxAbs(a);
      const simd = householderTridiagonalize(a.slice(), n, block, true);
      const js = householderTridiagonalize(a.slice(), n, block, false);
      const vs = tridiagonalValues(simd, n);
      const vj = tridiagonalValues(js, n);
      expect(maxDiff(vs, vj) / Math.max(Math.abs(vj[0]), Math.abs(vj[n - 1]))).toBeLessThan(1e-13);
      expect(reconstructionError(a, simd, n) / scale).toBeLessThan(1e-13);
      const again = householderTridiagonalize(a.slice(), n, block, true);
      expect(sameBits(again.diagonal, simd.diagonal) && sameBits(again.offDiagonal, simd.offDiagonal) && sameBits(again.reflectors, simd.reflectors)).toBe(true);
    });
  }

  for (const [n, rows, block] of [[300, 300, 64], [300, 77, 5], [131, 131, 64], [600, 300, 64]] as const) {
    it(`back-transformation, order ${n}, ${rows} rows, block ${block}: the same rows as the JS path and the reflector sweep to 1e-13, the same bits on a rerun`, () => {
      const a = randomSymmetric(n, 500 + n);
      const t = householderTridiagonalize(a.slice(), n);
      const x = Float64Array.from({ length: rows * n }, centredUniform(600 + n));
      const ref = x.slice();
      applyReflectorsToRowsUnblocked(t, n, ref, rows);
      const js = x.slice();
      applyReflectorsToRows(t, n, js, rows, block, false);
      const simd = x.slice();
      applyReflectorsToRows(t, n, simd, rows, block, true);
      const s = Math.max(1, maxAbs(ref));
      expect(maxDiff(simd, ref) / s).toBeLessThan(1e-13);
      expect(maxDiff(simd, js) / s).toBeLessThan(1e-13);
      const again = x.slice();
      applyReflectorsToRows(t, n, again, rows, block, true);
      expect(sameBits(again, simd)).toBe(true);
    });
  }

  const tridiagonalOf = (n: number, seed: number) => {
    const rnd = centredUniform(seed);
    const d = Float64Array.from({ length: n }, rnd);
    const e = Float64Array.from({ length: n }, () => rnd());
    for (let i = 0; i < n; i += 37) e[i] = 0; // a few zero couplings: deflation at every level
    e[0] = 0;
    return { d, e };
  };
  for (const [n, small] of [[250, 5], [400, 32], [333, 2]] as const) {
    it(`divide and conquer, order ${n}, base size ${small}: eigenvalues of the JS path to 1e-13, residual and orthogonality ≤ 1e-13, the same bits on a rerun`, () => {
      const { d, e } = tridiagonalOf(n, 700 + n);
      const run = (simd: boolean) => {
        const values = d.slice();
        const zt = new Float64Array(n * n);
        tridiagonalDivideConquer(values, e, zt, { smallSize: small, simd });
        return { values, zt };
      };
      const s = run(true);
      const j = run(false);
      const lmax = Math.max(Math.abs(j.values[0]), Math.abs(j.values[n - 1]));
      expect(maxDiff(s.values, j.values) / lmax).toBeLessThan(1e-13);
      let res = 0;
      let orth = 0;
      for (let k = 0; k < n; k++) {
        const v = s.zt.subarray(k * n, k * n + n);
        for (let i = 0; i < n; i++) {
          const tv = d[i] * v[i] + (i > 0 ? e[i] * v[i - 1] : 0) + (i + 1 < n ? e[i + 1] * v[i + 1] : 0);
          res = Math.max(res, Math.abs(tv - s.values[k] * v[i]));
        }
        for (let l = 0; l <= k; l++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += v[i] * s.zt[l * n + i];
          orth = Math.max(orth, Math.abs(dot - (l === k ? 1 : 0)));
        }
      }
      expect(res / lmax).toBeLessThan(1e-13);
      expect(orth).toBeLessThan(1e-13);
      const again = run(true);
      expect(sameBits(again.values, s.values) && sameBits(again.zt, s.zt)).toBe(true);
    });
  }

  it('symmetricEigen at order 1000 (divide and conquer, everything on the SIMD kernels): the QL eigenvalues to 1e-13, residual and orthogonality ≤ 1e-13', () => {
    const n = 1000;
    const a = randomSymmetric(n, 1000);
    const dc = symmetricEigen(a, n);
    const ql = symmetricEigen(a, n, { vectors: false });
    const lmax = Math.max(Math.abs(ql.values[0]), Math.abs(ql.values[n - 1]));
    expect(maxDiff(dc.values, ql.values) / lmax).toBeLessThan(1e-13);
    const x = dc.vectors!;
    let res = 0;
    for (let k = 0; k < n; k += 7) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += a[i * n + c] * x[k * n + c];
        res = Math.max(res, Math.abs(s - dc.values[k] * x[k * n + i]));
      }
    }
    expect(res / lmax).toBeLessThan(1e-13);
    let orth = 0;
    for (let k = 0; k < n; k += 11) {
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += x[k * n + i] * x[l * n + i];
        orth = Math.max(orth, Math.abs(dot - (l === k ? 1 : 0)));
      }
    }
    expect(orth).toBeLessThan(1e-13);
  });
});
// The committed bytes of engine/linalg/wasm/kernels.c (engine/linalg/denseKernelBytes.ts) are checked with
// the other kernels' in tests/swap-kernel.test.ts (node scripts/build-wasm.mjs --check).

