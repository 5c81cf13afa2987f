/**
 * The job queue of the desktop app, on top of the engine's stage runner (the CLI runs the same
 * runner). One job runs at a time; inside it the runner uses one worker thread per sample.
 *
 * - cancel: aborts the run; every finished sample and every Monte Carlo checkpoint stays on disk.
 * - pause: the same abort, but the job keeps its place and `resume` continues what is pending.
 * - crash or quit: the job list is persisted; a job that was queued or running when the process
 *   died reads back as 'interrupted', and `resumeOffers` lists every recent project with samples
 *   still pending, so the app can offer to go on where it stopped.
 */
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { projectStatus, type ProjectFile, type SampleStatus } from '../../engine/io/project';
import { describeStopped, runProject, selectedChains, type RunEvent, type RunOptions, type RunSummary } from '../../engine/io/runner';
import { readChainReport } from '../../engine/io/chainRun';
import { parentSweep, type ChainReport } from '../../engine/pipeline/chain';
import type { ProjectSettings } from '../../engine/model/settings';
import type { ChainReportView, ChainSnapshot, JobSnapshot, JobState, ResumeOffer, SampleProgress } from '../ipc/contract';
import { JsonFileStore } from './json-store';

export type RunProject = (dir: string, options: RunOptions) => Promise<RunSummary>;

export interface JobQueueOptions {
  /** Folder for jobs.json (Electron: app.getPath('userData')). */
  stateDir: string;
  /** Where resume offers look for unfinished projects: the recent-projects list. */
  recentProjects: () => string[];
  /** Worker threads per run; read when a job starts, so a preference change applies to the next. */
  workers: () => number;
  /** The engine runner (injectable only so tests can count calls; the default is the real one). */
  run?: RunProject;
  /** Worker script for bundled hosts (the Electron main bundle ships engine/io/sampleWorker). */
  workerScript?: string | URL;
  now?: () => number;
}

/** What the queue follows of one chain while its job lives (projects of chains only). */
interface ChainTrack extends ChainSnapshot {
  sampleIds: string[];
  /** Fraction of the chain's Monte Carlo done, 0..1 (sweepsDone / totalSweeps). */
  monteCarlo: number;
}

interface Job extends JobSnapshot {
  controller?: AbortController;
  /** Chains by id, and the chain of each of their samples (projects of chains only). */
  chainTracks?: Map<string, ChainTrack>;
  chainOfSample?: Map<string, ChainTrack>;
  progress: Map<string, SampleProgress & { stageStartedAt: number; stageFractionAtStart: number }>;
  weights: Record<SampleProgress['stage'], number>;
  runStartedAt?: number;
  fractionAtRunStart?: number;
}

const ACTIVE: JobState[] = ['queued', 'running', 'pausing', 'cancelling'];
const HISTORY_LIMIT = 50;
const LOG_LIMIT = 100;

type StoredJob = Omit<JobSnapshot, 'running' | 'etaSeconds' | 'chains'>;

/** Points of a chain's E/N trace that go over IPC. */
export const TRACE_POINTS = 200;

/** At most `points` evenly spaced entries of a trace, the first and the last always among them. */
export function downsampleTrace(trace: { sweeps: number[]; energy: number[] }, points = TRACE_POINTS): { sweeps: number[]; energy: number[] } {
  const n = trace.sweeps.length;
  if (n <= points) return { sweeps: [...trace.sweeps], energy: [...trace.energy] };
  const sweeps: number[] = [];
  const energy: number[] = [];
  for (let k = 0; k < points; k++) {
    const i = Math.round((k * (n - 1)) / (points - 1));
    sweeps.push(trace.sweeps[i]);
    energy.push(trace.energy[i]);
  }
  return { sweeps, energy };
}

/** A chain report as the Jobs view gets it: no F_s, the trace downsampled. */
export function chainReportView(report: ChainReport): ChainReportView {
  const { relaxation: _r, trace, ...rest } = report as ChainReport & { elapsedSeconds?: number };
  return { ...rest, trace: downsampleTrace(trace) };
}

/**
 * Samples' worth of work a running chain has done beyond its finished samples: its Monte Carlo so
 * far spread over its samples (equilibration included), less the parent shares of the finished
 * ones, plus the later stages of the sample in flight. With the finished samples, this is the
 * chain's share of a job's fraction.
 */
export function chainWorkBeyondFinished(weights: Record<SampleProgress['stage'], number>, chain: Pick<ChainTrack, 'samples' | 'done' | 'failed' | 'monteCarlo'>, current?: Pick<SampleProgress, 'stage' | 'fraction'>): number {
  const finished = chain.done + chain.failed;
  const monteCarlo = Math.max(0, chain.samples * weights.parent * Math.min(1, chain.monteCarlo) - finished * weights.parent);
  const later = current && current.stage !== 'parent' && finished < chain.samples ? sampleFraction(weights, current.stage, current.fraction) - weights.parent : 0;
  return monteCarlo + Math.max(0, later);
}

/**
 * Relative cost of the stages of one sample, for the overall fraction: swap Monte Carlo dominates
 * when it runs at all; at T* = ∞ the parent stage is a random draw.
 */
export function stageWeights(settings: ProjectSettings): Record<SampleProgress['stage'], number> {
  const raw = {
    parent: settings.sampling.parentTemperature === 'inf' || (settings.sampling.chains === 0 && settings.sampling.sweeps === 0) ? 0.05 : 3,
    quench: 1,
    spectrum: settings.spectrum.enabled ? 1 : 0,
    // Four CG solves with the sparse Hessian (three in 2D: two), after the spectrum.
    elasticity: settings.spectrum.enabled ? 0.5 : 0,
  };
  const sum = raw.parent + raw.quench + raw.spectrum + raw.elasticity;
  return { parent: raw.parent / sum, quench: raw.quench / sum, spectrum: raw.spectrum / sum, elasticity: raw.elasticity / sum };
}

/** Fraction of one sample done, from its current stage and that stage's fraction. */
export function sampleFraction(weights: Record<SampleProgress['stage'], number>, stage: SampleProgress['stage'], fraction: number): number {
  const order = ['parent', 'quench', 'spectrum', 'elasticity'] as const;
  const before = order.slice(0, order.indexOf(stage)).reduce((s, k) => s + weights[k], 0);
  return Math.min(1, before + weights[stage] * Math.min(1, Math.max(0, fraction)));
}

/** Seconds left by linear extrapolation of progress since `startedAt`; undefined until it means something. */
export function estimateSecondsLeft(startedAt: number, now: number, fractionAtStart: number, fraction: number): number | undefined {
  const elapsed = (now - startedAt) / 1000;
  const gained = fraction - fractionAtStart;
  if (elapsed < 1 || gained < 0.005) return undefined;
  return Math.max(0, (elapsed * (1 - fraction)) / gained);
}

/**
 * The samples a job covers: those of its range, or in a project of chains the samples of every
 * chain that owns one of them, since the runner runs such chains whole.
 */
function jobSamples(project: ProjectFile, statuses: SampleStatus[], range?: [number, number]): SampleStatus[] {
  if (project.settings.sampling.chains > 0) return selectedChains(project, { samples: range }).flatMap((c) => c.samples.map((k) => statuses[k]));
  return range ? statuses.slice(range[0], range[1] + 1) : statuses;
}

export class JobQueue {
  private readonly store: JsonFileStore<StoredJob[]>;
  private readonly jobs: Job[] = [];
  private readonly listeners = new Set<(jobs: JobSnapshot[]) => void>();
  private readonly run: RunProject;
  private readonly now: () => number;
  private current?: { job: Job; done: Promise<void> };
  private notifyTimer?: ReturnType<typeof setTimeout>;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: JobQueueOptions) {
    this.run = options.run ?? runProject;
    this.now = options.now ?? Date.now;
    this.store = new JsonFileStore(join(options.stateDir, 'jobs.json'), () => [], (raw) => (Array.isArray(raw) ? (raw as StoredJob[]) : undefined));
    for (const stored of this.store.read()) {
      if (typeof stored?.id !== 'string' || typeof stored.project !== 'string') continue;
      // A job that was active when the last process stopped did not stop cleanly: it was interrupted.
      const state: JobState = ACTIVE.includes(stored.state) ? 'interrupted' : stored.state;
      this.jobs.push({ ...stored, state, running: [], log: stored.log ?? [], progress: new Map(), weights: { parent: 0, quench: 1, spectrum: 0, elasticity: 0 } });
    }
    if (this.jobs.some((j) => j.state === 'interrupted')) this.persist();
  }

  list(): JobSnapshot[] {
    return this.jobs.map((j) => this.snapshot(j));
  }

  get(id: string): JobSnapshot {
    return this.snapshot(this.find(id));
  }

  onChange(listener: (jobs: JobSnapshot[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues a run of a project's pending samples (optionally a range [first, last], 0-based). */
  enqueue(dir: string, samples?: [number, number]): JobSnapshot {
    const project = resolve(dir);
    const { project: file, samples: statuses } = projectStatus(project); // refuses a broken project now, not later
    if (samples && samples[1] >= statuses.length) throw new RangeError(`samples ${samples[0]}-${samples[1]} are outside this project's samples 0-${statuses.length - 1}`);
    const busy = this.jobs.find((j) => j.project === project && ACTIVE.includes(j.state));
    if (busy) throw new Error(`${file.name} already has a job in the queue (${busy.state}); cancel or wait for it first`);
    const inRange = jobSamples(file, statuses, samples);
    const job: Job = {
      id: randomUUID().slice(0, 8),
      project,
      projectName: file.name,
      samples,
      state: 'queued',
      createdAt: new Date(this.now()).toISOString(),
      total: inRange.length,
      done: inRange.filter((s) => s.state === 'done').length,
      failed: inRange.filter((s) => s.state === 'failed').length,
      fraction: 0,
      running: [],
      log: [],
      progress: new Map(),
      weights: stageWeights(file.settings),
    };
    this.trackChains(job, file, statuses);
    job.fraction = job.total ? job.done / job.total : 1;
    this.jobs.push(job);
    this.changed(true);
    this.pump();
    return this.snapshot(job);
  }

  /** Stops a job for good; what is finished stays on disk. */
  cancel(id: string): JobSnapshot {
    return this.stop(this.find(id), 'cancel');
  }

  /** Stops a job but keeps it, so that `resume` continues with what is pending. */
  pause(id: string): JobSnapshot {
    return this.stop(this.find(id), 'pause');
  }

  /** Puts a paused, interrupted, cancelled or failed job back in the queue; the runner skips finished samples. */
  resume(id: string): JobSnapshot {
    const job = this.find(id);
    if (ACTIVE.includes(job.state)) return this.snapshot(job);
    const busy = this.jobs.find((j) => j !== job && j.project === job.project && ACTIVE.includes(j.state));
    if (busy) throw new Error(`${job.projectName} already has a job in the queue`);
    const { project, samples } = projectStatus(job.project);
    const inRange = jobSamples(project, samples, job.samples);
    this.trackChains(job, project, samples);
    Object.assign(job, {
      state: 'queued' as JobState,
      finishedAt: undefined,
      error: undefined,
      weights: stageWeights(project.settings),
      total: inRange.length,
      done: inRange.filter((s) => s.state === 'done').length,
      failed: inRange.filter((s) => s.state === 'failed').length,
    });
    this.log(job, 'resumed: finished samples are kept, pending ones run');
    this.changed(true);
    this.pump();
    return this.snapshot(job);
  }

  /** Drops a job that is not active from the list (its files are untouched). */
  remove(id: string): JobSnapshot[] {
    const job = this.find(id);
    if (ACTIVE.includes(job.state)) throw new Error('cancel the job before removing it from the list');
    this.jobs.splice(this.jobs.indexOf(job), 1);
    this.changed(true);
    return this.list();
  }

  /**
   * Recent projects with samples still to run, for the "resume?" prompt at start-up. Projects with
   * an active job are left out; `interrupted` says the last process died (or quit) while running one.
   */
  resumeOffers(): ResumeOffer[] {
    const paths = new Set([...this.options.recentProjects().map((p) => resolve(p)), ...this.jobs.filter((j) => j.state === 'interrupted').map((j) => j.project)]);
    const offers: ResumeOffer[] = [];
    for (const path of paths) {
      if (this.jobs.some((j) => j.project === path && ACTIVE.includes(j.state))) continue;
      try {
        const { project, samples } = projectStatus(path);
        const pending = samples.filter((s) => s.state !== 'done' && s.state !== 'failed').length;
        const interrupted = this.jobs.some((j) => j.project === path && j.state === 'interrupted');
        if (pending > 0) {
          offers.push({ project: path, name: project.name, pending, total: samples.length, interrupted });
        }
      } catch {
        // a project that no longer opens is reported by the projects list, not offered here
      }
    }
    return offers;
  }

  /** Resolves when no job is queued or running. */
  whenIdle(): Promise<void> {
    if (!this.current && !this.jobs.some((j) => j.state === 'queued')) return Promise.resolve();
    return new Promise((resolveIdle) => this.idleWaiters.push(resolveIdle));
  }

  /** On quit: pause what runs (files stay; the next start offers to resume) and wait for the workers to stop. */
  async shutdown(): Promise<void> {
    for (const job of this.jobs) {
      if (job.state === 'running') this.stop(job, 'pause');
      else if (job.state === 'queued') job.state = 'paused';
    }
    this.persist();
    await this.current?.done;
  }

  // ---- internals ------------------------------------------------------------------------------

  /** (Re)reads the job's chains from disk: finished samples and the last chain.json of each. */
  private trackChains(job: Job, project: ProjectFile, statuses: SampleStatus[]): void {
    if (project.settings.sampling.chains === 0) return;
    const previous = job.chainTracks;
    job.chainTracks = new Map();
    job.chainOfSample = new Map();
    for (const chain of selectedChains(project, { samples: job.samples })) {
      const mine = chain.samples.map((k) => statuses[k]);
      const totalSweeps = parentSweep(project.settings, chain.samples.length - 1);
      const onDisk = readChainReport(job.project, chain.id);
      const report = onDisk ? chainReportView(onDisk) : previous?.get(chain.id)?.report;
      const track: ChainTrack = {
        chainId: chain.id,
        samples: chain.samples.length,
        done: mine.filter((s) => s.state === 'done').length,
        failed: mine.filter((s) => s.state === 'failed').length,
        totalSweeps,
        report,
        sampleIds: mine.map((s) => s.id),
        monteCarlo: report ? report.sweepsDone / totalSweeps : 0,
      };
      job.chainTracks.set(chain.id, track);
      for (const id of track.sampleIds) job.chainOfSample.set(id, track);
    }
  }

  private find(id: string): Job {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) throw new Error(`no job '${id}'`);
    return job;
  }

  private stop(job: Job, how: 'cancel' | 'pause'): JobSnapshot {
    if (job.state === 'queued' || job.state === 'interrupted' || (how === 'cancel' && job.state === 'paused')) {
      job.state = how === 'cancel' ? 'cancelled' : 'paused';
      job.finishedAt = new Date(this.now()).toISOString();
    } else if (job.state === 'running' || job.state === 'pausing' || job.state === 'cancelling') {
      job.state = how === 'cancel' ? 'cancelling' : 'pausing';
      job.controller?.abort();
    }
    this.log(job, how === 'cancel' ? 'cancel requested' : 'pause requested');
    this.changed(true);
    return this.snapshot(job);
  }

  private pump(): void {
    if (this.current) return;
    const job = this.jobs.find((j) => j.state === 'queued');
    if (!job) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    const done = this.execute(job).finally(() => {
      this.current = undefined;
      this.pump();
    });
    this.current = { job, done };
  }

  private async execute(job: Job): Promise<void> {
    job.state = 'running';
    job.controller = new AbortController();
    job.startedAt = new Date(this.now()).toISOString();
    job.runStartedAt = this.now();
    job.fraction = job.total ? job.done / job.total : 1;
    job.fractionAtRunStart = job.fraction;
    const workers = Math.max(1, this.options.workers());
    this.log(job, `run started with ${workers} worker thread${workers === 1 ? '' : 's'}`);
    this.changed(true);
    try {
      const summary = await this.run(job.project, {
        samples: job.samples,
        jobs: workers,
        signal: job.controller.signal,
        onEvent: (event) => this.onEvent(job, event),
        workerScript: this.options.workerScript,
      });
      for (const s of summary.skipped) this.log(job, `${s.id} skipped: ${s.reason}`);
      for (const s of summary.stopped ?? []) this.log(job, describeStopped(s));
      const requested = job.state as JobState; // pause() or cancel() may have changed it meanwhile
      if (requested === 'pausing') job.state = 'paused';
      else if (requested === 'cancelling') job.state = 'cancelled';
      else if (summary.failed.length > 0) {
        job.state = 'failed';
        job.error = `${summary.failed.length} sample${summary.failed.length === 1 ? '' : 's'} failed; first: ${summary.failed[0].id}: ${summary.failed[0].error.split('\n')[0]}`;
      } else job.state = summary.cancelled ? 'cancelled' : 'done';
    } catch (error) {
      job.state = 'failed';
      job.error = (error as Error).message;
      this.log(job, `run failed: ${job.error}`);
    }
    this.recount(job);
    job.progress.clear();
    job.controller = undefined;
    job.finishedAt = new Date(this.now()).toISOString();
    this.log(job, `run ended: ${job.state} (${job.done}/${job.total} samples done${job.failed ? `, ${job.failed} failed` : ''})`);
    this.changed(true);
  }

  /** Re-reads the job's samples from disk: the files, not the events, are the truth. */
  private recount(job: Job): void {
    try {
      const { project, samples } = projectStatus(job.project);
      const inRange = jobSamples(project, samples, job.samples);
      if (job.chainTracks) this.trackChains(job, project, samples);
      job.done = inRange.filter((s) => s.state === 'done').length;
      job.failed = inRange.filter((s) => s.state === 'failed').length;
      job.fraction = job.total ? job.done / job.total : 1;
    } catch (error) {
      this.log(job, `could not read the project after the run: ${(error as Error).message}`);
    }
  }

  private onEvent(job: Job, event: RunEvent): void {
    const now = this.now();
    switch (event.type) {
      case 'sample-start':
        job.progress.set(event.sampleId, { sampleId: event.sampleId, stage: 'parent', fraction: 0, message: 'starting', stageStartedAt: now, stageFractionAtStart: 0 });
        break;
      case 'progress': {
        const previous = job.progress.get(event.sampleId);
        const sameStage = previous?.stage === event.stage;
        const entry = {
          sampleId: event.sampleId,
          stage: event.stage,
          fraction: event.fraction,
          message: event.message,
          stageStartedAt: sameStage ? previous.stageStartedAt : now,
          stageFractionAtStart: sameStage ? previous.stageFractionAtStart : event.fraction,
        };
        job.progress.set(event.sampleId, { ...entry, etaSeconds: estimateSecondsLeft(entry.stageStartedAt, now, entry.stageFractionAtStart, entry.fraction) });
        // In a project of chains the id is the chain's, and a 'parent' fraction is the chain's Monte Carlo.
        const track = job.chainTracks?.get(event.sampleId);
        if (track && event.stage === 'parent') track.monteCarlo = Math.max(track.monteCarlo, event.fraction);
        break;
      }
      case 'chain-report': {
        const track = job.chainTracks?.get(event.chainId);
        if (track) {
          track.report = chainReportView(event.report);
          track.monteCarlo = Math.max(track.monteCarlo, event.report.sweepsDone / track.totalSweeps);
        }
        break;
      }
      case 'sample-done':
      case 'sample-failed': {
        job.progress.delete(event.sampleId);
        if (event.type === 'sample-done') job.done++;
        else {
          job.failed++;
          this.log(job, `${event.sampleId} failed: ${event.error.split('\n')[0]}`);
        }
        const track = job.chainOfSample?.get(event.sampleId);
        if (track) {
          if (event.type === 'sample-done') track.done++;
          else track.failed++;
          // The chain goes back to its Monte Carlo, or, with all its samples finished, stops running.
          const current = job.progress.get(track.chainId);
          if (track.done + track.failed >= track.samples) job.progress.delete(track.chainId);
          else if (current && current.stage !== 'parent') {
            job.progress.set(track.chainId, { ...current, stage: 'parent', fraction: track.monteCarlo, message: `chain ${track.chainId}: ${track.done + track.failed}/${track.samples} samples finished`, etaSeconds: undefined, stageStartedAt: now, stageFractionAtStart: track.monteCarlo });
          }
        }
        break;
      }
      case 'log':
        this.log(job, event.message);
        break;
    }
    let running = 0;
    for (const p of job.progress.values()) {
      const track = job.chainTracks?.get(p.sampleId);
      running += track ? chainWorkBeyondFinished(job.weights, track, p) : sampleFraction(job.weights, p.stage, p.fraction);
    }
    job.fraction = job.total ? Math.min(1, (job.done + job.failed + running) / job.total) : 1;
    this.changed(event.type !== 'progress' && event.type !== 'chain-report');
  }

  private log(job: Job, message: string): void {
    job.log.push(`${new Date(this.now()).toISOString().slice(11, 19)} ${message}`);
    if (job.log.length > LOG_LIMIT) job.log.splice(0, job.log.length - LOG_LIMIT);
  }

  private snapshot(job: Job): JobSnapshot {
    const { controller: _c, progress, weights: _w, runStartedAt, fractionAtRunStart, chainTracks, chainOfSample: _m, ...plain } = job;
    const running = [...progress.values()].map(({ stageStartedAt: _s, stageFractionAtStart: _f, ...p }) => p);
    const etaSeconds = job.state === 'running' && runStartedAt !== undefined ? estimateSecondsLeft(runStartedAt, this.now(), fractionAtRunStart ?? 0, job.fraction) : undefined;
    const chains = chainTracks ? [...chainTracks.values()].map(({ sampleIds: _i, monteCarlo: _mc, ...c }) => c) : undefined;
    return { ...plain, log: [...job.log], running, etaSeconds, ...(chains ? { chains } : {}) };
  }

  private persist(): void {
    const active = this.jobs.filter((j) => ACTIVE.includes(j.state) || j.state === 'paused' || j.state === 'interrupted');
    const history = this.jobs.filter((j) => !active.includes(j)).slice(-HISTORY_LIMIT);
    const keep = this.jobs.filter((j) => active.includes(j) || history.includes(j));
    this.store.write(keep.map((j) => { const { running: _r, etaSeconds: _e, chains: _ch, ...rest } = this.snapshot(j); return rest; }));
  }

  /** Persists on state changes; progress-only changes reach listeners at most every 100 ms. */
  private changed(stateChanged: boolean): void {
    if (stateChanged) {
      this.persist();
      if (this.notifyTimer) clearTimeout(this.notifyTimer);
      this.notifyTimer = undefined;
      this.notify();
    } else if (!this.notifyTimer) {
      this.notifyTimer = setTimeout(() => {
        this.notifyTimer = undefined;
        this.notify();
      }, 100);
    }
  }

  private notify(): void {
    const snapshot = this.list();
    for (const listener of this.listeners) listener(snapshot);
  }
}
