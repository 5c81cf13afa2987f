/**
 * gpu.js kernels of the pair model (docs/PHYSICS.md §1–2), written once for every backend (float32 on the
 * device): per-particle energy, forces, and the dense dN × dN Hessian assembled on the device from
 * positions, diameters and a neighbour table.
 *
 * A kernel computes one output cell by gathering (gpu.js has no scatter): particle i reads its own
 * neighbour row. The pair potential has to be spelled out again here, in the kernel dialect, because
 * a kernel cannot call engine/model/potential.ts; tests hold the two against each other
 * (tests/compute.test.ts: device Hessian vs engine/hessian/sparse.ts).
 */
import type { Glass } from '../model/glass';
import { cutoffPairs } from '../model/glass';
import type { ComputeDevice } from './device';

/** Neighbour table: row i lists the particles within the cutoff candidate range of i, −1 padded. */
export interface NeighbourTable {
  particles: number;
  /** Row length (≥ 1). */
  width: number;
  /** particles × width, float (gpu.js arrays are float), −1 = empty. */
  table: Float32Array;
}

/** Both directions of every candidate pair (cell list of engine/space) as a padded table. */
export function neighbourTable(glass: Glass, positions: Float64Array): NeighbourTable {
  const n = glass.diameters.length;
  const pairs = cutoffPairs(glass, positions);
  const count = new Int32Array(n);
  for (let p = 0; p < pairs.count; p++) {
    count[pairs.i[p]]++;
    count[pairs.j[p]]++;
  }
  let width = 1;
  for (let i = 0; i < n; i++) width = Math.max(width, count[i]);
  const table = new Float32Array(n * width).fill(-1);
  const fill = new Int32Array(n);
  for (let p = 0; p < pairs.count; p++) {
    const i = pairs.i[p];
    const j = pairs.j[p];
    table[i * width + fill[i]++] = j;
    table[j * width + fill[j]++] = i;
  }
  return { particles: n, width, table };
}

/**
 * Kernel constants that describe the model (all numbers, as gpu.js constants must be). Named apart
 * from every kernel-function parameter: the cpu backend substitutes constants by name.
 */
export interface ModelConstants {
  [key: string]: number;
  modelDim: number;
  modelWidth: number;
  modelSide: number;
  modelCutoff: number;
  modelExponent: number;
  /** Tapering order m, or 0 for T_∞. */
  modelTaper: number;
  /** 1 for tapered Lennard-Jones, 0 for the inverse power law. */
  modelLj: number;
}

export function modelConstants(glass: Glass, table: NeighbourTable): ModelConstants {
  const s = glass.potential.settings;
  return {
    modelDim: glass.box.dim,
    modelWidth: table.width,
    modelSide: glass.box.side,
    modelCutoff: s.cutoff,
    modelExponent: s.exponent,
    modelTaper: s.taper === 'inf' ? 0 : s.taper,
    modelLj: s.potential === 'lj' ? 1 : 0,
  };
}

// ---- kernel-side functions (gpu.js dialect: numbers only, no closures) ----

/**
 * Minimum image of a separation component (docs/PHYSICS.md §2): the GPU-side twin of
 * engine/space/box.ts minimumImage. gpu.js compiles this function's source into the kernel, so it
 * cannot call the imported one; floor(x + ½) rounds half up as Math.round does.
 */
function minimumImage(dx: number, side: number): number {
  return dx - side * Math.floor(dx / side + 0.5);
}

/**
 * d^order φ / dr^order at distance r for mean diameter a (order 0, 1, 2): the docs/PHYSICS.md §1 potential,
 * φ = A(r) T(r / r_c), A the IPL (or LJ) envelope, T_m(x) = (1 − x²)^m or T_∞ = exp[x / (2(x − 1))].
 */
function pairDerivative(order: number, r: number, a: number, rc: number, n: number, m: number, lj: number): number {
  const x = r / rc;
  if (x >= 1.0) return 0.0;
  let e0 = 0.0;
  let e1 = 0.0;
  let e2 = 0.0;
  if (lj > 0.5) {
    const s6 = Math.pow(a / r, 6.0);
    const s12 = s6 * s6;
    const c6 = Math.pow(a / rc, 6.0);
    e0 = 4.0 * (s12 - s6 - c6 * c6 + c6);
    e1 = (4.0 * (-12.0 * s12 + 6.0 * s6)) / r;
    e2 = (4.0 * (156.0 * s12 - 42.0 * s6)) / (r * r);
  } else {
    const q = Math.pow(a / r, n);
    e0 = q - Math.pow(a / rc, n);
    e1 = (-n * q) / r;
    e2 = (n * (n + 1.0) * q) / (r * r);
  }
  let t0 = 0.0;
  let t1 = 0.0;
  let t2 = 0.0;
  if (m > 0.5) {
    const u = 1.0 - x * x;
    const um2 = Math.pow(u, m - 2.0);
    const um1 = um2 * u;
    t0 = um1 * u;
    t1 = -2.0 * m * x * um1;
    t2 = -2.0 * m * um1 + 4.0 * m * (m - 1.0) * x * x * um2;
  } else {
    const xm1 = x - 1.0;
    const t = Math.exp(x / (2.0 * xm1));
    const g1 = -1.0 / (2.0 * xm1 * xm1);
    const g2 = 1.0 / (xm1 * xm1 * xm1);
    t0 = t;
    t1 = t * g1;
    t2 = t * (g1 * g1 + g2);
    if (t == 0.0) {
      t1 = 0.0;
      t2 = 0.0;
    }
  }
  t1 = t1 / rc;
  t2 = t2 / (rc * rc);
  if (order < 0.5) return e0 * t0;
  if (order < 1.5) return e1 * t0 + e0 * t1;
  return e2 * t0 + 2.0 * e1 * t1 + e0 * t2;
}

export const kernelFunctions = [minimumImage, pairDerivative];

interface KernelThis {
  thread: { x: number; y: number; z: number };
  constants: ModelConstants;
}

/** Half the pair energies of particle i: Σ_l φ(r_il) / 2, so the cells sum to V (docs/PHYSICS.md §2). */
function particleEnergyKernel(this: KernelThis, positions: number[], diameters: number[], neighbours: number[]): number {
  const i = this.thread.x;
  const d = this.constants.modelDim;
  let sum = 0.0;
  for (let k = 0; k < this.constants.modelWidth; k++) {
    const l = neighbours[i * this.constants.modelWidth + k];
    if (l >= 0.0) {
      let r2 = 0.0;
      for (let c = 0; c < d; c++) {
        const dx = minimumImage(positions[l * d + c] - positions[i * d + c], this.constants.modelSide);
        r2 += dx * dx;
      }
      const r = Math.sqrt(r2);
      const a = 0.5 * (diameters[i] + diameters[l]);
      sum += 0.5 * pairDerivative(0.0, r, a, this.constants.modelCutoff, this.constants.modelExponent, this.constants.modelTaper, this.constants.modelLj);
    }
  }
  return sum;
}

/** Force component f_i^α = Σ_l φ'(r_il) (r_l − r_i)^α / r_il (cell d·i + α). */
function forceKernel(this: KernelThis, positions: number[], diameters: number[], neighbours: number[]): number {
  const d = this.constants.modelDim;
  const i = Math.floor(this.thread.x / d);
  const alpha = this.thread.x - i * d;
  let sum = 0.0;
  for (let k = 0; k < this.constants.modelWidth; k++) {
    const l = neighbours[i * this.constants.modelWidth + k];
    if (l >= 0.0) {
      let r2 = 0.0;
      let s = 0.0;
      for (let c = 0; c < d; c++) {
        const dx = minimumImage(positions[l * d + c] - positions[i * d + c], this.constants.modelSide);
        r2 += dx * dx;
        if (c == alpha) s = dx;
      }
      const r = Math.sqrt(r2);
      const a = 0.5 * (diameters[i] + diameters[l]);
      sum += (pairDerivative(1.0, r, a, this.constants.modelCutoff, this.constants.modelExponent, this.constants.modelTaper, this.constants.modelLj) / r) * s;
    }
  }
  return sum;
}

/**
 * Hessian element H[dI+α][dJ+β] (docs/PHYSICS.md §2, paper Eqs. 44–46): with K^(αβ) = [φ'' − φ'/r] r^α r^β / r²
 * + [φ'/r] δ_αβ, H_ij = −K_ij for a neighbour j of i, H_ii = Σ_l K_il.
 */
function hessianKernel(this: KernelThis, positions: number[], diameters: number[], neighbours: number[]): number {
  const d = this.constants.modelDim;
  const i = Math.floor(this.thread.y / d);
  const alpha = this.thread.y - i * d;
  const j = Math.floor(this.thread.x / d);
  const beta = this.thread.x - j * d;
  let sum = 0.0;
  for (let k = 0; k < this.constants.modelWidth; k++) {
    const l = neighbours[i * this.constants.modelWidth + k];
    if (l >= 0.0 && (i == j || l == j)) {
      let r2 = 0.0;
      let sa = 0.0;
      let sb = 0.0;
      for (let c = 0; c < d; c++) {
        const dx = minimumImage(positions[l * d + c] - positions[i * d + c], this.constants.modelSide);
        r2 += dx * dx;
        if (c == alpha) sa = dx;
        if (c == beta) sb = dx;
      }
      if (r2 < this.constants.modelCutoff * this.constants.modelCutoff) {
        const r = Math.sqrt(r2);
        const a = 0.5 * (diameters[i] + diameters[l]);
        const d1 = pairDerivative(1.0, r, a, this.constants.modelCutoff, this.constants.modelExponent, this.constants.modelTaper, this.constants.modelLj);
        const d2 = pairDerivative(2.0, r, a, this.constants.modelCutoff, this.constants.modelExponent, this.constants.modelTaper, this.constants.modelLj);
        let kab = ((d2 - d1 / r) * sa * sb) / r2;
        if (alpha == beta) kab += d1 / r;
        if (i == j) sum += kab;
        else sum -= kab;
      }
    }
  }
  return sum;
}

/** The three pair kernels of one glass on one device. */
export interface PairKernels {
  /** Total energy V (float32 cells summed in float64 on the host). */
  energy(positions: Float64Array): Promise<number>;
  /** Forces f_i = −∂V/∂r_i, length dN. */
  forces(positions: Float64Array): Promise<Float64Array>;
  /** The dense dN × dN Hessian, row-major, as the device computed it (float32 values). */
  hessian(positions: Float64Array): Promise<Float32Array>;
  /** The raw Hessian kernel, for pipelines that keep its output on the device. */
  readonly hessianKernel: unknown;
}

/** Flattens a gpu.js result (typed array, or nested arrays of rows) into one Float32Array. */
export function flattenResult(result: unknown, length: number): Float32Array {
  const out = new Float32Array(length);
  let offset = 0;
  const visit = (x: unknown): void => {
    if (ArrayBuffer.isView(x)) {
      const v = x as unknown as ArrayLike<number>;
      for (let k = 0; k < v.length; k++) out[offset++] = v[k];
    } else if (Array.isArray(x)) {
      for (const y of x) visit(y);
    } else if (typeof x === 'number') {
      out[offset++] = x;
    } else throw new TypeError('unexpected gpu.js result');
  };
  visit(result);
  if (offset !== length) throw new RangeError(`gpu.js result holds ${offset} numbers, expected ${length}`);
  return out;
}

/** Creates the energy, force and Hessian kernels for a glass and its neighbour table. */
export function createPairKernels(device: ComputeDevice, glass: Glass, table: NeighbourTable): PairKernels {
  const n = glass.diameters.length;
  const d = glass.box.dim;
  const constants = modelConstants(glass, table);
  const common = { constants, functions: kernelFunctions, loopMaxIterations: Math.max(1000, table.width + 1), precision: 'single' as const, tactic: 'precision' as const };
  const energyK = device.gpu.createKernel(particleEnergyKernel as never, { ...common, output: [n] });
  const forceK = device.gpu.createKernel(forceKernel as never, { ...common, output: [d * n] });
  const hessianK = device.gpu.createKernel(hessianKernel as never, { ...common, output: [d * n, d * n] });
  const diameters = Float32Array.from(glass.diameters);
  const nbs = table.table;
  return {
    async energy(positions) {
      const cells = flattenResult(await energyK(Float32Array.from(positions), diameters, nbs), n);
      let v = 0;
      for (let k = 0; k < n; k++) v += cells[k];
      return v;
    },
    async forces(positions) {
      return Float64Array.from(flattenResult(await forceK(Float32Array.from(positions), diameters, nbs), d * n));
    },
    async hessian(positions) {
      return flattenResult(await hessianK(Float32Array.from(positions), diameters, nbs), d * n * d * n);
    },
    hessianKernel: hessianK,
  };
}
