/**
 * App preferences (not project settings: those live in each project.json), and the checks and
 * defaults of project settings that the run-setup form uses. The engine's validateSettings is the
 * one gate; this service only reports its verdict in a shape the renderer can show inline.
 */
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_SETTINGS, SettingsError, validateSettings, type ProjectSettings } from '../../engine/model/settings';
import type { Preferences, ValidationResult } from '../ipc/contract';
import { JsonFileStore } from './json-store';

/** Cores minus one, so the desktop stays responsive while a run uses the rest. */
export function defaultJobs(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

const preferencesSchema = z.object({
  jobs: z.number().int().min(1).max(256),
  projectsFolder: z.string().min(1),
  offerResume: z.boolean(),
});

export class SettingsService {
  private readonly store: JsonFileStore<Preferences>;

  constructor(stateDir: string, defaults: Partial<Preferences> = {}) {
    const fallback: Preferences = { jobs: defaultJobs(), projectsFolder: join(homedir(), 'glassmodes'), offerResume: true, ...defaults };
    this.store = new JsonFileStore(join(stateDir, 'preferences.json'), () => fallback, (raw) => {
      const parsed = preferencesSchema.partial().safeParse(raw);
      return parsed.success ? { ...fallback, ...parsed.data } : undefined;
    });
  }

  preferences(): Preferences {
    return this.store.read();
  }

  setPreferences(change: Partial<Preferences>): Preferences {
    const next = preferencesSchema.parse({ ...this.store.read(), ...change });
    this.store.write(next);
    return next;
  }

  defaults(): ProjectSettings {
    return structuredClone(DEFAULT_SETTINGS);
  }

  validate(settings: unknown): ValidationResult {
    try {
      return { ok: true, settings: validateSettings(settings) };
    } catch (error) {
      if (error instanceof SettingsError) return { ok: false, setting: error.setting, allowed: error.allowed, message: error.message };
      throw error;
    }
  }
}
