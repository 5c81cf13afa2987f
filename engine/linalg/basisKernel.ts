/**
 * Memory for the Lanczos basis of engine/linalg/lowestModes.ts inside a WebAssembly SIMD kernel
 * (engine/linalg/wasm/basis.c, bytes in basisBytes.ts), and the basis operations on it: the rows'
 * dot products with new vectors, their subtraction, and the restart's Yᵀ V. Arrays handed out by
 * `take` are views of the kernel's memory, allocated up front (the memory never grows after, so the
 * views stay valid); the operations run in the kernel when every array is such a view, else the
 * caller's TypeScript loops run. Null where WebAssembly SIMD or the memory is missing.
 */
import { compileWasm, wasmApi } from '../wasm';
import { BASIS_BASE64 } from './basisBytes';

interface Exports {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): number;
  rowProducts(v: number, rows: number, z: number, cols: number, n: number, c: number): void;
  subtractRows(v: number, rows: number, z: number, cols: number, n: number, c: number): void;
  combineRows(v: number, rows: number, y: number, ldY: number, keep: number, n: number, tmp: number): void;
}

export interface BasisKernel {
  /** Zeroed arrays of these lengths (in order), views of the kernel's memory. */
  arrays: Float64Array[];
  /** Whether a is a view of the kernel's memory. */
  owns(a: Float64Array): boolean;
  /** c (rows × cols) = V Zᵀ; v and z owned. */
  rowProducts(v: Float64Array, rows: number, z: Float64Array, cols: number, n: number, c: Float64Array): void;
  /** Z −= Cᵀ V; v and z owned. */
  subtractRows(v: Float64Array, rows: number, z: Float64Array, cols: number, n: number, c: Float64Array): void;
  /** First `keep` rows of V := Yᵀ V; v owned. */
  combineRows(v: Float64Array, rows: number, y: Float64Array, ldY: number, keep: number, n: number): void;
}

const CHUNK = 1024;

/** A kernel with arrays of `lengths` doubles, and scratch for coefficient blocks up to `coefficients` doubles and Yᵀ V of up to `keep` rows. */
export function basisKernel(lengths: number[], coefficients: number, keep: number): BasisKernel | null {
  const mod = compileWasm(BASIS_BASE64);
  if (!mod) return null;
  const k = new wasmApi!.Instance(mod, {}).exports as unknown as Exports;
  const offsets: number[] = [];
  for (const length of [...lengths, coefficients, keep * CHUNK]) {
    if (8 * length > 2 ** 31) return null;
    const at = k.alloc(8 * Math.max(1, length));
    if (at === 0) return null;
    offsets.push(at);
  }
  const buffer = k.memory.buffer;
  const views = offsets.map((at, q) => new Float64Array(buffer, at, q < lengths.length ? lengths[q] : q === lengths.length ? coefficients : keep * CHUNK));
  const scratch = views[lengths.length];
  const tmp = offsets[lengths.length + 1];
  const scratchAt = offsets[lengths.length];
  const owns = (a: Float64Array) => a.buffer === buffer;
  return {
    arrays: views.slice(0, lengths.length),
    owns,
    rowProducts(v, rows, z, cols, n, c) {
      k.rowProducts(v.byteOffset, rows, z.byteOffset, cols, n, scratchAt);
      c.set(scratch.subarray(0, rows * cols));
    },
    subtractRows(v, rows, z, cols, n, c) {
      scratch.set(c.subarray(0, rows * cols));
      k.subtractRows(v.byteOffset, rows, z.byteOffset, cols, n, scratchAt);
    },
    combineRows(v, rows, y, ldY, keepRows, n) {
      scratch.set(y.subarray(0, rows * ldY));
      k.combineRows(v.byteOffset, rows, scratchAt, ldY, keepRows, n, tmp);
    },
  };
}
