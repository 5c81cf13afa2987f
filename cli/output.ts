/**
 * The one check every single-file `--out` goes through (issue 12: outputs never overwrite inputs):
 * refused, with a message and nothing written, where the file would replace a file of a glassmodes
 * project (project.json, or anything under its samples/, chains/ or analysis/) — always — or any
 * other existing file unless `--force`; where it is a directory; or where its folder does not
 * exist or cannot be written.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './args';

// .analysis holds the versions that analysis/ links to (docs/PROJECT_FORMAT.md).
const PROJECT_PARTS = ['samples', 'chains', 'analysis', '.analysis'];

/** The project folder that owns `path` as one of its own files, if any. */
export function owningProject(path: string): string | undefined {
  const target = resolve(path);
  for (let dir = dirname(target); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'project.json'))) {
      const inside = relative(dir, target).split(sep);
      if (inside.length === 1 && inside[0] === 'project.json') return dir;
      if (inside.length > 1 && PROJECT_PARTS.includes(inside[0])) return dir;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function checkOutputFile(path: string, force = false): void {
  const target = resolve(path);
  const project = owningProject(target);
  if (project) throw new UsageError(`--out ${path} would replace ${relative(project, target)}, a file of the project ${project}; write the output elsewhere`);
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw new UsageError(`--out ${path} is a folder; give a file name`);
    if (!force) throw new UsageError(`--out ${path} exists; choose another name, or add --force to replace it`);
  }
  const folder = dirname(target);
  if (!existsSync(folder)) throw new UsageError(`--out ${path}: the folder ${folder} does not exist`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UsageError(`--out ${path}: the folder ${folder} cannot be written`);
  }
}
