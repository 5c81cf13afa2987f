/**
 * The SIMD gemm on two threads (engine/linalg/gemmThreads.ts, engine/io/gemmWorker.ts): nn calls
 * split C's rows with a Node worker on a shared memory, and every C entry gets the same operations,
 * so the products, the dense eigensolver and the supernodal factor are the same bits with and without
 * the helper. The split threshold is lowered here so that small problems split too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installGemmWorker, startGemmWorker } from '../engine/io/gemmWorker';
import { gemmThreadsFor } from '../engine/io/runner';
import { GEMM_SPLIT_FLOPS, gemmHelperChunks, gemmSplitCount, gemmThread, setGemmSplitFlops, setGemmThreadFactory } from '../engine/linalg/gemmThreads';
import { simdHeap } from '../engine/linalg/simdGemm';
import { symmetricEigen } from '../engine/linalg/symmetricEigen';
import { sparseHessian } from '../engine/hessian/sparse';
import { factorShifted, solveShifted, supernodesOf } from '../engine/hessian/multifrontalLDL';
import { nestedDissectionOrder, symbolicFactor } from '../engine/hessian/sparseLDL';
import { makeGlass } from '../engine/model/glass';
import { boxSide, validateSettings } from '../engine/model/settings';
import { randomConfiguration, runQuenchStage } from '../engine/pipeline/stages';
import { createRng, normal } from '../engine/random';
import { expectHeapProduct, randomSymmetric } from './helpers/dense';

const sameBits = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

/** Runs `f` with the helper thread installed (threshold `flops`), then without; both results. */
function withAndWithout<T>(f: () => T, flops = 0): { two: T; one: T; splits: number } {
  installGemmWorker({ enabled: true });
  setGemmSplitFlops(flops);
  const before = gemmSplitCount();
  try {
    const two = f();
    const splits = gemmSplitCount() - before;
    installGemmWorker({ enabled: false });
    const one = f();
    expect(gemmSplitCount() - before).toBe(splits); // nothing split without the helper
    return { two, one, splits };
  } finally {
    setGemmSplitFlops(GEMM_SPLIT_FLOPS);
    installGemmWorker({ enabled: false });
  }
}

afterAll(() => setGemmThreadFactory(null));

describe('nn split between the caller and the helper thread', () => {
  it('gives the same bits as one thread and the naive product, for awkward shapes, offsets and strides', () => {
    const shapes = [
      [8, 4, 1, 0, 0],
      [9, 7, 5, 3, 2],
      [37, 19, 64, 11, 5],
      [130, 131, 33, 1, 3],
      [1001, 130, 48, 7, 0],
      [258, 61, 257, 0, 9],
    ];
    for (const [M, N, K, off, pad] of shapes) {
      const lda = K + pad, ldb = N + pad, ldc = N + pad;
      const aOff = off, bOff = aOff + M * lda + 1, cOff = bOff + K * ldb + 3;
      const size = Math.max(40000, cOff + M * ldc + 5);
      const run = () => {
        const h = simdHeap(size)!;
        const rng = createRng(M * 1000 + N);
        for (let i = 0; i < size; i++) h.heap[i] = normal(rng);
        const before = h.heap.slice();
        h.nn(M, N, K, aOff, lda, bOff, ldb, cOff, ldc);
        h.nn(M, N, K, aOff, lda, bOff, ldb, cOff, ldc); // twice: the second on the updated C
        return { heap: h.heap.slice(), before, threads: h.threads };
      };
      const { two, one, splits } = withAndWithout(run);
      expect(two.threads).toBe(2);
      expect(one.threads).toBe(1);
      expect(splits, `M = ${M}, N = ${N}`).toBe(N >= 4 ? 2 : 0);
      expect(sameBits(two.heap, one.heap), `M = ${M}, N = ${N}, K = ${K}`).toBe(true);
      // Against the naive loop (one nn on the original data).
      const check = simdHeap(size, false)!;
      check.heap.set(two.before);
      check.nn(M, N, K, aOff, lda, bOff, ldb, cOff, ldc);
      expectHeapProduct(check.heap, two.before, M, N, K, aOff, lda, bOff, ldb, cOff, ldc, `M = ${M}, N = ${N}`);
    }
  });

  it('keeps small calls on the caller at the default threshold', () => {
    installGemmWorker({ enabled: true });
    try {
      const h = simdHeap(60000)!;
      expect(h.threads).toBe(2);
      const before = gemmSplitCount();
      h.nn(128, 64, 128, 0, 128, 16384, 64, 24576, 64); // 2·10^6 flops: below GEMM_SPLIT_FLOPS
      expect(gemmSplitCount()).toBe(before);
      h.nn(128, 128, 128, 0, 128, 16384, 128, 32768, 128); // 4·10^6 flops
      expect(gemmSplitCount()).toBe(before + 1);
    } finally {
      installGemmWorker({ enabled: false });
    }
  });
});

describe('the dense eigensolver and the supernodal factor with the helper thread', () => {
  it('symmetricEigen (divide and conquer, order 420): the same eigenvalue and eigenvector bits with and without the helper', () => {
    const n = 420;
    const a = randomSymmetric(n, 42);
    const chunks = gemmHelperChunks();
    const { two, one, splits } = withAndWithout(() => symmetricEigen(a, n, { method: 'divide-and-conquer' }));
    expect(splits).toBeGreaterThan(10);
    expect(gemmHelperChunks()).toBeGreaterThan(chunks); // the helper did some of the work
    expect(sameBits(two.values, one.values)).toBe(true);
    expect(sameBits(two.vectors!, one.vectors!)).toBe(true);
  });

  it('factorShifted (d = 3, N = 343, m = 2): the same pivots, inertia and solves with and without the helper', () => {
    const settings = validateSettings({ model: { dim: 3, particles: 343, taper: 2 }, sampling: { parentTemperature: 'inf' }, seed: 5 });
    const start = randomConfiguration(settings, 5);
    const q = runQuenchStage(settings, start.positions, start.diameters);
    const h = sparseHessian(makeGlass(settings.model, start.diameters), q.positions);
    const symbolic = symbolicFactor(h, nestedDissectionOrder(h, q.positions, boxSide(settings.model)), { maxFlops: Infinity, maxBlocks: Infinity }).factor!;
    const sn = supernodesOf(symbolic);
    const n = 3 * 343;
    const b = new Float64Array(2 * n).map((_, i) => Math.sin(i));
    const run = () => {
      const f = factorShifted(h, 0.6, symbolic, sn);
      const x = new Float64Array(2 * n);
      solveShifted(f, b, x, 2);
      return { pivots: f.pivots.slice(), panels: f.panels.map((p) => p.slice()), inertia: [f.negative, f.zero, f.positive], x };
    };
    const chunks = gemmHelperChunks();
    const { two, one, splits } = withAndWithout(run, 2e5);
    expect(splits).toBeGreaterThan(0);
    expect(gemmHelperChunks()).toBeGreaterThan(chunks);
    expect(two.inertia).toEqual(one.inertia);
    expect(sameBits(two.pivots, one.pivots)).toBe(true);
    expect(two.panels.every((p, s) => sameBits(p, one.panels[s]))).toBe(true);
    expect(sameBits(two.x, one.x)).toBe(true);
  });
});

describe('without shared memory or a helper', () => {
  it('falls back to one thread on an unshared memory: no SharedArrayBuffer, no factory, or a factory that gives none', () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const saved = g.SharedArrayBuffer;
    installGemmWorker({ enabled: true });
    try {
      delete g.SharedArrayBuffer;
      expect(startGemmWorker()).toBe(null);
      const h = simdHeap(50000)!;
      expect(h.threads).toBe(1);
      expect(h.heap.buffer instanceof ArrayBuffer).toBe(true);
    } finally {
      g.SharedArrayBuffer = saved;
      installGemmWorker({ enabled: false });
    }
    expect(simdHeap(50000)!.threads).toBe(1);
    setGemmThreadFactory(() => null);
    expect(simdHeap(50000)!.threads).toBe(1);
    setGemmThreadFactory(null);
  });

  it('falls back to the caller when the helper was closed, and GLASSMODES_THREADS=1 installs none', () => {
    installGemmWorker({ enabled: true });
    try {
      const h = simdHeap(100000)!;
      expect(h.threads).toBe(2);
      gemmThread()!.close();
      const before = gemmSplitCount();
      h.nn(200, 100, 100, 0, 100, 20000, 100, 30000, 100);
      expect(gemmSplitCount()).toBe(before);
    } finally {
      installGemmWorker({ enabled: false });
    }
    const saved = process.env.GLASSMODES_THREADS;
    process.env.GLASSMODES_THREADS = '1';
    try {
      expect(installGemmWorker()).toBe(false);
      expect(simdHeap(50000)!.threads).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.GLASSMODES_THREADS;
      else process.env.GLASSMODES_THREADS = saved;
    }
  });
});

describe('a helper thread that dies mid-run', () => {
  it('is taken for dead after its stall timeout: the product is finished on the caller, right, and nothing waits for ever', async () => {
    let worker: { terminate(): Promise<number> } | null = null;
    const helper = startGemmWorker({ stallTimeoutMs: 300, onWorker: (w) => (worker = w) })!;
    setGemmThreadFactory(() => helper);
    setGemmSplitFlops(0);
    try {
      const first = simdHeap(100000)!;
      expect(first.threads).toBe(2);
      first.nn(200, 100, 100, 0, 100, 20000, 100, 30000, 100); // the helper starts and attaches
      await worker!.terminate();
      // A new memory: the dead helper would have to attach it. The attach times out, the helper is
      // closed and the caller does every row (a helper that died holding claimed rows instead fails
      // the product with "made no progress": its rows of C may be half written).
      const second = simdHeap(100000)!;
      const rng = createRng(9);
      for (let i = 0; i < 40000; i++) second.heap[i] = normal(rng);
      const expected = second.heap.slice(30000, 50000);
      for (let i = 0; i < 200; i++) for (let j = 0; j < 100; j++) {
        let sum = 0;
        for (let p = 0; p < 100; p++) sum += second.heap[i * 100 + p] * second.heap[20000 + p * 100 + j];
        expected[i * 100 + j] += sum;
      }
      const before = gemmSplitCount();
      second.nn(200, 100, 100, 0, 100, 20000, 100, 30000, 100);
      expect(gemmSplitCount()).toBe(before);
      expect(Array.from(second.heap.subarray(30000, 50000)).every((v, i) => Math.abs(v - expected[i]) <= 1e-12 * (1 + Math.abs(expected[i])))).toBe(true);
      expect(() => helper.start({}, {} as never, [8, 4, 4, 0, 0, 0, 0, 0, 0], 4)).toThrow(/closed/);
    } finally {
      setGemmSplitFlops(GEMM_SPLIT_FLOPS);
      setGemmThreadFactory(null);
    }
  });
});

describe('the runner gives its workers a helper thread only where there is a core for it', () => {
  it('one worker on two cores gets one, two workers on two cores none, and GLASSMODES_THREADS=1 none', () => {
    expect(gemmThreadsFor(1, 10, 2)).toBe(true);
    expect(gemmThreadsFor(undefined, 1, 2)).toBe(true); // one item: one worker
    expect(gemmThreadsFor(2, 10, 2)).toBe(false);
    expect(gemmThreadsFor(undefined, 10, 2)).toBe(false);
    expect(gemmThreadsFor(4, 10, 8)).toBe(true);
    expect(gemmThreadsFor(1, 10, 1)).toBe(false);
    const saved = process.env.GLASSMODES_THREADS;
    process.env.GLASSMODES_THREADS = '1';
    try {
      expect(gemmThreadsFor(1, 10, 16)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.GLASSMODES_THREADS;
      else process.env.GLASSMODES_THREADS = saved;
    }
  });
});

describe('the helper thread does not keep a process alive', () => {
  it('a process that splits products and never closes the helper exits by itself, and so does one that closes it', () => {
    const gemm = fileURLToPath(new URL('../engine/io/gemmWorker.ts', import.meta.url));
    const simd = fileURLToPath(new URL('../engine/linalg/simdGemm.ts', import.meta.url));
    const threads = fileURLToPath(new URL('../engine/linalg/gemmThreads.ts', import.meta.url));
    for (const close of [false, true]) {
      const script = [
        `import { installGemmWorker } from ${JSON.stringify(gemm)};`,
        `import { simdHeap } from ${JSON.stringify(simd)};`,
        `import { gemmSplitCount, gemmThread } from ${JSON.stringify(threads)};`,
        'installGemmWorker({ enabled: true });',
        'const h = simdHeap(300000);',
        'h.nn(400, 128, 256, 0, 256, 102400, 128, 140000, 128);',
        close ? 'gemmThread().close();' : '',
        'console.log(h.threads, gemmSplitCount());',
      ].join('\n');
      const t0 = Date.now();
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('2 1');
      expect(Date.now() - t0).toBeLessThan(30000);
    }
  });
});
