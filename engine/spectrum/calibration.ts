/**
 * `backend: auto` by measurement, not by presence (issue 15 item 6; docs/SPECTRUM.md "auto").
 *
 * A calibration times every full-spectrum path that can run here — the float64 dense reference and
 * each available gpu.js backend (float32 Jacobi on the device + float64 refinement) — on two small
 * probe glasses, and fits each path's cost t(n) = a + b n³ (n = dN: both the dense reduction and a
 * Jacobi sweep are O(n³); the constant a is the launch and transfer overhead that dominates a GPU at
 * small n). `auto` then takes the path with the least predicted time at the project's n, and a device
 * path only where its prediction beats the reference's: a path slower than the float64 CPU one is
 * never chosen unless asked for by name. A device path already slower at the small probe than the
 * reference at the large one is excluded there and then (its second probe is not run: on webasm/cpu
 * it would take minutes), and says so.
 *
 * Pure: the probes are timed by engine/pipeline/spectrumCalibration.ts, and the cache (one file per
 * machine and version) is engine/io/spectrumCalibration.ts.
 */
import type { DeviceBackend } from '../compute/device';

export type SpectrumPath = 'reference' | DeviceBackend;

/** Bump when a path's algorithm changes, so that cached calibrations are redone. */
export const CALIBRATION_MODEL = 1;

export interface PathTiming {
  path: SpectrumPath;
  /** Wall seconds of one full spectrum (Hessian, diagonalisation, refinement, zero modes) per probe size. */
  probes: { dof: number; seconds: number }[];
  /** Why this path is never chosen (slower than the reference already at the small probe, or it failed). */
  excluded?: string;
}

export interface SpectrumCalibration {
  /** What the calibration is valid for (machine, runtime, version; engine/io makes it). */
  fingerprint: string;
  measuredAt: string;
  model: number;
  paths: PathTiming[];
}

export interface CalibratedChoice {
  backend: SpectrumPath;
  why: string;
  /** Predicted seconds at the asked n, per calibrated path (absent for excluded ones). */
  predicted: Partial<Record<SpectrumPath, number>>;
}

/**
 * The cost model t(n) = a + b n³ through a path's two probes (b ≥ 0, a ≥ 0); with one probe,
 * t(n) = t₁ (n/n₁)³. NaN for a path without probes.
 */
export function predictSeconds(timing: PathTiming, dof: number): number {
  const p = [...timing.probes].sort((x, y) => x.dof - y.dof);
  if (p.length === 0) return NaN;
  if (p.length === 1) return p[0].seconds * (dof / p[0].dof) ** 3;
  const [s, l] = [p[0], p[p.length - 1]];
  const b = Math.max(0, (l.seconds - s.seconds) / (l.dof ** 3 - s.dof ** 3));
  const a = Math.max(0, l.seconds - b * l.dof ** 3);
  return a + b * dof ** 3;
}

/** The path `auto` takes at n = dof from a calibration: the fastest predicted, a device path only where it beats the reference. */
export function chooseByCalibration(calibration: SpectrumCalibration, dof: number): CalibratedChoice {
  const predicted: Partial<Record<SpectrumPath, number>> = {};
  for (const t of calibration.paths) if (!t.excluded && t.probes.length >= 2) predicted[t.path] = predictSeconds(t, dof);
  const reference = predicted.reference;
  if (reference === undefined) throw new RangeError('a spectrum calibration must time the float64 reference at both probes');
  let best: SpectrumPath = 'reference';
  for (const [path, seconds] of Object.entries(predicted) as [SpectrumPath, number][]) {
    if (path !== 'reference' && seconds < predicted[best]!) best = path;
  }
  const excluded = calibration.paths.filter((t) => t.excluded).map((t) => `${t.path} (${t.excluded})`);
  const others = (Object.entries(predicted) as [SpectrumPath, number][]).filter(([p]) => p !== best).map(([p, s]) => `${p} ${s.toPrecision(2)} s`);
  const why =
    `auto, calibrated on this machine (${calibration.measuredAt}): ${best} predicted ${predicted[best]!.toPrecision(2)} s at dN = ${dof}` +
    (others.length ? `; ${others.join(', ')}` : '') +
    (excluded.length ? `; not considered: ${excluded.join('; ')}` : '');
  return { backend: best, why, predicted };
}
