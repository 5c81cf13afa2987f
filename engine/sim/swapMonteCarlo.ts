/**
 * Swap Monte Carlo at a parental temperature T* (docs/PHYSICS.md §3; the paper's Methods, after Grigera &
 * Parisi PRE 63, 045102 (2001) and Ninarello et al. PRX 7, 021039 (2017)).
 *
 * An attempt is, with probability p_swap, an exchange of the diameters of two random particles,
 * otherwise a displacement of one random particle drawn uniformly in a ball of radius δ; either is
 * accepted with the Metropolis probability min(1, exp(−ΔV/T*)). One sweep = N attempts.
 * The whole state (positions, diameters, generator, counters) is a plain object: checkpoint it as
 * JSON and a resumed run continues bit for bit.
 *
 * This is the fast implementation (docs/BENCHMARKS.md): per-particle neighbour lists that carry
 * each pair's geometry G(r²) (engine/sim/monteCarloLists.ts), with φ = A(a_i + a_j) G(r²)
 * (engine/model/potential.ts `pairFactors`). A displacement evaluates G at the trial position
 * only (the present ones are in the lists); a swap evaluates no distance at all, both diameters in
 * one loop. ΔV is summed as Σ_k A (G_new − G_old), term by term. It is the same Markov chain as
 * `swapMonteCarloReference` (same proposals from the same random numbers, same Metropolis test):
 * the tests run both from one state and compare. Lennard-Jones, which does not factorise so, runs
 * on the reference.
 *
 * The moves below run, by default, as a WebAssembly kernel (engine/sim/swapKernel.ts, from
 * engine/sim/wasm/swapKernel.c: these lists and moves ported operation for operation, ~1.8–2.7×
 * faster, docs/BENCHMARKS.md); the TypeScript here is what it was ported from, the path of hosts
 * that refuse the kernel, and what tests/swap-kernel.test.ts compares it with, bit for bit.
 */
import { pairFactors, type PairFactors, type PairPotential } from '../model/potential';
import { type Box, wrapCoordinate } from '../space/box';
import { copyRng, rejectionLimit, type RngState, uniform, uniformIntBelow } from '../random';
import { drawBallPoint, drawSwapPair, metropolis, type MonteCarloParameters, type MonteCarloState } from './moves';
import { addEnergy, createMonteCarloLists, distance2To, listDrift, NEAR_SLOTS, relistIfDrifted, setEnergySum, type MonteCarloLists } from './monteCarloLists';
import { swapMonteCarloReference } from './swapMonteCarloReference';
import { swapKernel } from './swapKernel';

export { acceptanceRates, type Acceptance, type MonteCarloParameters, type MonteCarloState } from './moves';

/**
 * Relative slack on sums of at most a few hundred non-negative terms: their rounding error is
 * below 200·2^-53 ≈ 2e-14 of the sum, so a partial sum beyond the bound proves the canonical ΔV
 * beyond the Metropolis threshold, and a move rejected early is one the full sum rejects too.
 */
const ROUNDING = 1e-12;

/** What the last call did besides moves, for benchmarks: re-listings, the list slots per particle, and whether the WebAssembly kernel ran. */
export const lastRun = { relistings: 0, listCapacity: 0, kernel: false, kernelFault: '' };

/**
 * Which implementation of the fast moves runs: the WebAssembly kernel (engine/sim/swapKernel.ts,
 * the default wherever it loads) or the TypeScript below. The same chain either way; tests and
 * benchmarks set this to compare them. `faultAtSweep` (tests) makes the kernel fail before that sweep.
 */
export const fastMoves: { kernel: boolean; faultAtSweep?: number } = { kernel: true };

/** Partial sums of new pair energies beyond before·(1 + ROUNDING) + this prove a rejection. */
const BOUND_FACTOR = (1 + 1e-9) / (1 - ROUNDING);
function rejectionBound(threshold: number): number {
  return threshold * BOUND_FACTOR;
}

/**
 * Particle i's pair energies went from `before` to `energies` (by slot; the geometry is unchanged,
 * a diameter swap): into the neighbours' energy sums, and i's own becomes `total`, the canonical
 * sum of its new energies. (The lists store no energies: they follow from the diameters.)
 */
function storeEnergies(lists: MonteCarloLists, i: number, energies: Float64Array, before: Float64Array, total: number): void {
  const base = i * lists.capacity;
  const neighbours = lists.neighbours;
  for (let s = 0, end = lists.count[i]; s < end; s++) {
    const e = energies[s];
    const old = before[s];
    if (e !== old) addEnergy(lists, neighbours[base + s], e - old, e + old);
  }
  setEnergySum(lists, i, total);
}

/** Everything a move needs, in one object of a fixed shape (the hot loop is split into two functions small enough for V8 to inline what they call). */
interface MoveContext {
  state: MonteCarloState;
  positions: Float64Array;
  diameters: Float64Array;
  lists: MonteCarloLists;
  factors: PairFactors;
  amplitude: (diameterSum: number) => number;
  geometry: (r2: number) => number;
  rng: RngState;
  peek: RngState;
  beta: number;
  d: number;
  L: number;
  inverseL: number;
  rc2: number;
  delta: number;
  ball: Float64Array;
  trialGeometry: Float64Array;
  trialEnergy: Float64Array;
  trialPartner: Float64Array;
  /** The present pair energies of the slots, by slot (i's, and in a swap j's in trialPartnerBefore). */
  trialBefore: Float64Array;
  trialPartnerBefore: Float64Array;
  /** The slots whose geometry a displacement changes (the first `changedCount`), for its acceptance. */
  changed: Int32Array;
  /** trialStamp[s] === stamp: slot s's trial geometry and energy are already in the trial arrays (the first shell's). */
  trialStamp: Int32Array;
  stamp: number;
}

/** A diameter swap of i and j, against the early-rejection bound `limit`. */
function swapMove(c: MoveContext, i: number, j: number, limit: number): void {
  const { lists, diameters, amplitude, rng, peek, state, beta } = c;
  const nb = lists.neighbours;
  const gs = lists.geometry;
  const near = lists.near;
  const nearIndex = lists.nearIndex;
  const capacity = lists.capacity;
  const trialEnergy = c.trialEnergy;
  const trialPartner = c.trialPartner;
  const trialBefore = c.trialBefore;
  const trialPartnerBefore = c.trialPartnerBefore;
  state.attempted.swap++;
  const ai = diameters[i];
  const aj = diameters[j];
  const bi = i * capacity;
  const bj = j * capacity;
  const ci = lists.count[i];
  const cj = lists.count[j];
  // Exchanging a_i and a_j changes their pairs with everyone else; their own pair stays, and
  // is in both energy sums, so on both sides of the bound.
  const bound = limit + (lists.energySum[i] + lists.energyError[i] + lists.energySum[j] + lists.energyError[j]) * (1 + ROUNDING);
  let rejected = false;
  // First each one's first shell with the other's diameter.
  let after = 0;
  for (let m = i * NEAR_SLOTS, end = m + lists.nearCount[i]; m < end && !rejected; m++) {
    const k = nearIndex[m];
    if (k === j) continue;
    after += amplitude(aj + diameters[k]) * gs[bi + near[m]];
    rejected = after > bound;
  }
  for (let m = j * NEAR_SLOTS, end = m + lists.nearCount[j]; m < end && !rejected; m++) {
    const k = nearIndex[m];
    if (k === i) continue;
    after += amplitude(ai + diameters[k]) * gs[bj + near[m]];
    rejected = after > bound;
  }
  let accept = false;
  if (rejected) copyRng(peek, rng); // as if the test had drawn it
  else {
    let newI = 0;
    let newJ = 0;
    let dV = 0;
    // Present and new energies of every listed pair, Σ (new − old) term by term in slot order.
    for (let s = 0; s < ci; s++) {
      const g = gs[bi + s];
      let e = 0;
      let old = 0;
      if (g !== 0) {
        const k = nb[bi + s];
        const dk = diameters[k];
        old = amplitude(ai + dk) * g;
        e = k === j ? old : amplitude(aj + dk) * g;
      }
      trialBefore[s] = old;
      trialEnergy[s] = e;
      newI += e;
      dV += e - old;
    }
    for (let s = 0; s < cj; s++) {
      const g = gs[bj + s];
      let e = 0;
      let old = 0;
      if (g !== 0) {
        const k = nb[bj + s];
        const dk = diameters[k];
        old = amplitude(aj + dk) * g;
        e = k === i ? old : amplitude(ai + dk) * g;
      }
      trialPartnerBefore[s] = old;
      trialPartner[s] = e;
      newJ += e;
      dV += e - old;
    }
    accept = metropolis(rng, beta, dV);
    if (accept) {
      diameters[i] = aj;
      diameters[j] = ai;
      state.accepted.swap++;
      storeEnergies(lists, i, trialEnergy, trialBefore, newI);
      storeEnergies(lists, j, trialPartner, trialPartnerBefore, newJ);
    }
  }
}

/** A displacement of i by δ·ball, against the early-rejection bound `limit`. */
function displacementMove(c: MoveContext, i: number, limit: number): void {
  const { lists, diameters, positions, amplitude, geometry, rng, peek, state, beta, d, L, inverseL, rc2, delta } = c;
  const nb = lists.neighbours;
  const gs = lists.geometry;
  const capacity = lists.capacity;
  const trialEnergy = c.trialEnergy;
  const trialBefore = c.trialBefore;
  const trialGeometry = c.trialGeometry;
  const ball = c.ball;
  const factors = c.factors;
  state.attempted.displacement++;
  // The trial position, folded into the box before any distance is taken, so that the
  // geometry stored on acceptance is the geometry of the stored position, bit for bit.
  const nx = wrapCoordinate(positions[d * i] + delta * ball[0], L);
  const ny = wrapCoordinate(positions[d * i + 1] + delta * ball[1], L);
  const nz = d === 3 ? wrapCoordinate(positions[d * i + 2] + delta * ball[2], L) : 0;
  const ai = diameters[i];
  const base = i * capacity;
  const count = lists.count[i];
  const bound = limit + (lists.energySum[i] + lists.energyError[i]) * (1 + ROUNDING);
  // First the first shell, where an overlap that rejects the move is most likely; what it
  // computes is kept (stamped by slot) for the full loop, the same numbers from the same inputs.
  let rejected = false;
  let after = 0;
  const nearIndex = lists.nearIndex;
  const near = lists.near;
  const trialStamp = c.trialStamp;
  if (c.stamp === 0x3fffffff) {
    trialStamp.fill(0);
    c.stamp = 0;
  }
  const stamp = ++c.stamp;
  for (let m = i * NEAR_SLOTS, end = m + lists.nearCount[i]; m < end; m++) {
    const k = nearIndex[m];
    const slot = near[m];
    const r2 = distance2To(positions, k, d, nx, ny, nz, L, inverseL);
    let e = 0;
    let g = 0;
    trialStamp[slot] = stamp;
    if (r2 < rc2) {
      g = geometry(r2);
      e = amplitude(ai + diameters[k]) * g;
      after += e;
    }
    trialGeometry[slot] = g;
    trialEnergy[slot] = e;
    if (after > bound) {
      rejected = true;
      break;
    }
  }
  after = 0;
  let dV = 0; // Σ_s (new − old), term by term in slot order (used only if the loop runs to the end)
  const changed = c.changed;
  let changes = 0;
  for (let s = 0; s < count && !rejected; s++) {
    const k = nb[base + s];
    const present = gs[base + s];
    let e = 0;
    let g = 0;
    let a = 0; // A(a_i + a_k), once, where an energy of this pair needs it
    if (trialStamp[s] === stamp) {
      e = trialEnergy[s];
      g = trialGeometry[s];
    } else {
      const r2 = distance2To(positions, k, d, nx, ny, nz, L, inverseL);
      if (r2 < rc2) {
        g = geometry(r2);
        a = amplitude(ai + diameters[k]);
        e = a * g;
      }
      trialGeometry[s] = g;
      trialEnergy[s] = e;
    }
    const old = present === 0 ? 0 : (a === 0 ? amplitude(ai + diameters[k]) : a) * present;
    if (g !== present) changed[changes++] = s;
    trialBefore[s] = old;
    after += e;
    if (after > bound) rejected = true;
    dV += e - old;
  }
  let accept = false;
  if (rejected) copyRng(peek, rng); // as if the test had drawn it
  else accept = metropolis(rng, beta, dV);
  if (accept) {
    positions[d * i] = nx;
    positions[d * i + 1] = ny;
    if (d === 3) positions[d * i + 2] = nz;
    state.accepted.displacement++;
    // The new geometries and energies into i's list, their mirrors and the energy sums, in one pass.
    const mirror = lists.mirror;
    for (let m = 0; m < changes; m++) {
      const s = changed[m];
      const g = trialGeometry[s];
      const k = nb[base + s];
      gs[base + s] = g;
      gs[k * capacity + mirror[base + s]] = g;
      const e = trialEnergy[s];
      const old = trialBefore[s];
      if (e !== old) addEnergy(lists, k, e - old, e + old);
    }
    setEnergySum(lists, i, after);
    relistIfDrifted(lists, i, positions, factors);
  }
}

/**
 * Runs `sweeps` sweeps on the state in place. `afterSweep` is called after every sweep and may
 * return false to stop early (the state then holds a whole number of sweeps and can be resumed);
 * it may also change parameters.maxDisplacement, which takes effect from the next sweep.
 */
export function swapMonteCarlo(
  state: MonteCarloState,
  box: Box,
  potential: PairPotential,
  parameters: MonteCarloParameters,
  sweeps: number,
  afterSweep?: (state: MonteCarloState) => boolean | void,
): MonteCarloState {
  const factors = pairFactors(potential.settings);
  if (!factors) return swapMonteCarloReference(state, box, potential, parameters, sweeps, afterSweep);
  const { positions, diameters } = state;
  const rng = state.rng;
  const d = box.dim;
  const L = box.side;
  const n = diameters.length;
  const pSwap = parameters.swapProbability;
  const T = parameters.temperature;
  const limitN = rejectionLimit(n);
  const limitN1 = n > 1 ? rejectionLimit(n - 1) : 1;
  // The kernel runs whole sweeps and hands the state back after each. Where it cannot be made, or
  // fails (its memory cannot grow: a trap), the state holds the last whole sweep and the TypeScript
  // moves below go on from there: the same chain, slower.
  const kernelFor = (delta: number) => (fastMoves.kernel ? swapKernel(state, box, potential, T, pSwap, delta, listDrift(delta), BOUND_FACTOR, [limitN, limitN1]) : null);
  let done = 0;
  lastRun.kernelFault = '';
  if (fastMoves.kernel) {
    let listed = parameters.maxDisplacement;
    let kernel: ReturnType<typeof kernelFor> = null;
    const kernelStep = (delta: number): boolean => {
      try {
        if (!kernel || delta > listed) {
          kernel = kernelFor(delta);
          listed = delta;
          if (!kernel) return false;
        }
        if (fastMoves.faultAtSweep === state.sweepsDone) throw new Error(`a fault planted at sweep ${state.sweepsDone} (tests)`);
        kernel.sweep(delta);
        kernel.readBack(state);
        lastRun.relistings = kernel.relistings();
        lastRun.listCapacity = kernel.listCapacity();
        return true;
      } catch (error) {
        lastRun.kernelFault = error instanceof Error ? error.message : String(error);
        console.warn(`swap Monte Carlo: the WebAssembly kernel failed at sweep ${state.sweepsDone} (${lastRun.kernelFault}); the TypeScript moves go on from there (the same chain)`);
        return false;
      }
    };
    for (; done < sweeps; done++) {
      if (!kernelStep(parameters.maxDisplacement)) break;
      lastRun.kernel = true;
      state.sweepsDone++;
      if (afterSweep && afterSweep(state) === false) return state;
    }
    if (done === sweeps) return state;
  }
  lastRun.kernel = false;
  const c: MoveContext = {
    state,
    positions,
    diameters,
    lists: createMonteCarloLists(positions, diameters, box, potential.cutoff, parameters.maxDisplacement, factors),
    factors,
    amplitude: factors.amplitude,
    geometry: factors.geometry,
    rng,
    peek: { s: new Uint32Array(4) },
    beta: 1 / T,
    d,
    L,
    inverseL: 1 / L,
    rc2: potential.cutoff * potential.cutoff,
    delta: parameters.maxDisplacement,
    ball: new Float64Array(3),
    trialGeometry: new Float64Array(0),
    trialEnergy: new Float64Array(0),
    trialPartner: new Float64Array(0),
    trialBefore: new Float64Array(0),
    trialPartnerBefore: new Float64Array(0),
    changed: new Int32Array(0),
    trialStamp: new Int32Array(0),
    stamp: 0,
  };
  let listedDelta = c.delta;
  const pair = new Int32Array(2);

  for (let sweep = done; sweep < sweeps; sweep++) {
    // δ may change between sweeps (step-size tuning in afterSweep); lists built for a smaller δ
    // are rebuilt, which changes no energy (see monteCarloLists.ts).
    c.delta = parameters.maxDisplacement;
    if (c.delta > listedDelta) {
      c.lists = createMonteCarloLists(positions, diameters, box, potential.cutoff, c.delta, factors);
      listedDelta = c.delta;
    }
    for (let attempt = 0; attempt < n; attempt++) {
      if (c.trialEnergy.length < c.lists.capacity) {
        c.trialGeometry = new Float64Array(c.lists.capacity);
        c.trialEnergy = new Float64Array(c.lists.capacity);
        c.trialPartner = new Float64Array(c.lists.capacity);
        c.trialBefore = new Float64Array(c.lists.capacity);
        c.trialPartnerBefore = new Float64Array(c.lists.capacity);
        c.changed = new Int32Array(c.lists.capacity);
        c.trialStamp = new Int32Array(c.lists.capacity);
        c.stamp = 0;
      }
      const isSwap = uniform(rng) < pSwap;
      if (isSwap) drawSwapPair(rng, n, limitN, limitN1, pair);
      else {
        pair[0] = uniformIntBelow(rng, n, limitN);
        drawBallPoint(rng, d, c.ball);
      }
      // The number the Metropolis test will draw if ΔV > 0, looked at without drawing it: with it,
      // a move is rejected as soon as a partial sum of its (non-negative) new pair energies proves
      // ΔV > −T ln u, and the rest of its neighbours are never visited.
      copyRng(rng, c.peek);
      const limit = rejectionBound(-Math.log(uniform(c.peek)) * T);
      if (isSwap) swapMove(c, pair[0], pair[1], limit);
      else displacementMove(c, pair[0], limit);
    }
    state.sweepsDone++;
    lastRun.relistings = c.lists.relistings;
    lastRun.listCapacity = c.lists.capacity;
    if (afterSweep && afterSweep(state) === false) break;
  }
  return state;
}
