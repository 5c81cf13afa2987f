/**
 * What the app's views read from a project folder, as plain JSON-ready objects: the analysis/
 * folder, one sample's spectrum with its stored modes' rotational fractions, one mode with its
 * strain and vorticity (docs/PHYSICS.md §5, Eqs. 52–54), and per-particle energy and stress fields. Every
 * number comes from engine/analysis (sampleObservables.ts, analyzeEnsemble); this module only
 * loads files and packs the results (NaN travels as null over JSON).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisOptions } from '../analysis/ensemble';
import { modeObservables, particleObservables, spectrumObservables } from '../analysis/sampleObservables';
import type { Series } from '../series';
import { makeGlass, type Glass } from '../model/glass';
import type { Configuration } from './extxyz';
import type { AnalysisProgress } from '../analysis/ensemble';
import { analyzeEnsemble } from '../products/ensembleSeries';
import { frequencyOf } from '../spectrum/zeroModes';
import { APP_VERSION } from '../version';
import { analyzeProjectFolder, loadEnsemble, readAnalysis, type StoredSummary } from './analysisFiles';
import { readExtxyz, readNpy } from './files';
import { ProjectError, projectStatus, sampleDir, type ProjectFile, type SampleMeta } from './project';
import { storedElasticity } from './elasticityRecord';
import { DEFAULT_MODULI_TOLERANCE } from '../analysis/elasticity';

/** A plotted series over JSON: arrays of numbers, NaN as null. */
export interface SeriesData {
  name: string;
  description: string;
  columns: { name: string; unit: string }[];
  /** One array per column, all of one length. */
  data: (number | null)[][];
}

/** A project's analysis/ folder: every series and summary.json (with its provenance). */
export interface AnalysisData {
  path: string;
  name: string;
  series: SeriesData[];
  summary: StoredSummary;
}

/** One sample's spectrum (eigenvalues.npy, participation.npy) and what its stored modes are. */
export interface SampleSpectrum {
  sampleId: string;
  dim: number;
  particles: number;
  /** All dN eigenvalues λ_k, ascending. */
  eigenvalues: number[];
  /** ω_k = √λ_k; null where λ_k < 0. */
  frequencies: (number | null)[];
  /** Indices of the d translational zero modes (docs/PHYSICS.md §4). */
  zeroModes: number[];
  /** Participation ratio of every mode (docs/PHYSICS.md §5). */
  participation: number[];
  /** Eigenvectors stored in modes.npy: the lowest `storedModes` indices. */
  storedModes: number;
  /** Rotational fraction of each stored mode (docs/PHYSICS.md §5, Eqs. 52–54); null where undetermined. */
  rotationalFraction: (number | null)[];
  /** ω_0 = 2π v_T / L of this sample (docs/PHYSICS.md §5). */
  omega0: number;
}

/** One stored mode with its geometry, for the Modes view. */
export interface ModeData {
  sampleId: string;
  /** Index into the ascending eigenvalue list (0-based; the zero modes come first). */
  index: number;
  dim: number;
  side: number;
  positions: number[];
  diameters: number[];
  eigenvalue: number;
  /** √λ, null for λ < 0. */
  omega: number | null;
  participation: number;
  /** null where undetermined (no particle with a determined gradient). */
  rotationalFraction: number | null;
  /** The unit eigenvector, dN components (particle-major). */
  displacement: number[];
  /** Per-particle vorticity η = ½∇×u: 3 components per particle in 3D, 1 in 2D (null where undetermined). */
  vorticity: (number | null)[];
  vorticityComponents: number;
  /** Per-particle strain magnitude ‖ε‖ (Frobenius), null where undetermined. */
  strain: (number | null)[];
  /** Coarse-grained vorticity on a periodic grid (coarseGrainedVorticity). */
  grid: { nodes: number; spacing: number; components: number; values: number[] };
}

/** Per-particle fields of an inherent structure, for colouring the configuration. */
export interface ParticleFields {
  sampleId: string;
  /** Local energy e_i = ½ Σ_j φ(r_ij) (particleEnergies), ε; sums to V. */
  energy: number[];
  /** Local pressure p_i = −(1/d) tr σ_i, σ_i = ½ Σ_j r φ'(r) ê ê (no volume factor), ε. */
  pressure: number[];
  /** Local shear stress ‖dev σ_i‖ (Frobenius), ε. */
  shearStress: number[];
}

/** Default grid spacing of the coarse-grained vorticity, in mean diameters. */
export const DEFAULT_VORTICITY_SPACING = 1;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const json = (values: ArrayLike<number>): (number | null)[] => Array.from(values, finiteOrNull);

export function seriesData(series: Series): SeriesData {
  return { name: series.name, description: series.description, columns: series.columns, data: series.data.map(json) };
}

/** analysis/ as on disk; null when the project was never analysed. */
export function analysisData(dir: string): AnalysisData | null {
  const stored = readAnalysis(dir);
  if (!stored) return null;
  const { project } = projectStatus(dir);
  return { path: dir, name: project.name, series: stored.series.map(seriesData), summary: stored.summary };
}

/** Runs the analysis (analyzeProjectFolder, as `glassmodes analyze`) and returns analysis/ as written. */
export function analyzeAndRead(dir: string, options: AnalysisOptions = {}, onProgress?: AnalysisProgress): AnalysisData {
  analyzeProjectFolder(dir, options, undefined, onProgress);
  return analysisData(dir)!;
}

/**
 * The observables of one sample alone (analyzeEnsemble on that sample), computed in memory and not
 * written: what the Spectra view shows when a user looks at a single sample instead of the ensemble.
 */
export function sampleAnalysis(dir: string, sampleId: string, options: AnalysisOptions = {}, onProgress?: AnalysisProgress): AnalysisData {
  const ensemble = loadEnsemble(dir, [sampleId]);
  if (ensemble.samples.length === 0) throw new ProjectError(`${sampleId} has not finished yet: run the project first`);
  const analysis = analyzeEnsemble(ensemble.samples, options, onProgress);
  const summary: StoredSummary = {
    ...analysis.summary,
    provenance: {
      computedBy: `glassmodes ${APP_VERSION}: one sample, in memory (not written to analysis/)`,
      date: new Date().toISOString(),
      samples: [sampleId],
      notAnalysed: [],
      options,
      series: Object.fromEntries(analysis.series.map((s) => [s.name, s.description])),
    },
  };
  return { path: dir, name: `${ensemble.project.name} · ${sampleId}`, series: analysis.series.map(seriesData), summary };
}

interface LoadedSample {
  project: ProjectFile;
  folder: string;
  config: Configuration;
  glass: Glass;
  meta?: SampleMeta;
}

function loadSample(dir: string, sampleId: string): LoadedSample {
  const { project, samples } = projectStatus(dir);
  const status = samples.find((s) => s.id === sampleId);
  if (!status) throw new ProjectError(`${sampleId} is not a sample of ${project.name}`);
  if (status.state === 'damaged') throw new ProjectError(`${sampleId}: ${status.error}`);
  const folder = sampleDir(dir, sampleId);
  const configPath = join(folder, 'config.extxyz');
  if (!existsSync(configPath)) throw new ProjectError(`${sampleId} has no inherent structure yet (${status.state}): run the project first`);
  const config = readExtxyz(configPath);
  return { project, folder, config, glass: makeGlass(project.settings.model, config.diameters), meta: status.meta };
}

function readSpectrumFile(sample: LoadedSample, sampleId: string, file: string): Float64Array {
  const path = join(sample.folder, file);
  if (!existsSync(path)) {
    const why = sample.project.settings.spectrum.enabled ? 'its spectrum stage has not run yet' : 'the project was created with the spectrum stage off (--no-spectrum)';
    throw new ProjectError(`${sampleId} has no ${file}: ${why}`);
  }
  return readNpy(path).data;
}

/**
 * A sample's spectrum summary is kept per process, keyed by the sizes and times of the files it is
 * computed from: the rotational fractions of the stored modes, and — for a sample whose meta.json
 * has no elasticity section (a project made before the run stored the moduli) — ω_0 from four
 * conjugate-gradient solves with H (~5 min at N = 10^5 in 3D), which the Modes view would otherwise
 * redo on every open.
 */
const spectrumCache = new Map<string, { stamp: string; value: SampleSpectrum }>();
const SPECTRUM_CACHE_SIZE = 16;

function filesStamp(folder: string, files: string[]): string {
  return files
    .map((f) => {
      const path = join(folder, f);
      if (!existsSync(path)) return `${f}:-`;
      const st = statSync(path);
      return `${f}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
}

/** One sample's spectrum, its participation ratios, the rotational fraction of its stored modes, and ω_0. */
export function sampleSpectrum(dir: string, sampleId: string): SampleSpectrum {
  const key = `${dir}\u0000${sampleId}`;
  const stamp = filesStamp(sampleDir(dir, sampleId), ['config.extxyz', 'eigenvalues.npy', 'participation.npy', 'modes.npy', 'meta.json']);
  const cached = spectrumCache.get(key);
  if (cached && cached.stamp === stamp) return cached.value;
  const value = computeSampleSpectrum(dir, sampleId);
  spectrumCache.delete(key);
  spectrumCache.set(key, { stamp, value });
  while (spectrumCache.size > SPECTRUM_CACHE_SIZE) spectrumCache.delete(spectrumCache.keys().next().value!);
  return value;
}

function computeSampleSpectrum(dir: string, sampleId: string): SampleSpectrum {
  const sample = loadSample(dir, sampleId);
  const { glass, config } = sample;
  const eigenvalues = readSpectrumFile(sample, sampleId, 'eigenvalues.npy');
  const participation = readSpectrumFile(sample, sampleId, 'participation.npy');
  const modes = readSpectrumFile(sample, sampleId, 'modes.npy');
  // ω_0 from the moduli the run stored (meta.json's elasticity); computed here only for a sample without them.
  const o = spectrumObservables(glass, config.positions, eigenvalues, modes, storedElasticity(sample.folder, sample.meta, DEFAULT_MODULI_TOLERANCE));
  return {
    sampleId,
    dim: glass.box.dim,
    particles: config.diameters.length,
    eigenvalues: Array.from(eigenvalues),
    frequencies: json(o.frequencies),
    zeroModes: o.zeroModes,
    participation: Array.from(participation),
    storedModes: o.storedModes,
    rotationalFraction: json(o.rotationalFraction),
    omega0: o.omega0,
  };
}

/** One stored mode: its displacement field, per-particle strain and vorticity, and the coarse-grained vorticity. */
export function modeData(dir: string, sampleId: string, index: number, gridSpacing = DEFAULT_VORTICITY_SPACING): ModeData {
  const sample = loadSample(dir, sampleId);
  const { glass, config } = sample;
  const eigenvalues = readSpectrumFile(sample, sampleId, 'eigenvalues.npy');
  const modes = readSpectrumFile(sample, sampleId, 'modes.npy');
  const dn = config.positions.length;
  const stored = Math.floor(modes.length / dn);
  if (!Number.isInteger(index) || index < 0 || index >= stored) {
    throw new ProjectError(`mode ${index} of ${sampleId} has no stored eigenvector: modes.npy holds the lowest ${stored} (0 to ${stored - 1}); raise --modes to store more`);
  }
  const o = modeObservables(glass, config.positions, modes, index, gridSpacing);
  const lambda = eigenvalues[index];
  return {
    sampleId,
    index,
    dim: glass.box.dim,
    side: glass.box.side,
    positions: Array.from(config.positions),
    diameters: Array.from(config.diameters),
    eigenvalue: lambda,
    omega: finiteOrNull(frequencyOf(lambda)),
    participation: o.participation,
    rotationalFraction: finiteOrNull(o.rotationalFraction),
    displacement: Array.from(modes.subarray(index * dn, (index + 1) * dn)),
    vorticity: json(o.strainVorticity.vorticity),
    vorticityComponents: o.strainVorticity.vorticityComponents,
    strain: json(o.strain),
    grid: { nodes: o.grid.nodes, spacing: o.grid.spacing, components: o.grid.components, values: Array.from(o.grid.values) },
  };
}

/** Local energy, pressure and shear stress of every particle of a sample's inherent structure. */
export function particleFields(dir: string, sampleId: string): ParticleFields {
  const { glass, config } = loadSample(dir, sampleId);
  const o = particleObservables(glass, config.positions);
  return { sampleId, energy: Array.from(o.energy), pressure: Array.from(o.pressure), shearStress: Array.from(o.shearStress) };
}
