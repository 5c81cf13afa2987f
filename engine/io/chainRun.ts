/**
 * Runs one chain of a project (engine/pipeline/chain.ts) and its samples' later stages:
 *   chains/<cNNN>/checkpoint.json   the chain's state (Monte Carlo, δ tuning, E/N trace, F_s so far)
 *   chains/<cNNN>/chain.json        its report: τ_α, acceptances, drift verdict, warnings, trace
 *   samples/<id>/parent.extxyz      each parent, as it is reached, and the sample's meta.json
 * then quenches each parent and takes its spectrum (engine/io/sampleRun.ts) before the chain goes
 * on. A checkpoint is written after every parent and every `checkpointSeconds`; a run killed at any
 * point and started again repeats the chain from its last checkpoint bit for bit, so it writes the
 * same parents (a parent written after that checkpoint is written again, identically).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { advanceChain, chainReport, parentSweep, startChain, type ChainEntry, type ChainState } from '../pipeline/chain';
import { monteCarloStateFromJson, monteCarloStateToJson, type MonteCarloStateJson } from '../sim/moves';
import { boxSide } from '../model/settings';
import { APP_VERSION } from '../version';
import { sweepTempFiles, writeExtxyz, writeJsonAtomic } from './files';
import { acquireLock, readSampleMeta, sampleDir, type ProjectFile, type SampleMeta } from './project';
import { runSample, type SampleHooks, type SampleOutcome } from './sampleRun';
import { monteCarloStateProblem, resultSettings, settingsDigest } from './sampleCheck';
import type { ProjectSettings } from '../model/settings';

export function chainDir(dir: string, id: string): string {
  return join(dir, 'chains', id);
}

/**
 * 'stopped' gives the chain checkpoint it leaves on disk (a later run resumes there): written just
 * now at the sweep it stopped at, or the one written with its last parent when it stopped in a
 * sample's quench or spectrum (`sample`).
 */
export type ChainOutcome =
  | { status: 'done'; samples: Record<string, SampleOutcome> }
  | { status: 'stopped'; checkpoint: { sweepsDone: number; written: number; now: boolean } | null; sample?: string }
  | { status: 'locked' }
  | { status: 'failed'; error: string };

export interface ChainHooks extends SampleHooks {
  /** A sample of the chain reached an outcome (its parent written and its later stages run). */
  onSample?: (sampleId: string, outcome: SampleOutcome) => void;
  /** The chain's report after each parent and checkpoint (for live energy traces). */
  onReport?: (report: ReturnType<typeof chainReport>) => void;
}

interface ChainCheckpoint extends MonteCarloStateJson {
  format: 'glassmodes-chain-checkpoint';
  chain: number;
  written: number;
  trace: ChainState['trace'];
  traceEvery: number;
  relaxation: { lags: number[]; fs: number[]; reference: number[] | null; unwrapped: number[] | null; previous: number[] | null; largestStep: number };
  /** Wall seconds in the chain's Monte Carlo alone (its samples' quench and spectrum not counted). */
  elapsedSeconds: number;
}

const list = (a: Float64Array | null) => (a ? Array.from(a) : null);
const typed = (a: number[] | null) => (a ? Float64Array.from(a) : null);

function saveChain(path: string, state: ChainState, elapsedSeconds: number): void {
  const { mc, relaxation: r } = state;
  const c: ChainCheckpoint = {
    format: 'glassmodes-chain-checkpoint',
    chain: state.chain,
    ...monteCarloStateToJson(mc),
    written: state.written,
    trace: state.trace,
    traceEvery: state.traceEvery,
    relaxation: { lags: r.lags, fs: r.fs, reference: list(r.reference), unwrapped: list(r.unwrapped), previous: list(r.previous), largestStep: r.largestStep },
    elapsedSeconds,
  };
  writeJsonAtomic(path, c);
}

/** A chain checkpoint, or undefined when there is none; a corrupt one is an error that names the file (nothing is overwritten). */
function loadChain(path: string, entry: ChainEntry, settings: ProjectSettings): { state: ChainState; elapsedSeconds: number } | undefined {
  if (!existsSync(path)) return undefined;
  let c: ChainCheckpoint;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as ChainCheckpoint;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); move it away to restart chain ${entry.id} from its seed`);
  }
  let mc: ChainState['mc'];
  try {
    if (c.format !== 'glassmodes-chain-checkpoint' || c.chain !== entry.index) throw new RangeError(`format ${JSON.stringify(c.format)}, chain ${c.chain}`);
    const problem = monteCarloStateProblem(c as unknown as Record<string, unknown>, settings, Number.MAX_SAFE_INTEGER);
    if (problem) throw new RangeError(problem);
    if (!(Number.isInteger(c.written) && c.written >= 0 && c.written <= entry.samples.length)) throw new RangeError(`written must be an integer in [0, ${entry.samples.length}], got ${JSON.stringify(c.written)}`);
    mc = monteCarloStateFromJson(c);
  } catch (error) {
    throw new Error(`${path} is not a checkpoint of chain ${entry.id} (${(error as Error).message}); move it away to restart the chain from its seed`);
  }
  return {
    state: {
      chain: c.chain,
      mc,
      written: c.written,
      trace: c.trace,
      traceEvery: c.traceEvery,
      relaxation: {
        lags: c.relaxation.lags,
        fs: c.relaxation.fs,
        reference: typed(c.relaxation.reference),
        unwrapped: typed(c.relaxation.unwrapped),
        previous: typed(c.relaxation.previous),
        largestStep: c.relaxation.largestStep,
      },
    },
    elapsedSeconds: c.elapsedSeconds,
  };
}

/** The chain's report as written to chain.json (undefined before the chain started). */
/** chain.json: the report, and `elapsedSeconds`, the wall time of the chain's Monte Carlo so far. */
export function readChainReport(dir: string, id: string): (ReturnType<typeof chainReport> & { elapsedSeconds?: number }) | undefined {
  const path = join(chainDir(dir, id), 'chain.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function runChain(dir: string, project: ProjectFile, entry: ChainEntry, hooks: ChainHooks = {}): Promise<ChainOutcome> {
  const folder = chainDir(dir, entry.id);
  const release = acquireLock(folder, { onTakeover: hooks.onLog });
  if (!release) return { status: 'locked' };
  try {
    sweepTempFiles(folder); // ours alone while we hold the lock
    const onProgress = hooks.onProgress;
    const beating: ChainHooks = { ...hooks, onProgress: (stage, fraction, message) => (release.heartbeat(), onProgress?.(stage, fraction, message)) };
    return await runChainLocked(dir, project, entry, folder, beating);
  } finally {
    release();
  }
}

async function runChainLocked(dir: string, project: ProjectFile, entry: ChainEntry, folder: string, hooks: ChainHooks): Promise<ChainOutcome> {
  const { settings } = project;
  const checkpointPath = join(folder, 'checkpoint.json');
  const reportPath = join(folder, 'chain.json');
  const progress = hooks.onProgress ?? (() => {});
  const stop = hooks.shouldStop ?? (() => false);
  const resumed = loadChain(checkpointPath, entry, settings);
  const state = resumed?.state ?? startChain(settings, entry);
  // Monte Carlo time only: the clock runs inside advanceChain.
  let monteCarloSeconds = resumed?.elapsedSeconds ?? 0;
  let runningSince: number | null = null;
  const elapsed = () => monteCarloSeconds + (runningSince === null ? 0 : (performance.now() - runningSince) / 1000);
  const total = parentSweep(settings, entry.samples.length - 1);
  const publish = () => {
    const report = { ...chainReport(settings, entry, state), elapsedSeconds: elapsed() };
    writeJsonAtomic(reportPath, report);
    hooks.onReport?.(report);
  };
  const outcomes: Record<string, SampleOutcome> = {};
  const finishSample = async (j: number) => {
    const sample = project.samples[entry.samples[j]];
    const outcome = await runSample(dir, project, sample, hooks);
    outcomes[sample.id] = outcome;
    hooks.onSample?.(sample.id, outcome);
    return outcome;
  };
  // Parents written before a kill but after the last checkpoint are written again below; their
  // later stages run when their turn comes. Samples whose parents the checkpoint covers go first.
  // The checkpoint on disk when a sample's later stage is stopped (null: none yet).
  let onDisk: { sweepsDone: number; written: number; now: boolean } | null = resumed ? { sweepsDone: state.mc.sweepsDone, written: state.written, now: false } : null;
  for (let j = 0; j < state.written; j++) {
    const outcome = await finishSample(j);
    if (outcome.status === 'stopped') return { status: 'stopped', checkpoint: onDisk, sample: project.samples[entry.samples[j]].id };
  }
  let lastCheckpoint = performance.now();
  let lastReport = 0;
  for (;;) {
    runningSince = performance.now();
    const result = advanceChain(settings, entry, state, (s) => {
      const now = performance.now();
      if (now - lastReport > 250) {
        lastReport = now;
        progress('parent', s.mc.sweepsDone / total, `chain ${entry.id}: sweep ${s.mc.sweepsDone}/${total}, ${s.written}/${entry.samples.length} parents`);
      }
      if (now - lastCheckpoint > settings.sampling.checkpointSeconds * 1000) {
        saveChain(checkpointPath, s, elapsed());
        publish();
        lastCheckpoint = now;
        onDisk = { sweepsDone: s.mc.sweepsDone, written: s.written, now: false };
      }
      if (stop()) return false;
    });
    monteCarloSeconds = elapsed();
    runningSince = null;
    if (result === 'stopped') {
      saveChain(checkpointPath, state, elapsed());
      publish();
      return { status: 'stopped', checkpoint: { sweepsDone: state.mc.sweepsDone, written: state.written, now: true } };
    }
    if (result === 'done') break;
    // A parent: into its sample folder, then the checkpoint that counts it, then its later stages.
    const j = state.written;
    const sample = project.samples[entry.samples[j]];
    const report = chainReport(settings, entry, state);
    writeExtxyz(join(sampleDir(dir, sample.id), 'parent.extxyz'), {
      dim: settings.model.dim,
      side: boxSide(settings.model),
      positions: state.mc.positions,
      diameters: state.mc.diameters,
      info: { parent_temperature: String(settings.sampling.parentTemperature), sweeps: state.mc.sweepsDone, chain: entry.id, index_in_chain: j, seed: entry.seed },
    });
    const previous = readSampleMeta(dir, sample.id);
    const meta: SampleMeta = {
      ...(previous ?? {}),
      id: sample.id,
      seed: sample.seed,
      version: APP_VERSION,
      host: hostname(),
      settingsDigest: settingsDigest(settings),
      settings: resultSettings(settings),
      timings: { ...(previous?.timings ?? {}), parent: elapsed() },
      chain: { id: entry.id, index: entry.index, indexInChain: j, sweep: state.mc.sweepsDone, seed: entry.seed },
      mc: {
        temperature: settings.sampling.parentTemperature,
        sweeps: state.mc.sweepsDone,
        sweepsDone: state.mc.sweepsDone,
        attempted: { ...state.mc.attempted },
        accepted: { ...state.mc.accepted },
        acceptance: report.acceptance,
        delta: report.delta,
        ...(report.step ? { step: report.step } : {}),
      },
    };
    writeJsonAtomic(join(sampleDir(dir, sample.id), 'meta.json'), meta);
    state.written++;
    saveChain(checkpointPath, state, elapsed());
    publish();
    lastCheckpoint = performance.now();
    onDisk = { sweepsDone: state.mc.sweepsDone, written: state.written, now: false };
    progress('parent', state.mc.sweepsDone / total, `chain ${entry.id}: parent ${state.written}/${entry.samples.length} at sweep ${state.mc.sweepsDone}`);
    const outcome = await finishSample(j);
    if (outcome.status === 'stopped') return { status: 'stopped', checkpoint: onDisk, sample: sample.id };
    if (stop()) return { status: 'stopped', checkpoint: onDisk };
  }
  publish();
  return { status: 'done', samples: outcomes };
}
