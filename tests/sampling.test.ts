import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, nextUint32, uniform, uniformInt } from '../engine/random';
import { diameterCdf, meanDiameter, sampleDiameters } from '../engine/model/diameters';
import { makePairPotential } from '../engine/model/potential';
import { swapMonteCarlo, type MonteCarloState } from '../engine/sim/swapMonteCarlo';
import { validateSettings } from '../engine/model/settings';
import { randomConfiguration, runParentStage } from '../engine/pipeline/stages';
import { makeGlass, totalEnergy } from '../engine/model/glass';

describe('seeded generator', () => {
  it('is xoshiro128**: from state (1, 2, 3, 4) it gives 11520, 0, 5927040 (worked by hand from the reference C code)', () => {
    const rng = { s: Uint32Array.of(1, 2, 3, 4) };
    expect([nextUint32(rng), nextUint32(rng), nextUint32(rng)]).toEqual([11520, 0, 5927040]);
  });
  it('gives the same bits on every machine: seeding and seed derivation are pinned', () => {
    // Pinned: a change here would change every saved project's samples for the same seed.
    const rng = createRng(1);
    expect([nextUint32(rng), nextUint32(rng), nextUint32(rng)]).toEqual(PINNED_SEED1);
    expect(deriveSeed(1, 0, 'sample')).toBe(PINNED_DERIVED);
  });
  it('uniform doubles have mean 1/2 and variance 1/12; uniformInt is unbiased', () => {
    const rng = createRng(42);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    for (let k = 0; k < n; k++) {
      const u = uniform(rng);
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
    const counts = new Array(7).fill(0);
    for (let k = 0; k < 70_000; k++) counts[uniformInt(rng, 7)]++;
    const chi2 = counts.reduce((a, c) => a + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(22.5); // χ² with 6 dof, p = 0.001
  });
});

const PINNED_SEED1 = [2442144158, 3238099751, 3819917871];
const PINNED_DERIVED = 2509303660;

describe('diameters from P(a) ∝ a^-3 on [0.73, 1.62]', () => {
  it('pass a Kolmogorov–Smirnov test against the analytic CDF and have mean ≈ 1.006', () => {
    const n = 20_000;
    const a = Array.from(sampleDiameters(n, 0.73, 1.62, createRng(5))).sort((x, y) => x - y);
    let dmax = 0;
    for (let k = 0; k < n; k++) {
      const F = diameterCdf(a[k], 0.73, 1.62);
      dmax = Math.max(dmax, Math.abs(F - k / n), Math.abs(F - (k + 1) / n));
    }
    expect(dmax * Math.sqrt(n)).toBeLessThan(1.63); // KS critical value at p = 0.01
    expect(a[0]).toBeGreaterThanOrEqual(0.73);
    expect(a[n - 1]).toBeLessThanOrEqual(1.62);
    expect(meanDiameter(0.73, 1.62)).toBeCloseTo(1.006, 3);
    expect(a.reduce((x, y) => x + y, 0) / n).toBeCloseTo(meanDiameter(0.73, 1.62), 2);
  });
});

describe('swap Monte Carlo (docs/PHYSICS.md §3)', () => {
  it('samples the Boltzmann distribution: two particles in a periodic square, P(r < r_c) against quadrature', () => {
    // For two particles the minimum-image separation is uniform on the square [−L/2, L/2]² weighted by
    // exp(−φ(r)/T); so P(r < r_c) = I / (L² − π r_c² + I), I = ∫_0^r_c 2π r exp(−φ(r)/T) dr.
    const L = 5;
    const T = 0.5;
    const a = 1.1;
    const potential = makePairPotential({ cutoff: 1.955, exponent: 12, taper: 2, potential: 'ipl' });
    let integral = 0;
    const steps = 20_000;
    const h = potential.cutoff / steps;
    for (let k = 0; k <= steps; k++) {
      const r = k * h;
      const w = k === 0 || k === steps ? 1 : k % 2 ? 4 : 2;
      integral += r === 0 ? 0 : (w * h * 2 * Math.PI * r * Math.exp(-potential.energy(r, a) / T)) / 3;
    }
    const expected = integral / (L * L - Math.PI * potential.cutoff ** 2 + integral);

    const state: MonteCarloState = {
      positions: Float64Array.from([1, 1, 3.5, 3.2]),
      diameters: Float64Array.from([a, a]),
      rng: createRng(11),
      sweepsDone: 0,
      attempted: { displacement: 0, swap: 0 },
      accepted: { displacement: 0, swap: 0 },
    };
    let inside = 0;
    let count = 0;
    const sweeps = 300_000;
    swapMonteCarlo(state, { dim: 2, side: L }, potential, { temperature: T, swapProbability: 0.2, maxDisplacement: 2.4 }, sweeps, (s) => {
      let dx = s.positions[2] - s.positions[0];
      let dy = s.positions[3] - s.positions[1];
      dx -= L * Math.round(dx / L);
      dy -= L * Math.round(dy / L);
      if (dx * dx + dy * dy < potential.cutoff ** 2) inside++;
      count++;
    });
    const measured = inside / count;
    // Binomial error with a generous allowance for correlations between sweeps.
    const sigma = Math.sqrt((expected * (1 - expected)) / count) * 3;
    expect(Math.abs(measured - expected)).toBeLessThan(4 * sigma);
    expect(state.accepted.swap).toBe(state.attempted.swap); // equal diameters: ΔV = 0, always accepted
    expect(state.attempted.swap / (state.attempted.swap + state.attempted.displacement)).toBeCloseTo(0.2, 2);
  });

  it('swap moves preserve the multiset of diameters, and the energy it tracks is the energy of the state', () => {
    const settings = validateSettings({ model: { dim: 2, particles: 100, taper: 2 }, sampling: { parentTemperature: 0.3, sweeps: 60, swapProbability: 0.5 } });
    const state = randomConfiguration(settings, 9);
    const before = Array.from(state.diameters).sort((x, y) => x - y);
    runParentStage(settings, state);
    const after = Array.from(state.diameters).sort((x, y) => x - y);
    expect(after).toEqual(before);
    expect(state.accepted.swap).toBeGreaterThan(0);
    expect(state.accepted.swap).toBeLessThan(state.attempted.swap);
    expect(state.sweepsDone).toBe(60);
    // Monte Carlo at T* = 0.3 from random positions lowers the energy by orders of magnitude.
    const glass = makeGlass(settings.model, state.diameters);
    const random = randomConfiguration(settings, 9);
    expect(totalEnergy(glass, state.positions)).toBeLessThan(1e-3 * totalEnergy(makeGlass(settings.model, random.diameters), random.positions));
  });

  it('a run interrupted and resumed from its JSON checkpoint continues bit for bit', () => {
    const settings = validateSettings({ model: { dim: 2, particles: 100, taper: 'inf' }, sampling: { parentTemperature: 0.4, sweeps: 40 } });
    const straight = randomConfiguration(settings, 3);
    runParentStage(settings, straight);
    const first = randomConfiguration(settings, 3);
    runParentStage(settings, first, (s) => s.sweepsDone < 17);
    expect(first.sweepsDone).toBe(17);
    const json = JSON.parse(JSON.stringify({ p: Array.from(first.positions), d: Array.from(first.diameters), rng: first.rng, sweeps: first.sweepsDone, at: first.attempted, ac: first.accepted }));
    const resumed: MonteCarloState = {
      positions: Float64Array.from(json.p),
      diameters: Float64Array.from(json.d),
      rng: json.rng,
      sweepsDone: json.sweeps,
      attempted: json.at,
      accepted: json.ac,
    };
    runParentStage(settings, resumed);
    expect(Array.from(resumed.positions)).toEqual(Array.from(straight.positions));
    expect(Array.from(resumed.diameters)).toEqual(Array.from(straight.diameters));
    expect(resumed.accepted).toEqual(straight.accepted);
  });
});
