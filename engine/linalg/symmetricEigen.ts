/**
 * The float64 dense symmetric eigensolver of the engine ("the float64 dense reference", docs/PHYSICS.md §4):
 * Householder tridiagonalisation (blocked, LAPACK dsytrd-style), implicit QL with Wilkinson shifts
 * or divide and conquer on the tridiagonal matrix, back-transformation of the eigenvectors by the
 * stored reflectors (compact WY). docs/SPECTRUM.md, "Blocked Householder stages".
 *
 * Everything is row-major Float64Array, and every inner loop runs along a row:
 *  - the reduction works on the lower triangle from the last row upwards (as EISPACK tred2), so a
 *    Householder vector is a contiguous row prefix and the symmetric matrix–vector product and the
 *    rank-2 updates are row sweeps or row-wise matrix products (`gemmNT`);
 *  - eigenvectors are held transposed (row k = eigenvector k), so a Givens rotation of QL combines
 *    two contiguous rows and the back-transformation is a product with blocks of reflectors from the
 *    right.
 *
 * The O(n³) work runs on WebAssembly SIMD kernels where the host has them (engine/linalg/simdGemm.ts,
 * engine/linalg/wasm/kernels.c; docs/SPECTRUM.md, "WebAssembly SIMD kernels for the dense path"), on
 * the JavaScript kernels otherwise or with `simd = false`; the results agree to rounding and are the
 * same bits on every run.
 */
import { tridiagonalDivideConquer, type DivideConquerStats } from './divideConquer';
import { tridiagonalQL } from './tridiagonalQL';
import { gemmNT } from './gemm';
import { nnSlabs, simdHeap } from './simdGemm';

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors, row k = unit eigenvector of values[k] (n × n row-major), when requested. */
  vectors?: Float64Array;
}

export interface Tridiagonal {
  /** Diagonal (n). */
  diagonal: Float64Array;
  /** Sub-diagonal: offDiagonal[i] = T[i][i−1] for i ≥ 1, offDiagonal[0] = 0. */
  offDiagonal: Float64Array;
  /** Householder vectors: reflector i (i = n−1 … 2) lives in row i, columns 0 … i−1, of this n × n array. */
  reflectors: Float64Array;
  /** β_i of P_i = I − β_i v_i v_iᵀ (0 where no reflection was needed). */
  betas: Float64Array;
}

/** Tridiagonalisation block size (reflectors per panel) of `householderTridiagonalize` (bench/linalg.bench.ts). */
export const TRIDIAGONAL_BLOCK = 32;
/** Below this order the trailing matrix is reduced one reflector at a time (LAPACK dsytrd's nx). */
const TRIDIAGONAL_CROSSOVER = 128;
/** Rows per `gemmNT` call of the rank-2nb trailing update. */
const TRAILING_ROWS = 32;

/**
 * Rows from … 1 of the unblocked Householder reduction (GVL Alg. 8.3.1, row-wise as EISPACK tred2):
 * the leading (from+1) × (from+1) block of `a` (lower triangle) is reduced in place.
 */
function reduceRowsUnblocked(a: Float64Array, n: number, from: number, offDiagonal: Float64Array, betas: Float64Array, p: Float64Array): void {
  for (let i = from; i >= 1; i--) {
    const l = i - 1; // v lives in a[i][0..l]
    const row = i * n;
    if (l === 0) {
      offDiagonal[i] = a[row];
      continue;
    }
    const reflector = householderVector(a, row, l);
    if (!reflector) {
      offDiagonal[i] = 0;
      continue;
    }
    offDiagonal[i] = reflector.offDiagonal;
    const beta = reflector.beta;
    betas[i] = beta;
    // p = β A v over the leading (l+1)×(l+1) block, reading its lower triangle row by row.
    p.fill(0, 0, l + 1);
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const vj = a[row + j];
      let s = 0;
      for (let k = 0; k < j; k++) {
        const ajk = a[rj + k];
        s += ajk * a[row + k];
        p[k] += ajk * vj;
      }
      p[j] += s + a[rj + j] * vj;
    }
    // w = p − (β vᵀp / 2) v, then A ← A − v wᵀ − w vᵀ (GVL Eq. 8.3.2), lower triangle only.
    let vp = 0;
    for (let k = 0; k <= l; k++) {
      p[k] *= beta;
      vp += a[row + k] * p[k];
    }
    const half = 0.5 * beta * vp;
    for (let k = 0; k <= l; k++) p[k] -= half * a[row + k];
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const vj = a[row + j];
      const wj = p[j];
      for (let k = 0; k <= j; k++) a[rj + k] -= vj * p[k] + wj * a[row + k];
    }
  }
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form T = Qᵀ A Q, one reflector at a time
 * (Golub & Van Loan, Matrix Computations, 4th ed., Alg. 8.3.1; row-wise as in EISPACK tred2): each
 * step reads the trailing matrix twice (symmetric matrix–vector product, rank-2 update). The reference
 * for `householderTridiagonalize` (tests/linalg-blocked.test.ts); same contract.
 */
export function householderTridiagonalizeUnblocked(a: Float64Array, n: number): Tridiagonal {
  if (a.length !== n * n) throw new RangeError(`matrix holds ${a.length} numbers, expected ${n}×${n}`);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const betas = new Float64Array(n);
  reduceRowsUnblocked(a, n, n - 1, offDiagonal, betas, new Float64Array(n));
  for (let i = 0; i < n; i++) diagonal[i] = a[i * n + i];
  offDiagonal[0] = 0;
  return { diagonal, offDiagonal, reflectors: a, betas };
}

/**
 * p[0 … m−1] = A v for the leading m × m block of the symmetric `a` (its lower triangle read row by
 * row), v = a[vOff … vOff+m−1]. Four rows at a time: one pass over their common columns gives four
 * dot products (the upper triangle's contribution) and one combined update of p (the lower one's).
 */
function symmetricTimesVector(a: Float64Array, n: number, m: number, vOff: number, p: Float64Array): void {
  p.fill(0, 0, m);
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const a0 = r * n;
    const a1 = a0 + n;
    const a2 = a1 + n;
    const a3 = a2 + n;
    const v0 = a[vOff + r];
    const v1 = a[vOff + r + 1];
    const v2 = a[vOff + r + 2];
    const v3 = a[vOff + r + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < r; k++) {
      const x = a[vOff + k];
      const y0 = a[a0 + k];
      const y1 = a[a1 + k];
      const y2 = a[a2 + k];
      const y3 = a[a3 + k];
      s0 += y0 * x;
      s1 += y1 * x;
      s2 += y2 * x;
      s3 += y3 * x;
      p[k] += y0 * v0 + y1 * v1 + y2 * v2 + y3 * v3;
    }
    p[r] += s0;
    p[r + 1] += s1;
    p[r + 2] += s2;
    p[r + 3] += s3;
    // the 4 × 4 diagonal block
    for (let t = r; t < r + 4; t++) {
      const at = t * n;
      const vt = a[vOff + t];
      let s = 0;
      for (let k = r; k < t; k++) {
        const atk = a[at + k];
        s += atk * a[vOff + k];
        p[k] += atk * vt;
      }
      p[t] += s + a[at + t] * vt;
    }
  }
  for (; r < m; r++) {
    const ar = r * n;
    const vr = a[vOff + r];
    let s = 0;
    for (let k = 0; k < r; k++) {
      const ark = a[ar + k];
      s += ark * a[vOff + k];
      p[k] += ark * vr;
    }
    p[r] += s + a[ar + r] * vr;
  }
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form T = Qᵀ A Q (Golub & Van Loan,
 * Matrix Computations, 4th ed., Alg. 8.3.1; row-wise as in EISPACK tred2), blocked as LAPACK
 * dsytrd/dlatrd (UPLO = 'U' in column-major terms, which is our row-major lower triangle): `block`
 * reflectors are generated at a time from the matrix with the pending update applied on the fly
 * (A − V Wᵀ − W Vᵀ, W the panel of the vectors w_i of the rank-2 updates), then the trailing matrix
 * gets one rank-2·block update A ← A − V Wᵀ − W Vᵀ as a matrix product (`gemmNT`). Half the flops
 * (the symmetric matrix–vector products) stay level 2, but the trailing matrix is read once per
 * reflector instead of twice, and the other half runs at matrix-product speed.
 * Only the lower triangle of `a` is read; `a` is overwritten (the reflectors end up in its strictly
 * lower part, its strictly upper part becomes scratch). With `simd` (and WebAssembly SIMD present)
 * the reduction runs in a SIMD kernel's memory, `a` copied in and back: p = A v by `symv`, the
 * panel's row update and correction by `panelUpdate`/`panelDots`, the trailing update by `nn`. Q = P_(n−1) P_(n−2) ⋯ P_2,
 * P_i = I − β_i v_i v_iᵀ with v_i supported on indices 0 … i−1 (row i, columns 0 … i−1).
 */
export function householderTridiagonalize(input: Float64Array, n: number, block = TRIDIAGONAL_BLOCK, simd = true): Tridiagonal {
  if (input.length !== n * n) throw new RangeError(`matrix holds ${input.length} numbers, expected ${n}×${n}`);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const betas = new Float64Array(n);
  let p: Float64Array = new Float64Array(n);
  const nb = Math.max(1, block);
  let i = n - 1;
  let a: Float64Array = input;
  if (nb > 1 && n > TRIDIAGONAL_CROSSOVER) {
    // With the WebAssembly SIMD kernel the matrix is reduced in the kernel's memory (copied in here
    // and back at the end), with the trailing update's operands beside it.
    const heap = simd ? simdHeap(n * n + 5 * nb * n + n + 4 * nb) : null;
    const leftOff = n * n; // heap: row r = (−v_q[r])_q, (−w_q[r])_q (m × 2nb)
    const rightOff = leftOff + 2 * nb * n; // heap: rows w_q, then rows v_q (2nb × m, ld n)
    const pOff = rightOff + 2 * nb * n; // heap: p
    const wpOff = pOff + n; // heap: the W panel
    const dvOff = wpOff + nb * n; // heap: dv, vv, and the coefficients of the row update
    const vvOff = dvOff + nb;
    const alphaOff = vvOff + nb;
    const betaOff = alphaOff + nb;
    if (heap) {
      heap.heap.set(input);
      a = heap.heap.subarray(0, n * n);
      p = heap.heap.subarray(pOff, pOff + n);
    }
    const wp = heap ? heap.heap.subarray(wpOff, wpOff + nb * n) : new Float64Array(nb * n); // row q: w of the q-th reflector of the panel (ld n)
    const dv = heap ? heap.heap.subarray(dvOff, dvOff + nb) : new Float64Array(nb); // w_q · v
    const vv = heap ? heap.heap.subarray(vvOff, vvOff + nb) : new Float64Array(nb); // v_q · v
    const left = heap ? heap.heap.subarray(leftOff, leftOff + 2 * nb * n) : new Float64Array(n * 2 * nb); // row r: (−v_q[r])_q, (−w_q[r])_q
    const right = heap ? null : new Float64Array(n * 2 * nb); // row c: (w_q[c])_q, (v_q[c])_q
    const rowOff = Int32Array.from({ length: n }, (_, r) => r * n);
    while (i - nb >= TRIDIAGONAL_CROSSOVER) {
      const top = i;
      for (let j = 0; j < nb; j++, i--) {
        const row = i * n;
        const l = i - 1;
        // Row i of A − V Wᵀ − W Vᵀ (columns 0 … i) over the panel so far.
        if (heap) {
          const h = heap.heap;
          for (let q = 0; q < j; q++) {
            h[alphaOff + q] = wp[q * n + i];
            h[betaOff + q] = a[(top - q) * n + i];
          }
          heap.panelUpdate(i + 1, j, row, top * n, -n, wpOff, n, alphaOff, betaOff);
        } else {
          for (let q = 0; q < j; q++) {
            const vq = (top - q) * n;
            const wq = q * n;
            const vi = a[vq + i];
            const wi = wp[wq + i];
            for (let k = 0; k <= i; k++) a[row + k] -= vi * wp[wq + k] + wi * a[vq + k];
          }
        }
        const wj = j * n;
        // Householder vector of x = a[i][0..l], as the unblocked step.
        const reflector = householderVector(a, row, l);
        if (!reflector) {
          offDiagonal[i] = 0;
          betas[i] = 0;
          wp.fill(0, wj, wj + l + 1); // v = 0 (the row is zero), w = 0
          continue;
        }
        offDiagonal[i] = reflector.offDiagonal;
        const beta = reflector.beta;
        betas[i] = beta;
        // p = A v over the leading (l+1) × (l+1) block of the not yet updated matrix (lower triangle).
        if (heap) heap.symv(l + 1, 0, n, row, pOff);
        else symmetricTimesVector(a, n, l + 1, row, p);
        // p −= V (Wᵀ v) + W (Vᵀ v) over the panel so far.
        if (heap) {
          heap.panelDots(l + 1, j, row, top * n, -n, wpOff, n, vvOff, dvOff);
          heap.panelUpdate(l + 1, j, pOff, top * n, -n, wpOff, n, dvOff, vvOff);
        } else {
          for (let q = 0; q < j; q++) {
            const vq = (top - q) * n;
            const wq = q * n;
            let sw = 0;
            let sv = 0;
            for (let k = 0; k <= l; k++) {
              const x = a[row + k];
              sw += wp[wq + k] * x;
              sv += a[vq + k] * x;
            }
            dv[q] = sw;
            vv[q] = sv;
          }
          for (let q = 0; q < j; q++) {
            const vq = (top - q) * n;
            const wq = q * n;
            const sw = dv[q];
            const sv = vv[q];
            for (let k = 0; k <= l; k++) p[k] -= a[vq + k] * sw + wp[wq + k] * sv;
          }
        }
        // w = β p − (β² vᵀp / 2) v
        let vp = 0;
        for (let k = 0; k <= l; k++) {
          p[k] *= beta;
          vp += a[row + k] * p[k];
        }
        const half = 0.5 * beta * vp;
        for (let k = 0; k <= l; k++) wp[wj + k] = p[k] - half * a[row + k];
      }
      // Trailing matrix (rows and columns 0 … i): A ← A − V Wᵀ − W Vᵀ as [−V −W] [W V]ᵀ.
      const m = i + 1;
      const kk = 2 * nb;
      if (heap) {
        const h = heap.heap;
        for (let r = 0; r < m; r++) {
          const lr = leftOff + r * kk;
          for (let q = 0; q < nb; q++) {
            h[lr + q] = -a[(top - q) * n + r];
            h[lr + nb + q] = -wp[q * n + r];
          }
        }
        for (let q = 0; q < nb; q++) {
          h.set(wp.subarray(q * n, q * n + m), rightOff + q * n);
          h.copyWithin(rightOff + (nb + q) * n, (top - q) * n, (top - q) * n + m);
        }
        // Column slabs c0 … c0+NC−1, rows c0 … m−1 (the few above the diagonal are scratch).
        for (let c0 = 0; c0 < m; c0 += SIMD_NC) heap.nn(m - c0, Math.min(SIMD_NC, m - c0), kk, leftOff + c0 * kk, kk, rightOff + c0, n, c0 * n + c0, n);
        continue;
      }
      for (let r = 0; r < m; r++) {
        const lr = r * kk;
        for (let q = 0; q < nb; q++) {
          const vr = a[(top - q) * n + r];
          const wr = wp[q * n + r];
          left[lr + q] = -vr;
          left[lr + nb + q] = -wr;
          right![lr + q] = wr;
          right![lr + nb + q] = vr;
        }
      }
      for (let r0 = 0; r0 < m; r0 += TRAILING_ROWS) {
        const r1 = Math.min(m, r0 + TRAILING_ROWS);
        // rows r0 … r1−1, columns 0 … r1−1 (the few above the diagonal are scratch)
        gemmNT(r1 - r0, r1, kk, left, r0 * kk, kk, right!, 0, kk, a, rowOff.subarray(r0, r1), 0, true);
      }
    }
  }
  reduceRowsUnblocked(a, n, i, offDiagonal, betas, p);
  if (a !== input) input.set(a);
  for (let k = 0; k < n; k++) diagonal[k] = input[k * n + k];
  offDiagonal[0] = 0;
  return { diagonal, offDiagonal, reflectors: input, betas };
}

/**
 * Back-transformation X = Q Z (GVL §8.3.1, "accumulating Q"), one reflector at a time (level 2): with
 * eigenvectors held as rows (xt = Zᵀ), Xᵀ = Zᵀ P_2 P_3 ⋯ P_(n−1). Each reflector is applied to a block
 * of rows at a time so that a reflector is read once per block, not once per row. The reference for
 * `applyReflectorsToRows` (tests/linalg-blocked.test.ts).
 */
export function applyReflectorsToRowsUnblocked(t: Tridiagonal, n: number, xt: Float64Array, rows = xt.length / n): void {
  const { reflectors: v, betas } = t;
  const block = 32;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let i = 2; i < n; i++) {
      const beta = betas[i];
      if (beta === 0) continue;
      const vi = i * n;
      const len = i; // v_i supported on 0..i−1
      let r = r0;
      // Four rows at once: one read of v feeds four independent dot products, then four updates.
      for (; r + 4 <= r1; r += 4) {
        const x0 = r * n;
        const x1 = x0 + n;
        const x2 = x1 + n;
        const x3 = x2 + n;
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        for (let k = 0; k < len; k++) {
          const vk = v[vi + k];
          d0 += xt[x0 + k] * vk;
          d1 += xt[x1 + k] * vk;
          d2 += xt[x2 + k] * vk;
          d3 += xt[x3 + k] * vk;
        }
        d0 *= beta;
        d1 *= beta;
        d2 *= beta;
        d3 *= beta;
        for (let k = 0; k < len; k++) {
          const vk = v[vi + k];
          xt[x0 + k] -= d0 * vk;
          xt[x1 + k] -= d1 * vk;
          xt[x2 + k] -= d2 * vk;
          xt[x3 + k] -= d3 * vk;
        }
      }
      for (; r < r1; r++) {
        const x = r * n;
        let dot = 0;
        for (let k = 0; k < len; k++) dot += xt[x + k] * v[vi + k];
        dot *= beta;
        for (let k = 0; k < len; k++) xt[x + k] -= dot * v[vi + k];
      }
    }
  }
}

/** Reflectors per compact-WY block of `applyReflectorsToRows` (bench/linalg.bench.ts). */
export const BACK_TRANSFORM_BLOCK = 64;
/** From this many entries of Xᵀ `applyReflectorsToRows` runs its products on the WebAssembly SIMD kernel. */
const SIMD_MIN_ENTRIES = 4096;
/** Column slab of the SIMD trailing update of `householderTridiagonalize` (the B operand's slab stays in L2). */
const SIMD_NC = 128;
/** Eigenvector rows per pass of `applyReflectorsToRows`, so that the W panel stays in cache. */
const BACK_TRANSFORM_ROWS = 256;

/**
 * Back-transformation X = Q Z (GVL §8.3.1, "accumulating Q"): with eigenvectors held as rows
 * (xt = Zᵀ, the first `rows` rows), Xᵀ = Zᵀ P_2 P_3 ⋯ P_(n−1). The reflectors are taken `block` at a
 * time in the compact WY form P_i0 P_(i0+1) ⋯ P_(i0+nb−1) = I − V T Vᵀ (Schreiber & Van Loan, SIAM J.
 * Sci. Stat. Comput. 10, 53 (1989); LAPACK dlarft 'F','C' and dlarfb), V = [v_i0 … v_(i0+nb−1)],
 * T upper triangular, so that Xᵀ ← Xᵀ − ((Xᵀ V) T) Vᵀ is two matrix products (`gemmNT`) and a small
 * triangular one. ~2n³ flops for all n rows, as the level-2 sweep, at matrix-product speed. With
 * `simd` (and WebAssembly SIMD present) all products, T's Gram matrix Vᵀ V and Uᵀ = −T Vᵀ included,
 * run on the SIMD kernel in its own memory (Xᵀ copied in and back).
 */
export function applyReflectorsToRows(t: Tridiagonal, n: number, xt: Float64Array, rows = xt.length / n, block = BACK_TRANSFORM_BLOCK, simd = true): void {
  const { reflectors: v, betas } = t;
  if (n < 3 || rows <= 0) return;
  const nb = Math.max(1, Math.min(block, n - 2));
  const chunk = Math.min(rows, BACK_TRANSFORM_ROWS);
  const vt = new Float64Array(nb * n); // Vᵀ: row j = v_(i0+j), zero-padded to len (ld = len)
  const tm = new Float64Array(nb * nb); // T, row-major, upper triangular
  const z = new Float64Array(nb);
  // The WebAssembly SIMD kernel works on its own memory: Xᵀ (rows × n), V (len × kb, ld nb),
  // Uᵀ = −T Vᵀ (kb × len, ld n) and W (chunk × kb, ld nb) live there; Xᵀ is copied in and out once.
  const heap = simd && rows * n >= SIMD_MIN_ENTRIES ? simdHeap(rows * n + 3 * n * nb + chunk * nb + 2 * nb * nb) : null;
  if (heap) {
    const h = heap.heap;
    const vOff = rows * n; // V (len × kb, ld nb)
    const vtOff = vOff + n * nb; // Vᵀ (kb × len, ld n)
    const utOff = vtOff + n * nb; // Uᵀ = −T Vᵀ (kb × len, ld n)
    const wOff = utOff + n * nb; // W = Xᵀ V (chunk × kb, ld nb)
    const gOff = wOff + chunk * nb; // G = Vᵀ V (kb × kb, ld nb)
    const tOff = gOff + nb * nb; // −T (kb × kb, ld nb)
    h.set(xt.subarray(0, rows * n));
    for (let i0 = 2; i0 < n; i0 += nb) {
      const kb = Math.min(nb, n - i0);
      const len = i0 + kb - 1;
      // Vᵀ and V; a reflector with β = 0 is the identity and packed as zero.
      for (let j = 0; j < kb; j++) {
        const i = i0 + j;
        const dst = vtOff + j * n;
        if (betas[i] === 0) h.fill(0, dst, dst + len);
        else {
          h.set(v.subarray(i * n, i * n + i), dst);
          h.fill(0, dst + i, dst + len);
        }
      }
      for (let k = 0; k < len; k++) {
        const row = vOff + k * nb;
        for (let j = 0; j < kb; j++) h[row + j] = h[vtOff + j * n + k];
      }
      // T (dlarft, forward, columnwise) from the Gram matrix G = Vᵀ V: T[j][j] = β_j,
      // T[a][j] = −β_j Σ_(a≤b<j) T[a][b] G[b][j]; then Uᵀ = −T Vᵀ (row j = −Σ_(b≥j) T[j][b] v_b).
      h.fill(0, gOff, gOff + kb * nb);
      nnSlabs(heap, kb, kb, len, vtOff, n, vOff, nb, gOff, nb);
      for (let j = 0; j < kb; j++) {
        const beta = betas[i0 + j];
        for (let a = 0; a < j; a++) {
          const ta = a * nb;
          let s = 0;
          for (let b = a; b < j; b++) s += tm[ta + b] * h[gOff + b * nb + j];
          tm[ta + j] = -beta * s;
        }
        tm[j * nb + j] = beta;
        for (let a = j + 1; a < kb; a++) tm[a * nb + j] = 0;
      }
      for (let k = 0; k < kb * nb; k++) h[tOff + k] = -tm[k];
      for (let j = 0; j < kb; j++) h.fill(0, utOff + j * n, utOff + j * n + len);
      nnSlabs(heap, kb, len, kb, tOff, nb, vtOff, n, utOff, n);
      for (let r0 = 0; r0 < rows; r0 += chunk) {
        const m = Math.min(chunk, rows - r0);
        const x0 = r0 * n;
        // W = Xᵀ V, then Xᵀ += W Uᵀ = Xᵀ − Xᵀ V T Vᵀ
        h.fill(0, wOff, wOff + m * nb);
        nnSlabs(heap, m, kb, len, x0, n, vOff, nb, wOff, nb);
        nnSlabs(heap, m, len, kb, wOff, nb, utOff, n, x0, n);
      }
    }
    xt.set(h.subarray(0, rows * n));
    return;
  }
  const u = new Float64Array(n * nb); // U = −V Tᵀ (len × kb, ld nb)
  const w = new Float64Array(chunk * nb);
  const wOff = Int32Array.from({ length: chunk }, (_, j) => j * nb);
  const xOff = Int32Array.from({ length: rows }, (_, j) => j * n);
  for (let i0 = 2; i0 < n; i0 += nb) {
    const kb = Math.min(nb, n - i0);
    const len = i0 + kb - 1; // v_(i0+j) is supported on 0 … i0+j−1
    packBlock(v, betas, n, i0, kb, len, vt, tm, z, nb);
    // U = −V Tᵀ, row k = −(Σ_(b≥j) T[j][b] v_b[k])_j, so that Xᵀ V T Vᵀ = −(Xᵀ V) Uᵀ.
    for (let k = 0; k < len; k++) {
      const row = k * nb;
      for (let b = 0; b < kb; b++) z[b] = vt[b * len + k];
      for (let j = 0; j < kb; j++) {
        const tj = j * nb;
        let s = 0;
        for (let b = j; b < kb; b++) s += tm[tj + b] * z[b];
        u[row + j] = -s;
      }
    }
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const m = Math.min(chunk, rows - r0);
      // W = Xᵀ V (m × kb), then Xᵀ += W Uᵀ = Xᵀ − Xᵀ V T Vᵀ
      gemmNT(m, kb, len, xt, r0 * n, n, vt, 0, len, w, wOff, 0);
      gemmNT(m, len, kb, w, 0, nb, u, 0, nb, xt, xOff.subarray(r0, r0 + m), 0, true);
    }
  }
}

/**
 * Vᵀ (kb × len, row j = v_(i0+j), zero-padded; β = 0 packed as zero) and T of the compact WY form
 * (dlarft, forward, columnwise: T[j][j] = β_j, T[0:j][j] = −β_j T[0:j][0:j] (V[:,0:j]ᵀ v_j)).
 */
function packBlock(v: Float64Array, betas: Float64Array, n: number, i0: number, kb: number, len: number, vt: Float64Array, tm: Float64Array, z: Float64Array, nb: number): void {
  // Pack Vᵀ; a reflector with β = 0 is the identity and packed as zero.
  vt.fill(0, 0, kb * len);
  for (let j = 0; j < kb; j++) {
    const i = i0 + j;
    if (betas[i] === 0) continue;
    const src = i * n;
    const dst = j * len;
    for (let k = 0; k < i; k++) vt[dst + k] = v[src + k];
  }
  // T (dlarft, forward, columnwise): T[j][j] = β_j, T[0:j][j] = −β_j T[0:j][0:j] (V[:,0:j]ᵀ v_j).
  for (let j = 0; j < kb; j++) {
    const beta = betas[i0 + j];
    const vj = j * len;
    for (let a = 0; a < j; a++) {
      const va = a * len;
      const support = i0 + a; // the shorter of v_a, v_j
      let s = 0;
      for (let k = 0; k < support; k++) s += vt[va + k] * vt[vj + k];
      z[a] = s;
    }
    for (let a = 0; a < j; a++) {
      const ta = a * nb;
      let s = 0;
      for (let b = a; b < j; b++) s += tm[ta + b] * z[b];
      tm[ta + j] = -beta * s;
    }
    tm[j * nb + j] = beta;
  }
}

/** Sorts eigenvalues ascending and permutes the eigenvector rows with them. */
export function sortEigenpairs(values: Float64Array, vectors: Float64Array | undefined, n: number): void {
  const order = Array.from(values.keys()).sort((x, y) => values[x] - values[y]);
  const sorted = Float64Array.from(order, (k) => values[k]);
  values.set(sorted);
  if (!vectors) return;
  const copy = vectors.slice(0, order.length * n);
  for (let k = 0; k < order.length; k++) vectors.set(copy.subarray(order[k] * n, order[k] * n + n), k * n);
}

/** Order from which `symmetricEigen` computes eigenvectors by divide and conquer instead of QL (bench/linalg.bench.ts). */
export const DIVIDE_AND_CONQUER_MIN_ORDER = 1000;

/**
 * The Householder vector of x = a[row .. row + l] that maps x to ±‖x‖ e_l (GVL Alg. 5.1.1),
 * scaled by Σ|x_k| for safety and written over x: v = x/scale − g e_l with g = ∓‖x/scale‖.
 * Returns the new off-diagonal entry scale·g and β = 1/(½‖v‖²); null for x = 0 (no reflection).
 */
function householderVector(a: Float64Array, row: number, l: number): { offDiagonal: number; beta: number } | null {
  let scale = 0;
  for (let k = 0; k <= l; k++) scale += Math.abs(a[row + k]);
  if (scale === 0) return null;
  let sigma = 0;
  for (let k = 0; k <= l; k++) {
    const x = a[row + k] / scale;
    a[row + k] = x;
    sigma += x * x;
  }
  const f = a[row + l];
  const g = f >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
  const h = sigma - f * g; // = ½‖v‖²
  a[row + l] = f - g; // v = x − g e_l (scaled)
  return { offDiagonal: scale * g, beta: 1 / h };
}

/**
 * All eigenvalues (ascending) and, if asked, all eigenvectors (rows) of a dense symmetric matrix,
 * float64 throughout: blocked Householder tridiagonalisation (GVL Alg. 8.3.1; dsytrd), then implicit QL (GVL §8.3.5)
 * or — with eigenvectors, from n = DIVIDE_AND_CONQUER_MIN_ORDER, or when `method` asks for it —
 * divide and conquer on the tridiagonal matrix (Cuppen 1981; Gu & Eisenstat 1995;
 * engine/linalg/divideConquer.ts), which replaces QL's ~6n³ rotation flops by ~(4/3)n³ in dense
 * products; then back-transformation. `matrix` (n × n row-major, only its lower triangle is read) is
 * not modified.
 */
export function symmetricEigen(matrix: Float64Array, n: number, options: { vectors?: boolean; method?: 'auto' | 'ql' | 'divide-and-conquer' } = {}): SymmetricEigen {
  const wantVectors = options.vectors ?? true;
  const method = options.method ?? 'auto';
  const t = householderTridiagonalize(matrix.slice(), n);
  const values = t.diagonal.slice();
  const e = t.offDiagonal.slice();
  if (!wantVectors) {
    tridiagonalQL(values, e);
    sortEigenpairs(values, undefined, n);
    return { values };
  }
  const zt = new Float64Array(n * n);
  if (method === 'divide-and-conquer' || (method === 'auto' && n >= DIVIDE_AND_CONQUER_MIN_ORDER)) {
    tridiagonalDivideConquer(values, e, zt); // eigenvalues come out ascending
    applyReflectorsToRows(t, n, zt);
    return { values, vectors: zt };
  }
  for (let k = 0; k < n; k++) zt[k * n + k] = 1;
  tridiagonalQL(values, e, zt);
  applyReflectorsToRows(t, n, zt);
  sortEigenpairs(values, zt, n);
  return { values, vectors: zt };
}

/** Seconds per stage of `symmetricEigenDivideConquer`. */
export interface EigenStageTimings {
  tridiagonalise: number;
  tridiagonalSolve: number;
  backTransform: number;
  sort: number;
}

/**
 * All eigenvalues (ascending) and eigenvectors (rows) of a dense symmetric matrix: Householder
 * tridiagonalisation, divide and conquer on the tridiagonal matrix, back-transformation by the
 * reflectors. Same contract as `symmetricEigen` (only the lower triangle of `matrix` is read; it is
 * not modified); `timings`, when given, receives seconds per stage.
 */
export function symmetricEigenDivideConquer(matrix: Float64Array, n: number, timings?: Partial<EigenStageTimings>, stats?: Partial<DivideConquerStats>): SymmetricEigen {
  const now = () => performance.now() / 1000;
  let t = now();
  const tri = householderTridiagonalize(matrix.slice(), n);
  const values = tri.diagonal.slice();
  const zt = new Float64Array(n * n);
  let t1 = now();
  if (timings) timings.tridiagonalise = t1 - t;
  t = t1;
  const s = tridiagonalDivideConquer(values, tri.offDiagonal, zt);
  if (stats) Object.assign(stats, s);
  t1 = now();
  if (timings) timings.tridiagonalSolve = t1 - t;
  t = t1;
  applyReflectorsToRows(tri, n, zt);
  t1 = now();
  if (timings) {
    timings.backTransform = t1 - t;
    timings.sort = 0;
  }
  return { values, vectors: zt };
}
