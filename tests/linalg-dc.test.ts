/**
 * Divide and conquer for the symmetric tridiagonal eigenproblem (engine/linalg/divideConquer.ts)
 * against the implicit QL path of symmetricEigen.ts and against the independent numpy/LAPACK
 * reference: eigenvalues, residuals, orthogonality, on random and on hard (deflation-heavy,
 * clustered, degenerate) matrices.
 */
import { describe, expect, it } from 'vitest';
import { denseHessian, hessianMultiply, sparseHessian } from '../engine/hessian/sparse';
import { DIVIDE_AND_CONQUER_MIN_ORDER, householderTridiagonalize, symmetricEigen, symmetricEigenDivideConquer } from '../engine/linalg/symmetricEigen';
import { tridiagonalQL } from '../engine/linalg/tridiagonalQL';
import { gemmNT, secularRoot, tridiagonalDivideConquer } from '../engine/linalg/divideConquer';
import { createRng, normal, uniform } from '../engine/random';
import { loadStructure } from './helpers/reference';

interface Tri {
  d: Float64Array;
  e: Float64Array; // e[i] = T[i][i−1]
}

function qlValues(t: Tri): Float64Array {
  const d = t.d.slice();
  tridiagonalQL(d, t.e.slice());
  return d.sort();
}

/** max_k ‖T v_k − λ_k v_k‖, max |VVᵀ − I|, for eigenvectors as rows. */
function triChecks(t: Tri, values: Float64Array, v: Float64Array) {
  const n = t.d.length;
  let res = 0;
  for (let k = 0; k < n; k++) {
    const r = k * n;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      let y = t.d[i] * v[r + i];
      if (i > 0) y += t.e[i] * v[r + i - 1];
      if (i + 1 < n) y += t.e[i + 1] * v[r + i + 1];
      s2 += (y - values[k] * v[r + i]) ** 2;
    }
    res = Math.max(res, Math.sqrt(s2));
  }
  return { res, orth: orthogonality(v, n) };
}

function orthogonality(v: Float64Array, n: number): number {
  const g = new Float64Array(n * n);
  gemmNT(n, n, n, v, 0, n, v, 0, n, g, Int32Array.from({ length: n }, (_, j) => j * n), 0);
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(g[i * n + j] - (i === j ? 1 : 0)));
  return worst;
}

function norm(t: Tri): number {
  let s = 0;
  for (let i = 0; i < t.d.length; i++) s = Math.max(s, Math.abs(t.d[i]) + Math.abs(t.e[i]) + (i + 1 < t.d.length ? Math.abs(t.e[i + 1]) : 0));
  return s;
}

/** Runs D&C on t (for several base-case sizes, so that small matrices see many merges) and checks it. */
function checkTridiagonal(t: Tri, label: string, tolValues = 1e-13, tolRes = 1e-13, tolOrth = 5e-14) {
  const n = t.d.length;
  const ref = qlValues(t);
  const scale = Math.max(norm(t), Number.MIN_VALUE);
  for (const smallSize of [2, 5, 32]) {
    const d = t.d.slice();
    const e = t.e.slice();
    const zt = new Float64Array(n * n);
    tridiagonalDivideConquer(d, e, zt, { smallSize });
    expect(e, `${label}: e untouched`).toEqual(t.e);
    for (let k = 1; k < n; k++) expect(d[k], `${label}: ascending`).toBeGreaterThanOrEqual(d[k - 1]);
    let dv = 0;
    for (let k = 0; k < n; k++) dv = Math.max(dv, Math.abs(d[k] - ref[k]));
    const { res, orth } = triChecks(t, d, zt);
    expect(dv / scale, `${label} (smallSize ${smallSize}): eigenvalues vs QL`).toBeLessThan(tolValues);
    expect(res / scale, `${label} (smallSize ${smallSize}): residual`).toBeLessThan(tolRes);
    expect(orth, `${label} (smallSize ${smallSize}): orthogonality`).toBeLessThan(tolOrth);
  }
}

function wilkinsonPlus(m: number): Tri {
  const half = (m - 1) / 2;
  const d = Float64Array.from({ length: m }, (_, i) => Math.abs(i - half));
  const e = Float64Array.from({ length: m }, (_, i) => (i === 0 ? 0 : 1));
  return { d, e };
}

function denseChecks(a: Float64Array, n: number, values: Float64Array, v: Float64Array) {
  let res = 0;
  for (let k = 0; k < n; k++) {
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[k * n + j];
      r2 += (s - values[k] * v[k * n + i]) ** 2;
    }
    res = Math.max(res, Math.sqrt(r2));
  }
  return { res, orth: orthogonality(v, n) };
}

describe('divide and conquer, symmetric tridiagonal (Cuppen; Gu & Eisenstat)', () => {
  it('handles 1×1, 2×2 and 3×3 matrices', () => {
    checkTridiagonal({ d: Float64Array.of(-2.5), e: Float64Array.of(0) }, '1×1');
    checkTridiagonal({ d: Float64Array.of(1, 3), e: Float64Array.of(0, 0.5) }, '2×2');
    checkTridiagonal({ d: Float64Array.of(1, 1), e: Float64Array.of(0, 1e-20) }, '2×2 degenerate');
    checkTridiagonal({ d: Float64Array.of(2, -1, 4), e: Float64Array.of(0, -3, 0.25) }, '3×3 negative coupling');
    const z = new Float64Array(1);
    tridiagonalDivideConquer(Float64Array.of(7), Float64Array.of(0), z);
    expect(Math.abs(z[0])).toBe(1);
  });

  it('matches QL on seeded random tridiagonals (uniform, normal, graded, with zero couplings)', () => {
    const rng = createRng(2024);
    for (const n of [7, 40, 97, 200]) {
      const u = { d: Float64Array.from({ length: n }, () => uniform(rng) - 0.5), e: Float64Array.from({ length: n }, (_, i) => (i ? uniform(rng) - 0.5 : 0)) };
      checkTridiagonal(u, `uniform n=${n}`);
      const g = { d: Float64Array.from({ length: n }, () => normal(rng)), e: Float64Array.from({ length: n }, (_, i) => (i ? normal(rng) : 0)) };
      checkTridiagonal(g, `normal n=${n}`);
      const graded = { d: Float64Array.from({ length: n }, (_, i) => 10 ** (-8 * (i / n))), e: Float64Array.from({ length: n }, (_, i) => (i ? 1e-3 * 10 ** (-8 * (i / n)) : 0)) };
      checkTridiagonal(graded, `graded n=${n}`);
      const cut = { d: u.d.slice(), e: u.e.map((x, i) => (i % 9 === 4 ? 0 : x)) };
      checkTridiagonal(cut, `split n=${n}`);
    }
  });

  it('resolves Wilkinson W21+ and glued Wilkinson matrices (pairs of eigenvalues agreeing to 1e-14)', () => {
    checkTridiagonal(wilkinsonPlus(21), 'W21+');
    checkTridiagonal(wilkinsonPlus(101), 'W101+');
    for (const glue of [1e-14, 1e-10, 1e-6]) {
      const copies = 8;
      const w = wilkinsonPlus(21);
      const n = 21 * copies;
      const d = new Float64Array(n);
      const e = new Float64Array(n);
      for (let c = 0; c < copies; c++) {
        d.set(w.d, 21 * c);
        e.set(w.e, 21 * c);
        if (c > 0) e[21 * c] = glue;
      }
      checkTridiagonal({ d, e }, `glued W21+ ×${copies}, glue ${glue}`);
    }
  });

  it('deflates many (near-)degenerate eigenvalues: diag(1,1,1,2,2,2,…) with tiny couplings, and constant matrices', () => {
    const n = 150;
    for (const c of [0, 1e-300, 1e-15, 1e-9]) {
      const d = Float64Array.from({ length: n }, (_, i) => 1 + Math.floor(i / 3));
      const e = Float64Array.from({ length: n }, (_, i) => (i ? c : 0));
      checkTridiagonal({ d, e }, `diag(1,1,1,2,2,2,…), coupling ${c}`);
    }
    checkTridiagonal({ d: new Float64Array(64).fill(2), e: Float64Array.from({ length: 64 }, (_, i) => (i ? 1e-12 : 0)) }, 'constant diagonal');
    checkTridiagonal({ d: new Float64Array(64).fill(2), e: Float64Array.from({ length: 64 }, (_, i) => (i ? -1 : 0)) }, '1D Laplacian');
  });

  it('solves each secular equation so that d_i − λ_j keeps its sign and the root is bracketed', () => {
    const rng = createRng(9);
    const K = 50;
    const d = Float64Array.from({ length: K }, (_, i) => i + 0.3 * uniform(rng));
    const z = Float64Array.from({ length: K }, () => normal(rng));
    z[10] = 1e-7; // a root squeezed against its pole
    let zz = 0;
    for (const x of z) zz += x * x;
    z.forEach((x, i) => (z[i] = x / Math.sqrt(zz)));
    const rho = 0.7;
    const delta = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      const { lambda } = secularRoot(j, K, d, z, rho, new Float64Array(K), delta, 0);
      // λ may round onto its pole (root 10 sits ~1e-15 above d_10); d_i − λ_j must still carry the sign.
      expect(lambda).toBeGreaterThanOrEqual(d[j]);
      if (j + 1 < K) expect(lambda).toBeLessThanOrEqual(d[j + 1]);
      else expect(lambda).toBeLessThanOrEqual(d[j] + rho * (1 + 1e-14));
      for (let i = 0; i < K; i++) expect(Math.sign(delta[i])).toBe(i <= j ? -1 : 1);
      let f = 1 / rho;
      let df = 0;
      for (let i = 0; i < K; i++) {
        f += (z[i] * z[i]) / delta[i];
        df += (z[i] / delta[i]) ** 2;
      }
      // |f| small against the size of its terms, i.e. λ_j good to a few ulps (backward sense).
      expect(Math.abs(f) / df).toBeLessThan(1e-13 * (Math.abs(lambda) + 1));
    }
  });
});

describe('dense symmetric eigensolver with divide and conquer', () => {
  it('agrees with Householder + QL on seeded random dense symmetric matrices', () => {
    const rng = createRng(77);
    for (const n of [1, 2, 60, 257]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = normal(rng);
      const ql = symmetricEigen(a, n, { vectors: false });
      const dc = symmetricEigenDivideConquer(a, n);
      const scale = Math.max(Math.abs(ql.values[0]), Math.abs(ql.values[n - 1]));
      for (let k = 0; k < n; k++) expect(Math.abs(dc.values[k] - ql.values[k]) / scale).toBeLessThan(1e-14 * Math.max(1, Math.sqrt(n)));
      const { res, orth } = denseChecks(a, n, dc.values, dc.vectors!);
      expect(res / scale).toBeLessThan(1e-14 * Math.max(1, Math.sqrt(n)));
      expect(orth).toBeLessThan(1e-13);
    }
  });

  it('handles the highly degenerate spectrum of a simple-cubic crystal (6×6×6 periodic lattice Laplacian)', () => {
    const L = 6;
    const n = L * L * L;
    const a = new Float64Array(n * n);
    const idx = (x: number, y: number, z: number) => ((x + L) % L) * L * L + ((y + L) % L) * L + ((z + L) % L);
    for (let x = 0; x < L; x++)
      for (let y = 0; y < L; y++)
        for (let z = 0; z < L; z++) {
          const i = idx(x, y, z);
          a[i * n + i] = 6;
          for (const j of [idx(x + 1, y, z), idx(x - 1, y, z), idx(x, y + 1, z), idx(x, y - 1, z), idx(x, y, z + 1), idx(x, y, z - 1)]) a[i * n + j] -= 1;
        }
    const exact: number[] = [];
    const mu = Array.from({ length: L }, (_, k) => 2 - 2 * Math.cos((2 * Math.PI * k) / L));
    for (const p of mu) for (const q of mu) for (const r of mu) exact.push(p + q + r);
    exact.sort((x, y) => x - y);
    const dc = symmetricEigenDivideConquer(a, n);
    for (let k = 0; k < n; k++) expect(Math.abs(dc.values[k] - exact[k])).toBeLessThan(1e-13);
    const { res, orth } = denseChecks(a, n, dc.values, dc.vectors!);
    expect(res).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
  });

  for (const name of ['d3_n125_taper2', 'd2_n100_taper2']) {
    it(`reproduces the LAPACK spectrum of the ${name} glass Hessian with orthonormal eigenvectors`, () => {
      const { glass, positions, entry } = loadStructure(name);
      const h = sparseHessian(glass, positions);
      const n = glass.box.dim * glass.diameters.length;
      const dense = denseHessian(h);
      const dc = symmetricEigenDivideConquer(dense, n);
      const ql = symmetricEigen(dense, n, { vectors: false });
      const values = dc.values;
      const lambdaMax = values[n - 1];
      const zero = Array.from(values).filter((x) => Math.abs(x) < 1e-8 * lambdaMax).length;
      expect(zero).toBe(entry.zeroModes);
      entry.lowestNonZeroEigenvalues.forEach((ref: number, k: number) => expect(Math.abs(values[zero + k] - ref) / ref).toBeLessThan(1e-10));
      expect(Math.abs(lambdaMax - entry.largestEigenvalue) / entry.largestEigenvalue).toBeLessThan(1e-10);
      for (let k = 0; k < n; k++) expect(Math.abs(values[k] - ql.values[k])).toBeLessThan(1e-13 * lambdaMax);
      const y = new Float64Array(n);
      let res = 0;
      for (let k = 0; k < n; k++) {
        const v = dc.vectors!.subarray(k * n, k * n + n);
        hessianMultiply(h, v, y);
        let r2 = 0;
        for (let i = 0; i < n; i++) r2 += (y[i] - values[k] * v[i]) ** 2;
        res = Math.max(res, Math.sqrt(r2));
      }
      expect(res).toBeLessThan(1e-13 * lambdaMax);
      expect(orthogonality(dc.vectors!, n)).toBeLessThan(1e-13);
    });
  }

  it('takes the tridiagonal from the existing Householder reduction unchanged', () => {
    const rng = createRng(3);
    const n = 90;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = uniform(rng) - 0.5;
    const t = householderTridiagonalize(a.slice(), n);
    checkTridiagonal({ d: t.diagonal, e: t.offDiagonal }, 'Householder tridiagonal of a random matrix');
  });

  it('is what symmetricEigen runs with eigenvectors from DIVIDE_AND_CONQUER_MIN_ORDER on (same values as QL, orthonormal, small residuals)', () => {
    const n = DIVIDE_AND_CONQUER_MIN_ORDER;
    const rng = createRng(41);
    // Banded random matrix plus a few exact degeneracies on the diagonal.
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = Math.floor(i / 4);
      for (let j = Math.max(0, i - 6); j < i; j++) a[i * n + j] = a[j * n + i] = 0.1 * normal(rng);
    }
    const auto = symmetricEigen(a, n);
    const dc = symmetricEigen(a.slice(0, 90 * 90).map((_, q) => a[Math.floor(q / 90) * n + (q % 90)]), 90, { method: 'divide-and-conquer' });
    const ql = symmetricEigen(a, n, { vectors: false });
    const scale = Math.abs(ql.values[n - 1]);
    for (let k = 0; k < n; k++) expect(Math.abs(auto.values[k] - ql.values[k])).toBeLessThan(1e-13 * scale);
    expect(orthogonality(auto.vectors!, n)).toBeLessThan(1e-13);
    const v = auto.vectors!;
    let res = 0;
    for (let k = 0; k < n; k += 7) {
      let r2 = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = Math.max(0, i - 6); j <= Math.min(n - 1, i + 6); j++) s += a[i * n + j] * v[k * n + j];
        r2 += (s - auto.values[k] * v[k * n + i]) ** 2;
      }
      res = Math.max(res, Math.sqrt(r2));
    }
    expect(res).toBeLessThan(1e-13 * scale);
    expect(dc.vectors!.length).toBe(90 * 90);
  });
});
