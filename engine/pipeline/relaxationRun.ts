/**
 * The relaxation-time scan that locates T_d (SPEC §7): for each temperature T, a seeded random
 * configuration is equilibrated by swap Monte Carlo at T (SPEC §3: p_swap, δ), then followed by
 * swap-free Monte Carlo (p_swap = 0, the "physical" local dynamics whose slowing down defines
 * T_d), recording the self-intermediate scattering function F_s(k, t) at log-spaced sweep counts
 * and its α-relaxation time τ_α; finally τ_α(T) = A (T − T_d)^(−γ) is fitted when at least three
 * temperatures relaxed within the run. Pure and deterministic for a seed; no files here.
 */
import { accumulateUnwrapped, DEFAULT_WAVEVECTOR, logSpacedSweeps, relaxationTime, selfIntermediateScattering } from '../analysis/relaxation';
import { makeGlass, totalEnergy } from '../model/glass';
import { makePairPotential } from '../model/potential';
import { boxSide, DEFAULT_SETTINGS, SettingsError, validateSettings, type ModelSettings } from '../model/settings';
import { createRng, deriveSeed } from '../random';
import { acceptanceRates, swapMonteCarlo, type Acceptance } from '../sim/swapMonteCarlo';
import { fitModeCoupling, type ModeCouplingFit } from '../theory/modeCoupling';
import { randomConfiguration } from './stages';

export interface RelaxationPlan {
  model: ModelSettings;
  /** Temperatures T (distinct, positive), in the order given. */
  temperatures: number[];
  /** Swap Monte Carlo sweeps at T before the measurement (0: start the measurement from random positions). */
  equilibrationSweeps: number;
  /** Swap-free Monte Carlo sweeps over which F_s is recorded (the longest lag). */
  sweeps: number;
  /** p_swap of the equilibration (SPEC §3: 0.2). The measurement always uses 0. */
  swapProbability: number;
  /** δ, the radius of a displacement, in both phases (SPEC §3: 0.2). */
  maxDisplacement: number;
  /** Wavevector modulus k of F_s (default 2π/a, a = 1 the mean diameter). */
  wavevector: number;
  /** Lags per decade of the log-spaced sweep counts at which F_s is recorded. */
  pointsPerDecade: number;
  /**
   * Scan seed: every temperature starts from the configuration of configurationSeed(seed) (one
   * composition for the whole scan) and runs the Monte Carlo stream deriveSeed(seed, 'relaxation', T).
   */
  seed: number;
}

/** A (possibly partial) plan; `model`, `swapProbability`, `maxDisplacement` and `seed` default as in a project. */
export type RelaxationPlanInput = Partial<Omit<RelaxationPlan, 'model'>> & { model?: Partial<ModelSettings> };

/**
 * The one gate for a relaxation scan: fills defaults and refuses, with a SettingsError naming the
 * setting, a model the project would refuse (unknown taper, L < 2 r_c, …), no temperatures, a
 * non-positive or repeated temperature, and non-integer or negative sweep counts.
 */
export function validateRelaxationPlan(input: RelaxationPlanInput): RelaxationPlan {
  const project = validateSettings({
    model: input.model ?? {},
    sampling: {
      ...(input.swapProbability !== undefined ? { swapProbability: input.swapProbability } : {}),
      ...(input.maxDisplacement !== undefined ? { maxDisplacement: input.maxDisplacement } : {}),
    },
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
  });
  const temperatures = input.temperatures ?? [];
  if (!Array.isArray(temperatures) || temperatures.length < 1) throw new SettingsError('temperatures', 'a list of at least one positive temperature', temperatures);
  for (const t of temperatures) {
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) throw new SettingsError('temperatures', 'positive finite numbers', temperatures, `${t} is not`);
  }
  if (new Set(temperatures).size !== temperatures.length) throw new SettingsError('temperatures', 'distinct', temperatures, 'a temperature is repeated (run another seed for a second measurement)');
  const sweeps = input.sweeps;
  if (typeof sweeps !== 'number' || !Number.isInteger(sweeps) || sweeps < 1) throw new SettingsError('sweeps', 'a positive integer number of swap-free sweeps', sweeps);
  const equilibrationSweeps = input.equilibrationSweeps ?? 0;
  if (!Number.isInteger(equilibrationSweeps) || equilibrationSweeps < 0) throw new SettingsError('equilibrationSweeps', 'a non-negative integer number of swap sweeps', equilibrationSweeps);
  const wavevector = input.wavevector ?? DEFAULT_WAVEVECTOR;
  if (!Number.isFinite(wavevector) || wavevector <= 0) throw new SettingsError('wavevector', 'a positive number (2π/a ≈ 6.28 by default)', wavevector);
  const pointsPerDecade = input.pointsPerDecade ?? 10;
  if (!Number.isInteger(pointsPerDecade) || pointsPerDecade < 1 || pointsPerDecade > 1000) throw new SettingsError('pointsPerDecade', 'an integer in [1, 1000]', pointsPerDecade);
  return {
    model: project.model,
    temperatures: [...temperatures],
    equilibrationSweeps,
    sweeps,
    swapProbability: project.sampling.swapProbability,
    maxDisplacement: project.sampling.maxDisplacement,
    wavevector,
    pointsPerDecade,
    seed: project.seed,
  };
}

export interface TemperatureRelaxation {
  temperature: number;
  /** The seed of this temperature's Monte Carlo stream (the configuration is the scan's: configurationSeed). */
  seed: number;
  /** Lags t (swap-free sweeps since the end of equilibration), starting at 0. */
  times: number[];
  /** F_s(k, t) at each lag; F_s(0) = 1. */
  fs: Float64Array;
  /** τ_α in sweeps, or null when F_s stayed above 1/e for the whole run. */
  tauAlpha: number | null;
  /** When tauAlpha is null: the run length, a lower bound on τ_α. */
  tauAlphaLowerBound: number | null;
  acceptance: { equilibration: Acceptance; measurement: Acceptance };
  /** Potential energy per particle after equilibration and at the end: a drift means ageing. */
  energyPerParticle: { equilibrated: number; final: number };
  /** Largest |minimum-image step component| between consecutive sweeps (unwrapping is exact while ≪ L/2). */
  largestUnwrapStep: number;
}

export type RelaxationProgress = (fraction: number, message: string) => void;

/** Seed of the random configuration (positions and diameters) that every temperature of a scan starts from. */
export function configurationSeed(seed: number): number {
  return deriveSeed(seed, 'relaxation', 'configuration');
}

/** Refusal threshold for the per-sweep unwrapping step, as a fraction of L (exact below L/2). */
const UNWRAP_LIMIT = 0.25;

/** One temperature of the scan: equilibrate with swaps, then record F_s under swap-free MC. */
export function relaxAtTemperature(plan: RelaxationPlan, temperature: number, onProgress?: RelaxationProgress): TemperatureRelaxation {
  const { model } = plan;
  // One sample for the whole scan: every temperature starts from the same random configuration, so
  // with the same diameters (swaps only permute them). With N ~ 10²–10³ the drawn diameters shift
  // the packing fraction by a few per cent, which moves E/N and τ_α more than a step in T would;
  // a scan over T must hold the composition fixed. The Monte Carlo stream is the temperature's own.
  const state = randomConfiguration({ ...DEFAULT_SETTINGS, model }, configurationSeed(plan.seed));
  const seed = deriveSeed(plan.seed, 'relaxation', temperature);
  state.rng = createRng(seed);
  const box = { dim: model.dim, side: boxSide(model) };
  const potential = makePairPotential(model);
  const total = plan.equilibrationSweeps + plan.sweeps;
  const every = Math.max(1, Math.floor(total / 1000));
  const energy = () => totalEnergy(makeGlass(model, state.diameters), state.positions) / model.particles;

  let done = 0;
  swapMonteCarlo(state, box, potential, { temperature, swapProbability: plan.swapProbability, maxDisplacement: plan.maxDisplacement }, plan.equilibrationSweeps, () => {
    done++;
    if (onProgress && (done % every === 0 || done === plan.equilibrationSweeps)) onProgress(done / total, `swap MC ${done}/${plan.equilibrationSweeps} sweeps`);
  });
  const equilibration = acceptanceRates(state);
  const equilibrated = energy();
  state.attempted = { displacement: 0, swap: 0 };
  state.accepted = { displacement: 0, swap: 0 };

  const times = logSpacedSweeps(plan.sweeps, plan.pointsPerDecade);
  const fs = new Float64Array(times.length);
  const reference = Float64Array.from(state.positions);
  const unwrapped = Float64Array.from(state.positions);
  const previous = Float64Array.from(state.positions);
  fs[0] = selfIntermediateScattering(reference, unwrapped, model.dim, plan.wavevector);
  let next = 1;
  let t = 0;
  let largestUnwrapStep = 0;
  swapMonteCarlo(state, box, potential, { temperature, swapProbability: 0, maxDisplacement: plan.maxDisplacement }, plan.sweeps, () => {
    const step = accumulateUnwrapped(unwrapped, previous, state.positions, box.side);
    previous.set(state.positions);
    if (step > largestUnwrapStep) largestUnwrapStep = step;
    if (step > UNWRAP_LIMIT * box.side) {
      throw new Error(`unwrapping at T = ${temperature}: a particle moved ${step.toPrecision(4)} along an axis within one sweep (box side ${box.side.toPrecision(4)}); displacements are only known modulo L`);
    }
    t++;
    if (t === times[next]) fs[next++] = selfIntermediateScattering(reference, unwrapped, model.dim, plan.wavevector);
    done++;
    if (onProgress && (done % every === 0 || t === plan.sweeps)) onProgress(done / total, `swap-free MC ${t}/${plan.sweeps} sweeps, F_s = ${fs[next - 1].toFixed(3)}`);
  });
  const { tau, lowerBound } = relaxationTime(times, fs);
  return {
    temperature,
    seed,
    times,
    fs,
    tauAlpha: tau,
    tauAlphaLowerBound: lowerBound,
    acceptance: { equilibration, measurement: acceptanceRates(state) },
    energyPerParticle: { equilibrated, final: energy() },
    largestUnwrapStep,
  };
}

export interface RelaxationFitOutcome {
  /** The mode-coupling fit, or null when it could not be made. */
  fit: ModeCouplingFit | null;
  /** Why there is no fit, or a warning about the fit (T_d not located); null when all is well. */
  note: string | null;
}

/** τ_α(T) = A (T − T_d)^(−γ) through the temperatures that relaxed, or the reason there is none. */
export function fitRelaxationTimes(runs: Pick<TemperatureRelaxation, 'temperature' | 'tauAlpha'>[]): RelaxationFitOutcome {
  const measured = runs.filter((r) => r.tauAlpha !== null);
  if (measured.length < 3) {
    return {
      fit: null,
      note: `τ_α was measured at ${measured.length} of ${runs.length} temperature(s) (F_s fell below 1/e within the run); the mode-coupling fit needs at least 3`,
    };
  }
  try {
    const fit = fitModeCoupling(measured.map((r) => r.temperature), measured.map((r) => r.tauAlpha as number));
    const notes: string[] = [];
    if (fit.atBoundary) notes.push('the best T_d lies at the end of the searched range (0 ≤ T_d < min T): these temperatures do not locate T_d; measure closer to it');
    if (fit.points === 3) notes.push('3 points for 3 parameters: the law passes through them exactly, so the residual cannot test it; measure more temperatures');
    return { fit, note: notes.length ? notes.join('; ') : null };
  } catch (error) {
    if (error instanceof RangeError) return { fit: null, note: error.message };
    throw error;
  }
}

export interface RelaxationResult {
  plan: RelaxationPlan;
  runs: TemperatureRelaxation[];
  fit: ModeCouplingFit | null;
  fitNote: string | null;
}

/**
 * The whole scan. `onProgress(fraction, message)` sees the fraction of all sweeps done; each
 * temperature is independent (its own seed), so a scan split across jobs gives the same numbers.
 */
export function runRelaxation(plan: RelaxationPlan, onProgress?: RelaxationProgress): RelaxationResult {
  const perTemperature = plan.equilibrationSweeps + plan.sweeps;
  const total = perTemperature * plan.temperatures.length;
  const runs = plan.temperatures.map((temperature, index) =>
    relaxAtTemperature(plan, temperature, onProgress && ((fraction, message) => {
      onProgress((index * perTemperature + fraction * perTemperature) / total, `T = ${temperature} (${index + 1}/${plan.temperatures.length}): ${message}`);
    })),
  );
  const { fit, note } = fitRelaxationTimes(runs);
  return { plan, runs, fit, fitNote: note };
}
