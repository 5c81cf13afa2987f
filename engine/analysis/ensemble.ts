/**
 * The observables of docs/PHYSICS.md §5 over an ensemble of inherent structures, as numbers: the
 * summary (what summary.json holds) and the curves behind every plotted series. Pure: samples in,
 * numbers out; every statistic comes from the one engine function named for it. Naming the
 * series, their columns and units, and the files, is engine/products/ensembleSeries.ts
 * (analyzeEnsemble).
 */
import { contacts, makeGlass, totalEnergy } from '../model/glass';
import { boxSide, type ProjectSettings, type Taper } from '../model/settings';
import { ensembleIntegratedDos, densityOfStates, lowFrequencyExponent, pooledFrequencies, reducedDos, type ExponentEstimate } from './dos';
import { DEFAULT_MODULI_TOLERANCE, elasticModuli, lowestPhononFrequency, transverseSoundSpeed, type ElasticModuli } from './elasticity';
import { linearEdges, logEdges, meanAndError, meanWithError } from './histogram';
import { GOE_MEAN_RATIO, POISSON_MEAN_RATIO, atasSurmise, levelSpacingRatios, meanRatioTilde, poissonRatioDensity, ratioHistogram, ratioWindows, type RatioWindowName } from './levelSpacing';
import { gradientNeighbours, modeRotationalFractions } from './modeGeometry';
import { storedNonZeroModes } from './modeContrast';
import { lowStressSlope, offDiagonalStressMagnitudes, pairStresses, predictedStressExponent, radialStressMagnitudes, stressDistribution, type SlopeFit } from './stress';
import { matchAmplitude, typeTwoSpectrum } from '../theory/ghet';
import { tableOne, type TableOneRow } from '../theory/tableOne';
import { nonZeroSpectrum } from '../spectrum/zeroModes';

export interface SampleInput {
  /**
   * Hessian eigenvalues, ascending (eigenvalues.npy): all dN, or — a partial spectrum from
   * spectrum.method 'lowest' — the d translations and the K lowest non-zero ones. Partial samples
   * enter F(ω) normalised by the dN − d non-zero modes there are, and only below their highest
   * stored frequency; band-wide statistics use the full samples only ("needs the full spectrum").
   */
  eigenvalues: Float64Array;
  /** The lowest K eigenvectors row by row, K × dN (modes.npy), if stored. */
  modes?: Float64Array | null;
  positions: Float64Array;
  diameters: Float64Array;
  settings: ProjectSettings;
  id?: string;
  /**
   * The moduli of this configuration as computed at run time (meta.json's elasticity section) and
   * the CG tolerance they were computed with: used when that is the tolerance asked, else computed.
   */
  moduli?: ElasticModuli & { tolerance: number };
}

export interface AnalysisOptions {
  /** Linear DOS bins (default 60) and logarithmic DOS bins (default 40). */
  dosBins?: number;
  logDosBins?: number;
  /** Fit window of s, [ω_lo, ω_hi]; default automatic below ω_0. */
  exponentWindow?: [number, number];
  bootstrapResamples?: number;
  /** Seed of the bootstrap (default: the project seed). */
  seed?: number;
  /** Confidence level of the s interval (default 0.95). */
  level?: number;
  /** Level-spacing windows: lowest/highest width (default 50), middle width (default the same). */
  ratioEdgeWidth?: number;
  ratioMiddleWidth?: number;
  ratioBins?: number;
  ratioMax?: number;
  stressBins?: number;
  /** Stress-slope windows [σ_lo, σ_hi]; default automatic (see lowStressSlope). */
  offDiagonalWindow?: [number, number];
  radialWindow?: [number, number];
  /** GHET ζ of σ = λζ (default 1). */
  zeta?: number;
  /** CG tolerance of the moduli (default 1e-14). */
  moduliTolerance?: number;
}

/** Bounds of the analysis options (issue 12, item 5): what a value outside them would make of the result. */
export const ANALYSIS_OPTION_BOUNDS = {
  bootstrapResamples: [10, 100_000] as const,
  bins: [1, 10_000] as const,
  ratioWidth: 3,
} as const;

/** An analysis option outside its bounds: names the option (AnalysisOptions key) and why. */
export class AnalysisOptionError extends RangeError {
  constructor(
    readonly option: keyof AnalysisOptions,
    message: string,
  ) {
    super(message);
    this.name = 'AnalysisOptionError';
  }
}

/**
 * The one gate of the analysis options (CLI, app and analyzeEnsemble): throws an
 * AnalysisOptionError for a value that would give an empty, degenerate or unbounded result.
 */
export function checkAnalysisOptions(options: AnalysisOptions): void {
  const fail = (option: keyof AnalysisOptions, message: string): never => {
    throw new AnalysisOptionError(option, message);
  };
  const integerIn = (option: keyof AnalysisOptions, lo: number, hi: number, why: string) => {
    const x = options[option];
    if (x !== undefined && !(typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi)) fail(option, `${option} must be an integer in [${lo}, ${hi}], got ${x}: ${why}`);
  };
  const [bLo, bHi] = ANALYSIS_OPTION_BOUNDS.bootstrapResamples;
  integerIn('bootstrapResamples', bLo, bHi, `fewer than ${bLo} resamples give no confidence interval (0 gives an empty one), more than ${bHi} only take longer`);
  const [lo, hi] = ANALYSIS_OPTION_BOUNDS.bins;
  for (const option of ['dosBins', 'logDosBins', 'ratioBins', 'stressBins'] as const) integerIn(option, lo, hi, 'a histogram needs at least one bin');
  const w = ANALYSIS_OPTION_BOUNDS.ratioWidth;
  integerIn('ratioEdgeWidth', w, 1e9, `a level-spacing ratio needs ${w} consecutive levels, so a window narrower than ${w} holds none`);
  integerIn('ratioMiddleWidth', w, 1e9, `a level-spacing ratio needs ${w} consecutive levels, so a window narrower than ${w} holds none`);
  const window = (option: 'exponentWindow' | 'offDiagonalWindow' | 'radialWindow', what: string) => {
    const x = options[option];
    if (x === undefined) return;
    if (!Array.isArray(x) || x.length !== 2 || !x.every((v) => Number.isFinite(v)) || !(x[0] >= 0 && x[0] < x[1])) fail(option, `${option} must be [lo, hi] with 0 ≤ lo < hi (${what}), got ${JSON.stringify(x)}`);
  };
  window('exponentWindow', 'frequencies ω are positive');
  window('offDiagonalWindow', 'stress magnitudes are positive');
  window('radialWindow', 'stress magnitudes are positive');
  if (options.zeta !== undefined && !(Number.isFinite(options.zeta) && options.zeta > 0)) fail('zeta', `zeta must be a positive number (σ = λζ maps eigenvalues to stresses), got ${options.zeta}`);
  if (options.level !== undefined && !(options.level > 0 && options.level < 1)) fail('level', `level must lie in (0, 1), got ${options.level}`);
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0)) fail('seed', `seed must be a non-negative integer, got ${options.seed}`);
  if (options.ratioMax !== undefined && !(Number.isFinite(options.ratioMax) && options.ratioMax > 0)) fail('ratioMax', `ratioMax must be positive, got ${options.ratioMax}`);
  if (options.moduliTolerance !== undefined && !(options.moduliTolerance > 0 && options.moduliTolerance < 1)) fail('moduliTolerance', `moduliTolerance must lie in (0, 1), got ${options.moduliTolerance}`);
}

export interface ValueWithError {
  value: number;
  error: number;
  count: number;
}

export interface AnalysisSummary {
  samples: number;
  dim: number;
  particles: number;
  taper: Taper;
  potential: 'ipl' | 'lj';
  parentTemperature: number | 'inf';
  /** Samples with an eigenvalue below −tolerance besides the zero modes (docs/PHYSICS.md §4). */
  unstableSamples: string[];
  energyPerParticle: ValueWithError;
  s: ExponentEstimate;
  omega0: number;
  transverseSpeed: number;
  shearModulus: ValueWithError & { planes: { alpha: number; beta: number; value: number; error: number }[] };
  bulkModulus: ValueWithError;
  pressure: ValueWithError;
  meanRatio: Record<RatioWindowName, ValueWithError> & { goe: number; poisson: number; windows: Record<RatioWindowName, { start: number; count: number }> };
  stressSlope: { offDiagonal: SlopeFit; radial: SlopeFit; predicted: number };
  tableOne: TableOneRow;
  /** Mean rotational fraction of the stored modes below and above ω_0 (null without modes). */
  rotationalFraction: { belowOmega0: ValueWithError; aboveOmega0: ValueWithError } | null;
  ghet: { zeta: number; amplitude: number };
  /** Samples with a partial spectrum (spectrum.method 'lowest'). */
  partialSamples: string[];
  /** Spectral statistics are exact below this ω (the lowest of the partial samples' highest stored frequencies; null when all are full). */
  partialSpectrumBelow: number | null;
  /** What was left out because no sample has the full spectrum: each entry "<what>: needs the full spectrum". */
  needsFullSpectrum: string[];
}

/** The message every consumer (CLI, figures, views) shows where a statistic needs every eigenvalue. */
export const NEEDS_FULL_SPECTRUM = 'needs the full spectrum';

/** A curve: named arrays of one length. */
type Curve<K extends string> = Record<K, Float64Array>;

/** The numbers behind every plotted series of an ensemble (engine/products/ensembleSeries.ts names them). */
export interface EnsembleCurves {
  /** DOS on linear bins over the band, mean and standard error over the samples with a full spectrum; null without one. */
  dosLinear: (Curve<'omega' | 'g' | 'error'> & { samples: number }) | null;
  /** DOS on logarithmic bins up to where every sample is exact, and the reduced DOS g/ω^(d−1). */
  dosLog: Curve<'omega' | 'g' | 'error' | 'reduced' | 'reducedError'>;
  /** F(ω) (Eq. 19) at every pooled frequency, mean and standard error. */
  integratedDos: Curve<'omega' | 'value' | 'error'>;
  /** P(r) of each window that has ratios, with the GOE surmise and the Poisson law at the bin centres. */
  levelRatios: { window: RatioWindowName; curve: Curve<'r' | 'density' | 'counts' | 'goe' | 'poisson'> }[];
  /** P(σ) of |σ^ab| (a ≠ b) and of |r φ'|, with the fitted power law through the slope window (NaN outside it). */
  stressOffDiagonal: Curve<'sigma' | 'density' | 'counts' | 'fit'>;
  stressRadial: Curve<'sigma' | 'density' | 'counts' | 'fit'>;
  /** The GHET type-II DOS from the off-diagonal P(σ), amplitude matched. */
  ghet: Curve<'omega' | 'g' | 'sigma'>;
  /** Every stored non-zero mode: ω, participation ratio and rotational fraction, ascending in ω; null without stored modes. */
  modes: Curve<'omega' | 'participation' | 'rotationalFraction'> | null;
}

export interface EnsembleStatistics {
  summary: AnalysisSummary;
  curves: EnsembleCurves;
}

/** Progress of an analysis: fraction 0..1 of the work and what it is doing. */
export type AnalysisProgress = (fraction: number, message: string) => void;

export function ensembleStatistics(samples: SampleInput[], options: AnalysisOptions = {}, onProgress: AnalysisProgress = () => {}): EnsembleStatistics {
  if (samples.length === 0) throw new RangeError('analyzeEnsemble needs at least one sample');
  checkAnalysisOptions(options);
  const settings = samples[0].settings;
  const model = settings.model;
  const d = model.dim;
  const ids = samples.map((s, k) => s.id ?? String(k));

  // Spectra without the translations.
  const spectra = samples.map((s) => nonZeroSpectrum(s.eigenvalues, s.settings.model.dim, s.modes, s.diameters.length));
  const frequencies = spectra.map((s) => s.frequencies.filter((w) => Number.isFinite(w)));
  // Partial spectra (the lowest K only): how many non-zero modes each sample has, and below which ω all samples are exact.
  const partial = samples.map((s) => s.eigenvalues.length < s.positions.length);
  const totals = samples.map((s) => s.positions.length - s.settings.model.dim);
  const partialSamples = ids.filter((_, k) => partial[k]);
  const fullIndices = samples.map((_, k) => k).filter((k) => !partial[k]);
  let exactBelow = Infinity;
  frequencies.forEach((f, k) => {
    if (partial[k]) exactBelow = Math.min(exactBelow, f.length > 0 ? f[f.length - 1] : 0);
  });
  const needsFullSpectrum: string[] = [];
  const unstableSamples = ids.filter((_, k) => spectra[k].unstable > 0);

  // Elasticity and energy, per sample.
  const glasses = samples.map((s) => makeGlass(s.settings.model, s.diameters));
  // The elastic moduli (CG solves) and the rotational fractions of the stored modes are most of the
  // work: progress counts them sample by sample, 60 % and 35 % of the whole.
  const tolerance = options.moduliTolerance ?? DEFAULT_MODULI_TOLERANCE;
  const moduli = samples.map((s, k) => {
    const stored = s.moduli && s.moduli.tolerance === tolerance ? s.moduli : undefined;
    onProgress((0.6 * k) / samples.length, `elastic moduli of ${ids[k]} (${k + 1}/${samples.length})${stored ? ', stored by the run' : ''}`);
    return stored ?? elasticModuli(glasses[k], s.positions, { tolerance });
  });
  onProgress(0.6, 'densities of states, exponent, level statistics, stresses');
  const shear = meanWithError(moduli.map((m) => m.shearModulus));
  const planes = moduli[0].planes.map((p, k) => {
    const v = meanWithError(moduli.map((m) => m.planes[k].modulus));
    return { alpha: p.alpha, beta: p.beta, value: v.value, error: v.error };
  });
  const bulk = meanWithError(moduli.map((m) => m.bulkModulus));
  const pressure = meanWithError(moduli.map((m) => m.pressure));
  const density = model.particles / boxSide(model) ** d;
  const transverseSpeed = transverseSoundSpeed(shear.value, density);
  const omega0 = lowestPhononFrequency(transverseSpeed, boxSide(model));
  const energyPerParticle = meanWithError(samples.map((s, k) => totalEnergy(glasses[k], s.positions) / s.diameters.length));

  // DOS, linear and logarithmic, with errors over samples.
  let wMin = Infinity;
  let wMax = 0;
  for (const f of frequencies) for (const w of f) if (w > 0) {
    wMin = Math.min(wMin, w);
    wMax = Math.max(wMax, w);
  }
  let dosLinear: EnsembleCurves['dosLinear'] = null;
  if (fullIndices.length > 0) {
    let wBand = 0;
    for (const k of fullIndices) for (const w of frequencies[k]) wBand = Math.max(wBand, w);
    const linEdges = linearEdges(0, wBand * (1 + 1e-12), options.dosBins ?? 60);
    const lin = fullIndices.map((k) => densityOfStates(frequencies[k], linEdges));
    const linStats = meanAndError(lin.map((h) => h.density));
    dosLinear = { omega: lin[0].centres, g: linStats.mean, error: linStats.error, samples: fullIndices.length };
  } else needsFullSpectrum.push(`DOS over the band (dos_linear): ${NEEDS_FULL_SPECTRUM}`);
  // Log bins up to the highest ω where every sample is exact; densities normalised by each sample's dN − d modes.
  const logTop = Math.min(wMax, exactBelow);
  const lEdges = logEdges(wMin, logTop * (1 + 1e-12), options.logDosBins ?? 40);
  const lg = frequencies.map((f, k) => {
    const hst = densityOfStates(f, lEdges, true);
    const scale = f.length / totals[k];
    return { ...hst, density: hst.density.map((g) => g * scale) };
  });
  const lgStats = meanAndError(lg.map((h) => h.density));
  const reduced = meanAndError(lg.map((h) => reducedDos(h.centres, h.density, d)));
  const dosLog = { omega: lg[0].centres, g: lgStats.mean, error: lgStats.error, reduced: reduced.mean, reducedError: reduced.error };

  // Integrated DOS (Eq. 19) and s.
  const pooled = pooledFrequencies(frequencies);
  const F = ensembleIntegratedDos(frequencies, pooled.filter((w) => w <= exactBelow), totals);
  const integratedDos = { omega: Float64Array.from(F.omega), value: Float64Array.from(F.value), error: Float64Array.from(F.error) };
  // With partial spectra the fit window stays where every sample is exact.
  const lowFrequencies = frequencies.map((f) => f.filter((w) => w <= exactBelow));
  const s = lowFrequencyExponent(lowFrequencies, {
    window: options.exponentWindow,
    omega0: Math.min(omega0, exactBelow),
    totals,
    resamples: options.bootstrapResamples,
    seed: options.seed ?? settings.seed,
    level: options.level,
  });
  if (options.exponentWindow && s.points < 2) {
    const all = lowFrequencies.flatMap((f) => Array.from(f)).filter((w) => w > 0);
    throw new AnalysisOptionError('exponentWindow', `the exponent window [${options.exponentWindow.join(', ')}] holds ${s.points} of the non-zero frequencies (they run from ${Math.min(...all).toPrecision(4)} to ${Math.max(...all).toPrecision(4)}): s needs at least 2; choose a window inside that range`);
  }

  // Level-spacing ratios in three windows.
  const ratioSets: Record<RatioWindowName, Float64Array[]> = { lowest: [], middle: [], highest: [] };
  // The lowest window needs only the lowest levels (narrowed to the fewest a partial sample has);
  // the middle and highest windows need every level: full samples only.
  let edgeWidth = options.ratioEdgeWidth ?? 50;
  spectra.forEach((sp, k) => {
    if (partial[k]) edgeWidth = Math.min(edgeWidth, sp.eigenvalues.length);
  });
  for (const option of ['ratioEdgeWidth', 'ratioMiddleWidth'] as const) {
    const width = options[option];
    const levels = Math.min(...spectra.map((sp, k) => (partial[k] && option === 'ratioMiddleWidth' ? Infinity : sp.eigenvalues.length)));
    if (width !== undefined && width > levels) throw new AnalysisOptionError(option, `${option} ${width} is wider than the ${levels} non-zero levels a sample has: choose at most ${levels}`);
  }
  const windows = ratioWindows(spectra[fullIndices[0] ?? 0].eigenvalues.length, { edgeWidth, middleWidth: options.ratioMiddleWidth ?? options.ratioEdgeWidth });
  spectra.forEach((sp, k) => {
    const w = ratioWindows(sp.eigenvalues.length, { edgeWidth, middleWidth: options.ratioMiddleWidth ?? options.ratioEdgeWidth });
    for (const name of ['lowest', 'middle', 'highest'] as const) if (name === 'lowest' || !partial[k]) ratioSets[name].push(levelSpacingRatios(sp.eigenvalues, w[name].start, w[name].count));
  });
  const meanRatio = {} as Record<RatioWindowName, ValueWithError>;
  const levelRatios: EnsembleCurves['levelRatios'] = [];
  for (const name of ['lowest', 'middle', 'highest'] as const) {
    if (ratioSets[name].length === 0) {
      meanRatio[name] = { value: NaN, error: NaN, count: 0 };
      needsFullSpectrum.push(`level-spacing ratios, ${name} window (level_ratio_${name}): ${NEEDS_FULL_SPECTRUM}`);
      continue;
    }
    const pooled = concat(ratioSets[name]);
    const perSample = ratioSets[name].map((r) => meanRatioTilde(r));
    const value = meanRatioTilde(pooled);
    const error = perSample.length > 1 ? meanWithError(perSample).error : standardErrorOfTilde(pooled);
    meanRatio[name] = { value, error, count: pooled.length };
    const h = ratioHistogram(pooled, options.ratioBins ?? 40, options.ratioMax ?? 4);
    levelRatios.push({ window: name, curve: { r: h.centres, density: h.density, counts: h.counts, goe: h.centres.map(atasSurmise), poisson: h.centres.map(poissonRatioDensity) } });
  }

  // Local stresses.
  const offDiagonal: Float64Array[] = [];
  const radial: Float64Array[] = [];
  samples.forEach((smp, k) => {
    const c = contacts(glasses[k], smp.positions);
    offDiagonal.push(offDiagonalStressMagnitudes(pairStresses(c, d), d));
    radial.push(radialStressMagnitudes(c));
  });
  const off = concat(offDiagonal);
  const rad = concat(radial);
  const predicted = predictedStressExponent(model.taper, model.potential);
  const offSlope = lowStressSlope(off, { window: options.offDiagonalWindow });
  const radSlope = lowStressSlope(rad, { window: options.radialWindow });
  const offHist = stressDistribution(off, options.stressBins ?? 60);
  const radHist = stressDistribution(rad, options.stressBins ?? 60);
  const line = (h: { centres: Float64Array }, fit: SlopeFit, density: Float64Array, counts: Float64Array) => {
    // The fitted power law through the window, anchored on the counts-weighted mean of the data there.
    let num = 0;
    let den = 0;
    h.centres.forEach((x, b) => {
      if (x >= fit.window[0] && x <= fit.window[1] && density[b] > 0) {
        num += counts[b] * (Math.log(density[b]) - fit.value * Math.log(x));
        den += counts[b];
      }
    });
    const a = den > 0 ? num / den : NaN;
    return h.centres.map((x) => (x >= fit.window[0] && x <= fit.window[1] ? Math.exp(a + fit.value * Math.log(x)) : NaN));
  };
  const stressOffDiagonal = { sigma: offHist.centres, density: offHist.density, counts: offHist.counts, fit: line(offHist, offSlope, offHist.density, offHist.counts) };
  const stressRadial = { sigma: radHist.centres, density: radHist.density, counts: radHist.counts, fit: line(radHist, radSlope, radHist.density, radHist.counts) };

  // GHET type-II curve from the measured off-diagonal P(σ), amplitude matched to the log DOS in the s window.
  const zeta = options.zeta ?? 1;
  const raw = typeTwoSpectrum(offHist.centres, offHist.density, zeta, 1);
  const amplitude = matchAmplitude(raw, lg[0].centres, lgStats.mean, s.window);
  const ghet = typeTwoSpectrum(offHist.centres, offHist.density, zeta, Number.isFinite(amplitude) ? amplitude : 1);
  const ghetCurve = { omega: ghet.omega, g: ghet.g, sigma: offHist.centres };

  // Mode geometry and participation of the stored modes.
  const prOmega: number[] = [];
  const prValue: number[] = [];
  const rfValue: number[] = [];
  samples.forEach((smp, k) => {
    onProgress(0.6 + (0.35 * k) / samples.length, `mode geometry of ${ids[k]} (${k + 1}/${samples.length})`);
    if (!smp.modes || smp.modes.length === 0) return;
    const stored = storedNonZeroModes(smp.eigenvalues, smp.modes, d, smp.diameters.length);
    const pairs = gradientNeighbours(smp.positions, glasses[k].box, glasses[k].potential.cutoff);
    const rf = modeRotationalFractions(smp.positions, glasses[k].box, smp.modes, pairs);
    for (let j = 0; j < stored.index.length; j++) {
      prOmega.push(stored.omega[j]);
      prValue.push(stored.participation[j]);
      rfValue.push(rf[stored.index[j]]);
    }
  });
  let rotationalFraction: AnalysisSummary['rotationalFraction'] = null;
  let modes: EnsembleCurves['modes'] = null;
  if (prOmega.length > 0) {
    const order = prOmega.map((_, k) => k).sort((a, b) => prOmega[a] - prOmega[b]);
    modes = {
      omega: Float64Array.from(order, (k) => prOmega[k]),
      participation: Float64Array.from(order, (k) => prValue[k]),
      rotationalFraction: Float64Array.from(order, (k) => rfValue[k]),
    };
    rotationalFraction = {
      belowOmega0: meanWithError(rfValue.filter((_, k) => prOmega[k] < omega0)),
      aboveOmega0: meanWithError(rfValue.filter((_, k) => prOmega[k] >= omega0)),
    };
  }

  const summary: AnalysisSummary = {
    samples: samples.length,
    dim: d,
    particles: model.particles,
    taper: model.taper,
    potential: model.potential,
    parentTemperature: settings.sampling.parentTemperature,
    unstableSamples,
    energyPerParticle,
    s,
    omega0,
    transverseSpeed,
    shearModulus: { ...shear, planes },
    bulkModulus: bulk,
    pressure,
    meanRatio: { ...meanRatio, goe: GOE_MEAN_RATIO, poisson: POISSON_MEAN_RATIO, windows },
    stressSlope: { offDiagonal: offSlope, radial: radSlope, predicted },
    tableOne: tableOne(model.taper, model.potential),
    rotationalFraction,
    ghet: { zeta, amplitude },
    partialSamples,
    partialSpectrumBelow: Number.isFinite(exactBelow) ? exactBelow : null,
    needsFullSpectrum,
  };
  onProgress(1, 'analysis done');
  return { summary, curves: { dosLinear, dosLog, integratedDos, levelRatios, stressOffDiagonal, stressRadial, ghet: ghetCurve, modes } };
}

function concat(parts: Float64Array[]): Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function standardErrorOfTilde(ratios: Float64Array): number {
  const t = ratios.filter((r) => !Number.isNaN(r)).map((r) => (r > 1 ? 1 / r : r));
  return meanWithError(t).error;
}
