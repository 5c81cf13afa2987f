/**
 * Chains that yield many samples (docs/PHYSICS.md §3, §8): a project of `chains` C ≥ 1 splits its samples into
 * C contiguous blocks; chain c starts from its own random configuration, equilibrates once for
 * `equilibrate` E sweeps of swap Monte Carlo at T* (tuning δ there when δ = 'auto'), then yields
 * parent j of its block at sweep E + (j + 1)·S, S = `sampleEvery`. While it runs it records E/N
 * (a trace) and, from the end of equilibration, the self-intermediate scattering function
 * F_s(k = 2π, t) of its own (swap) dynamics at log-spaced lags, so that one can tell whether the
 * parents are equilibrated (no drift of E/N over the last half of equilibration beyond its
 * fluctuations) and decorrelated (S ≥ 2 τ_α). Pure and deterministic: the whole state is a plain
 * object (typed arrays aside), and a run resumed from it at any sweep continues bit for bit.
 */
import { accumulateUnwrapped, DEFAULT_WAVEVECTOR, logSpacedSweeps, relaxationTime, selfIntermediateScattering } from '../analysis/relaxation';
import { makeGlass, totalEnergy } from '../model/glass';
import { makePairPotential } from '../model/potential';
import { boxSide, type ProjectSettings } from '../model/settings';
import { deriveSeed } from '../random';
import type { MonteCarloState } from '../sim/moves';
import { phaseAcceptance, startTuning, tuneAfterSweep } from '../sim/stepSize';
import { acceptanceRates, swapMonteCarlo } from '../sim/swapMonteCarlo';
import { INITIAL_STEP, randomConfiguration } from './stages';

export interface ChainEntry {
  index: number;
  id: string;
  seed: number;
  /** Indices of the project samples this chain yields, in order. */
  samples: number[];
}

export function chainId(index: number): string {
  return `c${String(index).padStart(3, '0')}`;
}

/** The chains of a project: contiguous blocks of samples, the first (samples mod C) one longer. */
export function chainEntries(settings: ProjectSettings): ChainEntry[] {
  const C = settings.sampling.chains;
  if (C < 1) return [];
  const base = Math.floor(settings.samples / C);
  const extra = settings.samples % C;
  const chains: ChainEntry[] = [];
  let next = 0;
  for (let c = 0; c < C; c++) {
    const size = base + (c < extra ? 1 : 0);
    chains.push({ index: c, id: chainId(c), seed: deriveSeed(settings.seed, c, 'chain'), samples: Array.from({ length: size }, (_, k) => next + k) });
    next += size;
  }
  return chains;
}

/** The chain that yields sample `index`, and its place in that chain. */
export function chainOfSample(settings: ProjectSettings, index: number): { chain: ChainEntry; indexInChain: number } | undefined {
  for (const chain of chainEntries(settings)) {
    const k = chain.samples.indexOf(index);
    if (k >= 0) return { chain, indexInChain: k };
  }
  return undefined;
}

/** The sweep at which parent j (0-based) of a chain is taken. */
export function parentSweep(settings: ProjectSettings, j: number): number {
  return settings.sampling.equilibrate + (j + 1) * settings.sampling.sampleEvery;
}

export interface ChainRelaxation {
  /** Lags (sweeps since the end of equilibration) at which F_s is recorded, and the values so far. */
  lags: number[];
  fs: number[];
  /** Unwrapped positions at the origin and now, and the wrapped positions of the last sweep. */
  reference: Float64Array | null;
  unwrapped: Float64Array | null;
  previous: Float64Array | null;
  largestStep: number;
}

export interface ChainState {
  chain: number;
  mc: MonteCarloState;
  /** Parents yielded so far. */
  written: number;
  /** E/N every `traceEvery` sweeps (and at sweep 0). */
  trace: { sweeps: number[]; energy: number[] };
  traceEvery: number;
  relaxation: ChainRelaxation;
}

export function startChain(settings: ProjectSettings, entry: ChainEntry): ChainState {
  const mc = randomConfiguration(settings, entry.seed);
  const total = parentSweep(settings, entry.samples.length - 1);
  const traceEvery = Math.max(1, Math.round(total / 500));
  if (settings.sampling.maxDisplacement === 'auto') mc.tuning = startTuning(INITIAL_STEP, settings.sampling.targetAcceptance, settings.sampling.equilibrate, mc);
  const state: ChainState = {
    chain: entry.index,
    mc,
    written: 0,
    trace: { sweeps: [], energy: [] },
    traceEvery,
    relaxation: { lags: logSpacedSweeps(Math.max(1, total - settings.sampling.equilibrate)), fs: [], reference: null, unwrapped: null, previous: null, largestStep: 0 },
  };
  recordEnergy(settings, state);
  if (settings.sampling.equilibrate === 0) startRelaxation(state);
  return state;
}

function recordEnergy(settings: ProjectSettings, state: ChainState): void {
  const glass = makeGlass(settings.model, state.mc.diameters);
  state.trace.sweeps.push(state.mc.sweepsDone);
  state.trace.energy.push(totalEnergy(glass, state.mc.positions) / settings.model.particles);
}

function startRelaxation(state: ChainState): void {
  const r = state.relaxation;
  r.reference = state.mc.positions.slice();
  r.unwrapped = state.mc.positions.slice();
  r.previous = state.mc.positions.slice();
  r.fs = [1];
}

/**
 * Runs the chain's Monte Carlo up to its next parent (or its end). `afterSweep` may return false to
 * stop at a sweep boundary. Returns 'parent' when the state now holds parent `state.written` (the
 * caller writes it and increments `written`), 'stopped', or 'done' when every parent is written.
 */
export function advanceChain(
  settings: ProjectSettings,
  entry: ChainEntry,
  state: ChainState,
  afterSweep?: (state: ChainState) => boolean | void,
): 'parent' | 'stopped' | 'done' {
  if (state.written >= entry.samples.length) return 'done';
  const { model, sampling } = settings;
  const target = parentSweep(settings, state.written);
  if (state.mc.sweepsDone === target) return 'parent';
  const box = { dim: model.dim, side: boxSide(model) };
  const tuning = state.mc.tuning;
  const parameters = {
    temperature: sampling.parentTemperature as number,
    swapProbability: sampling.swapProbability,
    maxDisplacement: tuning ? tuning.delta : (sampling.maxDisplacement as number),
  };
  let stopped = false;
  swapMonteCarlo(state.mc, box, makePairPotential(model), parameters, target - state.mc.sweepsDone, (mc) => {
    if (tuning) parameters.maxDisplacement = tuneAfterSweep(tuning, mc, box.side);
    if (mc.sweepsDone % state.traceEvery === 0) recordEnergy(settings, state);
    const r = state.relaxation;
    if (mc.sweepsDone === sampling.equilibrate && !r.reference) startRelaxation(state);
    else if (r.reference && r.unwrapped && r.previous) {
      r.largestStep = Math.max(r.largestStep, accumulateUnwrapped(r.unwrapped, r.previous, mc.positions, box.side));
      r.previous.set(mc.positions);
      const lag = mc.sweepsDone - sampling.equilibrate;
      if (r.fs.length < r.lags.length && lag === r.lags[r.fs.length]) r.fs.push(selfIntermediateScattering(r.reference, r.unwrapped, model.dim, DEFAULT_WAVEVECTOR));
    }
    if (afterSweep && afterSweep(state) === false) {
      stopped = true;
      return false;
    }
  });
  if (state.mc.sweepsDone === target) return 'parent';
  return stopped ? 'stopped' : 'done';
}

export interface DriftVerdict {
  /** 'steady', 'drifting', or 'too short' (fewer than 8 trace points in the last half of equilibration). */
  verdict: 'steady' | 'drifting' | 'too short';
  /** Mean E/N of the third and the fourth quarter of equilibration, their difference and its error. */
  third?: number;
  fourth?: number;
  change?: number;
  error?: number;
}

/**
 * Is E/N still drifting over the last half of equilibration? The means of its two quarters, each
 * with the standard error of 4 block means (blocks absorb the correlation of successive points);
 * 'drifting' when they differ by more than 3 combined standard errors.
 */
export function energyDrift(trace: ChainState['trace'], equilibrate: number): DriftVerdict {
  const q3: number[] = [];
  const q4: number[] = [];
  for (let k = 0; k < trace.sweeps.length; k++) {
    const t = trace.sweeps[k];
    if (t > equilibrate) break;
    if (t >= equilibrate / 2 && t < (3 * equilibrate) / 4) q3.push(trace.energy[k]);
    else if (t >= (3 * equilibrate) / 4) q4.push(trace.energy[k]);
  }
  if (q3.length < 4 || q4.length < 4) return { verdict: 'too short' };
  const stats = (x: number[]) => {
    const blocks = 4;
    const means: number[] = [];
    for (let b = 0; b < blocks; b++) {
      const part = x.slice(Math.floor((b * x.length) / blocks), Math.floor(((b + 1) * x.length) / blocks));
      means.push(part.reduce((s, v) => s + v, 0) / part.length);
    }
    const mean = means.reduce((s, v) => s + v, 0) / blocks;
    const variance = means.reduce((s, v) => s + (v - mean) ** 2, 0) / (blocks - 1);
    return { mean, error: Math.sqrt(variance / blocks) };
  };
  const a = stats(q3);
  const b = stats(q4);
  const change = b.mean - a.mean;
  const error = Math.hypot(a.error, b.error);
  return { verdict: Math.abs(change) > 3 * error ? 'drifting' : 'steady', third: a.mean, fourth: b.mean, change, error };
}

export interface ChainReport {
  chain: number;
  samples: number;
  written: number;
  sweepsDone: number;
  temperature: number | 'inf';
  delta: number;
  acceptance: { displacement: number; swap: number };
  step?: ReturnType<typeof phaseAcceptance>;
  /** τ_α of the chain's swap dynamics at T* (sweeps), or a lower bound while F_s > 1/e. */
  tauAlpha: number | null;
  tauAlphaLowerBound: number | null;
  relaxation: { lags: number[]; fs: number[]; largestUnwrapStep: number };
  drift: DriftVerdict;
  trace: ChainState['trace'];
  warnings: string[];
}

export function chainReport(settings: ProjectSettings, entry: ChainEntry, state: ChainState): ChainReport {
  const { sampling } = settings;
  const r = state.relaxation;
  const lags = r.lags.slice(0, r.fs.length);
  const tau = lags.length > 1 ? relaxationTime(lags, r.fs) : { tau: null, lowerBound: lags.length ? lags[lags.length - 1] : null };
  const drift = state.mc.sweepsDone >= sampling.equilibrate ? energyDrift(state.trace, sampling.equilibrate) : { verdict: 'too short' as const };
  const warnings: string[] = [];
  if (tau.tau !== null && sampling.sampleEvery < 2 * tau.tau) warnings.push(`sample-every ${sampling.sampleEvery} < 2 τ_α = ${(2 * tau.tau).toFixed(0)} sweeps: successive parents are correlated`);
  if (tau.tau === null && tau.lowerBound !== null && tau.lowerBound >= sampling.sampleEvery / 2) warnings.push(`τ_α > ${tau.lowerBound} sweeps, so sample-every ${sampling.sampleEvery} < 2 τ_α: successive parents are correlated`);
  if (drift.verdict === 'drifting') warnings.push(`E/N drifts by ${drift.change!.toExponential(2)} (± ${drift.error!.toExponential(1)}) over the last half of equilibration: equilibrate longer`);
  if (drift.verdict === 'too short' && state.mc.sweepsDone >= sampling.equilibrate) warnings.push(`equilibration of ${sampling.equilibrate} sweeps is too short to judge its drift (needs ≥ 8 energy points in its last half)`);
  return {
    chain: entry.index,
    samples: entry.samples.length,
    written: state.written,
    sweepsDone: state.mc.sweepsDone,
    temperature: sampling.parentTemperature,
    delta: state.mc.tuning ? state.mc.tuning.delta : (sampling.maxDisplacement as number),
    acceptance: acceptanceRates(state.mc),
    ...(state.mc.tuning ? { step: phaseAcceptance(state.mc.tuning, state.mc) } : {}),
    tauAlpha: tau.tau,
    tauAlphaLowerBound: tau.lowerBound,
    relaxation: { lags, fs: [...r.fs], largestUnwrapStep: r.largestStep },
    drift,
    trace: state.trace,
    warnings,
  };
}
