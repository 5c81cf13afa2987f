import type { SampleSpectrum } from '../../main/ipc/contract';

/** The first stored mode that is not a translational zero mode (the mode a view opens on), or undefined. */
export function firstNonZeroStoredMode(spectrum: Pick<SampleSpectrum, 'storedModes' | 'zeroModes'>): number | undefined {
  for (let k = 0; k < spectrum.storedModes; k++) if (!spectrum.zeroModes.includes(k)) return k;
  return undefined;
}
