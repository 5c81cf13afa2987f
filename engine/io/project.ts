/**
 * The project folder (DESIGN.md; documented for users in docs/PROJECT_FORMAT.md):
 *   project.json                 settings, schema version, sample list, provenance
 *   samples/<id>/checkpoint.json Monte Carlo state of a parent run in progress
 *   samples/<id>/parent.extxyz   the configuration at T* before the quench
 *   samples/<id>/config.extxyz   the inherent structure
 *   samples/<id>/meta.json       energies, max |f|, MC acceptance, timings, seed, backend, version
 *   samples/<id>/eigenvalues.npy, modes.npy, participation.npy   the spectrum
 * project.json is written once, by `new`; each sample's state is read from its own files, so that
 * cluster tasks working on different samples never write the same file.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
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

export interface ProjectFile {
  format: 'glassmodes-project';
  schemaVersion: number;
  name: string;
  created: string;
  settings: ProjectSettings;
  samples: SampleEntry[];
  provenance: { app: 'glassmodes'; version: string; createdBy: string; host: string; node: string };
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
export function createProject(dir: string, settingsInput: unknown, options: { name?: string; createdBy?: string } = {}): ProjectFile {
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
export function acquireSampleLock(dir: string, id: string): (() => void) | undefined {
  return acquireLock(sampleDir(dir, id));
}

/**
 * The lock file <folder>/.lock, taken by exclusive creation (of two processes that try at once,
 * exactly one succeeds). A lock left by a dead process on this host is taken over; on another
 * host we cannot tell, and respect it. Returns the release, or undefined when someone holds it.
 */
export function acquireLock(folder: string): (() => void) | undefined {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, '.lock');
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, mine);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readJson(path) as { pid?: number; host?: string } | undefined;
    if (held === undefined) return undefined; // being written by its taker this very moment
    if (held.host !== hostname() || !held.pid || held.pid === process.pid) return undefined;
    try {
      process.kill(held.pid, 0);
      return undefined; // alive
    } catch {
      rmSync(path, { force: true }); // its process is gone: take it over
    }
  }
  return undefined;
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
