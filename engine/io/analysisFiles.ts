/**
 * The analysis/ side of a project folder: loads the finished samples as the engine's
 * SampleInput, and writes every plotted series as CSV (header: names and units) plus
 * summary.json, atomically.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EnsembleAnalysis, SampleInput } from '../analysis/ensemble';
import { seriesToCsv } from '../analysis/series';
import { APP_VERSION } from '../version';
import { readExtxyz, readNpy, writeFileAtomic, writeJsonAtomic } from './files';
import { ProjectError, projectStatus, sampleDir, type ProjectFile } from './project';

export interface LoadedEnsemble {
  project: ProjectFile;
  samples: SampleInput[];
  /** Samples that are not finished (not analysed). */
  missing: string[];
}

/** The finished samples of a project (inherent structure and spectrum on disk). */
export function loadEnsemble(dir: string): LoadedEnsemble {
  const { project, samples } = projectStatus(dir);
  if (!project.settings.spectrum.enabled) throw new ProjectError(`${dir}: this project was created with the spectrum stage off (--no-spectrum), so there is nothing to analyse`);
  const done = samples.filter((s) => s.state === 'done');
  const missing = samples.filter((s) => s.state !== 'done').map((s) => s.id);
  const loaded = done.map((s): SampleInput => {
    const folder = sampleDir(dir, s.id);
    const config = readExtxyz(join(folder, 'config.extxyz'));
    const eigen = readNpy(join(folder, 'eigenvalues.npy'));
    const modesPath = join(folder, 'modes.npy');
    return {
      id: s.id,
      settings: project.settings,
      positions: config.positions,
      diameters: config.diameters,
      eigenvalues: eigen.data,
      modes: existsSync(modesPath) ? readNpy(modesPath).data : null,
    };
  });
  return { project, samples: loaded, missing };
}

/** Writes analysis/<series>.csv for every series and analysis/summary.json with provenance. */
export function writeAnalysis(dir: string, ensemble: LoadedEnsemble, analysis: EnsembleAnalysis, options: unknown): string[] {
  const folder = join(dir, 'analysis');
  const written: string[] = [];
  for (const series of analysis.series) {
    const path = join(folder, `${series.name}.csv`);
    writeFileAtomic(path, seriesToCsv(series));
    written.push(path);
  }
  const summaryPath = join(folder, 'summary.json');
  writeJsonAtomic(summaryPath, {
    ...analysis.summary,
    provenance: {
      computedBy: `glassmodes ${APP_VERSION} analyze`,
      date: new Date().toISOString(),
      samples: ensemble.samples.map((s) => s.id),
      notAnalysed: ensemble.missing,
      options,
      series: Object.fromEntries(analysis.series.map((s) => [s.name, s.description])),
    },
  });
  written.push(summaryPath);
  return written;
}
