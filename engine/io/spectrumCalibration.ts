/**
 * The cache of `backend: auto`'s calibration (engine/spectrum/calibration.ts): one JSON file per
 * user, valid for one machine, runtime and version. The fingerprint is the CPU model and count,
 * the memory, the OS, Node's version, the app's version, the calibration model and the gpu.js
 * backends that answer; a cache of another fingerprint, or one that does not parse, is measured
 * again and replaced (atomically: two workers that calibrate at once each write a whole file).
 *
 * Where: $GLASSMODES_CACHE_DIR, else $XDG_CACHE_HOME/glassmodes, else ~/.cache/glassmodes.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { arch, cpus, homedir, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { availableBackends, type DeviceBackend } from '../compute/device';
import { CALIBRATION_MODEL, type SpectrumCalibration } from '../spectrum/calibration';
import { calibrateSpectrumPaths } from '../pipeline/spectrumCalibration';
import { APP_VERSION } from '../version';
import { writeJsonAtomic } from './files';

export function calibrationCacheDir(): string {
  return process.env.GLASSMODES_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'glassmodes');
}

export const calibrationCachePath = (): string => join(calibrationCacheDir(), 'spectrum-calibration.json');

/** What a calibration is valid for, in words (hashed into the fingerprint). */
export function machineDescription(backends: readonly DeviceBackend[]): string {
  const cpu = cpus();
  return [
    `cpu ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    `memory ${Math.round(totalmem() / 2 ** 20)} MiB`,
    `${platform()} ${release()} ${arch()}`,
    `node ${process.version}`,
    `glassmodes ${APP_VERSION}`,
    `calibration model ${CALIBRATION_MODEL}`,
    `backends ${backends.join(',') || 'none'}`,
  ].join('; ');
}

export function fingerprintOf(description: string): string {
  return createHash('sha256').update(description).digest('hex').slice(0, 16);
}

/** The cached calibration at `path` if it is one of this fingerprint and whole, else undefined (then it is measured again). */
export function readCalibrationCache(path: string, fingerprint: string): SpectrumCalibration | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as SpectrumCalibration;
    if (c.fingerprint !== fingerprint || c.model !== CALIBRATION_MODEL || !Array.isArray(c.paths)) return undefined;
    const reference = c.paths.find((p) => p.path === 'reference');
    if (!reference || reference.probes.length < 2 || !reference.probes.every((p) => Number.isFinite(p.seconds) && p.seconds >= 0 && p.dof > 0)) return undefined;
    return c;
  } catch {
    return undefined; // a damaged cache is measured again
  }
}

/**
 * The calibration of this machine: from the cache when it is this machine's, else measured (a few
 * seconds: the reference and every gpu.js backend that answers, engine/pipeline/spectrumCalibration.ts)
 * and cached. `calibrated` says whether it was measured now.
 */
export async function loadOrCalibrate(onProgress?: (message: string) => void): Promise<{ calibration: SpectrumCalibration; calibrated: boolean; path: string; description: string }> {
  // gpu.js's 'cpu' runs the same kernels as 'webasm' in plain JavaScript, always slower: it is
  // timed only where webasm does not answer.
  const answering = await availableBackends();
  const backends = answering.includes('webasm') ? answering.filter((b) => b !== 'cpu') : answering;
  const description = machineDescription(backends);
  const fingerprint = fingerprintOf(description);
  const path = calibrationCachePath();
  const cached = readCalibrationCache(path, fingerprint);
  if (cached) return { calibration: cached, calibrated: false, path, description };
  onProgress?.(`calibrating the spectrum paths of this machine (${description})`);
  const calibration = await calibrateSpectrumPaths(backends, fingerprint, onProgress);
  try {
    mkdirSync(calibrationCacheDir(), { recursive: true });
    writeJsonAtomic(path, { ...calibration, description });
  } catch (error) {
    // A cache that cannot be written (read-only home, full disk) costs a calibration per run, not the run.
    onProgress?.(`the calibration could not be cached at ${path} (${error instanceof Error ? error.message : String(error)}); it will be measured again next time`);
  }
  return { calibration, calibrated: true, path, description };
}
