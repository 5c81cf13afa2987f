/**
 * A second thread for the SIMD gemm (engine/linalg/simdGemm.ts): large C += A·B calls split C's
 * rows between the calling thread and one helper thread that runs the same WebAssembly module on the
 * same shared memory. Every C entry gets exactly the operations (and their order) it gets on one
 * thread, so results are the same bits with and without the helper.
 *
 * The engine has no threads of its own (its hosts differ: Node worker threads, a browser's workers,
 * none): a host installs a factory here (engine/io/gemmWorker.ts for Node), which the first heap large
 * enough to split calls once. Without one, or where shared memory is missing, every call stays on
 * the caller (the unshared memory and modules of before).
 */

/** The WebAssembly memory the helper gets: its buffer is a SharedArrayBuffer. */
export interface SharedWasmMemory {
  buffer: ArrayBufferLike;
}

/**
 * A helper thread that shares one gemm task at a time with its caller, synchronously for the caller.
 * The task's rows are cut into chunks (a multiple of 4 rows each, so the same 4 × 4 tiles) that
 * either thread claims one at a time: when the helper wakes late or is descheduled (other work on
 * the cores), the caller does more of the chunks instead of waiting for a fixed half.
 */
export interface GemmThread {
  /**
   * Posts `nn(rows, ...)` of an instance of `module` (the hand-assembled gemm, imports env.mem) on
   * `memory` as `chunks` chunks of `chunkRows` rows (the last may be shorter) and returns at once;
   * the helper instantiates the module on a new memory once, before its first task on it. `args`:
   * the export's nine byte arguments for all the rows (M, N, K, a, lda, b, ldb, c, ldc).
   */
  start(module: object, memory: SharedWasmMemory, args: readonly number[], chunkRows: number): number;
  /**
   * Posts `part(op, params, c)` for c < `parts` of an instance of `module` (a kernel compiled from C
   * that imports env.memory: engine/hessian/wasm/lanczos.c) on `memory`, the parts claimed like the
   * gemm's chunks, and returns at once (the parts' number).
   */
  startParts(module: object, memory: SharedWasmMemory, op: number, params: number, parts: number): number;
  /** The next unclaimed chunk of the task for the caller to run itself, or −1 when none is left. */
  claim(): number;
  /** Returns once the helper has finished the chunks it claimed (their number); throws if one failed. */
  wait(): number;
  /** Stops the helper (later calls to start throw; the heaps fall back to one thread). */
  close(): void;
}

/**
 * Calls split only from this many flops (2 M N K): below it the helper's wake-up and the claims cost
 * more than the share of the product they save. Measured (docs/BENCHMARKS.md, 2026-12-02, with only
 * one core free): a split costs the caller ~0.03–0.05 ms (128 × 64 × 128, 2·10^6 flops: 0.16 against
 * 0.12 ms), so 4·10^6 flops (~0.25 ms on one core) leaves the helper room to win.
 */
export const GEMM_SPLIT_FLOPS = 4e6;

let splitFlops = GEMM_SPLIT_FLOPS;
let splits = 0;
let helperChunks = 0;

/** The flop threshold now (GEMM_SPLIT_FLOPS unless set: the tests split small products too). */
export function gemmSplitFlops(): number {
  return splitFlops;
}

/** Sets the flop threshold of a split (a test's knob; GEMM_SPLIT_FLOPS restores it). */
export function setGemmSplitFlops(flops: number): void {
  splitFlops = flops;
}

/** How many nn calls have split with the helper in this thread so far. */
export function gemmSplitCount(): number {
  return splits;
}

/** How many chunks of split calls the helper thread has run so far (the rest ran on the callers). */
export function gemmHelperChunks(): number {
  return helperChunks;
}

/** Counts one split call (simdGemm.ts). */
export function noteGemmSplit(): void {
  splits++;
}

/** Counts the chunks the helper ran of one split call (simdGemm.ts). */
export function noteHelperChunks(chunks: number): void {
  helperChunks += chunks;
}

let factory: (() => GemmThread | null) | null = null;
let thread: GemmThread | null | undefined;

/**
 * Installs (or with null removes) the host's helper-thread factory. The factory runs at most once,
 * when a heap first asks for the helper; a helper already started is closed when the factory changes.
 */
export function setGemmThreadFactory(make: (() => GemmThread | null) | null): void {
  if (thread) thread.close();
  thread = undefined;
  factory = make;
}

/** The helper thread (started on first call by the installed factory), or null: one thread only. */
export function gemmThread(): GemmThread | null {
  if (thread === undefined) thread = factory ? factory() : null;
  return thread;
}

/** How many threads the SIMD gemm has run on (for a spectrum's meta): 2 once a helper started, else 1. */
export function gemmThreadCount(): number {
  return thread ? 2 : 1;
}
