/**
 * The file side of the I/O corner. Every write is atomic: a temporary file in the same folder,
 * fsync, then rename over the target, so a crash or a kill leaves the old file or the new one,
 * never half of either.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
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
