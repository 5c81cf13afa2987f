/**
 * The contract's handlers, wired to the main-process services. Host-specific pieces (a native
 * folder picker, the GPU compute host) come in as functions, so the Electron main process and the
 * browser test bridge serve the same handlers.
 */
import { APP_VERSION } from '../../engine/version';
import type { AppInfo, ComputeStatus } from './contract';
import type { Handlers } from './dispatch';
import type { JobQueue } from '../services/job-queue';
import type { ProjectService } from '../services/project-service';
import type { SettingsService } from '../services/settings-service';

export interface HostHooks {
  host: AppInfo['host'];
  versions: Record<string, string>;
  chooseFolder: (purpose: 'new' | 'open') => Promise<string | null>;
  computeStatus: () => ComputeStatus;
  computeProbe: () => Promise<ComputeStatus>;
}

export function createHandlers(services: { projects: ProjectService; jobs: JobQueue; settings: SettingsService }, host: HostHooks): Handlers {
  const { projects, jobs, settings } = services;
  return {
    app: {
      info: () => ({ version: APP_VERSION, platform: process.platform, versions: host.versions, host: host.host }),
    },
    projects: {
      recent: () => projects.recent(),
      create: ({ dir, name, settings: input }) => projects.create(dir, input, name),
      open: ({ dir }) => projects.open(dir),
      import: ({ dir }) => projects.import(dir),
      status: ({ dir }) => projects.status(dir),
      rename: ({ dir, name }) => projects.rename(dir, name),
      remove: ({ dir }) => projects.remove(dir),
      forget: ({ dir }) => projects.forget(dir),
      chooseFolder: ({ purpose }) => host.chooseFolder(purpose),
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
    compute: {
      status: () => host.computeStatus(),
      probe: () => host.computeProbe(),
    },
  };
}
