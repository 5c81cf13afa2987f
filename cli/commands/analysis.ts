/** `glassmodes analyze` and `glassmodes theory`: observables and theory into files (docs/PHYSICS.md §5–6). */
import { AnalysisOptionError, checkAnalysisOptions, type AnalysisOptions, type AnalysisProgress, type AnalysisSummary } from '../../engine/analysis/ensemble';
import { progressBar } from '../progress';
import { seriesToCsv } from '../../engine/series';
import { analyzeProjectFolder } from '../../engine/io/analysisFiles';
import { writeFileAtomic } from '../../engine/io/files';
import { bosonPeak, bandEdgeEstimate, criticalDisorder, finiteBoxGap, frequencyGrid, hetSeries, hetSpectrum, type HetParameters } from '../../engine/theory/het';
import { numberOption, parse, UsageError } from '../args';
import { checkOutputFile } from '../output';

export const ANALYZE_USAGE = 'glassmodes analyze <dir> [--window lo,hi] [--bootstrap <n>] [--ratio-window <n>] [--quiet]';

function pair(text: string | undefined, name: string): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x)) || !(parts[0] < parts[1])) throw new UsageError(`--${name} must be lo,hi with lo < hi, got '${text}'`);
  return [parts[0], parts[1]];
}

/**
 * Progress of an analysis on stderr: a bar redrawn in place on a terminal; in a log, a line at each
 * quarter. Returns the callback and a function that ends the bar's line.
 */
export function analysisProgress(stream: NodeJS.WriteStream = process.stderr): { onProgress: AnalysisProgress; end: () => void } {
  let quarter = -1;
  let drawn = false;
  return {
    onProgress: (fraction, message) => {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2Kanalyse ${progressBar(fraction)} ${(100 * fraction).toFixed(0).padStart(3)}% ${message}`);
        drawn = true;
      } else if (Math.floor(4 * fraction) > quarter) {
        quarter = Math.floor(4 * fraction);
        stream.write(`analyse ${(100 * fraction).toFixed(0)}%: ${message}\n`);
      }
    },
    end: () => {
      if (drawn) stream.write('\n');
    },
  };
}

/** Runs the analysis of a project folder and writes analysis/; returns the summary. */
export function analyzeProject(dir: string, options: AnalysisOptions = {}, log: (line: string) => void = console.log, onProgress?: AnalysisProgress): AnalysisSummary {
  return analyzeProjectFolder(dir, options, log, onProgress).summary;
}

export function formatSummary(s: AnalysisSummary): string[] {
  const f = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
  const lines = [
    `${s.samples} sample(s), d = ${s.dim}, N = ${s.particles}, taper m = ${s.taper}, ${s.potential}, T* = ${s.parentTemperature}`,
    `  E/N              ${f(s.energyPerParticle.value, 6)} ± ${f(s.energyPerParticle.error, 6)}`,
    `  G, K             ${f(s.shearModulus.value)} ± ${f(s.shearModulus.error)},  ${f(s.bulkModulus.value)} ± ${f(s.bulkModulus.error)}`,
    `  omega0 = 2π v_T/L ${f(s.omega0)}   (v_T = ${f(s.transverseSpeed)})`,
    `  s (g ~ ω^s)      ${f(s.s.value, 2)}  [${f(s.s.low, 2)}, ${f(s.s.high, 2)}] on ω ∈ [${f(s.s.window[0])}, ${f(s.s.window[1])}] (${s.s.points} modes)`,
    `  Table 1, m = ${s.tableOne.m}: type-II s = ${s.tableOne.dos}, type-I s = 2`,
    `  <r~>             lowest ${f(s.meanRatio.lowest.value)}, middle ${f(s.meanRatio.middle.value)}, highest ${f(s.meanRatio.highest.value)}  (GOE ${s.meanRatio.goe}, Poisson ${f(s.meanRatio.poisson, 4)})`,
    `  P(σ) low slope   off-diagonal ${f(s.stressSlope.offDiagonal.value, 2)}, radial ${f(s.stressSlope.radial.value, 2)}  (predicted ${f(s.stressSlope.predicted, 2)})`,
  ];
  if (s.unstableSamples.length) lines.push(`  UNSTABLE samples (negative eigenvalues): ${s.unstableSamples.join(', ')}`);
  if (s.partialSamples?.length) lines.push(`  partial spectra (lowest modes only): ${s.partialSamples.length} sample(s); F(ω), s and the log DOS are exact below ω = ${f(s.partialSpectrumBelow ?? NaN)}, normalised by dN − d`);
  for (const entry of s.needsFullSpectrum ?? []) lines.push(`  ${entry}`);
  return lines;
}

/** The flag of each analysis option the CLI sets, so that a refusal names what the user typed. */
const ANALYSIS_FLAGS: Partial<Record<keyof AnalysisOptions, string>> = { exponentWindow: '--window', bootstrapResamples: '--bootstrap', ratioEdgeWidth: '--ratio-window', zeta: '--zeta' };

export function analyzeCommand(args: string[]): number {
  const { values, positionals } = parse(args, { window: { type: 'string' }, bootstrap: { type: 'string' }, 'ratio-window': { type: 'string' }, quiet: { type: 'boolean' } }, ANALYZE_USAGE);
  if (positionals.length !== 1) throw new UsageError(`analyze takes one project folder\nusage: ${ANALYZE_USAGE}`);
  const options: AnalysisOptions = {};
  const window = pair(values.window, 'window');
  if (window) options.exponentWindow = window;
  const bootstrap = numberOption(values.bootstrap, 'bootstrap', true);
  if (bootstrap !== undefined) options.bootstrapResamples = bootstrap;
  const ratio = numberOption(values['ratio-window'], 'ratio-window', true);
  if (ratio !== undefined) options.ratioEdgeWidth = ratio;
  const progress = values.quiet ? undefined : analysisProgress();
  let summary: AnalysisSummary;
  try {
    checkAnalysisOptions(options);
    summary = analyzeProject(positionals[0], options, values.quiet ? () => {} : console.log, progress?.onProgress);
  } catch (error) {
    if (error instanceof AnalysisOptionError) throw new UsageError(`${ANALYSIS_FLAGS[error.option] ?? error.option}: ${error.message}`);
    throw error;
  } finally {
    progress?.end();
  }
  if (!values.quiet) for (const line of formatSummary(summary)) console.log(line);
  return 0;
}

export const THEORY_USAGE = 'glassmodes theory --gamma <γ> --bulk <K/G0> [--box <L k_xi>] [--points <n>] [--omega-min <ω>] [--omega-max <ω>] [--spacing omega|lambda] --out <file.csv> [--force]';

/** The most frequency points `theory` computes (each is one self-consistent solve). */
export const THEORY_MAX_POINTS = 100_000;

export function theoryCommand(args: string[]): number {
  const { values, positionals } = parse(
    args,
    { gamma: { type: 'string' }, bulk: { type: 'string' }, box: { type: 'string' }, points: { type: 'string' }, 'omega-min': { type: 'string' }, 'omega-max': { type: 'string' }, spacing: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
    THEORY_USAGE,
  );
  if (positionals.length) throw new UsageError(`theory takes no positional arguments\nusage: ${THEORY_USAGE}`);
  const gamma = numberOption(values.gamma, 'gamma');
  const bulk = numberOption(values.bulk, 'bulk');
  if (gamma === undefined || bulk === undefined || !values.out) throw new UsageError(`theory needs --gamma, --bulk and --out\nusage: ${THEORY_USAGE}`);
  if (!(gamma >= 0)) throw new UsageError(`--gamma must be ≥ 0, got ${gamma}`);
  if (!(bulk > 0)) throw new UsageError(`--bulk (K/G0) must be positive, got ${bulk}`);
  const box = numberOption(values.box, 'box');
  if (box !== undefined && !(box > 0)) throw new UsageError(`--box must be positive, got ${box}`);
  const points = numberOption(values.points, 'points', true) ?? 400;
  if (points < 2 || points > THEORY_MAX_POINTS) throw new UsageError(`--points must be an integer in [2, ${THEORY_MAX_POINTS}], got ${points}: each point is a self-consistent solve`);
  const p: HetParameters = { gamma, bulk, box: box ?? null };
  const omegaMaxGiven = numberOption(values['omega-max'], 'omega-max');
  if (omegaMaxGiven !== undefined && !(omegaMaxGiven > 0)) throw new UsageError(`--omega-max must be positive, got ${omegaMaxGiven}`);
  const omegaMax = omegaMaxGiven ?? bandEdgeEstimate(p);
  const spacing = values.spacing ?? 'omega';
  if (spacing !== 'omega' && spacing !== 'lambda') throw new UsageError(`--spacing must be omega or lambda, got '${spacing}'`);
  const omegaMin = numberOption(values['omega-min'], 'omega-min') ?? omegaMax / points;
  if (!(omegaMin > 0 && omegaMin < omegaMax)) throw new UsageError(`--omega-min must lie in (0, ${omegaMax}), got ${omegaMin}`);
  const curve = hetSpectrum(p, frequencyGrid(omegaMax, points, spacing, omegaMin));
  checkOutputFile(values.out, values.force);
  writeFileAtomic(values.out, seriesToCsv(hetSeries(curve, p)));
  const gammaC = criticalDisorder(bulk, box ?? null);
  const peak = bosonPeak(p);
  console.log(`HET-SCBA, γ = ${gamma}, K/G0 = ${bulk}, ${box ? `box L k_xi = ${box}` : 'continuum'}: ${points} points up to ω = ${omegaMax.toFixed(4)} → ${values.out}`);
  console.log(`  γ_c = ${gammaC.toFixed(6)} (${gamma < gammaC ? 'stable' : 'beyond the instability: Σ(0) is complex'})`);
  console.log(`  boson peak ${peak ? `at ω = ${peak.omega.toFixed(4)}, g/ω² = ${peak.reduced.toFixed(4)}` : 'not resolved'}`);
  if (box) {
    const gap = finiteBoxGap(p);
    console.log(`  finite-box gap ${gap.lambdaC === null ? 'none below the first phonon line' : `λ_c = ${gap.lambdaC.toFixed(6)} (ω_c = ${gap.omegaC!.toFixed(4)})`}`);
  }
  return 0;
}
