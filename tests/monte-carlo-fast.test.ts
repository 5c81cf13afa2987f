import { describe, expect, it } from 'vitest';
import { validateSettings, boxSide, type ProjectSettings } from '../engine/model/settings';
import { makePairPotential, pairFactors } from '../engine/model/potential';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { swapMonteCarlo, lastRun, type MonteCarloState } from '../engine/sim/swapMonteCarlo';
import { swapMonteCarloReference } from '../engine/sim/swapMonteCarloReference';
import { makeGlass, totalEnergy } from '../engine/model/glass';
import { createRng, deriveSeed, uniform } from '../engine/random';
import { distance2To } from '../engine/sim/monteCarloLists';
import { startTuning, tuneAfterSweep } from '../engine/sim/stepSize';
import { INITIAL_STEP } from '../engine/pipeline/stages';
import { chainEntries } from '../engine/pipeline/chain';
import { DEMO_DEFAULTS, demoProjects, demoSettings } from '../cli/commands/demo';

const copy = (s: MonteCarloState): MonteCarloState => ({
  positions: s.positions.slice(),
  diameters: s.diameters.slice(),
  rng: { s: s.rng.s.slice() },
  sweepsDone: s.sweepsDone,
  attempted: { ...s.attempted },
  accepted: { ...s.accepted },
});

function setup(dim: 2 | 3, particles: number, taper: 2 | 'inf', potential: 'ipl' | 'lj' = 'ipl'): { settings: ProjectSettings; box: { dim: 2 | 3; side: number } } {
  const settings = validateSettings({ model: { dim, particles, taper, potential } });
  return { settings, box: { dim, side: boxSide(settings.model) } };
}

describe('the factorised pair potential φ = A(a_i + a_j) G(r²) used by the fast swap Monte Carlo', () => {
  it('equals the potential’s own φ(r, a_ij) to rounding, for m = 2, 3, ∞ and n = 12, 10, 7, and is 0 beyond r_c', () => {
    for (const taper of [2, 3, 'inf'] as const) {
      for (const exponent of [12, 10, 7]) {
        const model = { cutoff: 1.955, exponent, taper, potential: 'ipl' as const };
        const f = pairFactors(model)!;
        const p = makePairPotential(model);
        for (const [ai, aj] of [[0.73, 1.62], [1, 1], [1.3, 0.9]]) {
          for (const r of [0.6, 0.9, 1.2, 1.7, 1.95]) {
            const expected = p.energy(r, 0.5 * (ai + aj));
            expect(Math.abs(f.amplitude(ai + aj) * f.geometry(r * r) - expected)).toBeLessThanOrEqual(1e-13 * Math.abs(expected) + 1e-300);
          }
          expect(f.geometry(1.955 ** 2)).toBe(0);
          expect(f.geometry(4)).toBe(0);
        }
      }
    }
    expect(pairFactors({ cutoff: 1.955, exponent: 12, taper: 2, potential: 'lj' })).toBeUndefined();
  });
});

describe('the minimum-image distance of the fast Monte Carlo', () => {
  it('is, bit for bit, the Math.round form dx − L·round(dx/L) for points in the box (boxes of side 7.37, 10, 21.5; 2D and 3D)', () => {
    const rng = createRng(5);
    for (const L of [7.37, 10, 21.5]) {
      for (const d of [2, 3]) {
        const positions = new Float64Array(d * 200);
        for (let k = 0; k < positions.length; k++) positions[k] = L * uniform(rng);
        positions[0] = 0; // the box's edges
        positions[d] = L * (1 - 2 ** -52);
        for (let k = 0; k < 200; k++) {
          for (let t = 0; t < 20; t++) {
            const p = [L * uniform(rng), L * uniform(rng), L * uniform(rng)];
            let expected = 0;
            for (let a = 0; a < d; a++) {
              let u = positions[d * k + a] - p[a];
              u -= L * Math.round(u * (1 / L));
              expected += u * u;
            }
            expect(distance2To(positions, k, d, p[0], p[1], p[2], L, 1 / L)).toBe(expected);
          }
        }
      }
    }
  });
});

/** Runs the reference on `a` and the engine on `b` from the same state, and says they took the same moves. */
function stepBothAndCompare(a: ReturnType<typeof randomConfiguration>, b: ReturnType<typeof randomConfiguration>, box: Parameters<typeof swapMonteCarlo>[1], potential: Parameters<typeof swapMonteCarlo>[2], parameters: Parameters<typeof swapMonteCarlo>[3], sweeps: number): void {
  swapMonteCarloReference(a, box, potential, parameters, sweeps);
  swapMonteCarlo(b, box, potential, parameters, sweeps);
  expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
  expect(Array.from(b.diameters)).toEqual(Array.from(a.diameters));
  expect(b.rng.s).toEqual(a.rng.s);
  expect(b.accepted).toEqual(a.accepted);
}

describe('fast swap Monte Carlo (neighbour lists with pair energies, early rejection)', () => {
  it('is the same Markov chain as the reference implementation: the same trajectory, move for move (d = 2, 3; m = 2, ∞)', () => {
    for (const dim of [2, 3] as const) {
      for (const taper of [2, 'inf'] as const) {
        const { settings, box } = setup(dim, dim === 3 ? 343 : 200, taper);
        const potential = makePairPotential(settings.model);
        // From random positions (overlaps, many acceptances, many re-listings) at T = 0.3, then on
        // at T = 0.15 from where it got to.
        const a = randomConfiguration(settings, deriveSeed(7, dim, String(taper)));
        const b = copy(a);
        for (const temperature of [0.3, 0.15]) {
          const parameters = { temperature, swapProbability: 0.2, maxDisplacement: 0.2 };
          stepBothAndCompare(a, b, box, potential, parameters, 60);
        }
        expect(lastRun.relistings).toBeGreaterThan(0);
        expect(a.accepted.swap).toBeGreaterThan(0);
      }
    }
  });

  it('stays the reference chain with a large step and a high swap rate (lists that grow, neighbours that change a lot)', () => {
    const { settings, box } = setup(3, 343, 2);
    const potential = makePairPotential(settings.model);
    const a = randomConfiguration(settings, 3);
    const b = copy(a);
    const parameters = { temperature: 2, swapProbability: 0.5, maxDisplacement: 0.6 };
    stepBothAndCompare(a, b, box, potential, parameters, 40);
    expect(b.accepted.displacement).toBeGreaterThan(0.05 * b.attempted.displacement);
    expect(lastRun.relistings).toBeGreaterThan(500);
  });

  it('keeps its lists exact over a long run: one continuous call is the run with lists built afresh every sweep (a stable-glass chain whose lists grow while a particle is re-listed)', () => {
    // The demo's first T* = 0.1, m = ∞ chain, δ tuned as a chain does. Before the fix a list growth
    // in the middle of a re-listing dropped the joiners collected so far (allocateScratch replaced
    // the array): from sweep 11 552 pairs within r_c were listed on one side only, and the chain
    // reached E/N ≈ 7 where the reference stays at 1.22.
    const settings = demoSettings(DEMO_DEFAULTS, demoProjects(DEMO_DEFAULTS)[3]);
    const entry = chainEntries(settings)[0];
    const box = { dim: 3 as const, side: boxSide(settings.model) };
    const potential = makePairPotential(settings.model);
    const run = (chunk: number, sweeps: number) => {
      const mc = randomConfiguration(settings, entry.seed);
      const tuning = startTuning(INITIAL_STEP, settings.sampling.targetAcceptance, settings.sampling.equilibrate, mc);
      const parameters = { temperature: 0.1, swapProbability: settings.sampling.swapProbability, maxDisplacement: tuning.delta };
      while (mc.sweepsDone < sweeps) swapMonteCarlo(mc, box, potential, parameters, Math.min(chunk, sweeps - mc.sweepsDone), (s) => void (parameters.maxDisplacement = tuneAfterSweep(tuning, s, box.side)));
      return mc;
    };
    const continuous = run(Infinity, 11600);
    const afresh = run(1, 11600);
    expect(Array.from(continuous.positions)).toEqual(Array.from(afresh.positions));
    expect(Array.from(continuous.diameters)).toEqual(Array.from(afresh.diameters));
    expect(continuous.rng.s).toEqual(afresh.rng.s);
  });

  it('stays the reference chain with the small step of a stable glass (δ = 0.07 at T* = 0.1: the thinner skin of small steps, many re-listings)', () => {
    for (const taper of [2, 'inf'] as const) {
      const { settings, box } = setup(3, 343, taper);
      const potential = makePairPotential(settings.model);
      const a = randomConfiguration(settings, deriveSeed(9, String(taper)));
      swapMonteCarlo(a, box, potential, { temperature: 0.3, swapProbability: 0.2, maxDisplacement: 0.2 }, 30); // away from overlaps
      const b = copy(a);
      const parameters = { temperature: 0.1, swapProbability: 0.2, maxDisplacement: 0.07 };
      stepBothAndCompare(a, b, box, potential, parameters, 60);
      expect(b.accepted.displacement).toBeGreaterThan(0.2 * b.attempted.displacement);
      expect(lastRun.relistings).toBeGreaterThan(50);
    }
  });

  it('runs Lennard-Jones (which does not factorise) on the reference, with the same result', () => {
    const { settings, box } = setup(2, 100, 2, 'lj');
    const potential = makePairPotential(settings.model);
    const a = randomConfiguration(settings, 4);
    const b = copy(a);
    const parameters = { temperature: 0.5, swapProbability: 0.2, maxDisplacement: 0.2 };
    swapMonteCarloReference(a, box, potential, parameters, 20);
    swapMonteCarlo(b, box, potential, parameters, 20);
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
  });

  it('resumed at any sweep from positions, diameters and generator alone, continues bit for bit (3D, lists in use)', () => {
    const { settings, box } = setup(3, 343, 2);
    const potential = makePairPotential(settings.model);
    const parameters = { temperature: 0.25, swapProbability: 0.2, maxDisplacement: 0.2 };
    const start = randomConfiguration(settings, 12);
    swapMonteCarlo(start, box, potential, { ...parameters, temperature: 1 }, 20); // away from overlaps
    const straight = copy(start);
    swapMonteCarlo(straight, box, potential, parameters, 50);
    const pieces = copy(start);
    for (const n of [7, 1, 13, 29]) {
      const resumed = JSON.parse(JSON.stringify({ p: Array.from(pieces.positions), d: Array.from(pieces.diameters), s: pieces.rng.s }));
      pieces.positions = Float64Array.from(resumed.p);
      pieces.diameters = Float64Array.from(resumed.d);
      pieces.rng = { s: resumed.s };
      swapMonteCarlo(pieces, box, potential, parameters, n);
    }
    expect(pieces.sweepsDone).toBe(straight.sweepsDone);
    expect(Array.from(pieces.positions)).toEqual(Array.from(straight.positions));
    expect(Array.from(pieces.diameters)).toEqual(Array.from(straight.diameters));
    expect(pieces.accepted).toEqual(straight.accepted);
  });

  it('samples the same equilibrium as the reference: mean E/N at T* = 0.5 and 0.2, N = 500, 8 chains each, independent seeds', () => {
    // Not the same trajectories (other seeds): a statistical statement. Both start from one inherent
    // structure, so E/N has the same law at every sweep for the same chain, equilibrated or not.
    const { settings, box } = setup(3, 500, 2);
    const potential = makePairPotential(settings.model);
    const glass0 = randomConfiguration(settings, 100);
    const quenched = runQuenchStage(settings, glass0.positions, glass0.diameters).positions;
    for (const temperature of [0.5, 0.2]) {
      const parameters = { temperature, swapProbability: 0.2, maxDisplacement: 0.2 };
      const mean = (run: typeof swapMonteCarlo, seedBase: number) => {
        const values: number[] = [];
        for (let c = 0; c < 8; c++) {
          const state = randomConfiguration(settings, deriveSeed(seedBase, c));
          state.positions.set(quenched);
          state.diameters.set(glass0.diameters);
          run(state, box, potential, parameters, 20); // away from the inherent structure
          let sum = 0;
          let samples = 0;
          run(state, box, potential, parameters, 20, (s) => {
            if (s.sweepsDone % 5 === 0) {
              sum += totalEnergy(makeGlass(settings.model, s.diameters), s.positions) / 500;
              samples++;
            }
          });
          values.push(sum / samples);
        }
        const m = values.reduce((x, y) => x + y, 0) / values.length;
        const sd = Math.sqrt(values.reduce((x, y) => x + (y - m) ** 2, 0) / (values.length - 1));
        return { m, error: sd / Math.sqrt(values.length) };
      };
      const fast = mean(swapMonteCarlo, 1);
      const reference = mean(swapMonteCarloReference, 2);
      expect(Math.abs(fast.m - reference.m)).toBeLessThan(3 * Math.hypot(fast.error, reference.error));
      expect(fast.error).toBeGreaterThan(0);
    }
  }, 400_000);
});
