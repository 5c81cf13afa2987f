/**
 * Blocked parallel Jacobi eigensolver in gpu.js kernels (float32 on the device).
 *
 * Method (Golub & Van Loan, Matrix Computations, 4th ed., §8.5.3 "cyclic Jacobi", §8.5.4 "block
 * Jacobi", §8.5.5 "parallel ordering"; Bečka, Okša & Vajteršic, Numer. Algorithms 2002):
 *  - the n indices are padded to npad = nb·b and split into nb blocks of b indices;
 *  - a sweep is nb − 1 rounds; in each round the blocks are paired by the round-robin ("circle")
 *    tournament, so every pair of blocks meets exactly once per sweep and the nb/2 block pairs of a
 *    round are disjoint and are rotated in parallel;
 *  - for each block pair the 2b × 2b subproblem S is gathered, and one inner cyclic sweep (again
 *    round-robin over its 2b indices, b disjoint 2 × 2 rotations per step, GVL Alg. 8.5.1
 *    sym.schur2) accumulates an orthogonal U with S ← Uᵀ S U;
 *  - the round's transforms are applied to the whole matrix, A ← Ûᵀ A Û, and accumulated into the
 *    eigenvectors, V ← V Û (Û is the permuted block-diagonal matrix of all U of the round).
 * Every pair of indices is rotated at least once per sweep, so this is a cyclic Jacobi method with
 * the quadratic convergence of GVL Thm. 8.5.3. A sweep is compiled into one gpu.js pipeline
 * (createPipeline): matrices stay on the device for all its steps; between sweeps the host reads
 * A back to measure the off-diagonal norm and decide whether to go on.
 *
 * Padding indices carry A[p][p] = 0 and no coupling; their rotation angle is exactly zero, so they
 * stay decoupled unit vectors and are dropped from the result.
 */
import * as gpujs from 'gpu.js';
import type { ComputeDevice } from './device';
import { flattenResult } from './pairKernels';

/** gpu.js `input(values, [width, height])`: a flat array seen by kernels as 2D (typed loosely in 2.24's d.ts). */
const input = (gpujs as unknown as { input: (values: Float32Array, size: number[]) => unknown }).input;

// ---- index maps (kernel-side functions) ----

/** a mod m for integer-valued a ≥ 0, robust to float32 division (not named `modulo`: the GLSL prelude of gpu.js has one). */
function wrapIndex(a: number, m: number): number {
  return a - m * Math.floor((a + 0.5) / m);
}

/** Global block index of slot `side` (0 or 1) of block pair z in round r (circle method on nb blocks). */
function pairBlock(z: number, side: number, r: number, nb: number): number {
  if (side < 0.5) {
    if (z < 0.5) return nb - 1.0;
    return wrapIndex(r + z, nb - 1.0);
  }
  return wrapIndex(r - z + nb - 1.0, nb - 1.0);
}

/** Global index of local index y (0 … 2b−1) of block pair z in round r. */
function globalIndex(z: number, y: number, r: number, nb: number, b: number): number {
  if (y < b) return pairBlock(z, 0.0, r, nb) * b + y;
  return pairBlock(z, 1.0, r, nb) * b + (y - b);
}

/** The block pair that holds block `block` in round r. */
function pairOfBlock(block: number, r: number, nb: number): number {
  if (block > nb - 1.5) return 0.0;
  const k = wrapIndex(block - r + nb - 1.0, nb - 1.0);
  if (k < 0.5) return 0.0;
  if (k < nb / 2.0 - 0.5) return k;
  return nb - 1.0 - k;
}

/** Local index (0 … 2b−1) of global index g in its block pair in round r. */
function localIndex(g: number, r: number, nb: number, b: number): number {
  const block = Math.floor((g + 0.5) / b);
  const offset = g - block * b;
  if (block > nb - 1.5) return offset;
  const k = wrapIndex(block - r + nb - 1.0, nb - 1.0);
  if (k < 0.5) return b + offset;
  if (k < nb / 2.0 - 0.5) return offset;
  return b + offset;
}

/** Partner of local index y in inner step t of a round-robin over m = 2b indices. */
function innerPartner(y: number, t: number, m: number): number {
  if (y > m - 1.5) return t;
  if (Math.abs(y - t) < 0.5) return m - 1.0;
  return wrapIndex(2.0 * t - y + m - 1.0, m - 1.0);
}

/**
 * Entry of column y of the Jacobi rotation J of the pair (p, q) ∋ y at row p (which = 0) or q
 * (which = 1): J_pp = c, J_pq = s, J_qp = −s, J_qq = c with (c, s) from GVL Alg. 8.5.1 (sym.schur2),
 * which makes (JᵀAJ)_pq = 0.
 */
function rotationEntry(app: number, aqq: number, apq: number, yIsP: number, which: number): number {
  let c = 1.0;
  let s = 0.0;
  if (Math.abs(apq) > 0.0) {
    const tau = (aqq - app) / (2.0 * apq);
    let t = 1.0 / (Math.abs(tau) + Math.sqrt(1.0 + tau * tau));
    if (tau < 0.0) t = -t;
    c = 1.0 / Math.sqrt(1.0 + t * t);
    s = t * c;
  }
  if (yIsP > 0.5) {
    if (which < 0.5) return c;
    return -s;
  }
  if (which < 0.5) return s;
  return c;
}

export const jacobiFunctions = [wrapIndex, pairBlock, globalIndex, pairOfBlock, localIndex, innerPartner, rotationEntry];

interface JacobiThis {
  thread: { x: number; y: number; z: number };
  constants: { blockSize: number; blockCount: number; subSize: number };
}

/** S[z][y][x] = A[g(z,y)][g(z,x)]: the 2b × 2b subproblems of round r. */
function gatherKernel(this: JacobiThis, a: number[][], r: number): number {
  const z = this.thread.z;
  return a[globalIndex(z, this.thread.y, r, this.constants.blockCount, this.constants.blockSize)][globalIndex(z, this.thread.x, r, this.constants.blockCount, this.constants.blockSize)];
}

/** S ← Jᵀ S J for inner step t, all subproblems at once (4 reads and two rotations per cell). */
function rotateSubproblemKernel(this: JacobiThis, s: number[][][], t: number): number {
  const z = this.thread.z;
  const y = this.thread.y;
  const x = this.thread.x;
  const m = this.constants.subSize;
  const yo = innerPartner(y, t, m);
  const py = Math.min(y, yo);
  const qy = Math.max(y, yo);
  const xo = innerPartner(x, t, m);
  const px = Math.min(x, xo);
  const qx = Math.max(x, xo);
  const yp = rotationEntry(s[z][py][py], s[z][qy][qy], s[z][py][qy], y == py ? 1.0 : 0.0, 0.0);
  const yq = rotationEntry(s[z][py][py], s[z][qy][qy], s[z][py][qy], y == py ? 1.0 : 0.0, 1.0);
  const xp = rotationEntry(s[z][px][px], s[z][qx][qx], s[z][px][qx], x == px ? 1.0 : 0.0, 0.0);
  const xq = rotationEntry(s[z][px][px], s[z][qx][qx], s[z][px][qx], x == px ? 1.0 : 0.0, 1.0);
  return yp * (s[z][py][px] * xp + s[z][py][qx] * xq) + yq * (s[z][qy][px] * xp + s[z][qy][qx] * xq);
}

/** U ← U J for inner step t, J computed from the subproblems S before that step. */
function accumulateKernel(this: JacobiThis, u: number[][][], s: number[][][], t: number): number {
  const z = this.thread.z;
  const y = this.thread.y;
  const x = this.thread.x;
  const xo = innerPartner(x, t, this.constants.subSize);
  const px = Math.min(x, xo);
  const qx = Math.max(x, xo);
  const xp = rotationEntry(s[z][px][px], s[z][qx][qx], s[z][px][qx], x == px ? 1.0 : 0.0, 0.0);
  const xq = rotationEntry(s[z][px][px], s[z][qx][qx], s[z][px][qx], x == px ? 1.0 : 0.0, 1.0);
  return u[z][y][px] * xp + u[z][y][qx] * xq;
}

/** U = J of inner step 0 (U starts as the identity). */
function firstRotationKernel(this: JacobiThis, s: number[][][]): number {
  const z = this.thread.z;
  const y = this.thread.y;
  const x = this.thread.x;
  const xo = innerPartner(x, 0.0, this.constants.subSize);
  const px = Math.min(x, xo);
  const qx = Math.max(x, xo);
  let v = 0.0;
  if (y == px) v = rotationEntry(s[z][px][px], s[z][qx][qx], s[z][px][qx], x == px ? 1.0 : 0.0, 0.0);
  if (y == qx) v = rotationEntry(s[z][px][px], s[z][qx][qx], s[z][px][qx], x == px ? 1.0 : 0.0, 1.0);
  return v;
}

/** A copy of M, so that every later step of a sweep sees a device-resident argument of one type. */
function copyKernel(this: JacobiThis, a: number[][]): number {
  return a[this.thread.y][this.thread.x];
}

/** (M Û)[i][j] = Σ_y M[i][g(z,y)] U_z[y][x_j], z the block pair of column j in round r. */
function applyRightKernel(this: JacobiThis, a: number[][], u: number[][][], r: number): number {
  const i = this.thread.y;
  const j = this.thread.x;
  const b = this.constants.blockSize;
  const nb = this.constants.blockCount;
  const z = pairOfBlock(Math.floor((j + 0.5) / b), r, nb);
  const xj = localIndex(j, r, nb, b);
  let sum = 0.0;
  for (let y = 0; y < this.constants.subSize; y++) sum += a[i][globalIndex(z, y, r, nb, b)] * u[z][y][xj];
  return sum;
}

/** (Ûᵀ M)[i][j] = Σ_y U_z[y][x_i] M[g(z,y)][j], z the block pair of row i in round r. */
function applyLeftKernel(this: JacobiThis, a: number[][], u: number[][][], r: number): number {
  const i = this.thread.y;
  const j = this.thread.x;
  const b = this.constants.blockSize;
  const nb = this.constants.blockCount;
  const z = pairOfBlock(Math.floor((i + 0.5) / b), r, nb);
  const yi = localIndex(i, r, nb, b);
  let sum = 0.0;
  for (let y = 0; y < this.constants.subSize; y++) sum += u[z][y][yi] * a[globalIndex(z, y, r, nb, b)][j];
  return sum;
}

export interface JacobiOptions {
  /** Block size b (default: 8 for n ≤ 256, 16 for n ≤ 1024, else 32). */
  blockSize?: number;
  /** Stop when off(A) ≤ tolerance · ‖A‖_F (default 2e-7, about float32 rounding). */
  tolerance?: number;
  maxSweeps?: number;
  onSweep?: (sweep: number, relativeOffNorm: number) => void;
}

export interface JacobiResult {
  /** Eigenvalues in index order (not sorted), float32 precision. */
  values: Float64Array;
  /** Eigenvectors as rows (row k belongs to values[k]), n × n, float32 precision. */
  vectors: Float64Array;
  sweeps: number;
  /** off(A)/‖A‖_F after each sweep (off = Frobenius norm of the off-diagonal part). */
  offNorms: number[];
  /** What executed the sweeps: backend and gpu.js pipeline executor. */
  backend: string;
  executor: string;
}

/** off(A) and ‖A‖_F of an npad × npad float32 matrix, summed in float64. */
function norms(a: Float32Array, n: number): { off: number; frobenius: number } {
  let off = 0;
  let diag = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const x = a[row + j];
      if (i === j) diag += x * x;
      else off += x * x;
    }
  }
  return { off: Math.sqrt(off), frobenius: Math.sqrt(off + diag) };
}

/**
 * Diagonalises a symmetric matrix (n × n row-major, any float array) on the device by the blocked
 * parallel Jacobi method; eigenvectors accumulated. Float32 arithmetic: the result needs float64
 * refinement (engine/spectrum/refine.ts) before any statistic uses it (docs/PHYSICS.md §4).
 */
export async function blockJacobi(device: ComputeDevice, matrix: ArrayLike<number>, n: number, options: JacobiOptions = {}): Promise<JacobiResult> {
  const b = options.blockSize ?? (n <= 256 ? 8 : n <= 1024 ? 16 : 32);
  const nb = Math.max(2, 2 * Math.ceil(n / (2 * b)));
  const npad = nb * b;
  const m = 2 * b;
  const pairs = nb / 2;
  const tolerance = options.tolerance ?? 2e-7;
  const maxSweeps = options.maxSweeps ?? 30;
  // Constant names must differ from every helper's parameter names (the cpu backend substitutes them).
  const constants = { blockSize: b, blockCount: nb, subSize: m };
  const gpu = device.gpu;
  const common = { constants, functions: jacobiFunctions, precision: 'single' as const, tactic: 'precision' as const, loopMaxIterations: m + 1 };
  const gather = gpu.createKernel(gatherKernel as never, { ...common, output: [m, m, pairs] });
  const rotate = gpu.createKernel(rotateSubproblemKernel as never, { ...common, output: [m, m, pairs] });
  const accumulate = gpu.createKernel(accumulateKernel as never, { ...common, output: [m, m, pairs] });
  const first = gpu.createKernel(firstRotationKernel as never, { ...common, output: [m, m, pairs] });
  const right = gpu.createKernel(applyRightKernel as never, { ...common, output: [npad, npad] });
  const left = gpu.createKernel(applyLeftKernel as never, { ...common, output: [npad, npad] });
  const copyA = gpu.createKernel(copyKernel as never, { ...common, output: [npad, npad] });
  const copyV = gpu.createKernel(copyKernel as never, { ...common, output: [npad, npad] });

  type Handle = unknown;
  type K = (...args: unknown[]) => Handle;
  const [g, rot, acc, fst, rgt, lft, cpa, cpv] = [gather, rotate, accumulate, first, right, left, copyA, copyV] as unknown as K[];
  // One sweep, recorded once and replayed per call with all intermediates on the device.
  const sweep = gpu.createPipeline(function (aIn: Handle, vIn: Handle) {
    let a = cpa(aIn);
    let v = cpv(vIn);
    for (let r = 0; r < nb - 1; r++) {
      let s = g(a, r);
      let u = fst(s);
      s = rot(s, 0);
      for (let t = 1; t < m - 1; t++) {
        u = acc(u, s, t);
        s = rot(s, t);
      }
      const ab = rgt(a, u, r);
      a = lft(ab, u, r);
      v = rgt(v, u, r);
    }
    return { a, v };
  } as never);

  let a: Float32Array = new Float32Array(npad * npad);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * npad + j] = matrix[i * n + j];
  let v: Float32Array = new Float32Array(npad * npad);
  for (let i = 0; i < npad; i++) v[i * npad + i] = 1;
  const offNorms: number[] = [];
  const start = norms(a, npad);
  let sweeps = 0;
  if (start.off > tolerance * start.frobenius) {
    for (sweeps = 1; sweeps <= maxSweeps; sweeps++) {
      const out = (await (sweep as unknown as (...x: unknown[]) => Promise<{ a: unknown; v: unknown }>)(input(a, [npad, npad]), input(v, [npad, npad]))) as { a: unknown; v: unknown };
      a = flattenResult(out.a, npad * npad);
      v = flattenResult(out.v, npad * npad);
      const { off, frobenius } = norms(a, npad);
      offNorms.push(off / frobenius);
      options.onSweep?.(sweeps, off / frobenius);
      if (off <= tolerance * frobenius) break;
      // float32 stagnation: a sweep that no longer reduces off(A) by 2× has reached rounding level.
      if (offNorms.length >= 2 && offNorms[offNorms.length - 1] > 0.5 * offNorms[offNorms.length - 2] && offNorms[offNorms.length - 1] < 1e-5) break;
    }
    sweeps = Math.min(sweeps, maxSweeps);
  }
  const pipe = sweep as unknown as { backend?: string; executorKind?: string };
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    values[k] = a[k * npad + k];
    for (let i = 0; i < n; i++) vectors[k * n + i] = v[i * npad + k];
  }
  // gpu.js names its GL kernels' mode 'gpu'; report the GL backend the device opened in that case.
  const ran = pipe.backend === undefined || pipe.backend === 'gpu' ? device.backend : pipe.backend;
  const result: JacobiResult = { values, vectors, sweeps, offNorms, backend: ran, executor: pipe.executorKind ?? 'none' };
  for (const k of [gather, rotate, accumulate, first, right, left, copyA, copyV]) (k as unknown as { destroy?: () => void }).destroy?.();
  await (sweep as unknown as { destroy?: () => unknown }).destroy?.();
  return result;
}
