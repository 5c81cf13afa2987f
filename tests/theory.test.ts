import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bosonPeak, criticalDisorder, finiteBoxGap, frequencyGrid, hetSeries, hetSpectrum, staticSelfEnergy, wavevectors } from '../engine/theory/het';
import { matchAmplitude, typeTwoSpectrum } from '../engine/theory/ghet';
import { tableOne } from '../engine/theory/tableOne';
import { fitPowerLaw } from '../engine/linalg/fit';
import { seriesToCsv } from '../engine/series';

const referencePath = path.resolve(import.meta.dirname, '../../shared/reference/reference.json');
const reference = JSON.parse(readFileSync(referencePath, 'utf8'))['het_gamma0.1_K3'] as { omega: number[]; g: number[]; sigmaReal: number[]; sigmaImag: number[] };

describe('HET-SCBA, continuum (Methods M1, Eqs. 24–35)', () => {
  it('reproduces the independent reference curve at γ = 0.1, K/G_0 = 3 to 1e-8', () => {
    const curve = hetSpectrum({ gamma: 0.1, bulk: 3, eta: 1e-10 }, reference.omega);
    expect(curve.length).toBe(40);
    curve.forEach((c, k) => {
      expect(Math.abs(c.g - reference.g[k])).toBeLessThan(1e-8 * Math.abs(reference.g[k]));
      expect(Math.abs(c.sigma.re - reference.sigmaReal[k])).toBeLessThan(1e-8 * Math.abs(reference.sigmaReal[k]));
      expect(Math.abs(c.sigma.im - reference.sigmaImag[k])).toBeLessThan(1e-8 * Math.abs(reference.sigmaImag[k]));
    });
  });

  it('Σ(0) is real below γ_c and complex above', () => {
    for (const bulk of [1, 3, 10]) {
      const gc = criticalDisorder(bulk);
      expect(gc).toBeGreaterThan(0.1);
      expect(gc).toBeLessThan(0.25);
      for (const f of [0.5, 0.9, 0.999]) {
        const s = staticSelfEnergy({ gamma: f * gc, bulk });
        expect(s.im).toBe(0);
        expect(s.re).toBeGreaterThan(0);
        // The solver at a tiny ω continues it with only Rayleigh damping (∝ ω³).
        const low = hetSpectrum({ gamma: f * gc, bulk }, [1e-3])[0].sigma;
        expect(Math.abs(low.re - s.re)).toBeLessThan(1e-4);
        expect(low.im).toBeLessThan(1e-6);
      }
      for (const f of [1.01, 1.2, 2]) {
        const s = staticSelfEnergy({ gamma: f * gc, bulk });
        expect(s.im).toBeGreaterThan(1e-3);
        const low = hetSpectrum({ gamma: f * gc, bulk }, [1e-3])[0].sigma;
        expect(Math.abs(low.im - s.im)).toBeLessThan(1e-3);
      }
    }
  });

  it('at low frequency g(ω) is Debye: g/ω² → 1/v_L³ + 2/v_T³ with the renormalised speeds', () => {
    const p = { gamma: 0.1, bulk: 3 };
    const s0 = staticSelfEnergy(p).re;
    const vT = Math.sqrt(1 - s0);
    const vL = Math.sqrt(3 + (4 / 3) * (1 - s0));
    const debye = 1 / vL ** 3 + 2 / vT ** 3;
    const [point] = hetSpectrum(p, [1e-3]);
    expect(Math.abs(point.reduced / debye - 1)).toBeLessThan(1e-4);
  });

  it('the DOS is normalised: ∫ g(ω) dω = 1', () => {
    const grid = frequencyGrid(3.5, 6000);
    const curve = hetSpectrum({ gamma: 0.15, bulk: 3 }, grid);
    let integral = curve[0].g * grid[0] * 0.5;
    for (let k = 1; k < grid.length; k++) integral += 0.5 * (curve[k].g + curve[k - 1].g) * (grid[k] - grid[k - 1]);
    expect(curve[curve.length - 1].g).toBeLessThan(1e-9);
    expect(Math.abs(integral - 1)).toBeLessThan(2e-4);
  });

  it('the boson peak (maximum of g/ω²) moves to lower frequency as γ approaches γ_c', () => {
    const gc = criticalDisorder(3);
    const far = bosonPeak({ gamma: 0.4 * gc, bulk: 3 });
    const near = bosonPeak({ gamma: 0.9 * gc, bulk: 3 });
    expect(far).not.toBeNull();
    expect(near).not.toBeNull();
    expect(near!.omega).toBeLessThan(far!.omega);
    expect(near!.reduced).toBeGreaterThan(far!.reduced);
    // It is a maximum: g/ω² is lower a little to either side.
    const [below, at, above] = hetSpectrum({ gamma: 0.9 * gc, bulk: 3 }, [0.95 * near!.omega, near!.omega, 1.05 * near!.omega]);
    expect(at.reduced).toBeGreaterThan(below.reduced);
    expect(at.reduced).toBeGreaterThan(above.reduced);
  });
});

describe('HET-SCBA in a finite box (Eq. 40)', () => {
  it('the lattice sums tend to the continuum: the static weight → 1 and γ_c(box) → γ_c', () => {
    const big = wavevectors(400);
    let count = 0;
    for (const m of big.multiplicity) count += m;
    expect(Math.abs(big.weight * count - 1)).toBeLessThan(0.01);
    expect(Math.abs(criticalDisorder(3, 400) / criticalDisorder(3) - 1)).toBeLessThan(0.01);
    expect(() => wavevectors(5)).toThrow(/2π/);
  });

  for (const [gamma, box] of [[0.1, 20], [0.18, 10]] as const) {
    it(`γ = ${gamma}, L k_ξ = ${box}: a gap, then ρ(λ) ~ √(λ − λ_c) above its edge`, () => {
      const p = { gamma, bulk: 3, box };
      const gap = finiteBoxGap(p);
      expect(gap.lambdaC).not.toBeNull();
      const lc = gap.lambdaC!;
      expect(lc).toBeGreaterThan(0);
      expect(lc).toBeLessThan(gap.firstResonance);
      const inside = [0.2, 0.6, 0.99].map((f) => f * lc);
      const deltas = [1e-7, 1e-6, 1e-5].map((d) => d * lc);
      const lambdas = [...inside, ...deltas.map((d) => lc + d)];
      const curve = hetSpectrum(p, lambdas.map(Math.sqrt));
      // Inside the gap Σ is real and ρ only the i0⁺ tails of the lattice phonon lines.
      for (let k = 0; k < inside.length; k++) {
        expect(curve[k].sigma.im).toBeLessThan(1e-8);
        expect(curve[k].rho).toBeLessThan(1e-7);
      }
      const above = curve.slice(inside.length);
      for (const c of above) expect(c.sigma.im).toBeGreaterThan(1e-5);
      const fit = fitPowerLaw(deltas, above.map((c) => c.rho));
      expect(Math.abs(fit.slope - 0.5)).toBeLessThan(0.01);
      // Σ at the edge from the fold equals the solver's Σ just above it.
      expect(Math.abs(above[0].sigma.re - gap.sigmaC!)).toBeLessThan(1e-5);
    });
  }

  it('writes a CSV with omega and g columns', () => {
    const p = { gamma: 0.1, bulk: 3, box: 20 };
    const csv = seriesToCsv(hetSeries(hetSpectrum(p, frequencyGrid(2, 50)), p));
    const [header, first] = csv.split('\n');
    expect(header.split(',').map((h) => h.split(' ')[0])).toEqual(['omega', 'g', 'g_over_omega2', 'lambda', 'rho', 'sigma_re', 'sigma_im']);
    expect(first.split(',').length).toBe(7);
    expect(csv.trim().split('\n').length).toBe(51);
  });
});

describe('GHET type-II spectrum and Table 1 (Eqs. 8, 11–12, 85, 103–107)', () => {
  it('Table 1: s = 3 + 2/m, F ~ ω^(4+2/m); m = ∞ → 3; a potential with a minimum → 5', () => {
    expect(tableOne(2)).toEqual({ m: '2', stress: -0.5, rho: 1.5, dos: 4, integratedDos: 5 });
    expect(tableOne('inf')).toEqual({ m: '∞', stress: -1, rho: 1, dos: 3, integratedDos: 4 });
    expect(tableOne(2, 'lj')).toMatchObject({ stress: 0, rho: 2, dos: 5, integratedDos: 6 });
    const one = tableOne(1);
    expect([one.stress, one.rho, one.dos]).toEqual([0, 2, 5]);
    expect(tableOne(4).dos).toBeCloseTo(3.5, 15);
    expect(() => tableOne(0)).toThrow();
  });

  for (const m of [2, 3, 'inf'] as const) {
    it(`a measured P(σ) ~ σ^(−1+1/m) gives g_εη ~ ω^(3+2/m) (m = ${m})`, () => {
      const invM = m === 'inf' ? 0 : 1 / m;
      const sigma = Float64Array.from({ length: 30 }, (_, k) => 1e-6 * 1.5 ** k);
      const density = sigma.map((s) => 7 * s ** (-1 + invM));
      const curve = typeTwoSpectrum(sigma, density, 0.5, 2);
      const fit = fitPowerLaw(curve.omega, curve.g);
      expect(fit.slope).toBeCloseTo(tableOne(m).dos, 10);
      expect(curve.lambda[3]).toBeCloseTo(sigma[3] / 0.5, 18);
      // The overlay amplitude is recovered from a DOS that is 3× the curve.
      const unit = typeTwoSpectrum(sigma, density, 0.5, 1);
      const measuredOmega = unit.omega.slice(5, 20);
      const measured = unit.g.slice(5, 20).map((g) => 3 * g);
      expect(matchAmplitude(unit, measuredOmega, measured, [0, Infinity])).toBeCloseTo(3, 10);
    });
  }
});
