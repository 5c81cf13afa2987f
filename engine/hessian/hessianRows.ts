/**
 * Y = H X for blocks of vectors (count × dN rows) as an operator for the eigensolvers: in 3D by a
 * WebAssembly SIMD kernel (engine/hessian/wasm/hessianRows.c, bytes in hessianRowsBytes.ts) that is
 * hessianMultiplyRows ported operation for operation — the same bits (tests/hessian-rows.test.ts) —
 * with the Hessian copied into its memory once; in 2D, or where the kernel cannot load or its memory
 * cannot grow, hessianMultiplyRows itself.
 */
import { compileWasm, wasmApi } from '../wasm';
import { HESSIAN_ROWS_BASE64 } from './hessianRowsBytes';
import { hessianMultiplyRows, type SparseHessian } from './sparse';

interface Kernel {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): number;
  multiply3(particles: number, pairs: number, blocks: number, pairI: number, pairJ: number, packed: number, x: number, y: number, count: number, xw: number, yw: number): void;
}

export type RowsProduct = ((x: Float64Array, y: Float64Array, count: number) => void) & { kernel: boolean };

/** The product for H; `useKernel: false` forces the TypeScript loops (tests, benchmarks). */
/** The 3D pair blocks as their 6 distinct entries k00 k01 k11 k02 k12 k22 (6 × pairs), the kernels' layout (hessianRows.c, lanczos.c). */
export function packPairBlocks(h: SparseHessian, to: Float64Array): void {
  const pb = h.pairBlocks;
  for (let q = 0; q < h.pairI.length; q++) {
    const o = 9 * q;
    const p = 6 * q;
    to[p] = pb[o];
    to[p + 1] = pb[o + 1];
    to[p + 2] = pb[o + 4];
    to[p + 3] = pb[o + 2];
    to[p + 4] = pb[o + 5];
    to[p + 5] = pb[o + 8];
  }
}

export function hessianRowsOperator(h: SparseHessian, useKernel = true): RowsProduct {
  const script = Object.assign((x: Float64Array, y: Float64Array, count: number) => void hessianMultiplyRows(h, x, y, count), { kernel: false });
  if (!useKernel || h.dim !== 3) return script;
  const mod = compileWasm(HESSIAN_ROWS_BASE64);
  if (!mod) return script;
  const k = new wasmApi!.Instance(mod, {}).exports as unknown as Kernel;
  const n = 3 * h.particles;
  const pairs = h.pairI.length;
  const place = (data: Float64Array | Int32Array): number => {
    const at = k.alloc(data.byteLength);
    if (at === 0) return 0;
    const view = data instanceof Float64Array ? new Float64Array(k.memory.buffer, at, data.length) : new Int32Array(k.memory.buffer, at, data.length);
    view.set(data);
    return at;
  };
  const blocks = place(h.diagonalBlocks);
  const pairI = place(h.pairI);
  const pairJ = place(h.pairJ);
  // The pair blocks as their 6 distinct entries k00 k01 k11 k02 k12 k22 (the kernel's layout; the scalar code reads only those).
  const packed = k.alloc(48 * pairs);
  if (!blocks || (pairs > 0 && (!pairI || !pairJ || !packed))) return script;
  packPairBlocks(h, new Float64Array(k.memory.buffer, packed, 6 * pairs));
  let capacity = 0;
  let xAt = 0;
  let yAt = 0;
  let xwAt = 0;
  let ywAt = 0;
  return Object.assign(
    (x: Float64Array, y: Float64Array, count: number) => {
      if (count > capacity) {
        const want = Math.max(count, 2 * capacity);
        const xa = k.alloc(8 * want * n);
        const ya = xa && k.alloc(8 * want * n);
        // The interleaved work arrays of the kernel's count > 1 path (unused for one vector).
        const xw = want > 1 && ya ? k.alloc(8 * want * n) : 0;
        const yw = xw ? k.alloc(8 * want * n) : 0;
        if (!xa || !ya || (want > 1 && !yw)) {
          hessianMultiplyRows(h, x, y, count);
          return;
        }
        [xAt, yAt, xwAt, ywAt, capacity] = [xa, ya, xw, yw, want];
      }
      const length = count * n;
      new Float64Array(k.memory.buffer, xAt, length).set(x.subarray(0, length));
      k.multiply3(h.particles, pairs, blocks, pairI, pairJ, packed, xAt, yAt, count, xwAt, ywAt);
      y.set(new Float64Array(k.memory.buffer, yAt, length));
    },
    { kernel: true },
  );
}
