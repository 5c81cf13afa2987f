/**
 * The file side of the I/O corner. Every write is atomic: a temporary file in the same folder,
 * fsync, then rename over the target, so a crash or a kill leaves the old file or the new one,
 * never half of either.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { decodeNpy, encodeNpy, type NpyArray } from './npy';
import { formatExtxyz, parseExtxyz, type Configuration } from './extxyz';

let counter = 0;

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    // write(2) errors (ENOSPC, EIO) carry no path: name the file the user would look for.
    if (error instanceof Error && (error as NodeJS.ErrnoException).path === undefined) (error as NodeJS.ErrnoException).path = path;
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** The temporary name writeFileAtomic gives a file: .<name>.<pid>.<ms>.<n>.tmp */
export const TEMP_FILE = /^\..+\.\d+\.\d+\.\d+\.tmp$/;

/**
 * Removes the temporary files of writes that never finished (a killed writer) from `folder`, not
 * below it: those older than `olderThanMs`, or all of them (the default) where the caller holds the
 * lock that every writer of the folder takes, so that no live write can own one. Returns their names.
 */
export function sweepTempFiles(folder: string, olderThanMs = 0): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const now = Date.now();
  for (const name of names) {
    if (!TEMP_FILE.test(name)) continue;
    const path = join(folder, name);
    try {
      if (olderThanMs > 0 && now - statSync(path).mtimeMs < olderThanMs) continue;
      rmSync(path, { force: true });
      removed.push(name);
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function writeExtxyz(path: string, configuration: Configuration): void {
  writeFileAtomic(path, formatExtxyz(configuration));
}

export function readExtxyz(path: string): Configuration {
  return parseExtxyz(readFileSync(path, 'utf8'), path);
}

export function writeNpy(path: string, data: Float64Array, shape: number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}

export function readNpy(path: string): NpyArray {
  return decodeNpy(new Uint8Array(readFileSync(path)), path);
}
