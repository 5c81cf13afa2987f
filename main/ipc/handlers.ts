/**
 * The contract's handlers, wired to the main-process services. Host-specific pieces (a native
 * folder picker, the GPU compute host) come in as functions, so the Electron main process and the
 * browser test bridge serve the same handlers.
 */
import { resolve } from 'node:path';
import { APP_VERSION } from '../../engine/version';
import type { AppInfo, ComputeStatus, ExportKind } from './contract';
import type { Handlers } from './dispatch';
import type { JobQueue } from '../services/job-queue';
import type { ProjectService } from '../services/project-service';
import type { ResultsService } from '../services/results-service';
import type { SettingsService } from '../services/settings-service';

export interface HostHooks {
  host: AppInfo['host'];
  versions: Record<string, string>;
  chooseFolder: (purpose: 'new' | 'open') => Promise<string | null>;
  /** Configuration files to import: a native file picker in the app; absent (null) where there is none. */
  chooseFiles?: (purpose: 'import') => Promise<string[] | null>;
  computeStatus: () => ComputeStatus;
  computeProbe: () => Promise<ComputeStatus>;
  /** Saves exported bytes: a save dialog in the app (null when cancelled), a folder in the bridge. */
  saveExport: (name: string, kind: ExportKind, bytes: Uint8Array) => Promise<{ path: string } | null>;
}

export function createHandlers(services: { projects: ProjectService; jobs: JobQueue; settings: SettingsService; results: ResultsService }, host: HostHooks): Handlers {
  const { projects, jobs, settings, results } = services;
  return {
    app: {
      info: () => ({ version: APP_VERSION, platform: process.platform, versions: host.versions, host: host.host }),
    },
    projects: {
      recent: () => projects.recent(),
      create: ({ dir, name, settings: input }) => projects.create(dir, input, name),
      open: ({ dir }) => projects.open(dir),
      import: ({ dir }) => projects.import(dir),
      importGlass: ({ dir, files, settings: input, format, dim, diametersFrom, mode, name }) => projects.importGlass(dir, files, input, { format, dim, diametersFrom, mode, name }),
      chooseFiles: async ({ purpose }) => (host.chooseFiles ? host.chooseFiles(purpose) : null),
      status: ({ dir }) => projects.status(dir),
      rename: ({ dir, name }) => projects.rename(dir, name),
      remove: ({ dir }) => projects.remove(dir),
      forget: ({ dir }) => projects.forget(dir),
      chooseFolder: ({ purpose }) => host.chooseFolder(purpose),
      estimate: ({ settings: input }) => projects.estimate(input, settings.preferences().jobs),
      configuration: ({ dir, sampleId, kind }) => projects.configuration(dir, sampleId, kind),
    },
    settings: {
      defaults: () => settings.defaults(),
      validate: ({ settings: input }) => settings.validate(input),
      preferences: () => settings.preferences(),
      setPreferences: (change) => settings.setPreferences(change),
    },
    jobs: {
      list: () => jobs.list(),
      enqueue: ({ dir, samples }) => jobs.enqueue(dir, samples as [number, number] | undefined),
      cancel: ({ id }) => jobs.cancel(id),
      pause: ({ id }) => jobs.pause(id),
      resume: ({ id }) => jobs.resume(id),
      remove: ({ id }) => jobs.remove(id),
      resumeOffers: () => jobs.resumeOffers(),
    },
    results: {
      analysis: ({ dir }) => results.analysis(resolve(dir)),
      analyze: ({ dir }) => results.analyze(resolve(dir)),
      sampleAnalysis: ({ dir, sampleId }) => results.sampleAnalysis(resolve(dir), sampleId),
      spectrum: ({ dir, sampleId }) => results.spectrum(resolve(dir), sampleId),
      mode: ({ dir, sampleId, index, gridSpacing }) => results.mode(resolve(dir), sampleId, index, gridSpacing),
      particleFields: ({ dir, sampleId }) => results.particleFields(resolve(dir), sampleId),
      exportModes: ({ dir, sampleId, modes, animate, frames, amplitude }) => results.exportModes(resolve(dir), sampleId, modes, { animate, frames, amplitude }),
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
