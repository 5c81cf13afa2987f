/**
 * Supernodal multifrontal LDLᵀ of H − σI for the block-sparse Hessian: the factor the lowest-K path
 * uses for shift-invert Lanczos and for the Sylvester inertia certificate (docs/SPECTRUM.md,
 * "Lowest-K path"; engine/spectrum/lowest.ts).
 *
 * The ordering and the symbolic factor (elimination tree, column structures) are those of
 * engine/hessian/sparseLDL.ts (nested dissection by coordinate bisection). On top of them:
 *  - supernodes: consecutive particle columns k−1, k with parent(k−1) = k and
 *    struct(k−1) = {k} ∪ struct(k) share one dense panel (the "fundamental" supernodes of Liu, Ng &
 *    Peyton, SIAM J. Matrix Anal. Appl. 14, 242 (1993); Ashcraft & Grimes, ACM TOMS 15, 291 (1989)).
 *    On these short-ranged 3D graphs the nested-dissection separators are dense, so most of the
 *    flops fall in a few large panels;
 *  - multifrontal numeric factorisation (Duff & Reid, ACM TOMS 9, 302 (1983); Liu, SIAM Rev. 34, 82
 *    (1992); Davis, Direct Methods for Sparse Linear Systems, 2006, §§4.12, 6): for each supernode
 *    in elimination order the frontal matrix is assembled from H − σI and the children's update
 *    matrices (extend-add), its first columns are factored by a blocked right-looking dense LDLᵀ
 *    whose trailing updates are matrix products (gemmNT, engine/linalg/gemm.ts), and the Schur
 *    complement is passed to the parent;
 *  - scalar 1×1 pivots, no pivoting (the order is fixed by the symbolic factor). Sylvester's law of
 *    inertia: the signs of D are the signs of the eigenvalues of H − σI (Parlett, The Symmetric
 *    Eigenvalue Problem, §3.3). Without pivoting an indefinite matrix can produce a small pivot and
 *    growth in L, so the backward error ‖(L D Lᵀ − (H − σI)) x‖ / ‖x‖ is measured with probes and
 *    reported; the caller decides whether σ is far enough from the spectrum for the count to hold.
 *  - triangular solves by the same dense panels (forward: L₁₁ then the rows below; backward in
 *    reverse).
 * Everything is float64; the factor is exact up to rounding (tests/multifrontal-ldl.test.ts checks
 * solves, inertia against the dense eigenvalues and the block factorisation of sparseLDL.ts).
 */
import { gemmNN, gemmNT } from '../linalg/gemm';
import { simdHeap, type SimdHeap } from '../linalg/simdGemm';
import type { SparseHessian } from './sparse';
import { adjacency, type SymbolicFactor } from './sparseLDL';

export interface Supernodes {
  /** Supernode s holds the particle columns first[s] … first[s + 1] − 1 (elimination order). */
  first: Int32Array;
  /** Its rows below the panel: block rows (ranks, ascending) of the last column's structure. */
  rowStart: Int32Array;
  rows: Int32Array;
  /** The supernode of each column. */
  of: Int32Array;
  /** Parent supernode (−1 for a root). */
  parent: Int32Array;
}

/**
 * Supernodes of a symbolic factor: the fundamental ones, then relaxed amalgamation (Ashcraft & Grimes,
 * ACM TOMS 15, 291 (1989); Davis §4.14): a supernode is merged into its parent when the parent
 * follows it directly in the order and the merged panel costs few more flops than its parts
 * (≤ 15 %, or any merge up to 4 particle columns). The zeros are computed as exact zeros; the panels get wider, so fewer, larger fronts
 * and matrix products (at N = 1000, 263 of the 342 fundamental supernodes are single columns).
 */
export function supernodesOf(symbolic: SymbolicFactor, relax = true): Supernodes {
  const { start, rows } = symbolic;
  const n = start.length - 1;
  const fundamental: number[] = [];
  for (let k = 0; k < n; k++) {
    const len = start[k + 1] - start[k];
    const prevLen = k > 0 ? start[k] - start[k - 1] : -1;
    const prevParent = k > 0 && prevLen > 0 ? rows[start[k - 1]] : -1;
    if (!(prevParent === k && prevLen === len + 1)) fundamental.push(k);
  }
  fundamental.push(n);
  // Relaxed amalgamation along chains s → s + 1 (in blocks: columns c, rows below r, true entries z).
  const firsts: number[] = [];
  let groupFirst = 0;
  let groupFlops = 0; // the flops of the group's parts, unmerged (block units)
  // Multiply–adds (block units) of a panel of c columns with r rows below.
  const panelFlops = (c: number, r: number) => {
    let f = 0;
    for (let j = 0; j < c; j++) f += (c - j + r) * (c - j + r - 1);
    return f;
  };
  for (let f = 0; f + 1 < fundamental.length; f++) {
    const k0 = fundamental[f];
    const k1 = fundamental[f + 1];
    const last = k1 - 1;
    const c = k1 - k0;
    const r = start[last + 1] - start[last];
    const own = panelFlops(c, r);
    if (f === 0) {
      groupFirst = k0;
      groupFlops = own;
    } else {
      // Merge the open group (ending at k0 − 1) into this supernode if its parent is k0.
      const gl = k0 - 1;
      const parentIsNext = start[gl + 1] > start[gl] && rows[start[gl]] === k0;
      const cg = k0 - groupFirst;
      const C = cg + c;
      const merged = panelFlops(C, r);
      if (relax && parentIsNext && (C <= 4 || merged <= 1.15 * (groupFlops + own))) {
        groupFlops += own;
      } else {
        firsts.push(groupFirst);
        groupFirst = k0;
        groupFlops = own;
      }
    }
  }
  if (n > 0) firsts.push(groupFirst);
  const count = firsts.length;
  const first = new Int32Array(count + 1);
  first.set(firsts);
  first[count] = n;
  const of = new Int32Array(n);
  const rowStart = new Int32Array(count + 1);
  for (let s = 0; s < count; s++) {
    for (let k = first[s]; k < first[s + 1]; k++) of[k] = s;
    const last = first[s + 1] - 1;
    rowStart[s + 1] = rowStart[s] + start[last + 1] - start[last];
  }
  const sRows = new Int32Array(rowStart[count]);
  const parent = new Int32Array(count).fill(-1);
  for (let s = 0; s < count; s++) {
    const last = first[s + 1] - 1;
    sRows.set(rows.subarray(start[last], start[last + 1]), rowStart[s]);
    if (start[last + 1] > start[last]) parent[s] = of[rows[start[last]]];
  }
  return { first, rowStart, rows: sRows, of, parent };
}

export interface LDLFactor {
  sigma: number;
  dim: number;
  particles: number;
  symbolic: SymbolicFactor;
  supernodes: Supernodes;
  /** Per supernode: the panel (m × nc, row-major; rows: its nc columns then the rows below, columns: its nc columns) of unit lower L. */
  panels: Float64Array[];
  /** With WebAssembly SIMD: the panels are views into this kernel memory (panelOffset[s] their starts), followed by the solves' work arrays at `work`. */
  simd?: { kernel: SimdHeap; panelOffset: Int32Array; work: number; front: number };
  /** D in elimination order (dN entries). */
  pivots: Float64Array;
  /** Signs of D: the inertia of H − σI (Sylvester). */
  negative: number;
  zero: number;
  positive: number;
  /** min |D| / max |D|. */
  smallestPivot: number;
  /** Entries of L stored (the dense panels) and the numeric flops. */
  entries: number;
  flops: number;
  seconds: number;
}

/** Panel width of the dense partial factorisation (measured: 32–96 alike, 16 slower). */
const PANEL = 48;
/** Row strips of the trailing update. */
const STRIP = 96;

/**
 * Partial LDLᵀ of the first nc columns of the m × m front F (row-major, lower triangle valid):
 * afterwards F[:, 0:nc] holds unit-lower L (below the diagonal), d[0:nc] the pivots, and the
 * trailing lower triangle F[nc:, nc:] the Schur complement.
 */
function partialFactor(F: Float64Array, m: number, nc: number, d: Float64Array, dOff: number, w: Float64Array, rowOff: Int32Array, simd: SimdHeap | null, wOff: number): void {
  for (let p0 = 0; p0 < nc; p0 += PANEL) {
    const p1 = Math.min(nc, p0 + PANEL);
    const nb = p1 - p0;
    // The panel's diagonal block: unblocked right-looking LDLᵀ.
    for (let q = p0; q < p1; q++) {
      const dq = F[q * m + q];
      d[dOff + q] = dq;
      const inv = 1 / dq;
      for (let i = q + 1; i < p1; i++) {
        const li = F[i * m + q] * inv;
        const ro = i * m;
        for (let c = q + 1; c <= i; c++) F[ro + c] -= li * F[c * m + q];
      }
      for (let i = q + 1; i < p1; i++) F[i * m + q] *= inv;
    }
    // Rows below it: w_iq = a_iq − Σ_(p0 ≤ r < q) w_ir L_qr (w = L D, dot products along the rows, four rows at a time), then L_iq = w_iq / d_q.
    let i = p1;
    for (; i + 4 <= m; i += 4) {
      const o0 = i * m;
      const o1 = o0 + m;
      const o2 = o1 + m;
      const o3 = o2 + m;
      for (let q = p0; q < p1; q++) {
        const lq = q * m;
        let s0 = F[o0 + q];
        let s1 = F[o1 + q];
        let s2 = F[o2 + q];
        let s3 = F[o3 + q];
        for (let r = p0; r < q; r++) {
          const l = F[lq + r];
          s0 -= F[o0 + r] * l;
          s1 -= F[o1 + r] * l;
          s2 -= F[o2 + r] * l;
          s3 -= F[o3 + r] * l;
        }
        F[o0 + q] = s0;
        F[o1 + q] = s1;
        F[o2 + q] = s2;
        F[o3 + q] = s3;
      }
    }
    for (; i < m; i++) {
      const o0 = i * m;
      for (let q = p0; q < p1; q++) {
        const lq = q * m;
        let s0 = F[o0 + q];
        for (let r = p0; r < q; r++) s0 -= F[o0 + r] * F[lq + r];
        F[o0 + q] = s0;
      }
    }
    // W = −L D of the rows below (for the trailing update), then L = W D⁻¹ in place.
    const rest = m - p1;
    for (let c = 0; c < rest; c++) {
      const ro = (p1 + c) * m + p0;
      const wo = c * nb;
      for (let q = 0; q < nb; q++) {
        const wq = F[ro + q];
        if (simd) simd.heap[wOff + q * rest + c] = -wq; // transposed (nb × rest) for the SIMD kernel
        else w[wo + q] = -wq;
        F[ro + q] = wq / d[dOff + p0 + q];
      }
    }
    if (p1 >= m) break;
    // Trailing update F[i][c] −= Σ_q L[i][q] D[q] L[c][q] for p1 ≤ c ≤ i < m, by row strips.
    for (let r0 = 0; r0 < rest; r0 += STRIP) {
      const r1 = Math.min(rest, r0 + STRIP);
      if (simd) {
        // F is the start of the kernel's memory: the same indices.
        simd.nn(r1 - r0, r1, nb, (p1 + r0) * m + p0, m, wOff, rest, (p1 + r0) * m + p1, m);
        continue;
      }
      for (let j = r0; j < r1; j++) rowOff[j - r0] = (p1 + j) * m + p1;
      gemmNT(r1 - r0, r1, nb, F, (p1 + r0) * m + p0, m, w, 0, nb, F, rowOff, 0, true);
    }
  }
}

/** The numeric flops and stored entries of the supernodal factor (before any numeric work). */
export function supernodalCost(sn: Supernodes, dim: number): { flops: number; entries: number; largestFront: number } {
  let flops = 0;
  let entries = 0;
  let largestFront = 0;
  for (let s = 0; s + 1 < sn.first.length; s++) {
    const nc = dim * (sn.first[s + 1] - sn.first[s]);
    const nr = dim * (sn.rowStart[s + 1] - sn.rowStart[s]);
    const m = nc + nr;
    entries += m * nc;
    largestFront = Math.max(largestFront, m);
    // Σ over the nc pivots of (rows left)²: the multiply–adds of the partial factorisation, ×2.
    for (let q = 0; q < nc; q++) flops += (m - q - 1) * (m - q);
  }
  return { flops, entries, largestFront };
}

/** Factor H − σI = L D Lᵀ in the symbolic factor's order (supernodal multifrontal, scalar pivots). */
export function factorShifted(h: SparseHessian, sigma: number, symbolic: SymbolicFactor, supernodes: Supernodes = supernodesOf(symbolic), useSimd = true): LDLFactor {
  const t0 = performance.now();
  const d = h.dim;
  const dd = d * d;
  const particles = h.particles;
  const { order, rank } = symbolic;
  const sn = supernodes;
  const count = sn.first.length - 1;
  const adj = adjacency(h);
  const cost = supernodalCost(sn, d);
  const frontSize = cost.largestFront * cost.largestFront;
  // The frontal matrix in the SIMD kernel's memory when WebAssembly SIMD is there (engine/linalg/simdGemm.ts), W after it.
  const simd = useSimd ? simdHeap(frontSize + cost.largestFront * PANEL) : null;
  const F = simd ? simd.heap.subarray(0, frontSize) : new Float64Array(frontSize);
  const w = new Float64Array(cost.largestFront * PANEL);
  const rowOff = new Int32Array(STRIP);
  const local = new Int32Array(cost.largestFront);
  const rel = new Int32Array(particles).fill(-1); // rank → local block index in the current front
  const pivots = new Float64Array(d * particles);
  const panels: Float64Array[] = new Array(count);
  // The panels in a second SIMD kernel memory (kept with the factor) for the solves, with room for their work arrays.
  const maxFront = cost.largestFront;
  const store = simd ? simdHeap(cost.entries + SOLVE_WORK * maxFront) : null;
  const panelOffset = new Int32Array(count);
  let nextPanel = 0;
  const updates: (Float64Array | null)[] = new Array(count).fill(null);
  // Children lists.
  const childHead = new Int32Array(count).fill(-1);
  const childNext = new Int32Array(count).fill(-1);
  for (let s = count - 1; s >= 0; s--) {
    const p = sn.parent[s];
    if (p >= 0) {
      childNext[s] = childHead[p];
      childHead[p] = s;
    }
  }
  for (let s = 0; s < count; s++) {
    const f0 = sn.first[s];
    const f1 = sn.first[s + 1];
    const r0 = sn.rowStart[s];
    const r1 = sn.rowStart[s + 1];
    const cb = f1 - f0;
    const nc = d * cb;
    const m = nc + d * (r1 - r0);
    for (let k = f0; k < f1; k++) rel[k] = k - f0;
    for (let t = r0; t < r1; t++) rel[sn.rows[t]] = cb + t - r0;
    for (let i = 0; i < m; i++) F.fill(0, i * m, i * m + i + 1); // the lower triangle only is read
    // H − σI: the diagonal blocks of the panel's columns and their couplings to later ranks.
    for (let k = f0; k < f1; k++) {
      const pk = order[k];
      const a0 = d * (k - f0);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) F[(a0 + a) * m + a0 + b] = h.diagonalBlocks[pk * dd + a * d + b];
        F[(a0 + a) * m + a0 + a] -= sigma;
      }
      for (let t = adj.start[pk]; t < adj.start[pk + 1]; t++) {
        const r = rank[adj.neighbour[t]];
        if (r <= k) continue;
        const b0 = d * rel[r];
        const pb = adj.pair[t] * dd;
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) F[(b0 + a) * m + a0 + b] -= h.pairBlocks[pb + a * d + b];
      }
    }
    // Extend-add of the children's update matrices.
    for (let c = childHead[s]; c !== -1; c = childNext[c]) {
      const u = updates[c]!;
      const q0 = sn.rowStart[c];
      const q1 = sn.rowStart[c + 1];
      const mu = d * (q1 - q0);
      // The child's rows in this front (local dof indices, ascending as the child's are).
      for (let t = q0; t < q1; t++) {
        const l = d * rel[sn.rows[t]];
        for (let a = 0; a < d; a++) local[d * (t - q0) + a] = l + a;
      }
      for (let i = 0; i < mu; i++) {
        const ro = local[i] * m;
        const uo = (i * (i + 1)) >> 1;
        for (let j = 0; j <= i; j++) F[ro + local[j]] += u[uo + j];
      }
      updates[c] = null;
    }
    partialFactor(F, m, nc, pivots, d * f0, w, rowOff, simd, frontSize);
    let panel: Float64Array;
    if (store) {
      panelOffset[s] = nextPanel;
      // A fresh memory (simdHeap), each panel at its own offset: already zero where the copy below leaves it.
      panel = store.heap.subarray(nextPanel, nextPanel + m * nc);
      nextPanel += m * nc;
    } else panel = new Float64Array(m * nc);
    for (let i = 0; i < m; i++) panel.set(F.subarray(i * m, i * m + Math.min(nc, i + 1)), i * nc);
    for (let i = 0; i < nc; i++) panel[i * nc + i] = 1;
    panels[s] = panel;
    if (m > nc) {
      const mu = m - nc;
      const u = new Float64Array((mu * (mu + 1)) >> 1); // the Schur complement's lower triangle, packed by rows
      for (let i = 0; i < mu; i++) u.set(F.subarray((nc + i) * m + nc, (nc + i) * m + nc + i + 1), (i * (i + 1)) >> 1);
      updates[s] = u;
    }
    for (let k = f0; k < f1; k++) rel[k] = -1;
    for (let t = r0; t < r1; t++) rel[sn.rows[t]] = -1;
  }
  let negative = 0;
  let zero = 0;
  let positive = 0;
  let lo = Infinity;
  let hi = 0;
  for (const v of pivots) {
    if (v < 0) negative++;
    else if (v > 0) positive++;
    else zero++;
    lo = Math.min(lo, Math.abs(v));
    hi = Math.max(hi, Math.abs(v));
  }
  return { sigma, dim: d, particles, symbolic, supernodes: sn, panels, simd: store ? { kernel: store, panelOffset, work: nextPanel, front: maxFront } : undefined, pivots, negative, zero, positive, smallestPivot: hi > 0 ? lo / hi : 0, entries: cost.entries, flops: cost.flops, seconds: (performance.now() - t0) / 1000 };
}

/** The supernode's global dof of panel row i (elimination-order dof index). */
function rowDof(sn: Supernodes, s: number, i: number, nc: number, d: number): number {
  if (i < nc) return d * sn.first[s] + i;
  const j = i - nc;
  return d * sn.rows[sn.rowStart[s] + ((j / d) | 0)] + (j % d);
}

/** Diagonal block of the blocked triangular solves (the rest of each panel goes through gemm). */
const SOLVE_BLOCK = 32;
/** Doubles of work per front row the SIMD solves need after the panels: T (4 × m), Y (m × 4). */
const SOLVE_WORK = 8;

/**
 * X = (H − σI)⁻¹ B for `count` vectors stored as rows (count × dN, original numbering), by the
 * factor: L y = P b, z = D⁻¹ y, Lᵀ u = z, x = Pᵀ u. Blocked by supernodes: each supernode's
 * entries of the vectors are gathered into a small work array (count × front), the panel's
 * diagonal blocks are solved by substitution and everything else is a matrix product
 * (gemmNT forward, gemmNN backward, engine/linalg/gemm.ts), so every panel is read once per sweep
 * for all the vectors.
 */
export function solveShifted(f: LDLFactor, b: Float64Array, x: Float64Array, count: number): void {
  if (f.simd) {
    solveSimd(f, b, x, count);
    return;
  }
  const d = f.dim;
  const n = d * f.particles;
  const sn = f.supernodes;
  const ns = sn.first.length - 1;
  const nv = count;
  const { order } = f.symbolic;
  let front = 1;
  for (let s = 0; s < ns; s++) front = Math.max(front, f.panels[s].length / (d * (sn.first[s + 1] - sn.first[s])));
  // z: the vectors in the factor's numbering, as rows (nv × n).
  const z = new Float64Array(nv * n);
  for (let c = 0; c < nv; c++) {
    const o = c * n;
    for (let k = 0; k < f.particles; k++) for (let a = 0; a < d; a++) z[o + d * k + a] = b[o + d * order[k] + a];
  }
  const T = new Float64Array(nv * front); // T[c·m + i]: vector c at the front's row i
  const Y = new Float64Array(nv * front);
  const yRows = new Int32Array(front);
  for (let j = 0; j < front; j++) yRows[j] = j * nv;
  const gather = new Int32Array(front);
  // Forward: L y = z.
  for (let s = 0; s < ns; s++) {
    const { p, nc, m, c0 } = panelOf(f, s);
    for (let c = 0; c < nv; c++) T.set(z.subarray(c * n + c0, c * n + c0 + nc), c * m);
    for (let i0 = 0; i0 < nc; i0 += SOLVE_BLOCK) {
      const i1 = Math.min(nc, i0 + SOLVE_BLOCK);
      if (i0 > 0) {
        // Y[i − i0][c] = Σ_(q < i0) L[i][q] T[c][q]
        gemmNT(i1 - i0, nv, i0, p, i0 * nc, nc, T, 0, m, Y, yRows, 0);
        for (let i = i0; i < i1; i++) for (let c = 0; c < nv; c++) T[c * m + i] -= Y[(i - i0) * nv + c];
      }
      for (let c = 0; c < nv; c++) {
        const t = c * m;
        for (let i = i0 + 1; i < i1; i++) {
          const ro = i * nc;
          let sum = 0;
          for (let q = i0; q < i; q++) sum += p[ro + q] * T[t + q];
          T[t + i] -= sum;
        }
      }
    }
    for (let c = 0; c < nv; c++) z.set(T.subarray(c * m, c * m + nc), c * n + c0);
    if (m > nc) {
      for (let i = nc; i < m; i++) gather[i - nc] = rowDof(sn, s, i, nc, d);
      gemmNT(m - nc, nv, nc, p, nc * nc, nc, T, 0, m, Y, yRows, 0);
      for (let j = 0; j < m - nc; j++) {
        const g = gather[j];
        for (let c = 0; c < nv; c++) z[c * n + g] -= Y[j * nv + c];
      }
    }
  }
  for (let c = 0; c < nv; c++) for (let i = 0; i < n; i++) z[c * n + i] /= f.pivots[i];
  // Backward: Lᵀ u = z.
  for (let s = ns - 1; s >= 0; s--) {
    const { p, nc, m, c0 } = panelOf(f, s);
    for (let i = nc; i < m; i++) gather[i - nc] = rowDof(sn, s, i, nc, d);
    for (let c = 0; c < nv; c++) {
      const t = c * m;
      const o = c * n;
      T.set(z.subarray(o + c0, o + c0 + nc), t);
      for (let j = 0; j < m - nc; j++) T[t + nc + j] = z[o + gather[j]];
    }
    const top = Math.ceil(nc / SOLVE_BLOCK) * SOLVE_BLOCK;
    for (let i0 = top - SOLVE_BLOCK; i0 >= 0; i0 -= SOLVE_BLOCK) {
      const i1 = Math.min(nc, i0 + SOLVE_BLOCK);
      const w = i1 - i0;
      if (i1 < m) {
        // Y[c][i] = Σ_(q ≥ i1) T[c][q] L[q][i0 + i]
        gemmNN(nv, w, m - i1, T, i1, m, p, i1 * nc + i0, nc, Y, 0, w);
        for (let c = 0; c < nv; c++) for (let i = 0; i < w; i++) T[c * m + i0 + i] -= Y[c * w + i];
      }
      for (let c = 0; c < nv; c++) {
        const t = c * m;
        for (let i = i1 - 2; i >= i0; i--) {
          let sum = 0;
          for (let q = i + 1; q < i1; q++) sum += p[q * nc + i] * T[t + q];
          T[t + i] -= sum;
        }
      }
    }
    for (let c = 0; c < nv; c++) z.set(T.subarray(c * m, c * m + nc), c * n + c0);
  }
  for (let c = 0; c < nv; c++) {
    const o = c * n;
    for (let k = 0; k < f.particles; k++) for (let a = 0; a < d; a++) x[o + d * order[k] + a] = z[o + d * k + a];
  }
}

/**
 * solveShifted on the WebAssembly SIMD kernel (engine/linalg/simdGemm.ts): the vectors in chunks of
 * 4 (the kernel's tile width; a chunk of fewer is padded with zeros, the panels being read once
 * either way), each supernode's entries gathered into the kernel memory after the panels —
 * forward as an m × 4 array (the vectors along the kernel's lanes: Y = L₂₁ T), backward as 4 × m
 * (Y = T L₂₁ over the panel's column blocks) — the diagonal blocks by substitution as before.
 */
function solveSimd(f: LDLFactor, b: Float64Array, x: Float64Array, count: number): void {
  const { kernel, panelOffset, work, front } = f.simd!;
  const heap = kernel.heap;
  const d = f.dim;
  const n = d * f.particles;
  const sn = f.supernodes;
  const ns = sn.first.length - 1;
  const { order } = f.symbolic;
  const W = 4;
  const tOff = work; // T: forward m × 4, backward 4 × m
  const yOff = work + W * front; // Y: m × 4 or 4 × SOLVE_BLOCK
  const gather = new Int32Array(front);
  const z = new Float64Array(W * n);
  for (let c0v = 0; c0v < count; c0v += W) {
    const nv = Math.min(W, count - c0v);
    z.fill(0);
    for (let c = 0; c < nv; c++) {
      const o = c * n;
      const src = (c0v + c) * n;
      for (let k = 0; k < f.particles; k++) for (let a = 0; a < d; a++) z[o + d * k + a] = b[src + d * order[k] + a];
    }
    // Forward: L y = z, T[i·4 + c].
    for (let s = 0; s < ns; s++) {
      const { p, nc, m, c0 } = panelOf(f, s);
      const pOff = panelOffset[s];
      for (let i = 0; i < nc; i++) for (let c = 0; c < W; c++) heap[tOff + i * W + c] = z[c * n + c0 + i];
      for (let i0 = 0; i0 < nc; i0 += SOLVE_BLOCK) {
        const i1 = Math.min(nc, i0 + SOLVE_BLOCK);
        if (i0 > 0) {
          heap.fill(0, yOff, yOff + (i1 - i0) * W);
          kernel.nn(i1 - i0, W, i0, pOff + i0 * nc, nc, tOff, W, yOff, W);
          for (let k = 0; k < (i1 - i0) * W; k++) heap[tOff + i0 * W + k] -= heap[yOff + k];
        }
        for (let i = i0 + 1; i < i1; i++) {
          const ro = i * nc;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let q = i0; q < i; q++) {
            const l = p[ro + q];
            const t = tOff + q * W;
            s0 += l * heap[t];
            s1 += l * heap[t + 1];
            s2 += l * heap[t + 2];
            s3 += l * heap[t + 3];
          }
          const t = tOff + i * W;
          heap[t] -= s0;
          heap[t + 1] -= s1;
          heap[t + 2] -= s2;
          heap[t + 3] -= s3;
        }
      }
      for (let i = 0; i < nc; i++) for (let c = 0; c < W; c++) z[c * n + c0 + i] = heap[tOff + i * W + c];
      if (m > nc) {
        for (let i = nc; i < m; i++) gather[i - nc] = rowDof(sn, s, i, nc, d);
        heap.fill(0, yOff, yOff + (m - nc) * W);
        kernel.nn(m - nc, W, nc, pOff + nc * nc, nc, tOff, W, yOff, W);
        for (let j = 0; j < m - nc; j++) {
          const g = gather[j];
          for (let c = 0; c < W; c++) z[c * n + g] -= heap[yOff + j * W + c];
        }
      }
    }
    for (let c = 0; c < W; c++) for (let i = 0; i < n; i++) z[c * n + i] /= f.pivots[i];
    // Backward: Lᵀ u = z, T[c·m + i].
    for (let s = ns - 1; s >= 0; s--) {
      const { p, nc, m, c0 } = panelOf(f, s);
      const pOff = panelOffset[s];
      for (let i = nc; i < m; i++) gather[i - nc] = rowDof(sn, s, i, nc, d);
      for (let c = 0; c < W; c++) {
        const t = tOff + c * m;
        const o = c * n;
        for (let i = 0; i < nc; i++) heap[t + i] = z[o + c0 + i];
        for (let j = 0; j < m - nc; j++) heap[t + nc + j] = z[o + gather[j]];
      }
      const top = Math.ceil(nc / SOLVE_BLOCK) * SOLVE_BLOCK;
      for (let i0 = top - SOLVE_BLOCK; i0 >= 0; i0 -= SOLVE_BLOCK) {
        const i1 = Math.min(nc, i0 + SOLVE_BLOCK);
        const w = i1 - i0;
        if (i1 < m) {
          heap.fill(0, yOff, yOff + W * w);
          kernel.nn(W, w, m - i1, tOff + i1, m, pOff + i1 * nc + i0, nc, yOff, w);
          for (let c = 0; c < W; c++) for (let i = 0; i < w; i++) heap[tOff + c * m + i0 + i] -= heap[yOff + c * w + i];
        }
        for (let c = 0; c < W; c++) {
          const t = tOff + c * m;
          for (let i = i1 - 2; i >= i0; i--) {
            let sum = 0;
            for (let q = i + 1; q < i1; q++) sum += p[q * nc + i] * heap[t + q];
            heap[t + i] -= sum;
          }
        }
      }
      for (let c = 0; c < W; c++) for (let i = 0; i < nc; i++) z[c * n + c0 + i] = heap[tOff + c * m + i];
    }
    for (let c = 0; c < nv; c++) {
      const o = c * n;
      const dst = (c0v + c) * n;
      for (let k = 0; k < f.particles; k++) for (let a = 0; a < d; a++) x[dst + d * order[k] + a] = z[o + d * k + a];
    }
  }
}

/** Supernode s's panel: its rows × nc columns (row-major), and the first of its columns c0. */
function panelOf(f: LDLFactor, s: number): { p: Float64Array; nc: number; m: number; c0: number } {
  const p = f.panels[s];
  const first = f.supernodes.first;
  const nc = f.dim * (first[s + 1] - first[s]);
  return { p, nc, m: p.length / nc, c0: f.dim * first[s] };
}

/** x in the original numbering → the factor's (eliminated) numbering. */
function toFactorOrder(f: LDLFactor, x: Float64Array): Float64Array {
  const d = f.dim;
  const { order } = f.symbolic;
  const z = new Float64Array(d * f.particles);
  for (let k = 0; k < f.particles; k++) for (let a = 0; a < d; a++) z[d * k + a] = x[d * order[k] + a];
  return z;
}

/** z in the factor's numbering → out in the original one. */
function fromFactorOrder(f: LDLFactor, z: Float64Array, out: Float64Array): void {
  const d = f.dim;
  const { order } = f.symbolic;
  for (let k = 0; k < f.particles; k++) for (let a = 0; a < d; a++) out[d * order[k] + a] = z[d * k + a];
}

/** y = L D Lᵀ x (original numbering): the factor as an operator, to measure its backward error. */
export function multiplyFactor(f: LDLFactor, x: Float64Array, y: Float64Array): void {
  const d = f.dim;
  const n = d * f.particles;
  const sn = f.supernodes;
  const ns = sn.first.length - 1;
  const xp = toFactorOrder(f, x);
  // u = Lᵀ xp
  const u = new Float64Array(n);
  for (let s = 0; s < ns; s++) {
    const { p, nc, m, c0 } = panelOf(f, s);
    for (let i = 0; i < m; i++) {
      const xi = xp[rowDof(sn, s, i, nc, d)];
      const ro = i * nc;
      const top = Math.min(nc, i + 1);
      for (let q = 0; q < top; q++) u[c0 + q] += p[ro + q] * xi;
    }
  }
  for (let i = 0; i < n; i++) u[i] *= f.pivots[i];
  // yp = L u
  const yp = new Float64Array(n);
  for (let s = 0; s < ns; s++) {
    const { p, nc, m, c0 } = panelOf(f, s);
    for (let i = 0; i < m; i++) {
      let sum = 0;
      const ro = i * nc;
      const top = Math.min(nc, i + 1);
      for (let q = 0; q < top; q++) sum += p[ro + q] * u[c0 + q];
      yp[rowDof(sn, s, i, nc, d)] += sum;
    }
  }
  fromFactorOrder(f, yp, y);
}
