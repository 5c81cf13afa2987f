/**
 * Per-particle neighbour lists for swap Monte Carlo that carry each listed pair's geometry and
 * energy (a Verlet list with a skin, Allen & Tildesley ch. 5.3, kept up to date one particle at a
 * time instead of rebuilt).
 *
 * Each particle i has a reference position ref_i, within `drift` h of where it is. The list of i
 * holds exactly the k ≠ i with |ref_i − ref_k| < R, R = r_c + 2h + δ, in ascending index order.
 * Then every k that interacts with i at its position, or at any trial position within δ of it, is
 * in the list: |ref_i − ref_k| ≤ |ref_i − t| + |t − r_k| + |r_k − ref_k| < (h + δ) + r_c + h.
 * When an accepted move takes i farther than h from ref_i, i is re-listed around its new position
 * (`relistIfDrifted`); the pairs that join or leave are then beyond r_c (so no energy changes).
 *
 * Per listed pair (i, s-th neighbour k): `geometry` G(r²) (engine/model/potential.ts
 * `pairFactors`), 0 beyond r_c, and `mirror`, the slot of i in k's list. The pair energy
 * φ = A(a_i + a_k) G is not stored: it is computed where it is needed (`pairEnergy`), from the
 * geometry and the current diameters, the same bits from either side (a_i + a_k = a_k + a_i), so a
 * diameter swap writes nothing into the lists. Every geometry and energy is a function of the
 * current positions and diameters alone (r² is the same bits in either orientation), and the Monte
 * Carlo sums them over a list in ascending index order, where non-interacting entries add exactly
 * 0: so its energy differences do not depend on when lists were built or how long they are, and a
 * run resumed from positions alone continues bit for bit.
 *
 * `energySum[i]` ≈ Σ_s energy(i, s), kept by increments with a bound `energyError[i]` on how far
 * it may be off: it only bounds (never decides) a Metropolis test, so its own rounding is harmless.
 */
import type { PairFactors } from '../model/potential';
import type { Box } from '../space/box';
import { cellOfPoint, createCellGrid, moveInCellGrid, type CellGrid } from '../space/neighbours';

/** Size of the first-shell list a move is checked against first. */
export const NEAR_SLOTS = 16;
const EPSILON = 2 ** -52;

export interface MonteCarloLists {
  dim: number;
  side: number;
  /** List radius R = r_c + 2h + δ. */
  radius: number;
  /** h: how far a particle may drift from its reference before it is re-listed. */
  drift: number;
  /** Everyone lists everyone (R ≥ L/2: the box is too small for lists to pay). */
  all: boolean;
  /** Slots per particle (grows when a list overflows). */
  capacity: number;
  count: Int32Array;
  neighbours: Int32Array;
  mirror: Int32Array;
  geometry: Float64Array;
  /** The diameters the energies are taken with (the Monte Carlo state's own array) and A(a_i + a_k). */
  diameters: Float64Array;
  amplitude: (diameterSum: number) => number;
  energySum: Float64Array;
  energyError: Float64Array;
  reference: Float64Array;
  /** Cell grid of the reference positions (absent when `all`). */
  grid?: CellGrid;
  /**
   * near[i·NEAR_SLOTS + m], m < nearCount[i]: the slots of the neighbours with the largest pair
   * energies when they were chosen (the first shell), where an overlap that rejects a move is most
   * likely. A heuristic only (any distinct listed neighbours give a valid, if weaker, bound); the
   * slots follow the list as entries are inserted and removed, and are chosen afresh when i is
   * re-listed.
   */
  near: Int32Array;
  /** The same neighbours by index k (one cache line per particle, for the displacement's first look). */
  nearIndex: Int32Array;
  nearCount: Int32Array;
  /** Re-listings so far (a diagnostic). */
  relistings: number;
  /** Scratch of relisting: i's old list, a stamp per particle, the pairs that join. */
  old: { neighbours: Int32Array; mirror: Int32Array; geometry: Float64Array };
  stamp: Int32Array;
  generation: number;
  joining: Int32Array;
  ranked: Float64Array;
  /** Scratch of findCandidates. */
  candidates: Int32Array;
}

/**
 * (t + NEAREST) − NEAREST is t rounded to the nearest integer (ties to even) for |t| < 2^51: two
 * additions where Math.round costs a rounding instruction and a fix-up. It differs from Math.round
 * only at t = ±1/2 exactly, i.e. at a separation of half the box in one coordinate, far beyond
 * r_c and the list radius (both < L/2), where either image gives a pair that is not listed and
 * does not interact.
 */
const NEAREST = 6755399441055744; // 1.5 · 2^52

/**
 * Minimum-image |r_k − (x, y, z)|² for particle k of `positions`: the one distance of the fast Monte
 * Carlo (lists and trial moves alike), so a pair's r² is the same bits wherever it is computed (a
 * difference and its negative round alike).
 */
export function distance2To(positions: Float64Array, k: number, d: number, x: number, y: number, z: number, L: number, inverseL: number): number {
  let dx = positions[d * k] - x;
  dx -= L * (dx * inverseL + NEAREST - NEAREST);
  let dy = positions[d * k + 1] - y;
  dy -= L * (dy * inverseL + NEAREST - NEAREST);
  if (d === 2) return dx * dx + dy * dy;
  let dz = positions[d * k + 2] - z;
  dz -= L * (dz * inverseL + NEAREST - NEAREST);
  return dx * dx + dy * dy + dz * dz;
}

/** Minimum-image squared distance between particle i of `a` and particle k of `b`. */
function distance2(a: Float64Array, i: number, b: Float64Array, k: number, d: number, L: number, inverseL: number): number {
  return distance2To(b, k, d, a[d * i], a[d * i + 1], d === 3 ? a[d * i + 2] : 0, L, inverseL);
}

/**
 * Every k ≠ i with |ref_i − ref_k| < R, in no particular order, into lists.candidates; returns how
 * many. (A scratch array rather than a callback: a closure call per candidate cost more than the
 * distance it follows.)
 */
function findCandidates(lists: MonteCarloLists, i: number): number {
  const { dim: d, side: L, reference } = lists;
  const n = lists.count.length;
  if (lists.candidates.length < n) lists.candidates = new Int32Array(n);
  const out = lists.candidates;
  if (lists.all) {
    let found = 0;
    for (let k = 0; k < n; k++) if (k !== i) out[found++] = k;
    return found;
  }
  const R2 = lists.radius * lists.radius;
  const inverseL = 1 / L;
  const grid = lists.grid!;
  const { stencil, stencilSize, members, count, capacity } = grid;
  const home = cellOfPoint(grid, reference[d * i], reference[d * i + 1], d === 3 ? reference[d * i + 2] : 0) * stencilSize;
  let found = 0;
  for (let s = 0; s < stencilSize; s++) {
    const cell = stencil[home + s];
    for (let m = cell * capacity, end = m + count[cell]; m < end; m++) {
      const k = members[m];
      if (k !== i && distance2(reference, i, reference, k, d, L, inverseL) < R2) out[found++] = k;
    }
  }
  return found;
}

function allocateScratch(lists: MonteCarloLists): void {
  const c = lists.capacity;
  lists.old = { neighbours: new Int32Array(c), mirror: new Int32Array(c), geometry: new Float64Array(c) };
  // The joiners a re-listing has collected are kept: grow() runs in the middle of relistIfDrifted,
  // after they were found and before they are merged (a fresh array here lost them, which left
  // pairs listed on one side only and, over long runs, pairs within r_c not listed at all).
  const joining = new Int32Array(Math.max(c, lists.joining.length));
  joining.set(lists.joining);
  lists.joining = joining;
}

function grow(lists: MonteCarloLists, needed: number): void {
  // Grow by a little: a sparse slab costs cache misses on every list walked.
  const capacity = Math.max(needed, lists.capacity + 16);
  const n = lists.count.length;
  const neighbours = new Int32Array(n * capacity);
  const mirror = new Int32Array(n * capacity);
  const geometry = new Float64Array(n * capacity);
  for (let i = 0; i < n; i++) {
    const from = i * lists.capacity;
    const to = from + lists.count[i];
    neighbours.set(lists.neighbours.subarray(from, to), i * capacity);
    mirror.set(lists.mirror.subarray(from, to), i * capacity);
    geometry.set(lists.geometry.subarray(from, to), i * capacity);
  }
  Object.assign(lists, { neighbours, mirror, geometry, capacity });
  allocateScratch(lists);
}

/**
 * The skin h of the lists for step δ: a particle is re-listed after ~(h/δ)² accepted steps (a random
 * walk), so small steps can afford a thinner skin and shorter lists (measured: h = 0.17 against 0.3
 * at δ = 0.07, T* = 0.1, +6–13 %; at δ = 0.2 a thinner skin than 0.3 costs more re-listing than it
 * saves). The TypeScript lists and the WebAssembly kernel's take it from here.
 */
export function listDrift(maxDisplacement: number): number {
  return Math.min(0.3, 0.1 + maxDisplacement);
}

/** Builds the lists around the current positions (references = positions), with geometry and energies. */
export function createMonteCarloLists(
  positions: Float64Array,
  diameters: Float64Array,
  box: Box,
  cutoff: number,
  maxDisplacement: number,
  factors: PairFactors,
  drift = listDrift(maxDisplacement),
): MonteCarloLists {
  const d = box.dim;
  const n = positions.length / d;
  const radius = cutoff + 2 * drift + maxDisplacement;
  const all = radius >= box.side / 2;
  const reference = positions.slice();
  const lists: MonteCarloLists = {
    dim: d,
    side: box.side,
    radius,
    drift,
    all,
    capacity: 0,
    count: new Int32Array(n),
    neighbours: new Int32Array(0),
    mirror: new Int32Array(0),
    geometry: new Float64Array(0),
    diameters,
    amplitude: factors.amplitude,
    energySum: new Float64Array(n),
    energyError: new Float64Array(n),
    reference,
    grid: all ? undefined : createCellGrid(reference, box, radius),
    near: new Int32Array(n * NEAR_SLOTS),
    nearIndex: new Int32Array(n * NEAR_SLOTS),
    nearCount: new Int32Array(n),
    relistings: 0,
    old: { neighbours: new Int32Array(0), mirror: new Int32Array(0), geometry: new Float64Array(0) },
    stamp: new Int32Array(n),
    generation: 0,
    joining: new Int32Array(0),
    ranked: new Float64Array(NEAR_SLOTS),
    candidates: new Int32Array(n),
  };
  // Counts first, so that the slab is allocated once; lists are filled in ascending k (j > i first
  // appended by i itself, j < i by j), which is sorted by construction.
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, findCandidates(lists, i));
  lists.capacity = largest + 8;
  const c = lists.capacity;
  lists.neighbours = new Int32Array(n * c);
  lists.mirror = new Int32Array(n * c);
  lists.geometry = new Float64Array(n * c);
  allocateScratch(lists);
  const L = box.side;
  const inverseL = 1 / L;
  const upper = new Int32Array(c);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let u = 0, found = findCandidates(lists, i); u < found; u++) {
      const k = lists.candidates[u];
      if (k > i) upper[m++] = k;
    }
    sortAscending(upper, m);
    for (let u = 0; u < m; u++) {
      const k = upper[u];
      const g = factors.geometry(distance2(positions, i, positions, k, d, L, inverseL));
      const si = lists.count[i]++;
      const sk = lists.count[k]++;
      lists.neighbours[i * c + si] = k;
      lists.neighbours[k * c + sk] = i;
      lists.mirror[i * c + si] = sk;
      lists.mirror[k * c + sk] = si;
      lists.geometry[i * c + si] = g;
      lists.geometry[k * c + sk] = g;
    }
  }
  for (let i = 0; i < n; i++) {
    resumEnergy(lists, i);
    chooseNear(lists, i);
  }
  return lists;
}

function sortAscending(a: Int32Array, count: number): void {
  for (let p = 1; p < count; p++) {
    const k = a[p];
    let q = p - 1;
    while (q >= 0 && a[q] > k) {
      a[q + 1] = a[q];
      q--;
    }
    a[q + 1] = k;
  }
}

/** energySum[i] := `total`, a canonical sum of i's pair energies, with its rounding bound. */
export function setEnergySum(lists: MonteCarloLists, i: number, total: number): void {
  lists.energySum[i] = total;
  lists.energyError[i] = lists.count[i] * EPSILON * total;
}

/** The energy of i's pair in slot s: A(a_i + a_k) G, 0 beyond r_c. */
export function pairEnergy(lists: MonteCarloLists, i: number, s: number): number {
  const slot = i * lists.capacity + s;
  const g = lists.geometry[slot];
  return g === 0 ? 0 : lists.amplitude(lists.diameters[i] + lists.diameters[lists.neighbours[slot]]) * g;
}

/** energySum[i] := Σ_s energy(i, s) afresh. */
export function resumEnergy(lists: MonteCarloLists, i: number): void {
  let e = 0;
  for (let s = 0, end = lists.count[i]; s < end; s++) e += pairEnergy(lists, i, s);
  setEnergySum(lists, i, e);
}

/** energySum[k] changes by `change`, computed from terms of size up to `scale`. */
export function addEnergy(lists: MonteCarloLists, k: number, change: number, scale: number): void {
  const e = lists.energySum[k] + change;
  lists.energySum[k] = e;
  const error = lists.energyError[k] + 2 * EPSILON * (Math.abs(e) + scale);
  lists.energyError[k] = error;
  if (error > 1e-9 * e) resumEnergy(lists, k);
}

/** near(i) := the slots of the NEAR_SLOTS neighbours of i with the largest pair energies now. */
export function chooseNear(lists: MonteCarloLists, i: number): void {
  const base = i * lists.capacity;
  const nearBase = i * NEAR_SLOTS;
  const { near, ranked } = lists;
  let m = 0;
  for (let s = 0, end = lists.count[i]; s < end; s++) {
    const e = pairEnergy(lists, i, s);
    if (e <= 0 || (m === NEAR_SLOTS && e <= ranked[m - 1])) continue;
    let p = m < NEAR_SLOTS ? m++ : m - 1;
    while (p > 0 && ranked[p - 1] < e) {
      ranked[p] = ranked[p - 1];
      near[nearBase + p] = near[nearBase + p - 1];
      p--;
    }
    ranked[p] = e;
    near[nearBase + p] = s;
  }
  lists.nearCount[i] = m;
  for (let p = 0; p < m; p++) lists.nearIndex[nearBase + p] = lists.neighbours[base + near[nearBase + p]];
}

/** Entry (k, s) now sits at slot s: its partner's mirror says so. */
function pointMirror(lists: MonteCarloLists, k: number, s: number): void {
  const c = lists.capacity;
  lists.mirror[lists.neighbours[k * c + s] * c + lists.mirror[k * c + s]] = s;
}

/** Removes slot s of k's list (shifting the rest down and telling their partners). */
function removeSlot(lists: MonteCarloLists, k: number, s: number): void {
  const base = k * lists.capacity;
  const end = base + lists.count[k] - 1;
  const { neighbours, mirror, geometry } = lists;
  for (let q = base + s; q < end; q++) {
    neighbours[q] = neighbours[q + 1];
    mirror[q] = mirror[q + 1];
    geometry[q] = geometry[q + 1];
    pointMirror(lists, k, q - base);
  }
  lists.count[k]--;
  // k's first-shell slots after s move down by one; s itself (if there) leaves it.
  const nearBase = k * NEAR_SLOTS;
  let m = 0;
  for (let p = 0, end = lists.nearCount[k]; p < end; p++) {
    const slot = lists.near[nearBase + p];
    if (slot === s) continue;
    lists.near[nearBase + m] = slot > s ? slot - 1 : slot;
    lists.nearIndex[nearBase + m] = lists.nearIndex[nearBase + p];
    m++;
  }
  lists.nearCount[k] = m;
}

/** Inserts i into k's sorted list (i's own slot for it is `slotInI`); returns its slot in k's list. */
function insertSorted(lists: MonteCarloLists, k: number, i: number, slotInI: number, g: number): number {
  const base = k * lists.capacity;
  const { neighbours, mirror, geometry } = lists;
  let q = base + lists.count[k];
  while (q > base && neighbours[q - 1] > i) {
    neighbours[q] = neighbours[q - 1];
    mirror[q] = mirror[q - 1];
    geometry[q] = geometry[q - 1];
    pointMirror(lists, k, q - base);
    q--;
  }
  neighbours[q] = i;
  mirror[q] = slotInI;
  geometry[q] = g;
  lists.count[k]++;
  // k's first-shell slots at or after the new one move up by one.
  const slot = q - base;
  for (let p = k * NEAR_SLOTS, end = p + lists.nearCount[k]; p < end; p++) if (lists.near[p] >= slot) lists.near[p]++;
  return slot;
}

/**
 * Particle i has moved (its geometry and energy entries, and their mirrors, hold the new values):
 * if it is now farther than h from its reference, re-list it around where it is.
 */
export function relistIfDrifted(lists: MonteCarloLists, i: number, positions: Float64Array, factors: PairFactors): void {
  if (lists.all) return;
  const d = lists.dim;
  const L = lists.side;
  const inverseL = 1 / L;
  if (distance2(lists.reference, i, positions, i, d, L, inverseL) <= lists.drift * lists.drift) return;
  lists.relistings++;
  for (let a = 0; a < d; a++) lists.reference[d * i + a] = positions[d * i + a];
  moveInCellGrid(lists.grid!, i, positions[d * i], positions[d * i + 1], d === 3 ? positions[d * i + 2] : 0);

  // Who stays, who joins: stamp the old neighbours, then look at the candidates.
  const inOld = ++lists.generation;
  const seen = ++lists.generation;
  const c0 = lists.capacity;
  const oldCount = lists.count[i];
  for (let s = 0; s < oldCount; s++) lists.stamp[lists.neighbours[i * c0 + s]] = inOld;
  let joiners = 0;
  const found = findCandidates(lists, i);
  for (let u = 0; u < found; u++) {
    const k = lists.candidates[u];
    if (lists.stamp[k] === inOld) lists.stamp[k] = seen;
    else {
      if (joiners === lists.joining.length) {
        const bigger = new Int32Array(2 * joiners + 8);
        bigger.set(lists.joining);
        lists.joining = bigger;
      }
      lists.joining[joiners++] = k;
    }
  }
  if (joiners === 0 && found === oldCount) return; // the same neighbours as before
  // Grow once, before editing, so that no slot moves while lists change: i's list needs `found`
  // slots, and every joiner's list one more.
  let needed = found;
  for (let u = 0; u < joiners; u++) needed = Math.max(needed, lists.count[lists.joining[u]] + 1);
  if (needed > lists.capacity) grow(lists, needed + 8);
  const c = lists.capacity;
  const joining = lists.joining;
  sortAscending(joining, joiners);

  const base = i * c;
  const old = lists.old;
  old.neighbours.set(lists.neighbours.subarray(base, base + oldCount));
  old.mirror.set(lists.mirror.subarray(base, base + oldCount));
  old.geometry.set(lists.geometry.subarray(base, base + oldCount));
  // Those who leave drop i (their pairs are beyond r_c: energy 0). Removing a slot shifts only the
  // leaver's own list, whose other entries are not i's: i's mirrors stay as copied.
  for (let s = 0; s < oldCount; s++) if (lists.stamp[old.neighbours[s]] !== seen) removeSlot(lists, old.neighbours[s], old.mirror[s]);
  // Merge the stayers (ascending) with the joiners (ascending) into i's new list.
  let a = 0;
  let u = 0;
  let s = 0;
  while (a < oldCount || u < joiners) {
    while (a < oldCount && lists.stamp[old.neighbours[a]] !== seen) a++;
    const stayer = a < oldCount ? old.neighbours[a] : Infinity;
    const joiner = u < joiners ? joining[u] : Infinity;
    if (stayer === Infinity && joiner === Infinity) break;
    if (stayer < joiner) {
      lists.neighbours[base + s] = stayer;
      lists.mirror[base + s] = old.mirror[a];
      lists.geometry[base + s] = old.geometry[a];
      lists.mirror[stayer * c + old.mirror[a]] = s;
      a++;
    } else {
      const g = factors.geometry(distance2(positions, i, positions, joiner, d, L, inverseL));
      lists.neighbours[base + s] = joiner;
      lists.geometry[base + s] = g;
      lists.mirror[base + s] = insertSorted(lists, joiner, i, s, g);
      u++;
    }
    s++;
  }
  lists.count[i] = s;
  chooseNear(lists, i);
}

