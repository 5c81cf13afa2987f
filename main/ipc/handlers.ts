/**
 * The contract's handlers, wired to the main-process services. Host-specific pieces (a native
 * folder picker, the GPU compute host) come in as functions, so the Electron main process and the
 * browser test bridge serve the same handlers.
 */
import { APP_VERSION } from '../../engine/version';
import type { AppInfo, ComputeStatus, ExportKind } from './contract';
import type { Handlers } from './dispatch';
import type { JobQueue } from '../services/job-queue';
import type { ProjectService } from '../services/project-service';
import type { ResultsService } from '../services/results-service';
import type { SettingsService } from '../services/settings-service';
import { PathGuard, type PathUse } from '../security';

export interface HostHooks {
  host: AppInfo['host'];
  versions: Record<string, string>;
  chooseFolder: (purpose: 'new' | 'open') => Promise<string | null>;
  /** Configuration files to import: a native file picker in the app; absent (null) where there is none. */
  chooseFiles?: (purpose: 'import') => Promise<string[] | null>;
  /**
   * Asks the user, in the main process, whether the renderer may use a folder that was neither
   * chosen in chooseFolder's dialog nor is a known project (a path typed into a field). Absent:
   * such paths are refused.
   */
  confirmFolder?: (use: Exclude<PathUse, 'remove'>, path: string) => Promise<boolean>;
  computeStatus: () => ComputeStatus;
  computeProbe: () => Promise<ComputeStatus>;
  /** Saves exported bytes: a save dialog in the app (null when cancelled), a folder in the bridge. */
  saveExport: (name: string, kind: ExportKind, bytes: Uint8Array) => Promise<{ path: string } | null>;
}

export function createHandlers(services: { projects: ProjectService; jobs: JobQueue; settings: SettingsService; results: ResultsService }, host: HostHooks): Handlers {
  const { projects, jobs, settings, results } = services;
  // Every folder the renderer names goes through the guard first (main/security.ts PathGuard).
  const paths = new PathGuard(() => projects.recentPaths(), host.confirmFolder);
  const use = (dir: string) => paths.check('use', dir);
  return {
    app: {
      info: () => ({ version: APP_VERSION, platform: process.platform, versions: host.versions, host: host.host }),
    },
    projects: {
      recent: () => projects.recent(),
      create: async ({ dir, name, settings: input }) => projects.create(await paths.check('create', dir), input, name),
      open: async ({ dir }) => projects.open(await paths.check('open', dir)),
      import: async ({ dir }) => projects.import(await paths.check('import', dir)),
      importGlass: async ({ dir, files, settings: input, format, dim, diametersFrom, mode, name }) => projects.importGlass(await paths.check('create', dir), files, input, { format, dim, diametersFrom, mode, name }),
      chooseFiles: async ({ purpose }) => (host.chooseFiles ? host.chooseFiles(purpose) : null),
      status: async ({ dir }) => projects.status(await use(dir)),
      rename: async ({ dir, name }) => projects.rename(await use(dir), name),
      remove: async ({ dir }) => projects.remove(await paths.check('remove', dir)),
      forget: ({ dir }) => projects.forget(dir),
      chooseFolder: async ({ purpose }) => {
        const picked = await host.chooseFolder(purpose);
        return picked === null ? null : paths.choose(picked);
      },
      estimate: ({ settings: input }) => projects.estimate(input, settings.preferences().jobs),
      configuration: async ({ dir, sampleId, kind }) => projects.configuration(await use(dir), sampleId, kind),
    },
    settings: {
      defaults: () => settings.defaults(),
      validate: ({ settings: input }) => settings.validate(input),
      preferences: () => settings.preferences(),
      setPreferences: (change) => settings.setPreferences(change),
    },
    jobs: {
      list: () => jobs.list(),
      enqueue: async ({ dir, samples }) => jobs.enqueue(await use(dir), samples as [number, number] | undefined),
      cancel: ({ id }) => jobs.cancel(id),
      pause: ({ id }) => jobs.pause(id),
      resume: ({ id }) => jobs.resume(id),
      remove: ({ id }) => jobs.remove(id),
      resumeOffers: () => jobs.resumeOffers(),
    },
    results: {
      analysis: async ({ dir }) => results.analysis(await use(dir)),
      analyze: async ({ dir }) => results.analyze(await use(dir)),
      sampleAnalysis: async ({ dir, sampleId }) => results.sampleAnalysis(await use(dir), sampleId),
      spectrum: async ({ dir, sampleId }) => results.spectrum(await use(dir), sampleId),
      mode: async ({ dir, sampleId, index, gridSpacing }) => results.mode(await use(dir), sampleId, index, gridSpacing),
      particleFields: async ({ dir, sampleId }) => results.particleFields(await use(dir), sampleId),
      exportModes: async ({ dir, sampleId, modes, animate, frames, amplitude }) => results.exportModes(await use(dir), sampleId, modes, { animate, frames, amplitude }),
    },
    export: {
      save: ({ name, kind, base64 }) => host.saveExport(name, kind, Buffer.from(base64, 'base64')),
    },
    compute: {
      status: () => host.computeStatus(),
      probe: () => host.computeProbe(),
    },
  };
}
