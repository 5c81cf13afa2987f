/**
 * The spectrum stage of a sample: eigenvalues.npy (all dN ascending; with spectrum.method 'lowest'
 * only the d translations and the K lowest non-zero modes), modes.npy (the stored eigenvectors,
 * rows × dN row-major), participation.npy (one per stored eigenvalue for 'lowest', every mode for
 * 'full'), and the spectrum section of meta.json (method, totalModes, and for 'lowest' K, the
 * certificate, iterations, residual, timings). Nothing dN × dN on the 'lowest' path.
 */
import { join } from 'node:path';
import type { Configuration } from './extxyz';
import type { ProjectSettings } from '../model/settings';
import { makeGlass } from '../model/glass';
import { writeJsonAtomic, writeNpy } from './files';
import type { SampleMeta } from './project';

export async function runSpectrumStage(
  folder: string,
  settings: ProjectSettings,
  config: Configuration,
  meta: SampleMeta,
  onProgress: (fraction: number, message: string) => void,
  shouldStop: () => boolean,
): Promise<{ status: 'done' } | { status: 'stopped' }> {
  if (shouldStop()) return { status: 'stopped' };
  const t0 = performance.now();
  const glass = makeGlass(settings.model, config.diameters);
  const { computeSpectrum } = await import('../spectrum'); // loads gpu.js only where a spectrum is wanted
  const result = await computeSpectrum(glass, config.positions, settings.spectrum, onProgress);
  const size = settings.model.dim * settings.model.particles;
  const k = result.modes.length / size;
  const stored = result.eigenvalues.length;
  writeNpy(join(folder, 'eigenvalues.npy'), result.eigenvalues, [stored]);
  writeNpy(join(folder, 'modes.npy'), result.modes, [k, size]);
  writeNpy(join(folder, 'participation.npy'), result.participationRatios, [result.participationRatios.length]);
  const { eigenvalues: _e, modes: _m, participationRatios: _p, zeroModeIndices, ...summary } = result;
  const spectrum = {
    ...summary,
    zeroModeIndices: Array.from(zeroModeIndices),
    storedModes: k,
    lowestEigenvalue: result.eigenvalues[0],
    largestEigenvalue: result.method === 'full' ? result.eigenvalues[size - 1] : null,
    storedEigenvalues: stored,
  };
  writeJsonAtomic(join(folder, 'meta.json'), { ...meta, spectrum, timings: { ...meta.timings, spectrum: (performance.now() - t0) / 1000 } });
  if (result.unstable) onProgress(1, `UNSTABLE: an eigenvalue below −${result.zeroTolerance.toExponential(1)} besides the ${result.zeroModes} zero modes`);
  if (result.lowest) onProgress(1, `lowest ${result.lowest.count} modes: residual ${result.residualMax.toExponential(1)} λ_max, ${result.lowest.certification.certified ? 'certified' : result.lowest.certification.reason}`);
  else onProgress(1, `${result.backend}: λ_max = ${result.eigenvalues[size - 1].toFixed(3)}, residual ${result.residualMax.toExponential(1)}`);
  return { status: 'done' };
}
