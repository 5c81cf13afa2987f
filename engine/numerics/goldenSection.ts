/**
 * Golden-section search for the extremum of a unimodal function on [lo, hi] (Kiefer 1953; Press
 * et al., Numerical Recipes, §10.2): two interior points at the golden ratio (√5 − 1)/2 of the
 * bracket, the side beyond the worse one dropped each step, so every step costs one evaluation
 * and shrinks the bracket by 0.618. The one copy in the engine: HET's γ_c, boson peak and
 * finite-box gap (engine/theory/het.ts) and the mode-coupling T_d (engine/theory/modeCoupling.ts)
 * all call it. On a tie the upper end moves in.
 */

/** (√5 − 1)/2. */
export const GOLDEN_RATIO = (Math.sqrt(5) - 1) / 2;

export interface GoldenSectionOptions {
  /** 'max' (default) or 'min'. */
  extremum?: 'max' | 'min';
  /** Stop when hi − lo ≤ tolerance (× max(1, |lo|) when `relative`). */
  tolerance: number;
  relative?: boolean;
  /** At most this many steps (default unbounded: the tolerance stops it). */
  maxIterations?: number;
}

export interface GoldenSectionResult {
  /** The midpoint of the final bracket. */
  x: number;
  lo: number;
  hi: number;
  iterations: number;
}

/** The extremum of a unimodal `f` on [lo, hi]: the final bracket and its midpoint. */
export function goldenSection(f: (x: number) => number, lo: number, hi: number, options: GoldenSectionOptions): GoldenSectionResult {
  const minimum = options.extremum === 'min';
  const maxIterations = options.maxIterations ?? Infinity;
  const width = () => options.tolerance * (options.relative ? Math.max(1, Math.abs(lo)) : 1);
  let x1 = hi - GOLDEN_RATIO * (hi - lo);
  let x2 = lo + GOLDEN_RATIO * (hi - lo);
  let f1 = f(x1);
  let f2 = f(x2);
  let it = 0;
  for (; it < maxIterations && hi - lo > width(); it++) {
    // x2 is the better point: the extremum lies in [x1, hi].
    if (minimum ? f1 > f2 : f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + GOLDEN_RATIO * (hi - lo);
      f2 = f(x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - GOLDEN_RATIO * (hi - lo);
      f1 = f(x1);
    }
  }
  return { x: 0.5 * (lo + hi), lo, hi, iterations: it };
}
