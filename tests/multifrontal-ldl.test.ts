/**
 * The supernodal multifrontal LDLᵀ of H − σI (engine/hessian/multifrontalLDL.ts), the factor behind
 * the lowest-K certificate: exact in float64 — solves with small residuals on the sparse Hessian,
 * L D Lᵀ reproduces H − σI — and its inertia is the dense count of eigenvalues below σ, for σ below
 * the spectrum, between low eigenvalues, in the band and above it, d = 2 and 3, m = 2 and ∞; with
 * and without relaxed supernodes, and against the particle-block factorisation of sparseLDL.ts.
 */
import { describe, expect, it } from 'vitest';
import { hessianMultiplyRows, sparseHessian } from '../engine/hessian/sparse';
import { factorShifted, multiplyFactor, solveShifted, supernodalCost, supernodesOf } from '../engine/hessian/multifrontalLDL';
import { inertiaOf, nestedDissectionOrder, symbolicFactor } from '../engine/hessian/sparseLDL';
import { makeGlass } from '../engine/model/glass';
import { boxSide, validateSettings } from '../engine/model/settings';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { createRng, normal } from '../engine/random';
import { referenceSpectrum } from '../engine/spectrum';

function glass(dim: 2 | 3, particles: number, taper: 2 | 'inf', seed: number) {
  const settings = validateSettings({ model: { dim, particles, taper }, sampling: { parentTemperature: 'inf' }, seed });
  const start = randomConfiguration(settings, seed);
  const q = runQuenchStage(settings, start.positions, start.diameters);
  expect(q.converged).toBe(true);
  const h = sparseHessian(makeGlass(settings.model, start.diameters), q.positions);
  const symbolic = symbolicFactor(h, nestedDissectionOrder(h, q.positions, boxSide(settings.model)), { maxFlops: Infinity, maxBlocks: Infinity }).factor!;
  return { h, symbolic };
}

describe('supernodal multifrontal LDLᵀ of H − σI', () => {
  for (const [dim, particles, taper] of [[3, 216, 2], [3, 125, 'inf'], [2, 256, 2], [2, 144, 'inf']] as const) {
    it(`d = ${dim}, N = ${particles}, m = ${taper}: inertia = dense count below σ, solves and L D Lᵀ exact to rounding`, () => {
      const { h, symbolic } = glass(dim, particles, taper, 3);
      const n = dim * particles;
      const ref = referenceSpectrum(h).values;
      const lambdaMax = ref[n - 1];
      const rng = createRng(11);
      const relaxed = supernodesOf(symbolic);
      const fundamental = supernodesOf(symbolic, false);
      expect(relaxed.first.length).toBeLessThan(fundamental.first.length);
      // σ below the spectrum (H − σI positive definite), between low eigenvalues (indefinite, few
      // negative pivots), in the middle of the band, between the two highest, above the top.
      const sigmas = [-1e-3 * ref[dim], 0.5 * (ref[dim + 4] + ref[dim + 5]), 0.5 * (ref[dim + 29] + ref[dim + 30]), 0.5 * (ref[n >> 1] + ref[(n >> 1) + 1]), 0.5 * (ref[n - 2] + ref[n - 1]), 1.1 * lambdaMax];
      for (const sigma of sigmas) {
        const below = ref.filter((l) => l < sigma).length;
        for (const sn of [relaxed, fundamental]) {
          const f = factorShifted(h, sigma, symbolic, sn);
          expect(f.negative).toBe(below);
          expect(f.negative + f.zero + f.positive).toBe(n);
          // Three right-hand sides at once: ‖(H − σI)x − b‖ against ‖H − σI‖ ‖x‖.
          const count = 3;
          const b = new Float64Array(count * n).map(() => normal(rng));
          const x = new Float64Array(count * n);
          solveShifted(f, b, x, count);
          const hx = new Float64Array(count * n);
          hessianMultiplyRows(h, x, hx, count);
          const scale = Math.max(Math.abs(sigma), lambdaMax - sigma);
          for (let c = 0; c < count; c++) {
            let r2 = 0;
            let x2 = 0;
            for (let i = c * n; i < (c + 1) * n; i++) {
              r2 += (hx[i] - sigma * x[i] - b[i]) ** 2;
              x2 += x[i] * x[i];
            }
            expect(Math.sqrt(r2)).toBeLessThan(1e-12 * scale * Math.sqrt(x2));
          }
          // One vector alone (its own scalar sweeps): the same residual bound.
          const one = new Float64Array(n);
          solveShifted(f, b.subarray(0, n), one, 1);
          const hOne = new Float64Array(n);
          hessianMultiplyRows(h, one, hOne, 1);
          let q2 = 0;
          let o2 = 0;
          for (let i = 0; i < n; i++) {
            q2 += (hOne[i] - sigma * one[i] - b[i]) ** 2;
            o2 += one[i] * one[i];
          }
          expect(Math.sqrt(q2)).toBeLessThan(1e-12 * scale * Math.sqrt(o2));
          // L D Lᵀ v against (H − σI) v.
          const v = b.subarray(0, n);
          const ldl = new Float64Array(n);
          multiplyFactor(f, v, ldl);
          const hv = new Float64Array(n);
          hessianMultiplyRows(h, v, hv, 1);
          let e2 = 0;
          let v2 = 0;
          for (let i = 0; i < n; i++) {
            e2 += (ldl[i] - hv[i] + sigma * v[i]) ** 2;
            v2 += v[i] * v[i];
          }
          expect(Math.sqrt(e2 / v2)).toBeLessThan(1e-12 * lambdaMax);
        }
        // The particle-block factorisation (3×3 pivots) counts the same.
        expect(inertiaOf(h, sigma, symbolic).negative).toBe(below);
      }
    });
  }

  it('solves of 1, 4 and 8 vectors against the dense eigendecomposition, x = Σ v (v·b)/(λ − σ), for σ inside the low spectrum and in the band (d = 3, N = 216, m = 2)', () => {
    const { h, symbolic } = glass(3, 216, 2, 7);
    const n = 3 * 216;
    const ref = referenceSpectrum(h);
    const rng = createRng(5);
    for (const sigma of [0.5 * (ref.values[3 + 29] + ref.values[3 + 30]), 0.5 * (ref.values[n >> 1] + ref.values[(n >> 1) + 1])]) {
      const f = factorShifted(h, sigma, symbolic);
      let nearest = Infinity;
      let farthest = 0;
      for (const l of ref.values) {
        nearest = Math.min(nearest, Math.abs(l - sigma));
        farthest = Math.max(farthest, Math.abs(l - sigma));
      }
      const condition = farthest / nearest;
      for (const count of [1, 4, 8]) {
        const b = new Float64Array(count * n).map(() => normal(rng));
        const x = new Float64Array(count * n);
        solveShifted(f, b, x, count);
        for (let c = 0; c < count; c++) {
          const bc = b.subarray(c * n, (c + 1) * n);
          const xr = new Float64Array(n);
          for (let k = 0; k < n; k++) {
            const v = ref.vectors.subarray(k * n, (k + 1) * n);
            let s = 0;
            for (let i = 0; i < n; i++) s += v[i] * bc[i];
            s /= ref.values[k] - sigma;
            for (let i = 0; i < n; i++) xr[i] += s * v[i];
          }
          let e2 = 0;
          let r2 = 0;
          for (let i = 0; i < n; i++) {
            e2 += (x[c * n + i] - xr[i]) ** 2;
            r2 += xr[i] * xr[i];
          }
          // Forward error of a backward-stable solve: ≲ κ · ε (κ = max|λ − σ| / min|λ − σ|).
          expect(Math.sqrt(e2 / r2), `σ = ${sigma}, ${count} vectors, κ = ${condition.toExponential(1)}`).toBeLessThan(1e-12 * condition);
        }
      }
    }
  });

  it('the SIMD front updates (WebAssembly, engine/linalg/simdGemm.ts) and the scalar gemm give the same factor: pivots to 1e-12, the same inertia', () => {
    const { h, symbolic } = glass(3, 216, 2, 9);
    const ref = referenceSpectrum(h).values;
    for (const sigma of [0.5 * (ref[3 + 29] + ref[3 + 30]), 0.5 * (ref[300] + ref[301])]) {
      const a = factorShifted(h, sigma, symbolic, supernodesOf(symbolic), true);
      const b = factorShifted(h, sigma, symbolic, supernodesOf(symbolic), false);
      expect(a.negative).toBe(b.negative);
      expect(a.negative).toBe(ref.filter((l) => l < sigma).length);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < a.pivots.length; i++) {
        worst = Math.max(worst, Math.abs(a.pivots[i] - b.pivots[i]));
        scale = Math.max(scale, Math.abs(b.pivots[i]));
      }
      expect(worst).toBeLessThan(1e-12 * scale);
    }
  });

  it('the cost is known before the numeric work: the relaxed supernodes add few flops, and the counted flops are those done', () => {
    const { symbolic } = glass(3, 216, 2, 5);
    const a = supernodalCost(supernodesOf(symbolic), 3);
    const b = supernodalCost(supernodesOf(symbolic, false), 3);
    // The fundamental supernodes' flops are those of the column-by-column elimination (sparseLDL's count, scalar units).
    expect(b.flops).toBeGreaterThan(0.5 * symbolic.flops);
    expect(a.flops).toBeGreaterThanOrEqual(b.flops);
    expect(a.flops).toBeLessThan(1.3 * b.flops);
  });
});
