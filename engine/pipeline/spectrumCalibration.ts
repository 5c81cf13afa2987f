/**
 * Times the full-spectrum paths on two probe glasses for `backend: auto` (engine/spectrum/calibration.ts
 * has the cost model and the choice; engine/io/spectrumCalibration.ts caches the result per machine).
 */
import type { DeviceBackend } from '../compute/device';
import { validateSettings } from '../model/settings';
import { makeGlass } from '../model/glass';
import { CALIBRATION_MODEL, type PathTiming, type SpectrumCalibration, type SpectrumPath } from '../spectrum/calibration';
import { randomConfiguration, runQuenchStage } from './stages';

/** Particles of the two probe glasses (3D, the default model; 60 is the smallest box it allows): dN = 192 and 648. */
export const PROBE_PARTICLES: readonly [number, number] = [64, 216];

class CalibrationCutoff extends Error {
  constructor(readonly seconds: number) {
    super(`calibration probe stopped after ${seconds} s`);
  }
}

/** A deterministic probe: an inherent structure of the default 3D model at N particles. */
export function probeGlass(particles: number): { glass: ReturnType<typeof makeGlass>; positions: Float64Array } {
  const settings = validateSettings({ model: { dim: 3, particles, taper: 2 } });
  const start = randomConfiguration(settings, 20261202 + particles);
  const q = runQuenchStage(settings, start.positions, start.diameters);
  return { glass: makeGlass(settings.model, start.diameters), positions: q.positions };
}

/**
 * Times each path on the two probes: one full spectrum (engine/spectrum computeSpectrum with the
 * backend forced: Hessian, diagonalisation, refinement, zero modes) per probe and path, wall time.
 * `available`: the gpu.js backends that can run here; `onProgress` hears each path's numbers.
 */
export async function calibrateSpectrumPaths(available: readonly DeviceBackend[], fingerprint: string, onProgress?: (message: string) => void): Promise<SpectrumCalibration> {
  const { computeSpectrum } = await import('../spectrum'); // loads gpu.js only where a spectrum is wanted
  const probes = PROBE_PARTICLES.map(probeGlass);
  // Wall time (a GPU's work is not the process's CPU time); `limit` stops a path, from its
  // progress callback, as soon as it has taken longer than that.
  const time = async (path: SpectrumPath, probe: (typeof probes)[number], limit = Infinity) => {
    const t0 = performance.now();
    const stopAfter = (_fraction: number, _message: string) => {
      if ((performance.now() - t0) / 1000 > limit) throw new CalibrationCutoff(limit);
    };
    await computeSpectrum(probe.glass, probe.positions, { enabled: true, method: 'full', storedModes: 10, backend: path }, stopAfter);
    return (performance.now() - t0) / 1000;
  };
  const paths: PathTiming[] = [];
  // The reference twice at the small probe (the first call pays for compilation), then once at the large.
  await time('reference', probes[0]);
  const reference: PathTiming = { path: 'reference', probes: [] };
  for (const probe of probes) reference.probes.push({ dof: probe.positions.length, seconds: await time('reference', probe) });
  paths.push(reference);
  onProgress?.(`reference: ${reference.probes.map((p) => `${p.seconds.toPrecision(2)} s at dN = ${p.dof}`).join(', ')}`);
  const referenceLarge = reference.probes[1].seconds;
  for (const backend of available) {
    const timing: PathTiming = { path: backend, probes: [] };
    const [small, large] = probes.map((p) => p.positions.length);
    try {
      // Stopped once slower at the small probe than the reference at the large one: it cannot win.
      const seconds = await time(backend, probes[0], Math.max(referenceLarge, 0.5));
      timing.probes.push({ dof: small, seconds });
      if (seconds > referenceLarge) timing.excluded = `${seconds.toPrecision(2)} s at dN = ${small}, slower than the float64 reference at dN = ${large} (${referenceLarge.toPrecision(2)} s)`;
      else timing.probes.push({ dof: large, seconds: await time(backend, probes[1]) });
    } catch (error) {
      timing.excluded =
        error instanceof CalibrationCutoff
          ? `stopped after ${error.seconds.toPrecision(2)} s at dN = ${small}: already slower than the float64 reference at dN = ${large} (${referenceLarge.toPrecision(2)} s)`
          : `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    paths.push(timing);
    onProgress?.(`${backend}: ${timing.excluded ?? timing.probes.map((p) => `${p.seconds.toPrecision(2)} s at dN = ${p.dof}`).join(', ')}`);
  }
  return { fingerprint, measuredAt: new Date().toISOString(), model: CALIBRATION_MODEL, paths };
}
