/**
 * The project data several views show, each loaded through useLoaded (renderer/src/loaded.ts), keyed
 * by everything it reads: a sample's spectrum, one stored mode, and the project's analysis/ with the
 * Analyse action that replaces it.
 */
import { useState } from 'react';
import type { AnalysisData, ModeData, SampleSpectrum } from '../../main/ipc/contract';
import { api, errorText } from './api';
import { useLoaded, type Loaded } from './loaded';

/** One sample's spectrum (results.spectrum), loaded once per project folder and sample; missing ids load nothing. */
export function useSampleSpectrum(dir: string | undefined, sampleId: string | undefined): Loaded<SampleSpectrum> | undefined {
  return useLoaded(dir && sampleId ? `${dir}|${sampleId}` : null, () => api.results.spectrum({ dir: dir!, sampleId: sampleId! }), errorText);
}

/** One stored mode of a sample (results.mode); an undefined index loads nothing. */
export function useModeData(dir: string | undefined, sampleId: string | undefined, index: number | undefined): Loaded<ModeData> | undefined {
  return useLoaded(dir && sampleId && index !== undefined ? `${dir}|${sampleId}|${index}` : null, () => api.results.mode({ dir: dir!, sampleId: sampleId!, index: index! }), errorText);
}

export interface ProjectAnalysis {
  /** analysis/ as read (or as the last Analyse made it); null: never analysed; undefined: still reading. */
  analysis: AnalysisData | null | undefined;
  /** Why reading analysis/, or the last Analyse, failed. */
  error?: string;
  analysing: boolean;
  /** results.analyze: analyses the project again; its result replaces what was read. */
  analyse: () => Promise<void>;
}

/** A project's analysis/ (results.analysis), and Analyse (results.analyze) that writes it anew. */
export function useProjectAnalysis(dir: string): ProjectAnalysis {
  const read = useLoaded(dir, () => api.results.analysis({ dir }), errorText);
  const [made, setMade] = useState<{ dir: string; analysis?: AnalysisData; error?: string }>();
  const [analysing, setAnalysing] = useState(false);
  const mine = made?.dir === dir ? made : undefined;
  const analyse = async () => {
    setAnalysing(true);
    setMade((m) => ({ dir, analysis: m?.dir === dir ? m.analysis : undefined })); // a new try: no error until it fails
    try {
      const analysis = await api.results.analyze({ dir });
      setMade({ dir, analysis });
    } catch (e) {
      const error = errorText(e);
      setMade((m) => ({ dir, analysis: m?.dir === dir ? m.analysis : undefined, error }));
    } finally {
      setAnalysing(false);
    }
  };
  return { analysis: mine?.analysis ?? read?.value, error: mine ? mine.error : read?.error, analysing, analyse };
}
