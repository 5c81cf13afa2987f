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
