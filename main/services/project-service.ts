/**
 * The project manager of the desktop app: new, open, import (a folder the CLI made), rename,
 * delete to the trash, and the list of recent projects. Projects are folders (docs/DESIGN.md "The
 * project folder"); everything here goes through the engine's project functions, so the app and
 * the CLI read and write one format.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../../engine/io/files';
import { createProject, openProject, projectStatus, PROJECT_FILE, ProjectError } from '../../engine/io/project';
import { readExtxyz } from '../../engine/io/files';
import { validateSettings } from '../../engine/model/settings';
import { importGlasses, type ImportOptions } from '../../engine/io/glassImport';
import { estimateMonteCarlo, monteCarloSweeps } from '../../engine/pipeline/estimate';
import type { ConfigurationData, MonteCarloTime, ProjectDetail, RecentProject, SampleState } from '../ipc/contract';
import { JsonFileStore } from './json-store';

const RECENT_LIMIT = 20;

/**
 * Seconds of Monte Carlo the estimate measures. It runs in the main process (the long-lived
 * results worker is engine/io's), so it is kept short: with the rough quench before it, ~0.5 s.
 */
export const ESTIMATE_BUDGET_SECONDS = 0.3;

export interface ProjectServiceOptions {
  /** Folder for the app's own state (Electron: app.getPath('userData')). */
  stateDir: string;
  /** Moves a folder to the system trash (Electron: shell.trashItem). Never a permanent delete. */
  trash: (path: string) => Promise<void>;
  now?: () => Date;
}

export class ProjectService {
  private readonly recentStore: JsonFileStore<RecentProject[]>;
  private readonly trash: (path: string) => Promise<void>;
  private readonly now: () => Date;

  constructor(options: ProjectServiceOptions) {
    this.recentStore = new JsonFileStore(join(options.stateDir, 'recent-projects.json'), () => [], (raw) =>
      Array.isArray(raw) ? raw.filter((r): r is RecentProject => typeof r?.path === 'string' && typeof r?.name === 'string') : undefined,
    );
    this.trash = options.trash;
    this.now = options.now ?? (() => new Date());
  }

  /** Recent projects, newest first, each with its sample counts read from disk now. */
  recent(): RecentProject[] {
    return this.recentStore.read().map((entry) => {
      try {
        const { project, samples } = projectStatus(entry.path);
        const counts: Partial<Record<SampleState, number>> = {};
        for (const s of samples) counts[s.state] = (counts[s.state] ?? 0) + 1;
        return { ...entry, name: project.name, counts, total: samples.length };
      } catch (error) {
        return { ...entry, problem: existsSync(entry.path) ? (error as Error).message : `${entry.path} no longer exists` };
      }
    });
  }

  /** The stored list, without touching the project folders. */
  recentPaths(): string[] {
    return this.recentStore.read().map((r) => r.path);
  }

  create(dir: string, settings: unknown, name?: string): ProjectDetail {
    const path = resolve(dir);
    createProject(path, settings, { name, createdBy: 'app' });
    return this.open(path);
  }

  /** `glassmodes import` from the app: a new project whose samples are the given configuration files. */
  importGlass(dir: string, files: string[], settings: Record<string, unknown>, options: Omit<ImportOptions, 'createdBy' | 'onProgress'>): ProjectDetail {
    const path = resolve(dir);
    importGlasses(path, files, settings, { ...options, createdBy: 'app import' });
    return this.open(path);
  }

  open(dir: string): ProjectDetail {
    const path = resolve(dir);
    const detail = this.status(path);
    this.remember(path, detail.project.name);
    return detail;
  }

  /** Opens a folder made elsewhere (the CLI, a cluster run) and adds it to the recent list. */
  import(dir: string): ProjectDetail {
    const path = resolve(dir);
    if (!existsSync(join(path, PROJECT_FILE))) {
      throw new ProjectError(`${path} has no ${PROJECT_FILE}; import a folder made by 'glassmodes new' (or by this app)`);
    }
    return this.open(path);
  }

  status(dir: string): ProjectDetail {
    const path = resolve(dir);
    const { project, samples } = projectStatus(path);
    return { path, project, samples };
  }

  /** Renames the project (its display name in project.json); the folder stays where it is. */
  rename(dir: string, name: string): ProjectDetail {
    const path = resolve(dir);
    openProject(path); // refuses a corrupt or foreign project.json before anything is written
    const file = join(path, PROJECT_FILE);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeJsonAtomic(file, { ...raw, name });
    this.recentStore.update((list) => list.map((r) => (r.path === path ? { ...r, name } : r)));
    return this.status(path);
  }

  /** Moves the project folder to the trash and drops it from the recent list. */
  async remove(dir: string): Promise<{ removed: string }> {
    const path = resolve(dir);
    openProject(path); // only ever trash something that is a glassmodes project
    await this.trash(path);
    this.forget(path);
    return { removed: path };
  }

  forget(dir: string): RecentProject[] {
    const path = resolve(dir);
    this.recentStore.update((list) => list.filter((r) => r.path !== path));
    return this.recent();
  }

  /** A sample's inherent structure (or parent configuration) for the 3D view. */
  /**
   * The expected Monte Carlo time of settings not yet saved, as `glassmodes new` prints it: this
   * machine's rate from a short run of the same model at the same T*, scaled to the sweeps of the
   * project, and the wall time with `jobs` worker threads (at most one per sample or chain).
   */
  estimate(input: unknown, jobs: number): MonteCarloTime | null {
    const settings = validateSettings(input);
    const e = estimateMonteCarlo(settings, ESTIMATE_BUDGET_SECONDS);
    if (!e) return null;
    const workers = Math.max(1, Math.min(jobs, monteCarloSweeps(settings).perUnit.length));
    return { rate: e.rate, perUnitSeconds: e.perUnitSeconds, totalSeconds: e.totalSeconds, unit: e.unit, workers, wallSeconds: e.wallSeconds(workers) };
  }

  configuration(dir: string, sampleId: string, kind: 'config' | 'parent'): ConfigurationData {
    const { project } = this.status(dir);
    if (!project.samples.some((s) => s.id === sampleId)) throw new ProjectError(`${sampleId} is not a sample of ${project.name}`);
    const file = join(resolve(dir), 'samples', sampleId, `${kind}.extxyz`);
    if (!existsSync(file)) throw new ProjectError(`${sampleId} has no ${kind}.extxyz yet: run the project first`);
    const c = readExtxyz(file);
    return { dim: c.dim, side: c.side, positions: Array.from(c.positions), diameters: Array.from(c.diameters), kind };
  }

  private remember(path: string, name: string): void {
    this.recentStore.update((list) => [{ path, name, openedAt: this.now().toISOString() }, ...list.filter((r) => r.path !== path)].slice(0, RECENT_LIMIT));
  }
}
