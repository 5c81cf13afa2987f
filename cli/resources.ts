/**
 * The resource check before `new`, `run` and `demo` (issue 12, item 5): the estimate of
 * engine/pipeline/resources.ts against this machine's memory and the free disk of the project's
 * file system; refused above them unless --force, with what would fit.
 */
import { existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { freemem, totalmem } from 'node:os';
import { estimateResources, formatBytes, type ResourceEstimate } from '../engine/pipeline/resources';
import type { ProjectSettings } from '../engine/model/settings';
import { formatDuration } from './progress';
import { ResourceError } from './errors';

/** Share of the machine's memory a run may plan to use (the rest: the OS, the main thread, other programs). */
const MEMORY_SHARE = 0.9;

/** Free bytes of the file system that holds `path` (or its nearest existing parent); undefined where unknown. */
export function freeDisk(path: string): number | undefined {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    const s = statfsSync(p);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

export interface ResourceCheck {
  /** Workers that will run at once. */
  jobs: number;
  /** Samples that will be written (for the disk). */
  samples: number;
  /** The project folder (for its file system). */
  dir: string;
  force?: boolean;
  /** What to suggest instead ("create it", "run it"). */
  action: string;
  /** Machine figures, for tests. */
  machine?: { totalMemory: number; freeMemory: number; freeDisk: number | undefined };
}

/** Checks and says (stderr) what a run of these settings needs; throws a ResourceError above this machine unless `force`. */
export function checkResources(settings: ProjectSettings, check: ResourceCheck, log: (line: string) => void = (l) => console.error(l)): ResourceEstimate {
  const e = estimateResources(settings);
  const machine = check.machine ?? { totalMemory: totalmem(), freeMemory: freemem(), freeDisk: freeDisk(check.dir) };
  const memory = e.memoryPerWorker * check.jobs;
  const disk = e.diskPerSample * check.samples;
  const spectrum = e.spectrumSeconds !== null ? `, spectrum ~${formatDuration(e.spectrumSeconds)} per sample on one core` : '';
  log(
    `resources: ~${formatBytes(e.memoryPerWorker)} of memory per worker × ${check.jobs} (this machine: ${formatBytes(machine.totalMemory)}, ${formatBytes(machine.freeMemory)} free), ` +
      `~${formatBytes(disk)} on disk for ${check.samples} sample(s)${machine.freeDisk !== undefined ? ` (${formatBytes(machine.freeDisk)} free)` : ''}${spectrum}`,
  );
  const problems: string[] = [];
  const budget = MEMORY_SHARE * machine.totalMemory;
  if (memory > budget) {
    const fit = Math.floor(budget / e.memoryPerWorker);
    problems.push(
      `it needs ~${formatBytes(e.memoryPerWorker)} of memory per worker${check.jobs > 1 ? ` × ${check.jobs} workers = ${formatBytes(memory)}` : ''}, and this machine has ${formatBytes(machine.totalMemory)}` +
        (fit >= 1 ? `: use --jobs ${fit}` : `: not even one sample fits (N = ${settings.model.particles}, d = ${settings.model.dim}, spectrum ${settings.spectrum.enabled ? settings.spectrum.method : 'off'}); use a smaller N${settings.spectrum.enabled && settings.spectrum.method === 'full' ? " or --spectrum lowest" : ''}`),
    );
  }
  if (machine.freeDisk !== undefined && disk > machine.freeDisk) {
    problems.push(`its ${check.samples} sample(s) need ~${formatBytes(disk)} on disk and ${check.dir} has ${formatBytes(machine.freeDisk)} free`);
  }
  if (problems.length && !check.force) {
    throw new ResourceError(`refused before anything was written: ${problems.join('; ')}. If it is meant for a bigger machine, ${check.action} with --force`);
  }
  if (problems.length) log(`warning (--force): ${problems.join('; ')}`);
  return e;
}
