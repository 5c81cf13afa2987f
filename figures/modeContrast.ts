/**
 * The reference a sample's modes are compared with — the stored modes of a T* = ∞ project of the
 * same model — and each stored mode's localisation contrast against it (engine/analysis/
 * modeIndicators.ts localisationContrast), for the sample-modes figure and the Modes view. Zero
 * modes (SampleSpectrum.zeroModes, identifyZeroModes) and unstable modes get none.
 */
import type { AnalysisData, SampleSpectrum } from '../main/ipc/contract';
import { localisationContrast, type LocalisationContrast } from '../engine/analysis/modeIndicators';
import { column, hasSeries, seriesNamed } from './analysisData';

/** The stored modes of a T* = ∞ project (its analysis/modes.csv): what a mode is compared with. */
export interface ReferenceModes {
  name: string;
  omega: number[];
  participation: number[];
}

/**
 * The reference modes `candidate` offers for `shown`: a T* = ∞ project of the same model (d, N,
 * potential, taper) with stored modes, or the reason it is none.
 */
export function referenceModes(candidate: AnalysisData, shown: { dim: number; particles: number; potential: string; taper: number | 'inf' }): { reference: ReferenceModes } | { reason: string } {
  const c = candidate.summary;
  if (c.parentTemperature !== 'inf') return { reason: `${candidate.name} is not a T* = ∞ ensemble` };
  if (c.dim !== shown.dim || c.particles !== shown.particles || c.potential !== shown.potential || c.taper !== shown.taper) return { reason: `${candidate.name} is another model (d, N, potential or taper differ)` };
  if (!hasSeries(candidate, 'modes')) return { reason: `${candidate.name} stores no modes (analysis/modes.csv)` };
  const modes = seriesNamed(candidate, 'modes');
  const omega = column(modes, 'omega').values;
  const participation = column(modes, 'participation_ratio').values;
  return { reference: { name: candidate.name, omega, participation } };
}

/** The contrast of each stored mode of the sample; null for the zero modes and for unstable (imaginary) ones. */
export function modeContrasts(spectrum: SampleSpectrum, reference: ReferenceModes): (LocalisationContrast | null)[] {
  const zero = new Set(spectrum.zeroModes);
  return Array.from({ length: spectrum.storedModes }, (_, k) => {
    const omega = spectrum.frequencies[k];
    if (zero.has(k) || omega === null) return null;
    return localisationContrast(omega, spectrum.participation[k], reference.omega, reference.participation);
  });
}

