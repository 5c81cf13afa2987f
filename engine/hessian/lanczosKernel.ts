/**
 * The Lanczos step of engine/linalg/lowestModes.ts on two threads: the 3D Hessian, the basis and the
 * work vectors in one shared WebAssembly memory, and every operation of a step — the product H x,
 * the Chebyshev filter's recurrence, the basis' dot products and subtractions, the restart's Yᵀ V —
 * cut into fixed parts (engine/hessian/wasm/lanczos.c, bytes in lanczosBytes.ts) that the caller
 * and the gemm's helper thread (engine/linalg/gemmThreads.ts) claim one at a time. A part does the
 * same operations whoever runs it, so the bits do not depend on the thread count, nor on whether the
 * helper is there at all (without one every part runs here, in order).
 *
 * Why: at N = 10^5 a product costs ~20–35 ms on one core and a step's basis work as much again, and
 * the second core sat idle (docs/SPECTRUM.md). The product is cut in two halves of the pairs into two
 * partial vectors (y0 with the diagonal blocks, y1 from zero), which the recurrence adds; the vector
 * operations in LANCZOS_PARTS ranges; the dot products' parts are added in order here.
 */
import { compileWasm, wasmApi } from '../wasm';
import { gemmThread, type GemmThread } from '../linalg/gemmThreads';
import type { StepKernel } from '../linalg/lowestModes';
import { LANCZOS_BASE64 } from './lanczosBytes';
import type { SparseHessian } from './sparse';
import { packPairBlocks } from './hessianRows';

/** The parts of every vector operation (lanczos.c PARTS): fixed, so the dot products' sums are. */
export const LANCZOS_PARTS = 8;
const CHUNK = 1024;
const OP_PRODUCT = 0;
const OP_RECURRENCE = 1;
const OP_DOTS = 2;
const OP_SUBTRACT = 3;
const OP_COMBINE = 4;

/**
 * From this vector length (dN) the helper thread takes parts; below it a part is too short for the
 * wake-up to pay, and every part runs on the caller (the same bits). Measured (docs/BENCHMARKS.md,
 * 2026-12-03, 9 interleaved runs): at N = 1000 (dN = 3000) the helper takes the Krylov check's steps
 * from 0.270 to 0.235 s (median), the Lanczos the same; 30000 before.
 */
export const LANCZOS_THREAD_MIN_LENGTH = 3000;
let threadMinLength = LANCZOS_THREAD_MIN_LENGTH;
/** Sets the length from which the helper takes parts (a test's knob; LANCZOS_THREAD_MIN_LENGTH restores it). */
export function setLanczosThreadMinLength(length: number): void {
  threadMinLength = length;
}

interface Exports {
  part(op: number, params: number, c: number): void;
}

let helperParts = 0;
/** How many parts the helper thread has run so far in this thread (the rest ran on the callers). */
export function lanczosHelperParts(): number {
  return helperParts;
}

/**
 * A step kernel for lowestModes on the 3D Hessian h, with arrays of `lengths` doubles, a coefficient
 * scratch of `coefficients` doubles and Yᵀ V of up to `keep` rows; null where shared WebAssembly
 * memory or SIMD is missing, in 2D, or when it would pass 2 GB (lowestModes then uses its own kernel).
 */
export function lanczosKernel(h: SparseHessian, lengths: number[], coefficients: number, keep: number, options: { threads?: boolean } = {}): StepKernel | null {
  if (h.dim !== 3 || typeof SharedArrayBuffer === 'undefined' || !wasmApi) return null;
  const mod = compileWasm(LANCZOS_BASE64);
  if (!mod) return null;
  const n = 3 * h.particles;
  const pairs = h.pairI.length;
  // Layout (bytes, 64-aligned): params, the Hessian, the caller's arrays, the scratch.
  let top = 0;
  const place = (bytes: number) => {
    const at = top;
    top += Math.ceil(Math.max(bytes, 8) / 64) * 64;
    return at;
  };
  const params = place(256);
  const blocksAt = place(72 * h.particles);
  const pairIAt = place(4 * pairs);
  const pairJAt = place(4 * pairs);
  const packedAt = place(48 * pairs);
  const arrayAt = lengths.map((l) => place(8 * l));
  const coeffAt = place(8 * coefficients);
  const dotsAt = place(8 * LANCZOS_PARTS * coefficients);
  const tmpAt = place(8 * LANCZOS_PARTS * keep * CHUNK);
  const workAt = [0, 1, 2, 3, 4].map(() => place(8 * n)); // t0 t1 t2 y0 y1
  if (top > 2 ** 31) return null;
  const pages = Math.max(1, Math.ceil(top / 65536));
  let memory: { buffer: ArrayBuffer };
  try {
    memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
  const buffer = memory.buffer;
  if (!(buffer instanceof SharedArrayBuffer)) return null;
  let k: Exports;
  try {
    k = new wasmApi.Instance(mod, { env: { memory } }).exports as unknown as Exports;
  } catch {
    return null;
  }
  const f64 = (at: number, length: number) => new Float64Array(buffer, at, length);
  f64(blocksAt, 9 * h.particles).set(h.diagonalBlocks);
  new Int32Array(buffer, pairIAt, pairs).set(h.pairI);
  new Int32Array(buffer, pairJAt, pairs).set(h.pairJ);
  packPairBlocks(h, f64(packedAt, 6 * pairs));
  const words = new Int32Array(buffer, params, 16);
  const reals = new Float64Array(buffer, params + 64, 8);
  const arrays = lengths.map((l, q) => f64(arrayAt[q], l));
  const coeff = f64(coeffAt, coefficients);
  const dots = f64(dotsAt, LANCZOS_PARTS * coefficients);
  const [t0, t1, t2, y0, y1] = workAt;
  const thread: GemmThread | null = options.threads === false || n < threadMinLength ? null : gemmThread();

  const set = (...w: number[]) => {
    for (let q = 0; q < w.length; q++) words[q] = w[q];
  };
  const run = (op: number, parts: number) => {
    if (!thread) {
      for (let c = 0; c < parts; c++) k.part(op, params, c);
      return;
    }
    thread.startParts(mod, memory, op, params, parts);
    for (let c = thread.claim(); c >= 0; c = thread.claim()) k.part(op, params, c);
    helperParts += thread.wait();
  };
  const owns = (a: Float64Array) => a.buffer === buffer;
  const product = (x: number) => {
    set(h.particles, pairs, blocksAt, pairIAt, pairJAt, packedAt, x, y0, y1);
    run(OP_PRODUCT, 2);
  };
  const recurrence = (mode: number, out: number, cur: number, prev: number, centre = 0, half = 1) => {
    set(n, mode, out, cur, prev, y0, y1);
    reals[0] = centre;
    reals[1] = half;
    run(OP_RECURRENCE, LANCZOS_PARTS);
  };
  return {
    arrays,
    owns,
    threads: thread ? 2 : 1,
    rowProducts(v, rows, z, cols, _n, c) {
      set(v.byteOffset, rows, z.byteOffset, cols, n, dotsAt);
      run(OP_DOTS, LANCZOS_PARTS);
      const size = rows * cols;
      for (let e = 0; e < size; e++) {
        let s = dots[e];
        for (let p = 1; p < LANCZOS_PARTS; p++) s += dots[p * size + e];
        c[e] = s;
      }
    },
    subtractRows(v, rows, z, cols, _n, c) {
      coeff.set(c.subarray(0, rows * cols));
      set(v.byteOffset, rows, z.byteOffset, cols, n, coeffAt);
      run(OP_SUBTRACT, LANCZOS_PARTS);
    },
    combineRows(v, rows, y, ldY, keepRows, _n) {
      coeff.set(y.subarray(0, rows * ldY));
      set(v.byteOffset, rows, coeffAt, ldY, keepRows, n, tmpAt);
      run(OP_COMBINE, LANCZOS_PARTS);
    },
    krylov(x, y, filter) {
      if (!filter) {
        product(x.byteOffset);
        recurrence(0, y.byteOffset, 0, 0);
        return;
      }
      // −T_q(ξ(H)) x, ξ(H) = (centre − H)/half: T_1 = ξ x, T_(k+1) = 2 ξ T_k − T_(k−1) (lowestModes' filter).
      const centre = 0.5 * (filter.bound + filter.cut);
      const half = 0.5 * (filter.bound - filter.cut);
      const q = filter.degree;
      let prev = x.byteOffset;
      let cur = t1;
      product(prev);
      recurrence(1, cur, prev, 0, centre, half);
      const scratch = [t0, t1, t2];
      for (let s = 1; s < q; s++) {
        const last = s === q - 1;
        const next = last ? y.byteOffset : scratch.find((b) => b !== prev && b !== cur)!;
        product(cur);
        recurrence(last ? 3 : 2, next, cur, prev, centre, half);
        prev = cur;
        cur = next;
      }
    },
  };
}
