/**
 * What one sample of a project needs before it runs (issue 12, item 5): memory per worker, disk
 * per sample, and the time of the dense spectrum, from the settings alone, so that a run this
 * machine cannot hold is refused up front instead of dying part way (N = 10⁷: "Invalid string
 * length" after minutes). Upper estimates of the largest arrays each stage keeps at once; the
 * Monte Carlo time is measured instead (estimate.ts).
 */
import type { ProjectSettings } from '../model/settings';
import { CERTIFICATION_BUDGET } from '../spectrum/lowest';

/** The longest string this JavaScript engine (V8) can build: 2²⁹ − 24 characters. */
export const MAX_STRING_LENGTH = 2 ** 29 - 24;

/** Characters per particle of an .extxyz line: "X x y z a" with 17 significant digits each. */
export const EXTXYZ_CHARS_PER_PARTICLE = 100;

/** Memory of a Node worker thread before it holds any data. */
const WORKER_BASE_BYTES = 64 * 2 ** 20;

/** Seconds of the dense float64 eigensolver at dN = 3000 on one core (settings.ts FULL_SPECTRUM_MAX_ORDER). */
const DENSE_SECONDS_AT_3000 = 20;

export interface ResourceEstimate {
  /** Bytes one worker holds at its peak (the largest stage). */
  memoryPerWorker: number;
  /** Of which, by stage. */
  stages: { monteCarlo: number; quench: number; spectrum: number; files: number };
  /** Bytes a finished sample occupies on disk. */
  diskPerSample: number;
  /** Characters of one configuration file (.extxyz), which is built as one string. */
  extxyzChars: number;
  /** Seconds of the spectrum stage on one core (dense: ∝ (dN)³; 'lowest': not estimated, null). */
  spectrumSeconds: number | null;
}

/** Neighbours within r_c (plus a list skin of 0.3) of a particle at density ρ. */
function neighbours(settings: ProjectSettings): number {
  const { dim, density, cutoff } = settings.model;
  const r = cutoff + 0.3;
  return Math.ceil(density * (dim === 3 ? (4 / 3) * Math.PI * r ** 3 : Math.PI * r ** 2));
}

export function estimateResources(settings: ProjectSettings): ResourceEstimate {
  const { dim, particles } = settings.model;
  const n = particles;
  const dn = dim * n;
  const z = neighbours(settings);
  const vector = dn * 8;
  // Monte Carlo: positions, diameters, per-particle energies and cell/neighbour lists (int32, both directions).
  const monteCarlo = 6 * vector + n * z * 4 * 2;
  // Quench: L-BFGS keeps 2·memory vectors, plus positions, forces, directions and the neighbour lists.
  const quench = (2 * settings.quench.memory + 8) * vector + n * z * 4 * 2;
  // Spectrum: the sparse Hessian (d×d blocks per pair), and for 'full' the dense matrix, its
  // eigenvectors and workspace (≈ 4 dN² doubles); for 'lowest' the certificate's LDLᵀ factor (≈ 20× the
  // Hessian, never above its 1.5·10⁷-block budget, docs/SPECTRUM.md) and the 3(K + 1) basis vectors, twice.
  const sparseHessian = n * (z + 1) * dim * dim * 8;
  const stored = settings.spectrum.enabled ? settings.spectrum.storedModes : 0;
  const spectrum = !settings.spectrum.enabled
    ? 0
    : settings.spectrum.method === 'full'
      ? sparseHessian + 4 * dn * dn * 8 + stored * vector
      : sparseHessian + Math.min(20 * sparseHessian, CERTIFICATION_BUDGET.maxBlocks * dim * dim * 8) + 6 * (stored + dim + 1) * vector;
  // Files: a configuration is built as one string (one byte per character) and then its UTF-8 buffer.
  const extxyzChars = n * EXTXYZ_CHARS_PER_PARTICLE + 256;
  const files = 2 * extxyzChars + 2 * stored * vector;
  const diskPerSample = 2 * extxyzChars + (settings.spectrum.enabled ? (settings.spectrum.method === 'full' ? 2 * vector : 2 * (stored + dim) * 8) + stored * vector : 0) + 4096;
  const spectrumSeconds = settings.spectrum.enabled && settings.spectrum.method === 'full' ? DENSE_SECONDS_AT_3000 * (dn / 3000) ** 3 : null;
  return {
    memoryPerWorker: WORKER_BASE_BYTES + Math.max(monteCarlo, quench, spectrum, files),
    stages: { monteCarlo, quench, spectrum, files },
    diskPerSample,
    extxyzChars,
    spectrumSeconds,
  };
}

/** Bytes as "1.2 GB", "340 MB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let k = 0;
  let x = bytes;
  while (x >= 1000 && k < units.length - 1) {
    x /= 1000;
    k++;
  }
  return `${x < 10 && k > 0 ? x.toFixed(1) : x.toFixed(0)} ${units[k]}`;
}
