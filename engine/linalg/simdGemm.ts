/**
 * C += A·B for row-major float64 matrices by a WebAssembly SIMD kernel (f64x2 lanes, a 4 × 4
 * register tile: two 128-bit accumulators per row of C, A's entries broadcast, B's rows loaded two
 * columns at a time), on arrays that live in the kernel's own linear memory. The multifrontal
 * factor (engine/hessian/multifrontalLDL.ts) keeps its frontal matrix there, so its trailing
 * updates run ~3.5× faster than the scalar gemm of engine/linalg/gemm.ts (measured at N = 1000:
 * 9–12 GFlop/s against 2.5–3.3, docs/SPECTRUM.md). IEEE float64 throughout: every product and
 * sum is a float64 operation, only the order of the sums differs from gemmNN (the two lanes hold
 * two different columns, so each C entry is still summed over p in order).
 *
 * The module is assembled here from its bytes (no build step, no file): one exported function
 * nn(M, N, K, a, lda, b, ldb, c, ldc), byte addresses and strides, M and N multiples of 4; the
 * remainders are done in JS on the same memory. Where WebAssembly or its SIMD is missing, simdHeap
 * returns null and the caller keeps the scalar kernel. Where the host installed a helper thread
 * (engine/linalg/gemmThreads.ts), large nn calls share their rows with it on a shared memory: the
 * same tiles on the same rows, the same bits.
 */

import { compileWasm, compileWasmBytes, wasmApi } from '../wasm';
import { DENSE_KERNELS_BASE64 } from './denseKernelBytes';
import { DENSE_KERNELS_SHARED_BASE64 } from './denseKernelSharedBytes';
import { gemmSplitFlops, gemmThread, noteGemmSplit, noteHelperChunks, type GemmThread } from './gemmThreads';

const uleb = (v: number): number[] => {
  const o: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    o.push(b);
  } while (v);
  return o;
};
const sleb = (v: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      o.push(b);
      return o;
    }
    o.push(b | 0x80);
  }
};
const vec = (x: number[]): number[] => [...uleb(x.length), ...x];
const name = (s: string): number[] => vec(Array.from(s, (c) => c.charCodeAt(0)));

/**
 * The module's bytes (WebAssembly 1.0 with the fixed-width SIMD proposal). `shared`: the memory
 * import is declared shared (limits flag 3, at most 65536 pages; the threads proposal), for a memory
 * that a helper thread runs the same module on (engine/linalg/gemmThreads.ts). The same code.
 */
function moduleBytes(shared: boolean): Uint8Array {
  // Parameters 0–8: M, N, K, a, lda, b, ldb, c, ldc (bytes). i32 locals 9–17, v128 locals 18–28.
  const I = 9, J = 10, P = 11, PA = 12, PB = 16, PC = 17, ACC = 18, BV0 = 26, BV1 = 27, X = 28;
  const get = (l: number) => [0x20, ...uleb(l)];
  const set = (l: number) => [0x21, ...uleb(l)];
  const i32 = (v: number) => [0x41, ...sleb(v)];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const vload = (off: number) => [...simd(0x00), 3, ...uleb(off)];
  const vstore = (off: number) => [...simd(0x0b), 3, ...uleb(off)];
  const f64load = [0x2b, 3, 0];
  const splat = simd(0x14);
  const fadd = simd(0xf0);
  const fmul = simd(0xf2);
  const add = [0x6a];
  const mul = [0x6c];
  const geS = [0x4e];
  const loopOpen = [0x02, 0x40, 0x03, 0x40]; // block { loop {
  const loopClose = [0x0c, 0, 0x0b, 0x0b]; // br loop } }
  const breakIfGe = (a: number, b: number) => [...get(a), ...get(b), ...geS, 0x0d, 1];
  const zero = [0x44, 0, 0, 0, 0, 0, 0, 0, 0, ...splat];
  const body: number[] = [];
  const e = (...xs: number[][]) => {
    for (const x of xs) body.push(...x);
  };
  e(i32(0), set(I), loopOpen, breakIfGe(I, 0));
  e(i32(0), set(J), loopOpen, breakIfGe(J, 1));
  for (let k = 0; k < 8; k++) e(zero, set(ACC + k));
  e(get(3), get(I), get(4), mul, add, set(PA));
  for (let r = 1; r < 4; r++) e(get(PA + r - 1), get(4), add, set(PA + r));
  e(get(5), get(J), i32(8), mul, add, set(PB));
  e(i32(0), set(P), loopOpen, breakIfGe(P, 2));
  e(get(PB), vload(0), set(BV0), get(PB), vload(16), set(BV1));
  for (let r = 0; r < 4; r++) {
    e(get(PA + r), f64load, splat, set(X));
    e(get(ACC + 2 * r), get(X), get(BV0), fmul, fadd, set(ACC + 2 * r));
    e(get(ACC + 2 * r + 1), get(X), get(BV1), fmul, fadd, set(ACC + 2 * r + 1));
    e(get(PA + r), i32(8), add, set(PA + r));
  }
  e(get(PB), get(6), add, set(PB), get(P), i32(1), add, set(P), loopClose);
  for (let r = 0; r < 4; r++) {
    e(get(7), get(I), i32(r), add, get(8), mul, add, get(J), i32(8), mul, add, set(PC));
    e(get(PC), get(PC), vload(0), get(ACC + 2 * r), fadd, vstore(0));
    e(get(PC), get(PC), vload(16), get(ACC + 2 * r + 1), fadd, vstore(16));
  }
  e(get(J), i32(4), add, set(J), loopClose);
  e(get(I), i32(4), add, set(I), loopClose, [0x0b]);
  const code = vec([...uleb(2), ...uleb(9), 0x7f, ...uleb(11), 0x7b, ...body]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    0x01, ...vec([1, 0x60, 9, ...new Array(9).fill(0x7f), 0]),
    0x02, ...vec([1, ...name('env'), ...name('mem'), 0x02, ...(shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1])]),
    0x03, ...vec([1, 0]),
    0x07, ...vec([1, ...name('nn'), 0x00, 0]),
    0x0a, ...vec([1, ...code]),
  ]);
}

/** The hand-assembled gemm module (cached), for an unshared or a shared memory. */
function simdModule(shared: boolean): object | null {
  return compileWasmBytes(shared ? 'simdGemm nn shared' : 'simdGemm nn', () => moduleBytes(shared));
}

/** The kernels compiled from C (engine/linalg/wasm/kernels.c), on the same memory. */
function kernelModule(shared: boolean): object | null {
  return compileWasm(shared ? DENSE_KERNELS_SHARED_BASE64 : DENSE_KERNELS_BASE64);
}

/** A shared memory of `pages` pages and the helper thread, or null (no helper, no shared memory, or its modules refused). */
function sharedMemory(pages: number, threads: boolean): { memory: { buffer: ArrayBufferLike }; thread: GemmThread } | null {
  if (!threads || typeof SharedArrayBuffer === 'undefined') return null;
  const thread = gemmThread();
  if (!thread || !simdModule(true) || !kernelModule(true)) return null;
  try {
    const memory = new wasmApi!.Memory({ initial: pages, maximum: pages, shared: true });
    return memory.buffer instanceof SharedArrayBuffer ? { memory, thread } : null;
  } catch {
    return null;
  }
}

export interface SimdHeap {
  /** The kernel's memory as doubles: operands are given as element offsets into it. */
  heap: Float64Array;
  /** 2 where large nn calls split their rows with the helper thread (a shared memory), else 1. */
  threads: number;
  /** heap[cOff + i·ldc + j] += Σ_p heap[aOff + i·lda + p] · heap[bOff + p·ldb + j], i < M, j < N, p < K. */
  nn(M: number, N: number, K: number, aOff: number, lda: number, bOff: number, ldb: number, cOff: number, ldc: number): void;
  /**
   * heap[pOff + k] = Σ_c A[k][c] heap[vOff + c], k, c < m, for the symmetric A whose lower triangle
   * is heap[aOff + r·lda + c], c ≤ r (engine/linalg/wasm/kernels.c `symv`; p must not overlap A or v).
   */
  symv(m: number, aOff: number, lda: number, vOff: number, pOff: number): void;
  /**
   * heap[yOff + k] −= Σ_(q<j) (heap[alphaOff + q] V_q[k] + heap[betaOff + q] W_q[k]), k < len, with
   * V_q = heap[v0 + q·vs …], W_q = heap[w0 + q·ws …] (strides may be negative; kernels.c `panel_update`).
   */
  panelUpdate(len: number, j: number, yOff: number, v0: number, vs: number, w0: number, ws: number, alphaOff: number, betaOff: number): void;
  /** heap[dvOff + q] = V_q · x, heap[dwOff + q] = W_q · x over k < len, x = heap[xOff …] (kernels.c `panel_dots`). */
  panelDots(len: number, j: number, xOff: number, v0: number, vs: number, w0: number, ws: number, dvOff: number, dwOff: number): void;
}

/**
 * A kernel instance with `doubles` float64 of its own memory, or null (no WebAssembly SIMD, or too
 * large: ≤ 2 GB). Where a helper thread is installed (engine/linalg/gemmThreads.ts) and shared
 * memory exists, and `threads` is not false, the memory is shared and nn calls of at least
 * GEMM_SPLIT_FLOPS (gemmThreads.ts) split their rows with the helper (the same bits); otherwise everything runs here.
 */
export function simdHeap(doubles: number, threads = true): SimdHeap | null {
  if (!simdModule(false)) return null;
  const pages = Math.max(1, Math.ceil((doubles * 8) / 65536));
  if (pages > 32768) return null;
  const split = doubles >= SPLIT_MIN_DOUBLES ? sharedMemory(pages, threads) : null;
  const shared = split !== null;
  let memory: { buffer: ArrayBufferLike };
  if (split) memory = split.memory;
  else {
    try {
      memory = new wasmApi!.Memory({ initial: pages });
    } catch {
      return null;
    }
  }
  const mod = simdModule(shared)!;
  const kernel = new wasmApi!.Instance(mod, { env: { mem: memory } }).exports.nn as (...args: number[]) => void;
  const kmod = kernelModule(shared);
  if (!kmod) return null;
  const kexports = new wasmApi!.Instance(kmod, { env: { memory } }).exports;
  const symv = kexports.symv as (...args: number[]) => void;
  const panelUpdate = kexports.panel_update as (...args: number[]) => void;
  const panelDots = kexports.panel_dots as (...args: number[]) => void;
  const heap = new Float64Array(memory.buffer, 0, doubles);
  return {
    heap,
    threads: shared ? 2 : 1,
    panelUpdate(len, j, yOff, v0, vs, w0, ws, alphaOff, betaOff) {
      if (len > 0 && j > 0) panelUpdate(len, j, yOff * 8, v0 * 8, vs, w0 * 8, ws, alphaOff * 8, betaOff * 8);
    },
    panelDots(len, j, xOff, v0, vs, w0, ws, dvOff, dwOff) {
      if (j > 0) panelDots(len, j, xOff * 8, v0 * 8, vs, w0 * 8, ws, dvOff * 8, dwOff * 8);
    },
    symv(m, aOff, lda, vOff, pOff) {
      if (m > 0) symv(m, aOff * 8, lda, vOff * 8, pOff * 8);
    },
    nn(M, N, K, aOff, lda, bOff, ldb, cOff, ldc) {
      if (M <= 0 || N <= 0 || K <= 0) return;
      const M4 = M & ~3;
      const N4 = N & ~3;
      // With the helper: the 4-aligned block's rows in chunks (multiples of 4: the same 4 × 4 tiles)
      // that either thread claims; the caller first does the remainders (disjoint entries of C).
      const helped = split !== null && M4 >= 8 && N4 > 0 && 2 * M4 * N4 * K >= gemmSplitFlops();
      let chunks = 0;
      const chunkRows = helped ? Math.max(4, (Math.ceil(M4 / CHUNKS) + 3) & ~3) : M4;
      if (helped) {
        try {
          chunks = split!.thread.start(mod, memory, [M4, N4, K, aOff * 8, lda * 8, bOff * 8, ldb * 8, cOff * 8, ldc * 8], chunkRows);
          noteGemmSplit();
        } catch {
          chunks = 0; // the helper is gone (closed): all rows here
        }
      }
      try {
        if (chunks === 0 && M4 > 0 && N4 > 0) kernel(M4, N4, K, aOff * 8, lda * 8, bOff * 8, ldb * 8, cOff * 8, ldc * 8);
        // The remainders: the last N % 4 columns of the first M4 rows, then the last M % 4 rows.
        for (let i = 0; i < M; i++) {
          const a0 = aOff + i * lda;
          const c0 = cOff + i * ldc;
          for (let j = i < M4 ? N4 : 0; j < N; j++) {
            let s = 0;
            for (let p = 0; p < K; p++) s += heap[a0 + p] * heap[bOff + p * ldb + j];
            heap[c0 + j] += s;
          }
        }
        for (let c = chunks > 0 ? split!.thread.claim() : -1; c >= 0; c = split!.thread.claim()) {
          const r0 = c * chunkRows;
          kernel(Math.min(chunkRows, M4 - r0), N4, K, (aOff + r0 * lda) * 8, lda * 8, bOff * 8, ldb * 8, (cOff + r0 * ldc) * 8, ldc * 8);
        }
      } finally {
        if (chunks > 0) noteHelperChunks(split!.thread.wait());
      }
    },
  };
}

/** A split call's rows go in about this many chunks (claimed one at a time by either thread). */
const CHUNKS = 16;

/** Heaps below this many doubles (256 KB) never split a call: their memory stays unshared. */
const SPLIT_MIN_DOUBLES = 32768;

/**
 * heap.nn on cache-sized slabs: K in slabs of kc, N in slabs of nc (the kc × nc block of B stays in
 * L2 while all M rows of A pass over it). Each C entry gets its slab sums added in order of the slabs.
 */
export function nnSlabs(heap: SimdHeap, M: number, N: number, K: number, aOff: number, lda: number, bOff: number, ldb: number, cOff: number, ldc: number, kc = 512, nc = 128): void {
  for (let p0 = 0; p0 < K; p0 += kc) {
    const kk = Math.min(kc, K - p0);
    for (let c0 = 0; c0 < N; c0 += nc) heap.nn(M, Math.min(nc, N - c0), kk, aOff + p0, lda, bOff + p0 * ldb + c0, ldb, cOff + c0, ldc);
  }
}
