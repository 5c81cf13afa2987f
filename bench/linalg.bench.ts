/**
 * Dense float64 eigensolver benchmark on glass Hessians (3D, docs/PHYSICS.md §1 defaults, T* = ∞ quenched by
 * L-BFGS; N = 125 is the shared reference structure), all eigenvectors, time per stage:
 *  - "unblocked": level-2 Householder tridiagonalisation and reflector-by-reflector back-transformation
 *    (householderTridiagonalizeUnblocked, applyReflectorsToRowsUnblocked) with divide and conquer —
 *    the production path before the blocked stages;
 *  - "blocked": dsytrd-style blocked tridiagonalisation and compact-WY back-transformation
 *    (householderTridiagonalize, applyReflectorsToRows, engine/linalg/symmetricEigen.ts) with divide and
 *    conquer (the path symmetricEigen takes from order 1000), and with implicit QL (below 1000).
 * Accuracy: max ‖Hv − λv‖/λ_max (sparse float64 Hessian), max |VVᵀ − I|, and the largest eigenvalue
 * difference from the unblocked path.
 *
 *   node --import tsx bench/linalg.bench.ts [--sizes 125,512,1000] [--skip-ql 1000] [--skip-unblocked 1000]
 */
import { resolve } from 'node:path';
import { readExtxyz } from '../engine/io/files';
import { createRng, uniform } from '../engine/random';
import { sampleDiameters } from '../engine/model/diameters';
import { makeGlass } from '../engine/model/glass';
import { DEFAULT_SETTINGS, validateSettings } from '../engine/model/settings';
import { lbfgsQuench } from '../engine/minimize/lbfgs';
import { denseHessian, hessianMultiply, sparseHessian, type SparseHessian } from '../engine/hessian/sparse';
import { applyReflectorsToRows, applyReflectorsToRowsUnblocked, householderTridiagonalize, householderTridiagonalizeUnblocked, sortEigenpairs, type Tridiagonal } from '../engine/linalg/symmetricEigen';
import { tridiagonalQL } from '../engine/linalg/tridiagonalQL';
import { gemmNT, tridiagonalDivideConquer } from '../engine/linalg/divideConquer';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('--sizes', '125,512,1000').split(',').map(Number);
const skipQl = arg('--skip-ql', '').split(',').filter(Boolean).map(Number);
const skipUnblocked = arg('--skip-unblocked', '').split(',').filter(Boolean).map(Number);

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
  // VVᵀ by the blocked product, in row panels.
  const panel = 256;
  const g = new Float64Array(panel * n);
  let orth = 0;
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
rows.push('| N | dN | path | tridiagonalise (s) | tridiagonal eigenvectors (s) | back-transform (s) | total (s) | max ‖Hv−λv‖/λ_max | max \\|VVᵀ−I\\| | max \\|Δλ\\|/λ_max vs unblocked |');
rows.push('|---|---|---|---|---|---|---|---|---|---|');

// Warm-up: every stage three times on a random 400 × 400 matrix, so that no timed row pays for JIT
// compilation (V8 needs a few calls to reach its optimised code).
for (let rep = 0; rep < 3; rep++) {
  const m = 400;
  const rng = createRng(7);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = uniform(rng) - 0.5;
  for (const [tridiagonalize, back] of [[householderTridiagonalizeUnblocked, applyReflectorsToRowsUnblocked], [householderTridiagonalize, applyReflectorsToRows]] as const) {
    const tri = tridiagonalize(a.slice(), m);
    const d = tri.diagonal.slice();
    const zt = new Float64Array(m * m);
    tridiagonalDivideConquer(d, tri.offDiagonal, zt);
    back(tri, m, zt);
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
  const divideAndConquer = (label: string, tri: Tridiagonal, tTri: number, back: typeof applyReflectorsToRows) => {
    const d = tri.diagonal.slice();
    const zt = new Float64Array(n * n);
    let t0 = now();
    const stats = tridiagonalDivideConquer(d, tri.offDiagonal, zt);
    const tSolve = now() - t0;
    t0 = now();
    back(tri, n, zt);
    const tBack = now() - t0;
    const acc = accuracy(h, n, d, zt);
    rows.push(`| ${particles} | ${n} | ${label} + divide & conquer (${stats.deflated} deflated, Q·U ${sec(stats.gemmSeconds)} s) | ${sec(tTri)} | ${sec(tSolve)} | ${sec(tBack)} | ${sec(tTri + tSolve + tBack)} | ${fmt(acc.residual)} | ${fmt(acc.orth)} | ${deltaLambda(d)} |`);
    console.error(rows.at(-1));
    return d;
  };
  if (!skipUnblocked.includes(particles)) {
    const t0 = now();
    const tri = householderTridiagonalizeUnblocked(dense.slice(), n);
    reference = divideAndConquer('unblocked', tri, now() - t0, applyReflectorsToRowsUnblocked);
  }
  let t0 = now();
  const tri = householderTridiagonalize(dense.slice(), n);
  const tTri = now() - t0;
  divideAndConquer('blocked', tri, tTri, applyReflectorsToRows);
  if (!skipQl.includes(particles)) {
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
    rows.push(`| ${particles} | ${n} | blocked + implicit QL | ${sec(tTri)} | ${sec(tSolve)} | ${sec(tBack)} | ${sec(tTri + tSolve + tBack)} | ${fmt(acc.residual)} | ${fmt(acc.orth)} | ${deltaLambda(d)} |`);
    console.error(rows.at(-1));
  }
}
console.log(rows.join('\n'));
