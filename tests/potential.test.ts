import { describe, expect, it } from 'vitest';
import { makePairPotential, polynomialTaper, exponentialTaper } from '../engine/model/potential';
import { SettingsError, validateSettings } from '../engine/model/settings';

const potentials = [
  { name: 'IPL-12, T_2', model: { cutoff: 1.955, exponent: 12, taper: 2 as const, potential: 'ipl' as const } },
  { name: 'IPL-12, T_3', model: { cutoff: 1.955, exponent: 12, taper: 3, potential: 'ipl' as const } },
  { name: 'IPL-12, T_∞', model: { cutoff: 1.955, exponent: 12, taper: 'inf' as const, potential: 'ipl' as const } },
  { name: 'LJ, T_2', model: { cutoff: 1.955, exponent: 12, taper: 2, potential: 'lj' as const } },
];

describe('pair potentials (docs/PHYSICS.md §1)', () => {
  for (const { name, model } of potentials) {
    it(`${name}: analytic φ' and φ'' agree with central finite differences`, () => {
      const p = makePairPotential(model);
      const t = new Float64Array(3);
      for (const a of [0.73, 1.0, 1.4]) {
        for (let r = 0.7; r < 1.9; r += 0.0371) {
          p.terms(r, a, t);
          const h = 1e-5 * r;
          const d1 = (p.energy(r + h, a) - p.energy(r - h, a)) / (2 * h);
          const tp = new Float64Array(3);
          const tm = new Float64Array(3);
          p.terms(r + h, a, tp);
          p.terms(r - h, a, tm);
          const d2 = (tp[1] - tm[1]) / (2 * h);
          expect(Math.abs(d1 - t[1])).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, Math.abs(t[1])) + 1e-9);
          expect(Math.abs(d2 - t[2])).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, Math.abs(t[2])) + 1e-8);
        }
      }
    });

    it(`${name}: the energy-only path equals the value of terms()`, () => {
      const p = makePairPotential(model);
      const t = new Float64Array(3);
      for (let r = 0.6; r < 2.1; r += 0.013) {
        p.terms(r, 1.05, t);
        expect(p.energy(r, 1.05)).toBeCloseTo(t[0], 14);
      }
    });

    it(`${name}: φ, φ' and φ'' vanish continuously at the cutoff`, () => {
      const p = makePairPotential(model);
      const near = new Float64Array(3);
      const nearer = new Float64Array(3);
      p.terms(model.cutoff - 1e-3, 1, near);
      p.terms(model.cutoff - 1e-5, 1, nearer);
      // Each of φ, φ', φ'' falls at least linearly in r_c − r (φ'' ~ (r_c − r)^(m−1), m ≥ 2).
      for (let k = 0; k < 3; k++) expect(Math.abs(nearer[k])).toBeLessThanOrEqual(1.01e-2 * Math.abs(near[k]) + 1e-300);
      expect(Math.abs(near[0])).toBeLessThan(1e-6);
      p.terms(model.cutoff, 1, near);
      expect([...near]).toEqual([0, 0, 0]);
    });
  }

  it('IPL equals (a/r_c)^n [x^-n − 1] T_m(x) (paper Eq. 15)', () => {
    const p = makePairPotential(potentials[0].model);
    const rc = 1.955;
    for (const [r, a] of [[0.9, 1.1], [1.3, 0.8], [1.7, 1.5]]) {
      const x = r / rc;
      expect(p.energy(r, a)).toBeCloseTo((a / rc) ** 12 * (x ** -12 - 1) * (1 - x * x) ** 2, 14);
    }
  });

  it('T_m vanishes with its first m derivatives at x = 1: φ ~ (r_c − r)^(m+1)', () => {
    for (const m of [2, 3, 5]) {
      const p = makePairPotential({ cutoff: 1.955, exponent: 12, taper: m, potential: 'ipl' });
      const e1 = p.energy(1.955 - 1e-3, 1);
      const e2 = p.energy(1.955 - 2e-3, 1);
      expect(Math.log2(e2 / e1)).toBeCloseTo(m + 1, 1);
    }
  });

  it('the taper derivatives match finite differences', () => {
    for (const taper of [polynomialTaper(2), polynomialTaper(4), exponentialTaper()]) {
      const o = new Float64Array(3);
      const op = new Float64Array(3);
      const om = new Float64Array(3);
      for (let x = 0.3; x < 0.97; x += 0.05) {
        taper(x, o);
        taper(x + 1e-6, op);
        taper(x - 1e-6, om);
        expect((op[0] - om[0]) / 2e-6).toBeCloseTo(o[1], 6);
        expect((op[1] - om[1]) / 2e-6).toBeCloseTo(o[2], 5);
      }
    }
  });
});

describe('settings are refused with the setting and the allowed range named', () => {
  const refuse = (input: unknown, setting: string, pattern: RegExp) => {
    let error: unknown;
    try {
      validateSettings(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).setting).toBe(setting);
    expect((error as Error).message).toMatch(pattern);
  };
  it('the defaults are the paper’s', () => {
    const s = validateSettings();
    expect(s.model).toMatchObject({ dim: 3, particles: 1000, density: 1, diameterMin: 0.73, diameterMax: 1.62, cutoff: 1.955, exponent: 12, taper: 2, potential: 'ipl' });
    expect(s.sampling).toMatchObject({ swapProbability: 0.2, maxDisplacement: 0.2, sweeps: 1_100_000 });
    expect(s.quench.forceTolerance).toBe(1e-10);
  });
  it('taper m < 2, with the reason', () => refuse({ model: { taper: 1 } }, 'model.taper', /discontinuous/));
  it('an unknown taper', () => refuse({ model: { taper: 'cosine' } }, 'model.taper', /integer m ≥ 2 or 'inf'/));
  it('a box smaller than 2 r_c', () => refuse({ model: { particles: 50, dim: 3 } }, 'model.particles', /minimum image/));
  it('N < 2', () => refuse({ model: { particles: 1, dim: 2, density: 0.01 } }, 'model.particles', /an integer in \[2, /));
  it('non-positive density', () => refuse({ model: { density: 0 } }, 'model.density', /positive/));
  it('negative temperature', () => refuse({ sampling: { parentTemperature: -0.3 } }, 'sampling.parentTemperature', /positive/));
  it('a_min ≥ a_max', () => refuse({ model: { diameterMin: 1.7, diameterMax: 1.62 } }, 'model.diameterMax', />/));
  it('an unknown setting', () => refuse({ model: { tapr: 2 } }, 'model.tapr', /unknown/));
  it('a dimension other than 2 or 3', () => refuse({ model: { dim: 4 } }, 'model.dim', /2 or 3/));
});
