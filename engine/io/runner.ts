/**
 * The stage runner shared by the CLI and the app (docs/DESIGN.md "Processes"): finds the pending
 * samples of a project, runs them one sample per worker thread, streams progress events. On
 * cancel (the signal aborts: the app's cancel or pause, or SIGINT/SIGTERM in the CLI) it asks every
 * running sample or chain to stop through a shared flag it polls between Monte Carlo sweeps and
 * quench iterations; each writes its checkpoint and returns, and the summary says what was written
 * (`stopped`). A worker that does not answer within `stopGraceSeconds` is terminated: every file
 * already on disk stays, because every write is atomic, so that a later call resumes what is pending.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { assertSettingsUnchanged, LOCK_HEARTBEAT_SECONDS, openProject, refreshOwnLock, releaseOwnLock, sampleDir, sampleStatus, type ProjectFile } from './project';
import { sweepAnalysis } from './analysisFiles';
import { sweepProjectTempFiles } from './sweep';
import { chainDir } from './chainRun';
import { runSample, type SampleOutcome, type Stage } from './sampleRun';
import { chainEntries, type ChainEntry, type ChainReport } from '../pipeline/chain';
import { runChain, type ChainOutcome } from './chainRun';
import { threadsDisabled } from './gemmWorker';

export type RunEvent =
  | { type: 'progress'; sampleId: string; stage: Stage; fraction: number; message: string }
  | { type: 'sample-start'; sampleId: string }
  | { type: 'sample-done'; sampleId: string }
  | { type: 'sample-failed'; sampleId: string; error: string }
  | { type: 'log'; message: string }
  /** A chain's report after a parent or a checkpoint: E/N trace, τ_α, acceptances, warnings. */
  | { type: 'chain-report'; chainId: string; report: ChainReport };

export interface RunOptions {
  /**
   * Inclusive range of sample indices [first, last]; default all. In a project of chains, every
   * chain that owns a sample of the range runs whole (its samples are contiguous: chains a-b own
   * samples chainEntries(...)[a].samples[0] … [b].samples.at(-1)).
   */
  samples?: [number, number];
  /** Inclusive range of chain indices (projects of chains only). */
  chains?: [number, number];
  /** Worker threads (one sample each); default min(pending, cores). */
  jobs?: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Run samples in this thread, one after another (no workers). */
  inProcess?: boolean;
  /** Worker script to use instead of ./sampleWorker.ts (for bundled hosts such as Electron's main). */
  workerScript?: string | URL;
  /** On cancel, how long running workers get to write their checkpoints before they are terminated (default 20 s). */
  stopGraceSeconds?: number;
}

/** A sample or chain that was running when the run was cancelled, and what it left on disk. */
export interface StoppedItem {
  id: string;
  unit: 'sample' | 'chain';
  /** A Monte Carlo checkpoint was written as it stopped, at this sweep (of `sweeps`, for a sample). */
  checkpoint?: { sweepsDone: number; sweeps?: number; parentsWritten?: number };
  /** Stopped in a later stage, which restarts from the file before it (no checkpoint needed). */
  stage?: Stage;
  /** The sample of a chain whose quench or spectrum was stopped. */
  sample?: string;
  /** For a chain stopped in a sample's stage: the chain checkpoint already on disk (or none). */
  kept?: { sweepsDone: number; parentsWritten: number } | null;
  /** It did not answer within the grace time and was terminated: what it resumes from is its last periodic checkpoint, if any. */
  terminated?: boolean;
}

export interface RunSummary {
  done: string[];
  failed: { id: string; error: string }[];
  skipped: { id: string; reason: string }[];
  /** Samples not run because a file of theirs is damaged (also listed in `skipped`): `run --redo <id>` recomputes them. */
  damaged?: { id: string; error: string }[];
  cancelled: boolean;
  /** On cancel: each sample or chain that was running, and what it wrote as it stopped. */
  stopped: StoppedItem[];
}

/** One line per stopped item, saying truthfully what was written (for the CLI, the app and logs). */
export function describeStopped(item: StoppedItem): string {
  if (item.terminated) return `${item.id}: did not stop within the grace time and was terminated; it resumes from its last periodic checkpoint, if any`;
  if (item.checkpoint) {
    const c = item.checkpoint;
    return item.unit === 'chain'
      ? `chain ${item.id}: checkpoint written at sweep ${c.sweepsDone} (${c.parentsWritten} parent(s) written)`
      : `${item.id}: Monte Carlo checkpoint written at sweep ${c.sweepsDone}${c.sweeps !== undefined ? ` of ${c.sweeps}` : ''}`;
  }
  if (item.unit === 'chain') {
    const kept = item.kept ? `its checkpoint at sweep ${item.kept.sweepsDone} (${item.kept.parentsWritten} parent(s)) is kept` : 'it has no checkpoint yet and restarts from its seed';
    return `chain ${item.id}: stopped in ${item.sample ?? 'a sample'}'s quench or spectrum (that stage restarts from the sample's files); ${kept}`;
  }
  if (item.stage === 'quench') return `${item.id}: stopped in its quench, which restarts from parent.extxyz (kept)`;
  if (item.stage === 'spectrum') return `${item.id}: stopped in its spectrum, which restarts from config.extxyz (kept)`;
  if (item.stage === 'elasticity') return `${item.id}: stopped before its elastic moduli (its spectrum is kept; the views and analyze compute the moduli where meta.json has none)`;
  return `${item.id}: stopped`;
}

/** The cancel message: how many checkpoints were written, and for what. */
export function stopReport(summary: RunSummary): string[] {
  const written = summary.stopped.filter((s) => s.checkpoint).length;
  const head = summary.stopped.length === 0 ? 'cancelled: nothing was running; finished samples are kept' : `cancelled: ${written} checkpoint(s) written for ${summary.stopped.length} running sample(s)/chain(s); finished samples are kept`;
  return [head, ...summary.stopped.map((s) => '  ' + describeStopped(s))];
}

function stoppedSample(id: string, outcome: Extract<SampleOutcome, { status: 'stopped' }>): StoppedItem {
  return { id, unit: 'sample', ...(outcome.checkpoint ? { checkpoint: outcome.checkpoint } : {}), ...(outcome.stage ? { stage: outcome.stage } : {}) };
}

function stoppedChain(id: string, outcome: Extract<ChainOutcome, { status: 'stopped' }>): StoppedItem {
  const c = outcome.checkpoint;
  if (c?.now) return { id, unit: 'chain', checkpoint: { sweepsDone: c.sweepsDone, parentsWritten: c.written } };
  return { id, unit: 'chain', ...(outcome.sample ? { sample: outcome.sample } : {}), kept: c ? { sweepsDone: c.sweepsDone, parentsWritten: c.written } : null };
}

/** Parses "a-b" or "a" into an inclusive index range, checking it against the project. */
export function parseSampleRange(text: string, count: number): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`--samples must be a or a-b with sample indices (0-based), got '${text}'`);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (first > last || last >= count) throw new RangeError(`--samples ${text} is outside this project's samples 0-${count - 1}`);
  return [first, last];
}

export function pendingSamples(dir: string, project: ProjectFile, range?: [number, number]) {
  const [first, last] = range ?? [0, project.samples.length - 1];
  return project.samples.slice(first, last + 1).map((entry) => sampleStatus(dir, project, entry));
}

/**
 * Node flags a worker may inherit: not those that describe the parent's own entry (an inline
 * script's --input-type, --eval, --print), which would break the worker's module.
 */
function workerExecArgv(): string[] {
  const entryFlags = /^(--input-type|--eval|-e|--print|-p)(=|$)/;
  return process.execArgv.filter((arg) => !entryFlags.test(arg));
}

/**
 * The worker entry beside this module: sampleWorker.ts when running from sources (tsx, vitest),
 * sampleWorker.mjs when compiled to dist/ (scripts/build-cli.mjs puts every entry and chunk in one folder).
 */
export function workerEntry(name: 'sampleWorker'): URL {
  return new URL(`./${name}.${import.meta.url.endsWith('.ts') ? 'ts' : 'mjs'}`, import.meta.url);
}

/**
 * Whether each of the pool's workers may start a helper thread for its SIMD gemm
 * (engine/io/gemmWorker.ts): only where the workers leave a core each for it, and not under
 * GLASSMODES_THREADS=1.
 */
export function gemmThreadsFor(jobs: number | undefined, items: number, cores = availableParallelism()): boolean {
  const workers = Math.max(1, Math.min(jobs ?? cores, items));
  return !threadsDisabled() && 2 * workers <= cores;
}

/** A worker for the script: TypeScript sources go through tsWorkerBootstrap.mjs, which registers tsx. */
export function startWorker(script: string | URL): Worker {
  const href = typeof script === 'string' ? pathToFileURL(script).href : script.href;
  const execArgv = workerExecArgv();
  if (href.endsWith('.ts')) {
    return new Worker(new URL('./tsWorkerBootstrap.mjs', import.meta.url), { workerData: { tsEntry: href }, execArgv });
  }
  return new Worker(new URL(href), { execArgv });
}

/** Parses "a-b" or "a" into an inclusive range of indices below `count`, naming the option in errors. */
export function parseIndexRange(text: string, count: number, option: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`${option} must be a or a-b with ${what} indices (0-based), got '${text}'`);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (first > last || last >= count) throw new RangeError(`${option} ${text} is outside this project's ${what}s 0-${count - 1}`);
  return [first, last];
}

/** The chains a run works on: those in `chains`, or those owning a sample in `samples`, or all. */
export function selectedChains(project: ProjectFile, options: Pick<RunOptions, 'samples' | 'chains'>): ChainEntry[] {
  const all = chainEntries(project.settings);
  if (options.chains) return all.slice(options.chains[0], options.chains[1] + 1);
  if (options.samples) {
    const [a, b] = options.samples;
    return all.filter((c) => c.samples.some((k) => k >= a && k <= b));
  }
  return all;
}

export async function runProject(dir: string, options: RunOptions = {}): Promise<RunSummary> {
  const project = openProject(dir);
  const log = (message: string) => options.onEvent?.({ type: 'log', message });
  sweepProjectTempFiles(dir, project, log);
  sweepAnalysis(dir, log);
  if (project.settings.sampling.chains > 0) return runChains(dir, project, options);
  if (options.chains) throw new RangeError('--chains applies to projects made of chains (glassmodes new … --chains C)');
  const emit = options.onEvent ?? (() => {});
  const statuses = pendingSamples(dir, project, options.samples);
  assertSettingsUnchanged(dir, statuses);
  const summary: RunSummary = { done: [], failed: [], skipped: [], damaged: [], cancelled: false, stopped: [] };
  const queue = [] as typeof statuses;
  for (const s of statuses) {
    if (s.state === 'done') continue;
    if (s.state === 'failed') summary.skipped.push({ id: s.id, reason: `failed earlier (${s.error}); glassmodes run ${dir} --redo ${s.id} to retry` });
    else if (s.state === 'damaged') {
      summary.skipped.push({ id: s.id, reason: s.error! });
      summary.damaged!.push({ id: s.id, error: s.error! });
    } else queue.push(s);
  }
  for (const s of summary.skipped) emit({ type: 'log', message: `${s.id} skipped: ${s.reason}` });
  if (queue.length === 0) return summary;
  if (options.signal?.aborted) return { ...summary, cancelled: true };

  const record = (id: string, outcome: SampleOutcome) => {
    if (outcome.status === 'done') {
      summary.done.push(id);
      emit({ type: 'sample-done', sampleId: id });
    } else if (outcome.status === 'failed') {
      summary.failed.push({ id, error: outcome.error });
      emit({ type: 'sample-failed', sampleId: id, error: outcome.error });
    } else if (outcome.status === 'locked') {
      summary.skipped.push({ id, reason: 'another run is working on it (samples/' + id + '/.lock)' });
      emit({ type: 'log', message: `${id} skipped: another run holds its lock` });
    } else {
      summary.cancelled = true;
      summary.stopped.push(stoppedSample(id, outcome));
    }
  };

  if (options.inProcess) {
    for (const s of queue) {
      if (options.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      emit({ type: 'sample-start', sampleId: s.id });
      const outcome = await runSample(dir, project, s, {
        onProgress: (stage, fraction, message) => emit({ type: 'progress', sampleId: s.id, stage, fraction, message }),
        shouldStop: () => options.signal?.aborted === true,
        onLog: (message) => emit({ type: 'log', message }),
      });
      record(s.id, outcome);
    }
    return summary;
  }

  await workerPool(queue, options, summary, emit, {
    start: (worker, s, stop) => {
      emit({ type: 'sample-start', sampleId: s.id });
      worker.postMessage({ type: 'run', dir, index: s.index, stop, gemmThreads: gemmThreadsFor(options.jobs, queue.length) });
    },
    message: (s, m) => {
      if (m.type === 'progress') emit({ type: 'progress', sampleId: m.sampleId, stage: m.stage, fraction: m.fraction, message: m.message });
      else if (m.type === 'outcome') {
        record(s.id, m.outcome as SampleOutcome);
        return true;
      }
      return false;
    },
    crash: (s, error) => record(s.id, { status: 'failed', error: `worker crashed: ${error.message}` }),
    terminated: (s) => summary.stopped.push({ id: s.id, unit: 'sample', terminated: true }),
    locks: (s) => [sampleDir(dir, s.id)],
  });
  return summary;
}

/**
 * A project of chains: one chain per worker (its Monte Carlo, then each parent's quench and
 * spectrum as it comes); a chain whose samples are all done is skipped.
 */
async function runChains(dir: string, project: ProjectFile, options: RunOptions): Promise<RunSummary> {
  const emit = options.onEvent ?? (() => {});
  const summary: RunSummary = { done: [], failed: [], skipped: [], damaged: [], cancelled: false, stopped: [] };
  const queue: ChainEntry[] = [];
  for (const chain of selectedChains(project, options)) {
    const statuses = chain.samples.map((k) => sampleStatus(dir, project, project.samples[k]));
    assertSettingsUnchanged(dir, statuses);
    const failed = statuses.filter((s) => s.state === 'failed');
    for (const s of failed) summary.skipped.push({ id: s.id, reason: `failed earlier (${s.error}); glassmodes run ${dir} --redo ${s.id} to retry` });
    for (const s of statuses.filter((x) => x.state === 'damaged')) {
      summary.skipped.push({ id: s.id, reason: s.error! });
      summary.damaged!.push({ id: s.id, error: s.error! });
    }
    if (statuses.some((s) => s.state !== 'done' && s.state !== 'failed' && s.state !== 'damaged')) queue.push(chain);
  }
  for (const s of summary.skipped) emit({ type: 'log', message: `${s.id} skipped: ${s.reason}` });
  if (queue.length === 0 || options.signal?.aborted) return { ...summary, cancelled: options.signal?.aborted === true };
  const recordSample = (id: string, outcome: SampleOutcome) => {
    if (outcome.status === 'done') {
      if (!summary.done.includes(id)) summary.done.push(id);
      emit({ type: 'sample-done', sampleId: id });
    } else if (outcome.status === 'failed') {
      summary.failed.push({ id, error: outcome.error });
      emit({ type: 'sample-failed', sampleId: id, error: outcome.error });
    } else if (outcome.status === 'locked') summary.skipped.push({ id, reason: `another run is working on it (samples/${id}/.lock)` });
  };
  const recordChain = (chain: ChainEntry, outcome: ChainOutcome) => {
    if (outcome.status === 'stopped') {
      summary.cancelled = true;
      summary.stopped.push(stoppedChain(chain.id, outcome));
    } else if (outcome.status === 'locked') {
      summary.skipped.push({ id: chain.id, reason: `another run is working on this chain (chains/${chain.id}/.lock)` });
      emit({ type: 'log', message: `${chain.id} skipped: another run holds its lock` });
    } else if (outcome.status === 'failed') {
      for (const k of chain.samples) if (!summary.done.includes(project.samples[k].id)) summary.failed.push({ id: project.samples[k].id, error: `chain ${chain.id}: ${outcome.error}` });
      emit({ type: 'log', message: `chain ${chain.id} failed: ${outcome.error}` });
    }
  };

  if (options.inProcess) {
    for (const chain of queue) {
      if (options.signal?.aborted) {
        summary.cancelled = true;
        break;
      }
      const outcome = await runChain(dir, project, chain, {
        onProgress: (stage, fraction, message) => emit({ type: 'progress', sampleId: chain.id, stage, fraction, message }),
        shouldStop: () => options.signal?.aborted === true,
        onLog: (message) => emit({ type: 'log', message }),
        onSample: (id, o) => recordSample(id, o),
        onReport: (report) => emit({ type: 'chain-report', chainId: chain.id, report }),
      });
      recordChain(chain, outcome);
    }
    return summary;
  }

  await workerPool(queue, options, summary, emit, {
    start: (worker, chain, stop) => worker.postMessage({ type: 'run-chain', dir, chain: chain.index, stop, gemmThreads: gemmThreadsFor(options.jobs, queue.length) }),
    message: (chain, m) => {
      if (m.type === 'progress') emit({ type: 'progress', sampleId: m.sampleId, stage: m.stage, fraction: m.fraction, message: m.message });
      else if (m.type === 'sample-outcome') recordSample(m.sampleId, m.outcome as SampleOutcome);
      else if (m.type === 'chain-report') emit({ type: 'chain-report', chainId: m.chainId, report: m.report });
      else if (m.type === 'chain-outcome') {
        recordChain(chain, m.outcome as ChainOutcome);
        return true;
      }
      return false;
    },
    crash: (chain, error) => recordChain(chain, { status: 'failed', error: `worker crashed: ${error.message}` }),
    terminated: (chain) => summary.stopped.push({ id: chain.id, unit: 'chain', terminated: true }),
    locks: (chain) => [chainDir(dir, chain.id), ...chain.samples.map((k) => sampleDir(dir, project.samples[k].id))],
  });
  return summary;
}

interface WorkerMessage {
  type: string;
  sampleId: string;
  chainId: string;
  stage: Stage;
  fraction: number;
  message: string;
  outcome: SampleOutcome | ChainOutcome;
  report: ChainReport;
}

/**
 * Runs the queue on min(jobs, queue) worker threads, one item each at a time. `message` handles a
 * worker's message about its item and returns true when the item is finished. On abort, every
 * running item is asked to stop (its shared flag is set; it writes its checkpoint and reports
 * 'stopped'); whatever has not answered after the grace time is terminated (what is on disk stays,
 * and a later run resumes it).
 */
async function workerPool<T>(
  queue: T[],
  options: RunOptions,
  summary: RunSummary,
  emit: (event: RunEvent) => void,
  handlers: {
    start: (worker: Worker, item: T, stop: SharedArrayBuffer) => void;
    message: (item: T, m: WorkerMessage) => boolean;
    crash: (item: T, error: Error) => void;
    /** The item was still running when the grace time ran out and its worker was terminated. */
    terminated: (item: T) => void;
    /**
     * The folders whose locks a worker may hold for the item: refreshed here (the worker may
     * compute for long stretches without a turn of its event loop) and freed once it is gone.
     */
    locks: (item: T) => string[];
  },
): Promise<void> {
  const script = options.workerScript ?? workerEntry('sampleWorker');
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), queue.length));
  const graceMs = 1000 * (options.stopGraceSeconds ?? 20);
  const workers: Worker[] = [];
  const current = new Map<Worker, T>();
  const flags = new Map<Worker, Int32Array>();
  const release = (item: T) => handlers.locks(item).forEach(releaseOwnLock);
  const heartbeat = setInterval(() => {
    for (const item of current.values()) handlers.locks(item).forEach(refreshOwnLock);
  }, LOCK_HEARTBEAT_SECONDS * 1000);
  heartbeat.unref();
  let next = 0;
  await new Promise<void>((resolveAll) => {
    let active = 0;
    let finished = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (graceTimer) clearTimeout(graceTimer);
      // Terminated mid-item, a worker cannot remove its locks: do it for it once it is gone.
      const left = [...current.values()];
      for (const item of left) handlers.terminated(item);
      void Promise.all(workers.map((w) => w.terminate())).then(() => {
        for (const item of left) release(item);
        clearInterval(heartbeat);
        resolveAll();
      });
    };
    const onAbort = () => {
      summary.cancelled = true;
      const running = current.size;
      if (running === 0) return finish();
      emit({ type: 'log', message: `stopping: ${running} running sample(s)/chain(s) write their checkpoints (up to ${graceMs / 1000} s)…` });
      for (const worker of current.keys()) Atomics.store(flags.get(worker)!, 0, 1);
      graceTimer = setTimeout(finish, graceMs);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const startOn = (worker: Worker): boolean => {
      if (next >= queue.length || summary.cancelled) return false;
      const item = queue[next++];
      current.set(worker, item);
      const buffer = new SharedArrayBuffer(4);
      flags.set(worker, new Int32Array(buffer));
      handlers.start(worker, item, buffer);
      return true;
    };
    for (let k = 0; k < jobs; k++) {
      const worker = startWorker(script);
      workers.push(worker);
      active++;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'log') return emit({ type: 'log', message: m.message });
        const item = current.get(worker);
        if (item === undefined || !handlers.message(item, m)) return;
        current.delete(worker);
        if (!startOn(worker)) {
          active--;
          void worker.terminate();
          if (active === 0) finish();
        }
      });
      worker.on('error', (error) => {
        const item = current.get(worker);
        current.delete(worker);
        if (item !== undefined) {
          release(item);
          handlers.crash(item, error);
        } else emit({ type: 'log', message: `worker crashed: ${error.message}` });
        active--;
        if (active === 0) finish();
      });
      startOn(worker);
    }
    if (options.signal?.aborted) onAbort();
  });
}
