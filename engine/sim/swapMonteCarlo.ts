/**
 * Swap Monte Carlo at a parental temperature T* (SPEC §3; the paper's Methods, after Grigera &
 * Parisi PRE 63, 045102 (2001) and Ninarello et al. PRX 7, 021039 (2017)).
 *
 * An attempt is, with probability p_swap, an exchange of the diameters of two random particles,
 * otherwise a displacement of one random particle drawn uniformly in a ball of radius δ; either is
 * accepted with the Metropolis probability min(1, exp(−ΔV/T*)). One sweep = N attempts.
 * The whole state (positions, diameters, generator, counters) is a plain object: checkpoint it as
 * JSON and a resumed run continues bit for bit.
 */
import type { PairPotential } from '../model/potential';
import { type Box, minimumImage } from '../space/box';
import { cellOfPoint, createCellGrid, moveInCellGrid, refillCellGrid, type CellGrid } from '../space/neighbours';
import { type RngState, uniform, uniformInt } from '../random';

export interface MonteCarloState {
  positions: Float64Array;
  diameters: Float64Array;
  rng: RngState;
  sweepsDone: number;
  attempted: { displacement: number; swap: number };
  accepted: { displacement: number; swap: number };
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

/**
 * Energy of particle i, placed at (x, y, z) with diameter ai, with all its neighbours except
 * `exclude` (the swap partner, whose pair energy a swap leaves unchanged).
 */
function particleEnergy(
  i: number, px: number, py: number, pz: number, ai: number, exclude: number,
  positions: Float64Array, diameters: Float64Array, box: Box, potential: PairPotential, grid: CellGrid,
): number {
  const d = box.dim;
  const L = box.side;
  const rc2 = potential.cutoff * potential.cutoff;
  const { stencil, stencilSize, count, members, capacity } = grid;
  const home = cellOfPoint(grid, px, py, pz) * stencilSize;
  let e = 0;
  for (let s = 0; s < stencilSize; s++) {
    const cell = stencil[home + s];
    const base = cell * capacity;
    for (let m = 0; m < count[cell]; m++) {
      const j = members[base + m];
      if (j === i || j === exclude) continue;
      const dx = minimumImage(positions[d * j] - px, L);
      const dy = minimumImage(positions[d * j + 1] - py, L);
      let r2 = dx * dx + dy * dy;
      if (d === 3) {
        const dz = minimumImage(positions[d * j + 2] - pz, L);
        r2 += dz * dz;
      }
      if (r2 < rc2) e += potential.energy(Math.sqrt(r2), 0.5 * (ai + diameters[j]));
    }
  }
  return e;
}

/**
 * Runs `sweeps` sweeps on the state in place. `afterSweep` is called after every sweep and may
 * return false to stop early (the state then holds a whole number of sweeps and can be resumed).
 */
export function swapMonteCarlo(
  state: MonteCarloState,
  box: Box,
  potential: PairPotential,
  parameters: MonteCarloParameters,
  sweeps: number,
  afterSweep?: (state: MonteCarloState) => boolean | void,
): MonteCarloState {
  const { positions, diameters, rng } = state;
  const d = box.dim;
  const L = box.side;
  const n = diameters.length;
  const beta = 1 / parameters.temperature;
  const delta = parameters.maxDisplacement;
  // Cells of side ≥ r_c, updated as particles move: no list to rebuild, whatever the drift.
  const grid = createCellGrid(positions, box, potential.cutoff);
  const accept = (dV: number) => dV <= 0 || uniform(rng) < Math.exp(-beta * dV);

  for (let sweep = 0; sweep < sweeps; sweep++) {
    // Each sweep starts from a grid filled in index order, so a run resumed at a sweep boundary
    // sums every energy in the same order as one that never stopped: bit-identical, not merely
    // almost always equal (O(N) per sweep, O(1) per attempt).
    if (sweep > 0) refillCellGrid(grid, positions);
    for (let attempt = 0; attempt < n; attempt++) {
      if (uniform(rng) < parameters.swapProbability) {
        state.attempted.swap++;
        // Two distinct particles, each pair equally likely (a symmetric proposal).
        const i = uniformInt(rng, n);
        let j = uniformInt(rng, n - 1);
        if (j >= i) j++;
        const ai = diameters[i];
        const aj = diameters[j];
        const xi = positions[d * i], yi = positions[d * i + 1], zi = d === 3 ? positions[d * i + 2] : 0;
        const xj = positions[d * j], yj = positions[d * j + 1], zj = d === 3 ? positions[d * j + 2] : 0;
        const before = particleEnergy(i, xi, yi, zi, ai, j, positions, diameters, box, potential, grid)
          + particleEnergy(j, xj, yj, zj, aj, i, positions, diameters, box, potential, grid);
        const after = particleEnergy(i, xi, yi, zi, aj, j, positions, diameters, box, potential, grid)
          + particleEnergy(j, xj, yj, zj, ai, i, positions, diameters, box, potential, grid);
        if (accept(after - before)) {
          diameters[i] = aj;
          diameters[j] = ai;
          state.accepted.swap++;
        }
      } else {
        state.attempted.displacement++;
        const i = uniformInt(rng, n);
        // Uniform in a ball of radius δ, by rejection from the cube.
        let ux: number, uy: number, uz: number, u2: number;
        do {
          ux = 2 * uniform(rng) - 1;
          uy = 2 * uniform(rng) - 1;
          uz = d === 3 ? 2 * uniform(rng) - 1 : 0;
          u2 = ux * ux + uy * uy + uz * uz;
        } while (u2 > 1);
        const ox = positions[d * i], oy = positions[d * i + 1], oz = d === 3 ? positions[d * i + 2] : 0;
        const nx = ox + delta * ux, ny = oy + delta * uy, nz = oz + delta * uz;
        const before = particleEnergy(i, ox, oy, oz, diameters[i], -1, positions, diameters, box, potential, grid);
        const after = particleEnergy(i, nx, ny, nz, diameters[i], -1, positions, diameters, box, potential, grid);
        if (accept(after - before)) {
          positions[d * i] = nx - L * Math.floor(nx / L);
          positions[d * i + 1] = ny - L * Math.floor(ny / L);
          if (d === 3) positions[d * i + 2] = nz - L * Math.floor(nz / L);
          state.accepted.displacement++;
          moveInCellGrid(grid, i, positions[d * i], positions[d * i + 1], d === 3 ? positions[d * i + 2] : 0);
        }
      }
    }
    state.sweepsDone++;
    if (afterSweep && afterSweep(state) === false) break;
  }
  return state;
}
