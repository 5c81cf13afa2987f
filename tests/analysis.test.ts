import { describe, expect, it } from 'vitest';
import { createRng, normal, uniform } from '../engine/random';
import { makePairPotential } from '../engine/model/potential';
import type { Contacts } from '../engine/model/glass';
import type { Box } from '../engine/space/box';
import { GOE_MEAN_RATIO, POISSON_MEAN_RATIO, atasSurmise, levelSpacingRatios, meanRatioTilde, poissonRatioDensity, ratioWindows } from '../engine/analysis/levelSpacing';
import { participationRatio, participationRatios } from '../engine/spectrum/participation';
import { STRESS_FLOOR, lowStressSlope, offDiagonalStressMagnitudes, pairStresses, predictedStressExponent, radialStressMagnitudes, stressDistribution } from '../engine/analysis/stress';
import { histogram, logEdges } from '../engine/analysis/histogram';
import { fitPowerLaw } from '../engine/linalg/fit';
import { coarseGrainedVorticity, displacementGradients, excursionAmplitude, gradientNeighbours, rotationalFraction, strainAndVorticity } from '../engine/analysis/modeGeometry';
import { ensembleIntegratedDos, integratedDos, lowFrequencyExponent, densityOfStates } from '../engine/analysis/dos';
import { frequencyOf, identifyZeroModes, nonZeroSpectrum } from '../engine/spectrum/zeroModes';
import { linearEdges } from '../engine/analysis/histogram';
import { makeSeries, seriesToCsv } from '../engine/series';

/** Eigenvalues of a symmetric tridiagonal matrix (diagonal a, off-diagonal b) by Sturm bisection. */
function tridiagonalEigenvalues(a: Float64Array, b: Float64Array): Float64Array {
  const n = a.length;
  let bound = 0;
  for (let i = 0; i < n; i++) bound = Math.max(bound, Math.abs(a[i]) + (i > 0 ? Math.abs(b[i - 1]) : 0) + (i < n - 1 ? Math.abs(b[i]) : 0));
  const below = (x: number) => {
    let count = 0;
    let q = 1;
    for (let i = 0; i < n; i++) {
      q = a[i] - x - (i > 0 ? (b[i - 1] * b[i - 1]) / q : 0);
      if (q === 0) q = 1e-300;
      if (q < 0) count++;
    }
    return count;
  };
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let lo = -bound;
    let hi = bound;
    for (let it = 0; it < 70; it++) {
      const mid = 0.5 * (lo + hi);
      if (below(mid) > k) hi = mid;
      else lo = mid;
    }
    out[k] = 0.5 * (lo + hi);
  }
  return out;
}

/** A GOE matrix's spectrum through the Dumitriu–Edelman tridiagonal β = 1 Hermite ensemble. */
function goeSpectrum(n: number, rng: ReturnType<typeof createRng>): Float64Array {
  const a = new Float64Array(n).map(() => Math.SQRT2 * normal(rng));
  const b = new Float64Array(n - 1).map((_, i) => {
    const dof = n - 1 - i; // χ with n−1, n−2, …, 1 degrees of freedom
    let s = 0;
    for (let k = 0; k < dof; k++) s += normal(rng) ** 2;
    return Math.sqrt(s);
  });
  return tridiagonalEigenvalues(a, b);
}

describe('level-spacing ratios (Methods, Eq. 18)', () => {
  it('the Atas surmise and the Poisson law are normalised, and ⟨r̃⟩ under the surmise is 4 − 2√3', () => {
    let norm = 0;
    let pois = 0;
    let tilde = 0;
    const dr = 1e-4;
    for (let r = dr / 2; r < 2000; r += r < 50 ? dr : 0.1) {
      const w = r < 50 ? dr : 0.1;
      norm += atasSurmise(r) * w;
      pois += poissonRatioDensity(r) * w;
      tilde += Math.min(r, 1 / r) * atasSurmise(r) * w;
    }
    expect(norm).toBeCloseTo(1, 4);
    expect(pois).toBeCloseTo(1, 3);
    expect(tilde).toBeCloseTo(4 - 2 * Math.sqrt(3), 4);
  });

  it('GOE random matrices give ⟨r̃⟩ within 0.01 of 0.5307', () => {
    const rng = createRng(2024);
    const ratios: number[] = [];
    for (let m = 0; m < 100; m++) {
      const levels = goeSpectrum(200, rng);
      const w = ratioWindows(levels.length, { edgeWidth: 50, middleWidth: 100 }).middle;
      ratios.push(...levelSpacingRatios(levels, w.start, w.count));
    }
    expect(ratios.length).toBe(9800);
    expect(Math.abs(meanRatioTilde(ratios) - GOE_MEAN_RATIO)).toBeLessThan(0.01);
  });

  it('uncorrelated (Poisson) levels give ⟨r̃⟩ within 0.01 of 2 ln 2 − 1 = 0.3863', () => {
    const rng = createRng(11);
    const ratios: number[] = [];
    for (let m = 0; m < 5; m++) {
      const levels = new Float64Array(2000).map(() => uniform(rng)).sort();
      ratios.push(...levelSpacingRatios(levels));
    }
    expect(POISSON_MEAN_RATIO).toBeCloseTo(0.3863, 4);
    expect(Math.abs(meanRatioTilde(ratios) - 0.3863)).toBeLessThan(0.01);
  });

  it('the three windows cover the lowest, middle and highest levels', () => {
    const w = ratioWindows(2997, { edgeWidth: 50 });
    expect(w.lowest).toEqual({ start: 0, count: 50 });
    expect(w.highest).toEqual({ start: 2947, count: 50 });
    expect(Math.abs(w.middle.start + w.middle.count / 2 - 2997 / 2)).toBeLessThanOrEqual(1);
    expect(levelSpacingRatios(Float64Array.from([0, 1, 3, 4]))).toEqual(Float64Array.from([0.5, 2]));
  });
});

describe('participation ratio (docs/PHYSICS.md §5)', () => {
  const n = 512;
  const side = 8;
  const positions = new Float64Array(3 * n).map((_, k) => (Math.floor(k / 3) >> (3 * (k % 3))) % 8);
  it('a plane wave of constant amplitude has PR = 1, a standing wave 2/3', () => {
    const k = (2 * Math.PI) / side;
    const circular = new Float64Array(3 * n);
    const standing = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      circular[3 * i + 1] = Math.cos(k * positions[3 * i]);
      circular[3 * i + 2] = Math.sin(k * positions[3 * i]);
      standing[3 * i + 1] = Math.cos(k * positions[3 * i]);
    }
    expect(participationRatio(circular, 3)).toBeCloseTo(1, 12);
    expect(participationRatio(standing, 3)).toBeCloseTo(2 / 3, 12);
  });
  it('a single moving particle has PR = 1/N', () => {
    const single = new Float64Array(3 * n);
    single[3 * 17 + 2] = 0.3;
    single[3 * 17] = -0.4;
    expect(participationRatio(single, 3)).toBeCloseTo(1 / n, 14);
    const both = new Float64Array(6 * n);
    both.set(single, 0);
    both.fill(1, 3 * n);
    expect(Array.from(participationRatios(both, 3, 3 * n))).toEqual([expect.closeTo(1 / n, 14), expect.closeTo(1, 14)]);
  });
});

/** Synthetic interacting pairs: isotropic directions, distances uniform in [r_c − δ, r_c). */
function syntheticPairs(taper: number | 'inf', count: number, delta: number, seed: number): Contacts {
  const pot = makePairPotential({ cutoff: 1.955, exponent: 12, taper, potential: 'ipl' });
  const rng = createRng(seed);
  const separation = new Float64Array(3 * count);
  const distance = new Float64Array(count);
  const dphi = new Float64Array(count);
  const t = new Float64Array(3);
  for (let p = 0; p < count; p++) {
    const r = 1.955 - delta * uniform(rng);
    let x = normal(rng);
    let y = normal(rng);
    let z = normal(rng);
    const norm = Math.hypot(x, y, z);
    [x, y, z] = [x / norm, y / norm, z / norm];
    separation.set([r * x, r * y, r * z], 3 * p);
    distance[p] = r;
    pot.terms(r, 1, t);
    dphi[p] = t[1];
  }
  const zeros = new Float64Array(count);
  return { count, i: new Int32Array(count), j: new Int32Array(count), separation, distance, diameter: zeros.map(() => 1), phi: zeros, dphi, d2phi: zeros };
}

/**
 * The exact slope the fit should return for that synthetic sample: the expected log-binned density
 * P(σ) ∝ |dr/dσ| (uniform r), obtained by inverting σ(r) = |r φ'(r)| at each bin edge, fitted like
 * the data.
 */
function expectedSlope(taper: number | 'inf', window: [number, number], bins: number): number {
  const pot = makePairPotential({ cutoff: 1.955, exponent: 12, taper, potential: 'ipl' });
  const t = new Float64Array(3);
  const sigma = (r: number) => {
    pot.terms(r, 1, t);
    return Math.abs(r * t[1]);
  };
  const rOf = (s: number) => {
    let lo = 1.955 - 0.3; // σ decreases towards r_c on this interval
    let hi = 1.955;
    for (let it = 0; it < 200; it++) {
      const mid = 0.5 * (lo + hi);
      if (sigma(mid) > s) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  };
  const edges = logEdges(window[0], window[1], bins);
  const x: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  for (let b = 0; b < bins; b++) {
    const mass = rOf(edges[b]) - rOf(edges[b + 1]);
    x.push(Math.sqrt(edges[b] * edges[b + 1]));
    y.push(mass / (edges[b + 1] - edges[b]));
    w.push(mass);
  }
  return fitPowerLaw(x, y, w).slope;
}

describe('local stresses (Eqs. 6, 86–90, 11)', () => {
  it('the log-binned P(σ) stays finite when the T_∞ taper sends stresses down to subnormal numbers', () => {
    const rng = createRng(9);
    // Magnitudes spread over 320 decades, as r φ'(r) of T_∞ pairs near r_c are, some subnormal.
    const magnitudes = Float64Array.from({ length: 5000 }, () => 10 ** (-322 * uniform(rng)));
    const h = stressDistribution(magnitudes, 60);
    expect(h.edges[0]).toBe(STRESS_FLOOR);
    for (let b = 0; b < h.centres.length; b++) {
      expect(Number.isFinite(h.density[b])).toBe(true);
      expect(h.centres[b]).toBeGreaterThan(h.edges[b]);
      expect(h.centres[b]).toBeLessThan(h.edges[b + 1]);
    }
    // Uniform in log σ: P(σ) ∝ 1/σ, a slope of −1 on log–log axes, and the mass below the floor is left out of the bins only.
    const fit = fitPowerLaw(h.centres, h.density);
    expect(fit.slope).toBeCloseTo(-1, 1);
    const binned = h.counts.reduce((a, c) => a + c, 0);
    expect(binned / h.total).toBeCloseTo(280 / 322, 1);
    expect(h.total).toBe(5000);
  });

  it('σ^(αβ) = ê^α ê^β r φ′(r): trace r φ′, symmetric, off-diagonal magnitudes per plane', () => {
    const c = syntheticPairs(2, 50, 0.5, 3);
    const s = pairStresses(c, 3);
    const off = offDiagonalStressMagnitudes(s, 3);
    const rad = radialStressMagnitudes(c);
    expect(off.length).toBe(150);
    for (let p = 0; p < 50; p++) {
      expect(s[9 * p] + s[9 * p + 4] + s[9 * p + 8]).toBeCloseTo(c.distance[p] * c.dphi[p], 12);
      expect(s[9 * p + 1]).toBe(s[9 * p + 3]);
      expect(off[3 * p]).toBeCloseTo(Math.abs(s[9 * p + 1]), 15);
      expect(rad[p]).toBeCloseTo(-c.distance[p] * c.dphi[p], 15);
    }
  });

  it('predictions of Table 1: −1/2 for m = 2, −1 for m = ∞, 0 for a potential with a minimum', () => {
    expect(predictedStressExponent(2)).toBe(-0.5);
    expect(predictedStressExponent(3)).toBeCloseTo(-2 / 3, 15);
    expect(predictedStressExponent('inf')).toBe(-1);
    expect(predictedStressExponent(2, 'lj')).toBe(0);
  });

  for (const taper of [2, 3, 'inf'] as const) {
    it(`the low-σ slope of |r φ′| for pairs near r_c, taper ${taper}, is the known one (and near −1 + 1/m)`, () => {
      const c = syntheticPairs(taper, 200_000, 0.3, 5);
      const fit = lowStressSlope(radialStressMagnitudes(c));
      const exact = expectedSlope(taper, fit.window, fit.bins);
      expect(fit.automatic).toBe(true);
      expect(fit.window[0]).toBeGreaterThan(0);
      expect(fit.values).toBeGreaterThan(3000);
      expect(Math.abs(fit.value - exact)).toBeLessThan(Math.max(0.03, 4 * fit.error));
      // The exact slope itself approaches Eq. (11) (m = ∞ only up to its logarithmic correction).
      expect(Math.abs(exact - predictedStressExponent(taper))).toBeLessThan(taper === 'inf' ? 0.2 : 0.02);
    });
  }

  it('off-diagonal components carry the same low-σ exponent (m = 2 → −1/2)', () => {
    const c = syntheticPairs(2, 200_000, 0.3, 9);
    const fit = lowStressSlope(offDiagonalStressMagnitudes(pairStresses(c, 3), 3), { upperQuantile: 0.01 });
    expect(Math.abs(fit.value + 0.5)).toBeLessThan(0.06);
  });
});

describe('mode geometry: strain and vorticity (Eqs. 52–54)', () => {
  it('excursionAmplitude: r + A e moves the particle that moves most by exactly the excursion asked for', () => {
    // d = 3, N = 3: |e_1| = 13 is the largest (|e_0| = 5 by its x, y only; e_2 = 0).
    const e = Float64Array.from([3, 4, 0, 3, 4, 12, 0, 0, 0]);
    const a = excursionAmplitude(e, 3, 0.3);
    expect(a).toBeCloseTo(0.3 / 13, 15);
    const moved = [0, 1, 2].map((i) => Math.hypot(a * e[3 * i], a * e[3 * i + 1], a * e[3 * i + 2]));
    expect(Math.max(...moved)).toBeCloseTo(0.3, 15);
    expect(excursionAmplitude(e, 2, 1)).toBeCloseTo(1 / Math.hypot(4, 12), 15); // the same numbers read as d = 2
    expect(excursionAmplitude(new Float64Array(6), 3, 0.3)).toBe(0); // a mode that moves nothing
  });

  const setups = [
    { dim: 3 as const, side: 9, particles: 729 },
    { dim: 2 as const, side: 14, particles: 196 },
  ];
  for (const { dim, side, particles } of setups) {
    const box: Box = { dim, side };
    const rng = createRng(42 + dim);
    const positions = new Float64Array(dim * particles).map(() => uniform(rng) * side);
    const centre = side / 2;
    // Particles whose neighbourhood within r_c does not wrap through the boundary.
    const interior: number[] = [];
    for (let i = 0; i < particles; i++) {
      let ok = true;
      for (let a = 0; a < dim; a++) if (positions[dim * i + a] < 2 || positions[dim * i + a] > side - 2) ok = false;
      if (ok) interior.push(i);
    }
    const pairs = gradientNeighbours(positions, box, 1.955);
    const field = (gradient: number[][]) => {
      const u = new Float64Array(dim * particles);
      for (let i = 0; i < particles; i++) for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) u[dim * i + a] += gradient[a][b] * (positions[dim * i + b] - centre);
      return u;
    };
    const rotation = dim === 3 ? [[0, -0.3, 0.2], [0.3, 0, -0.1], [-0.2, 0.1, 0]] : [[0, -0.4], [0.4, 0]];
    const strain = dim === 3 ? [[0.1, 0.2, -0.05], [0.2, -0.3, 0.07], [-0.05, 0.07, 0.2]] : [[0.3, 0.1], [0.1, -0.2]];

    it(`${dim}D: a pure rotation has rotational fraction 1 and vorticity equal to the rotation`, () => {
      const g = displacementGradients(positions, box, field(rotation), pairs);
      const sv = strainAndVorticity(g);
      expect(rotationalFraction(sv, dim, interior)).toBeCloseTo(1, 12);
      const i = interior[0];
      if (dim === 3) expect(Array.from(sv.vorticity.slice(3 * i, 3 * i + 3)).map((x) => +x.toFixed(12))).toEqual([0.1, 0.2, 0.3]);
      else expect(sv.vorticity[i]).toBeCloseTo(0.4, 12);
      const grid = coarseGrainedVorticity(positions, box, sv, dim === 3 ? 0.6 : 1.5);
      // A node at the box centre sees only interior particles.
      const mid = Math.floor(grid.nodes / 2);
      const index = dim === 3 ? ((mid * grid.nodes + mid) * grid.nodes + mid) * 3 + 2 : (mid * grid.nodes + mid);
      expect(grid.values[index]).toBeCloseTo(dim === 3 ? 0.3 : 0.4, 10);
    });

    it(`${dim}D: a pure strain has rotational fraction 0, a mixed gradient the analytic fraction`, () => {
      const sv = strainAndVorticity(displacementGradients(positions, box, field(strain), pairs));
      expect(rotationalFraction(sv, dim, interior)).toBeLessThan(1e-20);
      const mixed = strain.map((row, a) => row.map((x, b) => x + rotation[a][b]));
      let eta2 = 0;
      let eps2 = 0;
      for (const row of strain) for (const x of row) eps2 += x * x;
      for (const row of rotation) for (const x of row) eta2 += (x * x) / 2; // |η|² = ½ Σ W_ab²
      const f = rotationalFraction(strainAndVorticity(displacementGradients(positions, box, field(mixed), pairs)), dim, interior);
      expect(f).toBeCloseTo(eta2 / (eta2 + eps2), 12);
    });
  }
});

describe('density of states and the exponent s (Eq. 19)', () => {
  it('separates the d translational zero modes and flags unstable ones', () => {
    const ev = Float64Array.from([-2e-13, 1e-14, 3e-13, 0.5, 1, 4]);
    const s = nonZeroSpectrum(ev, 3);
    expect(Array.from(s.frequencies)).toEqual([Math.sqrt(0.5), 1, 2]);
    expect(s.unstable).toBe(0);
    const bad = nonZeroSpectrum(Float64Array.from([-0.3, 1e-14, -1e-14, 2e-14, 1, 4]), 3);
    expect(bad.unstable).toBe(1);
    expect(bad.eigenvalues.length).toBe(3);
    expect(Array.from(bad.frequencies)).toEqual([NaN, 1, 2]); // an unstable λ < 0 has no real ω
  });

  it('ω = √λ (frequencyOf, the one conversion): 0 at λ = 0, NaN below', () => {
    expect(frequencyOf(4)).toBe(2);
    expect(frequencyOf(0)).toBe(0);
    expect(frequencyOf(0.5)).toBe(Math.sqrt(0.5));
    expect(frequencyOf(-1e-16)).toBeNaN();
  });

  it('with eigenvectors, the zero modes are the translations: a rattler\'s zero mode is not taken for one (the rule of the spectrum stage)', () => {
    // d = 2, N = 3: rows 0 and 2 are the uniform translations, row 1 moves particle 1 alone (λ = 0 exactly).
    const ev = Float64Array.from([-2e-14, 0, 1e-14, 5, 7, 9]);
    const t = 1 / Math.sqrt(3);
    const vectors = Float64Array.from([t, 0, t, 0, t, 0, 0, 0, 1, 0, 0, 0, 0, t, 0, t, 0, t]);
    const withVectors = identifyZeroModes(ev, 2, vectors, 3);
    expect(withVectors).toMatchObject({ indices: [0, 2], unstable: 0, decidedBy: 'vectors' });
    expect(Array.from(nonZeroSpectrum(ev, 2, vectors, 3).eigenvalues)).toEqual([0, 5, 7, 9]);
    // From eigenvalues alone only the d smallest |λ| can be taken, here the wrong pair.
    expect(identifyZeroModes(ev, 2)).toMatchObject({ indices: [1, 2], decidedBy: 'eigenvalues' });
    // Too few stored rows to test every |λ| ≤ tol: the eigenvalue rule.
    expect(identifyZeroModes(ev, 2, vectors.subarray(0, 12), 3).decidedBy).toBe('eigenvalues');
  });

  it('F(ω) is the fraction of modes with ω_k ≤ ω; its ensemble mean averages samples', () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    const b = Float64Array.from([0.5, 2.5, 3.5, 4.5]);
    expect(Array.from(integratedDos(a, [0, 1, 2.5, 10]))).toEqual([0, 0.25, 0.5, 1]);
    const f = ensembleIntegratedDos([a, b], Float64Array.from([2.5]));
    expect(f.value[0]).toBeCloseTo(0.5, 15);
    expect(f.error[0]).toBeCloseTo(0, 15);
    const g = densityOfStates(a, linearEdges(0, 4, 4));
    let integral = 0;
    g.density.forEach((x, k) => (integral += x * (g.edges[k + 1] - g.edges[k])));
    expect(integral).toBeCloseTo(1, 14);
  });

  it('recovers s from samples drawn from g ~ ω^s, with a bootstrap interval that contains it', () => {
    const rng = createRng(99);
    for (const s of [2, 4]) {
      const samples = Array.from({ length: 12 }, () => new Float64Array(2000).map(() => uniform(rng) ** (1 / (s + 1))).sort());
      const est = lowFrequencyExponent(samples, { window: [0.1, 0.5], resamples: 200, seed: 5 });
      expect(Math.abs(est.value - s)).toBeLessThan(0.15);
      expect(est.low).toBeLessThanOrEqual(s);
      expect(est.high).toBeGreaterThanOrEqual(s);
      expect(est.high - est.low).toBeGreaterThan(0);
      expect(est.high - est.low).toBeLessThan(1);
      const again = lowFrequencyExponent(samples, { window: [0.1, 0.5], resamples: 200, seed: 5 });
      expect([again.low, again.high]).toEqual([est.low, est.high]);
      const automatic = lowFrequencyExponent(samples, { omega0: 0.5, resamples: 0 });
      expect(automatic.automatic).toBe(true);
      expect(automatic.window[1]).toBe(0.5);
    }
  });
});

describe('series as CSV', () => {
  it('writes a header naming columns and units, then one row per point', () => {
    const s = makeSeries('x', 'test', [
      ['omega', 'sqrt(eps/m)/a', [0.5, 1]],
      ['g', 'a*sqrt(m/eps)', [NaN, 1e-300]],
    ]);
    expect(seriesToCsv(s)).toBe('omega [sqrt(eps/m)/a],g [a*sqrt(m/eps)]\n0.5,NaN\n1,1e-300\n');
    expect(seriesToCsv(makeSeries('z', '', [['omega', '1', [0.5]], ['g', '1', [2]]]))).toBe('omega,g\n0.5,2\n');
    expect(() => makeSeries('y', '', [['a', '1', [1]], ['b', '1', [1, 2]]])).toThrow(/rows/);
    expect(histogram([1, 2, 3], Float64Array.from([0, 2, 4])).counts).toEqual(Float64Array.from([1, 2]));
  });
});
