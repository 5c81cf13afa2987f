/**
 * Divide and conquer for the symmetric tridiagonal eigenproblem, with all eigenvectors, float64.
 *
 * Cuppen, "A divide and conquer method for the symmetric tridiagonal eigenproblem", Numer. Math. 36,
 * 177 (1981); made stable (orthogonal eigenvectors without extra precision) by Gu & Eisenstat, "A
 * divide-and-conquer algorithm for the symmetric tridiagonal eigenproblem", SIAM J. Matrix Anal.
 * Appl. 16, 172 (1995); organised as LAPACK dstedc / dlaed0–dlaed4 (Rutter, LAPACK Working Note 69,
 * 1994; Li, "Solving secular equations stably and efficiently", LAPACK Working Note 89, 1994 —
 * dlaed4's "middle way" rational iteration):
 *
 *  - split T at the middle coupling β: T = diag(T₁ − |β| e_last e_lastᵀ, T₂ − |β| e₁e₁ᵀ) + |β| u uᵀ,
 *    solve both halves recursively (implicit QL, `tridiagonalQL`, below `smallSize`);
 *  - merge: the eigenproblem of D + ρ z zᵀ (z = last row of Q₁, ±first row of Q₂), with
 *    deflation of negligible z-components and of close pairs of d by Givens rotations (dlaed2);
 *  - each remaining root λ_j of the secular equation 1/ρ + Σ z_i²/(d_i − λ) = 0 by a safeguarded
 *    rational ("middle way") iteration with bisection fallback (dlaed4), with the origin shifted to
 *    the nearer pole so that d_i − λ_j is known to high relative accuracy;
 *  - Löwner's formula for the ẑ that has the computed λ_j as exact eigenvalues (Gu & Eisenstat §3,
 *    dlaed3), and eigenvectors u_j ∝ ẑ_i / (d_i − λ_j), which are then orthogonal to working accuracy;
 *  - the merged eigenvectors Q·U as a blocked dense product that skips the zero blocks of the
 *    block-diagonal Q (dlaed3's column types 1/2/3): on the WebAssembly SIMD kernel
 *    (engine/linalg/simdGemm.ts) from order SIMD_MIN_ORDER unless `simd: false`, else `gemmNT`.
 *
 * Eigenvectors are held as rows (row k = eigenvector k), as in symmetricEigen.ts.
 */
import { tridiagonalQL } from './tridiagonalQL';
import { gemmNT } from './gemm';
import { nnSlabs, simdHeap, type SimdHeap } from './simdGemm';

export { gemmNT } from './gemm';

const EPS = 2 ** -52;

export interface DivideConquerStats {
  /** Number of merges (rank-one updates) performed. */
  merges: number;
  /** Eigenpairs deflated over all merges. */
  deflated: number;
  /** Total secular-equation iterations. */
  secularIterations: number;
  /** Seconds spent in the Q·U products. */
  gemmSeconds: number;
}

/**
 * All eigenvalues (ascending, in `d`) and eigenvectors (rows of `zt`, n × n) of the symmetric
 * tridiagonal matrix with diagonal `d` and sub-diagonal `e` (e[i] = T[i][i−1], e[0] unused), as
 * `Tridiagonal` of symmetricEigen.ts. `d` is overwritten with the eigenvalues, `e` is not modified.
 */
export function tridiagonalDivideConquer(d: Float64Array, e: Float64Array, zt: Float64Array, options: { smallSize?: number; simd?: boolean } = {}): DivideConquerStats {
  const n = d.length;
  if (zt.length !== n * n) throw new RangeError(`eigenvector array holds ${zt.length} numbers, expected ${n}×${n}`);
  const small = Math.max(2, options.smallSize ?? 32);
  const stats: DivideConquerStats = { merges: 0, deflated: 0, secularIterations: 0, gemmSeconds: 0 };
  zt.fill(0);
  if (n === 0) return stats;
  const ws = new Workspace();
  // The Q·U products on the WebAssembly SIMD kernel: U (≤ n²), the kept rows of Q (≤ n²) and a
  // chunk of the product rows live in its memory.
  if ((options.simd ?? true) && n >= SIMD_MIN_ORDER) ws.heap = simdHeap(2 * n * n + PRODUCT_ROWS * n);
  // Cut the coupling terms off the diagonal first (dlaed0): every split point s subtracts |e[s]|
  // from d[s−1] and d[s].
  const splits: [number, number, number][] = [];
  const plan = (lo: number, hi: number) => {
    if (hi - lo <= small) return;
    const mid = lo + ((hi - lo) >> 1);
    const b = Math.abs(e[mid]);
    d[mid - 1] -= b;
    d[mid] -= b;
    plan(lo, mid);
    plan(mid, hi);
    splits.push([lo, mid, hi]);
  };
  plan(0, n);
  // Leaves, then merges bottom-up (post-order), so children are done before their parent.
  const leaves = (lo: number, hi: number) => {
    if (hi - lo <= small) return solveSmall(d, e, zt, n, lo, hi);
    const mid = lo + ((hi - lo) >> 1);
    leaves(lo, mid);
    leaves(mid, hi);
  };
  leaves(0, n);
  for (const [lo, mid, hi] of splits) merge(d, e, zt, n, lo, mid, hi, ws, stats);
  return stats;
}

/** Base case: implicit QL on the block [lo, hi), eigenvectors into zt's diagonal block, ascending. */
function solveSmall(d: Float64Array, e: Float64Array, zt: Float64Array, n: number, lo: number, hi: number): void {
  const m = hi - lo;
  const dl = d.slice(lo, hi);
  const el = new Float64Array(m);
  for (let i = 1; i < m; i++) el[i] = e[lo + i];
  const q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) q[i * m + i] = 1;
  tridiagonalQL(dl, el, q);
  const order = Array.from({ length: m }, (_, k) => k).sort((x, y) => dl[x] - dl[y]);
  for (let k = 0; k < m; k++) {
    const src = order[k];
    d[lo + k] = dl[src];
    const row = (lo + k) * n + lo;
    for (let c = 0; c < m; c++) zt[row + c] = q[src * m + c];
  }
}

/** From this order the merges' Q·U run on the WebAssembly SIMD kernel (engine/linalg/simdGemm.ts). */
const SIMD_MIN_ORDER = 200;
/** Rows of Q·U per SIMD product, copied from the kernel's memory to zt after each. */
const PRODUCT_ROWS = 128;

/** Growable scratch arrays shared by all merges, and the SIMD kernel's memory if it is used. */
class Workspace {
  heap: SimdHeap | null = null;
  private arrays = new Map<string, Float64Array>();
  get(name: string, size: number): Float64Array {
    let a = this.arrays.get(name);
    if (!a || a.length < size) {
      a = new Float64Array(Math.max(size, 16));
      this.arrays.set(name, a);
    }
    return a;
  }
}

/**
 * Merge the solved blocks [lo, mid) and [mid, hi) (eigenvectors as rows in zt's diagonal blocks,
 * eigenvalues ascending in d) into the eigen-decomposition of the block [lo, hi) of T.
 */
function merge(d: Float64Array, e: Float64Array, zt: Float64Array, n: number, lo: number, mid: number, hi: number, ws: Workspace, stats: DivideConquerStats): void {
  stats.merges++;
  const m = hi - lo;
  const n1 = mid - lo;
  const beta = e[mid];
  // z = Qᵀu with u = (e_last; sign(β) e_first); ρ = |β|; then normalise z (‖z‖² = 2) as dlaed2.
  const z = new Float64Array(m);
  const dd = d.slice(lo, hi);
  const sg = beta < 0 ? -1 : 1;
  for (let i = 0; i < n1; i++) z[i] = zt[(lo + i) * n + mid - 1];
  for (let i = n1; i < m; i++) z[i] = sg * zt[(lo + i) * n + mid];
  for (let i = 0; i < m; i++) z[i] *= Math.SQRT1_2;
  const rho = 2 * Math.abs(beta);
  // Merge order of the two ascending lists.
  const order = new Int32Array(m);
  {
    let a = 0;
    let b = n1;
    for (let k = 0; k < m; k++) order[k] = b >= m || (a < n1 && dd[a] <= dd[b]) ? a++ : b++;
  }
  let dmax = 0;
  let zmax = 0;
  for (let i = 0; i < m; i++) {
    dmax = Math.max(dmax, Math.abs(dd[i]));
    zmax = Math.max(zmax, Math.abs(z[i]));
  }
  const tol = 8 * EPS * Math.max(dmax, zmax);
  // Row type: 1 = supported on the first n1 columns only, 3 = on the last m − n1 only, 2 = both.
  const type = new Int8Array(m);
  for (let i = 0; i < m; i++) type[i] = i < n1 ? 1 : 3;
  const kept: number[] = []; // local indices of non-deflated pairs, ascending d
  const dropped: number[] = []; // local indices of deflated pairs
  const rot = (p: number, q: number, c: number, s: number) => {
    // rows p, q (local) of the block: p ← c p + s q, q ← c q − s p.
    const rp = (lo + p) * n + lo;
    const rq = (lo + q) * n + lo;
    for (let k = 0; k < m; k++) {
      const x = zt[rp + k];
      const y = zt[rq + k];
      zt[rp + k] = c * x + s * y;
      zt[rq + k] = c * y - s * x;
    }
  };
  if (rho * zmax <= tol) {
    for (let k = 0; k < m; k++) dropped.push(order[k]);
  } else {
    let pj = -1;
    for (let k = 0; k < m; k++) {
      const nj = order[k];
      if (rho * Math.abs(z[nj]) <= tol) {
        dropped.push(nj);
        continue;
      }
      if (pj < 0) {
        pj = nj;
        continue;
      }
      // Close pair (dlaed2): a Givens rotation zeroes z[pj]; deflate pj if the off-diagonal it leaves is negligible.
      let s = z[pj];
      let c = z[nj];
      const tau = Math.hypot(c, s);
      const t = dd[nj] - dd[pj];
      c /= tau;
      s = -s / tau;
      if (Math.abs(t * c * s) <= tol) {
        z[nj] = tau;
        z[pj] = 0;
        rot(pj, nj, c, s);
        const merged = type[pj] === type[nj] ? type[pj] : 2;
        type[pj] = merged;
        type[nj] = merged;
        const tp = dd[pj] * c * c + dd[nj] * s * s;
        dd[nj] = dd[pj] * s * s + dd[nj] * c * c;
        dd[pj] = tp;
        dropped.push(pj);
        pj = nj;
      } else {
        kept.push(pj);
        pj = nj;
      }
    }
    if (pj >= 0) kept.push(pj);
  }
  const K = kept.length;
  stats.deflated += m - K;

  // Deflated rows and values, sorted by value.
  dropped.sort((x, y) => dd[x] - dd[y]);
  const nd = dropped.length;
  const dfl = ws.get('deflated', nd * m);
  for (let k = 0; k < nd; k++) dfl.set(zt.subarray((lo + dropped[k]) * n + lo, (lo + dropped[k]) * n + lo + m), k * m);

  // Secular equation, Löwner ẑ and the eigenvectors U of D + ρ ẑ ẑᵀ (row j = u_j).
  const lambda = new Float64Array(K);
  const dl = new Float64Array(K);
  const zl = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    dl[k] = dd[kept[k]];
    zl[k] = z[kept[k]];
  }
  // Column order of U by row type (1, 2, 3) so that the top rows of Q meet one contiguous column range.
  const colpos = new Int32Array(K);
  let K1 = 0;
  let K2 = 0;
  for (let k = 0; k < K; k++) if (type[kept[k]] === 1) K1++;
  for (let k = 0; k < K; k++) if (type[kept[k]] === 2) K2++;
  {
    let p1 = 0;
    let p2 = K1;
    let p3 = K1 + K2;
    for (let k = 0; k < K; k++) {
      const t = type[kept[k]];
      colpos[k] = t === 1 ? p1++ : t === 2 ? p2++ : p3++;
    }
  }
  const heap = ws.heap;
  const U = heap ? heap.heap.subarray(0, K * K) : ws.get('U', K * K);
  if (K > 0) {
    const shifts = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      const r = secularRoot(j, K, dl, zl, rho, shifts, U, j * K);
      lambda[j] = r.lambda;
      stats.secularIterations += r.iterations;
    }
    // Löwner (Gu & Eisenstat eq. 3.6; dlaed3): ẑ_i² ρ = −∏_j (d_i − λ_j) / ∏_{j≠i} (d_i − d_j).
    const w = new Float64Array(K);
    for (let i = 0; i < K; i++) w[i] = U[i * K + i];
    for (let j = 0; j < K; j++) {
      const row = j * K;
      const dj = dl[j];
      for (let i = 0; i < K; i++) if (i !== j) w[i] *= U[row + i] / (dl[i] - dj);
    }
    for (let i = 0; i < K; i++) w[i] = zl[i] >= 0 ? Math.sqrt(Math.abs(w[i])) : -Math.sqrt(Math.abs(w[i]));
    const tmp = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      const row = j * K;
      let s = 0;
      for (let i = 0; i < K; i++) {
        const v = w[i] / U[row + i];
        tmp[i] = v;
        s += v * v;
      }
      const inv = 1 / Math.sqrt(s);
      for (let i = 0; i < K; i++) U[row + colpos[i]] = tmp[i] * inv;
    }
  }

  // Pack the kept rows of Q, transposed: Bt1 (n1 × (K1+K2)) for the first n1 columns, Bt2 (n2 × (K2+K3)).
  const n2 = m - n1;
  const kt = K1 + K2;
  const kb = K - K1;
  if (heap) {
    mergeProductSimd(heap, d, zt, n, lo, m, n1, K, K1, kt, kept, colpos, lambda, dd, dropped, dfl, stats);
    return;
  }
  const bt1 = ws.get('bt1', n1 * kt);
  const bt2 = ws.get('bt2', n2 * kb);
  for (let k = 0; k < K; k++) {
    const p = colpos[k];
    const src = (lo + kept[k]) * n + lo;
    if (p < kt) for (let c = 0; c < n1; c++) bt1[c * kt + p] = zt[src + c];
    if (p >= K1) {
      const q = p - K1;
      for (let c = 0; c < n2; c++) bt2[c * kb + q] = zt[src + n1 + c];
    }
  }

  // Final order: merge λ (ascending) with the deflated values (ascending).
  const rowOff = finalOrder(d, zt, n, lo, m, K, lambda, dd, dropped, dfl);
  const t0 = performance.now();
  gemmNT(K, n1, kt, U, 0, K, bt1, 0, kt, zt, rowOff, 0);
  gemmNT(K, n2, kb, U, K1, K, bt2, 0, kb, zt, rowOff, n1);
  stats.gemmSeconds += (performance.now() - t0) / 1000;
}

/**
 * The final order of a merge: λ (ascending) merged with the deflated values (ascending) into
 * d[lo …]; a deflated value's row of Q goes to its place in zt, and the rows of the K products
 * Q·U are returned (their offsets in zt).
 */
function finalOrder(d: Float64Array, zt: Float64Array, n: number, lo: number, m: number, K: number, lambda: Float64Array, dd: Float64Array, dropped: number[], dfl: Float64Array): Int32Array {
  const rowOff = new Int32Array(K);
  const nd = dropped.length;
  let a = 0;
  let b = 0;
  for (let pos = 0; pos < m; pos++) {
    const row = (lo + pos) * n + lo;
    if (b >= nd || (a < K && lambda[a] <= dd[dropped[b]])) {
      d[lo + pos] = lambda[a];
      rowOff[a++] = row;
    } else {
      d[lo + pos] = dd[dropped[b]];
      zt.set(dfl.subarray(b * m, b * m + m), row);
      b++;
    }
  }
  return rowOff;
}

/**
 * The end of `merge` on the SIMD kernel (U already in its memory at 0, ld K): the kept rows of Q,
 * untransposed, as B1 ((K1+K2) × n1: the rows of types 1 and 2, first n1 columns) and B2
 * ((K2+K3) × n2: types 2 and 3, last n2 columns) in the kernel's memory beside U; the final order of
 * the rows as `merge`; Q·U by `nn` in chunks of PRODUCT_ROWS rows, each copied to its rows of zt.
 */
function mergeProductSimd(heap: SimdHeap, d: Float64Array, zt: Float64Array, n: number, lo: number, m: number, n1: number, K: number, K1: number, kt: number, kept: number[], colpos: Int32Array, lambda: Float64Array, dd: Float64Array, dropped: number[], dfl: Float64Array, stats: DivideConquerStats): void {
  const h = heap.heap;
  const n2 = m - n1;
  const kb = K - K1;
  const b1 = n * n;
  const b2 = b1 + kt * n1;
  const c = b2 + kb * n2;
  for (let k = 0; k < K; k++) {
    const p = colpos[k];
    const src = (lo + kept[k]) * n + lo;
    if (p < kt) h.set(zt.subarray(src, src + n1), b1 + p * n1);
    if (p >= K1) h.set(zt.subarray(src + n1, src + m), b2 + (p - K1) * n2);
  }
  const rowOff = finalOrder(d, zt, n, lo, m, K, lambda, dd, dropped, dfl);
  const t0 = performance.now();
  for (let j0 = 0; j0 < K; j0 += PRODUCT_ROWS) {
    const rows = Math.min(PRODUCT_ROWS, K - j0);
    h.fill(0, c, c + rows * m);
    nnSlabs(heap, rows, n1, kt, j0 * K, K, b1, n1, c, m);
    nnSlabs(heap, rows, n2, kb, j0 * K + K1, K, b2, n2, c + n1, m);
    for (let j = 0; j < rows; j++) zt.set(h.subarray(c + j * m, c + j * m + m), rowOff[j0 + j]);
  }
  stats.gemmSeconds += (performance.now() - t0) / 1000;
}

/**
 * The j-th root (ascending, 0-based) of the secular equation f(λ) = 1/ρ + Σ_i z_i²/(d_i − λ) = 0,
 * d strictly ascending, ρ > 0, z_i ≠ 0 (dlaed4; Li, LAWN 89, "middle way"). λ_j lies in
 * (d_j, d_{j+1}) or, for the last, in (d_{K−1}, d_{K−1} + ρ‖z‖²]. The iteration runs on τ = λ − d_o
 * with d_o the pole nearer to the root, so that delta_i = (d_i − d_o) − τ = d_i − λ_j is accurate to
 * a few ulps relative; delta is written to out[off …].
 */
export function secularRoot(j: number, K: number, d: Float64Array, z: Float64Array, rho: number, shifts: Float64Array, out: Float64Array, off: number): { lambda: number; iterations: number } {
  const rhoinv = 1 / rho;
  if (K === 1) {
    const tau = rho * z[0] * z[0];
    out[off] = -tau;
    return { lambda: d[0] + tau, iterations: 0 };
  }
  const last = j === K - 1;
  // Pole pair modelled by the rational interpolant: (k, k + 1).
  const k = last ? K - 2 : j;
  let origin: number;
  let lo: number;
  let hi: number;
  let tau: number;
  if (last) {
    let zz = 0;
    for (let i = 0; i < K; i++) zz += z[i] * z[i];
    origin = K - 1;
    lo = 0;
    hi = rho * zz * (1 + 16 * EPS) + Number.MIN_VALUE;
    tau = 0.5 * hi;
  } else {
    const half = 0.5 * (d[j + 1] - d[j]);
    let f = rhoinv;
    const dj = d[j];
    for (let i = 0; i < K; i++) f += (z[i] * z[i]) / (d[i] - dj - half);
    if (f >= 0) {
      origin = j;
      lo = 0;
      hi = half;
      tau = half;
    } else {
      origin = j + 1;
      lo = -half;
      hi = 0;
      tau = -half;
    }
  }
  const d0 = d[origin];
  for (let i = 0; i < K; i++) shifts[i] = d[i] - d0;
  let iterations = 0;
  for (; iterations < 200; iterations++) {
    let psi = 0;
    let dpsi = 0;
    let phi = 0;
    let dphi = 0;
    for (let i = 0; i <= k; i++) {
      const t = z[i] / (shifts[i] - tau);
      psi += z[i] * t;
      dpsi += t * t;
    }
    for (let i = k + 1; i < K; i++) {
      const t = z[i] / (shifts[i] - tau);
      phi += z[i] * t;
      dphi += t * t;
    }
    const w = rhoinv + psi + phi;
    const dw = dpsi + dphi;
    const erretm = 8 * (Math.abs(phi) + Math.abs(psi)) + 2 * rhoinv + Math.abs(tau) * dw;
    if (Math.abs(w) <= EPS * erretm) break;
    if (w < 0) lo = Math.max(lo, tau);
    else hi = Math.min(hi, tau);
    const dk = shifts[k] - tau;
    const dk1 = shifts[k + 1] - tau;
    let c = w - dk * dpsi - dk1 * dphi;
    const a = (dk + dk1) * w - dk * dk1 * dw;
    const b = dk * dk1 * w;
    let eta: number;
    if (last) {
      if (c < 0) c = -c;
      if (c === 0) eta = hi - tau;
      else if (a >= 0) eta = (a + Math.sqrt(Math.abs(a * a - 4 * b * c))) / (2 * c);
      else eta = (2 * b) / (a - Math.sqrt(Math.abs(a * a - 4 * b * c)));
      if (w * eta > 0) eta = -w / dw;
    } else {
      if (c === 0) eta = b / a;
      else if (a <= 0) eta = (a - Math.sqrt(Math.abs(a * a - 4 * b * c))) / (2 * c);
      else eta = (2 * b) / (a + Math.sqrt(Math.abs(a * a - 4 * b * c)));
      if (w * eta >= 0) eta = -w / dw;
    }
    let next = tau + eta;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next === tau || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
    tau = next;
  }
  for (let i = 0; i < K; i++) out[off + i] = shifts[i] - tau;
  return { lambda: d0 + tau, iterations };
}
