/**
 * Dense float64 eigensolver benchmark: Householder + implicit QL (the old reference path) against
 * Householder + divide and conquer (engine/linalg/divideConquer.ts), all eigenvectors, on glass
 * Hessians (3D, SPEC §1 defaults, T* = ∞ quenched by L-BFGS; N = 125 is the shared reference
 * structure). Time per stage, max ‖Hv − λv‖/λ_max (sparse float64 Hessian), max |VVᵀ − I|, and the
 * largest eigenvalue difference between the two paths.
 *
 *   node --import tsx bench/linalg.bench.ts [--sizes 125,512,1000] [--skip-ql 1000]
 */
import { resolve } from 'node:path';
import { readExtxyz } from '../engine/io/files';
import { createRng, uniform } from '../engine/random';
import { sampleDiameters } from '../engine/model/diameters';
import { makeGlass } from '../engine/model/glass';
import { DEFAULT_SETTINGS, validateSettings } from '../engine/model/settings';
import { lbfgsQuench } from '../engine/minimize/lbfgs';
import { denseHessian, hessianMultiply, sparseHessian, type SparseHessian } from '../engine/hessian/sparse';
import { applyReflectorsToRows, householderTridiagonalize, sortEigenpairs, tridiagonalQL } from '../engine/linalg/symmetricEigen';
import { gemmNT, tridiagonalDivideConquer } from '../engine/linalg/divideConquer';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('--sizes', '125,512,1000').split(',').map(Number);
const skipQl = arg('--skip-ql', '').split(',').filter(Boolean).map(Number);

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
rows.push('| N | dN | path | tridiagonalise (s) | tridiagonal eigenvectors (s) | back-transform (s) | total (s) | max ‖Hv−λv‖/λ_max | max \\|VVᵀ−I\\| | max \\|Δλ\\|/λ_max vs QL |');
rows.push('|---|---|---|---|---|---|---|---|---|---|');

for (const particles of sizes) {
  const t = now();
  const { glass, positions, what } = inherentStructure(particles, 1000 + particles);
  console.error(`N=${particles}: ${what} in ${(now() - t).toFixed(1)} s`);
  const n = 3 * particles;
  const h = sparseHessian(glass, positions);
  const dense = denseHessian(h);
  let t0 = now();
  const tri = householderTridiagonalize(dense.slice(), n);
  const tTri = now() - t0;
  let qlValues: Float64Array | undefined;
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
    qlValues = d;
    rows.push(`| ${particles} | ${n} | Householder + implicit QL | ${sec(tTri)} | ${sec(tSolve)} | ${sec(tBack)} | ${sec(tTri + tSolve + tBack)} | ${fmt(acc.residual)} | ${fmt(acc.orth)} | — |`);
    console.error(rows.at(-1));
  }
  {
    const d = tri.diagonal.slice();
    const zt = new Float64Array(n * n);
    t0 = now();
    const stats = tridiagonalDivideConquer(d, tri.offDiagonal, zt);
    const tSolve = now() - t0;
    t0 = now();
    applyReflectorsToRows(tri, n, zt);
    const tBack = now() - t0;
    const acc = accuracy(h, n, d, zt);
    let dl = NaN;
    if (qlValues) {
      dl = 0;
      for (let k = 0; k < n; k++) dl = Math.max(dl, Math.abs(d[k] - qlValues[k]));
      dl /= Math.abs(qlValues[n - 1]);
    }
    rows.push(`| ${particles} | ${n} | Householder + divide & conquer (${stats.deflated} deflated, Q·U ${sec(stats.gemmSeconds)} s) | ${sec(tTri)} | ${sec(tSolve)} | ${sec(tBack)} | ${sec(tTri + tSolve + tBack)} | ${fmt(acc.residual)} | ${fmt(acc.orth)} | ${Number.isNaN(dl) ? '—' : fmt(dl)} |`);
    console.error(rows.at(-1));
  }
}
console.log(rows.join('\n'));
