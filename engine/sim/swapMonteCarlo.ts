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
import { buildPairList } from '../space/neighbours';
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
 * Per-particle neighbour lists (compressed rows) of everything within cutoff + skin, valid while
 * no particle has moved more than skin/2 from where it was at the build.
 */
interface Neighbourhood {
  start: Int32Array;
  list: Int32Array;
  reference: Float64Array;
  skin: number;
}

function buildNeighbourhood(positions: Float64Array, box: Box, cutoff: number, skin: number): Neighbourhood {
  const d = box.dim;
  const n = positions.length / d;
  const pairs = Number.isFinite(skin) ? buildPairList(positions, box, cutoff + skin) : allPairs(n);
  const count = new Int32Array(n + 1);
  for (let p = 0; p < pairs.count; p++) {
    count[pairs.i[p] + 1]++;
    count[pairs.j[p] + 1]++;
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const list = new Int32Array(count[n]);
  for (let p = 0; p < pairs.count; p++) {
    list[fill[pairs.i[p]]++] = pairs.j[p];
    list[fill[pairs.j[p]]++] = pairs.i[p];
  }
  return { start: count, list, reference: positions.slice(), skin };
}

function allPairs(n: number) {
  const count = (n * (n - 1)) / 2;
  const i = new Int32Array(count);
  const j = new Int32Array(count);
  let p = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) (i[p] = a), (j[p++] = b);
  return { count, i, j };
}

/**
 * Energy of particle i, placed at (x, y, z) with diameter ai, with all its neighbours except
 * `exclude` (the swap partner, whose pair energy a swap leaves unchanged).
 */
function particleEnergy(
  i: number, px: number, py: number, pz: number, ai: number, exclude: number,
  positions: Float64Array, diameters: Float64Array, box: Box, potential: PairPotential, nb: Neighbourhood,
): number {
  const d = box.dim;
  const L = box.side;
  const rc2 = potential.cutoff * potential.cutoff;
  let e = 0;
  for (let k = nb.start[i]; k < nb.start[i + 1]; k++) {
    const j = nb.list[k];
    if (j === exclude) continue;
    const dx = minimumImage(positions[d * j] - px, L);
    const dy = minimumImage(positions[d * j + 1] - py, L);
    let r2 = dx * dx + dy * dy;
    if (d === 3) {
      const dz = minimumImage(positions[d * j + 2] - pz, L);
      r2 += dz * dz;
    }
    if (r2 < rc2) e += potential.energy(Math.sqrt(r2), 0.5 * (ai + diameters[j]));
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
  // A pair (i, j) can come within r_c at a trial position only if it was within r_c + skin at the
  // build, provided 2·(largest drift since the build) + δ ≤ skin: so rebuild once a particle has
  // drifted (skin − δ)/2. Where r_c + skin would exceed L/2, every particle is everyone's neighbour.
  const wanted = 3 * delta;
  const skin = potential.cutoff + wanted <= L / 2 ? wanted : Infinity;
  const rebuildDrift = Number.isFinite(skin) ? (skin - delta) / 2 : Infinity;
  let nb = buildNeighbourhood(positions, box, potential.cutoff, skin);
  const accept = (dV: number) => dV <= 0 || uniform(rng) < Math.exp(-beta * dV);

  for (let sweep = 0; sweep < sweeps; sweep++) {
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
        const before = particleEnergy(i, xi, yi, zi, ai, j, positions, diameters, box, potential, nb)
          + particleEnergy(j, xj, yj, zj, aj, i, positions, diameters, box, potential, nb);
        const after = particleEnergy(i, xi, yi, zi, aj, j, positions, diameters, box, potential, nb)
          + particleEnergy(j, xj, yj, zj, ai, i, positions, diameters, box, potential, nb);
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
        const before = particleEnergy(i, ox, oy, oz, diameters[i], -1, positions, diameters, box, potential, nb);
        const after = particleEnergy(i, nx, ny, nz, diameters[i], -1, positions, diameters, box, potential, nb);
        if (accept(after - before)) {
          positions[d * i] = nx - L * Math.floor(nx / L);
          positions[d * i + 1] = ny - L * Math.floor(ny / L);
          if (d === 3) positions[d * i + 2] = nz - L * Math.floor(nz / L);
          state.accepted.displacement++;
          // The neighbour lists stay valid while every particle is within skin/2 of its reference.
          let m2 = 0;
          for (let a = 0; a < d; a++) m2 += minimumImage(positions[d * i + a] - nb.reference[d * i + a], L) ** 2;
          if (m2 > rebuildDrift * rebuildDrift) nb = buildNeighbourhood(positions, box, potential.cutoff, skin);
        }
      }
    }
    state.sweepsDone++;
    if (afterSweep && afterSweep(state) === false) break;
  }
  return state;
}
