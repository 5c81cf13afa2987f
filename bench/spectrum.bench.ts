/**
 * Spectrum benchmark (issue 3): N = 125, 512, 1000 (3D, docs/PHYSICS.md §1 model, T* = ∞ quenched by L-BFGS)
 * on every path that runs in Node — the float64 dense reference, and the gpu.js device path
 * (Hessian kernel, blocked Jacobi in float32, float64 refinement) on webasm and cpu — with the time
 * of each stage and the docs/PHYSICS.md §4 accuracy measured against the float64 reference.
 *
 *   node --import tsx bench/spectrum.bench.ts [--sizes 125,512,1000] [--device-max 125]
 *
 * The device Jacobi costs ~12 n³ float32 operations per sweep through gather kernels; on the
 * CPU backends it is run only up to --device-max particles (default 125) and the Hessian kernel
 * alone is timed beyond that.
 */
import { createRng, uniform } from '../engine/random';
import { sampleDiameters } from '../engine/model/diameters';
import { makeGlass } from '../engine/model/glass';
import { DEFAULT_SETTINGS } from '../engine/model/settings';
import { lbfgsQuench } from '../engine/minimize/lbfgs';
import { denseHessian, sparseHessian } from '../engine/hessian/sparse';
import { computeSpectrum, measureContract } from '../engine/spectrum';
import { openDevice } from '../engine/compute/device';
import { createPairKernels, neighbourTable } from '../engine/compute/pairKernels';
import { installGemmWorker } from '../engine/io/gemmWorker';

// The SIMD gemm's helper thread, as in the CLI (GLASSMODES_THREADS=1: one thread).
installGemmWorker();

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('--sizes', '125,512,1000').split(',').map(Number);
const deviceMax = Number(arg('--device-max', '125'));

function inherentStructure(particles: number, seed: number) {
  const model = { ...DEFAULT_SETTINGS.model, particles };
  const rng = createRng(seed);
  const diameters = sampleDiameters(particles, model.diameterMin, model.diameterMax, rng);
  const glass = makeGlass(model, diameters);
  const L = glass.box.side;
  const start = Float64Array.from({ length: 3 * particles }, () => L * uniform(rng)); // T* = ∞
  const q = lbfgsQuench(glass, start, { forceTolerance: 1e-10, maxIterations: 200000 });
  if (!q.converged) throw new Error(`quench of N=${particles} did not converge (${q.reason}, max|f| = ${q.maxForce})`);
  return { glass, positions: q.positions };
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined ? '—' : x.toExponential(digits));
const sec = (x: number | undefined) => (x === undefined ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const rows: string[] = [];
const header = '| N | dN | path | Hessian (s) | diagonalise (s) | sweeps | refine (s) (iter.) | total (s) | lowest-200 rel. err | all |Δλ|/λ_max | max ‖Hv−λv‖/λ_max |';
rows.push(header, '|' + header.split('|').slice(1, -1).map(() => '---').join('|') + '|');

for (const particles of sizes) {
  const t = performance.now();
  const { glass, positions } = inherentStructure(particles, 1000 + particles);
  console.error(`N=${particles}: inherent structure in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const n = 3 * particles;
  const ref = await computeSpectrum(glass, positions, { enabled: true, storedModes: 300, backend: 'reference' });
  const refContract = measureContract(ref.eigenvalues, ref.eigenvalues, ref.zeroModes, ref.residualMax);
  rows.push(`| ${particles} | ${n} | float64 reference (Householder, then QL below order 1000, divide & conquer from it) | ${sec(ref.timings.hessian)} | ${sec(ref.timings.diagonalise)} | — | — | ${sec(ref.timings.total)} | (reference) | (reference) | ${fmt(refContract.residual)} |`);
  console.error(rows.at(-1));
  for (const backend of ['webasm', 'cpu'] as const) {
    if (particles <= deviceMax) {
      const r = await computeSpectrum(glass, positions, { enabled: true, storedModes: 300, backend });
      const c = measureContract(r.eigenvalues, ref.eigenvalues, r.zeroModes, r.residualMax);
      rows.push(`| ${particles} | ${n} | ${r.backend}: device Hessian + blocked Jacobi f32 + OA refinement f64 | ${sec(r.timings.hessian + (r.timings.deviceHessian ?? 0))} | ${sec(r.timings.jacobi)} | ${r.sweeps} | ${sec(r.timings.refine)} (${r.refinementIterations}) | ${sec(r.timings.total)} | ${fmt(c.lowestRelative)} | ${fmt(c.allAbsolute)} | ${fmt(c.residual)} |`);
    } else {
      // Hessian kernel alone (the Jacobi at this size is far slower than the reference on this backend).
      const device = await openDevice(backend);
      const t0 = performance.now();
      const k = createPairKernels(device, glass, neighbourTable(glass, positions));
      const h = await k.hessian(positions);
      const dt = (performance.now() - t0) / 1000;
      const exact = denseHessian(sparseHessian(glass, positions));
      let err = 0;
      let scale = 0;
      for (let q = 0; q < exact.length; q++) {
        err = Math.max(err, Math.abs(exact[q] - h[q]));
        scale = Math.max(scale, Math.abs(exact[q]));
      }
      await device.dispose();
      rows.push(`| ${particles} | ${n} | ${backend}: device Hessian only (max error ${fmt(err / scale)} of max entry); Jacobi not run | ${sec(dt)} | — | — | — | — | — | — | — |`);
    }
    console.error(rows.at(-1));
  }
}
console.log(rows.join('\n'));
