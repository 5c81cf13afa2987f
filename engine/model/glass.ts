/**
 * A model glass: box, diameters and pair potential (positions travel separately, since every
 * algorithm moves them). Energy, forces and the list of interacting pairs (docs/PHYSICS.md §2, Eqs. 41–43).
 */
import type { Box } from '../space/box';
import { minimumImage } from '../space/box';
import { buildPairList, type PairList } from '../space/neighbours';
import { boxSide, type ModelSettings } from './settings';
import { makePairPotential, type PairPotential } from './potential';

export interface Glass {
  readonly box: Box;
  readonly diameters: Float64Array;
  readonly potential: PairPotential;
}

export function makeGlass(model: ModelSettings, diameters: Float64Array): Glass {
  if (diameters.length !== model.particles) throw new RangeError(`expected ${model.particles} diameters, got ${diameters.length}`);
  return { box: { dim: model.dim, side: boxSide(model) }, diameters, potential: makePairPotential(model) };
}

export function particleCount(glass: Glass): number {
  return glass.diameters.length;
}

/** Candidate pairs within the cutoff (built fresh through a cell list). */
export function cutoffPairs(glass: Glass, positions: Float64Array): PairList {
  return buildPairList(positions, glass.box, glass.potential.cutoff);
}

/**
 * V = Σ_(i<j) φ(r_ij) over the candidate pairs, and f_i = −∂V/∂r_i written into `forces`
 * (when given). Candidate pairs beyond the cutoff contribute nothing, so a Verlet list may be used.
 */
export function energyAndForces(glass: Glass, positions: Float64Array, pairs: PairList, forces?: Float64Array): number {
  const { dim: d, side: L } = glass.box;
  const a = glass.diameters;
  const rc2 = glass.potential.cutoff ** 2;
  const terms = glass.potential.terms;
  const t = new Float64Array(3);
  const dx = new Float64Array(3);
  if (forces) forces.fill(0);
  let energy = 0;
  for (let p = 0; p < pairs.count; p++) {
    const i = pairs.i[p];
    const j = pairs.j[p];
    let r2 = 0;
    for (let k = 0; k < d; k++) {
      const x = minimumImage(positions[d * j + k] - positions[d * i + k], L);
      dx[k] = x;
      r2 += x * x;
    }
    if (r2 >= rc2) continue;
    const r = Math.sqrt(r2);
    terms(r, 0.5 * (a[i] + a[j]), t);
    energy += t[0];
    if (forces) {
      const s = t[1] / r; // f_i = φ'(r) (r_j − r_i) / r, f_j = −f_i
      for (let k = 0; k < d; k++) {
        forces[d * i + k] += s * dx[k];
        forces[d * j + k] -= s * dx[k];
      }
    }
  }
  return energy;
}

export function totalEnergy(glass: Glass, positions: Float64Array): number {
  return energyAndForces(glass, positions, cutoffPairs(glass, positions));
}

/** max_i |f_i|, the convergence measure of docs/PHYSICS.md §3. */
export function maxForce(forces: Float64Array, dim: number): number {
  let worst = 0;
  for (let i = 0; i < forces.length; i += dim) {
    let f2 = 0;
    for (let k = 0; k < dim; k++) f2 += forces[i + k] ** 2;
    if (f2 > worst) worst = f2;
  }
  return Math.sqrt(worst);
}

/** Interacting pairs (r < r_c) with separation r_j − r_i, distance, mean diameter, φ, φ', φ''. */
export interface Contacts {
  count: number;
  i: Int32Array;
  j: Int32Array;
  /** r_j − r_i, d per pair. */
  separation: Float64Array;
  distance: Float64Array;
  diameter: Float64Array;
  phi: Float64Array;
  dphi: Float64Array;
  d2phi: Float64Array;
}

export function contacts(glass: Glass, positions: Float64Array, pairs: PairList = cutoffPairs(glass, positions)): Contacts {
  const { dim: d, side: L } = glass.box;
  const a = glass.diameters;
  const rc2 = glass.potential.cutoff ** 2;
  const keepI: number[] = [];
  const keepJ: number[] = [];
  const sep: number[] = [];
  const dist: number[] = [];
  for (let p = 0; p < pairs.count; p++) {
    const i = pairs.i[p];
    const j = pairs.j[p];
    let r2 = 0;
    const start = sep.length;
    for (let k = 0; k < d; k++) {
      const x = minimumImage(positions[d * j + k] - positions[d * i + k], L);
      sep.push(x);
      r2 += x * x;
    }
    if (r2 >= rc2) {
      sep.length = start;
      continue;
    }
    keepI.push(i);
    keepJ.push(j);
    dist.push(Math.sqrt(r2));
  }
  const count = keepI.length;
  const diameter = new Float64Array(count);
  const phi = new Float64Array(count);
  const dphi = new Float64Array(count);
  const d2phi = new Float64Array(count);
  const t = new Float64Array(3);
  for (let p = 0; p < count; p++) {
    diameter[p] = 0.5 * (a[keepI[p]] + a[keepJ[p]]);
    glass.potential.terms(dist[p], diameter[p], t);
    phi[p] = t[0];
    dphi[p] = t[1];
    d2phi[p] = t[2];
  }
  return {
    count,
    i: Int32Array.from(keepI),
    j: Int32Array.from(keepJ),
    separation: Float64Array.from(sep),
    distance: Float64Array.from(dist),
    diameter,
    phi,
    dphi,
    d2phi,
  };
}

/** Per-particle energy: half of each pair energy to each partner (sums to V). */
export function particleEnergies(glass: Glass, positions: Float64Array): Float64Array {
  const c = contacts(glass, positions);
  const out = new Float64Array(particleCount(glass));
  for (let p = 0; p < c.count; p++) {
    out[c.i[p]] += 0.5 * c.phi[p];
    out[c.j[p]] += 0.5 * c.phi[p];
  }
  return out;
}
