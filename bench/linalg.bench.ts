/**
 * Dense float64 eigensolver benchmark on glass Hessians (3D, docs/PHYSICS.md §1 defaults, T* = ∞ quenched by
 * L-BFGS; N = 125 is the shared reference structure), all eigenvectors, time per stage:
 *  - "unblocked": level-2 Householder tridiagonalisation and reflector-by-reflector back-transformation
 *    (householderTridiagonalizeUnblocked, applyReflectorsToRowsUnblocked) with divide and conquer —
 *    the production path before the blocked stages;
 *  - "blocked": dsytrd-style blocked tridiagonalisation and compact-WY back-transformation
 *    (householderTridiagonalize, applyReflectorsToRows, engine/linalg/symmetricEigen.ts) with divide and
 *    conquer (the path symmetricEigen takes from order 1000), and with implicit QL (below 1000).
 *  - "SIMD": the blocked stages and divide and conquer with their products (and the reduction's
 *    p = A v) on the WebAssembly SIMD kernels (engine/linalg/simdGemm.ts, engine/linalg/wasm/) — what
 *    symmetricEigen runs — against "JS" (the same stages with simd = false, the scalar gemmNT);
 *  - `symmetricEigen` end to end (its own copy of the matrix, all stages), and numpy.linalg.eigh
 *    (LAPACK dsyevd, OpenBLAS) on the same dense matrix in the same run, by /usr/bin/python3 (or
 *    $PYTHON), with OpenBLAS's default threads and with OPENBLAS_NUM_THREADS=1; the ratio.
 * Accuracy: max ‖Hv − λv‖/λ_max (sparse float64 Hessian), max |VVᵀ − I|, the largest eigenvalue
 * difference from the first path run, and the lowest 200 non-zero eigenvalues against numpy's.
 *
 * The SIMD gemm splits its large products with a helper thread (engine/io/gemmWorker.ts) unless
 * GLASSMODES_THREADS=1: the SIMD rows and symmetricEigen say how many gemm threads ran.
 *
 *   node --import tsx bench/linalg.bench.ts [--sizes 125,512,1000] [--skip-ql 1000] [--skip-unblocked 1000] [--skip-js 1000] [--no-numpy] [--cold]
 */
import { join, resolve } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { readExtxyz } from '../engine/io/files';
import { createRng, uniform } from '../engine/random';
import { sampleDiameters } from '../engine/model/diameters';
import { makeGlass } from '../engine/model/glass';
import { DEFAULT_SETTINGS, validateSettings } from '../engine/model/settings';
import { lbfgsQuench } from '../engine/minimize/lbfgs';
import { denseHessian, hessianMultiply, sparseHessian, type SparseHessian } from '../engine/hessian/sparse';
import { applyReflectorsToRows, applyReflectorsToRowsUnblocked, householderTridiagonalize, householderTridiagonalizeUnblocked, sortEigenpairs, symmetricEigen, BACK_TRANSFORM_BLOCK, TRIDIAGONAL_BLOCK, type Tridiagonal } from '../engine/linalg/symmetricEigen';
import { nnSlabs, simdHeap } from '../engine/linalg/simdGemm';
import { tridiagonalQL } from '../engine/linalg/tridiagonalQL';
import { gemmNT, tridiagonalDivideConquer } from '../engine/linalg/divideConquer';
import { installGemmWorker } from '../engine/io/gemmWorker';
import { gemmSplitCount, gemmThreadCount } from '../engine/linalg/gemmThreads';

installGemmWorker();
/** ", 2 gemm threads (n split calls)" once the helper ran, else ", 1 gemm thread". */
const threadNote = (splitsBefore: number) => (gemmThreadCount() > 1 ? `, 2 gemm threads (${gemmSplitCount() - splitsBefore} split products)` : ', 1 gemm thread');

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('--sizes', '125,512,1000').split(',').map(Number);
const skipQl = arg('--skip-ql', '').split(',').filter(Boolean).map(Number);
const skipUnblocked = arg('--skip-unblocked', '').split(',').filter(Boolean).map(Number);
const skipJs = arg('--skip-js', '').split(',').filter(Boolean).map(Number);
const withNumpy = !process.argv.includes('--no-numpy');
// --cold: no warm-up and no per-stage rows: symmetricEigen is the first dense solve of the process,
// as in a `glassmodes run` worker (JIT-cold JavaScript, WebAssembly compiled on first use).
const cold = process.argv.includes('--cold');
const python = process.env.PYTHON ?? '/usr/bin/python3';
const NUMPY_EIGH = [
  'import sys, time, json, numpy as np',
  'n = int(sys.argv[2]); a = np.fromfile(sys.argv[1]).reshape(n, n)',
  'np.linalg.eigh(a[:200, :200])',
  't = time.perf_counter(); w, v = np.linalg.eigh(a); s = time.perf_counter() - t',
  'print(json.dumps({"seconds": s, "values": w.tolist(), "numpy": np.__version__}))',
].join('\n');

/** numpy.linalg.eigh of the dense matrix, timed in Python (the eigh call only). */
function numpyEigh(dense: Float64Array, n: number, threads?: number): { seconds: number; values: number[]; numpy: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'glassmodes-bench-linalg-'));
  try {
    const file = join(dir, 'dense.f64');
    writeFileSync(file, Buffer.from(dense.buffer, dense.byteOffset, dense.byteLength));
    const env = threads ? { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) } : process.env;
    return JSON.parse(execFileSync(python, ['-c', NUMPY_EIGH, file, String(n)], { encoding: 'utf8', env, maxBuffer: 1 << 28 }));
  } catch (e) {
    console.error(`numpy eigh unavailable: ${(e as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function inherentStructure(particles: number, seed: number) {
  if (particles === 125) {
    const config = readExtxyz(resolve(import.meta.dirname ?? '.', '../../shared/reference/d3_n125_taper2.extxyz'));
    const settings = validateSettings({ model: { dim: 3, particles: 125, taper: 2, cutoff: 1.955, exponent: 12 } });
    return { glass: makeGlass(settings.model, config.diameters), positions: config.positions, what: 'reference d3_n125_taper2' };
  }
  const model = { ...DEFAULT_SETTINGS.model, particles };
  const rng = createRng(seed);
  const diameters = sampleDiameters(particles, model.diameterMin, model.diameterMax, rng);
  const glass = makeGlass(model, diameters);
  const L = glass.box.side;
  const start = Float64Array.from({ length: 3 * particles }, () => L * uniform(rng));
  const q = lbfgsQuench(glass, start, { forceTolerance: 1e-10, maxIterations: 200000 });
  if (!q.converged) throw new Error(`quench of N=${particles} did not converge`);
  return { glass, positions: q.positions, what: 'L-BFGS quench from T* = ∞' };
}

function accuracy(h: SparseHessian, n: number, values: Float64Array, vectors: Float64Array) {
  const lambdaMax = Math.max(Math.abs(values[0]), Math.abs(values[n - 1]));
  const y = new Float64Array(n);
  let res = 0;
  for (let k = 0; k < n; k++) {
    const v = vectors.subarray(k * n, k * n + n);
    hessianMultiply(h, v, y);
    let r2 = 0;
    for (let i = 0; i < n; i++) r2 += (y[i] - values[k] * v[i]) ** 2;
    res = Math.max(res, Math.sqrt(r2));
  }
  // VVᵀ by the blocked product, in row panels (on the SIMD kernel where there is one).
  const panel = 256;
  let orth = 0;
  const heap = simdHeap(2 * n * n + panel * n);
  if (heap) {
    const hp = heap.heap;
    hp.set(vectors.subarray(0, n * n));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hp[n * n + j * n + i] = vectors[i * n + j];
    const c = 2 * n * n;
    for (let r0 = 0; r0 < n; r0 += panel) {
      const rows = Math.min(panel, n - r0);
      hp.fill(0, c, c + rows * n);
      nnSlabs(heap, rows, n, n, r0 * n, n, n * n, n, c, n);
      for (let j = 0; j < rows; j++) for (let k = 0; k < n; k++) orth = Math.max(orth, Math.abs(hp[c + j * n + k] - (r0 + j === k ? 1 : 0)));
    }
    return { residual: res / lambdaMax, orth };
  }
  const g = new Float64Array(panel * n);
  for (let r0 = 0; r0 < n; r0 += panel) {
    const rows = Math.min(panel, n - r0);
    const off = Int32Array.from({ length: rows }, (_, j) => j * n);
    gemmNT(rows, n, n, vectors, r0 * n, n, vectors, 0, n, g, off, 0);
    for (let j = 0; j < rows; j++) for (let c = 0; c < n; c++) orth = Math.max(orth, Math.abs(g[j * n + c] - (r0 + j === c ? 1 : 0)));
  }
  return { residual: res / lambdaMax, orth };
}

const now = () => performance.now() / 1000;
const sec = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmt = (x: number) => x.toExponential(2);
const rows: string[] = [];
const notes: string[] = [];
rows.push('| N | dN | path | tridiagonalise (s) | tridiagonal eigenvectors (s) | back-transform (s) | total (s) | max ‖Hv−λv‖/λ_max | max \\|VVᵀ−I\\| | max \\|Δλ\\|/λ_max vs first row |');
rows.push('|---|---|---|---|---|---|---|---|---|---|');

// Warm-up: every stage three times on a random 400 × 400 matrix, so that no timed row pays for JIT
// compilation (V8 needs a few calls to reach its optimised code).
for (let rep = 0; rep < (cold ? 0 : 3); rep++) {
  const m = 400;
  const rng = createRng(7);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = uniform(rng) - 0.5;
  for (const simd of [false, true]) {
    for (const blocked of [false, true]) {
      const tri = blocked ? householderTridiagonalize(a.slice(), m, TRIDIAGONAL_BLOCK, simd) : householderTridiagonalizeUnblocked(a.slice(), m);
      const d = tri.diagonal.slice();
      const zt = new Float64Array(m * m);
      tridiagonalDivideConquer(d, tri.offDiagonal, zt, { simd });
      if (blocked) applyReflectorsToRows(tri, m, zt, m, BACK_TRANSFORM_BLOCK, simd);
      else applyReflectorsToRowsUnblocked(tri, m, zt);
    }
  }
}

for (const particles of sizes) {
  const t = now();
  const { glass, positions, what } = inherentStructure(particles, 1000 + particles);
  console.error(`N=${particles}: ${what} in ${(now() - t).toFixed(1)} s`);
  const n = 3 * particles;
  const h = sparseHessian(glass, positions);
  const dense = denseHessian(h);
  let reference: Float64Array | undefined;
  const deltaLambda = (d: Float64Array) => {
    if (!reference) return '—';
    let dl = 0;
    for (let k = 0; k < n; k++) dl = Math.max(dl, Math.abs(d[k] - reference[k]));
    return fmt(dl / Math.max(Math.abs(reference[0]), Math.abs(reference[n - 1])));
  };
  const divideAndConquer = (label: string, tri: Tridiagonal, tTri: number, back: (t: Tridiagonal, n: number, zt: Float64Array) => void, simd: boolean) => {
    const d = tri.diagonal.slice();
    const zt = new Float64Array(n * n);
    const splits = gemmSplitCount();
    let t0 = now();
    const stats = tridiagonalDivideConquer(d, tri.offDiagonal, zt, { simd });
    const tSolve = now() - t0;
    t0 = now();
    back(tri, n, zt);
    const tBack = now() - t0;
    const acc = accuracy(h, n, d, zt);
    rows.push(`| ${particles} | ${n} | ${label} + divide & conquer (${stats.deflated} deflated, Q·U ${sec(stats.gemmSeconds)} s${simd ? threadNote(splits) : ''}) | ${sec(tTri)} | ${sec(tSolve)} | ${sec(tBack)} | ${sec(tTri + tSolve + tBack)} | ${fmt(acc.residual)} | ${fmt(acc.orth)} | ${deltaLambda(d)} |`);
    console.error(rows.at(-1));
    reference ??= d;
    return d;
  };
  if (!cold && !skipUnblocked.includes(particles)) {
    const t0 = now();
    const tri = householderTridiagonalizeUnblocked(dense.slice(), n);
    divideAndConquer('unblocked, JS', tri, now() - t0, applyReflectorsToRowsUnblocked, false);
  }
  if (!cold && !skipJs.includes(particles)) {
    const t0 = now();
    const tri = householderTridiagonalize(dense.slice(), n, TRIDIAGONAL_BLOCK, false);
    divideAndConquer('blocked, JS', tri, now() - t0, (t, m, zt) => applyReflectorsToRows(t, m, zt, m, BACK_TRANSFORM_BLOCK, false), false);
  }
  let t0 = now();
  const tri = cold ? null : householderTridiagonalize(dense.slice(), n);
  const tTri = now() - t0;
  if (tri) divideAndConquer('blocked, SIMD', tri, tTri, applyReflectorsToRows, true);
  if (tri && !skipQl.includes(particles)) {
    const d = tri.diagonal.slice();
    const e = tri.offDiagonal.slice();
    const zt = new Float64Array(n * n);
    for (let k = 0; k < n; k++) zt[k * n + k] = 1;
    t0 = now();
    tridiagonalQL(d, e, zt);
    const tSolve = now() - t0;
    t0 = now();
    applyReflectorsToRows(tri, n, zt);
    sortEigenpairs(d, zt, n);
    const tBack = now() - t0;
    const acc = accuracy(h, n, d, zt);
    rows.push(`| ${particles} | ${n} | blocked, SIMD + implicit QL | ${sec(tTri)} | ${sec(tSolve)} | ${sec(tBack)} | ${sec(tTri + tSolve + tBack)} | ${fmt(acc.residual)} | ${fmt(acc.orth)} | ${deltaLambda(d)} |`);
    console.error(rows.at(-1));
  }
  // The production call end to end, then LAPACK on the same matrix.
  const splits = gemmSplitCount();
  t0 = now();
  const eig = symmetricEigen(dense, n);
  const tEngine = now() - t0;
  const acc = accuracy(h, n, eig.values, eig.vectors!);
  rows.push(`| ${particles} | ${n} | symmetricEigen (end to end${cold ? ', first call in the process' : ''}${threadNote(splits)}) | | | | ${sec(tEngine)} | ${fmt(acc.residual)} | ${fmt(acc.orth)} | ${deltaLambda(eig.values)} |`);
  console.error(rows.at(-1));
  if (withNumpy) {
    for (const threads of [undefined, 1]) {
      const np = numpyEigh(dense, n, threads);
      if (!np) break;
      let lowest = 0;
      for (let k = 3; k < Math.min(n, 203); k++) lowest = Math.max(lowest, Math.abs(eig.values[k] - np.values[k]) / Math.abs(np.values[k]));
      const lmax = Math.max(Math.abs(np.values[0]), Math.abs(np.values[n - 1]));
      let all = 0;
      for (let k = 0; k < n; k++) all = Math.max(all, Math.abs(eig.values[k] - np.values[k]) / lmax);
      notes.push(`N = ${particles} (dN = ${n}): numpy ${np.numpy} eigh (${python}${threads ? `, OPENBLAS_NUM_THREADS=${threads}` : ', OpenBLAS default threads'}) ${sec(np.seconds)} s; symmetricEigen${threadNote(splits)} ${sec(tEngine)} s = **${(tEngine / np.seconds).toFixed(2)}×**; symmetricEigen vs eigh: lowest 200 non-zero eigenvalues ${fmt(lowest)} relative, all ${fmt(all)} λ_max`);
      console.error(notes.at(-1));
    }
  }
}
console.log(rows.join('\n'));
console.log('');
for (const line of notes) console.log(line);
