/**
 * The Hessian H = ∂²V/∂r_i∂r_j of a pair potential (docs/PHYSICS.md §2, paper Eqs. 44–46) as d×d blocks:
 *   K_ij^(αβ) = [φ''(r) − φ'(r)/r] r^α r^β / r² + [φ'(r)/r] δ_αβ,
 *   H_ij = −K_ij (i ≠ j),  H_ii = Σ_(l≠i) K_il.
 * Stored sparse (one block per interacting pair plus N diagonal blocks), float64.
 */
import { contacts, type Contacts, type Glass } from '../model/glass';

export interface SparseHessian {
  dim: number;
  particles: number;
  /** Pairs i < j, one d×d block K_ij each (row-major), so H_ij = −K_ij = H_ji. */
  pairI: Int32Array;
  pairJ: Int32Array;
  pairBlocks: Float64Array;
  /** N blocks H_ii. */
  diagonalBlocks: Float64Array;
}

/** The bond stiffness block K of one interacting pair, written into out (d×d, row-major). */
export function bondStiffness(sep: Float64Array, offset: number, d: number, r: number, dphi: number, d2phi: number, out: Float64Array, outOffset = 0): void {
  const radial = (d2phi - dphi / r) / (r * r);
  const tangential = dphi / r;
  for (let a = 0; a < d; a++) {
    const ra = radial * sep[offset + a];
    out[outOffset + a * d + a] = ra * sep[offset + a] + tangential;
    for (let b = a + 1; b < d; b++) {
      const k = ra * sep[offset + b]; // computed once, so the block is exactly symmetric
      out[outOffset + a * d + b] = k;
      out[outOffset + b * d + a] = k;
    }
  }
}

export function sparseHessian(glass: Glass, positions: Float64Array, interacting: Contacts = contacts(glass, positions)): SparseHessian {
  const d = glass.box.dim;
  const n = glass.diameters.length;
  const dd = d * d;
  const pairBlocks = new Float64Array(interacting.count * dd);
  const diagonalBlocks = new Float64Array(n * dd);
  for (let p = 0; p < interacting.count; p++) {
    bondStiffness(interacting.separation, p * d, d, interacting.distance[p], interacting.dphi[p], interacting.d2phi[p], pairBlocks, p * dd);
    const i = interacting.i[p];
    const j = interacting.j[p];
    for (let k = 0; k < dd; k++) {
      diagonalBlocks[i * dd + k] += pairBlocks[p * dd + k];
      diagonalBlocks[j * dd + k] += pairBlocks[p * dd + k];
    }
  }
  return { dim: d, particles: n, pairI: interacting.i, pairJ: interacting.j, pairBlocks, diagonalBlocks };
}

/** out = H v for a vector of length dN. */
export function hessianMultiply(h: SparseHessian, v: Float64Array, out: Float64Array): Float64Array {
  return hessianMultiplyRows(h, v, out, 1);
}

/**
 * Y = H X for `count` vectors stored as rows (count × dN, row-major): one pass over the blocks feeds
 * every vector, so the Hessian is read once per block of vectors (block Lanczos, engine/linalg/lowestModes.ts).
 */
export function hessianMultiplyRows(h: SparseHessian, x: Float64Array, y: Float64Array, count: number): Float64Array {
  const d = h.dim;
  const dd = d * d;
  const n = d * h.particles;
  const blocks = h.diagonalBlocks;
  const pairs = h.pairBlocks;
  y.fill(0, 0, count * n);
  if (d === 3) {
    for (let c = 0; c < count; c++) {
      const o = c * n;
      for (let i = 0; i < h.particles; i++) {
        const b = i * 9;
        const p = o + 3 * i;
        const x0 = x[p], x1 = x[p + 1], x2 = x[p + 2];
        y[p] = blocks[b] * x0 + blocks[b + 1] * x1 + blocks[b + 2] * x2;
        y[p + 1] = blocks[b + 3] * x0 + blocks[b + 4] * x1 + blocks[b + 5] * x2;
        y[p + 2] = blocks[b + 6] * x0 + blocks[b + 7] * x1 + blocks[b + 8] * x2;
      }
    }
    for (let q = 0; q < h.pairI.length; q++) {
      const b = q * 9;
      // K is symmetric: k01 = k10 etc.
      const k00 = pairs[b], k01 = pairs[b + 1], k02 = pairs[b + 2], k11 = pairs[b + 4], k12 = pairs[b + 5], k22 = pairs[b + 8];
      const pi = 3 * h.pairI[q];
      const pj = 3 * h.pairJ[q];
      for (let c = 0; c < count; c++) {
        const i0 = c * n + pi;
        const j0 = c * n + pj;
        const xi0 = x[i0], xi1 = x[i0 + 1], xi2 = x[i0 + 2];
        const xj0 = x[j0], xj1 = x[j0 + 1], xj2 = x[j0 + 2];
        y[i0] -= k00 * xj0 + k01 * xj1 + k02 * xj2;
        y[i0 + 1] -= k01 * xj0 + k11 * xj1 + k12 * xj2;
        y[i0 + 2] -= k02 * xj0 + k12 * xj1 + k22 * xj2;
        y[j0] -= k00 * xi0 + k01 * xi1 + k02 * xi2;
        y[j0 + 1] -= k01 * xi0 + k11 * xi1 + k12 * xi2;
        y[j0 + 2] -= k02 * xi0 + k12 * xi1 + k22 * xi2;
      }
    }
    return y;
  }
  for (let c = 0; c < count; c++) {
    const o = c * n;
    for (let i = 0; i < h.particles; i++) {
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += blocks[i * dd + a * d + b] * x[o + d * i + b];
        y[o + d * i + a] += s;
      }
    }
  }
  for (let q = 0; q < h.pairI.length; q++) {
    const i = h.pairI[q];
    const j = h.pairJ[q];
    for (let c = 0; c < count; c++) {
      const o = c * n;
      for (let a = 0; a < d; a++) {
        let si = 0;
        let sj = 0;
        for (let b = 0; b < d; b++) {
          const k = pairs[q * dd + a * d + b]; // symmetric block
          si += k * x[o + d * j + b];
          sj += k * x[o + d * i + b];
        }
        y[o + d * i + a] -= si;
        y[o + d * j + a] -= sj;
      }
    }
  }
  return y;
}

/** The dense dN × dN Hessian, row-major float64. */
export function denseHessian(h: SparseHessian): Float64Array {
  const d = h.dim;
  const dd = d * d;
  const size = d * h.particles;
  const m = new Float64Array(size * size);
  for (let i = 0; i < h.particles; i++) {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) m[(d * i + a) * size + d * i + b] = h.diagonalBlocks[i * dd + a * d + b];
  }
  for (let p = 0; p < h.pairI.length; p++) {
    const i = h.pairI[p];
    const j = h.pairJ[p];
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const k = h.pairBlocks[p * dd + a * d + b];
        m[(d * i + a) * size + d * j + b] -= k;
        m[(d * j + b) * size + d * i + a] -= k;
      }
    }
  }
  return m;
}

/** Trace of H: Σ_i tr H_ii. */
export function hessianTrace(h: SparseHessian): number {
  const d = h.dim;
  let t = 0;
  for (let i = 0; i < h.particles; i++) for (let a = 0; a < d; a++) t += h.diagonalBlocks[i * d * d + a * d + a];
  return t;
}

/** Gershgorin's bound on the spectrum: max over rows of Σ_j |H_rj| ≥ |λ| for every eigenvalue λ of H. */
export function hessianGershgorinBound(h: SparseHessian): number {
  const d = h.dim;
  const dd = d * d;
  const rows = new Float64Array(d * h.particles);
  for (let i = 0; i < h.particles; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) rows[d * i + a] += Math.abs(h.diagonalBlocks[i * dd + a * d + b]);
  for (let p = 0; p < h.pairI.length; p++) {
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += Math.abs(h.pairBlocks[p * dd + a * d + b]);
      rows[d * h.pairI[p] + a] += s;
      rows[d * h.pairJ[p] + a] += s; // the block is symmetric: row a of K_ji = row a of K_ij
    }
  }
  let m = 0;
  for (const r of rows) m = Math.max(m, r);
  return m;
}

/**
 * The particles in the order of the cells of a grid over the periodic box (about two particles per
 * cell, cells in lexicographic order, the last coordinate slowest): order[new] = old. Neighbours are
 * then close in memory, so a product reads x and updates y in a window of a few cell layers instead of
 * at random across the vectors (the input order of a glass is random). Measured at N = 10^5 (3D): a
 * product 35 → 22 ms (docs/SPECTRUM.md). Ties keep the input order, so the order is deterministic.
 */
export function cellOrder(positions: Float64Array, side: number, dim: number): Int32Array {
  const particles = positions.length / dim;
  const cells = Math.max(1, Math.round(Math.pow(particles / 2, 1 / dim)));
  const key = new Int32Array(particles);
  for (let i = 0; i < particles; i++) {
    let k = 0;
    for (let a = dim - 1; a >= 0; a--) {
      const u = positions[dim * i + a] / side;
      const c = Math.min(cells - 1, Math.floor((u - Math.floor(u)) * cells));
      k = k * cells + c;
    }
    key[i] = k;
  }
  // A counting sort by cell (stable).
  const start = new Int32Array(Math.pow(cells, dim) + 1);
  for (let i = 0; i < particles; i++) start[key[i] + 1]++;
  for (let c = 0; c + 1 < start.length; c++) start[c + 1] += start[c];
  const order = new Int32Array(particles);
  for (let i = 0; i < particles; i++) order[start[key[i]]++] = i;
  return order;
}

/**
 * P H Pᵀ for the relabelling order[new] = old: blocks moved, each pair stored as (min, max) of its new
 * labels (K_ji = K_ij, the blocks of a central potential are symmetric) and the pairs sorted by those,
 * as sparseHessian's are by the contact list. Eigenvalues are unchanged; an eigenvector x of the
 * permuted Hessian is one of H after `unpermuteRows`.
 */
export function permuteHessian(h: SparseHessian, order: Int32Array): SparseHessian {
  const d = h.dim;
  const dd = d * d;
  const n = h.particles;
  if (order.length !== n) throw new RangeError(`permuteHessian: an order of ${order.length} for ${n} particles`);
  const inverse = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) inverse[order[k]] = k;
  const diagonalBlocks = new Float64Array(n * dd);
  for (let k = 0; k < n; k++) {
    if (inverse[order[k]] !== k) throw new RangeError('permuteHessian: the order is not a permutation');
    diagonalBlocks.set(h.diagonalBlocks.subarray(order[k] * dd, order[k] * dd + dd), k * dd);
  }
  const pairs = h.pairI.length;
  const a = new Int32Array(pairs);
  const b = new Int32Array(pairs);
  const start = new Int32Array(n + 1);
  for (let q = 0; q < pairs; q++) {
    const i = inverse[h.pairI[q]];
    const j = inverse[h.pairJ[q]];
    a[q] = Math.min(i, j);
    b[q] = Math.max(i, j);
    start[a[q] + 1]++;
  }
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const slot = start.slice(0, n);
  const at = new Int32Array(pairs);
  for (let q = 0; q < pairs; q++) at[slot[a[q]]++] = q;
  // Within a row, by the second label (rows are short: insertion sort).
  for (let i = 0; i < n; i++) {
    for (let s = start[i] + 1; s < start[i + 1]; s++) {
      const q = at[s];
      let t = s - 1;
      while (t >= start[i] && b[at[t]] > b[q]) {
        at[t + 1] = at[t];
        t--;
      }
      at[t + 1] = q;
    }
  }
  const pairI = new Int32Array(pairs);
  const pairJ = new Int32Array(pairs);
  const pairBlocks = new Float64Array(pairs * dd);
  for (let s = 0; s < pairs; s++) {
    const q = at[s];
    pairI[s] = a[q];
    pairJ[s] = b[q];
    pairBlocks.set(h.pairBlocks.subarray(q * dd, q * dd + dd), s * dd);
  }
  return { dim: d, particles: n, pairI, pairJ, pairBlocks, diagonalBlocks };
}

/** Rows of per-particle d-vectors (count × dN) from the order[new] = old labels back to the old ones (or, with `forward`, old to new). */
export function unpermuteRows(x: Float64Array, order: Int32Array, dim: number, forward = false): Float64Array {
  const n = dim * order.length;
  const out = new Float64Array(x.length);
  for (let o = 0; o < x.length; o += n) {
    for (let k = 0; k < order.length; k++) {
      const from = forward ? o + dim * order[k] : o + dim * k;
      const to = forward ? o + dim * k : o + dim * order[k];
      for (let c = 0; c < dim; c++) out[to + c] = x[from + c];
    }
  }
  return out;
}
