/**
 * The project folder (docs/DESIGN.md; documented for users in docs/PROJECT_FORMAT.md):
 *   project.json                 settings, schema version, sample list, provenance
 *   samples/<id>/checkpoint.json Monte Carlo state of a parent run in progress
 *   samples/<id>/parent.extxyz   the configuration at T* before the quench
 *   samples/<id>/config.extxyz   the inherent structure
 *   samples/<id>/meta.json       energies, max |f|, MC acceptance, timings, seed, backend, version
 *   samples/<id>/eigenvalues.npy, modes.npy, participation.npy   the spectrum
 * project.json is written once, by `new`; each sample's state is read from its own files, so that
 * cluster tasks working on different samples never write the same file.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join, resolve, basename } from 'node:path';
import { hostname } from 'node:os';
import { deriveSeed } from '../random';
import { SettingsError, validateSettings, type ProjectSettings } from '../model/settings';
import { APP_VERSION, PROJECT_SCHEMA_VERSION } from '../version';
import { writeJsonAtomic } from './files';
import { checkpointDamage, configurationProblem, damageMessage, readCheckedMeta, spectrumDamage, type Damage } from './sampleCheck';

export interface SampleEntry {
  id: string;
  index: number;
  seed: number;
}

/** The file formats `glassmodes import` reads (engine/io/glassImport.ts). */
export type ImportFormat = 'extxyz' | 'lammps-data' | 'lammps-dump';

/** What project.json records of an import (docs/PROJECT_FORMAT.md "Imported projects"). */
export interface ImportRecord {
  mode: 'as-is' | 'quench';
  units: string;
  diameters: string;
  dimension: string;
  files: { path: string; sha256: string; format: ImportFormat; frames: number; samples: string[] }[];
}

export interface ProjectFile {
  format: 'glassmodes-project';
  schemaVersion: number;
  name: string;
  created: string;
  settings: ProjectSettings;
  samples: SampleEntry[];
  provenance: { app: 'glassmodes'; version: string; createdBy: string; host: string; node: string };
  /** Present when the samples were imported (`glassmodes import`): source files, checksums, mode (engine/io/glassImport.ts). */
  imported?: ImportRecord;
}

/** 'damaged': a file of the sample is not what it must be (engine/io/sampleCheck.ts); `damage` says which and why. */
export type SampleState = 'pending' | 'sampling' | 'sampled' | 'quenched' | 'done' | 'failed' | 'damaged';

export interface SampleStatus extends SampleEntry {
  state: SampleState;
  error?: string;
  damage?: Damage;
  meta?: SampleMeta;
}

/** meta.json of a sample; stages add their sections as they finish. */
export interface SampleMeta {
  id: string;
  seed: number;
  version: string;
  settingsDigest?: string;
  mc?: unknown;
  energy?: number;
  energyPerParticle?: number;
  maxForce?: number;
  quench?: { method: string; iterations: number; evaluations: number; converged: boolean; reason: string; forceTolerance: number };
  spectrum?: Record<string, unknown>;
  /** The elastic moduli of the inherent structure (engine/io/elasticityRecord.ts ElasticityRecord). */
  elasticity?: unknown;
  failed?: { stage: string; reason: string };
  timings: Record<string, number>;
  host?: string;
  [key: string]: unknown;
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

export const PROJECT_FILE = 'project.json';

export function sampleId(index: number): string {
  return `s${String(index).padStart(4, '0')}`;
}

export function sampleDir(dir: string, id: string): string {
  return join(dir, 'samples', id);
}

export function sampleEntries(settings: ProjectSettings): SampleEntry[] {
  return Array.from({ length: settings.samples }, (_, index) => ({ id: sampleId(index), index, seed: deriveSeed(settings.seed, index, 'sample') }));
}

/**
 * Creates a project folder. Refuses (and writes nothing) when the settings are invalid or the
 * folder already holds a project or other files.
 */
export function createProject(dir: string, settingsInput: unknown, options: { name?: string; createdBy?: string; imported?: ImportRecord } = {}): ProjectFile {
  const settings = validateSettings(settingsInput);
  const path = resolve(dir);
  if (existsSync(join(path, PROJECT_FILE))) throw new ProjectError(`${path} already holds a glassmodes project; open it, or choose another folder`);
  if (existsSync(path) && readdirSync(path).length > 0) throw new ProjectError(`${path} is not empty; a new project needs an empty or new folder`);
  const project: ProjectFile = {
    format: 'glassmodes-project',
    schemaVersion: PROJECT_SCHEMA_VERSION,
    name: options.name ?? basename(path),
    created: new Date().toISOString(),
    settings,
    samples: sampleEntries(settings),
    provenance: { app: 'glassmodes', version: APP_VERSION, createdBy: options.createdBy ?? 'cli', host: hostname(), node: process.version },
    ...(options.imported ? { imported: options.imported } : {}),
  };
  mkdirSync(join(path, 'samples'), { recursive: true });
  mkdirSync(join(path, 'analysis'), { recursive: true });
  writeJsonAtomic(join(path, PROJECT_FILE), project);
  return project;
}

/** Reads and checks project.json; any problem is a ProjectError that says what and where. */
export function openProject(dir: string): ProjectFile {
  const path = join(resolve(dir), PROJECT_FILE);
  if (!existsSync(path)) throw new ProjectError(`${resolve(dir)} is not a glassmodes project: it has no ${PROJECT_FILE}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ProjectError(`${path} is corrupt: it is not valid JSON (${(error as Error).message}). Nothing was changed; restore it from a backup or recreate the project`);
  }
  if (typeof raw !== 'object' || raw === null) throw new ProjectError(`${path} is corrupt: expected a JSON object`);
  const p = raw as Partial<ProjectFile>;
  if (p.format !== 'glassmodes-project') throw new ProjectError(`${path} is not a glassmodes project file (format is ${JSON.stringify(p.format)})`);
  if (typeof p.schemaVersion !== 'number' || p.schemaVersion > PROJECT_SCHEMA_VERSION) {
    throw new ProjectError(`${path} has schema version ${p.schemaVersion}; this glassmodes (${APP_VERSION}) reads up to version ${PROJECT_SCHEMA_VERSION}`);
  }
  let settings: ProjectSettings;
  try {
    // A project written before spectrum.method existed computed full spectra: it keeps doing so
    // (the size-dependent default is for new projects only).
    const stored = p.settings as { spectrum?: Record<string, unknown> } | undefined;
    const legacy = stored && typeof stored === 'object' && (!stored.spectrum || !('method' in stored.spectrum));
    settings = validateSettings(legacy ? { ...stored, spectrum: { ...(stored.spectrum ?? {}), method: 'full' } } : p.settings);
  } catch (error) {
    if (error instanceof SettingsError) throw new ProjectError(`${path} has invalid settings: ${error.message}`);
    throw error;
  }
  const expected = sampleEntries(settings);
  const samples = p.samples;
  if (!Array.isArray(samples) || samples.length !== expected.length || samples.some((s, k) => !s || s.id !== expected[k].id || s.index !== k || s.seed !== expected[k].seed)) {
    throw new ProjectError(`${path} is corrupt: its sample list does not match its settings (${settings.samples} samples from seed ${settings.seed})`);
  }
  return { ...(p as ProjectFile), settings, samples: expected };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readSampleMeta(dir: string, id: string): SampleMeta | undefined {
  const path = join(sampleDir(dir, id), 'meta.json');
  return existsSync(path) ? (readJson(path) as SampleMeta | undefined) : undefined;
}

/** What stage a sample has reached, read from its files, each checked against what it must be (sampleCheck.ts). */
export function sampleStatus(dir: string, project: ProjectFile, entry: SampleEntry): SampleStatus {
  const folder = sampleDir(dir, entry.id);
  const rel = `samples/${entry.id}`;
  const { settings } = project;
  const checked = readCheckedMeta(folder, rel, entry, settings);
  const meta = checked.meta as SampleMeta | undefined;
  const damaged = (damage: Damage): SampleStatus => ({ ...entry, state: 'damaged', damage, error: damageMessage(entry.id, damage, dir), meta });
  if (checked.damage) return damaged(checked.damage);
  const has = (name: string) => existsSync(join(folder, name));
  let state: SampleState = 'pending';
  if (meta?.failed) return { ...entry, state: 'failed', error: `${meta.failed.stage}: ${meta.failed.reason}`, meta };
  if (has('checkpoint.json')) state = 'sampling';
  if (has('parent.extxyz')) state = 'sampled';
  if (has('config.extxyz') && meta?.quench?.converged) state = 'quenched';
  if (state === 'quenched' && (!settings.spectrum.enabled || (meta?.spectrum && has('eigenvalues.npy')))) state = 'done';
  if (state === 'sampling') {
    const damage = checkpointDamage(join(folder, 'checkpoint.json'), `${rel}/checkpoint.json`, settings);
    if (damage) return damaged(damage);
  }
  if (state !== 'pending' && state !== 'sampling') {
    const name = state === 'sampled' ? 'parent.extxyz' : 'config.extxyz';
    const problem = configurationProblem(join(folder, name), settings);
    if (problem) return damaged({ file: `${rel}/${name}`, reason: problem });
  }
  if (state === 'done' && settings.spectrum.enabled) {
    const damage = spectrumDamage(folder, rel, settings, meta!.spectrum!);
    if (damage) return damaged(damage);
  }
  return { ...entry, state, meta };
}

/**
 * Refuses a project whose project.json was edited after samples were computed (their meta.json
 * records the digest of other settings): analysing or running on would mix two models.
 */
export function assertSettingsUnchanged(dir: string, samples: SampleStatus[]): void {
  const changed = samples.filter((s) => s.damage?.settingsChanged);
  if (changed.length === 0) return;
  const what = [...new Set(changed.flatMap((s) => s.damage!.settingsChanged!))].join(', ');
  throw new ProjectError(
    `${join(resolve(dir), PROJECT_FILE)} was edited after samples were computed: ${changed.length} sample(s) (${changed.map((s) => s.id).slice(0, 5).join(', ')}${changed.length > 5 ? ', …' : ''}) were computed with other settings (${what}). ` +
      'Settings cannot change under existing samples: restore project.json, or make a new project (glassmodes new) with the new settings. Nothing was changed',
  );
}

export function projectStatus(dir: string): { project: ProjectFile; samples: SampleStatus[] } {
  const project = openProject(dir);
  return { project, samples: project.samples.map((entry) => sampleStatus(dir, project, entry)) };
}

/**
 * A per-sample lock, so that two runs (two cluster tasks given overlapping ranges, or the app and
 * the CLI) never work on one sample at once.
 */
export function acquireSampleLock(dir: string, id: string, options: LockOptions = {}): LockRelease | undefined {
  return acquireLock(sampleDir(dir, id), options);
}

/**
 * Who holds a lock, as written in its file. `since` is when the holder took it; the holder's
 * heartbeat is the file's modification time, refreshed while it works (`LockRelease.heartbeat`,
 * and the runner's main thread for its workers' locks: `refreshOwnLock`).
 */
export interface LockHolder {
  host: string;
  pid: number;
  since: string;
  /** Unique to one taking of the lock: release and heartbeat touch the file only while it is theirs. */
  token: string;
  /**
   * Where /proc tells it (Linux): the holder process's start, in clock ticks since boot (field 22 of
   * /proc/<pid>/stat). A pid is reused once the kernel's counter wraps (32768 here; a test suite that
   * starts many processes and threads wraps it within minutes), so a dead holder's pid may belong to a
   * live process or thread: the start tells them apart.
   */
  started?: number;
  /** Under SLURM: the job (an array task has its own job id), its array job and task, and its restart count. */
  slurm?: { job: string; array?: string; task?: string; restart: number };
}

/**
 * The lease of a lock held on another host: one whose heartbeat is older than this is taken to be
 * left by a dead process and is taken over. Holders refresh the heartbeat every
 * LOCK_HEARTBEAT_SECONDS, so a live holder is never near it (clocks of cluster hosts may differ by
 * a few seconds; ten minutes leaves room). On this host a lock is stale exactly when its process
 * is gone (no lease: a long stretch without a heartbeat does not free it).
 */
export const LOCK_LEASE_SECONDS = 600;
export const LOCK_HEARTBEAT_SECONDS = 30;
/** A takeover guard (.lock.takeover) lives for milliseconds; one older than this was left by a kill. */
const TAKEOVER_GUARD_SECONDS = 60;
/** A lock file without a readable holder is being written by its taker; one this old was left half-written. */
const UNREADABLE_LOCK_SECONDS = 60;

/** The release of a lock; `heartbeat()` refreshes it (cheap: at most one write per LOCK_HEARTBEAT_SECONDS / 3). */
export type LockRelease = (() => void) & { heartbeat: () => void; holder: LockHolder };

export interface LockOptions {
  /** Told when a stale lock is taken over, with who held it and why it was stale. Default: stderr. */
  onTakeover?: (line: string) => void;
  /** The current time in ms (tests). */
  now?: () => number;
}

/** What a lock file says, with its heartbeat; undefined when there is no lock. */
export interface LockStatus {
  path: string;
  holder?: LockHolder;
  /** ms since the epoch of the last heartbeat (the file's modification time). */
  heartbeat: number;
  /** Why it is stale (its holder is gone), or undefined while it holds. */
  stale?: string;
}

/** A process's (or thread's) start in clock ticks since boot, from /proc/<pid>/stat; undefined where there is no /proc. */
function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime 22.
    const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}
const ownStart = processStartTicks(process.pid);

/** Whether the holder's process runs: its pid answers, and where both are known, with the start it recorded. */
function holderAlive(holder: LockHolder): boolean {
  if (!processAlive(holder.pid)) return false;
  if (holder.started === undefined) return true;
  const now = processStartTicks(holder.pid);
  return now === undefined || now === holder.started;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** Reads <folder>/.lock and judges it: held, or stale and why. */
export function readLock(folder: string, now = Date.now()): LockStatus | undefined {
  const path = join(folder, '.lock');
  let heartbeat: number;
  let text: string;
  try {
    heartbeat = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let holder: LockHolder | undefined;
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.host === 'string' && typeof h.pid === 'number' && typeof h.since === 'string') holder = { token: '', ...h } as LockHolder;
  } catch {
    holder = undefined;
  }
  const age = now - heartbeat;
  const job = slurmJobOfThisProcess();
  if (holder && job && holder.slurm?.job === job.job && (holder.slurm.restart ?? 0) < job.restart) {
    // ended by the scheduler before it requeued this job, possibly on another node
    return { path, holder, heartbeat, stale: `left by run ${holder.slurm.restart ?? 0} of this SLURM job ${job.job} (now run ${job.restart})` };
  }
  if (!holder) return { path, heartbeat, stale: age > UNREADABLE_LOCK_SECONDS * 1000 ? `unreadable for ${minutes(age)}` : undefined };
  if (holder.host === hostname()) return { path, holder, heartbeat, stale: holderAlive(holder) ? undefined : `process ${holder.pid} on this host is gone${processAlive(holder.pid) ? ' (its pid now belongs to a process started later)' : ''}` };
  const lease = LOCK_LEASE_SECONDS * 1000;
  return { path, holder, heartbeat, stale: age > lease ? `no heartbeat from ${holder.host} for ${minutes(age)} (lease ${minutes(lease)})` : undefined };
}

export function describeHolder(status: LockStatus, now = Date.now()): string {
  const h = status.holder;
  const who = h ? `pid ${h.pid} on ${h.host} since ${h.since}` : 'an unreadable lock';
  return `${who}, heartbeat ${Math.max(0, Math.round((now - status.heartbeat) / 1000))} s ago${status.stale ? ` — stale: ${status.stale}` : ''}`;
}

function tryCreate(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes the stale lock judged by `seen`, under the guard <folder>/.lock.takeover (exclusive
 * creation too), so that of two processes that both judge it stale only one removes it, and never
 * a fresh lock someone took in between: with the guard held, the lock is read again and removed
 * only if it is still the one judged stale.
 */
function removeStale(folder: string, seen: LockStatus, now: number): 'removed' | 'gone' | 'held' {
  const guard = join(folder, '.lock.takeover');
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(guard, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let left = false; // by a process killed in a takeover: removed, and tried once more
      try {
        left = now - statSync(guard).mtimeMs > TAKEOVER_GUARD_SECONDS * 1000;
        if (left) rmSync(guard, { force: true });
      } catch {
        /* gone meanwhile */
      }
      if (!left || attempt > 0) return 'held'; // another process is taking it over
    }
  }
  closeSync(fd);
  try {
    const again = readLock(folder, now);
    // Gone meanwhile (another process removed it and has not created its own yet, or a holder
    // released it): this one removed nothing, so it says nothing and tries to create it again.
    if (!again) return 'gone';
    const same = again.stale !== undefined && again.heartbeat === seen.heartbeat && again.holder?.token === seen.holder?.token && again.holder?.pid === seen.holder?.pid;
    if (!same) return 'held';
    rmSync(seen.path, { force: true });
    return 'removed';
  } finally {
    rmSync(guard, { force: true });
  }
}

/** This process's SLURM job, from the environment the scheduler sets (undefined outside a job). */
export function slurmJobOfThisProcess(env: NodeJS.ProcessEnv = process.env): LockHolder['slurm'] {
  if (!env.SLURM_JOB_ID) return undefined;
  return {
    job: env.SLURM_JOB_ID,
    ...(env.SLURM_ARRAY_JOB_ID ? { array: env.SLURM_ARRAY_JOB_ID } : {}),
    ...(env.SLURM_ARRAY_TASK_ID ? { task: env.SLURM_ARRAY_TASK_ID } : {}),
    restart: Number(env.SLURM_RESTART_COUNT ?? 0) || 0,
  };
}


/**
 * The lock file <folder>/.lock, taken by exclusive creation (of two processes that try at once,
 * exactly one succeeds), holding {host, pid, since, token} (and the SLURM job, under SLURM). A stale
 * lock — its process gone on this host, no heartbeat for LOCK_LEASE_SECONDS from another host, or
 * left by an earlier run of this very SLURM job (same job, lower restart count) — is taken over, and said so
 * (options.onTakeover, default a line on stderr). Returns the release, or undefined when someone
 * holds it.
 */
export function acquireLock(folder: string, options: LockOptions = {}): LockRelease | undefined {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, '.lock');
  const now = options.now ?? Date.now;
  const slurm = slurmJobOfThisProcess();
  const holder: LockHolder = { host: hostname(), pid: process.pid, since: new Date(now()).toISOString(), token: randomUUID(), ...(ownStart !== undefined ? { started: ownStart } : {}), ...(slurm ? { slurm } : {}) };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, holder)) return lockRelease(path, holder);
    const seen = readLock(folder, now());
    if (!seen) continue; // released meanwhile: try again
    if (!seen.stale) return undefined;
    const removal = removeStale(folder, seen, now());
    if (removal === 'held') return undefined;
    if (removal === 'gone') continue;
    // Said by the process that removed it: it takes it, unless another (trying to create it in
    // the meantime, unaware it was stale) was quicker.
    const tell = options.onTakeover ?? ((line: string) => process.stderr.write(line + '\n'));
    const taken = tryCreate(path, holder);
    tell(`${taken ? 'took over' : 'removed'} the stale lock ${path} (${describeHolder(seen, now())})${taken ? '' : '; another process took it first'}`);
    return taken ? lockRelease(path, holder) : undefined;
  }
  return undefined;
}

function holdsLock(path: string, holder: LockHolder): boolean {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return h.token === holder.token;
  } catch {
    return false;
  }
}

function lockRelease(path: string, holder: LockHolder): LockRelease {
  let last = Date.now();
  const release = () => {
    if (holdsLock(path, holder)) rmSync(path, { force: true });
  };
  const heartbeat = () => {
    const t = Date.now();
    if (t - last < (LOCK_HEARTBEAT_SECONDS * 1000) / 3) return;
    last = t;
    if (holdsLock(path, holder)) touch(path, t);
  };
  return Object.assign(release, { heartbeat, holder });
}

function touch(path: string, t: number): void {
  try {
    utimesSync(path, t / 1000, t / 1000);
  } catch {
    /* released meanwhile */
  }
}

/**
 * The heartbeat of <folder>/.lock when this process holds it: for the runner's main thread, which
 * stays responsive while its worker threads (same pid) compute with the lock.
 */
export function refreshOwnLock(folder: string): void {
  const status = readLock(folder);
  if (status?.holder?.pid === process.pid && status.holder.host === hostname()) touch(status.path, Date.now());
}

/**
 * Removes <folder>/.lock if this process holds it: for the runner, after it terminated the worker
 * thread that took it (worker threads share the process id, so nobody else could tell it is free).
 */
export function releaseOwnLock(folder: string): void {
  const path = join(folder, '.lock');
  const held = readJson(path) as { pid?: number; host?: string } | undefined;
  if (held?.pid === process.pid && held.host === hostname()) rmSync(path, { force: true });
}
