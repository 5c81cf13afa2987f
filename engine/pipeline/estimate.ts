/**
 * How long the Monte Carlo of a project will take, before it starts: the number of attempts it
 * needs, and this machine's rate measured on a short run of the same model at the same T* from a
 * roughly quenched (dense, overlap-free) configuration, which is where a real run spends its time.
 */
import { boxSide, type ProjectSettings } from '../model/settings';
import { makePairPotential } from '../model/potential';
import { quench } from '../minimize/quench';
import { makeGlass } from '../model/glass';
import { swapMonteCarlo } from '../sim/swapMonteCarlo';
import { startTuning, tuneAfterSweep } from '../sim/stepSize';
import { randomConfiguration, INITIAL_STEP } from './stages';

/** Sweeps of Monte Carlo the project needs in all, and per work unit (sample or chain). */
export function monteCarloSweeps(settings: ProjectSettings): { total: number; perUnit: number[]; unit: 'sample' | 'chain' } {
  const { sampling, samples } = settings;
  if (sampling.parentTemperature === 'inf') return { total: 0, perUnit: [], unit: 'sample' };
  if (sampling.chains === 0) return { total: samples * sampling.sweeps, perUnit: Array(samples).fill(sampling.sweeps), unit: 'sample' };
  const base = Math.floor(samples / sampling.chains);
  const perUnit = Array.from({ length: sampling.chains }, (_, c) => sampling.equilibrate + (base + (c < samples % sampling.chains ? 1 : 0)) * sampling.sampleEvery);
  return { total: perUnit.reduce((a, b) => a + b, 0), perUnit, unit: 'chain' };
}

export interface MonteCarloEstimate {
  /** Attempts per second on this machine, one core, at this N, taper and T*. */
  rate: number;
  /** Seconds of Monte Carlo per work unit (the longest), and in all on one core. */
  perUnitSeconds: number;
  totalSeconds: number;
  unit: 'sample' | 'chain';
  /** With `jobs` units in parallel. */
  wallSeconds: (jobs: number) => number;
}

/** Measures the rate with about `budgetSeconds` of Monte Carlo (plus a rough quench) and scales. */
export function estimateMonteCarlo(settings: ProjectSettings, budgetSeconds = 0.4): MonteCarloEstimate | undefined {
  const sweeps = monteCarloSweeps(settings);
  if (sweeps.total === 0) return undefined;
  const { model, sampling } = settings;
  const state = randomConfiguration(settings, 1);
  // A rough quench (max|f| ≤ 1e-2): dense and overlap-free, like a configuration at low T*.
  const rough = quench(makeGlass(model, state.diameters), state.positions, { ...settings.quench, forceTolerance: 1e-2, maxIterations: 2000 });
  state.positions.set(rough.positions);
  const box = { dim: model.dim, side: boxSide(model) };
  const parameters = {
    temperature: sampling.parentTemperature as number,
    swapProbability: sampling.swapProbability,
    maxDisplacement: sampling.maxDisplacement === 'auto' ? INITIAL_STEP : sampling.maxDisplacement,
  };
  const potential = makePairPotential(model);
  // Compile the hot loop first: ~2·10⁴ attempts whatever N (one sweep of a small glass is not enough),
  // then 0.1 s segments until two successive rates agree within 15 % (at most 1.5 s): in a fresh
  // process the first segments ran ~10× slower than the steady rate (measured), which the estimate
  // must not report.
  swapMonteCarlo(state, box, potential, parameters, Math.ceil(20_000 / model.particles));
  // δ = auto: the rate depends on δ (a small step is accepted more often and rejected later), so
  // the step is first tuned as a chain's equilibration tunes it (12 windows, at most ~1 s); at
  // T* = 0.1 the initial δ = 0.2 is rejected early so often that its rate is ~2.7× the tuned one.
  if (sampling.maxDisplacement === 'auto') {
    const tuning = startTuning(INITIAL_STEP, sampling.targetAcceptance, Number.POSITIVE_INFINITY, state);
    const start = performance.now();
    swapMonteCarlo(state, box, potential, parameters, 1_000_000, (s) => {
      parameters.maxDisplacement = tuneAfterSweep(tuning, s, box.side);
      return tuning.updates < 12 && (performance.now() - start) / 1000 < 1;
    });
  }
  /** Sweeps per second over about `seconds` of Monte Carlo. */
  const sweepRate = (seconds: number) => {
    const start = performance.now();
    let n = 0;
    swapMonteCarlo(state, box, potential, parameters, 1_000_000, () => {
      n++;
      return (performance.now() - start) / 1000 < seconds;
    });
    return n / ((performance.now() - start) / 1000);
  };
  const warmStart = performance.now();
  let previous = sweepRate(0.1);
  while ((performance.now() - warmStart) / 1000 < 1.5) {
    const next = sweepRate(0.1);
    if (Math.abs(next - previous) <= 0.15 * Math.max(next, previous)) break;
    previous = next;
  }
  const rate = sweepRate(budgetSeconds) * model.particles;
  const perSweep = model.particles / rate;
  const longest = Math.max(...sweeps.perUnit);
  return {
    rate,
    perUnitSeconds: longest * perSweep,
    totalSeconds: sweeps.total * perSweep,
    unit: sweeps.unit,
    wallSeconds: (jobs) => {
      // Units spread over `jobs` workers, longest first (a bound that is exact for equal units).
      const loads = new Array(Math.max(1, jobs)).fill(0);
      for (const u of [...sweeps.perUnit].sort((a, b) => b - a)) loads[loads.indexOf(Math.min(...loads))] += u * perSweep;
      return Math.max(...loads);
    },
  };
}
