/**
 * The K lowest eigenpairs of a large sparse symmetric operator (the Hessian, docs/PHYSICS.md §4 "lowest-K
 * path"), with a given subspace (the d translations) projected out exactly, in float64, without
 * forming the matrix.
 *
 * Method: block Lanczos with full reorthogonalisation and thick (Krylov–Schur) restarts —
 *   - block Lanczos: Golub & Underwood (1977); Grimes, Lewis & Simon, SIAM J. Matrix Anal. Appl.
 *     15, 228 (1994). A block of b vectors per step reads the sparse matrix once for b products and
 *     lets an eigenvalue of multiplicity ≤ b appear with all its copies;
 *   - thick restart: Wu & Simon, SIAM J. Matrix Anal. Appl. 22, 602 (2000); Stewart's Krylov–Schur
 *     form, SIAM J. Matrix Anal. Appl. 23, 601 (2001); the block version as in Zhou & Saad,
 *     Numer. Algorithms 47, 341 (2008). At a restart the p lowest Ritz vectors are kept and the next
 *     block of the Krylov sequence appended, so the basis V satisfies H V = V T + Q_next [0 … 0 B];
 *   - full reorthogonalisation (classical Gram–Schmidt twice, "twice is enough": Giraud et al.,
 *     Numer. Math. 101, 87 (2005)) of every new block against the whole basis and the deflated
 *     subspace, and T = Vᵀ H V computed explicitly from those coefficients rather than assumed
 *     block-tridiagonal.
 * The residual of a Ritz pair (θ, y) is ‖B y_last‖ (y_last: the rows of y on the last block), so
 * convergence costs no products. Finally the converged vectors get one Rayleigh–Ritz step with
 * explicit products (Parlett, The Symmetric Eigenvalue Problem, §11.4) and their true residuals
 * ‖Hx − θx‖ are measured. A block that loses rank (an invariant subspace, e.g. an exactly
 * degenerate cluster larger than the block) is refilled with random vectors orthogonal to the
 * basis, so every eigenvalue stays reachable.
 *
 * Vectors are rows (count × n, row-major), like modes.npy.
 */
import { createRng, normal, type RngState } from '../random';
import { symmetricEigen } from './symmetricEigen';
import { basisKernel, type BasisKernel } from './basisKernel';

/**
 * The basis operations of BasisKernel and the Krylov operator itself — A x, or with a filter
 * −T_q(ξ(A)) x (degree ≥ 2) — for one vector, x and y views of the kernel's memory.
 */
export interface StepKernel extends BasisKernel {
  /** Threads its operations run on. */
  threads: number;
  krylov(x: Float64Array, y: Float64Array, filter?: { cut: number; bound: number; degree: number }): void;
}

/** Y = A X for `count` vectors stored as rows of x (count × n); the same contract as hessianMultiplyRows. */
export type RowsOperator = (x: Float64Array, y: Float64Array, count: number) => void;

export interface LowestModesOptions {
  /** K: the number of lowest eigenpairs wanted (outside the deflated subspace). */
  count: number;
  /** Orthonormal rows (r × n) projected out of every vector: the translations. */
  deflation?: Float64Array;
  /** Block size b (default 1: measured fastest here, docs/SPECTRUM.md; exactly degenerate copies are reached through rank-loss refills and the certificate's reruns). */
  block?: number;
  /** Largest basis (default max(3(K+1), K+1+24b), rounded up to a multiple of b). */
  basis?: number;
  /** Converged when ‖Hx − θx‖ ≤ tolerance · λ_max (default 1e-10). */
  tolerance?: number;
  /** λ_max for the tolerance (default: estimated by largestEigenvalue). */
  lambdaMax?: number;
  /** Most products H x before it gives up (default 200 (K + 1) + 20000, four times that with the filter). */
  maxProducts?: number;
  /** Also converge the pairs after K while θ_(K+1) is within this relative distance of θ_K (default 0: no extension). */
  clusterTolerance?: number;
  /** Most pairs added to K by the cluster rule (default 2b). */
  maxExtension?: number;
  seed?: number;
  /**
   * Chebyshev filter: run the Krylov iteration on −T_q(ξ(H)), ξ(λ) = (b + c − 2λ)/(b − c), which maps
   * [cut, bound] into [−1, 1] and the eigenvalues below `cut` monotonically beyond −1, so the
   * wanted pairs are far apart for the Lanczos iteration (Fang & Saad, SIAM J. Sci. Comput. 34,
   * A2220 (2012); Zhou & Saad, SIAM J. Matrix Anal. Appl. 29, 954 (2007)). `cut` must lie above the
   * pairs wanted (a Ritz value is an upper bound); `bound` above the whole spectrum. Convergence is
   * judged on H-residuals estimated from the filtered ones and confirmed by the final Rayleigh–Ritz
   * with H itself.
   */
  filter?: { cut: number; bound: number; degree: number };
  /** Fraction of the basis beyond the wanted pairs kept at a restart (default 0.25: fewer, cheaper restarts; measured). */
  keepFraction?: number;
  /**
   * Also converge the pair K + 1 as the guard that gives the gap (default true). The shift-invert
   * path asks for exactly the eigenvalues below σ, whose number the inertia gives, so it needs none.
   */
  guard?: boolean;
  /**
   * Converged when ‖Ax − θx‖ ≤ tolerance · |θ| instead of tolerance · λ_max: for A = (H − σI)⁻¹,
   * where ‖Hx − λx‖ ≤ ‖H − σI‖ ‖Ax − θx‖ / |θ| (shift-invert; ARPACK's criterion).
   */
  relativeResidual?: boolean;
  /** The basis operations in the WebAssembly SIMD kernel (default true; false: the TypeScript loops). */
  kernel?: boolean;
  /**
   * A kernel for the whole step where the operator has one (engine/hessian/lanczosKernel.ts: the 3D
   * Hessian product, the filter and the basis operations in parts on two threads), called with
   * basisKernel's arguments; where it gives null, or `kernel` is false, basisKernel and `op` run.
   */
  stepKernel?: (lengths: number[], coefficients: number, keep: number) => StepKernel | null;
  /**
   * Only the Ritz values of the first full basis (the eigenvalues of T = Vᵀ A V: upper bounds of the
   * lowest eigenvalues by Cauchy interlacing), without vectors, restarts or the final products: the
   * crude runs that place a filter's cut or a shift. `vectors` and `residuals` come back empty.
   */
  valuesOnly?: boolean;
  /**
   * Called when the pairs wanted (K, a cluster's extension, and what it asked before: `converged` of
   * them, and the guard pair after them) have converged, with the Ritz values of the basis (ascending,
   * λ of H; converged up to the guard, the rest estimates) and the products so far: how many more pairs to converge before returning (an
   * extension of the set; 0: return).
   */
  extend?: (values: ArrayLike<number>, converged: number, products: number) => number;
  /** Called after every convergence check with the products so far and the number converged. */
  onCheck?: (products: number, converged: number, want: number) => void;
}

export interface LowestModes {
  /** The K (or K + extension) lowest eigenvalues outside the deflated subspace, ascending. */
  values: Float64Array;
  /** Their eigenvectors as rows (values.length × n), orthonormal, orthogonal to the deflated rows. */
  vectors: Float64Array;
  /** True residual norms ‖Hx − θx‖ of each, measured with explicit products. */
  residuals: Float64Array;
  /** The next Ritz value θ_(K+1) (an upper bound of λ_(K+1)) and its residual: the gap above the set. */
  next: number;
  nextResidual: number;
  /** λ_max estimate used for the tolerance (a Ritz value, ≤ λ_max) and an upper estimate. */
  lambdaMax: number;
  lambdaMaxUpper: number;
  /** Pairs added to K because they were within clusterTolerance of θ_K. */
  extension: number;
  /** The largest Ritz value of the last basis (a lower bound of the operator's largest eigenvalue outside the deflated rows). */
  top: number;
  products: number;
  restarts: number;
  converged: boolean;
}

const CHUNK = 1024;

/** x ← x − Σ_r (u_r · x) u_r for orthonormal rows u (r × n), on `count` rows of x. */
export function projectOut(u: Float64Array | undefined, x: Float64Array, count: number, n: number): void {
  if (!u) return;
  const r = u.length / n;
  for (let c = 0; c < count; c++) {
    const o = c * n;
    for (let k = 0; k < r; k++) {
      const uo = k * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += u[uo + i] * x[o + i];
      for (let i = 0; i < n; i++) x[o + i] -= s * u[uo + i];
    }
  }
}

/** C (rows × cols, row-major) = V Zᵀ for the first `rows` rows of v and `cols` rows of z; four rows of V per sweep over z. */
function rowProducts(v: Float64Array, rows: number, z: Float64Array, cols: number, n: number, c: Float64Array): void {
  for (let k = 0; k < cols; k++) {
    const zo = k * n;
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const a = r * n;
      const b = a + n;
      const e = b + n;
      const f = e + n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < n; i++) {
        const zi = z[zo + i];
        s0 += v[a + i] * zi;
        s1 += v[b + i] * zi;
        s2 += v[e + i] * zi;
        s3 += v[f + i] * zi;
      }
      c[r * cols + k] = s0;
      c[(r + 1) * cols + k] = s1;
      c[(r + 2) * cols + k] = s2;
      c[(r + 3) * cols + k] = s3;
    }
    for (; r < rows; r++) {
      const a = r * n;
      let s0 = 0;
      for (let i = 0; i < n; i++) s0 += v[a + i] * z[zo + i];
      c[r * cols + k] = s0;
    }
  }
}

/** Z ← Z − Cᵀ V (C rows × cols as in rowProducts); four rows of V per sweep over z. */
function subtractRows(v: Float64Array, rows: number, z: Float64Array, cols: number, n: number, c: Float64Array): void {
  for (let k = 0; k < cols; k++) {
    const zo = k * n;
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const a = r * n;
      const b = a + n;
      const e = b + n;
      const f = e + n;
      const c0 = c[r * cols + k];
      const c1 = c[(r + 1) * cols + k];
      const c2 = c[(r + 2) * cols + k];
      const c3 = c[(r + 3) * cols + k];
      for (let i = 0; i < n; i++) z[zo + i] -= c0 * v[a + i] + c1 * v[b + i] + c2 * v[e + i] + c3 * v[f + i];
    }
    for (; r < rows; r++) {
      const a = r * n;
      const c0 = c[r * cols + k];
      for (let i = 0; i < n; i++) z[zo + i] -= c0 * v[a + i];
    }
  }
}

/** The first `keep` rows of V replaced by Yᵀ V (Y: rows × ldY, column k = coefficients of new row k), in place, in column chunks. */
function combineRows(v: Float64Array, rows: number, y: Float64Array, ldY: number, keep: number, n: number): void {
  const tmp = new Float64Array(keep * CHUNK);
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const len = Math.min(n, i0 + CHUNK) - i0;
    tmp.fill(0);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const a = r * n + i0;
      const b = a + n;
      const e = b + n;
      const f = e + n;
      for (let k = 0; k < keep; k++) {
        const y0 = y[r * ldY + k];
        const y1 = y[(r + 1) * ldY + k];
        const y2 = y[(r + 2) * ldY + k];
        const y3 = y[(r + 3) * ldY + k];
        const to = k * CHUNK;
        for (let i = 0; i < len; i++) tmp[to + i] += y0 * v[a + i] + y1 * v[b + i] + y2 * v[e + i] + y3 * v[f + i];
      }
    }
    for (; r < rows; r++) {
      const a = r * n + i0;
      for (let k = 0; k < keep; k++) {
        const y0 = y[r * ldY + k];
        const to = k * CHUNK;
        for (let i = 0; i < len; i++) tmp[to + i] += y0 * v[a + i];
      }
    }
    for (let k = 0; k < keep; k++) v.set(tmp.subarray(k * CHUNK, k * CHUNK + len), k * n + i0);
  }
}

/** rowProducts in the SIMD kernel where it holds both arrays (the basis of lowestModes), else in TypeScript. */
function rowProductsOn(kernel: BasisKernel | undefined, v: Float64Array, rows: number, z: Float64Array, cols: number, n: number, c: Float64Array): void {
  if (kernel && kernel.owns(v) && kernel.owns(z)) kernel.rowProducts(v, rows, z, cols, n, c);
  else rowProducts(v, rows, z, cols, n, c);
}

function subtractRowsOn(kernel: BasisKernel | undefined, v: Float64Array, rows: number, z: Float64Array, cols: number, n: number, c: Float64Array): void {
  if (kernel && kernel.owns(v) && kernel.owns(z)) kernel.subtractRows(v, rows, z, cols, n, c);
  else subtractRows(v, rows, z, cols, n, c);
}

function combineRowsOn(kernel: BasisKernel | undefined, v: Float64Array, rows: number, y: Float64Array, ldY: number, keep: number, n: number): void {
  if (kernel && kernel.owns(v)) kernel.combineRows(v, rows, y, ldY, keep, n);
  else combineRows(v, rows, y, ldY, keep, n);
}

/** ‖row k of z‖ in the kernel where it holds z (its two-lane sums), else in TypeScript. */
function normOn(kernel: BasisKernel | undefined, z: Float64Array, k: number, n: number, c: Float64Array): number {
  if (!kernel || !kernel.owns(z)) return norm(z, k * n, n);
  const row = z.subarray(k * n, k * n + n);
  kernel.rowProducts(row, 1, row, 1, n, c);
  return Math.sqrt(c[0]);
}

/**
 * projectOut in the kernel where it holds both u and x: classical Gram–Schmidt against the rows of u
 * (their dot products first, then one subtraction; the rows are orthonormal, and the caller projects twice).
 */
function projectOutOn(kernel: BasisKernel | undefined, u: Float64Array | undefined, x: Float64Array, count: number, n: number): void {
  if (!u) return;
  if (!kernel || !kernel.owns(u) || !kernel.owns(x)) return projectOut(u, x, count, n);
  const r = u.length / n;
  const c = new Float64Array(r * count);
  kernel.rowProducts(u, r, x, count, n, c);
  kernel.subtractRows(u, r, x, count, n, c);
}

function norm(x: Float64Array, o: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[o + i] * x[o + i];
  return Math.sqrt(s);
}

/** Fills row `row` of x with standard normal numbers. */
export function randomRow(x: Float64Array, row: number, n: number, rng: RngState): void {
  for (let i = 0; i < n; i++) x[row * n + i] = normal(rng);
}

/**
 * Orthonormalises the `cols` rows of z against the first `rows` rows of v (orthonormal) and the
 * deflated rows, then among themselves; b (cols × cols, upper triangular) gets the coefficients
 * z_c = Σ_l b[l][c] q_l of what was left after the projection. A row that vanishes (relative to
 * `scale`) gets b[c][c] = 0 and is replaced by a random vector orthogonal to everything before.
 */
function orthonormaliseBlock(v: Float64Array, rows: number, z: Float64Array, cols: number, n: number, deflation: Float64Array | undefined, scale: number, rng: RngState, b: Float64Array, coeff?: Float64Array, kernel?: BasisKernel, local = 0): void {
  const c = new Float64Array(Math.max(1, rows) * cols);
  if (local > 0 && rows > local) {
    // The last `local` rows first (the Lanczos recurrence's own terms, where H q is mostly): what
    // is left is then small against the rest of the basis, so one pass over the whole basis usually
    // passes the criterion below and the second pass — a second read of the whole basis — is saved.
    const l0 = rows - local;
    const tail = v.subarray(l0 * n, rows * n);
    const cl = new Float64Array(local * cols);
    rowProductsOn(kernel, tail, local, z, cols, n, cl);
    subtractRowsOn(kernel, tail, local, z, cols, n, cl);
    if (coeff) for (let k = 0; k < local * cols; k++) coeff[l0 * cols + k] += cl[k];
  }
  // Classical Gram–Schmidt against the basis, a second pass where the first cancelled much
  // ("twice is enough", with the criterion of Daniel, Gragg, Kaufman & Stewart, Math. Comp. 30, 772 (1976)).
  const before = new Float64Array(cols);
  const nc = new Float64Array(1);
  for (let k = 0; k < cols; k++) before[k] = normOn(kernel, z, k, n, nc);
  for (let pass = 0; pass < 2; pass++) {
    projectOutOn(kernel, deflation, z, cols, n);
    if (rows > 0) {
      rowProductsOn(kernel, v, rows, z, cols, n, c);
      subtractRowsOn(kernel, v, rows, z, cols, n, c);
      if (coeff) for (let k = 0; k < rows * cols; k++) coeff[k] += c[k];
    }
    let again = false;
    for (let k = 0; k < cols; k++) {
      const after = normOn(kernel, z, k, n, nc);
      if (after < 0.7071 * before[k]) again = true;
      before[k] = after;
    }
    if (!again) break;
  }
  b.fill(0);
  let one: Float64Array | null = null;
  for (let k = 0; k < cols; k++) {
    const zo = k * n;
    // Against the earlier rows of this block, twice.
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < k; l++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += z[l * n + i] * z[zo + i];
        for (let i = 0; i < n; i++) z[zo + i] -= s * z[l * n + i];
        b[l * cols + k] += s;
      }
    }
    let r = normOn(kernel, z, k, n, nc);
    if (r <= 1e-12 * scale) {
      // Rank lost: an invariant subspace. Continue with a random direction orthogonal to everything.
      b[k * cols + k] = 0;
      one ??= new Float64Array(n);
      for (let attempt = 0; ; attempt++) {
        randomRow(one, 0, n, rng);
        const cr = new Float64Array(Math.max(1, rows));
        for (let pass = 0; pass < 2; pass++) {
          projectOut(deflation, one, 1, n);
          if (rows > 0) {
            rowProducts(v, rows, one, 1, n, cr);
            subtractRows(v, rows, one, 1, n, cr);
          }
          for (let l = 0; l < k; l++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += z[l * n + i] * one[i];
            for (let i = 0; i < n; i++) one[i] -= s * z[l * n + i];
          }
        }
        r = norm(one, 0, n);
        if (r > 1e-3 * Math.sqrt(n) || attempt > 5) break;
      }
      for (let i = 0; i < n; i++) z[zo + i] = one[i] / r;
    } else {
      b[k * cols + k] = r;
      for (let i = 0; i < n; i++) z[zo + i] /= r;
    }
  }
}

/**
 * λ_max of a symmetric operator by `steps` Lanczos steps with full reorthogonalisation from a
 * random start: the largest Ritz value θ (≤ λ_max, Cauchy interlacing) and θ + ‖r‖ (the residual
 * bound: an eigenvalue lies within ‖r‖ of θ; used as the practical upper estimate).
 */
export function largestEigenvalue(op: RowsOperator, n: number, options: { steps?: number; seed?: number; deflation?: Float64Array } = {}): { estimate: number; upper: number; steps: number } {
  const steps = Math.min(options.steps ?? 30, n);
  const rng = createRng(options.seed ?? 1);
  const v = new Float64Array(steps * n);
  const t = new Float64Array(steps * steps);
  const z = new Float64Array(n);
  randomRow(v, 0, n, rng);
  projectOut(options.deflation, v, 1, n);
  const r0 = norm(v, 0, n);
  for (let i = 0; i < n; i++) v[i] /= r0;
  let beta = 0;
  let m = steps;
  for (let j = 0; j < steps; j++) {
    op(v.subarray(j * n, (j + 1) * n), z, 1);
    const coeff = new Float64Array(j + 1);
    const b = new Float64Array(1);
    orthonormaliseBlock(v, j + 1, z, 1, n, options.deflation, 0, rng, b, coeff);
    for (let r = 0; r <= j; r++) {
      t[r * steps + j] = coeff[r];
      t[j * steps + r] = coeff[r];
    }
    beta = b[0];
    if (j + 1 < steps) {
      if (beta === 0) {
        m = j + 1;
        break;
      }
      v.set(z, (j + 1) * n);
    }
  }
  const tm = new Float64Array(m * m);
  for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) tm[r * m + c] = t[r * steps + c];
  const e = symmetricEigen(tm, m);
  const top = e.values[m - 1];
  const last = e.vectors![(m - 1) * m + (m - 1)];
  return { estimate: top, upper: top + Math.abs(beta * last), steps: m };
}

/**
 * One Rayleigh–Ritz step with explicit products on `count` orthonormal rows x (count × n, rotated in
 * place into the Ritz vectors, ascending): G = X A Xᵀ (A projected off the deflated rows), G = Y Θ Yᵀ,
 * X ← Yᵀ X, and the true residuals ‖A x − θ x‖ (Parlett, The Symmetric Eigenvalue Problem, §11.4).
 * The same step as engine/linalg/refine.ts `rayleighRitz`, in the form the Lanczos paths need: block
 * products of a rows operator, the deflated rows projected out, and the residuals from the rotated
 * products A X (no second round of products — for the shift-invert operator those are solves).
 */
export function rayleighRitzRows(op: RowsOperator, x: Float64Array, count: number, n: number, deflation: Float64Array | undefined, blockSize = 1): { values: Float64Array; residuals: Float64Array } {
  const outCount = count;
  const hx = new Float64Array(outCount * n);
  for (let c0 = 0; c0 < outCount; c0 += blockSize) {
    const c1 = Math.min(outCount, c0 + blockSize);
    op(x.subarray(c0 * n, c1 * n), hx.subarray(c0 * n, c1 * n), c1 - c0);
  }
  projectOut(deflation, hx, outCount, n);
  const g = new Float64Array(outCount * outCount);
  rowProducts(x, outCount, hx, outCount, n, g);
  for (let r = 0; r < outCount; r++) for (let c = r + 1; c < outCount; c++) g[r * outCount + c] = g[c * outCount + r] = 0.5 * (g[r * outCount + c] + g[c * outCount + r]);
  const rr = symmetricEigen(g, outCount);
  const rot = new Float64Array(outCount * outCount);
  for (let k = 0; k < outCount; k++) for (let r = 0; r < outCount; r++) rot[r * outCount + k] = rr.vectors![k * outCount + r];
  combineRows(x, outCount, rot, outCount, outCount, n);
  combineRows(hx, outCount, rot, outCount, outCount, n);
  const residuals = new Float64Array(outCount);
  for (let k = 0; k < outCount; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = hx[k * n + i] - rr.values[k] * x[k * n + i];
      s += r * r;
    }
    residuals[k] = Math.sqrt(s);
  }
  return { values: rr.values, residuals };
}

/** The K lowest eigenpairs of `op` outside the deflated rows (see the file comment for the method). */
export function lowestModes(op: RowsOperator, n: number, options: LowestModesOptions): LowestModes {
  const deflation = options.deflation;
  const deflated = deflation ? deflation.length / n : 0;
  const available = n - deflated;
  const count = Math.min(options.count, available);
  if (count <= 0) throw new RangeError(`lowestModes: count must be positive (got ${options.count}, ${available} available)`);
  const blockSize = Math.max(1, Math.min(options.block ?? 1, available));
  const clusterTolerance = options.clusterTolerance ?? 0;
  const maxExtension = options.maxExtension ?? 2 * blockSize;
  const rng = createRng(options.seed ?? 1);
  const lm = options.lambdaMax !== undefined ? { estimate: options.lambdaMax, upper: options.lambdaMax } : largestEigenvalue(op, n, { seed: (options.seed ?? 1) + 1, deflation });
  const lambdaMax = lm.estimate;
  const tol = (options.tolerance ?? 1e-10) * lambdaMax;
  // The filtered iteration spends more products for fewer basis vectors (measured ~2.4× at N = 10^4).
  const maxProducts = options.maxProducts ?? (200 * (count + 1) + 20000) * (options.filter ? 4 : 1);

  const filter = options.filter;
  let krylov: RowsOperator = op;
  // Filtered Ritz value μ (of −T_q(ξ(H))) → λ and the H-residual estimate of a filtered residual r.
  let lambdaOfTheta = (theta: number) => theta;
  let residualInH = (theta: number, r: number) => r;
  if (filter) {
    const centre = 0.5 * (filter.bound + filter.cut);
    const half = 0.5 * (filter.bound - filter.cut);
    const q = filter.degree;
    let t0 = new Float64Array(0);
    let t1 = new Float64Array(0);
    let t2 = new Float64Array(0);
    krylov = (x, y, c) => {
      const len = c * n;
      if (t0.length < len) {
        t0 = new Float64Array(len);
        t1 = new Float64Array(len);
        t2 = new Float64Array(len);
      }
      // T_0 = x, T_1 = ξ(H) x, T_(k+1) = 2 ξ(H) T_k − T_(k−1); ξ(H) = (centre − H)/half.
      let prev = t0.subarray(0, len);
      let cur = t1.subarray(0, len);
      let nxt = t2.subarray(0, len);
      prev.set(x.subarray(0, len));
      op(prev, cur, c);
      for (let i = 0; i < len; i++) cur[i] = (centre * prev[i] - cur[i]) / half;
      for (let k = 1; k < q; k++) {
        op(cur, nxt, c);
        for (let i = 0; i < len; i++) nxt[i] = (2 * (centre * cur[i] - nxt[i])) / half - prev[i];
        const r = prev;
        prev = cur;
        cur = nxt;
        nxt = r;
      }
      for (let i = 0; i < len; i++) y[i] = -cur[i];
    };
    lambdaOfTheta = (theta: number) => (-theta > 1 ? centre - half * Math.cosh(Math.acosh(-theta) / q) : Infinity);
    residualInH = (theta: number, r: number) => {
      const mu = -theta;
      if (!(mu > 1)) return Infinity;
      const a = Math.acosh(mu) / q;
      // |dT_q/dλ| = q U_(q−1)(ξ) / half, U_(q−1)(cosh a) = sinh(q a)/sinh(a).
      const slope = (q * Math.sinh(q * a)) / Math.sinh(a) / half;
      return r * Math.max(filter.bound / (mu - 1), 1 / slope);
    };
  }
  const productsPerStep = filter ? filter.degree : 1;

  const guard = options.guard === false ? 0 : 1;
  let want = Math.min(count + guard, available); // the pair after K gives the gap (and σ of the inertia count)
  const basisFor = (w: number) => Math.min(available - (available % blockSize), Math.ceil(Math.max(3 * w, w + 24 * blockSize) / blockSize) * blockSize);
  let m = Math.max(blockSize, options.basis ?? basisFor(want + maxExtension * (clusterTolerance > 0 ? 1 : 0)));
  m = Math.min(m, available);
  const maxBlock = blockSize;
  // The basis, the next block and the product in the SIMD kernel's memory where it loads (its dot
  // products, subtractions and restarts are most of the work beside the products at N ≥ 10^4).
  const kernelArgs: [number[], number, number] = [[(m + maxBlock) * n, maxBlock * n, maxBlock * n, deflation?.length ?? 0], Math.max(m * m, (m + maxBlock) * maxBlock, deflated * maxBlock), m];
  const step = options.kernel === false ? null : (options.stepKernel?.(...kernelArgs) ?? null);
  const kernel = options.kernel === false ? null : (step ?? basisKernel(...kernelArgs) ?? null);
  if (step && (!filter || filter.degree >= 2)) {
    const general = krylov;
    krylov = (x, y, c) => {
      if (c === 1 && step.owns(x) && step.owns(y)) step.krylov(x, y, filter);
      else general(x, y, c);
    };
  }
  let v = kernel ? kernel.arrays[0] : new Float64Array((m + maxBlock) * n);
  let t = new Float64Array(m * m);
  const next = kernel ? kernel.arrays[1] : new Float64Array(maxBlock * n);
  const z = kernel ? kernel.arrays[2] : new Float64Array(maxBlock * n);
  const basisOps = kernel ?? undefined;
  // The deflated rows beside the basis, so that their projections run in the kernel too.
  const deflationRows = kernel && deflation ? kernel.arrays[3] : deflation;
  if (kernel && deflation) kernel.arrays[3].set(deflation);
  const bmat = new Float64Array(maxBlock * maxBlock);
  let bsize = Math.min(blockSize, m);

  // The first block: random, projected, orthonormal.
  for (let c = 0; c < bsize; c++) randomRow(next, c, n, rng);
  orthonormaliseBlock(v, 0, next, bsize, n, deflation, 0, rng, bmat);

  let j = 0;
  let products = 0;
  let restarts = 0;
  let theta: Float64Array = new Float64Array(0);
  let y = new Float64Array(0);
  let ritzResiduals = new Float64Array(0);
  let converged = false;
  let extension = 0;
  let extending = true;
  for (;;) {
    // Append the next block and expand: Z = H Q, orthogonalised against V (which now holds Q).
    const qStart = j;
    v.set(next.subarray(0, bsize * n), j * n);
    j += bsize;
    krylov(v.subarray(qStart * n, j * n), z, bsize);
    products += bsize * productsPerStep;
    const coeff = new Float64Array(j * bsize);
    orthonormaliseBlock(v, j, z, bsize, n, deflationRows, lambdaMax, rng, bmat, coeff, basisOps, Math.min(j, 2 * bsize));
    for (let r = 0; r < j; r++) {
      for (let c = 0; c < bsize; c++) {
        const col = qStart + c;
        if (r >= qStart && r < j) {
          // The diagonal block Qᵀ H Q: symmetrised.
          const other = coeff[(qStart + c) * bsize + (r - qStart)];
          t[r * m + col] = 0.5 * (coeff[r * bsize + c] + other);
        } else {
          t[r * m + col] = coeff[r * bsize + c];
          t[col * m + r] = coeff[r * bsize + c];
        }
      }
    }
    next.set(z.subarray(0, bsize * n));
    const lastBlock = bsize;
    const full = j + bsize > m;
    if (!full && products < maxProducts) continue;

    // Rayleigh–Ritz on the basis: T = Y Θ Yᵀ; residual of pair i: ‖B y_i(last block)‖.
    const tj = new Float64Array(j * j);
    for (let r = 0; r < j; r++) for (let c = 0; c < j; c++) tj[r * j + c] = t[r * m + c];
    if (options.valuesOnly) {
      const values = symmetricEigen(tj, j, { vectors: false }).values;
      const k = Math.min(count, j);
      return { values: values.slice(0, k), vectors: new Float64Array(0), residuals: new Float64Array(0), next: j > k ? values[k] : NaN, nextResidual: NaN, lambdaMax, lambdaMaxUpper: lm.upper, extension: 0, top: values[j - 1], products, restarts: 0, converged: false };
    }
    // Divide and conquer: 0.7× QL's time at the basis' orders (3.1 against 4.5 ms at 93, 3.9 against 7.2 ms at 120).
    const e = symmetricEigen(tj, j, { method: 'divide-and-conquer' });
    theta = e.values;
    // Y with column k = eigenvector k: symmetricEigen's rows are eigenvectors.
    y = new Float64Array(j * j);
    for (let k = 0; k < j; k++) for (let r = 0; r < j; r++) y[r * j + k] = e.vectors![k * j + r];
    ritzResiduals = new Float64Array(j);
    for (let k = 0; k < j; k++) {
      let s = 0;
      for (let l = 0; l < lastBlock; l++) {
        let g = 0;
        for (let c = l; c < lastBlock; c++) g += bmat[l * lastBlock + c] * y[(qStart + c) * j + k];
        s += g * g;
      }
      ritzResiduals[k] = residualInH(theta[k], Math.sqrt(s));
    }
    const lam = filter ? Array.from(theta, lambdaOfTheta) : theta;
    const relative = options.relativeResidual === true;
    const convergedCount = () => {
      let k = 0;
      while (k < Math.min(want, j) && ritzResiduals[k] <= (relative ? (options.tolerance ?? 1e-10) * Math.abs(theta[k]) : tol)) k++;
      return k;
    };
    let done = convergedCount();
    // A cluster across the edge of the set: while the guard θ_want is within clusterTolerance of the
    // last wanted value (both converged), it joins the set and the next pair becomes the guard.
    while (done >= want && clusterTolerance > 0 && extension < maxExtension && want < j && want < available && want >= 2 && lam[want - 1] - lam[want - 2] <= clusterTolerance * Math.abs(lam[want - 1])) {
      want++;
      extension++;
      done = convergedCount();
    }
    if (done >= want && options.extend && extending) {
      const more = Math.max(0, Math.min(Math.floor(options.extend(lam, want - guard, products)), j - bsize - want - 1, available - want));
      if (more > 0) {
        want += more;
        extension += more;
        done = convergedCount();
      } else extending = false;
    }
    options.onCheck?.(products, done, want);
    if (done >= want) {
      converged = true;
      break;
    }
    if (products >= maxProducts || j >= available) break;
    // Thick restart: keep the p lowest Ritz vectors, then continue from the next block.
    const keep = Math.min(j - bsize, Math.max(want + bsize, Math.floor(want + (j - want) * (options.keepFraction ?? 0.25))));
    combineRowsOn(basisOps, v, j, y, j, keep, n);
    t = new Float64Array(m * m);
    for (let k = 0; k < keep; k++) t[k * m + k] = theta[k];
    j = keep;
    restarts++;
  }

  // The converged set: Ritz vectors, explicit products, one Rayleigh–Ritz, true residuals.
  const top = theta.length > 0 ? theta[theta.length - 1] : NaN;
  const outCount = Math.min(want, j);
  combineRowsOn(basisOps, v, j, y, j, outCount, n);
  const x = v.slice(0, outCount * n);
  v = new Float64Array(0);
  t = new Float64Array(0);
  const rr = rayleighRitzRows(op, x, outCount, n, deflation, blockSize);
  const residuals = rr.residuals;
  const keepCount = Math.min(count + extension, outCount);
  let allConverged = converged;
  for (let k = 0; k < keepCount; k++) if (!(residuals[k] <= (options.relativeResidual ? (options.tolerance ?? 1e-10) * Math.abs(rr.values[k]) : tol) * 10)) allConverged = false;
  return {
    values: rr.values.slice(0, keepCount),
    vectors: x.slice(0, keepCount * n),
    residuals: residuals.slice(0, keepCount),
    next: outCount > keepCount ? rr.values[keepCount] : NaN,
    nextResidual: outCount > keepCount ? residuals[keepCount] : NaN,
    lambdaMax,
    lambdaMaxUpper: lm.upper,
    extension,
    top,
    products,
    restarts,
    converged: allConverged,
  };
}
