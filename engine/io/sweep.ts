/**
 * The temporary files of killed writes (writeFileAtomic's .<name>.<pid>.<ms>.<n>.tmp), removed by
 * the next `run` and `analyze` where no live writer can own them (docs/PROJECT_FORMAT.md "Writes").
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chainEntries } from '../pipeline/chain';
import { chainDir } from './chainRun';
import { sweepTempFiles, TEMP_FILE } from './files';
import { acquireLock, sampleDir, type ProjectFile } from './project';

const hasTempFiles = (folder: string) => {
  try {
    return readdirSync(folder).some((name) => TEMP_FILE.test(name));
  } catch {
    return false;
  }
};

/** Temporary files at the top of a project folder older than this are a killed writer's (no write there takes minutes). */
export const ROOT_TEMP_AGE_MS = 3600_000;

/**
 * The temporary files of killed writes in a project's sample and chain folders, removed where
 * nobody works: each folder that has some is swept while holding the lock its writers take (a
 * sample's, or in a project of chains its chain's), so that a live write on any host is never
 * touched; a folder whose lock is held is left for a later run. At the top of the project, where
 * no lock guards writes, only those older than an hour. Returns the paths removed. (What killed
 * analyses left is analysisFiles' sweepAnalysis.)
 */
export function sweepProjectTempFiles(dir: string, project: ProjectFile, log: (line: string) => void = () => {}): string[] {
  const removed: string[] = [];
  const sweep = (folder: string, olderThan = 0) => removed.push(...sweepTempFiles(folder, olderThan).map((name) => join(folder, name)));
  const underLock = (folder: string, inside: () => void) => {
    const release = acquireLock(folder, { onTakeover: log });
    if (!release) return;
    try {
      inside();
    } finally {
      release();
    }
  };
  sweep(dir, ROOT_TEMP_AGE_MS);
  if (project.settings.sampling.chains > 0) {
    for (const chain of chainEntries(project.settings)) {
      const folders = [chainDir(dir, chain.id), ...chain.samples.map((k) => sampleDir(dir, project.samples[k].id))];
      if (!folders.some(hasTempFiles)) continue;
      underLock(folders[0], () => {
        sweep(folders[0]);
        for (const folder of folders.slice(1)) if (hasTempFiles(folder)) underLock(folder, () => sweep(folder));
      });
    }
  } else {
    for (const entry of project.samples) {
      const folder = sampleDir(dir, entry.id);
      if (hasTempFiles(folder)) underLock(folder, () => sweep(folder));
    }
  }
  if (removed.length) log(`removed ${removed.length} temporary file(s) of interrupted writes: ${removed.map((p) => relative(dir, p)).join(', ')}`);
  return removed;
}

