/**
 * Every file of a sample checked against what it must be before it is used (issue 12, item 4):
 * meta.json against its schema and the settings it was computed with (a digest recorded with
 * each sample, so that settings edited in project.json after samples exist are refused instead
 * of re-analysing m = 2 spectra as m = 3), its elasticity section (elasticityRecord.ts
 * elasticityProblem) where it has one, the configurations against N, d and the diameter range,
 * the spectrum files against the shape and dtype the settings give (finite, ascending, no negative
 * eigenvalue that meta.json does not report), and a Monte Carlo checkpoint against its schema and
 * sizes. A sample that fails is "damaged": named with the file and the reason, never dropped or
 * silently restarted; `glassmodes run --redo <id>` recomputes it.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ProjectSettings } from '../model/settings';
import { decodeNpyHeader } from './npy';
import { readExtxyz, readNpy } from './files';
import { elasticityProblem } from './elasticityRecord';

/** The settings a sample's result depends on: all but how often checkpoints are written and how many samples there are. */
export function resultSettings(settings: ProjectSettings): unknown {
  const { samples: _samples, sampling, ...rest } = settings;
  const { checkpointSeconds: _c, ...kept } = sampling;
  return { ...rest, sampling: kept };
}

/** Canonical JSON (keys sorted), so that a digest does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (first 16 hex digits) of the result settings: recorded in each sample's meta.json and checkpoint. */
export function settingsDigest(settings: ProjectSettings): string {
  return createHash('sha256').update(canonical(resultSettings(settings))).digest('hex').slice(0, 16);
}

/** "model.taper: 2 → 3" for every leaf that differs between two settings objects. */
export function settingsDifferences(before: unknown, after: unknown, path = ''): string[] {
  if (canonical(before) === canonical(after)) return [];
  const plain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (plain(before) && plain(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => settingsDifferences(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return [`${path}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
}

export interface Damage {
  /** The file, relative to the project folder (samples/<id>/meta.json). */
  file: string;
  reason: string;
  /** Set when the sample was computed with other settings than project.json now holds. */
  settingsChanged?: string[];
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

/** What is wrong with a parsed meta.json of sample `entry`, or undefined. */
export function metaProblem(raw: unknown, entry: { id: string; seed: number }): string | undefined {
  if (!isObject(raw)) return 'it is not a JSON object';
  if (raw.id !== entry.id) return `its id is ${JSON.stringify(raw.id)}, expected "${entry.id}"`;
  if (raw.seed !== entry.seed) return `its seed is ${JSON.stringify(raw.seed)}, expected ${entry.seed} (from project.json)`;
  if (!isObject(raw.timings)) return 'it has no timings object';
  for (const key of ['energy', 'energyPerParticle', 'maxForce'] as const) if (key in raw && !finite(raw[key])) return `${key} is ${JSON.stringify(raw[key])}, not a finite number`;
  if ('quench' in raw && !(isObject(raw.quench) && typeof raw.quench.converged === 'boolean')) return 'its quench section is malformed';
  if ('spectrum' in raw && !isObject(raw.spectrum)) return 'its spectrum section is not an object';
  if ('failed' in raw && !(isObject(raw.failed) && typeof raw.failed.stage === 'string' && typeof raw.failed.reason === 'string')) return 'its failed section is malformed';
  if ('settingsDigest' in raw && typeof raw.settingsDigest !== 'string') return 'its settingsDigest is not a string';
  if ('quench' in raw && (raw.quench as { converged: boolean }).converged && !finite(raw.energy)) return 'it records a converged quench without a finite energy';
  return undefined;
}

/** What is wrong with meta.json's elasticity section (elasticityRecord.ts elasticityProblem), or undefined; none is fine (a project made before it). */
function elasticitySectionProblem(meta: Record<string, unknown>, settings: ProjectSettings): string | undefined {
  if (!('elasticity' in meta)) return undefined;
  const problem = elasticityProblem(meta.elasticity, settings);
  return problem ? `its elasticity section is malformed: ${problem}` : undefined;
}

/** Reads and checks samples/<id>/meta.json: the meta, or the damage (undefined meta when absent). */
export function readCheckedMeta(folder: string, rel: string, entry: { id: string; seed: number }, settings: ProjectSettings): { meta?: Record<string, unknown>; damage?: Damage } {
  const path = join(folder, 'meta.json');
  if (!existsSync(path)) return {};
  const file = `${rel}/meta.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { damage: { file, reason: `not valid JSON (${(error as Error).message})` } };
  }
  const problem = metaProblem(raw, entry) ?? elasticitySectionProblem(raw as Record<string, unknown>, settings);
  if (problem) return { damage: { file, reason: problem } };
  const meta = raw as Record<string, unknown>;
  if (typeof meta.settingsDigest === 'string' && meta.settingsDigest !== settingsDigest(settings)) {
    const changed = isObject(meta.settings) ? settingsDifferences(meta.settings, resultSettings(settings)) : [];
    return {
      meta,
      damage: {
        file,
        reason: `computed with other settings than project.json now holds (${changed.length ? changed.join(', ') : `digest ${meta.settingsDigest}, project.json ${settingsDigest(settings)}`})`,
        settingsChanged: changed.length ? changed : ['settings digest'],
      },
    };
  }
  return { meta };
}

/** What is wrong with a configuration file of the project, or undefined. */
export function configurationProblem(path: string, settings: ProjectSettings): string | undefined {
  let c;
  try {
    c = readExtxyz(path);
  } catch (error) {
    return (error as Error).message.replace(`${path}: `, '');
  }
  const { dim, particles, diameterMin, diameterMax } = settings.model;
  if (c.dim !== dim) return `it is ${c.dim}D, the project is ${dim}D`;
  if (c.diameters.length !== particles) return `it holds ${c.diameters.length} particles, the project has N = ${particles}`;
  if (c.positions.length !== dim * particles || c.positions.some((x) => !Number.isFinite(x))) return 'it has positions that are not finite numbers';
  const slack = 1e-12 * diameterMax;
  if (c.diameters.some((a) => !(a >= diameterMin - slack && a <= diameterMax + slack))) return `it has diameters outside [${diameterMin}, ${diameterMax}]`;
  return undefined;
}

/** The shape in a .npy file's header and whether the file size matches it, without reading the data. */
function npyShape(path: string, source: string): { shape: number[] } {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const { shape, offset } = decodeNpyHeader(head.subarray(0, n), source);
    const count = shape.reduce((a, b) => a * b, 1);
    const size = fstatSync(fd).size;
    if (size - offset !== count * 8) throw new Error(`${source}: its header says ${count} float64 values, the file holds ${(size - offset) / 8}`);
    return { shape };
  } finally {
    closeSync(fd);
  }
}

/** What is wrong with the spectrum files of a finished sample (shape, dtype, finite, ascending, consistent with meta.json), or undefined. */
export function spectrumDamage(folder: string, rel: string, settings: ProjectSettings, spectrum: Record<string, unknown>): Damage | undefined {
  const dn = settings.model.dim * settings.model.particles;
  const full = (spectrum.method ?? 'full') === 'full';
  const expected = full ? dn : typeof spectrum.storedEigenvalues === 'number' ? spectrum.storedEigenvalues : undefined;
  const file = `${rel}/eigenvalues.npy`;
  let values: Float64Array;
  let shape: number[];
  try {
    ({ data: values, shape } = readNpy(join(folder, 'eigenvalues.npy')));
  } catch (error) {
    return { file, reason: (error as Error).message.replace(/^.*eigenvalues\.npy: /, '') };
  }
  if (shape.length !== 1) return { file, reason: `shape (${shape.join(', ')}), expected one dimension` };
  if (expected !== undefined && values.length !== expected) {
    return { file, reason: `${values.length} values, expected ${expected} (${full ? `dN = ${settings.model.dim} × ${settings.model.particles}, the full spectrum` : 'as meta.json records'})` };
  }
  if (!full && values.length < settings.model.dim + 1) return { file, reason: `${values.length} values, fewer than the ${settings.model.dim} zero modes and one more` };
  // Ascending, up to the zero-mode tolerance: the lowest-K path stores the d deflated translations
  // first, whose values are zero to rounding (±1e-15) in no particular order.
  const slack = typeof spectrum.zeroTolerance === 'number' ? spectrum.zeroTolerance : 0;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) return { file, reason: `value ${k} is ${values[k]}, not a finite number` };
    if (k > 0 && values[k] < values[k - 1] - slack) return { file, reason: `not ascending: value ${k} (${values[k]}) is below value ${k - 1} (${values[k - 1]})` };
  }
  if (typeof spectrum.lowestEigenvalue === 'number' && values[0] !== spectrum.lowestEigenvalue) return { file, reason: `its lowest value ${values[0]} is not the ${spectrum.lowestEigenvalue} meta.json records` };
  if (full && typeof spectrum.largestEigenvalue === 'number' && values[values.length - 1] !== spectrum.largestEigenvalue) {
    return { file, reason: `its largest value ${values[values.length - 1]} is not the ${spectrum.largestEigenvalue} meta.json records` };
  }
  const tolerance = typeof spectrum.zeroTolerance === 'number' ? spectrum.zeroTolerance : 0;
  // Besides the d zero modes (those nearest 0, as the analysis takes them), a value below
  // −tolerance is an instability that meta.json must report.
  if (spectrum.unstable === false) {
    const nearestZero = new Set(Array.from(values.keys()).sort((a, b) => Math.abs(values[a]) - Math.abs(values[b])).slice(0, settings.model.dim));
    let unstable = 0;
    for (let k = 0; k < values.length; k++) if (!nearestZero.has(k) && values[k] < -tolerance) unstable++;
    if (unstable > 0) return { file, reason: `${unstable} value(s) below −${tolerance.toExponential(2)} (lowest ${values[0]}) besides the zero modes, although meta.json says the sample is stable` };
  }
  const stored = typeof spectrum.storedModes === 'number' ? spectrum.storedModes : undefined;
  for (const [name, want] of [
    ['modes.npy', stored !== undefined ? [stored, dn] : undefined],
    ['participation.npy', [full ? dn : values.length]],
  ] as const) {
    const path = join(folder, name);
    if (!existsSync(path)) {
      if (name === 'modes.npy') continue; // optional for the analysis
      return { file: `${rel}/${name}`, reason: 'missing' };
    }
    try {
      const { shape: s } = npyShape(path, name);
      if (want && (s.length !== want.length || s.some((x, k) => x !== want[k]))) return { file: `${rel}/${name}`, reason: `shape (${s.join(', ')}), expected (${want.join(', ')})` };
    } catch (error) {
      return { file: `${rel}/${name}`, reason: (error as Error).message.replace(`${name}: `, '') };
    }
  }
  return undefined;
}

/** What is wrong with a parsed Monte Carlo state (a sample's or a chain's checkpoint), or undefined. */
export function monteCarloStateProblem(raw: Record<string, unknown>, settings: ProjectSettings, maxSweeps: number): string | undefined {
  const { dim, particles } = settings.model;
  const numbers = (x: unknown, n: number, ok: (v: number) => boolean) => Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number' && ok(v));
  if (!numbers(raw.positions, dim * particles, Number.isFinite)) return `positions must be ${dim * particles} finite numbers (dN), got ${Array.isArray(raw.positions) ? `${raw.positions.length} entries` : typeof raw.positions}`;
  if (!numbers(raw.diameters, particles, (v) => Number.isFinite(v) && v > 0)) return `diameters must be ${particles} positive numbers (N), got ${Array.isArray(raw.diameters) ? `${raw.diameters.length} entries` : typeof raw.diameters}`;
  if (!numbers(raw.rng, 4, (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) || (raw.rng as number[]).every((v) => v === 0)) return 'rng must be four 32-bit words, not all zero';
  if (!(Number.isInteger(raw.sweepsDone) && (raw.sweepsDone as number) >= 0 && (raw.sweepsDone as number) <= maxSweeps)) return `sweepsDone must be an integer in [0, ${maxSweeps}], got ${JSON.stringify(raw.sweepsDone)}`;
  for (const key of ['attempted', 'accepted'] as const) {
    const c = raw[key];
    if (!isObject(c) || !['displacement', 'swap'].every((k) => Number.isInteger(c[k]) && (c[k] as number) >= 0)) return `${key} must hold non-negative integer counts of displacement and swap moves`;
  }
  const a = raw.attempted as Record<string, number>;
  const b = raw.accepted as Record<string, number>;
  if (b.displacement > a.displacement || b.swap > a.swap) return 'more moves accepted than attempted';
  if ('elapsedSeconds' in raw && !(finite(raw.elapsedSeconds) && (raw.elapsedSeconds as number) >= 0)) return 'elapsedSeconds must be a non-negative number';
  if (typeof raw.settingsDigest === 'string' && raw.settingsDigest !== settingsDigest(settings)) return 'it was written with other settings than project.json now holds';
  return undefined;
}

/** Checks samples/<id>/checkpoint.json of an independent sample: the damage, or undefined. */
export function checkpointDamage(path: string, file: string, settings: ProjectSettings): Damage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { file, reason: `not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(raw) || raw.format !== 'glassmodes-mc-checkpoint') return { file, reason: `not a glassmodes Monte Carlo checkpoint (format ${JSON.stringify(isObject(raw) ? raw.format : raw)})` };
  const problem = monteCarloStateProblem(raw, settings, settings.sampling.sweeps);
  return problem ? { file, reason: problem } : undefined;
}

/** The message of a damaged sample: the file, the reason, and what to do. */
export function damageMessage(id: string, damage: Damage, dir?: string): string {
  if (damage.settingsChanged) return `${damage.file}: ${damage.reason}; restore project.json, or make a new project for the new settings`;
  return `damaged: ${damage.file}: ${damage.reason}; recompute it with glassmodes run ${dir ?? '<dir>'} --redo ${id}`;
}
