/**
 * The Krylov certificate (engine/linalg/krylovCheck.ts): Kuczyński–Woźniakowski's step count and
 * bound, the tridiagonal's lowest eigenvalue by bisection, and the check itself: a complete found set
 * passes, a set with one mode left out (a simple one, or one copy of a double eigenvalue) fails with
 * the missing eigenvalue as its lowest Ritz value, and lowestSpectrum's `certify: 'krylov'` certifies
 * a quenched glass whose modes the dense solver confirms (with the step kernel and without).
 */
import { describe, expect, it } from 'vitest';
import { crudeRitzValues, krylovCheck, krylovFailureBound, krylovStepsNeeded, krylovUpperBound, plainLanczos, tridiagonalLowest } from '../engine/linalg/krylovCheck';
import { tridiagonalQL } from '../engine/linalg/tridiagonalQL';
import { symmetricEigen } from '../engine/linalg/symmetricEigen';
import { sparseHessian } from '../engine/hessian/sparse';
import { lowestSpectrum } from '../engine/spectrum/lowest';
import { referenceSpectrum } from '../engine/spectrum';
import { makeGlass } from '../engine/model/glass';
import { boxSide, validateSettings } from '../engine/model/settings';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { createRng, normal } from '../engine/random';

/** A dense symmetric matrix Q diag(λ) Qᵀ with a random orthogonal Q, as an operator, and its eigenvectors as rows. */
function spectrumOperator(lambda: Float64Array, seed: number) {
  const n = lambda.length;
  const rng = createRng(seed);
  const g = Float64Array.from({ length: n * n }, () => normal(rng));
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) sym[i * n + j] = sym[j * n + i] = g[i * n + j] + g[j * n + i];
  const q = symmetricEigen(sym, n).vectors!; // columns orthonormal (row-major: q[r·n + c] = component r of vector c)
  const rows = new Float64Array(n * n);
  for (let c = 0; c < n; c++) for (let r = 0; r < n; r++) rows[c * n + r] = q[r * n + c];
  const a = new Float64Array(n * n);
  for (let c = 0; c < n; c++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += lambda[c] * rows[c * n + i] * rows[c * n + j];
  const op = (x: Float64Array, y: Float64Array, count: number) => {
    for (let v = 0; v < count; v++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * x[v * n + j];
        y[v * n + i] = s;
      }
  };
  return { op, rows };
}

const pick = (rows: Float64Array, n: number, which: number[]) => {
  const out = new Float64Array(which.length * n);
  which.forEach((c, r) => out.set(rows.subarray(c * n, c * n + n), r * n));
  return out;
};

describe('the Krylov certificate', () => {
  it('takes the steps its bound asks for, and finds the lowest eigenvalue of a tridiagonal', () => {
    for (const [m, eps, p] of [[3000, 1e-5, 1e-6], [3e5, 3e-6, 1e-3], [100, 0.01, 0.1]] as const) {
      const k = krylovStepsNeeded(m, eps, p);
      expect(krylovFailureBound(m, eps, k)).toBeLessThanOrEqual(p);
      expect(krylovFailureBound(m, eps, k - 1)).toBeGreaterThan(p);
    }
    // The λ_max bound from a 30-step estimate: ε₁ = (ln(1.648 √m / p)/59)².
    const e1 = (Math.log((1.648 * Math.sqrt(2997)) / 1e-6) / 59) ** 2;
    expect(krylovUpperBound(477, 30, 2997, 1e-6)).toBeCloseTo(477 / (1 - e1), 9);
    expect(krylovUpperBound(477, 3, 2997, 1e-6)).toBe(Infinity);
    const rng = createRng(11);
    const m = 60;
    const alpha = Float64Array.from({ length: m }, () => 2 + normal(rng));
    const beta = Float64Array.from({ length: m }, () => normal(rng));
    const t = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      t[i * m + i] = alpha[i];
      if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i];
    }
    const lowest = symmetricEigen(t, m).values[0];
    expect(Math.abs(tridiagonalLowest(alpha, beta, m) - lowest)).toBeLessThan(1e-12 * Math.abs(lowest) + 1e-13);
  });

  it('passes a complete set and fails one with a mode left out, or one copy of a double eigenvalue', () => {
    const n = 300;
    // A PSD spectrum like a glass': a zero (the "translation"), a sparse low end, a dense band to 50.
    const lambda = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 0.2 + 0.05 * i + 50 * (i / n) ** 2));
    lambda[8] = lambda[7]; // a double eigenvalue inside the set
    const { op, rows } = spectrumOperator(lambda, 3);
    const K = 12;
    const all = Array.from({ length: K + 1 }, (_, i) => i); // the zero + the K lowest
    const top = lambda[K];
    const next = lambda[K + 1];
    const complete = krylovCheck(op, n, pick(rows, n, all), top, next, 60, { seed: 4 });
    expect(complete.passed).toBe(true);
    expect(complete.steps).toBe(complete.stepsNeeded);
    expect(complete.projectEvery).toBeGreaterThan(1); // the found rows projected out every few steps, not each
    expect(complete.failureBound).toBeLessThanOrEqual(1e-6);
    expect(complete.ritzMin).toBeGreaterThanOrEqual(complete.threshold);
    expect(Math.abs(complete.ritzMin - next)).toBeLessThan(1e-6 * next); // it converged to λ_(K+1)
    for (const left of [4, 8]) {
      const missing = krylovCheck(op, n, pick(rows, n, all.filter((c) => c !== left)), top, next, 60, { seed: 4 });
      expect(missing.passed).toBe(false);
      expect(missing.ritzMin).toBeLessThan(missing.threshold);
      expect(missing.reason).toMatch(/may be missing/);
      expect(missing.ritzMin).toBeGreaterThanOrEqual(lambda[left] - 1e-9);
    }
    // Without a gap above the set, or asked for an impossible probability: no claim.
    expect(krylovCheck(op, n, pick(rows, n, all), top, top, 60).passed).toBe(false);
    expect(() => krylovCheck(op, n, pick(rows, n, all), top, next, 60, { probability: 0 })).toThrow(/probability/);
    // Over its step budget: not certified, nothing run.
    const capped = krylovCheck(op, n, pick(rows, n, all), top, next, 60, { maxSteps: 10 });
    expect(capped.passed).toBe(false);
    expect(capped.steps).toBe(0);
    expect(capped.reason).toMatch(/budget/);
  });

  it('certifies the lowest modes of a quenched glass, which the dense solver confirms (step kernel and plain loops)', () => {
    const settings = validateSettings({ model: { dim: 3, particles: 216, taper: 2 } });
    const start = randomConfiguration(settings, 9);
    const positions = runQuenchStage(settings, start.positions, start.diameters).positions;
    const h = sparseHessian(makeGlass(settings.model, start.diameters), positions);
    const dense = referenceSpectrum(h).values;
    for (const stepKernel of [true, false]) {
      const r = lowestSpectrum(h, positions, boxSide(settings.model), 20, { certify: 'krylov', stepKernel });
      expect(r.certification.certified).toBe(true);
      expect(r.certification.method).toBe('krylov');
      expect(r.certification.krylov!.failureBound).toBeLessThanOrEqual(2e-6);
      expect(r.certification.reason).toMatch(/Kuczyński–Woźniakowski/);
      // The check sits above a boundary K … K + 4 (the solver goes past K only for a wider gap); the
      // K asked come back.
      const cov = r.certification.covered!;
      expect(cov).toBeGreaterThanOrEqual(20);
      expect(cov).toBeLessThanOrEqual(24);
      const gap = (j: number) => dense[3 + j] - dense[2 + j];
      expect(gap(cov)).toBeGreaterThanOrEqual(0.8 * gap(20));
      expect(r.count).toBe(20);
      expect(r.next).toBeCloseTo(dense[23], 9);
      for (let i = 0; i < r.count; i++) expect(Math.abs(r.eigenvalues[3 + i] - dense[3 + i])).toBeLessThan(1e-9 * dense[3 + i]);
    }
  });
});

describe('the crude runs: plain Lanczos Ritz values with the ghosts removed (Cullum–Willoughby)', () => {
  it('after 150 steps on a spectrum with two outliers, T has many copies of each; the crude values keep one, stay inside the spectrum, and the top is λ_max', () => {
    const n = 400;
    const lam = new Float64Array(n);
    for (let i = 0; i < n - 2; i++) lam[i] = 0.1 + (0.9 * i) / (n - 3);
    lam[n - 2] = 5;
    lam[n - 1] = 10;
    const op = (x: Float64Array, y: Float64Array) => {
      for (let i = 0; i < n; i++) y[i] = lam[i] * x[i];
    };
    const steps = 150;
    const run = plainLanczos(op, n, new Float64Array(0), steps, { seed: 3 });
    const d = Float64Array.from(run.alpha);
    const e = new Float64Array(steps);
    for (let i = 1; i < steps; i++) e[i] = run.beta[i - 1];
    tridiagonalQL(d, e);
    const copies = (v: ArrayLike<number>, x: number) => Array.from(v).filter((y) => Math.abs(y - x) < 1e-8).length;
    // Without reorthogonalisation the converged outliers come back again and again.
    expect(copies(d, 10)).toBeGreaterThanOrEqual(5);
    expect(copies(d, 5)).toBeGreaterThanOrEqual(5);
    const crude = crudeRitzValues(op, n, new Float64Array(0), steps, { seed: 3 });
    expect(crude.steps).toBe(steps);
    expect(copies(crude.values, 10)).toBe(1);
    expect(copies(crude.values, 5)).toBe(1);
    expect(Math.abs(crude.top - 10)).toBeLessThan(1e-12);
    for (let i = 1; i < crude.values.length; i++) expect(crude.values[i]).toBeGreaterThan(crude.values[i - 1]);
    expect(crude.values[0]).toBeGreaterThan(0.1 - 1e-12);
    // Below the outliers: no more Ritz values than eigenvalues there.
    expect(crude.values.length - 2).toBeLessThanOrEqual(n - 2);
    expect(Array.from(crude.values).filter((x) => x < 1 + 1e-12).length).toBe(crude.values.length - 2);
  });
});
