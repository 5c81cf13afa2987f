/**
 * The stages of one sample, as pure functions of settings, seed and the previous stage's output
 * (docs/DESIGN.md "How data flows"): parent configuration at T* → inherent structure → spectrum
 * → elastic moduli (runParentStage, runQuenchStage, runSpectrumStage, runElasticityStage).
 * No files here: engine/io/ reads and writes what these return.
 */
import { sampleDiameters } from '../model/diameters';
import { makeGlass } from '../model/glass';
import { boxSide, type ProjectSettings } from '../model/settings';
import { quench, type QuenchResult } from '../minimize/quench';
import { createRng, uniform } from '../random';
import { acceptanceRates, type MonteCarloState, swapMonteCarlo } from '../sim/swapMonteCarlo';
import { makePairPotential } from '../model/potential';
import { phaseAcceptance, startTuning, tuneAfterSweep } from '../sim/stepSize';
import type { SpectrumResult } from '../spectrum';
import type { SpectrumCalibration } from '../spectrum/calibration';
import { DEFAULT_MODULI_TOLERANCE, elasticModuli, type ElasticModuli } from '../analysis/elasticity';
import { gemmThreadCount } from '../linalg/gemmThreads';

/** The δ a run starts from when δ = 'auto' (the paper's fixed value). */
export const INITIAL_STEP = 0.2;

/** Diameters from P(a) ∝ a^-3 and uniformly random positions: the T* = ∞ configuration. */
export function randomConfiguration(settings: ProjectSettings, seed: number): MonteCarloState {
  const { model } = settings;
  const rng = createRng(seed);
  const diameters = sampleDiameters(model.particles, model.diameterMin, model.diameterMax, rng);
  const side = boxSide(model);
  const positions = new Float64Array(model.dim * model.particles);
  for (let k = 0; k < positions.length; k++) positions[k] = uniform(rng) * side;
  return {
    positions,
    diameters,
    rng,
    sweepsDone: 0,
    attempted: { displacement: 0, swap: 0 },
    accepted: { displacement: 0, swap: 0 },
  };
}

export interface ParentReport {
  temperature: number | 'inf';
  sweeps: number;
  sweepsDone: number;
  attempted: { displacement: number; swap: number };
  accepted: { displacement: number; swap: number };
  acceptance: { displacement: number; swap: number };
  /** δ = 'auto': the δ production ran with and the acceptances while tuning and after. */
  step?: ReturnType<typeof phaseAcceptance>;
}

/** Whether the parent stage needs Monte Carlo at all (T* = ∞ or zero sweeps do not). */
export function needsMonteCarlo(settings: ProjectSettings): boolean {
  return settings.sampling.parentTemperature !== 'inf' && settings.sampling.sweeps > 0;
}

/**
 * Continues swap Monte Carlo from `state` until settings.sampling.sweeps are done. `afterSweep`
 * sees the state after every sweep (for progress and checkpoints) and may return false to stop.
 */
export function runParentStage(
  settings: ProjectSettings,
  state: MonteCarloState,
  afterSweep?: (state: MonteCarloState) => boolean | void,
): MonteCarloState {
  if (!needsMonteCarlo(settings)) return state;
  const { model, sampling } = settings;
  const box = { dim: model.dim, side: boxSide(model) };
  const remaining = sampling.sweeps - state.sweepsDone;
  if (remaining <= 0) return state;
  // δ = 'auto': tuned over the first half of the sweeps (this sample's equilibration), then frozen.
  if (sampling.maxDisplacement === 'auto') state.tuning ??= startTuning(INITIAL_STEP, sampling.targetAcceptance, Math.floor(sampling.sweeps / 2), state);
  const tuning = state.tuning;
  const parameters = { temperature: sampling.parentTemperature as number, swapProbability: sampling.swapProbability, maxDisplacement: tuning ? tuning.delta : (sampling.maxDisplacement as number) };
  return swapMonteCarlo(state, box, makePairPotential(model), parameters, remaining, (s) => {
    if (tuning) parameters.maxDisplacement = tuneAfterSweep(tuning, s, box.side);
    return afterSweep?.(s);
  });
}

export function parentReport(settings: ProjectSettings, state: MonteCarloState): ParentReport {
  return {
    temperature: settings.sampling.parentTemperature,
    sweeps: needsMonteCarlo(settings) ? settings.sampling.sweeps : 0,
    sweepsDone: state.sweepsDone,
    attempted: { ...state.attempted },
    accepted: { ...state.accepted },
    acceptance: acceptanceRates(state),
    ...(state.tuning ? { step: phaseAcceptance(state.tuning, state) } : {}),
  };
}

/** Quench the parent configuration to its inherent structure. */
export function runQuenchStage(
  settings: ProjectSettings,
  positions: Float64Array,
  diameters: Float64Array,
  onProgress?: (p: { iteration: number; energy: number; maxForce: number }) => boolean | void,
): QuenchResult {
  return quench(makeGlass(settings.model, diameters), positions, settings.quench, onProgress);
}

/** What the spectrum stage hands to engine/io: the result, meta.json's spectrum section, and lines for the log. */
export interface SpectrumStageResult {
  result: SpectrumResult;
  /** meta.json's `spectrum`: everything but the arrays (which go to .npy files), zero modes as a list. */
  summary: Record<string, unknown>;
  /** Rows of modes.npy (K) and of eigenvalues.npy. */
  storedModes: number;
  storedEigenvalues: number;
  /** What the run says when it is done (instability, certificate, residual). */
  report: string[];
}

/**
 * The spectrum of an inherent structure (engine/spectrum: all dN eigenvalues with the lowest K
 * eigenvectors, or the lowest K by the sparse path) and the summary the sample keeps of it.
 */
export async function runSpectrumStage(
  settings: ProjectSettings,
  positions: Float64Array,
  diameters: Float64Array,
  onProgress: (fraction: number, message: string) => void,
  calibration?: SpectrumCalibration,
): Promise<SpectrumStageResult> {
  const glass = makeGlass(settings.model, diameters);
  const { computeSpectrum } = await import('../spectrum'); // loads gpu.js only where a spectrum is wanted
  const result = await computeSpectrum(glass, positions, settings.spectrum, onProgress, calibration);
  const size = settings.model.dim * settings.model.particles;
  const storedModes = result.modes.length / size;
  const storedEigenvalues = result.eigenvalues.length;
  const { eigenvalues: _e, modes: _m, participationRatios: _p, zeroModeIndices, ...rest } = result;
  const summary = {
    ...rest,
    zeroModeIndices: Array.from(zeroModeIndices),
    storedModes,
    lowestEigenvalue: result.eigenvalues[0],
    largestEigenvalue: result.method === 'full' ? result.eigenvalues[size - 1] : null,
    storedEigenvalues,
    // Threads of the SIMD gemm and the Lanczos step kernel (engine/linalg/gemmThreads.ts, engine/hessian/lanczosKernel.ts): 2 once their helper thread ran in this process.
    gemmThreads: gemmThreadCount(),
  };
  const report: string[] = [];
  if (result.unstable) report.push(`UNSTABLE: an eigenvalue below −${result.zeroTolerance.toExponential(1)} besides the ${result.zeroModes} zero modes`);
  if (result.lowest) report.push(`lowest ${result.lowest.count} modes: residual ${result.residualMax.toExponential(1)} λ_max, ${result.lowest.certification.certified ? 'certified' : result.lowest.certification.reason}`);
  else report.push(`${result.backend}: λ_max = ${result.eigenvalues[size - 1].toFixed(3)}, residual ${result.residualMax.toExponential(1)}`);
  return { result, summary, storedModes, storedEigenvalues, report };
}

/**
 * The elastic moduli of an inherent structure (engine/analysis/elasticity.ts elasticModuli: the
 * shear planes and the dilation, one CG solve each, at DEFAULT_MODULI_TOLERANCE), computed once at
 * run time so that ω_0 of the views and the moduli of the analysis are read, not recomputed.
 */
export function runElasticityStage(
  settings: ProjectSettings,
  positions: Float64Array,
  diameters: Float64Array,
  onProgress: (fraction: number, message: string) => void,
): { moduli: ElasticModuli; tolerance: number } {
  const tolerance = DEFAULT_MODULI_TOLERANCE;
  return { moduli: elasticModuli(makeGlass(settings.model, diameters), positions, { tolerance, onProgress }), tolerance };
}
