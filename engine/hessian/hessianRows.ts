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
  multiply3(particles: number, pairs: number, blocks: number, pairI: number, pairJ: number, pairBlocks: number, x: number, y: number, count: number): void;
}

export type RowsProduct = ((x: Float64Array, y: Float64Array, count: number) => void) & { kernel: boolean };

/** The product for H; `useKernel: false` forces the TypeScript loops (tests, benchmarks). */
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
  const pairBlocks = place(h.pairBlocks);
  if (!blocks || (pairs > 0 && (!pairI || !pairJ || !pairBlocks))) return script;
  let capacity = 0;
  let xAt = 0;
  let yAt = 0;
  return Object.assign(
    (x: Float64Array, y: Float64Array, count: number) => {
      if (count > capacity) {
        const want = Math.max(count, 2 * capacity);
        const xa = k.alloc(8 * want * n);
        const ya = xa && k.alloc(8 * want * n);
        if (!xa || !ya) {
          hessianMultiplyRows(h, x, y, count);
          return;
        }
        [xAt, yAt, capacity] = [xa, ya, want];
      }
      const length = count * n;
      new Float64Array(k.memory.buffer, xAt, length).set(x.subarray(0, length));
      k.multiply3(h.particles, pairs, blocks, pairI, pairJ, pairBlocks, xAt, yAt, count);
      y.set(new Float64Array(k.memory.buffer, yAt, length));
    },
    { kernel: true },
  );
}
