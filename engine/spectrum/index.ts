/**
 * The spectrum stage (docs/PHYSICS.md §4): all dN eigenvalues of the Hessian, the lowest K eigenvectors,
 * translational zero modes identified, instability flagged, participation ratios of every mode
 * (docs/PHYSICS.md §5), float64-accurate whatever computed it.
 *
 * Two paths:
 *  - 'reference': the sparse float64 Hessian made dense and diagonalised by the engine's float64
 *    Householder + QL solver (engine/linalg/symmetricEigen.ts);
 *  - a gpu.js backend ('webgpu', 'webgl2', 'webasm', 'cpu'): the Hessian assembled on the device
 *    (engine/compute/pairKernels.ts), diagonalised there in float32 by the blocked Jacobi method
 *    (engine/compute/blockJacobi.ts), then refined in float64 against the sparse float64 Hessian by
 *    Ogita–Aishima iterations with Rayleigh–Ritz on clusters (engine/linalg/refine.ts) until the
 *    docs/PHYSICS.md §4 residual bound holds with margin.
 * 'auto' is chosen by measurement, not by presence (engine/spectrum/calibration.ts): a calibration
 * of every available path on this machine (cached per machine and version by engine/io) predicts
 * each one's time at this dN, and auto takes the fastest, a device path only where it beats the
 * float64 reference. Without a calibration auto takes the reference (docs/SPECTRUM.md "auto").
 *
 * Async, because gpu.js device pipelines are (webgpu readback is asynchronous).
 */
import { participationRatios } from './participation';
import type { Glass } from '../model/glass';
import type { SpectrumSettings } from '../model/settings';
import { hessianMultiply, denseHessian, sparseHessian, type SparseHessian } from '../hessian/sparse';
import { symmetricEigen } from '../linalg/symmetricEigen';
import { refineEigenpairs, residualNorms } from '../linalg/refine';
import { openDevice, type DeviceBackend } from '../compute/device';
import { createPairKernels, neighbourTable } from '../compute/pairKernels';
import { blockJacobi } from '../compute/blockJacobi';
import { lowestSpectrum, SLICE_FROM_K, type Certification } from './lowest';
import { chooseByCalibration, type SpectrumCalibration } from './calibration';
import { identifyZeroModes } from './zeroModes';

export interface SpectrumResult {
  /** 'full': all dN eigenvalues; 'lowest': the d translations' and the K lowest non-zero ones (d + K). Ascending, float64. */
  eigenvalues: Float64Array;
  /** How the spectrum was computed; 'lowest' results are partial (eigenvalues.length < totalModes). */
  method: 'full' | 'lowest';
  /** dN, the number of modes the Hessian has (the normalisation of F(ω), docs/PROJECT_FORMAT.md). */
  totalModes: number;
  /** The lowest-K path only: K asked, the certificate, the gap above the set, solver counts. */
  lowest?: {
    requested: number;
    count: number;
    extension: number;
    next: number;
    gapRelative: number;
    products: number;
    restarts: number;
    converged: boolean;
    lambdaMaxUpper: number;
    certification: Certification;
    /** Which eigensolver ran (Chebyshev-filtered Lanczos on H, or shift-invert) and why. */
    path: { method: 'slice' | 'lanczos' | 'shift-invert'; reason: string; solves: number };
  };
  /** The lowest K eigenvectors (zero modes included), K × dN row-major, unit norm. */
  modes: Float64Array;
  /** K, the number of rows of `modes`. */
  storedModes: number;
  /** Number of translational zero modes identified (d for a stable periodic glass). */
  zeroModes: number;
  /** Their indices into `eigenvalues` (ascending order). */
  zeroModeIndices: Int32Array;
  /** Some eigenvalue other than the translations lies below −zeroTolerance. */
  unstable: boolean;
  /** |λ| below which a mode counts as numerically zero: 1e-8 λ_max. */
  zeroTolerance: number;
  /** PR_k = (Σ_i |e_k,i|²)² / (N Σ_i |e_k,i|⁴) for every mode k (docs/PHYSICS.md §5). */
  participationRatios: Float64Array;
  /** What computed the spectrum: 'reference' or the gpu.js backend that ran. */
  backend: string;
  /** Why that backend: the request, or what 'auto' chose and why. */
  backendChoice: string;
  /** Where auto chose by a calibration: the predicted seconds of each calibrated path at this dN. */
  backendPredictedSeconds?: Partial<Record<string, number>>;
  /** Jacobi sweeps on the device (device paths only). */
  sweeps?: number;
  /** off(A)/‖A‖_F after the last Jacobi sweep (device paths only). */
  offNorm?: number;
  /** float64 refinement iterations (device paths only). */
  refinementIterations?: number;
  /** max ‖Hv − λv‖ / λ_max over the stored modes, measured with the float64 sparse Hessian. */
  residualMax: number;
  /** Seconds per stage. */
  timings: Record<string, number>;
}

export type ProgressCallback = (fraction: number, message: string) => void;

const now = () => performance.now() / 1000;

/** The backend a spectrum request of order `dof` runs on, and why (with the calibration's predictions where auto used one). */
export function chooseSpectrumBackend(request: SpectrumSettings['backend'], dof: number, calibration?: SpectrumCalibration): { backend: 'reference' | DeviceBackend; why: string; predicted?: Partial<Record<string, number>> } {
  if (request === 'reference') return { backend: 'reference', why: 'requested' };
  if (request !== 'auto') return { backend: request, why: 'requested' };
  if (!calibration) return { backend: 'reference', why: 'auto without a calibration of this machine: the float64 dense reference (no path is taken because it is present)' };
  return chooseByCalibration(calibration, dof);
}

/** The float64 eigen-decomposition of a sparse Hessian by the dense reference solver. */
export function referenceSpectrum(h: SparseHessian): { values: Float64Array; vectors: Float64Array } {
  const n = h.dim * h.particles;
  const r = symmetricEigen(denseHessian(h), n);
  return { values: r.values, vectors: r.vectors! };
}

/**
 * The spectrum of the Hessian of `glass` at `positions` (an inherent structure), float64-accurate
 * to the docs/PHYSICS.md §4 contract. Resolves once every stage has run; `onProgress` hears each stage.
 */
export async function computeSpectrum(
  glass: Glass,
  positions: Float64Array,
  spectrum: Omit<SpectrumSettings, 'method' | 'certify'> & { method?: SpectrumSettings['method']; certify?: SpectrumSettings['certify'] },
  onProgress?: ProgressCallback,
  calibration?: SpectrumCalibration,
): Promise<SpectrumResult> {
  const t0 = now();
  const timings: Record<string, number> = {};
  const d = glass.box.dim;
  const particles = glass.diameters.length;
  const n = d * particles;
  const progress = (f: number, m: string) => onProgress?.(f, m);
  if (spectrum.method === 'lowest') return lowestSpectrumResult(glass, positions, spectrum.storedModes, progress, spectrum.certify);
  const choice = chooseSpectrumBackend(spectrum.backend, n, calibration);

  progress(0, 'sparse float64 Hessian');
  let t = now();
  const h = sparseHessian(glass, positions);
  const op = (x: Float64Array, y: Float64Array) => void hessianMultiply(h, x, y);
  timings.hessian = now() - t;

  let values: Float64Array;
  let vectors: Float64Array;
  let backend: string;
  let sweeps: number | undefined;
  let offNorm: number | undefined;
  let refinementIterations: number | undefined;
  if (choice.backend === 'reference') {
    progress(0.05, 'float64 dense diagonalisation (Householder + QL)');
    t = now();
    ({ values, vectors } = referenceSpectrum(h));
    timings.diagonalise = now() - t;
    backend = 'reference';
  } else {
    const device = await openDevice(choice.backend);
    try {
      progress(0.05, `Hessian on the device (${device.backend})`);
      t = now();
      const kernels = createPairKernels(device, glass, neighbourTable(glass, positions));
      const deviceHessian = await kernels.hessian(positions);
      timings.deviceHessian = now() - t;
      progress(0.1, `blocked Jacobi (${device.backend}, float32)`);
      t = now();
      const jacobi = await blockJacobi(device, deviceHessian, n, { onSweep: (s, off) => progress(Math.min(0.7, 0.1 + 0.05 * s), `Jacobi sweep ${s}: off(A)/‖A‖ = ${off.toExponential(2)}`) });
      timings.jacobi = now() - t;
      sweeps = jacobi.sweeps;
      offNorm = jacobi.offNorms[jacobi.offNorms.length - 1];
      backend = jacobi.backend;
      let lambdaMax = 0;
      for (const v of jacobi.values) lambdaMax = Math.max(lambdaMax, Math.abs(v));
      progress(0.75, 'float64 refinement (Ogita–Aishima)');
      t = now();
      const refined = refineEigenpairs(op, jacobi.vectors, n, { residualTarget: 1e-11 * lambdaMax });
      timings.refine = now() - t;
      refinementIterations = refined.iterations;
      values = refined.values;
      vectors = refined.vectors;
    } finally {
      await device.dispose();
    }
  }

  progress(0.9, 'zero modes, participation ratios, residuals');
  t = now();
  const zero = identifyZeroModes(values, d, vectors, particles);
  const zeroModeIndices = Int32Array.from(zero.indices);
  const unstable = zero.unstable > 0;
  const zeroTolerance = zero.tolerance;
  const participation = participationRatios(vectors, d, n);
  const k = Math.min(spectrum.storedModes, n);
  const modes = vectors.slice(0, k * n);
  const lambdaMax = Math.max(Math.abs(values[0]), Math.abs(values[n - 1]));
  const residuals = residualNorms(op, values, modes, k, n);
  let residualMax = 0;
  for (const r of residuals) residualMax = Math.max(residualMax, r / lambdaMax);
  timings.analyse = now() - t;
  timings.total = now() - t0;
  progress(1, 'spectrum done');
  return {
    eigenvalues: values,
    method: 'full',
    totalModes: n,
    modes,
    storedModes: k,
    zeroModes: zeroModeIndices.length,
    zeroModeIndices,
    unstable,
    zeroTolerance,
    participationRatios: participation,
    backend,
    backendChoice: choice.why,
    ...(choice.predicted ? { backendPredictedSeconds: choice.predicted } : {}),
    sweeps,
    offNorm,
    refinementIterations,
    residualMax,
    timings,
  };
}

/**
 * The lowest-K path: d translations + the K lowest non-zero modes of the sparse float64 Hessian
 * (engine/spectrum/lowest.ts), never a dN × dN array; modes holds those d + K rows.
 */
function lowestSpectrumResult(glass: Glass, positions: Float64Array, k: number, progress: ProgressCallback, certify: SpectrumSettings['certify'] = 'auto'): SpectrumResult {
  const t0 = now();
  const d = glass.box.dim;
  const particles = glass.diameters.length;
  const n = d * particles;
  progress(0, 'sparse float64 Hessian');
  let t = now();
  const h = sparseHessian(glass, positions);
  const hessianSeconds = now() - t;
  progress(0.05, `lowest ${k} modes: ${k >= SLICE_FROM_K ? 'spectrum slicing (block Lanczos on (H − σI)⁻¹), the same supernodal LDLᵀ\'s inertia as the certificate' : 'Chebyshev-filtered thick-restart Lanczos; certificate by the cheaper of the inertia of a supernodal LDLᵀ and the probabilistic Krylov check'}, translations deflated`);
  const side = glass.box.side;
  const r = lowestSpectrum(h, positions, side, k, { certify, onProgress: (f, m) => progress(0.05 + 0.85 * f, m) });
  t = now();
  const participation = participationRatios(r.modes, d, n);
  // The d deflated translations lead the list; the one rule finds them (and any instability).
  const zero = identifyZeroModes(r.eigenvalues, d, r.modes, glass.diameters.length, r.lambdaMax);
  const zeroModeIndices = Int32Array.from(zero.indices);
  const unstable = zero.unstable > 0;
  const tol = zero.tolerance;
  const timings: Record<string, number> = { hessian: hessianSeconds, ...r.timings, analyse: now() - t };
  timings.total = now() - t0;
  progress(1, 'spectrum done');
  return {
    eigenvalues: r.eigenvalues,
    method: 'lowest',
    totalModes: n,
    modes: r.modes,
    storedModes: d + r.count,
    zeroModes: zeroModeIndices.length,
    zeroModeIndices,
    unstable,
    zeroTolerance: tol,
    participationRatios: participation,
    backend: 'lowest-k',
    backendChoice: 'spectrum.method = lowest: sparse float64 block Lanczos (engine/linalg/lowestModes.ts) on (H − σI)⁻¹ or on H (engine/spectrum/lowest.ts)',
    residualMax: r.residualMax,
    lowest: {
      requested: r.requested,
      count: r.count,
      extension: r.extension,
      next: r.next,
      gapRelative: r.gapRelative,
      products: r.products,
      restarts: r.restarts,
      converged: r.converged,
      lambdaMaxUpper: r.lambdaMaxUpper,
      certification: r.certification,
      path: r.path,
    },
    timings,
  };
}

export { measureContract, CONTRACT, type ContractMeasure } from './contract';
