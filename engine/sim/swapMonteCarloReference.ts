/**
 * Swap Monte Carlo as first written (docs/PHYSICS.md §3): every energy recomputed from a cell grid of side
 * ≥ r_c/2 around the particle, before and after the move, with the pair potential's own φ(r, a).
 * The reference that the fast implementation (swapMonteCarlo.ts) is tested against, and the path
 * of potentials that do not factorise as A(a_i + a_j) G(r²) (Lennard-Jones).
 */
import type { PairPotential } from '../model/potential';
import { type Box, minimumImage, wrapCoordinate } from '../space/box';
import { cellOfPoint, createCellGrid, moveInCellGrid, refillCellGrid, type CellGrid } from '../space/neighbours';
import { rejectionLimit, uniform, uniformIntBelow } from '../random';
import { drawBallPoint, drawSwapPair, metropolis, type MonteCarloParameters, type MonteCarloState } from './moves';

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
export function swapMonteCarloReference(
  state: MonteCarloState,
  box: Box,
  potential: PairPotential,
  parameters: MonteCarloParameters,
  sweeps: number,
  afterSweep?: (state: MonteCarloState) => boolean | void,
): MonteCarloState {
  const { positions, diameters } = state;
  const d = box.dim;
  const L = box.side;
  const n = diameters.length;
  const rng = state.rng;
  const limitN = rejectionLimit(n);
  const limitN1 = n > 1 ? rejectionLimit(n - 1) : 1;
  const beta = 1 / parameters.temperature;
  // Cells of side ≥ r_c, updated as particles move: no list to rebuild, whatever the drift.
  const grid = createCellGrid(positions, box, potential.cutoff);
  const pair = new Int32Array(2);
  const ball = new Float64Array(3);

  for (let sweep = 0; sweep < sweeps; sweep++) {
    const delta = parameters.maxDisplacement; // may change between sweeps (step-size tuning)
    // Each sweep starts from a grid filled in index order, so a run resumed at a sweep boundary
    // sums every energy in the same order as one that never stopped: bit-identical, not merely
    // almost always equal (O(N) per sweep, O(1) per attempt).
    if (sweep > 0) refillCellGrid(grid, positions);
    for (let attempt = 0; attempt < n; attempt++) {
      if (uniform(rng) < parameters.swapProbability) {
        state.attempted.swap++;
        drawSwapPair(rng, n, limitN, limitN1, pair);
        const i = pair[0];
        const j = pair[1];
        const ai = diameters[i];
        const aj = diameters[j];
        const xi = positions[d * i], yi = positions[d * i + 1], zi = d === 3 ? positions[d * i + 2] : 0;
        const xj = positions[d * j], yj = positions[d * j + 1], zj = d === 3 ? positions[d * j + 2] : 0;
        const before = particleEnergy(i, xi, yi, zi, ai, j, positions, diameters, box, potential, grid)
          + particleEnergy(j, xj, yj, zj, aj, i, positions, diameters, box, potential, grid);
        const after = particleEnergy(i, xi, yi, zi, aj, j, positions, diameters, box, potential, grid)
          + particleEnergy(j, xj, yj, zj, ai, i, positions, diameters, box, potential, grid);
        if (metropolis(rng, beta, after - before)) {
          diameters[i] = aj;
          diameters[j] = ai;
          state.accepted.swap++;
        }
      } else {
        state.attempted.displacement++;
        const i = uniformIntBelow(rng, n, limitN);
        drawBallPoint(rng, d, ball);
        const ox = positions[d * i], oy = positions[d * i + 1], oz = d === 3 ? positions[d * i + 2] : 0;
        const nx = ox + delta * ball[0], ny = oy + delta * ball[1], nz = oz + delta * ball[2];
        const before = particleEnergy(i, ox, oy, oz, diameters[i], -1, positions, diameters, box, potential, grid);
        const after = particleEnergy(i, nx, ny, nz, diameters[i], -1, positions, diameters, box, potential, grid);
        if (metropolis(rng, beta, after - before)) {
          positions[d * i] = wrapCoordinate(nx, L);
          positions[d * i + 1] = wrapCoordinate(ny, L);
          if (d === 3) positions[d * i + 2] = wrapCoordinate(nz, L);
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
