/**
 * The analysis/ side of a project folder: loads the finished samples as the engine's
 * SampleInput, and writes every plotted series as CSV (header: names and units) plus
 * summary.json, atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEnsemble, type AnalysisOptions, type AnalysisProgress, type AnalysisSummary, type EnsembleAnalysis, type SampleInput } from '../analysis/ensemble';
import { seriesFromCsv, seriesToCsv, type Series } from '../analysis/series';
import { APP_VERSION } from '../version';
import { readExtxyz, readNpy, writeFileAtomic, writeJsonAtomic } from './files';
import { assertSettingsUnchanged, ProjectError, projectStatus, sampleDir, type ProjectFile } from './project';

export interface LoadedEnsemble {
  project: ProjectFile;
  samples: SampleInput[];
  /** Samples that are not finished (not analysed). */
  missing: string[];
}

/** The finished samples of a project (inherent structure and spectrum on disk), or only those named. */
export function loadEnsemble(dir: string, only?: string[]): LoadedEnsemble {
  const { project, samples: all } = projectStatus(dir);
  if (!project.settings.spectrum.enabled) throw new ProjectError(`${dir}: this project was created with the spectrum stage off (--no-spectrum), so there is nothing to analyse`);
  for (const id of only ?? []) if (!all.some((s) => s.id === id)) throw new ProjectError(`${id} is not a sample of ${project.name}`);
  const samples = only ? all.filter((s) => only.includes(s.id)) : all;
  assertSettingsUnchanged(dir, samples);
  // A damaged sample is never left out silently: the analysis is refused, naming each and what to do.
  const damaged = samples.filter((s) => s.state === 'damaged');
  if (damaged.length) {
    throw new ProjectError(
      `${damaged.length} sample(s) of ${dir} are damaged, so nothing was analysed:\n${damaged.map((s) => `  ${s.id}: ${s.damage!.file}: ${s.damage!.reason}`).join('\n')}\n` +
        `recompute them with glassmodes run ${dir} --redo ${damaged.map((s) => s.id).join(',')} (or restore the files from a backup)`,
    );
  }
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
      modes: existsSync(modesPath) ? finiteOrRefuse(readNpy(modesPath).data, `samples/${s.id}/modes.npy`, dir, s.id) : null,
    };
  });
  return { project, samples: loaded, missing };
}

/** The data, if every value is finite; else a ProjectError naming the file (shape and the rest are checked in sampleStatus). */
function finiteOrRefuse(data: Float64Array, file: string, dir: string, id: string): Float64Array {
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) throw new ProjectError(`${file} is damaged: value ${k} is ${data[k]}; recompute it with glassmodes run ${dir} --redo ${id}`);
  }
  return data;
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

/** summary.json as written by `writeAnalysis`: the summary plus where it came from. */
export type StoredSummary = AnalysisSummary & {
  provenance: { computedBy: string; date: string; samples: string[]; notAnalysed: string[]; options: unknown; series: Record<string, string> };
};

/**
 * analysis/ read back: summary.json and every series it lists (analysis/<name>.csv). null when the
 * project was never analysed; a ProjectError naming the file when one is missing or malformed.
 */
export function readAnalysis(dir: string): { series: Series[]; summary: StoredSummary } | null {
  const folder = join(dir, 'analysis');
  const summaryPath = join(folder, 'summary.json');
  if (!existsSync(summaryPath)) return null;
  let summary: StoredSummary;
  try {
    summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as StoredSummary;
  } catch (error) {
    throw new ProjectError(`${summaryPath} is not valid JSON (${(error as Error).message}): run glassmodes analyze ${dir} again`);
  }
  if (!summary?.provenance?.series || typeof summary.provenance.series !== 'object') {
    throw new ProjectError(`${summaryPath} has no provenance.series list: it was not written by glassmodes analyze; run it again`);
  }
  const series = Object.entries(summary.provenance.series).map(([name, description]) => {
    const path = join(folder, `${name}.csv`);
    if (!existsSync(path)) throw new ProjectError(`${path} is missing although summary.json lists it: run glassmodes analyze ${dir} again`);
    try {
      return seriesFromCsv(name, description, readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ProjectError(`${path}: ${(error as Error).message}`);
    }
  });
  return { series, summary };
}

/**
 * `glassmodes analyze` and the app's Analyse: the finished samples of a project through
 * analyzeEnsemble, written to analysis/. Refuses a project with no finished sample.
 */
export function analyzeProjectFolder(dir: string, options: AnalysisOptions = {}, log: (line: string) => void = () => {}, onProgress?: AnalysisProgress): EnsembleAnalysis {
  onProgress?.(0, 'reading the finished samples');
  const ensemble = loadEnsemble(dir);
  if (ensemble.samples.length === 0) throw new ProjectError(`${dir} has no finished samples yet (${ensemble.missing.length} pending): run glassmodes run ${dir} first`);
  if (ensemble.missing.length) log(`note: ${ensemble.missing.length} sample(s) not finished and not analysed: ${ensemble.missing.join(', ')}`);
  const analysis = analyzeEnsemble(ensemble.samples, options, onProgress);
  const files = writeAnalysis(dir, ensemble, analysis, options);
  log(`wrote ${files.length} files to ${dir}/analysis`);
  return analysis;
}
