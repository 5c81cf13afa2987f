/**
 * Runs the pending stages of one sample and writes each stage's results atomically into its
 * folder. Resumable at every stage boundary, and inside Monte Carlo through checkpoints.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { monteCarloStateFromJson, monteCarloStateToJson, type MonteCarloState, type MonteCarloStateJson } from '../sim/moves';
import { needsMonteCarlo, parentReport, randomConfiguration, runElasticityStage, runParentStage, runQuenchStage, runSpectrumStage } from '../pipeline/stages';
import { boxSide } from '../model/settings';
import { APP_VERSION } from '../version';
import { readExtxyz, sweepTempFiles, writeExtxyz, writeJsonAtomic, writeNpy } from './files';
import { acquireSampleLock, readSampleMeta, sampleDir, sampleStatus, type ProjectFile, type SampleEntry, type SampleMeta } from './project';
import { checkpointDamage, resultSettings, settingsDigest } from './sampleCheck';
import { loadOrCalibrate } from './spectrumCalibration';
import { elasticityRecord, fileDigest, storedElasticity } from './elasticityRecord';
import { DEFAULT_MODULI_TOLERANCE } from '../analysis/elasticity';
import type { ProjectSettings } from '../model/settings';

export type Stage = 'parent' | 'quench' | 'spectrum' | 'elasticity';

/** This process's spectrum calibration, loaded (or measured) by the first sample that needs it. */
let machineCalibration: ReturnType<typeof loadOrCalibrate> | undefined;

export interface SampleHooks {
  onProgress?: (stage: Stage, fraction: number, message: string) => void;
  /** Polled between steps; true asks the run to stop at the next safe point. */
  shouldStop?: () => boolean;
  /** A line for the log (a stale lock taken over). */
  onLog?: (line: string) => void;
}

/**
 * 'stopped' says what was kept: `checkpoint` when the Monte Carlo state was written at that sweep
 * (a later run resumes there); otherwise the stage it stopped in restarts from the last file of
 * the sample on disk (a quench from parent.extxyz, a spectrum from config.extxyz).
 */
export type SampleOutcome =
  | { status: 'done' }
  | { status: 'failed'; error: string }
  | { status: 'stopped'; stage?: Stage; checkpoint?: { sweepsDone: number; sweeps: number } }
  | { status: 'locked' };

interface Checkpoint extends MonteCarloStateJson {
  format: 'glassmodes-mc-checkpoint';
  elapsedSeconds: number;
  /** settingsDigest of the settings it was written with (sampleCheck.ts). */
  settingsDigest?: string;
}

function saveCheckpoint(path: string, state: MonteCarloState, elapsedSeconds: number, settings: ProjectSettings): void {
  const c: Checkpoint = { format: 'glassmodes-mc-checkpoint', ...monteCarloStateToJson(state), elapsedSeconds, settingsDigest: settingsDigest(settings) };
  writeJsonAtomic(path, c);
}

/**
 * The checkpoint, undefined when there is none; one that is not what it must be (schema, sizes,
 * settings) is an error naming the file, never a silent restart from sweep 0.
 */
function loadCheckpoint(path: string, id: string, settings: ProjectSettings): { state: MonteCarloState; elapsedSeconds: number } | undefined {
  if (!existsSync(path)) return undefined;
  const damage = checkpointDamage(path, `samples/${id}/checkpoint.json`, settings);
  if (damage) throw new Error(`${damage.file}: ${damage.reason}`);
  const c = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  return { state: monteCarloStateFromJson(c), elapsedSeconds: c.elapsedSeconds };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

export async function runSample(dir: string, project: ProjectFile, entry: SampleEntry, hooks: SampleHooks = {}): Promise<SampleOutcome> {
  const release = acquireSampleLock(dir, entry.id, { onTakeover: hooks.onLog });
  if (!release) return { status: 'locked' };
  try {
    sweepTempFiles(sampleDir(dir, entry.id)); // ours alone while we hold the lock
    // Every progress report refreshes the lock's heartbeat (at most a write per 10 s).
    const onProgress = hooks.onProgress;
    const beating: SampleHooks = { ...hooks, onProgress: (stage, fraction, message) => (release.heartbeat(), onProgress?.(stage, fraction, message)) };
    return await runStages(dir, project, entry, beating);
  } finally {
    release();
  }
}

async function runStages(dir: string, project: ProjectFile, entry: SampleEntry, hooks: SampleHooks): Promise<SampleOutcome> {
  const { settings } = project;
  const folder = sampleDir(dir, entry.id);
  const progress = hooks.onProgress ?? (() => {});
  const stop = hooks.shouldStop ?? (() => false);
  const parentPath = join(folder, 'parent.extxyz');
  const configPath = join(folder, 'config.extxyz');
  const checkpointPath = join(folder, 'checkpoint.json');
  // Every file checked before it is used: a damaged sample is reported, never overwritten here.
  const status = sampleStatus(dir, project, entry);
  if (status.state === 'damaged') return { status: 'failed', error: status.error! };
  let meta: SampleMeta = readSampleMeta(dir, entry.id) ?? { id: entry.id, seed: entry.seed, version: APP_VERSION, timings: {}, host: hostname() };
  if (meta.failed) return { status: 'failed', error: `${meta.failed.stage}: ${meta.failed.reason}` };
  meta = { ...meta, settingsDigest: settingsDigest(settings), settings: resultSettings(settings) };

  // Stage 1: the parent configuration at T* (in a project of chains, the chain writes it).
  if (!existsSync(parentPath) && settings.sampling.chains > 0) return { status: 'failed', error: `parent: ${entry.id} has no parent yet; its chain writes it (glassmodes run)` };
  if (!existsSync(parentPath)) {
    const t0 = performance.now();
    const resumed = needsMonteCarlo(settings) ? loadCheckpoint(checkpointPath, entry.id, settings) : undefined;
    const state = resumed?.state ?? randomConfiguration(settings, entry.seed);
    const before = resumed?.elapsedSeconds ?? 0;
    const total = settings.sampling.sweeps;
    let lastCheckpoint = performance.now();
    let lastReport = 0;
    let stopped = false;
    if (needsMonteCarlo(settings)) progress('parent', state.sweepsDone / total, resumed ? `resumed at sweep ${state.sweepsDone}` : 'swap Monte Carlo');
    runParentStage(settings, state, (s) => {
      const now = performance.now();
      if (now - lastReport > 250) {
        lastReport = now;
        progress('parent', s.sweepsDone / total, `sweep ${s.sweepsDone}/${total}`);
      }
      if (now - lastCheckpoint > settings.sampling.checkpointSeconds * 1000) {
        saveCheckpoint(checkpointPath, s, before + seconds(t0), settings);
        lastCheckpoint = now;
      }
      if (stop()) {
        stopped = true;
        return false;
      }
    });
    if (stopped) {
      saveCheckpoint(checkpointPath, state, before + seconds(t0), settings);
      return { status: 'stopped', stage: 'parent', checkpoint: { sweepsDone: state.sweepsDone, sweeps: total } };
    }
    const report = parentReport(settings, state);
    writeExtxyz(parentPath, {
      dim: settings.model.dim,
      side: boxSide(settings.model),
      positions: state.positions,
      diameters: state.diameters,
      info: { parent_temperature: String(settings.sampling.parentTemperature), sweeps: report.sweepsDone, seed: entry.seed },
    });
    meta = { ...meta, mc: report, timings: { ...meta.timings, parent: before + seconds(t0) } };
    writeJsonAtomic(join(folder, 'meta.json'), meta);
    rmSync(checkpointPath, { force: true });
    progress('parent', 1, needsMonteCarlo(settings) ? `acceptance: displacement ${report.acceptance.displacement.toFixed(3)}, swap ${report.acceptance.swap.toFixed(3)}` : 'random positions (T* = ∞)');
  }
  if (stop()) return { status: 'stopped', stage: 'quench' };

  // Stage 2: the inherent structure.
  if (!existsSync(configPath) || !meta.quench?.converged) {
    const t0 = performance.now();
    const parent = readExtxyz(parentPath);
    let start: number | undefined;
    let stopped = false;
    const target = Math.log10(settings.quench.forceTolerance);
    const result = runQuenchStage(settings, parent.positions, parent.diameters, (p) => {
      // Progress on a log scale of max|f|, from its first value down to the tolerance.
      start ??= Math.log10(Math.max(p.maxForce, 10 * settings.quench.forceTolerance));
      const fraction = Math.min(0.99, Math.max(0, (start - Math.log10(Math.max(p.maxForce, 1e-300))) / (start - target)));
      progress('quench', fraction, `${settings.quench.method} iteration ${p.iteration}, max|f| ${p.maxForce.toExponential(2)}`);
      if (stop()) {
        stopped = true;
        return false;
      }
    });
    if (stopped) return { status: 'stopped', stage: 'quench' };
    const quenchMeta = {
      method: result.method,
      iterations: result.iterations,
      evaluations: result.evaluations,
      converged: result.converged,
      reason: result.reason,
      forceTolerance: settings.quench.forceTolerance,
    };
    // A new inherent structure: moduli of an earlier one (if any) no longer belong to it.
    const { elasticity: _earlier, ...before } = meta;
    meta = {
      ...before,
      energy: result.energy,
      energyPerParticle: result.energy / settings.model.particles,
      maxForce: result.maxForce,
      quench: quenchMeta,
      timings: { ...meta.timings, quench: seconds(t0) },
    };
    const configuration = {
      dim: settings.model.dim,
      side: parent.side,
      positions: result.positions,
      diameters: parent.diameters,
      info: { energy: result.energy, max_force: result.maxForce, seed: entry.seed },
    };
    if (!result.converged) {
      // Never saved as an inherent structure: kept for inspection under another name.
      writeExtxyz(join(folder, 'unconverged.extxyz'), configuration);
      meta = { ...meta, failed: { stage: 'quench', reason: `did not reach max|f| ≤ ${settings.quench.forceTolerance} (${result.reason} after ${result.iterations} iterations, max|f| = ${result.maxForce.toExponential(3)})` } };
      writeJsonAtomic(join(folder, 'meta.json'), meta);
      return { status: 'failed', error: `quench: ${meta.failed!.reason}` };
    }
    writeExtxyz(configPath, configuration);
    writeJsonAtomic(join(folder, 'meta.json'), meta);
    progress('quench', 1, `E/N = ${meta.energyPerParticle!.toFixed(6)}, max|f| = ${result.maxForce.toExponential(2)}`);
  }
  if (stop()) return { status: 'stopped', stage: 'spectrum' };

  // Stage 3: the spectrum.
  if (settings.spectrum.enabled && !(meta.spectrum && existsSync(join(folder, 'eigenvalues.npy')))) {
    // eigenvalues.npy, modes.npy (K × dN), participation.npy and meta.json's spectrum section
    // (docs/PROJECT_FORMAT.md); nothing dN × dN on the 'lowest' path.
    const t0 = performance.now();
    const config = readExtxyz(configPath);
    const onProgress = (fraction: number, message: string) => progress('spectrum', fraction, message);
    // backend: auto is chosen by a calibration of this machine (cached on disk by
    // engine/io/spectrumCalibration.ts, and read once per process: the machine does not change under it).
    const calibration = settings.spectrum.method === 'full' && settings.spectrum.backend === 'auto' ? (await (machineCalibration ??= loadOrCalibrate((m) => onProgress(0, m)).catch((error) => { machineCalibration = undefined; throw error; }))).calibration : undefined;
    const stage = await runSpectrumStage(settings, config.positions, config.diameters, onProgress, calibration);
    const { result } = stage;
    writeNpy(join(folder, 'eigenvalues.npy'), result.eigenvalues, [stage.storedEigenvalues]);
    writeNpy(join(folder, 'modes.npy'), result.modes, [stage.storedModes, config.positions.length]);
    writeNpy(join(folder, 'participation.npy'), result.participationRatios, [result.participationRatios.length]);
    // A rerun of the spectrum rewrites the elasticity section too (stage 4 below).
    const { elasticity: _earlier, ...before } = meta;
    meta = { ...before, spectrum: stage.summary, timings: { ...meta.timings, spectrum: seconds(t0) } };
    writeJsonAtomic(join(folder, 'meta.json'), meta);
    for (const line of stage.report) onProgress(1, line);
  }

  // Stage 4: the elastic moduli of the inherent structure, stored in meta.json's elasticity section
  // (docs/PROJECT_FORMAT.md) for the views' ω_0 and `glassmodes analyze`. The sample is already
  // done without it (as a project made before this stage): a run stopped here loses only the moduli,
  // which consumers then compute themselves.
  if (settings.spectrum.enabled && !storedElasticity(folder, meta, DEFAULT_MODULI_TOLERANCE)) {
    if (stop()) return { status: 'stopped', stage: 'elasticity' };
    const t0 = performance.now();
    const config = readExtxyz(configPath);
    const digest = fileDigest(configPath);
    progress('elasticity', 0, 'elastic moduli');
    const { moduli, tolerance } = runElasticityStage(settings, config.positions, config.diameters, (fraction, message) => progress('elasticity', fraction, message));
    const took = seconds(t0);
    meta = { ...meta, elasticity: elasticityRecord(moduli, tolerance, digest, took), timings: { ...meta.timings, elasticity: took } };
    writeJsonAtomic(join(folder, 'meta.json'), meta);
    const worst = Math.max(moduli.bulkRelativeResidual, ...moduli.planes.map((p) => p.relativeResidual));
    progress('elasticity', 1, `G = ${moduli.shearModulus.toPrecision(6)}, K = ${moduli.bulkModulus.toPrecision(6)}, ω_0 = ${moduli.omega0.toPrecision(6)}; CG residual ≤ ${worst.toExponential(1)}`);
  }
  return { status: 'done' };
}
