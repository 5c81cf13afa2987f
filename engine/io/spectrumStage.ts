/**
 * The spectrum stage of a sample: eigenvalues.npy (all dN, ascending), modes.npy (lowest K
 * eigenvectors, K × dN row-major), participation.npy, and the spectrum section of meta.json.
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
  writeNpy(join(folder, 'eigenvalues.npy'), result.eigenvalues, [size]);
  writeNpy(join(folder, 'modes.npy'), result.modes, [k, size]);
  writeNpy(join(folder, 'participation.npy'), result.participationRatios, [size]);
  const { eigenvalues: _e, modes: _m, participationRatios: _p, zeroModeIndices, ...summary } = result;
  const spectrum = {
    ...summary,
    zeroModeIndices: Array.from(zeroModeIndices),
    storedModes: k,
    lowestEigenvalue: result.eigenvalues[0],
    largestEigenvalue: result.eigenvalues[size - 1],
  };
  writeJsonAtomic(join(folder, 'meta.json'), { ...meta, spectrum, timings: { ...meta.timings, spectrum: (performance.now() - t0) / 1000 } });
  if (result.unstable) onProgress(1, `UNSTABLE: an eigenvalue below −${result.zeroTolerance.toExponential(1)} besides the ${result.zeroModes} zero modes`);
  onProgress(1, `${result.backend}: λ_max = ${result.eigenvalues[size - 1].toFixed(3)}, residual ${result.residualMax.toExponential(1)}`);
  return { status: 'done' };
}
