/**
 * The analysis/ side of a project folder: loads the finished samples as the engine's
 * SampleInput, and writes every plotted series as CSV (header: names and units) plus
 * summary.json, replacing analysis/ as a whole (see ANALYSIS_LINK).
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { AnalysisOptions, AnalysisProgress, AnalysisSummary, SampleInput } from '../analysis/ensemble';
import { analyzeEnsemble, type EnsembleAnalysis } from '../products/ensembleSeries';
import { seriesFromCsv, seriesToCsv, type Series } from '../series';
import { APP_VERSION } from '../version';
import { readExtxyz, readNpy, sweepTempFiles, writeFileAtomic, writeJsonAtomic } from './files';
import { faultPoint } from './faults';
import { storedElasticity } from './elasticityRecord';
import { sweepProjectTempFiles } from './sweep';
import { acquireLock, assertSettingsUnchanged, describeHolder, ProjectError, projectStatus, readLock, sampleDir, type ProjectFile } from './project';

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
    const moduli = storedElasticity(folder, s.meta);
    return {
      id: s.id,
      settings: project.settings,
      positions: config.positions,
      diameters: config.diameters,
      eigenvalues: eigen.data,
      modes: existsSync(modesPath) ? finiteOrRefuse(readNpy(modesPath).data, `samples/${s.id}/modes.npy`, dir, s.id) : null,
      ...(moduli ? { moduli } : {}),
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

/**
 * analysis/ is replaced as a whole (docs/PROJECT_FORMAT.md "analysis/"): every analysis is written
 * into a fresh version folder .analysis/<id>/, and `analysis` is a relative symbolic link to it,
 * swapped by renaming a new link over the old one (rename(2) is atomic), so a reader who resolves
 * the link once sees one complete version, old or new, never a mix; the version it left is removed
 * after the swap, and a reader who finds it gone resolves the link again. A project made before
 * this has a real analysis/ folder: the first analysis moves it into .analysis/ and links the new
 * version in its place — the one moment (two renames apart) when `analysis` does not exist;
 * readers then take the newest complete version in .analysis/, and the next analysis or run
 * repairs the link. On Windows, where a link cannot be renamed over another, analysis/ stays a
 * real folder and every swap is those two renames. Writers hold the lock .analysis/.lock.
 */
export const ANALYSIS_LINK = 'analysis';
export const ANALYSIS_STORE = '.analysis';
/** The name a pre-existing analysis/ folder (or, on Windows, the version replaced) gets in .analysis/: older than any version. */
const OLD_VERSION = '0000000000000-old';
const LINK_TEMP = /^\.analysis\.link\.\d+\.\d+\.tmp$/;
const POSIX_LINK = process.platform !== 'win32';

/** The folder whose .lock guards writes to analysis/ (`info` shows who holds it). */
export function analysisLockFolder(dir: string): string {
  return join(dir, ANALYSIS_STORE);
}

const isComplete = (folder: string) => existsSync(join(folder, 'summary.json')); // written last

/**
 * The folder that holds a project's current analysis: the target of the `analysis` link (or the
 * folder itself, before the first swap or on Windows); in the moment of a first swap (or after a
 * kill in it) the newest complete version in .analysis/. null when the project was never analysed.
 */
export function currentAnalysisFolder(dir: string): string | null {
  try {
    return realpathSync(join(dir, ANALYSIS_LINK));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const store = join(dir, ANALYSIS_STORE);
  let names: string[];
  try {
    names = readdirSync(store);
  } catch {
    return null;
  }
  if (!names.includes(OLD_VERSION)) return null; // not in a swap: the link was removed, so never analysed
  const complete = names.filter((n) => /^\d{13}-/.test(n) && isComplete(join(store, n))).sort();
  return complete.length ? join(store, complete[complete.length - 1]) : null;
}

/**
 * Under the analysis lock: makes `analysis` point at a complete version again after a kill between
 * the two renames of a first swap, and removes every version but the current one (a killed
 * writer's staging folder, or the old version a killed writer did not get to remove) and stale
 * link temporaries. Returns the paths removed.
 */
function sweepAnalysisStore(dir: string, log: (line: string) => void): string[] {
  const store = join(dir, ANALYSIS_STORE);
  const link = join(dir, ANALYSIS_LINK);
  const removed: string[] = [];
  if (!existsSync(link)) {
    const newest = currentAnalysisFolder(dir);
    if (newest) {
      swapIn(dir, basename(newest));
      log(`analysis/ restored to ${relative(dir, newest)} after an interrupted analysis`);
    }
  }
  const current = existsSync(link) ? realpathSync(link) : null;
  for (const name of readdirSync(store)) {
    if (name === '.lock' || name === '.lock.takeover') continue;
    const path = join(store, name);
    if (current !== null && realpathSync(path) === current) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  for (const name of readdirSync(dir)) {
    if (!LINK_TEMP.test(name)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  if (current) removed.push(...sweepTempFiles(current).map((n) => join(current, n)));
  if (removed.length) log(`removed what interrupted analyses left: ${removed.map((p) => relative(dir, p)).join(', ')}`);
  return removed;
}

/** Puts version .analysis/<id> in place as `analysis`: one rename (two, the first time or on Windows). */
function swapIn(dir: string, id: string): void {
  const link = join(dir, ANALYSIS_LINK);
  const store = join(dir, ANALYSIS_STORE);
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(link);
  } catch {
    existing = undefined;
  }
  if (!POSIX_LINK) {
    if (existing) {
      rmSync(join(store, OLD_VERSION), { recursive: true, force: true });
      renameSync(link, join(store, OLD_VERSION));
    }
    faultPoint('analysis-swap-gap');
    renameSync(join(store, id), link);
    return;
  }
  const temp = join(dir, `.analysis.link.${process.pid}.${Date.now()}.tmp`);
  symlinkSync(join(ANALYSIS_STORE, id), temp);
  if (existing?.isDirectory()) {
    // A real analysis/ folder (a project from before, or made by `new`): moved aside, kept as the old version until the link is in.
    if (readdirSync(link).length === 0) rmdirSync(link);
    else {
      rmSync(join(store, OLD_VERSION), { recursive: true, force: true });
      renameSync(link, join(store, OLD_VERSION));
    }
    faultPoint('analysis-swap-gap');
  }
  renameSync(temp, link);
}

function fsyncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported here (Windows): the renames still order the files */
  }
}

/**
 * Removes what killed analyses left (stale version folders, link temporaries) when no analysis is
 * running, and repairs an interrupted first swap: for `run` and `analyze`.
 */
export function sweepAnalysis(dir: string, log: (line: string) => void = () => {}): string[] {
  const store = join(dir, ANALYSIS_STORE);
  if (!existsSync(store) && !readdirSync(dir).some((n) => LINK_TEMP.test(n))) return [];
  const release = acquireLock(store, { onTakeover: log });
  if (!release) return [];
  try {
    return sweepAnalysisStore(dir, log);
  } finally {
    release();
  }
}

/**
 * Writes analysis/<series>.csv for every series and analysis/summary.json with provenance, as one
 * new version swapped in whole (see ANALYSIS_LINK). Refuses while another analysis holds the lock.
 */
export function writeAnalysis(dir: string, ensemble: LoadedEnsemble, analysis: EnsembleAnalysis, options: unknown, log: (line: string) => void = () => {}): string[] {
  const store = join(dir, ANALYSIS_STORE);
  mkdirSync(store, { recursive: true });
  const release = acquireLock(store, { onTakeover: log });
  if (!release) {
    const held = readLock(store);
    throw new ProjectError(`another analysis of ${dir} is writing analysis/ (${held ? describeHolder(held) : 'its lock .analysis/.lock'}); let it finish, or stop it, and analyse again`);
  }
  try {
    sweepAnalysisStore(dir, log);
    const id = `${String(Date.now()).padStart(13, '0')}-${process.pid}`;
    const staging = join(store, id);
    mkdirSync(staging);
    const names: string[] = [];
    for (const series of analysis.series) {
      writeFileAtomic(join(staging, `${series.name}.csv`), seriesToCsv(series));
      names.push(`${series.name}.csv`);
      faultPoint(`analysis-file-${names.length}`);
    }
    writeJsonAtomic(join(staging, 'summary.json'), {
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
    names.push('summary.json');
    fsyncFolder(staging);
    faultPoint('analysis-before-swap');
    swapIn(dir, id);
    fsyncFolder(dir);
    faultPoint('analysis-after-swap');
    // The version replaced (and, the first time, the old analysis/ folder) is no longer current:
    // with the lock held, everything in the store but the new version is.
    for (const name of readdirSync(store)) if (name !== id && name !== '.lock' && name !== '.lock.takeover') rmSync(join(store, name), { recursive: true, force: true });
    return names.map((n) => join(dir, ANALYSIS_LINK, n));
  } finally {
    release();
  }
}

/** summary.json as written by `writeAnalysis`: the summary plus where it came from. */
export type StoredSummary = AnalysisSummary & {
  provenance: { computedBy: string; date: string; samples: string[]; notAnalysed: string[]; options: unknown; series: Record<string, string> };
};

const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Reads files of the current analysis all from one version: `read` gets the version's folder; when
 * a file is gone because a new analysis was swapped in and the old version removed meanwhile, it
 * starts again on the new one. null when the project was never analysed.
 */
function fromOneVersion<T>(dir: string, read: (folder: string) => T | null): T | null {
  for (let attempt = 0; ; attempt++) {
    const folder = currentAnalysisFolder(dir);
    if (folder === null) return null;
    try {
      return read(folder);
    } catch (error) {
      if (!gone(error) || attempt >= 5 || currentAnalysisFolder(dir) === folder) throw error;
    }
  }
}

/**
 * summary.json of the current analysis as stored (no check of its fields), or undefined when the
 * project was never analysed: for readers that need only the summary (`compare`).
 */
export function readAnalysisSummary(dir: string): unknown {
  return (
    fromOneVersion(dir, (folder) => {
      const path = join(folder, 'summary.json');
      if (!existsSync(path) && currentAnalysisFolder(dir) === folder) return null;
      return parseSummary(dir, readFileSync(path, 'utf8'));
    }) ?? undefined
  );
}

/** summary.json's text as JSON; text that is not JSON is a ProjectError naming the file and what to do. */
function parseSummary(dir: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ProjectError(`${join(dir, ANALYSIS_LINK, 'summary.json')} is not valid JSON (${(error as Error).message}): run glassmodes analyze ${dir} again`);
  }
}

/**
 * analysis/ read back: summary.json and every series it lists (analysis/<name>.csv), all from one
 * version. null when the project was never analysed; a ProjectError naming the file when one is
 * missing or malformed.
 */
export function readAnalysis(dir: string): { series: Series[]; summary: StoredSummary } | null {
  return fromOneVersion(dir, (folder) => readAnalysisFolder(dir, folder));
}

function readAnalysisFolder(dir: string, folder: string): { series: Series[]; summary: StoredSummary } | null {
  const summaryPath = join(dir, ANALYSIS_LINK, 'summary.json');
  let text: string;
  try {
    text = readFileSync(join(folder, 'summary.json'), 'utf8');
  } catch (error) {
    if (gone(error) && currentAnalysisFolder(dir) === folder) return null; // an analysis/ folder with no summary: never analysed
    throw error;
  }
  const summary = parseSummary(dir, text) as StoredSummary;
  if (!summary?.provenance?.series || typeof summary.provenance.series !== 'object') {
    throw new ProjectError(`${summaryPath} has no provenance.series list: it was not written by glassmodes analyze; run it again`);
  }
  const series = Object.entries(summary.provenance.series).map(([name, description]) => {
    const path = join(dir, ANALYSIS_LINK, `${name}.csv`);
    let csv: string;
    try {
      csv = readFileSync(join(folder, `${name}.csv`), 'utf8');
    } catch (error) {
      if (gone(error) && currentAnalysisFolder(dir) === folder) throw new ProjectError(`${path} is missing although summary.json lists it: run glassmodes analyze ${dir} again`);
      throw error;
    }
    try {
      return seriesFromCsv(name, description, csv);
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
  sweepProjectTempFiles(dir, ensemble.project, log); // and writeAnalysis sweeps what killed analyses left
  if (ensemble.samples.length === 0) throw new ProjectError(`${dir} has no finished samples yet (${ensemble.missing.length} pending): run glassmodes run ${dir} first`);
  if (ensemble.missing.length) log(`note: ${ensemble.missing.length} sample(s) not finished and not analysed: ${ensemble.missing.join(', ')}`);
  const analysis = analyzeEnsemble(ensemble.samples, options, onProgress);
  const files = writeAnalysis(dir, ensemble, analysis, options, log);
  log(`wrote ${files.length} files to ${dir}/analysis`);
  return analysis;
}
