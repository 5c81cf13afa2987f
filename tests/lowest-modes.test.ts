/**
 * The lowest-K path (docs/PHYSICS.md §4; issue 15): the sparse float64 solver for the K lowest non-zero modes
 * against the dense float64 reference on the same matrix — eigenvalues to 1e-9 relative,
 * ‖Hv − λv‖ ≤ 1e-8 λ_max, translations deflated, none missed (the inertia certificate agrees with
 * the dense count) — for d = 2 and 3, m = 2 and ∞, T* = ∞ and a short swap-MC glass, and an FCC
 * crystal whose exactly degenerate phonon multiplets test the cluster handling.
 */
import { describe, expect, it } from 'vitest';
import { hessianMultiply, sparseHessian, type SparseHessian } from '../engine/hessian/sparse';
import { makeGlass } from '../engine/model/glass';
import { boxSide, validateSettings } from '../engine/model/settings';
import { randomConfiguration, runParentStage, runQuenchStage } from '../engine/pipeline/stages';
import { referenceSpectrum } from '../engine/spectrum';
import { crudeLambdaMax, lowestSpectrum, SLICE_FROM_K, translationBasis } from '../engine/spectrum/lowest';
import { largestEigenvalue, lowestModes } from '../engine/linalg/lowestModes';
import { inertiaOf, nestedDissectionOrder, symbolicFactor } from '../engine/hessian/sparseLDL';

function quenchedGlass(dim: 2 | 3, particles: number, taper: 2 | 'inf', seed: number, parentTemperature: number | 'inf' = 'inf', sweeps = 0) {
  const settings = validateSettings({ model: { dim, particles, taper }, sampling: { parentTemperature, sweeps }, seed });
  const parent = runParentStage(settings, randomConfiguration(settings, seed));
  const q = runQuenchStage(settings, parent.positions, parent.diameters);
  expect(q.converged).toBe(true);
  const glass = makeGlass(settings.model, parent.diameters);
  return { h: sparseHessian(glass, q.positions), positions: q.positions, side: boxSide(settings.model) };
}

function checkAgainstDense(h: SparseHessian, positions: Float64Array, side: number, k: number, path: 'lanczos' | 'shift-invert' | 'slice' = 'lanczos') {
  const d = h.dim;
  const n = d * h.particles;
  const ref = referenceSpectrum(h).values;
  const lambdaMax = ref[n - 1];
  const r = lowestSpectrum(h, positions, side, k, { certify: 'always', path });
  expect(r.path.method).toBe(path);
  expect(r.converged).toBe(true);
  expect(r.count).toBeGreaterThanOrEqual(k);
  expect(r.eigenvalues.length).toBe(d + r.count);
  // The d translations first, at λ ≈ 0; then the K lowest non-zero eigenvalues of the dense reference.
  for (let a = 0; a < d; a++) expect(Math.abs(r.eigenvalues[a])).toBeLessThan(1e-10 * lambdaMax);
  let worst = 0;
  for (let i = 0; i < r.count; i++) worst = Math.max(worst, Math.abs(r.eigenvalues[d + i] - ref[d + i]) / Math.abs(ref[d + i]));
  expect(worst).toBeLessThan(1e-9);
  // Eigenvectors: residuals measured here with the sparse Hessian, unit norm, translations deflated.
  const u = translationBasis(d, h.particles);
  const y = new Float64Array(n);
  for (let i = 0; i < r.count; i++) {
    const v = r.modes.subarray((d + i) * n, (d + i + 1) * n);
    hessianMultiply(h, v, y);
    let r2 = 0;
    let norm = 0;
    for (let c = 0; c < n; c++) {
      r2 += (y[c] - r.eigenvalues[d + i] * v[c]) ** 2;
      norm += v[c] * v[c];
    }
    expect(Math.sqrt(r2)).toBeLessThanOrEqual(1e-8 * lambdaMax);
    expect(Math.abs(norm - 1)).toBeLessThan(1e-12);
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += u[a * n + c] * v[c];
      expect(Math.abs(s)).toBeLessThan(1e-12);
    }
  }
  expect(r.residualMax).toBeLessThanOrEqual(1e-8);
  // λ_max from a few Lanczos steps: a lower bound close to the dense one, and an upper estimate above it.
  expect(r.lambdaMax).toBeLessThanOrEqual(lambdaMax * (1 + 1e-12));
  expect(r.lambdaMax).toBeGreaterThan(0.95 * lambdaMax);
  expect(r.lambdaMaxUpper).toBeGreaterThanOrEqual(lambdaMax * (1 - 1e-9));
  // None missed: the certificate holds, and its count agrees with the dense spectrum.
  expect(r.certification.certified).toBe(true);
  const sigma = r.certification.sigma!;
  expect(r.certification.negatives).toBe(ref.filter((l) => l < sigma).length);
  if (path === 'slice') {
    // One factor at σ above λ_(K+1): its count is every eigenvalue found below σ, the guard included.
    expect(r.certification.negatives).toBe(r.certification.expected);
    expect(r.certification.negatives).toBeGreaterThanOrEqual(d + r.count + 1);
    expect(r.next).toBeLessThan(sigma);
  } else expect(r.certification.negatives).toBe(d + r.count);
  // The gap above the set is the dense one.
  expect(Math.abs(r.next - ref[d + r.count]) / ref[d + r.count]).toBeLessThan(1e-6);
  return { r, ref };
}

describe('lowest-K modes against the dense float64 reference', () => {
  for (const [dim, particles, taper, k] of [
    [3, 216, 2, 30],
    [3, 343, 'inf', 30],
    [2, 256, 2, 30],
    [2, 225, 'inf', 20],
  ] as const) {
    it(`d = ${dim}, N = ${particles}, m = ${taper}, T* = ∞: the ${k} lowest non-zero modes, certified`, () => {
      const g = quenchedGlass(dim, particles, taper, 11 + particles);
      checkAgainstDense(g.h, g.positions, g.side, k);
    });
  }

  it('a short swap-MC glass (d = 3, N = 216, m = 2, T* = 0.3, 300 sweeps): the 30 lowest, certified', () => {
    const g = quenchedGlass(3, 216, 2, 5, 0.3, 300);
    checkAgainstDense(g.h, g.positions, g.side, 30);
  });

  it('the unfiltered iteration (Chebyshev degree 0) meets the same contract: d = 3, N = 216, m = 2', () => {
    const g = quenchedGlass(3, 216, 2, 77);
    const ref = referenceSpectrum(g.h).values;
    const r = lowestSpectrum(g.h, g.positions, g.side, 25, { degree: 0, certify: 'always', path: 'lanczos' });
    for (let i = 0; i < r.count; i++) expect(Math.abs(r.eigenvalues[3 + i] - ref[3 + i]) / ref[3 + i]).toBeLessThan(1e-9);
    expect(r.residualMax).toBeLessThanOrEqual(1e-8);
    expect(r.certification.certified).toBe(true);
  });

  for (const [dim, particles, taper, seed] of [[3, 216, 2, 1], [2, 256, 'inf', 3]] as const) {
    it(`shift-invert (Lanczos on (H − σ₁I)⁻¹ by the supernodal LDLᵀ) meets the same contract: d = ${dim}, N = ${particles}, m = ${taper}`, () => {
      const g = quenchedGlass(dim, particles, taper, seed);
      const { r } = checkAgainstDense(g.h, g.positions, g.side, 30, 'shift-invert');
      expect(r.path.solves).toBeGreaterThan(30);
      expect(r.path.reason).toMatch(/solves with the supernodal LDLᵀ/);
    });
  }

  for (const [dim, particles, taper, seed] of [[3, 216, 2, 1], [2, 256, 'inf', 3], [3, 343, 'inf', 8]] as const) {
    it(`slice (one LDLᵀ of H − σI: Lanczos on its inverse, its inertia the certificate) meets the same contract: d = ${dim}, N = ${particles}, m = ${taper}`, () => {
      const g = quenchedGlass(dim, particles, taper, seed);
      const { r, ref } = checkAgainstDense(g.h, g.positions, g.side, 30, 'slice');
      expect(r.path.reason).toMatch(/eigenvalues below σ/);
      expect(r.path.solves).toBeGreaterThan(30);
      // The λ_(K+1) it returns is an eigenvalue found below σ: exact, not a Ritz bound.
      expect(Math.abs(r.next - ref[dim + r.count]) / ref[dim + r.count]).toBeLessThan(1e-9);
    });
  }

  it('the default path: the filtered Lanczos at every K (the slice only where asked); both to the contract (d = 3, N = 216, m = 2)', () => {
    const g = quenchedGlass(3, 216, 2, 21);
    const ref = referenceSpectrum(g.h).values;
    expect(SLICE_FROM_K).toBe(Infinity);
    for (const [k, path] of [[80, undefined], [80, 'slice'], [20, undefined]] as const) {
      const r = lowestSpectrum(g.h, g.positions, g.side, k, { certify: 'always', path });
      expect(r.path.method).toBe(path ?? 'lanczos');
      expect(r.certification.certified).toBe(true);
      expect(r.certification.negatives).toBe(ref.filter((l) => l < r.certification.sigma!).length);
      expect(r.count).toBeGreaterThanOrEqual(k);
      for (let i = 0; i < r.count; i++) expect(Math.abs(r.eigenvalues[3 + i] - ref[3 + i]) / ref[3 + i]).toBeLessThan(1e-9);
      expect(r.residualMax).toBeLessThanOrEqual(1e-8);
    }
  });

  it('slice with an FCC crystal (exactly degenerate multiplets at the edge): the contract holds on whichever path ran, and the path says which', () => {
    const { h, positions, side } = fccCrystal(3);
    const d = 3;
    const ref = referenceSpectrum(h).values;
    let multiplet = 0;
    while (Math.abs(ref[d + multiplet] - ref[d]) <= 1e-9 * ref[d]) multiplet++;
    const r = lowestSpectrum(h, positions, side, multiplet - 1, { certify: 'always', path: 'slice' });
    expect(r.count).toBe(multiplet);
    for (let i = 0; i < r.count; i++) expect(Math.abs(r.eigenvalues[d + i] - ref[d + i]) / ref[d + i]).toBeLessThan(1e-9);
    expect(r.certification.certified).toBe(true);
    expect(r.certification.negatives).toBe(ref.filter((l) => l < r.certification.sigma!).length);
    if (r.path.method !== 'slice') expect(r.path.reason).toMatch(/slice did not finish/);
  });

  it('shift-invert over the factorisation budget falls back to the filtered Lanczos and says so', () => {
    const g = quenchedGlass(3, 216, 2, 9);
    const r = lowestSpectrum(g.h, g.positions, g.side, 10, { path: 'shift-invert', budget: { maxFlops: 1e6 } });
    expect(r.path.method).toBe('lanczos');
    expect(r.path.reason).toMatch(/shift-invert asked for, but the LDLᵀ factorisation would exceed its budget/);
    expect(r.converged).toBe(true);
  });

  it('N = 512 (d = 3, m = ∞): K = 40', () => {
    const g = quenchedGlass(3, 512, 'inf', 3);
    checkAgainstDense(g.h, g.positions, g.side, 40);
  });
});

/** An FCC crystal of equal spheres at ρ = 1 (cells³ cubic cells of 4), an equilibrium by symmetry. */
function fccCrystal(cells: number) {
  const particles = 4 * cells ** 3;
  const settings = validateSettings({ model: { dim: 3, particles, taper: 2 } });
  const side = boxSide(settings.model);
  const a = side / cells;
  const positions = new Float64Array(3 * particles);
  let p = 0;
  for (let x = 0; x < cells; x++) for (let y = 0; y < cells; y++) for (let z = 0; z < cells; z++) {
    for (const [u, v, w] of [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]) {
      positions[p++] = (x + u + 0.25) * a;
      positions[p++] = (y + v + 0.25) * a;
      positions[p++] = (z + w + 0.25) * a;
    }
  }
  const glass = makeGlass(settings.model, new Float64Array(particles).fill(1));
  return { h: sparseHessian(glass, positions), positions, side };
}

describe('clusters and degeneracies', () => {
  it('an FCC crystal: a K that cuts an exactly degenerate phonon multiplet is extended to the whole multiplet, and every copy is found', () => {
    const { h, positions, side } = fccCrystal(3); // N = 108
    const d = 3;
    const ref = referenceSpectrum(h).values;
    // The lowest non-zero multiplet, and a K that ends inside it.
    const first = ref[d];
    let multiplet = 0;
    while (Math.abs(ref[d + multiplet] - first) <= 1e-9 * first) multiplet++;
    expect(multiplet).toBeGreaterThan(2);
    const k = multiplet - 1;
    const r = lowestSpectrum(h, positions, side, k, { certify: 'always' });
    expect(r.count).toBe(multiplet);
    expect(r.extension).toBe(1);
    for (let i = 0; i < r.count; i++) expect(Math.abs(r.eigenvalues[d + i] - ref[d + i]) / ref[d + i]).toBeLessThan(1e-9);
    expect(r.certification.certified).toBe(true);
    expect(r.gapRelative).toBeGreaterThan(1e-6);
  });

  it('without the cluster rule, a K that ends inside a multiplet is never certified: σ would sit on a degenerate eigenvalue', () => {
    const { h, positions, side } = fccCrystal(3);
    const d = 3;
    const ref = referenceSpectrum(h).values;
    const r = lowestSpectrum(h, positions, side, 30, { certify: 'always', clusterTolerance: 0 });
    expect(Math.abs(ref[d + 29] - ref[d + 30])).toBeLessThan(1e-9 * ref[d + 30]); // K = 30 cuts the third multiplet
    expect(r.certification.certified).toBe(false);
    expect(r.certification.reason).toMatch(/not certified/);
  });
});

describe('the certificate itself', () => {
  it('the inertia of H − σI from the block LDLᵀ counts the dense eigenvalues below σ, for σ across the spectrum, d = 2 and 3', () => {
    for (const [dim, particles] of [[3, 125], [2, 144]] as const) {
      const g = quenchedGlass(dim, particles, 2, 2);
      const ref = referenceSpectrum(g.h).values;
      const symbolic = symbolicFactor(g.h, nestedDissectionOrder(g.h, g.positions, g.side), { maxFlops: Infinity, maxBlocks: Infinity });
      expect(symbolic.factor).not.toBeNull();
      for (const index of [dim + 4, 40, Math.floor(ref.length / 2), ref.length - 3]) {
        const sigma = 0.5 * (ref[index] + ref[index + 1]);
        const inertia = inertiaOf(g.h, sigma, symbolic.factor!, [new Float64Array(ref.length).fill(1)]);
        expect(inertia.negative).toBe(index + 1);
        expect(inertia.negative + inertia.zero + inertia.positive).toBe(ref.length);
        expect(inertia.backwardError).toBeLessThan(1e-9 * ref[ref.length - 1]);
      }
    }
  });

  it('over the factorisation budget or its auto flops: the Krylov check (the inertia where it cannot certify); always: the inertia', () => {
    const g = quenchedGlass(3, 216, 2, 9);
    const r = lowestSpectrum(g.h, g.positions, g.side, 10, { budget: { maxFlops: 1e6 } });
    expect(r.certification.certified).toBe(true);
    expect(r.certification.method).toBe('krylov');
    expect(r.certification.reason).toMatch(/Krylov check .* \(the inertia certificate not run: the LDLᵀ factorisation would exceed its budget/);
    expect(r.certification.factorFlops).toBeGreaterThan(1e6);
    const always = lowestSpectrum(g.h, g.positions, g.side, 10, { certify: 'always' });
    expect(always.certification.method).toBe('inertia'); // 'always' ignores the budget
    expect(always.certification.certified).toBe(true);
    // Within the budget but above the flops where 'auto' stops taking the inertia: the check; and where
    // the check cannot certify (a failure probability it would need too many steps for), the inertia.
    const dear = lowestSpectrum(g.h, g.positions, g.side, 10, { inertiaMaxFlops: 1 });
    expect(dear.certification.method).toBe('krylov');
    expect(dear.certification.certified).toBe(true);
    expect(dear.certification.reason).toMatch(/above INERTIA_AUTO_MAX_FLOPS/);
    const fallback = lowestSpectrum(g.h, g.positions, g.side, 10, { inertiaMaxFlops: 1, krylovProbability: 1e-300 });
    expect(fallback.certification.method).toBe('inertia');
    expect(fallback.certification.certified).toBe(true);
    expect(fallback.certification.reason).toMatch(/the Krylov check did not certify \(not certified: the Krylov check needs \d+ steps( .* over its budget|, not fewer than the \d+ dimensions left)/);
    // 'auto' within the flops: the cheaper by its estimates, both recorded; the K asked come back.
    const auto = lowestSpectrum(g.h, g.positions, g.side, 10);
    const est = auto.certification.estimates!;
    expect(est.inertiaSeconds).toBeGreaterThan(0);
    expect(est.krylovSeconds).toBeGreaterThan(0);
    expect(auto.certification.method).toBe(est.inertiaSeconds <= est.krylovSeconds ? 'inertia' : 'krylov');
    expect(auto.certification.certified).toBe(true);
    expect(auto.count).toBe(10);
    expect(auto.certification.covered).toBeGreaterThanOrEqual(10);
    expect(auto.certification.covered).toBeLessThanOrEqual(14);
    // The certificate sits above mode `covered`: the inertia counts d + covered below σ, the check runs its k steps.
    if (auto.certification.method === 'inertia') expect(auto.certification.expected).toBe(3 + auto.certification.covered!);
    else expect(auto.certification.krylov!.steps).toBe(auto.certification.krylov!.stepsNeeded);
    const never = lowestSpectrum(g.h, g.positions, g.side, 10, { certify: 'never' });
    expect(never.certification.certified).toBe(false);
    expect(never.certification.reason).toBe('not requested');
  });

  it('λ_max from the crude run of the filter: estimate ≤ λ_max ≤ the Kuczyński–Woźniakowski upper estimate, within 1 % (d = 3, N = 512, m = ∞); merged with an earlier run: the larger estimate', () => {
    const g = quenchedGlass(3, 512, 'inf', 5);
    const dense = referenceSpectrum(g.h).values;
    const top = dense[dense.length - 1];
    const r = lowestSpectrum(g.h, g.positions, g.side, 10, { certify: 'never' });
    expect(r.lambdaMax).toBeLessThanOrEqual(top * (1 + 1e-12));
    expect(r.lambdaMax).toBeGreaterThan(top * (1 - 1e-6));
    expect(r.lambdaMaxUpper).toBeGreaterThanOrEqual(top);
    expect(r.lambdaMaxUpper).toBeLessThan(1.01 * top);
    // 200 steps, order 1536, p = 1e-6: ε₁ = (ln(1.648 √1536 / 1e-6)/399)²; with an earlier estimate.
    const e1 = (Math.log((1.648 * Math.sqrt(1536)) / 1e-6) / 399) ** 2;
    expect(crudeLambdaMax(2, 200, 1536, 1e-6, null)).toEqual({ estimate: 2, upper: 2 / (1 - e1), steps: 200 });
    const merged = crudeLambdaMax(2, 200, 1536, 1e-6, { estimate: 2.001, upper: 2.5, steps: 30 });
    expect(merged.estimate).toBe(2.001);
    expect(merged.upper).toBeCloseTo(2 / (1 - e1), 12);
    expect(merged.steps).toBe(200);
  });

  it('a solver that stops early is caught: too few products leaves pairs unconverged and says so', () => {
    const g = quenchedGlass(3, 216, 2, 9);
    const n = 3 * g.h.particles;
    const res = lowestModes((x, y, c) => {
      for (let k = 0; k < c; k++) hessianMultiply(g.h, x.subarray(k * n, (k + 1) * n), y.subarray(k * n, (k + 1) * n));
    }, n, { count: 20, deflation: translationBasis(3, g.h.particles), maxProducts: 40 });
    expect(res.converged).toBe(false);
    const lm = largestEigenvalue((x, y) => void hessianMultiply(g.h, x, y), n, { deflation: translationBasis(3, g.h.particles) });
    expect(lm.upper).toBeGreaterThanOrEqual(lm.estimate);
  });

  it('the extend hook converges the pairs it asks for past K (to the contract), asked again until it says 0', () => {
    const g = quenchedGlass(3, 216, 2, 9);
    const n = 3 * g.h.particles;
    const dense = referenceSpectrum(g.h).values;
    const op = (x: Float64Array, y: Float64Array, c: number) => {
      for (let k = 0; k < c; k++) hessianMultiply(g.h, x.subarray(k * n, (k + 1) * n), y.subarray(k * n, (k + 1) * n));
    };
    const calls: number[] = [];
    const res = lowestModes(op, n, { count: 12, deflation: translationBasis(3, g.h.particles), extend: (values, k) => (calls.push(k), k < 15 ? 2 : 0) });
    expect(calls).toEqual([12, 14, 16]);
    expect(res.converged).toBe(true);
    expect(res.values.length).toBe(16);
    const lambdaMax = dense[dense.length - 1];
    for (let i = 0; i < 16; i++) {
      expect(Math.abs(res.values[i] - dense[3 + i])).toBeLessThan(1e-9 * dense[3 + i]);
      expect(res.residuals[i]).toBeLessThan(1e-8 * lambdaMax);
    }
    // lowestSpectrum with the pairs beyond K for the certificate returns the K asked all the same.
    const r = lowestSpectrum(g.h, g.positions, g.side, 12, { certify: 'krylov', certifyExtraPairs: 4 });
    expect(r.count).toBe(12);
    expect(r.next).toBeCloseTo(dense[15], 9);
  });
});

describe("spectrum.method 'lowest': the setting, the stage, analyses on a partial spectrum", () => {
  it("defaults to 'full' up to dN = 3000 and 'lowest' beyond; refuses bad values naming the setting", async () => {
    const { SettingsError } = await import('../engine/model/settings');
    expect(validateSettings({ model: { dim: 3, particles: 1000 } }).spectrum.method).toBe('full');
    const big = validateSettings({ model: { dim: 3, particles: 1001 } }).spectrum;
    expect(big.method).toBe('lowest');
    expect(big.storedModes).toBe(50);
    expect(() => validateSettings({ spectrum: { method: 'some' } })).toThrow(/spectrum\.method/);
    expect(() => validateSettings({ spectrum: { method: 'lowest', storedModes: 0 } })).toThrow(SettingsError);
    expect(() => validateSettings({ model: { dim: 2, particles: 100 }, spectrum: { method: 'lowest', storedModes: 199 } })).toThrow(/spectrum\.storedModes/);
    expect(big.certify).toBe('auto');
    expect(validateSettings({ spectrum: { certify: 'never' } }).spectrum.certify).toBe('never');
    expect(() => validateSettings({ spectrum: { certify: 'sometimes' } })).toThrow(/spectrum\.certify/);
  });

  it('spectrum.certify never skips the inertia certificate and meta.json says so; always certifies', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createProject } = await import('../engine/io/project');
    const { runProject } = await import('../engine/io/runner');
    for (const certify of ['never', 'always'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'glassmodes-certify-'));
      try {
        createProject(dir, { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { method: 'lowest', storedModes: 10, certify }, samples: 1, seed: 3 });
        expect((await runProject(dir, { inProcess: true })).done).toEqual(['s0000']);
        const meta = JSON.parse(readFileSync(join(dir, 'samples/s0000/meta.json'), 'utf8'));
        const c = meta.spectrum.lowest.certification;
        if (certify === 'never') {
          expect(c.certified).toBe(false);
          expect(c.reason).toBe('not requested');
        } else {
          expect(c.certified).toBe(true);
          expect(c.negatives).toBe(c.expected);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('the stage stores d + K eigenvalues and rows, meta.json says how; F(ω) is normalised by dN − d; band statistics say they need the full spectrum', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createProject } = await import('../engine/io/project');
    const { runProject } = await import('../engine/io/runner');
    const { loadEnsemble } = await import('../engine/io/analysisFiles');
    const { readNpy } = await import('../engine/io/files');
    const { analyzeEnsemble } = await import('../engine/products/ensembleSeries');
    const dir = mkdtempSync(join(tmpdir(), 'glassmodes-lowest-'));
    try {
      createProject(dir, { model: { dim: 2, particles: 100 }, sampling: { parentTemperature: 'inf' }, spectrum: { method: 'lowest', storedModes: 20 }, samples: 1, seed: 2 });
      expect((await runProject(dir, { inProcess: true })).done).toEqual(['s0000']);
      const folder = join(dir, 'samples/s0000');
      const values = readNpy(join(folder, 'eigenvalues.npy'));
      const modes = readNpy(join(folder, 'modes.npy'));
      expect(values.shape[0]).toBeGreaterThanOrEqual(22);
      expect(modes.shape).toEqual([values.shape[0], 200]);
      const meta = JSON.parse(readFileSync(join(folder, 'meta.json'), 'utf8'));
      expect(meta.spectrum.method).toBe('lowest');
      expect(meta.spectrum.totalModes).toBe(200);
      expect(meta.spectrum.lowest.certification.certified).toBe(true);
      expect(meta.spectrum.residualMax).toBeLessThan(1e-8);
      // The one zero-mode rule finds the d deflated translations at the head of the list, and no instability.
      expect(meta.spectrum.zeroModeIndices).toEqual([0, 1]);
      expect(meta.spectrum.zeroModes).toBe(2);
      expect(meta.spectrum.unstable).toBe(false);
      const ensemble = loadEnsemble(dir);
      const a = analyzeEnsemble(ensemble.samples, { bootstrapResamples: 10 });
      expect(a.summary.partialSamples).toEqual(['s0000']);
      expect(a.summary.needsFullSpectrum.join('\n')).toMatch(/dos_linear\): needs the full spectrum/);
      expect(a.summary.needsFullSpectrum.join('\n')).toMatch(/level_ratio_middle\): needs the full spectrum/);
      expect(a.series.find((s) => s.name === 'dos_linear')).toBeUndefined();
      expect(a.series.find((s) => s.name === 'level_ratio_lowest')).toBeDefined();
      const F = a.series.find((s) => s.name === 'integrated_dos')!;
      const last = F.data[F.columns.findIndex((c) => c.name === 'F')];
      // All K stored non-zero modes counted, over the 200 − 2 the sample has.
      expect(last[last.length - 1]).toBeCloseTo((values.shape[0] - 2) / 198, 12);
      expect(a.summary.partialSpectrumBelow).toBeCloseTo(Math.sqrt(values.data[values.shape[0] - 1]), 12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('glassmodes new --spectrum lowest, run, analyze, figure', () => {
  it('the CLI takes the setting, and the CLI and the figures say "needs the full spectrum" where they cannot draw', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { repoRoot } = await import('./helpers/reference');
    const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });
    const dir = mkdtempSync(join(tmpdir(), 'glassmodes-lowest-cli-'));
    try {
      const bad = cli(['new', join(dir, 'bad'), '--dim', '2', '--particles', '100', '--parent-temperature', 'inf', '--samples', '1', '--spectrum', 'half']);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/spectrum\.method/);
      const p = join(dir, 'p');
      expect(cli(['new', p, '--dim', '2', '--particles', '100', '--parent-temperature', 'inf', '--samples', '1', '--spectrum', 'lowest', '--modes', '20', '--seed', '3']).status).toBe(0);
      expect(JSON.parse(readFileSync(join(p, 'project.json'), 'utf8')).settings.spectrum).toMatchObject({ method: 'lowest', storedModes: 20 });
      const run = cli(['run', p, '--in-process']);
      expect(run.status, run.stderr).toBe(0);
      // info reports the certificate meta.json holds (spectrum.lowest.certification) and the solver that ran.
      const info = cli(['info', p]);
      expect(info.status, info.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(p, 'samples', 's0000', 'meta.json'), 'utf8')).spectrum.lowest.certification.certified).toBe(true);
      expect(info.stdout).toMatch(/lowest K \(certified, lanczos\)/); // the default: the filtered Lanczos
      const analyze = cli(['analyze', p]);
      expect(analyze.status, analyze.stderr).toBe(0);
      expect(analyze.stdout).toMatch(/DOS over the band \(dos_linear\): needs the full spectrum/);
      const dos = cli(['figure', p, 'dos', '--out', join(dir, 'dos.svg')]);
      expect(dos.status).not.toBe(0);
      expect(dos.stderr + dos.stdout).toMatch(/needs the full spectrum/);
      expect(existsSync(join(dir, 'dos.svg'))).toBe(false);
      const ratios = cli(['figure', p, 'level-ratio', '--out', join(dir, 'r.svg')]);
      expect(ratios.status, ratios.stderr).toBe(0);
      expect(readFileSync(join(dir, 'r.svg'), 'utf8')).toMatch(/needs the full spectrum/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a project that mixes full and lowest-K samples', () => {
  it("F(ω) of a partial sample equals the full sample's F below its highest stored frequency; the band DOS comes from the full samples alone", async () => {
    const { analyzeEnsemble } = await import('../engine/products/ensembleSeries');
    const { integratedDos } = await import('../engine/analysis/dos');
    const { nonZeroSpectrum } = await import('../engine/spectrum/zeroModes');
    const { computeSpectrum } = await import('../engine/spectrum');
    const settings = validateSettings({ model: { dim: 2, particles: 100 }, sampling: { parentTemperature: 'inf' }, seed: 8 });
    const inputs = [];
    const fullSpectra = [];
    for (const seed of [21, 22]) {
      const start = randomConfiguration(settings, seed);
      const q = runQuenchStage(settings, start.positions, start.diameters);
      const glass = makeGlass(settings.model, start.diameters);
      const full = await computeSpectrum(glass, q.positions, { enabled: true, method: 'full', storedModes: 30, backend: 'reference' });
      fullSpectra.push(full.eigenvalues);
      const lowest = seed === 22 ? await computeSpectrum(glass, q.positions, { enabled: true, method: 'lowest', storedModes: 30, backend: 'reference' }) : full;
      inputs.push({ id: `s${seed}`, settings, positions: q.positions, diameters: start.diameters, eigenvalues: lowest.eigenvalues, modes: lowest.modes });
    }
    expect(inputs[1].eigenvalues.length).toBeLessThan(200);
    const a = analyzeEnsemble(inputs, { bootstrapResamples: 10 });
    expect(a.summary.partialSamples).toEqual(['s22']);
    expect(a.summary.needsFullSpectrum).toEqual([]);
    expect(a.series.find((s) => s.name === 'dos_linear')).toBeDefined();
    // The partial sample's F, normalised by its dN − d = 198 modes, is its full F wherever it is defined.
    const partial = nonZeroSpectrum(inputs[1].eigenvalues, 2).frequencies;
    const whole = nonZeroSpectrum(fullSpectra[1], 2).frequencies;
    const top = partial[partial.length - 1];
    expect(a.summary.partialSpectrumBelow).toBe(top);
    // Between consecutive levels (at a level itself the two solvers' last-digit differences decide ≤).
    const at = whole.filter((w) => w < top).map((w, k) => 0.5 * (w + whole[k + 1]));
    const fromPartial = integratedDos(partial, at, 198);
    const fromWhole = integratedDos(whole, at);
    at.forEach((_, k) => expect(fromPartial[k]).toBeCloseTo(fromWhole[k], 12));
    // And the ensemble F stops at that frequency.
    const F = a.series.find((s) => s.name === 'integrated_dos')!;
    const omega = F.data[F.columns.findIndex((c) => c.name === 'omega')];
    expect(Math.max(...omega)).toBeLessThanOrEqual(top);
  });
});
