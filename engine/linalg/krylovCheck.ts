/**
 * A probabilistic certificate that a found set of eigenpairs of a symmetric positive semi-definite
 * operator A holds every eigenvalue at or below its top λ_K: where the inertia certificate (a
 * Sylvester count from an LDLᵀ of A − σI) costs too much (a 3D box at N = 10^5: ~10^13 flops).
 *
 * The argument (Kuczyński & Woźniakowski, SIAM J. Matrix Anal. Appl. 13, 1094 (1992), Thm. 4.2 for
 * the Lanczos algorithm): for a PSD matrix B of order m and a start vector drawn uniformly on the unit
 * sphere, the largest Ritz value θ of the k-dimensional Krylov space has relative error
 * e = (λ_max(B) − θ)/λ_max(B) ≥ ε with probability at most 1.648 √m e^(−√ε (2k − 1)), whatever B's
 * spectrum. Here B = U·I − P A P on the complement of the found rows Q (P = I − QᵀQ, U ≥ λ_max(A)), so
 * B's largest eigenvalue is U − λ* with λ* the lowest eigenvalue of A outside the found set. Were one
 * missed (λ* ≤ λ_K), a k-step Lanczos on P A P from a random start would leave its lowest Ritz value θ
 * at or above the threshold τ = λ_K + ρ (θ_(K+1) − λ_K) only with relative error
 * e = (θ − λ*)/(U − λ*) ≥ ε₀ = (τ − λ_K)/(U − λ_K) (e decreases in λ*), so with probability at most
 * the bound above. The check runs k steps (k from ε₀ and the failure probability p asked) and passes
 * when θ ≥ τ; a complete set always passes (θ ≥ λ_(K+1) > τ), so a failure is a found missing mode or
 * θ_(K+1) overestimated (then it says not certified; it never says certified falsely except with
 * probability ≤ p). "At or below λ_K" is up to the found pairs' residuals (their subspace is invariant
 * to ‖A Qᵀ − Qᵀ Λ‖). The recurrence runs without reorthogonalisation against its own basis, with the
 * found rows projected out every step; in finite precision its lowest Ritz value still converges at
 * least as fast (Greenbaum, Linear Algebra Appl. 113, 7 (1989): exact Lanczos on a nearby matrix with
 * the eigenvalues in small clusters) and stays above λ* up to rounding (Paige 1980).
 */
import { createRng } from '../random';
import type { RowsOperator, StepKernel } from './lowestModes';
import { randomRow } from './lowestModes';
import { tridiagonalQL } from './tridiagonalQL';

export interface KrylovCheck {
  passed: boolean;
  /** Why not, or what was shown. */
  reason: string;
  /** Lanczos steps run (products), and the k the bound asked for. */
  steps: number;
  stepsNeeded: number;
  /** τ, ε₀ and the bound on the failure probability at k steps. */
  threshold: number;
  epsilon: number;
  failureBound: number;
  /** The lowest Ritz value of the check's Krylov space (after `steps`). */
  ritzMin: number;
  threads: number;
  /** Steps between projections of the found rows. */
  projectEvery: number;
  seconds: number;
}

export interface KrylovCheckOptions {
  /** Failure probability asked (default 1e-6). */
  probability?: number;
  /** τ's place in the gap (λ_K, θ_(K+1)): 0 < ρ < 1 (default KRYLOV_CHECK_PLACEMENT, 0.98). */
  placement?: number;
  /** The most steps it may run (default KRYLOV_CHECK_MAX_STEPS, 20 000); beyond, it says not certified without running. */
  maxSteps?: number;
  seed?: number;
  /** The lowest eigenvalue in the found set (default 0: a PSD operator), for how often the found rows are projected out. */
  bottom?: number;
  /** The probability that `upper` is not ≥ λ_max (0 for a bound such as Gershgorin's), added to the check's. */
  upperFailure?: number;
  /** A kernel for the step (the same contract as lowestModes' stepKernel factory), or plain loops. */
  stepKernel?: (lengths: number[], coefficients: number, keep: number) => StepKernel | null;
  onProgress?: (fraction: number) => void;
}

/** The default failure probability of the Krylov certificate. */
export const KRYLOV_CHECK_PROBABILITY = 1e-6;

/** The most steps the check runs by default; beyond, it says not certified without running. */
export const KRYLOV_CHECK_MAX_STEPS = 20000;

/**
 * τ's default place in the gap (λ_K, θ_(K+1)). A complete set passes whatever ρ < 1 as long as
 * θ_(K+1) is within (1 − ρ) of the gap above λ_(K+1): it is a converged guard (residual ≤ 1e-10 λ_max,
 * so θ_(K+1) − λ_(K+1) ≲ r²/gap ~ 1e-13 against 2 % of a gap ~ 10⁻⁵ at N = 10⁵). The steps go as
 * 1/√ρ: 0.98 instead of 0.9 saves 4 %, and a missed mode is then caught up to the top 2 % of the
 * gap instead of the top 10 %.
 */
export const KRYLOV_CHECK_PLACEMENT = 0.98;

/**
 * The check's threshold τ = λ_K + ρ (θ_(K+1) − λ_K), ε₀ = (τ − λ_K)/(U − λ_K) and its steps k for
 * failure probability p on a complement of order m: what krylovCheck runs, and what a caller
 * choosing a certificate (or a boundary K) estimates it would cost.
 */
export function krylovCheckPlan(m: number, top: number, next: number, upper: number, probability: number, placement = KRYLOV_CHECK_PLACEMENT): { threshold: number; epsilon: number; steps: number } {
  const threshold = top + placement * (next - top);
  const epsilon = (threshold - top) / (upper - top);
  return { threshold, epsilon, steps: krylovStepsNeeded(m, epsilon, probability) };
}

/** Kuczyński–Woźniakowski's Lanczos steps for relative error ε₀ at failure probability p, order m. */
export function krylovStepsNeeded(m: number, epsilon: number, probability: number): number {
  return Math.max(1, Math.ceil((Math.log((1.648 * Math.sqrt(m)) / probability) / Math.sqrt(epsilon) + 1) / 2));
}

/** Their bound on the failure probability after k steps. */
export function krylovFailureBound(m: number, epsilon: number, k: number): number {
  return Math.min(1, 1.648 * Math.sqrt(m) * Math.exp(-Math.sqrt(epsilon) * (2 * k - 1)));
}

/**
 * An upper bound on λ_max of a PSD matrix of order m from the largest Ritz value θ of a k-step Lanczos
 * from a random start, failing with probability ≤ p (the same theorem: λ_max ≤ θ/(1 − ε₁) unless the
 * relative error is ≥ ε₁ = (ln(1.648 √m / p)/(2k − 1))²); Infinity where ε₁ ≥ 1 (too few steps).
 */
export function krylovUpperBound(theta: number, k: number, m: number, probability: number): number {
  const e1 = (Math.log((1.648 * Math.sqrt(m)) / probability) / (2 * k - 1)) ** 2;
  return e1 < 1 ? theta / (1 - e1) : Infinity;
}

/** Eigenvalues of the symmetric tridiagonal (α, β) of order m below x: the negative pivots of T − xI (Sturm). */
export function tridiagonalCountBelow(alpha: ArrayLike<number>, beta: ArrayLike<number>, m: number, x: number): number {
  let count = 0;
  let d = 1;
  for (let i = 0; i < m; i++) {
    const b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
    d = alpha[i] - x - (i > 0 ? b2 / d : 0);
    if (d === 0) d = -1e-300;
    if (d < 0) count++;
  }
  return count;
}

/** The lowest eigenvalue of the symmetric tridiagonal (α, β) of order m, by bisection on Sturm counts. */
export function tridiagonalLowest(alpha: ArrayLike<number>, beta: ArrayLike<number>, m: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < m - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - r);
    hi = Math.max(hi, alpha[i] + r);
  }
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(Math.abs(lo), Math.abs(hi)); it++) {
    const mid = 0.5 * (lo + hi);
    if (tridiagonalCountBelow(alpha, beta, m, mid) >= 1) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Checks that no eigenvalue of A (order n, through `op`) at or below `top` lies outside the span of
 * the orthonormal rows `found` (count × n: the deflated translations and the K found modes), given the
 * solver's next Ritz value `next` > top and an upper bound `upper` ≥ λ_max(A) (rigorous, or failing
 * with probability `upperFailure`).
 */
export function krylovCheck(op: RowsOperator, n: number, found: Float64Array, top: number, next: number, upper: number, options: KrylovCheckOptions = {}): KrylovCheck {
  const t0 = performance.now();
  const p = options.probability ?? KRYLOV_CHECK_PROBABILITY;
  const rho = options.placement ?? KRYLOV_CHECK_PLACEMENT;
  const rows = found.length / n;
  const m = n - rows;
  const result: KrylovCheck = { passed: false, reason: '', steps: 0, stepsNeeded: 0, threshold: NaN, epsilon: NaN, failureBound: 1, ritzMin: NaN, threads: 1, projectEvery: 1, seconds: 0 };
  const done = (passed: boolean, reason: string) => {
    result.passed = passed;
    result.reason = reason;
    result.seconds = (performance.now() - t0) / 1000;
    return result;
  };
  if (!(p > 0 && p < 1) || !(rho > 0 && rho < 1)) throw new Error(`krylovCheck: probability ${p} and placement ${rho} must lie in (0, 1)`);
  if (!(next > top) || !(upper > next)) return done(false, `no gap above the set to check (λ_K = ${top}, θ_(K+1) = ${next}, λ_max ≤ ${upper})`);
  if (m < 1) return done(true, 'the found set spans the space');
  const { threshold: tau, epsilon: eps, steps: k } = krylovCheckPlan(m, top, next, upper, p, rho);
  Object.assign(result, { threshold: tau, epsilon: eps, stepsNeeded: k });
  const maxSteps = options.maxSteps ?? KRYLOV_CHECK_MAX_STEPS;
  if (k > maxSteps) return done(false, `the Krylov check needs ${k} steps for failure probability ${p} (ε₀ = ${eps.toExponential(2)}), over its budget of ${maxSteps}`);
  if (k >= m) return done(false, `the Krylov check needs ${k} steps, not fewer than the ${m} dimensions left: take the inertia certificate`);

  // Progress every ~2.5 % of the steps; θ < τ tested every 50 steps by one Sturm count of T − τI
  // (O(steps)), θ itself by bisection only at the end or on a failure.
  const every = Math.max(50, Math.ceil(k / 40));
  const test = 50;
  let failed = false;
  const run = plainLanczos(op, n, found, k, {
    stepKernel: options.stepKernel,
    seed: options.seed ?? 7,
    bottom: options.bottom,
    next,
    upper,
    onStep: (steps, alpha, beta, b) => {
      if (steps % every === 0) options.onProgress?.(steps / k);
      if ((steps % test === 0 || steps === k || b === 0) && tridiagonalCountBelow(alpha, beta, steps, tau) > 0) failed = true;
      return failed;
    },
  });
  result.threads = run.threads;
  result.projectEvery = run.projectEvery;
  const steps = run.steps;
  const { alpha, beta } = run;
  if (failed) {
    const theta = tridiagonalLowest(alpha, beta, steps);
    result.ritzMin = theta;
    result.steps = steps;
    return done(false, `the Krylov check found a Ritz value ${theta.toPrecision(8)} below τ = ${tau.toPrecision(8)} (λ_K = ${top.toPrecision(8)}) after ${steps} steps: a mode at or below the set's top may be missing`);
  }
  options.onProgress?.(1);
  result.steps = steps;
  result.ritzMin = tridiagonalLowest(alpha, beta, steps);
  if (steps < k) return done(false, `the Krylov check broke down after ${steps} of ${k} steps (an invariant subspace: probability 0 for a random start)`);
  result.failureBound = Math.min(1, krylovFailureBound(m, eps, steps) + (options.upperFailure ?? 0));
  return done(
    true,
    `Krylov check (Kuczyński–Woźniakowski): ${steps} Lanczos steps from a random start on the complement, lowest Ritz value ${result.ritzMin.toPrecision(8)} ≥ τ = ${tau.toPrecision(8)}; a mode at or below λ_K = ${top.toPrecision(8)} is missed with probability ≤ ${result.failureBound.toExponential(1)}`,
  );
}

export interface PlainLanczos {
  /** The tridiagonal T of the steps run: α (steps) and β (steps; β[j] couples q_j and q_(j+1)). */
  alpha: Float64Array;
  beta: Float64Array;
  steps: number;
  threads: number;
  projectEvery: number;
}

/**
 * The plain Lanczos recurrence on the complement of the orthonormal rows `found` (count × n) from a
 * random start (a Gaussian projected twice, normalised: uniform on the complement's sphere), `steps`
 * steps or until `onStep` says stop: no reorthogonalisation against its own basis (each new vector
 * against the last two only), the found rows projected out every `projectEvery` steps (see below).
 * In finite precision its Ritz values converge at least as fast as in exact arithmetic (Greenbaum
 * 1989) and copies ("ghosts") of converged ones appear (Paige 1980); used by the Krylov check and by
 * the crude runs that only need a few Ritz values (the filter's cut, λ_max).
 */
export function plainLanczos(op: RowsOperator, n: number, found: Float64Array, steps: number, options: { stepKernel?: KrylovCheckOptions['stepKernel']; seed?: number; bottom?: number; next?: number; upper?: number; onStep?: (steps: number, alpha: Float64Array, beta: Float64Array, b: number) => boolean } = {}): PlainLanczos {
  const rows = found.length / n;
  const k = steps;
  // V = [found; two Lanczos vectors] and w in one kernel (two threads where it has them), or plain
  // arrays; the two rows take turns as q_j and q_(j−1) (the new q overwrites the old q_(j−1)).
  const kernel = options.stepKernel?.([(rows + 2) * n, n], rows + 2, 0) ?? null;
  const v = kernel ? kernel.arrays[0] : new Float64Array((rows + 2) * n);
  const w = kernel ? kernel.arrays[1] : new Float64Array(n);
  v.set(found);
  const slots = [v.subarray(rows * n, (rows + 1) * n), v.subarray((rows + 1) * n, (rows + 2) * n)];
  let cur = 1;
  let q = slots[cur];
  const pair = v.subarray(rows * n, (rows + 2) * n);
  const c = new Float64Array(rows + 2);
  const foundRows = v.subarray(0, rows * n);
  const dots = kernel
    ? (vr: Float64Array, count: number, z: Float64Array) => kernel.rowProducts(vr, count, z, 1, n, c)
    : (vr: Float64Array, count: number, z: Float64Array) => {
        for (let r = 0; r < count; r++) {
          let s = 0;
          const o = r * n;
          for (let i = 0; i < n; i++) s += vr[o + i] * z[i];
          c[r] = s;
        }
      };
  const subtract = kernel
    ? (vr: Float64Array, count: number, z: Float64Array) => kernel.subtractRows(vr, count, z, 1, n, c)
    : (vr: Float64Array, count: number, z: Float64Array) => {
        for (let r = 0; r < count; r++) {
          const s = c[r];
          const o = r * n;
          for (let i = 0; i < n; i++) z[i] -= s * vr[o + i];
        }
      };
  const product = kernel ? (x: Float64Array, y: Float64Array) => kernel.krylov(x, y) : (x: Float64Array, y: Float64Array) => op(x, y, 1);
  const normOf = (z: Float64Array) => {
    dots(z, 1, z);
    return Math.sqrt(c[0]);
  };
  const rng = createRng(options.seed ?? 7);
  randomRow(w, 0, n, rng);
  for (let pass = 0; pass < 2; pass++) {
    dots(foundRows, rows, w);
    subtract(foundRows, rows, w);
  }
  let b = normOf(w);
  for (let i = 0; i < n; i++) q[i] = w[i] / b;
  // The found rows every `every2` steps, not every step (at N = 10^5 their 33 rows cost as much as the
  // product): between projections their rounding-level parts grow at most like the Chebyshev polynomial
  // outside [next, upper], e^(2√δ j) with δ = (next − bottom)/(upper − next); `every2` keeps that ≤ 10×
  // (the check at N = 10^5: every 66 steps; N = 1000: every 17). Without `next` above the found set's
  // eigenvalues (a crude run): every step.
  const delta = options.next !== undefined && options.upper !== undefined ? (options.next - Math.min(0, options.bottom ?? 0)) / (options.upper - options.next) : 0;
  const every2 = delta > 0 ? Math.max(1, Math.floor(Math.log(10) / (2 * Math.sqrt(delta)))) : 1;
  const alpha = new Float64Array(k);
  const beta = new Float64Array(k);
  let done = 0;
  for (let j = 0; j < k; j++) {
    product(q, w);
    // w −= α q_j + β q_(j−1) (both from the dots: local reorthogonalisation), then the found rows
    // projected out last: projected first, the subtraction would bring back their rounding-level
    // parts of q_j and q_(j−1) with the recurrence's coefficients, which grow them like the Lanczos
    // polynomial at their eigenvalues (the found set's eigenvalues then reappear after ~10² steps).
    // Bounded growth between projections is harmless (see every2).
    dots(pair, 2, w);
    alpha[j] = c[cur];
    subtract(pair, 2, w);
    if (rows > 0 && (j % every2 === every2 - 1 || j === k - 1)) {
      // Both vectors the recurrence goes on with: q_j (next step's q_(j−1)) as well as w.
      dots(foundRows, rows, w);
      subtract(foundRows, rows, w);
      dots(foundRows, rows, q);
      subtract(foundRows, rows, q);
    }
    b = normOf(w);
    beta[j] = b;
    done = j + 1;
    if (options.onStep?.(done, alpha, beta, b)) break;
    if (b === 0 || done === k) break;
    cur = 1 - cur;
    q = slots[cur];
    for (let i = 0; i < n; i++) q[i] = w[i] / b;
  }
  return { alpha, beta, steps: done, threads: kernel ? kernel.threads : 1, projectEvery: every2 };
}

/**
 * Ritz values of `steps` plain Lanczos steps (plainLanczos) on the complement of the rows `deflation`,
 * ascending, with the spurious copies of converged ones removed by Cullum & Willoughby's test
 * (Lanczos Algorithms for Large Symmetric Eigenvalue Computations, vol. 1, §4.5 (1985)): a simple
 * eigenvalue of T that is also an eigenvalue of T̂ (T without its first row and column) is a ghost;
 * of a multiple one, one copy is kept. For the crude runs that place the filter's cut and estimate
 * λ_max: the full reorthogonalisation of lowestModes' valuesOnly run read the whole growing basis
 * twice a step (at N = 10^5, 200 steps: ~10^11 bytes), this reads two vectors. `top` is the
 * largest Ritz value (≤ λ_max up to rounding; a ghost of λ_max is λ_max).
 */
export function crudeRitzValues(op: RowsOperator, n: number, deflation: Float64Array, steps: number, options: { stepKernel?: KrylovCheckOptions['stepKernel']; seed?: number } = {}): { values: Float64Array; top: number; steps: number; threads: number } {
  const run = plainLanczos(op, n, deflation, steps, { stepKernel: options.stepKernel, seed: options.seed });
  const k = run.steps;
  const eigenvalues = (from: number) => {
    const m = k - from;
    const d = Float64Array.from(run.alpha.subarray(from, k));
    const e = new Float64Array(m);
    for (let i = 1; i < m; i++) e[i] = run.beta[from + i - 1];
    if (m > 0) tridiagonalQL(d, e);
    return d.sort();
  };
  const all = eigenvalues(0);
  const hat = eigenvalues(1);
  let scale = 0;
  for (const x of all) scale = Math.max(scale, Math.abs(x));
  const tol = 1e-10 * scale;
  const kept: number[] = [];
  for (let i = 0; i < all.length; ) {
    let j = i + 1;
    while (j < all.length && all[j] - all[j - 1] <= tol) j++;
    // [i, j): a group within tol. Multiple: one copy is genuine. Simple: genuine unless T̂ has it too.
    if (j - i > 1) kept.push(all[i]);
    else {
      let lo = 0;
      let hi = hat.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (hat[mid] < all[i]) lo = mid + 1;
        else hi = mid;
      }
      const near = (lo < hat.length && Math.abs(hat[lo] - all[i]) <= tol) || (lo > 0 && Math.abs(hat[lo - 1] - all[i]) <= tol);
      if (!near) kept.push(all[i]);
    }
    i = j;
  }
  return { values: Float64Array.from(kept), top: all.length > 0 ? all[all.length - 1] : NaN, steps: k, threads: run.threads };
}
