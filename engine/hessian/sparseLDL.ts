/**
 * Sylvester inertia of H − σI for the block-sparse Hessian, by a sparse block LDLᵀ factorisation
 * (docs/PHYSICS.md §4 lowest-K path: the certificate that no eigenvalue below σ was missed).
 *
 * Sylvester's law of inertia: H − σI = L D Lᵀ with L unit lower block-triangular and D block
 * diagonal has as many negative eigenvalues as D, i.e. the number of eigenvalues of H below σ
 * (Parlett, The Symmetric Eigenvalue Problem, §3.3; the "spectrum slicing" of Ericsson & Ruhe,
 * Math. Comp. 35, 1251 (1980)). The pivots are the particles' d×d blocks (no pivoting across
 * particles), whose inertia is counted from their eigenvalues.
 *
 * Fill-reducing ordering: nested dissection (George, SIAM J. Numer. Anal. 10, 345 (1973)) by
 * coordinate bisection of the particles — the natural geometric separator of a short-ranged
 * interaction graph: split a set at the median of its widest coordinate, take as separator the
 * particles of the smaller boundary (those with a neighbour across the cut; in a periodic box the
 * first cuts have two such planes), recurse on both halves, number the separator last.
 * Symbolic factorisation by the elimination tree (Liu, SIAM J. Matrix Anal. Appl. 11, 134 (1990)):
 * struct(L_j) = adj⁺(j) ∪ ⋃_children struct(L_c) \ {j}; it stops as soon as the factor would
 * exceed a memory or flop budget, so the cost is known before any numeric work.
 * Numeric factorisation: left-looking block column LDLᵀ (George & Liu, Computer Solution of Large
 * Sparse Positive Definite Systems, 1981, §5; Davis, Direct Methods for Sparse Linear Systems,
 * 2006, §4.8 for the linked lists of pending columns). The lowest-K path now factors with the
 * supernodal multifrontal LDLᵀ of engine/hessian/multifrontalLDL.ts (on this ordering and symbolic
 * factor), which also solves; `inertiaOf` stays as its independent reference in the tests
 * (d×d pivots instead of scalar ones, a different elimination schedule).
 */
import type { SparseHessian } from './sparse';
import { wrapCoordinate } from '../space/box';

/** Particle adjacency (both directions) from the pair list, CSR, with the pair index of each entry. */
export function adjacency(h: SparseHessian): { start: Int32Array; neighbour: Int32Array; pair: Int32Array } {
  const n = h.particles;
  const degree = new Int32Array(n + 1);
  for (let p = 0; p < h.pairI.length; p++) {
    degree[h.pairI[p] + 1]++;
    degree[h.pairJ[p] + 1]++;
  }
  for (let i = 0; i < n; i++) degree[i + 1] += degree[i];
  const fill = degree.slice(0, n);
  const neighbour = new Int32Array(2 * h.pairI.length);
  const pair = new Int32Array(2 * h.pairI.length);
  for (let p = 0; p < h.pairI.length; p++) {
    const i = h.pairI[p];
    const j = h.pairJ[p];
    neighbour[fill[i]] = j;
    pair[fill[i]++] = p;
    neighbour[fill[j]] = i;
    pair[fill[j]++] = p;
  }
  return { start: degree, neighbour, pair };
}

/**
 * Nested-dissection order of the particles: order[k] is the particle eliminated k-th. Positions are
 * taken modulo the box side; `leaf` is the set size below which a set is numbered as it is.
 */
export function nestedDissectionOrder(h: SparseHessian, positions: Float64Array, side: number, leaf = 48): Int32Array {
  const n = h.particles;
  const d = h.dim;
  const adj = adjacency(h);
  const order = new Int32Array(n);
  let next = 0;
  const mark = new Int32Array(n); // 0 unvisited in this split, 1 side A, 2 side B
  const coordinate = (i: number, a: number) => wrapCoordinate(positions[d * i + a], side);
  const stack: Int32Array[] = [Int32Array.from({ length: n }, (_, i) => i)];
  // Depth-first with separators numbered after both halves: emit into `pending` lists in reverse.
  const out: Int32Array[] = [];
  while (stack.length > 0) {
    const set = stack.pop()!;
    if (set.length <= leaf) {
      out.push(set);
      continue;
    }
    let axis = 0;
    let widest = -1;
    for (let a = 0; a < d; a++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const i of set) {
        const x = coordinate(i, a);
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      if (hi - lo > widest) {
        widest = hi - lo;
        axis = a;
      }
    }
    const sorted = Array.from(set).sort((p, q) => coordinate(p, axis) - coordinate(q, axis));
    const half = sorted.length >> 1;
    for (let k = 0; k < sorted.length; k++) mark[sorted[k]] = k < half ? 1 : 2;
    const boundary = (side: number) => sorted.filter((i) => {
      if (mark[i] !== side) return false;
      for (let t = adj.start[i]; t < adj.start[i + 1]; t++) {
        const m = mark[adj.neighbour[t]];
        if (m !== 0 && m !== side) return true;
      }
      return false;
    });
    const sepA = boundary(1);
    const sepB = boundary(2);
    const sep = sepA.length <= sepB.length ? sepA : sepB;
    const sepSide = sep === sepA ? 1 : 2;
    for (const i of sep) mark[i] = 3;
    const a = sorted.filter((i) => mark[i] === 1);
    const b = sorted.filter((i) => mark[i] === 2);
    for (const i of sorted) mark[i] = 0;
    void sepSide;
    if (a.length === 0 || b.length === 0) {
      // No progress possible (a clique-like set): number it as it is.
      out.push(set);
      continue;
    }
    // out is built in reverse elimination order: separator first, then the halves.
    out.push(Int32Array.from(sep));
    stack.push(Int32Array.from(a), Int32Array.from(b));
  }
  // Reverse: the last emitted leaf is eliminated first. Each set keeps its internal order.
  for (let s = out.length - 1; s >= 0; s--) for (const i of out[s]) order[next++] = i;
  return order;
}

export interface SymbolicFactor {
  /** order[k]: particle eliminated k-th; rank[i]: its position. */
  order: Int32Array;
  rank: Int32Array;
  /** Column k of L (in elimination order): block rows rows[start[k] … start[k+1]) (ranks > k, ascending). */
  start: Int32Array;
  rows: Int32Array;
  /** Off-diagonal blocks of L and the flops (multiply–adds × 2) of the numeric factorisation. */
  blocks: number;
  flops: number;
}

export interface FactorBudget {
  /** Most off-diagonal blocks of L (memory: blocks × d² × 8 bytes). */
  maxBlocks: number;
  /** Most flops of the numeric factorisation. */
  maxFlops: number;
}

/**
 * Symbolic block factorisation in the given order; null (with the partial counts) as soon as the
 * factor would exceed the budget.
 */
export function symbolicFactor(h: SparseHessian, order: Int32Array, budget: FactorBudget): { factor: SymbolicFactor | null; blocks: number; flops: number; columnsDone: number } {
  const n = h.particles;
  const d = h.dim;
  const adj = adjacency(h);
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[order[k]] = k;
  // Children lists of the elimination tree, filled as parents become known.
  const childHead = new Int32Array(n).fill(-1);
  const childNext = new Int32Array(n).fill(-1);
  const structs: Int32Array[] = new Array(n);
  const marker = new Int32Array(n).fill(-1);
  let blocks = 0;
  let flops = 0;
  const blockFlops = 2 * d * d * d;
  const buffer = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let len = 0;
    marker[k] = k;
    const i = order[k];
    for (let t = adj.start[i]; t < adj.start[i + 1]; t++) {
      const r = rank[adj.neighbour[t]];
      if (r > k && marker[r] !== k) {
        marker[r] = k;
        buffer[len++] = r;
      }
    }
    for (let c = childHead[k]; c !== -1; c = childNext[c]) {
      const s = structs[c];
      for (let t = 0; t < s.length; t++) {
        const r = s[t];
        if (r > k && marker[r] !== k) {
          marker[r] = k;
          buffer[len++] = r;
        }
      }
      // A child's structure is no longer needed after its parent merged it, except for the factor itself.
    }
    const s = buffer.slice(0, len).sort();
    structs[k] = s;
    blocks += len;
    flops += blockFlops * ((len * (len + 1)) / 2 + len);
    if (blocks > budget.maxBlocks || flops > budget.maxFlops) return { factor: null, blocks, flops, columnsDone: k + 1 };
    if (len > 0) {
      const parent = s[0];
      childNext[k] = childHead[parent];
      childHead[parent] = k;
    }
  }
  const start = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) start[k + 1] = start[k] + structs[k].length;
  const rows = new Int32Array(start[n]);
  for (let k = 0; k < n; k++) rows.set(structs[k], start[k]);
  return { factor: { order, rank, start, rows, blocks, flops }, blocks, flops, columnsDone: n };
}

/** Eigenvalues and eigenvectors of a symmetric d×d block (d ≤ 3) by cyclic Jacobi; q row-major, columns = vectors. */
function smallSymmetricEigen(a: Float64Array, d: number, values: Float64Array, q: Float64Array): void {
  const m = a.slice(0, d * d);
  q.fill(0);
  for (let i = 0; i < d; i++) q[i * d + i] = 1;
  for (let sweep = 0; sweep < 30; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < d; i++) {
      diag += m[i * d + i] ** 2;
      for (let j = i + 1; j < d; j++) off += m[i * d + j] ** 2;
    }
    if (off <= 1e-34 * diag || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let r = p + 1; r < d; r++) {
        const apr = m[p * d + r];
        if (apr === 0) continue;
        const theta = (m[r * d + r] - m[p * d + p]) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p];
          const mkr = m[k * d + r];
          m[k * d + p] = c * mkp - s * mkr;
          m[k * d + r] = s * mkp + c * mkr;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k];
          const mrk = m[r * d + k];
          m[p * d + k] = c * mpk - s * mrk;
          m[r * d + k] = s * mpk + c * mrk;
        }
        for (let k = 0; k < d; k++) {
          const qkp = q[k * d + p];
          const qkr = q[k * d + r];
          q[k * d + p] = c * qkp - s * qkr;
          q[k * d + r] = s * qkp + c * qkr;
        }
      }
    }
  }
  for (let i = 0; i < d; i++) values[i] = m[i * d + i];
}

export interface Inertia {
  /** Eigenvalues of H below σ, equal and above (counts of the pivot blocks' eigenvalues). */
  negative: number;
  zero: number;
  positive: number;
  /** Smallest |pivot eigenvalue| / max |pivot eigenvalue|: how close a pivot came to singular. */
  smallestPivot: number;
  /** max ‖(L D Lᵀ − (H − σI)) x‖ / ‖x‖ over a few random x: the backward error of the factorisation. */
  backwardError: number;
  seconds: number;
}

/**
 * The inertia of H − σI from its block LDLᵀ factorisation in the symbolic factor's order. The
 * backward error is measured by `probes` products with random vectors (L D Lᵀ x against (H − σI) x).
 */
export function inertiaOf(h: SparseHessian, sigma: number, symbolic: SymbolicFactor, probes: Float64Array[] = []): Inertia {
  const t0 = performance.now();
  const d = h.dim;
  const dd = d * d;
  const n = h.particles;
  const { order, rank, start, rows } = symbolic;
  const L = new Float64Array(start[n] * dd);
  const D = new Float64Array(n * dd);
  const adj = adjacency(h);
  const rowPos = new Int32Array(n).fill(-1);
  const head = new Int32Array(n).fill(-1);
  const link = new Int32Array(n).fill(-1);
  const nextRow = new Int32Array(n);
  let maxWork = 0;
  for (let k = 0; k < n; k++) maxWork = Math.max(maxWork, start[k + 1] - start[k]);
  const work = new Float64Array(Math.max(1, maxWork) * dd);
  const dj = new Float64Array(dd);
  const m = new Float64Array(dd);
  const values = new Float64Array(d);
  const q = new Float64Array(dd);
  const inv = new Float64Array(dd);
  let negative = 0;
  let zero = 0;
  let positive = 0;
  let pivotMin = Infinity;
  let pivotMax = 0;
  for (let j = 0; j < n; j++) {
    const s0 = start[j];
    const s1 = start[j + 1];
    const len = s1 - s0;
    for (let t = s0; t < s1; t++) rowPos[rows[t]] = t - s0;
    work.fill(0, 0, len * dd);
    // A's column j: H_jj − σI and the blocks H_ij = −K_ij (symmetric) of later rows.
    const pj = order[j];
    for (let a = 0; a < dd; a++) dj[a] = h.diagonalBlocks[pj * dd + a];
    for (let a = 0; a < d; a++) dj[a * d + a] -= sigma;
    for (let t = adj.start[pj]; t < adj.start[pj + 1]; t++) {
      const r = rank[adj.neighbour[t]];
      if (r <= j) continue;
      const w = rowPos[r] * dd;
      const b = adj.pair[t] * dd;
      for (let a = 0; a < dd; a++) work[w + a] -= h.pairBlocks[b + a];
    }
    // Left-looking updates from every column k < j with L_jk ≠ 0.
    for (let k = head[j]; k !== -1; ) {
      const following = link[k];
      const pos = nextRow[k];
      const lo = pos * dd;
      // M = D_k L_jkᵀ
      const dk = k * dd;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let c = 0; c < d; c++) s += D[dk + a * d + c] * L[lo + b * d + c];
          m[a * d + b] = s;
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let c = 0; c < d; c++) s += L[lo + a * d + c] * m[c * d + b];
          dj[a * d + b] -= s;
        }
      }
      const end = start[k + 1];
      if (d === 3) {
        // The hot loop, unrolled for 3×3 blocks: work_i −= L_ik M.
        const m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8];
        for (let t = pos + 1; t < end; t++) {
          const w = rowPos[rows[t]] * 9;
          const lt = t * 9;
          const a0 = L[lt], a1 = L[lt + 1], a2 = L[lt + 2];
          work[w] -= a0 * m0 + a1 * m3 + a2 * m6;
          work[w + 1] -= a0 * m1 + a1 * m4 + a2 * m7;
          work[w + 2] -= a0 * m2 + a1 * m5 + a2 * m8;
          const b0 = L[lt + 3], b1 = L[lt + 4], b2 = L[lt + 5];
          work[w + 3] -= b0 * m0 + b1 * m3 + b2 * m6;
          work[w + 4] -= b0 * m1 + b1 * m4 + b2 * m7;
          work[w + 5] -= b0 * m2 + b1 * m5 + b2 * m8;
          const c0 = L[lt + 6], c1 = L[lt + 7], c2 = L[lt + 8];
          work[w + 6] -= c0 * m0 + c1 * m3 + c2 * m6;
          work[w + 7] -= c0 * m1 + c1 * m4 + c2 * m7;
          work[w + 8] -= c0 * m2 + c1 * m5 + c2 * m8;
        }
      } else for (let t = pos + 1; t < end; t++) {
        const w = rowPos[rows[t]] * dd;
        const lt = t * dd;
        for (let a = 0; a < d; a++) {
          for (let b = 0; b < d; b++) {
            let s = 0;
            for (let c = 0; c < d; c++) s += L[lt + a * d + c] * m[c * d + b];
            work[w + a * d + b] -= s;
          }
        }
      }
      nextRow[k] = pos + 1;
      if (pos + 1 < end) {
        const r = rows[pos + 1];
        link[k] = head[r];
        head[r] = k;
      }
      k = following;
    }
    // The pivot block: symmetrised, its inertia counted, inverted through its eigen-decomposition.
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) dj[a * d + b] = dj[b * d + a] = 0.5 * (dj[a * d + b] + dj[b * d + a]);
    D.set(dj, j * dd);
    smallSymmetricEigen(dj, d, values, q);
    for (let a = 0; a < d; a++) {
      const v = values[a];
      if (v < 0) negative++;
      else if (v > 0) positive++;
      else zero++;
      pivotMin = Math.min(pivotMin, Math.abs(v));
      pivotMax = Math.max(pivotMax, Math.abs(v));
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += (q[a * d + c] * q[b * d + c]) / values[c];
        inv[a * d + b] = s;
      }
    }
    // L_ij = W_i D_j⁻¹
    for (let t = s0; t < s1; t++) {
      const w = (t - s0) * dd;
      const lt = t * dd;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          let s = 0;
          for (let c = 0; c < d; c++) s += work[w + a * d + c] * inv[c * d + b];
          L[lt + a * d + b] = s;
        }
      }
    }
    for (let t = s0; t < s1; t++) rowPos[rows[t]] = -1;
    nextRow[j] = s0;
    if (len > 0) {
      const r = rows[s0];
      link[j] = head[r];
      head[r] = j;
    }
  }
  // Backward error: ‖L D Lᵀ x − (H − σI) x‖ / ‖x‖ for the probes (x in the original numbering).
  let backwardError = 0;
  for (const x of probes) {
    const size = d * n;
    const y = new Float64Array(size); // in elimination order, by blocks
    const xp = new Float64Array(size);
    for (let k = 0; k < n; k++) for (let a = 0; a < d; a++) xp[k * d + a] = x[order[k] * d + a];
    // u = Lᵀ xp: u_k = xp_k + Σ_(i in struct k) L_ikᵀ xp_i
    const u = xp.slice();
    for (let k = 0; k < n; k++) {
      for (let t = start[k]; t < start[k + 1]; t++) {
        const i = rows[t];
        for (let a = 0; a < d; a++) {
          let s = 0;
          for (let b = 0; b < d; b++) s += L[t * dd + b * d + a] * xp[i * d + b];
          u[k * d + a] += s;
        }
      }
    }
    // w = D u
    const w = new Float64Array(size);
    for (let k = 0; k < n; k++) for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += D[k * dd + a * d + b] * u[k * d + b];
      w[k * d + a] = s;
    }
    // y = L w
    y.set(w);
    for (let k = 0; k < n; k++) {
      for (let t = start[k]; t < start[k + 1]; t++) {
        const i = rows[t];
        for (let a = 0; a < d; a++) {
          let s = 0;
          for (let b = 0; b < d; b++) s += L[t * dd + a * d + b] * w[k * d + b];
          y[i * d + a] += s;
        }
      }
    }
    // (H − σI) x in elimination order.
    const hx = new Float64Array(size);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) {
      let s = -sigma * x[i * d + a];
      for (let b = 0; b < d; b++) s += h.diagonalBlocks[i * dd + a * d + b] * x[i * d + b];
      hx[rank[i] * d + a] += s;
    }
    for (let p = 0; p < h.pairI.length; p++) {
      const i = h.pairI[p];
      const j = h.pairJ[p];
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
        const kab = h.pairBlocks[p * dd + a * d + b];
        hx[rank[i] * d + a] -= kab * x[j * d + b];
        hx[rank[j] * d + a] -= kab * x[i * d + b];
      }
    }
    let e2 = 0;
    let x2 = 0;
    for (let k = 0; k < size; k++) {
      e2 += (y[k] - hx[k]) ** 2;
      x2 += x[k] * x[k];
    }
    backwardError = Math.max(backwardError, Math.sqrt(e2 / x2));
  }
  return { negative, zero, positive, smallestPivot: pivotMax > 0 ? pivotMin / pivotMax : 0, backwardError, seconds: (performance.now() - t0) / 1000 };
}
