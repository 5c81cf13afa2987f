import type { SampleSpectrum } from '../../main/ipc/contract';
import { api, errorText } from './api';
import { useLoaded, type Loaded } from './loaded';

/** One sample's spectrum (results.spectrum), loaded once per project folder and sample; null ids load nothing. */
export function useSampleSpectrum(dir: string | undefined, sampleId: string | undefined): Loaded<SampleSpectrum> | undefined {
  return useLoaded(dir && sampleId ? `${dir}|${sampleId}` : null, () => api.results.spectrum({ dir: dir!, sampleId: sampleId! }), errorText);
}
