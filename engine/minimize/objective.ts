/**
 * The potential-energy surface as minimisers see it: energy and forces at a configuration,
 * through a Verlet list that refreshes itself as particles move.
 */
import { energyAndForces, type Glass, maxForce } from '../model/glass';
import { createVerletList, refreshVerletList, type VerletList } from '../space/neighbours';

export interface EnergySurface {
  /** Energy at x; forces f = −∇V written into `forces`. */
  evaluate(x: Float64Array, forces: Float64Array): number;
  evaluations: number;
  readonly dim: number;
}

export function energySurface(glass: Glass, start: Float64Array, skin = 0.3): EnergySurface {
  let list: VerletList | undefined;
  const surface: EnergySurface = {
    evaluations: 0,
    dim: glass.box.dim,
    evaluate(x, forces) {
      if (!list) list = createVerletList(x, glass.box, glass.potential.cutoff, skin);
      else refreshVerletList(list, x, glass.box);
      surface.evaluations++;
      return energyAndForces(glass, x, list.pairs, forces);
    },
  };
  void start;
  return surface;
}

export interface QuenchOptions {
  forceTolerance: number;
  maxIterations: number;
  /** L-BFGS history length. */
  memory?: number;
  /** Largest displacement of any particle in one step. */
  maxStep?: number;
  /** Called every `progressEvery` iterations; return false to stop early (counts as not converged). */
  onProgress?: (p: { iteration: number; energy: number; maxForce: number }) => boolean | void;
  progressEvery?: number;
}

export interface QuenchResult {
  method: 'lbfgs' | 'fire';
  positions: Float64Array;
  energy: number;
  maxForce: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why it stopped: 'converged', 'max-iterations', 'stalled', 'stopped'. */
  reason: 'converged' | 'max-iterations' | 'stalled' | 'stopped';
}

export { maxForce };
