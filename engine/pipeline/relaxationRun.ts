/**
 * The relaxation-time scan that locates T_d (docs/PHYSICS.md §7): for each temperature T, a seeded random
 * configuration is equilibrated by swap Monte Carlo at T (docs/PHYSICS.md §3: p_swap, δ), then followed by
 * swap-free Monte Carlo (p_swap = 0, the "physical" local dynamics whose slowing down defines
 * T_d), recording the self-intermediate scattering function F_s(k, t) at log-spaced sweep counts
 * and its α-relaxation time τ_α; finally τ_α(T) = A (T − T_d)^(−γ) is fitted when at least three
 * temperatures relaxed within the run. Pure and deterministic for a seed; no files here: a
 * temperature can hand out checkpoints (plain objects) and go on from one bit for bit, and
 * engine/io/relaxationFiles.ts keeps them in the output folder.
 */
import { accumulateUnwrapped, DEFAULT_WAVEVECTOR, logSpacedSweeps, relaxationTime, selfIntermediateScattering } from '../analysis/relaxation';
import { makeGlass, totalEnergy } from '../model/glass';
import { makePairPotential } from '../model/potential';
import { boxSide, DEFAULT_SETTINGS, SettingsError, validateSettings, type ModelSettings } from '../model/settings';
import { createRng, deriveSeed } from '../random';
import { acceptanceRates, swapMonteCarlo, type Acceptance, type MonteCarloState } from '../sim/swapMonteCarlo';
import { fitModeCoupling, type ModeCouplingFit } from '../theory/modeCoupling';
import { copyMonteCarloState } from '../sim/moves';
import { randomConfiguration } from './stages';

export interface RelaxationPlan {
  model: ModelSettings;
  /** Temperatures T (distinct, positive), in the order given. */
  temperatures: number[];
  /** Swap Monte Carlo sweeps at T before the measurement (0: start the measurement from random positions). */
  equilibrationSweeps: number;
  /** Swap-free Monte Carlo sweeps over which F_s is recorded (the longest lag). */
  sweeps: number;
  /** p_swap of the equilibration (docs/PHYSICS.md §3: 0.2). The measurement always uses 0. */
  swapProbability: number;
  /** δ, the radius of a displacement, in both phases (docs/PHYSICS.md §3: 0.2). */
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
    maxDisplacement: fixedStep(project.sampling.maxDisplacement),
    wavevector,
    pointsPerDecade,
    seed: project.seed,
  };
}

function fixedStep(delta: number | 'auto'): number {
  if (delta === 'auto') throw new SettingsError('maxDisplacement', 'a positive number', delta, "a relaxation scan compares temperatures at one fixed δ; 'auto' is for project sampling");
  return delta;
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

/**
 * Sweeps per call of the Monte Carlo, in both phases, counted from the start of each phase. Each
 * call builds its cell grid afresh, and the order of a cell's members sets the order in which a
 * particle's pair energies are summed; checkpoints are taken only at these block boundaries, where
 * an uninterrupted run rebuilds its grid too, so a resumed run repeats it bit for bit (not merely
 * up to the last bit of ΔV). The rebuild costs O(N), nothing next to a block of sweeps.
 */
export const RELAXATION_BLOCK_SWEEPS = 50;

/**
 * Everything a temperature needs to go on from a block boundary exactly as an uninterrupted run
 * would: a plain object (typed arrays and numbers) for engine/io/ to write and read back.
 */
export interface TemperatureCheckpoint {
  temperature: number;
  phase: 'equilibration' | 'measurement';
  /** Positions, diameters, generator and acceptance counters; sweepsDone counts both phases. */
  state: MonteCarloState;
  /** The measurement so far (null during equilibration). Its lag t is state.sweepsDone − equilibrationSweeps. */
  measurement: {
    /** Acceptance of the equilibration, and E/N at its end (reported with the result). */
    equilibrationAcceptance: Acceptance;
    equilibratedEnergy: number;
    /** Positions at t = 0, and the unwrapped positions now. */
    reference: Float64Array;
    unwrapped: Float64Array;
    /** F_s at the lags recorded so far: the first fs.length of logSpacedSweeps(sweeps, pointsPerDecade). */
    fs: number[];
    largestUnwrapStep: number;
  } | null;
}

/** Checkpointing of one temperature: where to resume from, and where to save. */
export interface TemperatureCheckpointing {
  /** A checkpoint of this temperature and plan (checked with checkTemperatureCheckpoint) to go on from. */
  resume?: TemperatureCheckpoint;
  /** Polled at every block boundary: true asks for a checkpoint now. */
  due?: () => boolean;
  /** Receives a copy of the state; nothing in it is touched again by the run. */
  save?: (checkpoint: TemperatureCheckpoint) => void;
}

const finiteArray = (a: unknown, length: number) => a instanceof Float64Array && a.length === length && a.every(Number.isFinite);
const count = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/**
 * Refuses (RangeError, saying what is wrong) a checkpoint that this plan could not have written:
 * a temperature not in the plan, arrays of another size, sweep counts outside the phase, F_s
 * recorded at other lags than the sweeps done imply.
 */
export function checkTemperatureCheckpoint(plan: RelaxationPlan, c: TemperatureCheckpoint): void {
  const bad = (why: string) => new RangeError(`checkpoint of T = ${c?.temperature}: ${why}`);
  if (!c || typeof c !== 'object') throw new RangeError('a checkpoint must be an object');
  if (!plan.temperatures.includes(c.temperature)) throw bad(`T is not one of the plan's temperatures (${plan.temperatures.join(', ')})`);
  const n = plan.model.particles;
  const coordinates = plan.model.dim * n;
  const s = c.state;
  if (!s || !finiteArray(s.positions, coordinates) || !finiteArray(s.diameters, n)) throw bad(`positions and diameters must be ${coordinates} and ${n} finite numbers`);
  if (!s.rng || !(s.rng.s instanceof Uint32Array) || s.rng.s.length !== 4) throw bad('the generator state must be 4 unsigned 32-bit integers');
  if (!s.attempted || !s.accepted || ![s.attempted.displacement, s.attempted.swap, s.accepted.displacement, s.accepted.swap].every(count)) throw bad('acceptance counters must be non-negative integers');
  if (!count(s.sweepsDone)) throw bad(`sweepsDone must be a non-negative integer, got ${s.sweepsDone}`);
  const e = plan.equilibrationSweeps;
  if (c.phase === 'equilibration') {
    if (s.sweepsDone > e) throw bad(`${s.sweepsDone} sweeps done, but equilibration is ${e}`);
    if (c.measurement !== null) throw bad('a measurement during equilibration');
    return;
  }
  if (c.phase !== 'measurement') throw bad(`unknown phase ${JSON.stringify(c.phase)}`);
  const t = s.sweepsDone - e;
  if (t < 0 || t > plan.sweeps) throw bad(`${s.sweepsDone} sweeps done, outside the measurement (${e} to ${e + plan.sweeps})`);
  const m = c.measurement;
  if (!m || !finiteArray(m.reference, coordinates) || !finiteArray(m.unwrapped, coordinates)) throw bad(`the measurement needs reference and unwrapped positions of ${coordinates} numbers`);
  const recorded = logSpacedSweeps(plan.sweeps, plan.pointsPerDecade).filter((lag) => lag <= t).length;
  if (!Array.isArray(m.fs) || m.fs.length !== recorded || !m.fs.every(Number.isFinite)) throw bad(`F_s must hold the ${recorded} lag(s) up to t = ${t}, got ${Array.isArray(m.fs) ? m.fs.length : m.fs}`);
  if (typeof m.equilibratedEnergy !== 'number' || typeof m.largestUnwrapStep !== 'number' || !m.equilibrationAcceptance) throw bad('equilibration energy, acceptance or largest unwrapping step missing');
}

/** One temperature of the scan: equilibrate with swaps, then record F_s under swap-free MC. */
export function relaxAtTemperature(plan: RelaxationPlan, temperature: number, onProgress?: RelaxationProgress, checkpointing: TemperatureCheckpointing = {}): TemperatureRelaxation {
  const { model } = plan;
  const { resume, due, save } = checkpointing;
  if (resume) {
    checkTemperatureCheckpoint(plan, resume);
    if (resume.temperature !== temperature) throw new RangeError(`a checkpoint of T = ${resume.temperature} cannot resume T = ${temperature}`);
  }
  const seed = deriveSeed(plan.seed, 'relaxation', temperature);
  let state: MonteCarloState;
  if (resume) state = copyMonteCarloState(resume.state);
  else {
    // One sample for the whole scan: every temperature starts from the same random configuration, so
    // with the same diameters (swaps only permute them). With N ~ 10²–10³ the drawn diameters shift
    // the packing fraction by a few per cent, which moves E/N and τ_α more than a step in T would;
    // a scan over T must hold the composition fixed. The Monte Carlo stream is the temperature's own.
    state = randomConfiguration({ ...DEFAULT_SETTINGS, model }, configurationSeed(plan.seed));
    state.rng = createRng(seed);
  }
  const box = { dim: model.dim, side: boxSide(model) };
  const potential = makePairPotential(model);
  const e = plan.equilibrationSweeps;
  const total = e + plan.sweeps;
  const every = Math.max(1, Math.floor(total / 1000));
  const energy = () => totalEnergy(makeGlass(model, state.diameters), state.positions) / model.particles;
  /** Runs the phase from `done` (of `length`) sweeps to its end in blocks aligned on multiples of the block size. */
  const blocks = (parameters: { temperature: number; swapProbability: number; maxDisplacement: number }, start: number, length: number, afterSweep: () => void, checkpoint: () => TemperatureCheckpoint) => {
    for (let done = start; done < length; ) {
      const n = Math.min(RELAXATION_BLOCK_SWEEPS - (done % RELAXATION_BLOCK_SWEEPS), length - done);
      swapMonteCarlo(state, box, potential, parameters, n, afterSweep);
      done += n;
      if (done < length && save && due?.()) save(checkpoint());
    }
  };

  if (!resume || resume.phase === 'equilibration') {
    blocks(
      { temperature, swapProbability: plan.swapProbability, maxDisplacement: plan.maxDisplacement },
      state.sweepsDone,
      e,
      () => {
        const done = state.sweepsDone;
        if (onProgress && (done % every === 0 || done === e)) onProgress(done / total, `swap MC ${done}/${e} sweeps`);
      },
      () => ({ temperature, phase: 'equilibration', state: copyMonteCarloState(state), measurement: null }),
    );
  }
  let equilibration: Acceptance;
  let equilibrated: number;
  const times = logSpacedSweeps(plan.sweeps, plan.pointsPerDecade);
  const fs = new Float64Array(times.length);
  let reference: Float64Array;
  let unwrapped: Float64Array;
  let largestUnwrapStep = 0;
  if (resume?.phase === 'measurement') {
    const m = resume.measurement!;
    equilibration = { ...m.equilibrationAcceptance };
    equilibrated = m.equilibratedEnergy;
    reference = Float64Array.from(m.reference);
    unwrapped = Float64Array.from(m.unwrapped);
    fs.set(m.fs);
    largestUnwrapStep = m.largestUnwrapStep;
  } else {
    equilibration = acceptanceRates(state);
    equilibrated = energy();
    state.attempted = { displacement: 0, swap: 0 };
    state.accepted = { displacement: 0, swap: 0 };
    reference = Float64Array.from(state.positions);
    unwrapped = Float64Array.from(state.positions);
    fs[0] = selfIntermediateScattering(reference, unwrapped, model.dim, plan.wavevector);
  }
  const previous = Float64Array.from(state.positions);
  const start = state.sweepsDone - e;
  let next = times.filter((lag) => lag <= start).length;
  blocks(
    { temperature, swapProbability: 0, maxDisplacement: plan.maxDisplacement },
    start,
    plan.sweeps,
    () => {
      const step = accumulateUnwrapped(unwrapped, previous, state.positions, box.side);
      previous.set(state.positions);
      if (step > largestUnwrapStep) largestUnwrapStep = step;
      if (step > UNWRAP_LIMIT * box.side) {
        throw new Error(`unwrapping at T = ${temperature}: a particle moved ${step.toPrecision(4)} along an axis within one sweep (box side ${box.side.toPrecision(4)}); displacements are only known modulo L`);
      }
      const t = state.sweepsDone - e;
      if (t === times[next]) fs[next++] = selfIntermediateScattering(reference, unwrapped, model.dim, plan.wavevector);
      const done = state.sweepsDone;
      if (onProgress && (done % every === 0 || t === plan.sweeps)) onProgress(done / total, `swap-free MC ${t}/${plan.sweeps} sweeps, F_s = ${fs[next - 1].toFixed(3)}`);
    },
    () => ({
      temperature,
      phase: 'measurement',
      state: copyMonteCarloState(state),
      measurement: {
        equilibrationAcceptance: { ...equilibration },
        equilibratedEnergy: equilibrated,
        reference: Float64Array.from(reference),
        unwrapped: Float64Array.from(unwrapped),
        fs: Array.from(fs.subarray(0, next)),
        largestUnwrapStep,
      },
    }),
  );
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
 * Refuses (RangeError) a finished temperature that this plan could not have produced: another
 * seed, other lags, F_s of another length.
 */
export function checkTemperatureResult(plan: RelaxationPlan, run: TemperatureRelaxation): void {
  const bad = (why: string) => new RangeError(`result of T = ${run?.temperature}: ${why}`);
  if (!run || !plan.temperatures.includes(run.temperature)) throw bad(`T is not one of the plan's temperatures (${plan.temperatures.join(', ')})`);
  if (run.seed !== deriveSeed(plan.seed, 'relaxation', run.temperature)) throw bad(`Monte Carlo seed ${run.seed} is not this plan's`);
  const times = logSpacedSweeps(plan.sweeps, plan.pointsPerDecade);
  if (!Array.isArray(run.times) || run.times.length !== times.length || run.times.some((t, j) => t !== times[j])) throw bad('its lags are not those of the plan');
  if (!(run.fs instanceof Float64Array) || run.fs.length !== times.length) throw bad(`F_s must hold ${times.length} values`);
}

/** Checkpointing of a whole scan (engine/io/relaxationFiles.ts keeps them in files). */
export interface RelaxationCheckpointing {
  /** A temperature finished by an earlier run: taken as it is, not recomputed. */
  finished?: (temperature: number) => TemperatureRelaxation | undefined;
  /** The checkpoint an earlier run left for a temperature, to go on from. */
  resume?: (temperature: number) => TemperatureCheckpoint | undefined;
  /** Polled at every block boundary: true asks for a checkpoint now. */
  due?: () => boolean;
  save?: (checkpoint: TemperatureCheckpoint) => void;
  /** A temperature has just finished (not called for those taken from `finished`). */
  onFinished?: (run: TemperatureRelaxation) => void;
}

/**
 * The whole scan. `onProgress(fraction, message)` sees the fraction of all sweeps done; each
 * temperature is independent (its own seed), so a scan split across jobs gives the same numbers.
 * With `checkpointing`, finished temperatures are taken as they are, a checkpointed one goes on
 * from its checkpoint, and the result is bit for bit that of an uninterrupted scan.
 */
export function runRelaxation(plan: RelaxationPlan, onProgress?: RelaxationProgress, checkpointing: RelaxationCheckpointing = {}): RelaxationResult {
  const perTemperature = plan.equilibrationSweeps + plan.sweeps;
  const total = perTemperature * plan.temperatures.length;
  const runs = plan.temperatures.map((temperature, index) => {
    const progress: RelaxationProgress | undefined = onProgress && ((fraction, message) => {
      onProgress((index * perTemperature + fraction * perTemperature) / total, `T = ${temperature} (${index + 1}/${plan.temperatures.length}): ${message}`);
    });
    const earlier = checkpointing.finished?.(temperature);
    if (earlier) {
      checkTemperatureResult(plan, earlier);
      progress?.(1, 'finished in an earlier run');
      return earlier;
    }
    const run = relaxAtTemperature(plan, temperature, progress, { resume: checkpointing.resume?.(temperature), due: checkpointing.due, save: checkpointing.save });
    checkpointing.onFinished?.(run);
    return run;
  });
  const { fit, note } = fitRelaxationTimes(runs);
  return { plan, runs, fit, fitNote: note };
}
