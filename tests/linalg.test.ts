/**
 * The float64 dense reference eigensolver and the float64 refinement (engine/linalg), against
 * matrices whose spectrum is known by construction and against the independent numpy/LAPACK
 * reference of /work/shared/reference.
 */
import { describe, expect, it } from 'vitest';
import { denseHessian, hessianMultiply, hessianTrace, sparseHessian } from '../engine/hessian/sparse';
import { symmetricEigen } from '../engine/linalg/symmetricEigen';
import { refineEigenpairs, rowGram } from '../engine/linalg/refine';
import { reference, loadStructure, centredUniform } from './helpers/reference';


/** A = Q diag(λ) Qᵀ with Q a product of random Householder reflections: the spectrum is λ exactly. */
function matrixWithSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length;
  const rnd = centredUniform(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = lambda[i];
  for (let r = 0; r < 3; r++) {
    const v = Float64Array.from({ length: n }, rnd);
    const vv = v.reduce((s, x) => s + x * x, 0);
    // A ← P A P, P = I − 2vvᵀ/vᵀv
    const av = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) av[i] += a[i * n + j] * v[j];
    const vav = v.reduce((s, x, i) => s + x * av[i], 0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += (-2 * (v[i] * av[j] + av[i] * v[j])) / vv + (4 * vav * v[i] * v[j]) / (vv * vv);
  }
  return a;
}

function maxResidual(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): number {
  let worst = 0;
  for (let k = 0; k < n; k++) {
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[k * n + j];
      r2 += (s - values[k] * vectors[k * n + i]) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(r2));
  }
  return worst;
}

describe('float64 dense symmetric eigensolver (Householder + implicit QL)', () => {
  it('recovers a prescribed spectrum, including a degenerate triple and a negative eigenvalue, to rounding', () => {
    const n = 120;
    const lambda = Array.from({ length: n }, (_, k) => 0.5 * k - 3);
    lambda[10] = lambda[11] = lambda[12] = 2.25; // exact degeneracy
    const a = matrixWithSpectrum(lambda, 7);
    const { values, vectors } = symmetricEigen(a, n);
    const sorted = [...lambda].sort((x, y) => x - y);
    for (let k = 0; k < n; k++) expect(Math.abs(values[k] - sorted[k])).toBeLessThan(1e-12 * 60);
    expect(maxResidual(a, n, values, vectors!)).toBeLessThan(1e-12 * 60);
    const g = rowGram(vectors!, vectors!, n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(g[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(1e-13);
  });

  it('gives orthonormal eigenvectors with residuals at rounding level for a random symmetric matrix', () => {
    const n = 300;
    const rnd = centredUniform(11);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rnd();
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(Math.abs(values.reduce((s, x) => s + x, 0) - trace)).toBeLessThan(1e-11);
    expect(maxResidual(a, n, values, vectors!)).toBeLessThan(1e-12);
    const g = rowGram(vectors!, vectors!, n, n);
    let defect = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) defect = Math.max(defect, Math.abs(g[i * n + j] - (i === j ? 1 : 0)));
    expect(defect).toBeLessThan(1e-13);
    // Values-only mode gives the same eigenvalues.
    const only = symmetricEigen(a, n, { vectors: false });
    for (let k = 0; k < n; k++) expect(only.values[k]).toBeCloseTo(values[k], 13);
  });

  for (const name of ['d3_n125_taper2', 'd3_n125_taperinf', 'd2_n100_taper2']) {
    it(`reproduces the LAPACK spectrum of the ${name} inherent structure (20 lowest to 1e-10, λ_max, trace, ${reference[name].zeroModes} zero modes)`, () => {
      const { glass, positions, entry } = loadStructure(name);
      const h = sparseHessian(glass, positions);
      const n = glass.box.dim * glass.diameters.length;
      const { values } = symmetricEigen(denseHessian(h), n, { vectors: false });
      const lambdaMax = values[n - 1];
      const zero = values.filter((x) => Math.abs(x) < 1e-8 * lambdaMax).length;
      expect(zero).toBe(entry.zeroModes);
      entry.lowestNonZeroEigenvalues.forEach((ref: number, k: number) => expect(Math.abs(values[zero + k] - ref) / ref).toBeLessThan(1e-10));
      expect(Math.abs(lambdaMax - entry.largestEigenvalue) / entry.largestEigenvalue).toBeLessThan(1e-10);
      const sum = values.reduce((s, x) => s + x, 0);
      expect(Math.abs(sum - entry.traceHessian) / entry.traceHessian).toBeLessThan(1e-10);
      expect(Math.abs(hessianTrace(h) - entry.traceHessian) / entry.traceHessian).toBeLessThan(1e-10);
    });
  }
});

describe('float64 refinement (Ogita–Aishima + Rayleigh–Ritz on clusters)', () => {
  it('turns float32-rounded, perturbed eigenvectors of a glass Hessian back into float64 eigenpairs', () => {
    const { glass, positions } = loadStructure('d3_n125_taper2');
    const h = sparseHessian(glass, positions);
    const n = 375;
    const exact = symmetricEigen(denseHessian(h), n);
    const rnd = centredUniform(5);
    // Start from the exact vectors rotated by ~1e-4 and rounded to float32: worse than the device gives.
    const start = Float64Array.from(exact.vectors!, (x) => Math.fround(x + 1e-4 * rnd() / Math.sqrt(n)));
    const op = (x: Float64Array, y: Float64Array) => void hessianMultiply(h, x, y);
    const lambdaMax = exact.values[n - 1];
    const refined = refineEigenpairs(op, start, n, { residualTarget: 1e-11 * lambdaMax });
    expect(refined.maxResidual).toBeLessThan(1e-10 * lambdaMax);
    expect(refined.orthogonality).toBeLessThan(1e-12);
    for (let k = 3; k < 203 && k < n; k++) expect(Math.abs(refined.values[k] - exact.values[k]) / exact.values[k]).toBeLessThan(1e-9);
    for (let k = 0; k < n; k++) expect(Math.abs(refined.values[k] - exact.values[k])).toBeLessThan(1e-6 * lambdaMax);
  });
});
