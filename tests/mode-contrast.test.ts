// The localisation contrast at matched ω (engine/analysis/modeContrast.ts), the per-mode type-II
// measure the demo reports: zero modes excluded by the one rule, PR by its formula, the window set
// by the test ensemble, AUC with a bootstrap over samples that says "separated" only when it is.
import { describe, expect, it } from 'vitest';
import { ensembleLocalisationContrast, storedNonZeroModes, type SampleModes } from '../engine/analysis/modeContrast';
import { createRng, uniform } from '../engine/random';

describe('storedNonZeroModes', () => {
  it('drops the d translations and gives ω = √λ and PR = (Σ|e_i|²)² / (N Σ|e_i|⁴) of the others', () => {
    const d = 3;
    const n = 4;
    const dn = d * n;
    const rows: number[][] = [];
    for (let a = 0; a < d; a++) rows.push(Array.from({ length: dn }, (_, k) => (k % d === a ? 1 / Math.sqrt(n) : 0)));
    rows.push(Array.from({ length: dn }, (_, k) => (k === 4 ? 1 : 0))); // one particle moves: PR = 1/N
    const spread = Array.from({ length: dn }, (_, k) => (k % d === 0 ? (k < 6 ? 1 : 2) : 0));
    const norm = Math.hypot(...spread);
    rows.push(spread.map((x) => x / norm));
    const eigenvalues = Float64Array.from([1e-16, -2e-16, 3e-16, 0.25, 1]);
    const stored = storedNonZeroModes(eigenvalues, Float64Array.from(rows.flat()), d, n);
    expect(Array.from(stored.index)).toEqual([3, 4]);
    expect(Array.from(stored.omega)).toEqual([0.5, 1]);
    expect(stored.participation[0]).toBeCloseTo(1 / n, 14);
    // particles 0,1 with weight 1, particles 2,3 with weight 4 (|e_i|² before normalisation)
    const w = [1, 1, 4, 4];
    const expected = w.reduce((s, x) => s + x, 0) ** 2 / (n * w.reduce((s, x) => s + x * x, 0));
    expect(stored.participation[1]).toBeCloseTo(expected, 14);
  });

  it('is empty without stored modes', () => {
    expect(storedNonZeroModes(Float64Array.from([0, 0, 0, 1]), null, 3, 2).omega.length).toBe(0);
  });
});

/** `samples` samples of `perSample` modes each: ω uniform in [lo, hi], PR = pr(ω) + noise. */
function ensemble(seed: number, samples: number, perSample: number, lo: number, hi: number, pr: (omega: number) => number): SampleModes[] {
  const rng = createRng(seed);
  return Array.from({ length: samples }, () => {
    const omega = Float64Array.from({ length: perSample }, () => lo + (hi - lo) * uniform(rng)).sort();
    const participation = omega.map((w) => pr(w) * (0.8 + 0.4 * uniform(rng)));
    return { index: Int32Array.from(omega, (_, k) => k), omega, participation };
  });
}

describe('ensembleLocalisationContrast', () => {
  it('separates localised low modes from extended ones at the same ω, and sets the window by the test ensemble', () => {
    // Reference (T* = ∞ like): many modes from ω = 0.3 up, extended (PR ≈ 0.3). Test (stable): few
    // modes from ω = 1, localised (PR ≈ 0.04), then the phonon band (extended) from ω = 2.
    const reference = ensemble(1, 16, 40, 0.3, 3, () => 0.3);
    const test = ensemble(2, 16, 2, 1, 1.6, () => 0.04).map((s, k) => {
      const band = ensemble(100 + k, 1, 30, 2, 3, () => 0.3)[0];
      return { index: new Int32Array(32), omega: Float64Array.from([...s.omega, ...band.omega]), participation: Float64Array.from([...s.participation, ...band.participation]) };
    });
    const c = ensembleLocalisationContrast(reference, test, { resamples: 400, seed: 3 })!;
    // 2 modes per sample: the window ends at the 32nd lowest pooled test ω, the top of the localised ones
    expect(c.window[1]).toBeLessThan(1.6);
    expect(c.window[1]).toBeGreaterThan(1.4);
    expect(c.test.modes).toBe(32);
    expect(c.auc).toBe(0);
    expect(c.high).toBeLessThan(0.5);
    expect(c.separated).toBe(true);
    expect(c.test.medianParticipation).toBeLessThan(0.05);
    expect(c.reference.medianParticipation).toBeGreaterThan(0.2);
  });

  it('calls two draws of one distribution separated at about the nominal 5 % rate', () => {
    const pr = (w: number) => 0.4 - 0.05 * w;
    let separated = 0;
    const trials = 20;
    for (let t = 0; t < trials; t++) {
      const a = ensemble(7919 * t + 13, 12, 20, 0.3, 3, pr);
      const b = ensemble(104729 * t + 99991, 12, 20, 0.3, 3, pr);
      const c = ensembleLocalisationContrast(a, b, { modesPerSample: 10, resamples: 200, seed: 4 })!;
      expect(Math.abs(c.auc - 0.5)).toBeLessThan(0.2);
      if (c.separated) separated++;
    }
    // Binomial(20, 0.05): P(≥ 4) ≈ 0.016. These seeds give 0; intervals of half the width would call 11 of 30 separated.
    expect(separated).toBeLessThanOrEqual(3);
  });

  it('returns null when an ensemble has no stored modes, and refuses a non-positive modesPerSample', () => {
    const a = ensemble(7, 4, 5, 0.3, 3, () => 0.3);
    expect(ensembleLocalisationContrast(a, [{ index: new Int32Array(0), omega: new Float64Array(0), participation: new Float64Array(0) }])).toBeNull();
    expect(() => ensembleLocalisationContrast(a, a, { modesPerSample: 0 })).toThrow(/modesPerSample must be > 0/);
  });
});
