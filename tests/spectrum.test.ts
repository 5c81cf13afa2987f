/**
 * The spectrum stage (engine/spectrum): docs/PHYSICS.md §4 accuracy contract of the device paths (gpu.js
 * blocked Jacobi in float32 + float64 refinement) against the float64 dense reference, zero modes,
 * instability, participation ratios, against the independent LAPACK numbers of /work/shared.
 */
import { describe, expect, it } from 'vitest';
import { hessianMultiply, sparseHessian } from '../engine/hessian/sparse';
import { computeSpectrum, measureContract, referenceSpectrum } from '../engine/spectrum';
import { loadStructure } from './helpers/reference';


describe('spectrum stage', () => {
  for (const [name, backend] of [
    ['d3_n125_taper2', 'webasm'],
    ['d2_n100_taper2', 'cpu'],
    ['d3_n125_taperinf', 'reference'],
  ] as const) {
    it(`${name} on '${backend}' meets the docs/PHYSICS.md §4 contract against the float64 dense reference and matches LAPACK`, async () => {
      const { glass, positions, entry } = loadStructure(name);
      const d = glass.box.dim;
      const n = d * glass.diameters.length;
      const messages: string[] = [];
      const result = await computeSpectrum(glass, positions, { enabled: true, storedModes: 300, backend }, (f, m) => {
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(1);
        messages.push(m);
      });
      expect(messages.at(-1)).toBe('spectrum done');
      expect(result.backend).toBe(backend);
      if (backend !== 'reference') {
        expect(result.sweeps).toBeGreaterThan(2);
        expect(result.refinementIterations).toBeGreaterThan(0);
      }
      expect(result.eigenvalues.length).toBe(n);
      expect(result.storedModes).toBe(Math.min(300, n));
      expect(result.modes.length).toBe(result.storedModes * n);
      // d translational zero modes, identified by their overlap with uniform translations.
      expect(result.zeroModes).toBe(entry.zeroModes);
      expect(Array.from(result.zeroModeIndices)).toEqual(Array.from({ length: d }, (_, k) => k));
      expect(result.unstable).toBe(false);
      // Contract against the float64 dense reference on the same matrix.
      const ref = referenceSpectrum(sparseHessian(glass, positions));
      const c = measureContract(result.eigenvalues, ref.values, result.zeroModes, result.residualMax);
      expect(c.lowestRelative).toBeLessThan(1e-9);
      expect(c.allAbsolute).toBeLessThan(1e-6);
      expect(c.residual).toBeLessThan(1e-8);
      expect(c.holds).toBe(true);
      // And against the independent numpy/LAPACK reference.
      entry.lowestNonZeroEigenvalues.forEach((x: number, k: number) => expect(Math.abs(result.eigenvalues[d + k] - x) / x).toBeLessThan(1e-10));
      expect(Math.abs(result.eigenvalues[n - 1] - entry.largestEigenvalue) / entry.largestEigenvalue).toBeLessThan(1e-10);
      // Stored modes are orthonormal eigenvectors of the float64 Hessian (checked here independently).
      const h = sparseHessian(glass, positions);
      const y = new Float64Array(n);
      for (let k = 0; k < result.storedModes; k += 7) {
        const v = result.modes.subarray(k * n, k * n + n);
        hessianMultiply(h, v, y);
        let r2 = 0;
        let norm = 0;
        for (let i = 0; i < n; i++) {
          r2 += (y[i] - result.eigenvalues[k] * v[i]) ** 2;
          norm += v[i] * v[i];
        }
        expect(Math.sqrt(r2)).toBeLessThan(1e-8 * entry.largestEigenvalue);
        expect(norm).toBeCloseTo(1, 12);
      }
      // Participation ratios: translations are perfectly extended (PR = 1), all lie in (0, 1].
      for (let k = 0; k < d; k++) expect(result.participationRatios[k]).toBeCloseTo(1, 8);
      for (const p of result.participationRatios) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(1 + 1e-12);
      }
      expect(result.timings.total).toBeGreaterThan(0);
    });
  }

  it('flags an unstable configuration (a saddle: the structure squeezed off its minimum) and still finds the d translations', async () => {
    const { glass, positions } = loadStructure('d2_n100_taper2');
    // Moving every particle 20% toward the box centre (box unchanged) leaves a strained, non-minimum
    // configuration: compressed pairs in the middle, stretched ones across the boundary, saddles.
    const L = glass.box.side;
    const squeezed = positions.map((x) => L / 2 + 0.8 * (x - L / 2));
    const result = await computeSpectrum(glass, squeezed, { enabled: true, storedModes: 10, backend: 'reference' });
    expect(result.zeroModes).toBe(2);
    expect(result.unstable).toBe(true);
    expect(result.eigenvalues[0]).toBeLessThan(-result.zeroTolerance);
  });
});
