/**
 * δ = 'auto' (docs/PHYSICS.md §3: the paper's fixed δ = 0.2 accepts ~4 % of displacements at T* = 0.1 in this
 * model): the step is tuned towards a target displacement acceptance during equilibration only,
 * then frozen. Every TUNING_WINDOW sweeps, from the acceptance a of that window,
 *   δ ← δ · clamp(exp(2 (a − a_target)), 1/2, 2),   δ ∈ [δ_min, L/4],
 * a multiplicative stochastic-approximation step (cf. Frenkel & Smit, "Understanding Molecular
 * Simulation", §3.3.1 on adjusting the maximum displacement during equilibration). Adapting δ
 * from the chain's own history breaks detailed balance, so it stops for good when equilibration
 * ends; production runs at the frozen δ, a plain Metropolis chain. The tuning state is a plain
 * object, part of a checkpoint, so a resumed run tunes (and freezes) exactly as an uninterrupted one.
 */

/** What the tuning reads of a Monte Carlo state (a MonteCarloState of moves.ts is one): its sweep and move counters. */
export interface MoveCounters {
  sweepsDone: number;
  attempted: { displacement: number; swap: number };
  accepted: { displacement: number; swap: number };
}

export const TUNING_WINDOW = 10;
export const SMALLEST_STEP = 1e-4;

export interface StepTuning {
  delta: number;
  target: number;
  /** Tuning stops once sweepsDone reaches this (the end of equilibration). */
  until: number;
  /** Counters at the start of the current window. */
  windowStart: { attempted: number; accepted: number };
  /** Counters when tuning stopped (acceptance of production = what came after). */
  frozenAt: { sweeps: number; attempted: { displacement: number; swap: number }; accepted: { displacement: number; swap: number } } | null;
  updates: number;
}

export function startTuning(delta: number, target: number, until: number, state: MoveCounters): StepTuning {
  return {
    delta,
    target,
    until,
    windowStart: { attempted: state.attempted.displacement, accepted: state.accepted.displacement },
    frozenAt: until <= state.sweepsDone ? snapshot(state) : null,
    updates: 0,
  };
}

function snapshot(state: MoveCounters): NonNullable<StepTuning['frozenAt']> {
  return { sweeps: state.sweepsDone, attempted: { ...state.attempted }, accepted: { ...state.accepted } };
}

/** After a sweep: a window's update of δ while tuning, the freeze at its end. Returns the δ to use next. */
export function tuneAfterSweep(tuning: StepTuning, state: MoveCounters, side: number): number {
  if (tuning.frozenAt) return tuning.delta;
  if (state.sweepsDone % TUNING_WINDOW === 0 || state.sweepsDone >= tuning.until) {
    const attempted = state.attempted.displacement - tuning.windowStart.attempted;
    const accepted = state.accepted.displacement - tuning.windowStart.accepted;
    if (attempted > 0) {
      const factor = Math.min(2, Math.max(0.5, Math.exp(2 * (accepted / attempted - tuning.target))));
      tuning.delta = Math.min(side / 4, Math.max(SMALLEST_STEP, tuning.delta * factor));
      tuning.updates++;
    }
    tuning.windowStart = { attempted: state.attempted.displacement, accepted: state.accepted.displacement };
  }
  if (state.sweepsDone >= tuning.until) tuning.frozenAt = snapshot(state);
  return tuning.delta;
}

/** Acceptance rates while tuning and after (production), for reports. */
export function phaseAcceptance(tuning: StepTuning, state: MoveCounters) {
  const rate = (a: number, n: number) => (n > 0 ? a / n : null);
  const f = tuning.frozenAt ?? snapshot(state);
  return {
    delta: tuning.delta,
    target: tuning.target,
    tuningSweeps: f.sweeps,
    tuning: { displacement: rate(f.accepted.displacement, f.attempted.displacement), swap: rate(f.accepted.swap, f.attempted.swap) },
    production: {
      displacement: rate(state.accepted.displacement - f.accepted.displacement, state.attempted.displacement - f.attempted.displacement),
      swap: rate(state.accepted.swap - f.accepted.swap, state.attempted.swap - f.attempted.swap),
    },
  };
}
