/**
 * The lowest-K spectrum (docs/PHYSICS.md §4 "lowest-K path"): the K lowest non-zero modes of the sparse
 * float64 Hessian without the dense matrix, the d translations deflated exactly, with a
 * certificate that none below was missed.
 *
 *  1. λ_max by a few Lanczos steps (engine/linalg/lowestModes.ts, largestEigenvalue);
 *  2. the K lowest pairs of P H P (P projects out the translations) by thick-restart block Lanczos,
 *     to ‖Hx − θx‖ ≤ tolerance · λ_max, with the pair K + 1 as the guard that gives the gap; a
 *     cluster across the edge (θ_(K+1) within clusterTolerance of θ_K) extends the set;
 *  3. certification by Sylvester inertia (the supernodal multifrontal LDLᵀ of
 *     engine/hessian/multifrontalLDL.ts in the nested-dissection order of sparseLDL.ts): with σ halfway between
 *     λ_K and λ_(K+1), H − σI must have exactly d + K negative eigenvalues (the d zero modes and
 *     the K found). More means modes were missed: the solver runs again asking for the missing
 *     ones too. The factorisation is only attempted when its cost, known from the symbolic
 *     factorisation, fits the budget; otherwise the result says "not certified" and why.
 */
import { cellOrder, hessianGershgorinBound, permuteHessian, unpermuteRows, type SparseHessian } from '../hessian/sparse';
import { hessianRowsOperator } from '../hessian/hessianRows';
import { lanczosKernel } from '../hessian/lanczosKernel';
import { largestEigenvalue, lowestModes, rayleighRitzRows, type LowestModes, type LowestModesOptions } from '../linalg/lowestModes';
import { nestedDissectionOrder, symbolicFactor, type FactorBudget } from '../hessian/sparseLDL';
import { factorShifted, multiplyFactor, solveShifted, supernodalCost, supernodesOf, type LDLFactor } from '../hessian/multifrontalLDL';
import { createRng, normal } from '../random';
import { crudeRitzValues, KRYLOV_CHECK_MAX_STEPS, KRYLOV_CHECK_PROBABILITY, krylovCheck, krylovCheckPlan, krylovUpperBound } from '../linalg/krylovCheck';

export interface Certification {
  certified: boolean;
  /** Why not, or how. */
  reason: string;
  sigma?: number;
  /** Negative pivots of H − σI, and the d + K expected. */
  negatives?: number;
  expected?: number;
  /** Cost of the factorisation (estimated from the symbolic factorisation, done or not). */
  factorFlops?: number;
  factorMegabytes?: number;
  backwardError?: number;
  seconds?: number;
  /** Solver reruns because the inertia count (or the Krylov check) found missed modes. */
  repairs: number;
  /** How: 'inertia' (Sylvester count of an LDLᵀ of H − σI: exact up to its backward error) or 'krylov' (probabilistic). */
  method?: 'inertia' | 'krylov';
  /**
   * The lowest non-zero modes the certificate covers (≥ the K kept): the Krylov check's τ or the
   * inertia's σ sits in the gap above mode `covered`, the boundary among K … K + CERTIFY_EXTRA_PAIRS
   * where the certificate costs least (the extra pairs are converged for it, not stored).
   */
  covered?: number;
  /** 'auto': the two certificates' estimated seconds before it chose (the cost model of `chooseCertificate`). */
  estimates?: { inertiaSeconds: number; krylovSeconds: number };
  /** The Krylov check: its steps, threshold τ, and the bound on the probability that it missed a mode. */
  krylov?: { steps: number; stepsNeeded: number; threshold: number; epsilon: number; failureBound: number; ritzMin: number; threads: number };
}

export interface LowestSpectrum {
  /** The translations' Rayleigh quotients (≈ 0), then the K (+ extension) lowest non-zero eigenvalues, ascending. */
  eigenvalues: Float64Array;
  /** The matching vectors as rows ((d + K) × dN): the d normalised translations first. */
  modes: Float64Array;
  /** K asked, K returned (K + the cluster extension). */
  requested: number;
  count: number;
  extension: number;
  /** max ‖Hx − λx‖ / λ_max over the K non-zero modes (true residuals). */
  residualMax: number;
  lambdaMax: number;
  lambdaMaxUpper: number;
  /** θ_(K+1) and the relative gap (θ_(K+1) − λ_K)/λ_K above the set. */
  next: number;
  gapRelative: number;
  /** H products, restarts of the Lanczos solver (all runs together). */
  products: number;
  restarts: number;
  converged: boolean;
  certification: Certification;
  /** Which eigensolver ran ('lanczos' or 'shift-invert') and why. */
  path: {
    method: 'slice' | 'lanczos' | 'shift-invert';
    reason: string;
    solves: number;
    filter?: { cut: number; bound: number; degree: number };
    /** Whether the particles were relabelled in cell order for the solve (`reorder`). */
    cellOrder: boolean;
    /** Threads of the Lanczos runs on H: 2 where the step kernel's parts ran on the helper too (engine/hessian/lanczosKernel.ts), 1 otherwise. */
    stepThreads: number;
  };
  timings: Record<string, number>;
}

export interface LowestOptions {
  /** Residual target relative to λ_max (default 1e-10: the Ritz values are then ~1e-14 relative). */
  tolerance?: number;
  block?: number;
  /** Relative gap below which the pair K + 1 joins the set (default 1e-6). */
  clusterTolerance?: number;
  /** Chebyshev filter degree (default FILTER_DEGREE, or from degreeFactor; 0: no filter). */
  degree?: number;
  /** The cut is the crude Ritz value K + 1 + cutMargin (default 2); degreeFactor: degree ≈ degreeFactor √(bound/cut) instead of FILTER_DEGREE. */
  cutMargin?: number;
  degreeFactor?: number;
  /**
   * The eigensolver; default 'lanczos' (SLICE_FROM_K: 'slice' only where asked since session 7). 'slice': one LDLᵀ of H − σI at a σ above λ_(K+1) (estimated from θ₁, corrected by
   * the factor's own inertia and moved off a nearby eigenvalue), block Lanczos on (H − σI)⁻¹ for
   * exactly the eigenvalues below σ, whose number the inertia gives: the same factor solves and
   * certifies. 'lanczos' (also the fallback): Chebyshev-filtered thick-restart Lanczos on H, then
   * the certificate's factor at σ between λ_K and λ_(K+1). 'shift-invert' (measured, opt-in):
   * Lanczos on (H − σ₁I)⁻¹, σ₁ = −θ₁/10 < 0, then the certificate's factor. When a factor path
   * cannot run or does not converge the filtered Lanczos runs and `path` says why
   * (docs/SPECTRUM.md has the measurements).
   */
  path?: 'slice' | 'lanczos' | 'shift-invert';
  /** The WebAssembly SIMD product H X (default true; false: the TypeScript loops, the same bits). */
  kernel?: boolean;
  /** The Lanczos step in parts on two threads (engine/hessian/lanczosKernel.ts; default true in 3D; its bits do not depend on the threads, but differ in the last places from the one-thread kernels'). */
  stepKernel?: boolean;
  /** Solve with the particles in cell order (default true; `cellOrder`: the products read memory in order), the modes returned in the input order either way. */
  reorder?: boolean;
  /**
   * 'auto': the cheaper certificate by its estimated seconds (the inertia's from its factor's flops at
   * INERTIA_FLOPS_PER_SECOND, the Krylov check's from its steps at this solve's seconds per product;
   * the inertia only where its factor costs ≤ INERTIA_AUTO_MAX_FLOPS), the Krylov check
   * (engine/linalg/krylovCheck.ts: probabilistic) followed by the inertia where the check cannot
   * certify and the factor fits the budget; 'always': the inertia whatever it costs;
   * 'krylov': the Krylov check only; 'never'.
   */
  certify?: 'auto' | 'never' | 'always' | 'krylov';
  /** The Krylov check's failure probability (default KRYLOV_CHECK_PROBABILITY, 1e-6). */
  krylovProbability?: number;
  /** Pairs converged beyond K for the certificate's choice of boundary, with 'auto' and 'krylov' (default CERTIFY_EXTRA_PAIRS). */
  certifyExtraPairs?: number;
  /** Where 'auto' stops considering the inertia (default INERTIA_AUTO_MAX_FLOPS). */
  inertiaMaxFlops?: number;
  budget?: Partial<FactorBudget>;
  seed?: number;
  /** Hears the solver's progress: pairs converged of those wanted, after each restart. */
  onProgress?: (fraction: number, message: string) => void;
}

/**
 * Default factorisation budget: ≤ 4·10^11 flops and ≤ 1.08 GB of factor (1.5·10^7 3 × 3 blocks). The
 * supernodal LDLᵀ runs at 6–9 GFlop/s here (SIMD gemm), so that is ≤ ~60 s; it takes in the 3D
 * glasses up to N ≈ 10^4 (N = 10^4: 2.6·10^11 flops, 753 MB, 28.5 s under load; docs/SPECTRUM.md),
 * not N = 10^5 (~10^13 flops).
 */
export const CERTIFICATION_BUDGET: FactorBudget = { maxFlops: 4e11, maxBlocks: 1.5e7 };

/**
 * `certify: 'auto'` takes the inertia only where its factor costs at most this many flops (3D: up to
 * N ≈ 2000; N = 1000: 1.9·10^9, 0.2–0.3 s, about the Krylov check's cost there); beyond, the Krylov
 * check (engine/linalg/krylovCheck.ts), measured 5× cheaper at N = 10^4 (2.9 s against 15.5 s for the
 * 2.6·10^11-flop factor), and the inertia only if the check cannot certify.
 */
export const INERTIA_AUTO_MAX_FLOPS = 3e10;

/**
 * The rate 'auto' assumes for the inertia's LDLᵀ (with its probe product): measured here
 * (docs/BENCHMARKS.md, 2026-12-03) 4.2–7 GFlop/s at N = 1000 (1.9·10^9 flops in 0.27–0.45 s),
 * ~14 GFlop/s at N = 10^4 (2.6·10^11 flops in 18.6–19.2 s); the lower end, so that the cost model
 * leans to the inertia only where it is clearly cheaper.
 */
export const INERTIA_FLOPS_PER_SECOND = 5e9;

/**
 * The Krylov check's cost per step and pair of the Hessian (a step is one product H x and a few vector
 * operations) that 'auto' assumes: measured here (2026-12-03) 7.7 ns at N = 1000 (2017 steps in
 * 0.235 s, 15 179 pairs), 4.4–5.8 ns at N = 10^4 (two threads); the upper end.
 */
export const KRYLOV_SECONDS_PER_PAIR_STEP = 8e-9;

/**
 * Pairs the Lanczos may converge beyond K where the Krylov check may certify ('auto', 'krylov'), for
 * the certificate only (not stored): the check's steps grow as 1/√gap above the set, and a random
 * level spacing is often small (the bench glass at N = 1000: λ₃₁ − λ₃₀ = 0.19 of the mean spacing,
 * λ₃₃ − λ₃₂ 8× wider: 2017 → 714 steps). The solver goes on past K only where the steps saved exceed
 * the pairs' estimated cost.
 */
export const CERTIFY_EXTRA_PAIRS = 4;

/**
 * A further pair's cost in check steps per Lanczos product a pair so far: measured (2026-12-03) 4 more
 * pairs cost 0.8 (N = 1000: 48 products a pair against 62 a pair so far) and 1.5 (N = 10^4) products a
 * pair so far, a Lanczos product with its basis work ~1.5 check steps (N = 10^4: 1.3 against 0.9 ms).
 */
export const CERTIFY_EXTEND_COST = 2.25;

/** The d uniform translations, normalised, as rows (d × dN). */
export function translationBasis(dim: number, particles: number): Float64Array {
  const n = dim * particles;
  const u = new Float64Array(dim * n);
  const c = 1 / Math.sqrt(particles);
  for (let a = 0; a < dim; a++) for (let i = 0; i < particles; i++) u[a * n + dim * i + a] = c;
  return u;
}

const now = () => performance.now() / 1000;

/**
 * Degree of the Chebyshev filter (default). The filter trades products (more per Ritz pair as the
 * degree grows) against Lanczos steps, each of which reads the whole basis twice (its
 * orthogonalisation, memory-bound: at N = 10^4 a step of the K = 30 basis costs ~3 products). Measured
 * (docs/SPECTRUM.md, 2026-12-02): N = 10^4, K = 30: degree 2, 4, 8, 11 and no filter 9.2, 8.6, 10.0,
 * 12.6 and 12.9 s; N = 1000, K = 30: degree 3, 4, 6, 10, 20 0.54, 0.49, 0.47, 0.54, 0.73 s; K = 50:
 * degree 4, 6, 10, 16 0.81, 1.02, 1.47, 1.45 s.
 */
export const FILTER_DEGREE = 4;

/**
 * Steps of the crude Lanczos run that places the filter's cut (at least 2(K + margin) + 20): its Ritz
 * value K + margin is an upper bound of λ_(K+margin) that comes down slowly with the steps at large N
 * (N = 10^4, K = 30: 140 after 84 steps, 57 after 136, 27 after 200; the filtered run then needs
 * ~5000 and ~3800 products).
 */
const CRUDE_STEPS = 200;

/**
 * The Chebyshev filter of the solver: `cut` from one crude run of CRUDE_STEPS plain Lanczos steps
 * (crudeRitzValues: no reorthogonalisation, ghosts removed): its Ritz value K + margin, an upper
 * bound of λ_(K+margin) in exact arithmetic (Cauchy interlacing); in finite precision the bottom
 * Ritz values are still far from converged after 200 steps at the sizes where this matters (N = 10^4:
 * 27 against λ₃₃ ≈ 0.6), and a cut below a wanted pair only slows the filtered run (its residuals
 * are confirmed with H, and the certificate counts). `bound` = min(Gershgorin, 1.05 × the upper
 * estimate of λ_max from the same run's top Ritz value, crudeLambdaMax). Degree FILTER_DEGREE, or
 * degreeFactor √(bound / cut) within [4, 300] where asked. It also returns that λ_max.
 */
function chebyshevFilter(op: (x: Float64Array, y: Float64Array, c: number) => void, n: number, count: number, deflation: Float64Array, known: LambdaMax | null, gershgorin: number, probability: number, options: LowestOptions, stepKernel?: LowestModesOptions['stepKernel']): { filter?: { cut: number; bound: number; degree: number }; products: number; lambdaMax?: LambdaMax } {
  if (options.degree === 0) return { products: 0 };
  const margin = options.cutMargin ?? 2;
  const available = n - deflation.length / n;
  const index = Math.min(count + margin, available - 1);
  const basis = Math.min(available, Math.max(2 * index + 20, CRUDE_STEPS));
  const crude = crudeRitzValues(op, n, deflation, basis, { stepKernel, seed: (options.seed ?? 1) + 3 });
  const lambdaMax = crudeLambdaMax(crude.top, crude.steps, available, probability, known);
  const cut = crude.values[Math.min(index, crude.values.length) - 1];
  const bound = Math.min(gershgorin, 1.05 * lambdaMax.upper);
  if (!(cut > 0) || !(cut < 0.5 * bound)) return { products: crude.steps, lambdaMax };
  const degree = options.degree ?? (options.degreeFactor !== undefined ? Math.max(4, Math.min(300, Math.round(options.degreeFactor * Math.sqrt(bound / cut)))) : FILTER_DEGREE);
  return { filter: { cut, bound, degree }, products: crude.steps, lambdaMax };
}

/** λ_max as the Lanczos paths use it: a Ritz value (≤ λ_max), an upper estimate, and the steps behind them. */
export interface LambdaMax {
  estimate: number;
  upper: number;
  steps: number;
}

/**
 * λ_max from the top Ritz value θ of a crude run of k plain Lanczos steps on the complement (order m)
 * from a random start: the estimate θ, and as the upper estimate Kuczyński–Woźniakowski's θ/(1 − ε₁),
 * which fails with probability ≤ p (krylovUpperBound; k = 200, m = 3·10^5, p = 1e-6: 1.0027 θ). Where
 * a λ_max run came first, the larger estimate and the smaller upper estimate of the two.
 */
export function crudeLambdaMax(theta: number, k: number, m: number, probability: number, known: LambdaMax | null): LambdaMax {
  const upper = krylovUpperBound(theta, k, m, probability);
  if (!known) return { estimate: theta, upper: Number.isFinite(upper) ? upper : Math.max(theta, 0) * 1.1, steps: k };
  return { estimate: Math.max(theta, known.estimate), upper: Math.max(Math.max(theta, known.estimate), Math.min(upper, known.upper)), steps: Math.max(k, known.steps) };
}

/** The translations and the found vectors, as one set of rows to deflate. */
function deflated(translations: Float64Array, found: Float64Array, n: number): Float64Array {
  const rows = new Float64Array(translations.length + found.length);
  rows.set(translations, 0);
  rows.set(found, translations.length);
  void n;
  return rows;
}

/** The union of two sets of orthogonal eigenpairs (the second found with the first deflated), ascending. */
function mergeModes(a: LowestModes, b: LowestModes, n: number): LowestModes {
  const k = a.values.length + b.values.length;
  const order = Array.from({ length: k }, (_, i) => i).sort((p, q) => value(p) - value(q));
  function value(i: number) {
    return i < a.values.length ? a.values[i] : b.values[i - a.values.length];
  }
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * n);
  const residuals = new Float64Array(k);
  order.forEach((i, r) => {
    values[r] = value(i);
    const from = i < a.values.length ? a : b;
    const row = i < a.values.length ? i : i - a.values.length;
    vectors.set(from.vectors.subarray(row * n, row * n + n), r * n);
    residuals[r] = from.residuals[row];
  });
  // The guard above the union: the lower of the two guards that lies above it.
  const next = Math.min(...[a.next, b.next].filter((x) => x > values[k - 1]));
  return { ...a, values, vectors, residuals, next, nextResidual: NaN, products: a.products + b.products, restarts: a.restarts + b.restarts, converged: a.converged && b.converged, extension: a.extension };
}

export function lowestSpectrum(input: SparseHessian, inputPositions: Float64Array, side: number, count: number, options: LowestOptions = {}): LowestSpectrum {
  const timings: Record<string, number> = {};
  // Everything below runs on P H Pᵀ with the particles in cell order (a glass's input order is random,
  // so a product would read x and update y at random across the vectors: at N = 10^5 it is ~1.6× faster
  // in cell order); the modes go back to the input order in `finish`.
  const order = options.reorder === false ? null : cellOrder(inputPositions, side, input.dim);
  const h = order ? permuteHessian(input, order) : input;
  const positions = order ? unpermuteRows(inputPositions, order, input.dim, true) : inputPositions;
  const d = h.dim;
  const n = d * h.particles;
  const op = hessianRowsOperator(h, options.kernel ?? true);
  // The Lanczos runs on H: the step's products, filter and basis work in parts on two threads (3D).
  const stepKernel: LowestModesOptions['stepKernel'] =
    options.kernel === false || options.stepKernel === false
      ? undefined
      : (lengths, coefficients, keep) => {
          const k = lanczosKernel(h, lengths, coefficients, keep);
          if (k) path.stepThreads = Math.max(path.stepThreads, k.threads);
          return k;
        };
  const deflation = translationBasis(d, h.particles);
  const mode = options.certify ?? 'auto';
  const clusterTolerance = options.clusterTolerance ?? 1e-6;
  let t = now();
  const want = count;
  // λ_max (the residual tolerance, the filter's bound, U of the Krylov check): where the filtered
  // Lanczos runs, the top Ritz value of the filter's crude run (≥ 200 steps: U ≈ 1.003 θ against
  // 1.1 θ after the 30 steps of largestEigenvalue, so the check needs ~5 % fewer steps, and no run of
  // its own); the factor paths, and the Lanczos without a filter, take largestEigenvalue's first.
  let products = 0;
  let lm: LambdaMax | null = null;
  const lambdaMaxRun = (): LambdaMax => {
    if (!lm) {
      lm = largestEigenvalue(op, n, { seed: (options.seed ?? 1) + 1, deflation });
      products += lm.steps;
    }
    return lm;
  };
  // Pairs beyond K that the certificate may use (not stored): see CERTIFY_EXTRA_PAIRS.
  const extraPairs = mode === 'auto' || mode === 'krylov' ? Math.max(0, Math.min(options.certifyExtraPairs ?? CERTIFY_EXTRA_PAIRS, n - d - count - 2)) : 0;
  const probability = options.krylovProbability ?? KRYLOV_CHECK_PROBABILITY;
  // U ≥ λ_max for the Krylov check: Gershgorin's, or the λ_max Lanczos' estimate over (1 − ε₁) (failing
  // with the same probability as the check, the two added): the latter is ~2× tighter, ~1.4× fewer steps.
  const gershgorin = hessianGershgorinBound(h);
  let upper = gershgorin;
  // Each time the set has converged: go on to the boundary i ≤ K + extraPairs where the Krylov check's
  // steps saved (from the basis' Ritz values) exceed what converging i − k more pairs is estimated to
  // cost (CERTIFY_EXTEND_COST check steps a pair per product a pair so far), if any.
  /** The check's steps above mode i (λ_i = top, the next value above it `next`). */
  const checkSteps = (i: number, top: number, next: number) => (next > top && upper > next ? krylovCheckPlan(n - d - i, top, next, upper, probability).steps : Infinity);
  const extend =
    extraPairs > 0
      ? (values: ArrayLike<number>, k: number, productsSoFar: number) => {
          const at = (i: number) => checkSteps(i, values[i - 1], values[i]);
          const perPair = (CERTIFY_EXTEND_COST * productsSoFar) / Math.max(1, k);
          let best = k;
          let gain = 0;
          for (let i = k + 1; i <= count + extraPairs && i < values.length; i++) {
            const g = at(k) - at(i) - perPair * (i - k);
            if (g > gain) [best, gain] = [i, g];
          }
          return best - k;
        }
      : undefined;
  const budget = mode === 'always' ? { maxFlops: Infinity, maxBlocks: Infinity } : { ...CERTIFICATION_BUDGET, ...options.budget };
  timings.filter = now() - t;
  // The ordering, symbolic factor and supernodes, shared by the shift-invert solver and the certificate.
  let prepared: ReturnType<typeof prepareFactor> | null = null;
  const prepare = () => {
    if (!prepared) {
      const t1 = now();
      prepared = prepareFactor(h, positions, side, budget);
      timings.ordering = now() - t1;
    }
    return prepared;
  };
  const onCheck = options.onProgress ? (p: number, done: number, w: number) => options.onProgress!(done / w, `Lanczos: ${done} of ${w} pairs converged after ${p} products`) : undefined;
  const certification: Certification = { certified: false, reason: '', repairs: 0 };
  const path: LowestSpectrum['path'] = { method: 'lanczos', reason: 'Chebyshev-filtered Lanczos on H', solves: 0, cellOrder: order !== null, stepThreads: 1 };
  let result: LowestModes | null = null;
  // A path on the supernodal factor (slice, shift-invert): the factor if it fits the budget, the
  // path's own run, and its factor time, Lanczos time, products and solves into the record.
  const onFactor = <R extends { factorSeconds: number; products: number; solves: number }>(asked: string, run: (f: ReturnType<typeof prepareFactor>) => R) => {
    const f = prepare();
    if (f.overBudget) {
      path.reason = `${asked}, but ${f.reason}: Chebyshev-filtered Lanczos on H instead`;
      return null;
    }
    if (options.path === undefined && f.factorFlops > SLICE_MAX_FLOPS) {
      path.reason = `${asked}, but its factor (${f.factorFlops.toExponential(2)} flops) is above SLICE_MAX_FLOPS: Chebyshev-filtered Lanczos on H, then the certificate`;
      return null;
    }
    const t0 = now();
    const r = run(f);
    timings.factor = r.factorSeconds;
    timings.lanczos = now() - t0 - r.factorSeconds;
    products += r.products;
    path.solves = r.solves;
    return { f, r };
  };
  if ((options.path ?? (count >= SLICE_FROM_K ? 'slice' : 'lanczos')) === 'slice') {
    const done = onFactor(options.path === 'slice' ? 'slice asked for' : 'slice (the default)', (f) => slice(h, op, f, count, deflation, lambdaMaxRun(), clusterTolerance, options, onCheck));
    if (done) {
      const { f, r: sl } = done;
      if (sl.result) {
        path.method = 'slice';
        path.reason = `thick-restart Lanczos on (H − σI)⁻¹ for the ${sl.below} eigenvalues below σ = ${sl.sigma.toExponential(4)} (the inertia of its LDLᵀ), ${sl.solves} solves, ${sl.factors} factorisation(s)`;
        certification.factorFlops = f.factorFlops;
        certification.factorMegabytes = f.factorMegabytes;
        Object.assign(certification, sl.certification);
        return finish(sl.result, products, sl.restarts);
      }
      path.reason = `slice did not finish (${sl.why}): Chebyshev-filtered Lanczos on H instead`;
    }
  }
  if (options.path === 'shift-invert') {
    const done = onFactor('shift-invert asked for', (f) => shiftInvert(h, op, f, count, deflation, lambdaMaxRun(), clusterTolerance, options, onCheck));
    if (done) {
      const si = done.r;
      if (si.result) {
        result = si.result;
        path.method = 'shift-invert';
        path.reason = `thick-restart Lanczos on (H − σ₁I)⁻¹, σ₁ = ${si.sigma.toExponential(3)}, ${si.solves} solves with the supernodal LDLᵀ`;
      } else path.reason = `shift-invert did not converge (${si.why}): Chebyshev-filtered Lanczos on H instead`;
    }
  }
  if (!result) {
    t = now();
    const filter = chebyshevFilter(op, n, want, deflation, lm, gershgorin, probability, options, stepKernel);
    products += filter.products;
    if (filter.lambdaMax) lm = filter.lambdaMax;
    const lmUsed = lambdaMaxRun();
    // U ≥ λ_max for the Krylov check (and the cost model's estimate of it): see `upper`.
    upper = Math.min(gershgorin, krylovUpperBound(lmUsed.estimate, lmUsed.steps, n - d, probability));
    timings.filter += now() - t;
    if (filter.filter) path.filter = { ...filter.filter };
    t = now();
    const solverOptions: Omit<LowestModesOptions, 'count'> = { extend, stepKernel, deflation, block: options.block, tolerance: options.tolerance, clusterTolerance, seed: options.seed, lambdaMax: lmUsed.estimate, filter: filter.filter, onCheck };
    result = { ...lowestModes(op, n, { ...solverOptions, count: want }), lambdaMaxUpper: lmUsed.upper };
    if (!result.converged && filter.filter) {
      // The filtered run did not confirm its residuals with H: the plain iteration decides.
      products += result.products;
      result = { ...lowestModes(op, n, { ...solverOptions, count: want, filter: undefined }), lambdaMaxUpper: lmUsed.upper };
    }
    products += result.products;
    timings.lanczos = (timings.lanczos ?? 0) + now() - t;
  }
  let restarts = result.restarts;

  // Exactly degenerate eigenspaces: a Krylov space reaches only b copies of a degenerate eigenvalue
  // in exact arithmetic (rounding brings some more). When the found set holds a cluster, look for
  // missing copies with the found vectors deflated until none lies at or below the top of the set,
  // then cut the set after K at the end of its cluster.
  const inCluster = (v: Float64Array, i: number) => v[i] - v[i - 1] <= clusterTolerance * Math.abs(v[i]);
  let clustered = false;
  for (let i = 1; i < result.values.length; i++) if (inCluster(result.values, i)) clustered = true;
  let completions = 0;
  while (clustered && completions < 50) {
    const top = result.values[result.values.length - 1];
    const found = deflated(deflation, result.vectors, n);
    t = now();
    const extra = lowestModes(op, n, { stepKernel, count: Math.min(8, n - found.length / n - 1), deflation: found, block: options.block, tolerance: options.tolerance, lambdaMax: result.lambdaMax, seed: (options.seed ?? 1) + 13 * (completions + 1) });
    timings.lanczos += now() - t;
    products += extra.products;
    restarts += extra.restarts;
    completions++;
    const below = extra.values.filter((x) => x <= top + clusterTolerance * Math.abs(top)).length;
    if (below === 0) {
      result = { ...result, next: Math.min(result.next, extra.values[0]) };
      break;
    }
    const take = { ...extra, values: extra.values.slice(0, below), vectors: extra.vectors.slice(0, below * n), residuals: extra.residuals.slice(0, below), next: below < extra.values.length ? extra.values[below] : extra.next };
    result = mergeModes(result, take, n);
  }
  if (completions > 0) {
    let keep = Math.min(want, result.values.length);
    while (keep < result.values.length && inCluster(result.values, keep)) keep++;
    if (keep < result.values.length) {
      result = { ...result, next: result.values[keep], values: result.values.slice(0, keep), vectors: result.vectors.slice(0, keep * n), residuals: result.residuals.slice(0, keep) };
    }
  }

  // The certificate covers the found set up to a boundary j ≥ K (the extra pairs, CERTIFY_EXTRA_PAIRS,
  // give it a choice; a boundary never splits a cluster), the set is cut back to K after it.
  const first = (r: LowestModes, j: number): LowestModes =>
    j >= r.values.length ? r : { ...r, values: r.values.slice(0, j), vectors: r.vectors.slice(0, j * n), residuals: r.residuals.slice(0, j), next: r.values[j], nextResidual: r.residuals[j] };
  /** The boundaries j (modes covered) from K up, each with λ_j and the next value above it. */
  const boundaries = (r: LowestModes) => {
    const out: { j: number; top: number; next: number }[] = [];
    for (let j = Math.min(count, r.values.length); j <= r.values.length; j++) {
      if (j < r.values.length && inCluster(r.values, j)) continue;
      out.push({ j, top: r.values[j - 1], next: j < r.values.length ? r.values[j] : r.next });
    }
    return out;
  };
  /** The boundary where the Krylov check needs the fewest steps, and those steps. */
  const krylovBoundary = (r: LowestModes) => {
    let best = { j: r.values.length, steps: Infinity };
    for (const b of boundaries(r)) {
      const steps = checkSteps(b.j, b.top, b.next);
      if (steps < best.steps) best = { j: b.j, steps };
    }
    return best;
  };

  // The Krylov check (probabilistic; engine/linalg/krylovCheck.ts) where the inertia is not run.
  const runKrylov = (why: string, start: LowestModes): LowestModes => {
    let result = start;
    for (let attempt = 0; ; attempt++) {
      const j = krylovBoundary(result).j;
      const covered = first(result, j);
      const top = covered.values[j - 1];
      const found = deflated(deflation, covered.vectors, n);
      const chk = krylovCheck(op, n, found, top, covered.next, upper, {
        probability,
        upperFailure: upper < gershgorin ? probability : 0,
        bottom: Math.min(0, result.values[0]),
        seed: (options.seed ?? 1) + 31 * (attempt + 1),
        stepKernel,
        onProgress: options.onProgress ? (f) => options.onProgress!(f, `Krylov certificate: ${Math.round(100 * f)} % of its steps`) : undefined,
      });
      products += chk.steps;
      timings.krylov = (timings.krylov ?? 0) + chk.seconds;
      certification.method = 'krylov';
      certification.covered = j;
      certification.seconds = (certification.seconds ?? 0) + chk.seconds;
      certification.krylov = { steps: chk.steps, stepsNeeded: chk.stepsNeeded, threshold: chk.threshold, epsilon: chk.epsilon, failureBound: chk.failureBound, ritzMin: chk.ritzMin, threads: chk.threads };
      const through = j > count ? ` (checked above mode ${j}, the widest of the gaps above modes ${count}…${result.values.length})` : '';
      if (chk.passed) {
        certification.certified = true;
        certification.reason = `${chk.reason}${through}${certification.repairs ? `, after ${certification.repairs} rerun(s)` : ''}${why ? ` (the inertia certificate not run: ${why})` : ''}`;
        return result;
      }
      if (attempt >= 2 || !(chk.ritzMin < chk.threshold)) {
        certification.reason = `not certified: ${chk.reason}${through}${why ? ` (the inertia certificate not run: ${why})` : ''}`;
        return result;
      }
      // A Ritz value below τ: a missed mode, or θ_(j+1) above λ_(j+1). Look with the covered set
      // deflated (the pairs above it dropped: they were not found with the missed mode deflated).
      certification.repairs++;
      t = now();
      const extra = lowestModes(op, n, { stepKernel, count: Math.min(4, n - found.length / n - 1), deflation: found, block: options.block, tolerance: options.tolerance, lambdaMax: result.lambdaMax, seed: (options.seed ?? 1) + 101 * (attempt + 1) });
      timings.lanczos += now() - t;
      products += extra.products;
      restarts += extra.restarts;
      const below = extra.values.filter((x) => x <= top + clusterTolerance * Math.abs(top)).length;
      if (below === 0) result = { ...covered, next: Math.min(covered.next, extra.values[0]) };
      else result = mergeModes(covered, { ...extra, values: extra.values.slice(0, below), vectors: extra.vectors.slice(0, below * n), residuals: extra.residuals.slice(0, below), next: below < extra.values.length ? extra.values[below] : extra.next }, n);
    }
  };

  const runInertia = (start: LowestModes, before: string, symbolic: ReturnType<typeof prepareFactor>['symbolic'], supernodes: NonNullable<ReturnType<typeof prepareFactor>['supernodes']>): LowestModes => {
    let result = start;
    certification.method = 'inertia';
    const rng = createRng((options.seed ?? 1) + 7);
    const probe = new Float64Array(n).map(() => normal(rng));
    for (let attempt = 0; ; attempt++) {
      // σ in the widest gap above a boundary j ≥ K (the farthest from both eigenvalues).
      let best = { j: result.values.length, top: result.values[result.values.length - 1], next: result.next };
      for (const b of boundaries(result)) if (b.next - b.top > best.next - best.top) best = b;
      const { j, top } = best;
      const sigma = 0.5 * (top + best.next);
      t = now();
      const factor = factorShifted(h, sigma, symbolic.factor!, supernodes);
      const inertia = { negative: factor.negative, backwardError: backwardErrorOf(factor, op, probe), seconds: factor.seconds };
      timings.inertia = (timings.inertia ?? 0) + now() - t;
      const expected = d + j;
      const distance = Math.min(sigma - top, best.next - sigma);
      Object.assign(certification, { sigma, negatives: inertia.negative, expected, covered: j, backwardError: inertia.backwardError, seconds: (certification.seconds ?? 0) + inertia.seconds });
      if (!(best.next > top) || !(distance > 10 * inertia.backwardError)) {
        certification.reason = `not certified: σ = ${sigma} is not separated from λ_K = ${top} and θ_(K+1) = ${best.next} by more than 10× the factorisation's backward error ${inertia.backwardError.toExponential(2)}`;
        return result;
      }
      if (inertia.negative === expected) {
        certification.certified = true;
        certification.reason = `H − σI has ${inertia.negative} negative eigenvalues = ${d} translations + ${j} found (Sylvester inertia of a supernodal LDLᵀ)${certification.repairs ? `, after ${certification.repairs} rerun(s) for missed modes` : ''}${before}`;
        return result;
      }
      if (inertia.negative < expected || attempt >= 2) {
        certification.reason = `not certified: H − σI has ${inertia.negative} negative eigenvalues, ${expected} expected (${d} translations + ${j} found)`;
        return result;
      }
      // Missed modes below σ (an exactly degenerate eigenspace only partly reached): find the
      // missing ones with the translations and the found vectors up to j deflated, then merge.
      certification.repairs++;
      const covered = first(result, j);
      const missing = inertia.negative - expected;
      const deflateFound = deflated(deflation, covered.vectors, n);
      t = now();
      const extra = lowestModes(op, n, { stepKernel, count: missing, deflation: deflateFound, block: options.block, tolerance: options.tolerance, lambdaMax: result.lambdaMax, seed: (options.seed ?? 1) + 101 * (attempt + 1) });
      products += extra.products;
      restarts += extra.restarts;
      timings.lanczos += now() - t;
      result = mergeModes(covered, extra, n);
    }
  };

  if (mode === 'never') certification.reason = 'not requested';
  else if (mode === 'krylov') result = runKrylov('', result);
  else {
    const { symbolic, supernodes, overBudget, factorFlops } = prepare();
    certification.factorFlops = factorFlops;
    certification.factorMegabytes = prepared!.factorMegabytes;
    let inertia = !overBudget;
    if (mode === 'auto') {
      // The cheaper certificate by a fixed cost model (the same choice on every run of a glass): the
      // inertia's factor at INERTIA_FLOPS_PER_SECOND against the Krylov check's steps at
      // KRYLOV_SECONDS_PER_PAIR_STEP per pair. The inertia only where its factor is ≤ inertiaMaxFlops.
      const maxFlops = options.inertiaMaxFlops ?? INERTIA_AUTO_MAX_FLOPS;
      const plan = krylovBoundary(result);
      const krylovSeconds = plan.steps <= KRYLOV_CHECK_MAX_STEPS && plan.steps < n - d - plan.j ? plan.steps * (h.pairI.length + h.particles) * KRYLOV_SECONDS_PER_PAIR_STEP : Infinity;
      const inertiaSeconds = overBudget ? Infinity : factorFlops / INERTIA_FLOPS_PER_SECOND;
      certification.estimates = { inertiaSeconds, krylovSeconds };
      const why = overBudget
        ? prepared!.reason
        : factorFlops > maxFlops
          ? `its LDLᵀ would take ${factorFlops.toExponential(2)} flops, above INERTIA_AUTO_MAX_FLOPS = ${maxFlops.toExponential(0)}; certify 'always' runs it`
          : inertiaSeconds > krylovSeconds
            ? `its LDLᵀ (${factorFlops.toExponential(2)} flops) was estimated at ${inertiaSeconds.toPrecision(2)} s, the check at ${krylovSeconds.toPrecision(2)} s; certify 'always' runs it`
            : '';
      if (why) {
        result = runKrylov(why, result);
        if (certification.certified || overBudget) inertia = false;
        else {
          certification.method = undefined;
          certification.reason = `the Krylov check did not certify (${certification.reason}): the inertia instead`;
        }
      }
    } else if (overBudget) certification.reason = `not certified: ${prepared!.reason}`;
    if (inertia) result = runInertia(result, certification.reason ? `; ${certification.reason}` : '', symbolic, supernodes!);
  }
  // Back to K (and the end of its cluster): the extra pairs were for the certificate.
  if (result.values.length > count) {
    let keep = count;
    while (keep < result.values.length && inCluster(result.values, keep)) keep++;
    result = first(result, keep);
  }

  return finish(result, products, restarts);

  /** The output: the translations (their Rayleigh quotients as eigenvalues), then the modes. */
  function finish(result: LowestModes, products: number, restarts: number): LowestSpectrum {
    // Stored rows: the translations (their Rayleigh quotients as eigenvalues), then the modes.
    const k = result.values.length;
    const modes = new Float64Array((d + k) * n);
    modes.set(deflation, 0);
    modes.set(order ? unpermuteRows(result.vectors, order, d) : result.vectors, d * n);
    const eigenvalues = new Float64Array(d + k);
    const ht = new Float64Array(d * n);
    op(deflation, ht, d);
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += deflation[a * n + i] * ht[a * n + i];
      eigenvalues[a] = s;
    }
    eigenvalues.set(result.values, d);
    let residualMax = 0;
    for (const r of result.residuals) residualMax = Math.max(residualMax, r / result.lambdaMax);
    const top = result.values[k - 1];
    return {
      eigenvalues,
      modes,
      requested: count,
      count: k,
      extension: k - count,
      residualMax,
      lambdaMax: result.lambdaMax,
      lambdaMaxUpper: result.lambdaMaxUpper,
      next: result.next,
      gapRelative: (result.next - top) / Math.abs(top),
      products,
      restarts,
      converged: result.converged,
      certification,
      path,
      timings,
    };
  }
}

/** Ordering, symbolic factor, supernodes and the factor's cost against the budget. */
function prepareFactor(h: SparseHessian, positions: Float64Array, side: number, budget: FactorBudget) {
  const d = h.dim;
  const order = nestedDissectionOrder(h, positions, side);
  const symbolic = symbolicFactor(h, order, budget);
  let factorFlops = symbolic.flops;
  let factorMegabytes = (symbolic.blocks * d * d * 8) / 1e6;
  const supernodes = symbolic.factor ? supernodesOf(symbolic.factor) : null;
  if (supernodes) {
    // The supernodal factor's own cost: its dense panels (explicit zeros included) and flops.
    const cost = supernodalCost(supernodes, d);
    factorFlops = cost.flops;
    factorMegabytes = (cost.entries * 8) / 1e6;
  }
  const budgetMegabytes = (budget.maxBlocks * d * d * 8) / 1e6;
  const overBudget = !symbolic.factor || factorFlops > budget.maxFlops || factorMegabytes > budgetMegabytes;
  const part = symbolic.columnsDone < h.particles ? ` counted after ${symbolic.columnsDone} of ${h.particles} columns` : '';
  const reason = overBudget ? `the LDLᵀ factorisation would exceed its budget (≥ ${factorFlops.toExponential(2)} flops and ${factorMegabytes.toFixed(0)} MB of factor${part}; budget ${budget.maxFlops.toExponential(1)} flops, ${budgetMegabytes.toFixed(0)} MB)` : '';
  return { symbolic, supernodes, factorFlops, factorMegabytes, overBudget, reason };
}

/**
 * The K (+ guard, + cluster extension) lowest pairs by thick-restart Lanczos on −(H − σ₁I)⁻¹ with
 * the translations deflated (Ericsson & Ruhe, Math. Comp. 35, 1251 (1980); Grimes, Lewis & Simon,
 * SIAM J. Matrix Anal. Appl. 15, 228 (1994)). σ₁ = −θ₁/10, θ₁ ≥ λ₁ the lowest Ritz value of 20
 * plain Lanczos steps, so H − σ₁I is positive definite and the factor needs no pivoting. Converged
 * when ‖Sx − μx‖ ≤ tol·|μ| (then ‖Hx − λx‖ ≤ tol·λ_max); the pairs are then refined by one
 * Rayleigh–Ritz with H itself and their true residuals on H measured: those, not the solver's, decide.
 */
function shiftInvert(h: SparseHessian, op: (x: Float64Array, y: Float64Array, c: number) => void, f: ReturnType<typeof prepareFactor>, count: number, deflation: Float64Array, lm: { estimate: number; upper: number }, clusterTolerance: number, options: LowestOptions, onCheck?: (p: number, done: number, w: number) => void) {
  const n = h.dim * h.particles;
  const tolerance = options.tolerance ?? 1e-10;
  const crude = lowestModes(op, n, { count: 1, deflation, maxProducts: 20, basis: 20, lambdaMax: lm.estimate, tolerance: 1, valuesOnly: true, seed: (options.seed ?? 1) + 5 });
  const sigma = -0.1 * crude.values[0];
  const t = now();
  const factor = factorShifted(h, sigma, f.symbolic.factor!, f.supernodes!);
  const factorSeconds = now() - t;
  const base = { sigma, factorSeconds, products: crude.products, solves: 0 };
  if (factor.negative > 0 || factor.zero > 0) return { ...base, result: null, why: `H − σ₁I is not positive definite (${factor.negative} negative pivots): a negative eigenvalue` };
  let solves = 0;
  const inverse = (x: Float64Array, y: Float64Array, c: number) => {
    solves += c;
    solveShifted(factor, x, y, c);
    for (let i = 0; i < c * n; i++) y[i] = -y[i];
  };
  const si = lowestModes(inverse, n, { count, deflation, block: options.block, tolerance, relativeResidual: true, clusterTolerance, lambdaMax: 1 / (1.1 * crude.values[0]), maxProducts: 20 * (count + 1) + 300, seed: (options.seed ?? 1) + 9, onCheck });
  if (!si.converged) return { ...base, solves, result: null, why: `${solves} solves` };
  // λ = σ₁ − 1/μ; one Rayleigh–Ritz with H on the converged vectors, true residuals.
  const k = si.values.length;
  const vectors = si.vectors.slice();
  const rr = rayleighRitzRows(op, vectors, k, n, deflation, 1);
  const next = sigma - 1 / si.next;
  let ok = true;
  for (let i = 0; i < k; i++) if (!(rr.residuals[i] <= 10 * tolerance * lm.estimate)) ok = false;
  if (!ok) return { ...base, solves, products: crude.products + k, result: null, why: 'true residuals on H above the target' };
  const result: LowestModes = { values: rr.values, vectors, residuals: rr.residuals, next, nextResidual: NaN, lambdaMax: lm.estimate, lambdaMaxUpper: lm.upper, extension: si.extension, top: NaN, products: k, restarts: si.restarts, converged: true };
  return { ...base, solves, products: crude.products + k, result, why: '' };
}

/** ‖(L D Lᵀ − (H − σI)) x‖ / ‖x‖ for the probe x: the factorisation's backward error, measured. */
function backwardErrorOf(factor: LDLFactor, op: (x: Float64Array, y: Float64Array, c: number) => void, probe: Float64Array): number {
  const n = probe.length;
  const ldl = new Float64Array(n);
  multiplyFactor(factor, probe, ldl);
  const hp = new Float64Array(n);
  op(probe, hp, 1);
  let e2 = 0;
  let p2 = 0;
  for (let i = 0; i < n; i++) {
    e2 += (ldl[i] - hp[i] + factor.sigma * probe[i]) ** 2;
    p2 += probe[i] * probe[i];
  }
  return Math.sqrt(e2 / p2);
}

/**
 * σ of the slice from θ₁ ≥ λ₁: σ = SLICE_ESTIMATE · θ₁ · m^(2/d) for m eigenvalues wanted below it,
 * the Debye count N(λ) ∝ λ^(d/2) scaled from the lowest one. Measured on the N = 1000 bench glass
 * (3D, m = 2, T* = ∞): λ_(m)/(λ₁ m^(2/3)) = 0.67–0.73 for m = 10 … 100 (docs/SPECTRUM.md); 0.8 errs
 * high, since a σ too high costs a few more eigenvalues to find and one too low a second factor.
 */
const SLICE_ESTIMATE = 0.7;

/** Block size of the slice's Lanczos: a solve of 4 vectors costs ~1.6 of one (the panels read once), measured at N = 1000 (docs/SPECTRUM.md). */
const SLICE_BLOCK = 4;

/**
 * A pair of S is taken when ‖Sx − μx‖ ≤ SLICE_ACCEPT · tolerance · |μ|: the solves with a factor of
 * an indefinite H − σI without pivoting have a relative accuracy of ~1e-9 for σ high in the band
 * (measured at N = 1000, σ = 6.5: every true residual of S at 1–2e-9 |μ|), so the criterion of S is
 * loosened and the true residuals on H after the Rayleigh–Ritz with H decide (≤ 10 · tolerance · λ_max).
 */
const SLICE_ACCEPT = 100;

/**
 * The default path would be the slice from this K on (where the factor fits), the filtered Lanczos
 * below it: since session 7 never (the slice only where asked, `path: 'slice'`). Session 4 measured
 * the slice faster from K ≈ 80 when the Lanczos had to pay for the inertia certificate (N = 1000, K =
 * 100: 3.5–5.2 s against 6.5–7.9 s); with the Krylov check the filtered Lanczos is faster at every K
 * measured (docs/SPECTRUM.md, 2026-12-03, N = 1000, three glasses, two runs each: K = 80 1.1–1.5 s
 * against 2.1–2.5 s, K = 100 1.2–1.3 s against 2.4–6.9 s, K = 150 1.8–2.2 s against 3.7–6.0 s, K = 200
 * 3.3–3.4 s against 4.6–4.8 s, K = 300 5.9–6.7 s against 9.3–9.4 s).
 */
export const SLICE_FROM_K = Infinity;

/**
 * The slice is the default only where its factor is at most this many flops (N = 1000 in 3D: 1.9·10^9,
 * measured). Beyond (N = 10^4: 2.6·10^11 flops, 753 MB) every solve reads the whole factor twice, and
 * the slice's hundreds of solves are not measured against the filtered Lanczos + one factor for the
 * certificate; so the certificate's budget (CERTIFICATION_BUDGET) does not make it the default there.
 */
export const SLICE_MAX_FLOPS = 3e10;

/** σ moves to the middle of its gap when the eigenvalue above it is nearer than this fraction of the distance to the one below (see slice). */
const SLICE_PLACEMENT = 0.3;

/**
 * Spectrum slicing with one factorisation (Ericsson & Ruhe, Math. Comp. 35, 1251 (1980); Grimes,
 * Lewis & Simon, SIAM J. Matrix Anal. Appl. 15, 228 (1994): the shift is placed, and its inertia
 * read, from the same LDLᵀ). σ from θ₁ (20–40 plain Lanczos steps) by SLICE_ESTIMATE; the factor of
 * H − σI gives the count m = negatives − d of eigenvalues below σ; while m < K + 1 (or m is far more
 * than needed) σ is moved by the Debye law between the counts and the factor redone. Then
 * thick-restart Lanczos on S = (H − σI)⁻¹ (same solver, ARPACK's relative criterion) for its m
 * lowest eigenvalues: 1/(λ − σ) < 0 are exactly those below σ and lie at the lower end of the
 * spectrum of S, so the m eigenpairs below σ are extreme ones. If they do not all converge within
 * 8m + 200 solves the path gives up (the caller runs the filtered Lanczos): measured at N = 1000,
 * K = 50, where σ fell 0.17 % below an eigenvalue and the true residuals of S stalled at
 * 1e-8–1e-7 |μ| (the unpivoted indefinite factor; docs/SPECTRUM.md has what was tried). One Rayleigh–Ritz with H gives λ and the true residuals on H. The inertia
 * is the certificate: all m eigenvalues below σ found, so the K lowest (extended over a cluster at
 * the edge) are the lowest ones; λ_(K+1) < σ is found too and gives the gap.
 */
function slice(h: SparseHessian, op: (x: Float64Array, y: Float64Array, c: number) => void, f: ReturnType<typeof prepareFactor>, count: number, deflation: Float64Array, lm: { estimate: number; upper: number }, clusterTolerance: number, options: LowestOptions, onCheck?: (p: number, done: number, w: number) => void) {
  const d = h.dim;
  const n = d * h.particles;
  const available = n - d;
  const tolerance = options.tolerance ?? 1e-10;
  const seed = options.seed ?? 1;
  const steps = Math.min(80, available);
  const crude = lowestModes(op, n, { count: 1, deflation, maxProducts: steps, basis: steps, lambdaMax: lm.estimate, tolerance: 1, valuesOnly: true, seed: seed + 5, guard: false });
  let products = crude.products;
  const base = { sigma: NaN, below: 0, factors: 0, factorSeconds: 0, products, solves: 0, restarts: 0 };
  const theta1 = crude.values[0];
  if (!(theta1 > 0)) return { ...base, result: null, certification: null, why: `θ₁ = ${theta1} is not positive` };
  const need = Math.min(count + 1, available); // K and the guard λ_(K+1) below σ
  const target = Math.min(available, count + 2 + Math.ceil(0.1 * count));
  const most = Math.min(available, Math.ceil(1.3 * target) + 10); // more below σ cost more in solves than a second factor (measured: 77 for K = 30 on an m = ∞ glass, 6.9 s; refactored 3.1 s)
  let sigma = SLICE_ESTIMATE * theta1 * target ** (2 / d);
  let factor: LDLFactor | null = null;
  let factors = 0;
  let factorSeconds = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    const trial = factorShifted(h, sigma, f.symbolic.factor!, f.supernodes!);
    factors++;
    factorSeconds += trial.seconds;
    const below = trial.negative - d;
    if (trial.zero === 0 && below >= need && below <= most) {
      factor = trial;
      break;
    }
    // The Debye law between the count found and the count wanted, within a factor 4 a step.
    const ratio = Math.min(4, Math.max(0.25, (target / Math.max(1, below)) ** (2 / d)));
    sigma *= trial.zero > 0 ? 1 + 1e-6 : below < need ? Math.max(1.1, ratio) : Math.min(0.9, ratio);
  }
  base.factors = factors;
  base.factorSeconds = factorSeconds;
  base.sigma = sigma;
  if (!factor) return { ...base, result: null, certification: null, why: `no σ with ${need}–${most} eigenvalues below it in ${factors} factorisations` };
  let fac = factor;
  let solves = 0;
  const inverse = (x: Float64Array, y: Float64Array, c: number) => {
    solves += c;
    solveShifted(fac, x, y, c);
  };
  // σ close under an eigenvalue (measured: 0.17 % at N = 1000, K = 50) makes the solves too
  // inaccurate for the small |μ| (docs/SPECTRUM.md). A short run on S gives its extremes, hence the
  // nearest eigenvalue on either side of σ (Ritz values: the gaps are over-estimated); if the one
  // above is much the nearer, σ moves to the middle of the gap (no eigenvalue crossed) and the
  // factor is redone; the count is checked again.
  const ends = lowestModes(inverse, n, { count: 1, deflation, block: options.block ?? SLICE_BLOCK, basis: 6 * SLICE_BLOCK, maxProducts: 6 * SLICE_BLOCK, tolerance: 1, relativeResidual: true, guard: false, lambdaMax: 1 / sigma, seed: seed + 6 });
  const gapBelow = ends.values[0] < 0 ? -1 / ends.values[0] : NaN;
  const gapAbove = ends.top > 0 ? 1 / ends.top : NaN;
  if (gapAbove < SLICE_PLACEMENT * gapBelow) {
    const middle = sigma + 0.5 * (gapAbove - gapBelow);
    const trial = factorShifted(h, middle, f.symbolic.factor!, f.supernodes!);
    factors++;
    factorSeconds += trial.seconds;
    if (trial.zero === 0 && trial.negative === fac.negative) {
      fac = trial;
      sigma = middle;
    }
    base.factors = factors;
    base.factorSeconds = factorSeconds;
    base.sigma = sigma;
  }
  const below = fac.negative - d;
  base.below = below;
  const rng = createRng(seed + 7);
  const backwardError = backwardErrorOf(fac, op, new Float64Array(n).map(() => normal(rng)));
  // The m lowest eigenpairs of S, in one run with a bounded number of solves: unconverged (σ very
  // close to an eigenvalue spreads the spectrum of S; copies of an exactly degenerate eigenvalue
  // that the Krylov space cannot reach) means giving up, and the filtered Lanczos runs.
  const vectors = new Float64Array(below * n);
  let found = 0;
  const si = lowestModes(inverse, n, { count: below, deflation, block: options.block ?? SLICE_BLOCK, tolerance, relativeResidual: true, guard: false, lambdaMax: 1 / sigma, maxProducts: 8 * below + 200, seed: seed + 9, onCheck });
  const restarts = si.restarts;
  const top = si.top; // the largest Ritz value of S: ≈ 1/(λ_(m+1) − σ), the distance to the next eigenvalue above σ
  for (let k = 0; k < si.values.length && found < below; k++) {
    if (!(si.values[k] < 0 && si.residuals[k] <= SLICE_ACCEPT * tolerance * Math.abs(si.values[k]))) continue;
    vectors.set(si.vectors.subarray(k * n, (k + 1) * n), found * n);
    found++;
  }
  base.solves = solves;
  base.restarts = restarts;
  if (found < below) return { ...base, result: null, certification: null, why: `${found} of the ${below} eigenvalues below σ converged in ${solves} solves` };
  // λ = σ + 1/μ; one Rayleigh–Ritz with H on the m vectors: λ ascending and the true residuals on H.
  const rr = rayleighRitzRows(op, vectors, below, n, deflation, 1);
  products += below;
  base.products = products;
  for (let i = 0; i < below; i++) if (!(rr.residuals[i] <= 10 * tolerance * lm.estimate)) return { ...base, result: null, certification: null, why: `true residual ${rr.residuals[i].toExponential(2)} on H above the target` };
  const values = rr.values;
  let keep = Math.min(count, below);
  while (keep < below && values[keep] - values[keep - 1] <= clusterTolerance * Math.abs(values[keep])) keep++;
  if (keep >= below) return { ...base, result: null, certification: null, why: `the cluster at λ_K reaches σ` };
  const result: LowestModes = { values: values.slice(0, keep), vectors: vectors.slice(0, keep * n), residuals: rr.residuals.slice(0, keep), next: values[keep], nextResidual: rr.residuals[keep], lambdaMax: lm.estimate, lambdaMaxUpper: lm.upper, extension: keep - count, top: NaN, products, restarts, converged: true };
  // The count holds if no eigenvalue lies within the backward error of σ; the set is the K lowest if λ_K and λ_(K+1) are apart by more than it.
  const above = top > 0 ? 1 / top : Infinity;
  const distance = Math.min(sigma - values[below - 1], above);
  const edge = 0.5 * (values[keep] - values[keep - 1]);
  const certification: Partial<Certification> = { sigma, negatives: fac.negative, expected: d + found, backwardError, seconds: factorSeconds };
  if (!(distance > 10 * backwardError) || !(edge > 10 * backwardError)) {
    certification.certified = false;
    certification.reason = `not certified: σ = ${sigma} (${distance.toExponential(2)} from the nearest eigenvalue) or the edge λ_K = ${values[keep - 1]}, λ_(K+1) = ${values[keep]} is not separated by more than 10× the factorisation's backward error ${backwardError.toExponential(2)}`;
  } else {
    certification.certified = true;
    certification.reason = `H − σI has ${fac.negative} negative eigenvalues = ${d} translations + the ${found} found below σ, the lowest ${keep} returned (Sylvester inertia of the supernodal LDLᵀ that also did the solves)`;
  }
  return { ...base, result, certification, why: '' };
}
