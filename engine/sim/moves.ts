/**
 * The state, parameters and proposals of swap Monte Carlo (docs/PHYSICS.md §3), shared by the fast
 * implementation (swapMonteCarlo.ts) and the reference (swapMonteCarloReference.ts), so that the
 * two draw the same proposals from the same random numbers.
 */
import { rngFromWords, type RngState, uniform, uniformIntBelow } from '../random';
import type { StepTuning } from './stepSize';

export interface MonteCarloState {
  positions: Float64Array;
  diameters: Float64Array;
  rng: RngState;
  sweepsDone: number;
  attempted: { displacement: number; swap: number };
  accepted: { displacement: number; swap: number };
  /** δ = 'auto': the tuning of the step (engine/sim/stepSize.ts), checkpointed with the rest. */
  tuning?: StepTuning;
}

export interface MonteCarloParameters {
  temperature: number;
  swapProbability: number;
  maxDisplacement: number;
}

export interface Acceptance {
  displacement: number;
  swap: number;
}

export function acceptanceRates(state: MonteCarloState): Acceptance {
  const rate = (a: number, n: number) => (n > 0 ? a / n : 0);
  return {
    displacement: rate(state.accepted.displacement, state.attempted.displacement),
    swap: rate(state.accepted.swap, state.attempted.swap),
  };
}


/** Draws the partner pair of a swap (limits: rejectionLimit(n), rejectionLimit(n − 1)): two distinct particles, each pair equally likely (a symmetric proposal). */
export function drawSwapPair(rng: RngState, n: number, limitN: number, limitN1: number, out: Int32Array): void {
  const i = uniformIntBelow(rng, n, limitN);
  let j = uniformIntBelow(rng, n - 1, limitN1);
  if (j >= i) j++;
  out[0] = i;
  out[1] = j;
}

/** A point uniform in the unit ball of dimension d (rejection from the cube) into out[0..2]. */
export function drawBallPoint(rng: RngState, d: number, out: Float64Array): void {
  let ux: number, uy: number, uz: number, u2: number;
  do {
    ux = 2 * uniform(rng) - 1;
    uy = 2 * uniform(rng) - 1;
    uz = d === 3 ? 2 * uniform(rng) - 1 : 0;
    u2 = ux * ux + uy * uy + uz * uz;
  } while (u2 > 1);
  out[0] = ux;
  out[1] = uy;
  out[2] = uz;
}

/** Metropolis: accept with probability min(1, exp(−βΔV)); draws a number only when ΔV > 0. */
export function metropolis(rng: RngState, beta: number, dV: number): boolean {
  return dV <= 0 || uniform(rng) < Math.exp(-beta * dV);
}


/** A Monte Carlo state as JSON can hold it (a checkpoint's core). */
export interface MonteCarloStateJson {
  positions: number[];
  diameters: number[];
  rng: number[];
  sweepsDone: number;
  attempted: { displacement: number; swap: number };
  accepted: { displacement: number; swap: number };
  tuning?: StepTuning;
}

export function monteCarloStateToJson(state: MonteCarloState): MonteCarloStateJson {
  return {
    positions: Array.from(state.positions),
    diameters: Array.from(state.diameters),
    rng: [...state.rng.s],
    sweepsDone: state.sweepsDone,
    attempted: { ...state.attempted },
    accepted: { ...state.accepted },
    ...(state.tuning ? { tuning: state.tuning } : {}),
  };
}

/** A deep copy of a state: a checkpoint that the run going on does not touch. */
export function copyMonteCarloState(s: MonteCarloState): MonteCarloState {
  return {
    positions: Float64Array.from(s.positions),
    diameters: Float64Array.from(s.diameters),
    rng: { s: s.rng.s.slice() },
    sweepsDone: s.sweepsDone,
    attempted: { ...s.attempted },
    accepted: { ...s.accepted },
    ...(s.tuning ? { tuning: JSON.parse(JSON.stringify(s.tuning)) as StepTuning } : {}),
  };
}

/** The state back; throws a RangeError saying what is wrong with a malformed one. */
export function monteCarloStateFromJson(c: MonteCarloStateJson): MonteCarloState {
  if (!Array.isArray(c.positions) || !Array.isArray(c.diameters) || !Array.isArray(c.rng) || c.rng.length !== 4 || !Number.isInteger(c.sweepsDone)) {
    throw new RangeError('not a Monte Carlo state: positions, diameters, a 4-word generator and a sweep count are needed');
  }
  return {
    positions: Float64Array.from(c.positions),
    diameters: Float64Array.from(c.diameters),
    rng: rngFromWords(c.rng),
    sweepsDone: c.sweepsDone,
    attempted: c.attempted,
    accepted: c.accepted,
    ...(c.tuning ? { tuning: c.tuning } : {}),
  };
}
