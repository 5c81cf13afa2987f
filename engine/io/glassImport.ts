/**
 * `glassmodes import`: a project whose samples are configurations made elsewhere (LAMMPS, ASE,
 * OVITO, HOOMD-blue, JAX-MD …), read from extended XYZ, LAMMPS data or LAMMPS dump files.
 *
 *   file(s) → raw frames (./extxyz, ./lammps) → checked configurations (cubic/square periodic box,
 *   one dimension, diameters from a property or a type map) → project settings (N, ρ = N/L^d and the
 *   diameter range from the files; the potential from the user) → samples/<id>/parent.extxyz, and
 *   with --as-is also config.extxyz after checking max|f| ≤ quench.forceTolerance.
 *
 * Units: none are converted. Lengths (positions, box, diameters, r_c) are in the file's length unit,
 * energies in ε of the potential, so the file's lengths must be those the potential is written in.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { cutoffPairs, energyAndForces, makeGlass, maxForce } from '../model/glass';
import { positionResolution, roundingForceBound } from '../hessian/rounding';
import { boxSide, SettingsError, validateSettings, type ProjectSettings } from '../model/settings';
import { APP_VERSION } from '../version';
import { FormatError, parseExtxyzFrames, type Configuration, type ExtxyzFrame } from './extxyz';
import { parseLammpsData, parseLammpsDump, type RawFrame } from './lammps';
import { writeExtxyz, writeJsonAtomic } from './files';
import { createProject, ProjectError, sampleDir, sampleId, type ProjectFile, type SampleMeta } from './project';

import type { ImportFormat, ImportRecord } from './project';
export type { ImportFormat } from './project';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['extxyz', 'lammps-data', 'lammps-dump'];

/** Where diameters come from: a per-atom property (radius/radii are doubled), or a type → diameter map. */
export type DiameterSource = { property: string } | { types: Record<string, number> };

export type { ImportRecord } from './project';

export const IMPORT_UNITS = "no conversion: positions, box, diameters and r_c in the file's length unit, energies in ε of the potential";

/** `--diameters-from`: a property name, or a type map `1:1.0,2:1.4` / `A:1.0,B:1.4`. */
export function parseDiameterSource(text: string): DiameterSource {
  if (!text.includes(':')) {
    if (!/^[A-Za-z_][\w.-]*$/.test(text)) throw new SettingsError('--diameters-from', 'a per-atom property name (e.g. diameter) or a type map type:diameter,… (e.g. 1:1.0,2:1.4)', text);
    return { property: text };
  }
  const types: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [type, value, ...rest] = part.split(':');
    const d = Number(value);
    if (!type || rest.length || value === undefined || value.trim() === '' || !(d > 0) || !Number.isFinite(d)) {
      throw new SettingsError('--diameters-from', 'a type map type:diameter,… with positive diameters (e.g. 1:1.0,2:1.4)', text, `'${part}' is not type:diameter`);
    }
    if (type in types) throw new SettingsError('--diameters-from', 'a type map naming each type once', text, `type ${type} appears twice`);
    types[type] = d;
  }
  return { types };
}

export function describeDiameterSource(source: DiameterSource): string {
  if ('property' in source) return /^radi(us|i)$/i.test(source.property) ? `per-atom property '${source.property}' × 2 (a radius)` : `per-atom property '${source.property}'`;
  return `type map ${Object.entries(source.types).map(([t, d]) => `${t}:${d}`).join(',')}`;
}

/** The format of a file: given, or told by its extension, or by its first line. */
export function detectFormat(path: string, text: string, given?: string): ImportFormat {
  if (given !== undefined) {
    if (!IMPORT_FORMATS.includes(given as ImportFormat)) throw new SettingsError('--format', IMPORT_FORMATS.map((f) => `'${f}'`).join(', '), given);
    return given as ImportFormat;
  }
  const name = basename(path).toLowerCase();
  if (/\.(ext)?xyz$/.test(name)) return 'extxyz';
  if (/\.(dump|lammpstrj)$/.test(name) || /^dump\./.test(name)) return 'lammps-dump';
  if (/\.(data|lmp|lammps)$/.test(name) || /^data\./.test(name)) return 'lammps-data';
  const first = text.slice(0, text.indexOf('\n') >>> 0).trim();
  if (first.startsWith('ITEM: TIMESTEP')) return 'lammps-dump';
  if (/^\d+$/.test(first)) return 'extxyz';
  return 'lammps-data';
}

/** An extended XYZ frame as a raw frame: box from Lattice/pbc/Origin, types from species (or type/Z), scalar columns as properties. */
export function extxyzRawFrame(frame: ExtxyzFrame, source: string, index: number): RawFrame {
  const where = `${source}:${frame.line + 1}`;
  if (!frame.lattice) throw new FormatError(`${where}: frame ${index} has no Lattice: not a periodic box (glassmodes takes cubic/square periodic boxes)`);
  const l = frame.lattice;
  const pos = frame.numbers.pos ?? frame.numbers.Position ?? frame.numbers.position;
  const posColumn = frame.columns.find((c) => ['pos', 'Position', 'position'].includes(c.name));
  if (!pos || posColumn?.width !== 3) throw new FormatError(`${where}: Properties has no pos:R:3 column`);
  const types = frame.strings.species ?? frame.strings.type ?? frame.strings.element ?? (frame.numbers.type ? Array.from(frame.numbers.type, String) : frame.numbers.Z ? Array.from(frame.numbers.Z, String) : undefined);
  const properties: Record<string, Float64Array> = {};
  for (const c of frame.columns) if (c.type !== 'S' && c.width === 1) properties[c.name] = frame.numbers[c.name];
  const atomLines = Int32Array.from({ length: frame.count }, (_, i) => frame.line + 2 + i);
  return {
    source,
    frame: index,
    line: frame.line + 1,
    count: frame.count,
    lengths: [l[0], l[4], l[8]],
    origin: frame.origin,
    pbc: frame.pbc,
    tilt: [l[1], l[2], l[3], l[5], l[6], l[7]],
    positions: Float64Array.from(pos),
    types,
    properties,
    atomLines,
    dim: frame.pbc[0] && frame.pbc[1] && !frame.pbc[2] ? 2 : undefined,
  };
}

export function rawFrames(text: string, format: ImportFormat, source: string): RawFrame[] {
  if (format === 'extxyz') return parseExtxyzFrames(text, source).map((f, k) => extxyzRawFrame(f, source, k));
  if (format === 'lammps-data') return [parseLammpsData(text, source)];
  return parseLammpsDump(text, source);
}

/** A configuration that passed every check, with where it came from. */
export interface ImportedConfiguration extends Configuration {
  source: string;
  frame: number;
}

/** Relative tolerance on "equal" box edges (a text file rounds them). */
const EDGE_TOLERANCE = 1e-12;

/**
 * The checks of a raw frame and its conversion: a cubic (3D) or square (2D) periodic box, one
 * dimension, finite positions wrapped into [0, L), positive diameters from `diameters` (default:
 * a 'diameter' property, else 'radius' × 2).
 */
export function checkedConfiguration(raw: RawFrame, options: { dim?: 2 | 3; diameters?: DiameterSource } = {}): ImportedConfiguration {
  const where = `${raw.source}:${raw.line}`;
  const label = raw.frame > 0 ? ` (frame ${raw.frame})` : '';
  if (raw.dim !== undefined && options.dim !== undefined && raw.dim !== options.dim) {
    throw new FormatError(`${where}: mixed dimension: the file is ${raw.dim}D (pbc="T T F") but --dim ${options.dim} was given`);
  }
  const dim: 2 | 3 = options.dim ?? raw.dim ?? 3;
  if (raw.tilt.some((t) => t !== 0)) throw new FormatError(`${where}${label}: triclinic (or rotated) box: the cell has off-diagonal components ${raw.tilt.join(' ')}; glassmodes takes cubic/square periodic boxes only`);
  const open = [0, 1, 2].filter((a) => a < dim && !raw.pbc[a]).map((a) => 'xyz'[a]);
  if (open.length) throw new FormatError(`${where}${label}: non-periodic axis ${open.join(', ')} (pbc); glassmodes takes periodic boxes only`);
  const side = raw.lengths[0];
  for (let a = 1; a < dim; a++) {
    if (!(Math.abs(raw.lengths[a] - side) <= EDGE_TOLERANCE * side)) {
      throw new FormatError(`${where}${label}: the box is not ${dim === 3 ? 'cubic' : 'square'}: edges ${raw.lengths.slice(0, dim).join(', ')}; glassmodes takes cubic/square boxes only`);
    }
  }
  if (!(side > 0)) throw new FormatError(`${where}${label}: box edge ${side} is not positive`);
  const n = raw.count;
  const positions = new Float64Array(dim * n);
  const z0 = raw.positions[2];
  for (let i = 0; i < n; i++) {
    if (dim === 2 && raw.positions[3 * i + 2] !== z0) {
      throw new FormatError(`${raw.source}:${raw.atomLines[i]}: mixed dimension: the configuration is 2D but this atom has z = ${raw.positions[3 * i + 2]}, the first z = ${z0}`);
    }
    for (let a = 0; a < dim; a++) {
      const x = raw.positions[3 * i + a];
      if (!Number.isFinite(x)) throw new FormatError(`${raw.source}:${raw.atomLines[i]}: position ${'xyz'[a]} is ${x}, not a finite number`);
      let p = x - raw.origin[a];
      if (p < 0 || p >= side) p -= Math.floor(p / side) * side;
      if (p >= side) p -= side;
      if (p < 0) p = 0;
      positions[dim * i + a] = p;
    }
  }
  const diameters = new Float64Array(n);
  const from = options.diameters ?? defaultDiameterSource(raw);
  if ('property' in from) {
    const values = raw.properties[from.property];
    if (!values) {
      const names = Object.keys(raw.properties);
      throw new FormatError(`${where}: no per-atom property '${from.property}' for the diameters (the file has ${names.length ? names.join(', ') : 'none'}${raw.types ? `; types ${[...new Set(raw.types)].slice(0, 8).join(', ')} could take a map, --diameters-from ${[...new Set(raw.types)].slice(0, 2).map((t) => `${t}:1.0`).join(',')}` : ''})`);
    }
    const scale = /^radi(us|i)$/i.test(from.property) ? 2 : 1;
    for (let i = 0; i < n; i++) diameters[i] = scale * values[i];
  } else {
    if (!raw.types) throw new FormatError(`${where}: the file has no per-atom types, so a type map cannot give the diameters; name a property with --diameters-from`);
    for (let i = 0; i < n; i++) {
      const d = from.types[raw.types[i]];
      if (d === undefined) throw new FormatError(`${raw.source}:${raw.atomLines[i]}: atom type ${raw.types[i]} has no diameter in --diameters-from (${Object.keys(from.types).join(', ')})`);
      diameters[i] = d;
    }
  }
  for (let i = 0; i < n; i++) if (!(diameters[i] > 0) || !Number.isFinite(diameters[i])) throw new FormatError(`${raw.source}:${raw.atomLines[i]}: diameter ${diameters[i]} is not a positive finite number`);
  return { dim, side, positions, diameters, info: {}, source: raw.source, frame: raw.frame };
}

function defaultDiameterSource(raw: RawFrame): DiameterSource {
  if (raw.properties.diameter) return { property: 'diameter' };
  const radius = Object.keys(raw.properties).find((k) => /^radi(us|i)$/i.test(k));
  if (radius) return { property: radius };
  const types = raw.types ? [...new Set(raw.types)] : [];
  throw new FormatError(
    `${raw.source}:${raw.line}: no per-atom diameter (no 'diameter' or 'radius' property): give --diameters-from <property>${types.length ? ` or a type map, e.g. --diameters-from ${types.slice(0, 3).map((t) => `${t}:1.0`).join(',')}` : ''}`,
  );
}

/**
 * ρ = N/L^d, nudged by a few units in the last place where that makes the engine's box side
 * (N/ρ)^(1/d) (boxSide) give back the file's L exactly, so the box the engine works in is the file's.
 */
export function densityForSide(particles: number, side: number, dim: number): number {
  const rho = particles / side ** dim;
  const sideOf = (density: number) => boxSide({ particles, density, dim: dim as 2 | 3 });
  if (sideOf(rho) === side) return rho;
  const step = (x: number, up: boolean) => {
    const b = new Float64Array([x]);
    const u = new BigInt64Array(b.buffer);
    u[0] += up ? 1n : -1n;
    return b[0];
  };
  for (const up of [true, false]) {
    let r = rho;
    for (let k = 0; k < 16; k++) {
      r = step(r, up);
      if (sideOf(r) === side) return r;
    }
  }
  return rho;
}

export interface ImportOptions {
  /** Applies to every file; default from each file's extension or first line. */
  format?: string;
  dim?: 2 | 3;
  diametersFrom?: string;
  mode: 'as-is' | 'quench';
  name?: string;
  createdBy?: string;
  onProgress?: (fraction: number, message: string) => void;
}

export interface ImportedSample {
  id: string;
  source: string;
  frame: number;
  energy: number;
  maxForce: number;
  /** --as-is above forceTolerance but within what the file's rounding of positions allows. */
  rounding?: { positionResolution: number; forceBound: number };
}

export interface ImportResult {
  project: ProjectFile;
  samples: ImportedSample[];
  record: ImportRecord;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads and checks every file, builds the settings (`settingsInput` holds the user's model,
 * quench and spectrum settings; N, ρ, d and the diameter range come from the files), checks
 * max|f| for --as-is, and only then writes the project. Any refusal leaves the disk unchanged.
 */
export function importGlasses(dir: string, paths: string[], settingsInput: Record<string, unknown>, options: ImportOptions): ImportResult {
  if (paths.length === 0) throw new ProjectError('import needs at least one configuration file');
  const progress = options.onProgress ?? (() => {});
  const diameters = options.diametersFrom !== undefined ? parseDiameterSource(options.diametersFrom) : undefined;
  const files: ImportRecord['files'] = [];
  const configurations: (ImportedConfiguration & { sha256: string })[] = [];
  for (const [k, path] of paths.entries()) {
    const full = resolve(path);
    if (!existsSync(full) || !statSync(full).isFile()) throw new FormatError(`${path}: no such file`);
    const bytes = new Uint8Array(readFileSync(full));
    const text = new TextDecoder().decode(bytes);
    const format = detectFormat(path, text, options.format);
    progress(k / paths.length / 2, `reading ${path} (${format})`);
    const frames = rawFrames(text, format, path).map((raw) => checkedConfiguration(raw, { dim: options.dim, diameters }));
    const digest = sha256(bytes);
    files.push({ path: full, sha256: digest, format, frames: frames.length, samples: [] });
    for (const c of frames) configurations.push({ ...c, sha256: digest });
  }
  const first = configurations[0];
  for (const c of configurations) {
    const tag = `${c.source} frame ${c.frame}`;
    if (c.dim !== first.dim) throw new FormatError(`${tag}: mixed dimension: ${c.dim}D, but ${first.source} frame ${first.frame} is ${first.dim}D; one project holds one dimension`);
    if (c.diameters.length !== first.diameters.length) throw new FormatError(`${tag}: ${c.diameters.length} atoms, but ${first.source} frame ${first.frame} has ${first.diameters.length}; one project holds one N (import them as separate projects)`);
    if (!(Math.abs(c.side - first.side) <= EDGE_TOLERANCE * first.side)) throw new FormatError(`${tag}: box edge ${c.side}, but ${first.source} frame ${first.frame} has ${first.side}; one project holds one density`);
  }
  const n = first.diameters.length;
  let low = Infinity;
  let high = -Infinity;
  for (const c of configurations) for (const a of c.diameters) [low, high] = [Math.min(low, a), Math.max(high, a)];
  // The range is only a record here (imported samples are not drawn from P(a)); validation needs max > min.
  if (high === low) high = low * (1 + 1e-12);
  const input = settingsInput as { model?: Record<string, unknown>; sampling?: Record<string, unknown> };
  for (const key of ['dim', 'particles', 'density', 'diameterMin', 'diameterMax']) {
    if (input.model && key in input.model) throw new SettingsError(`model.${key}`, 'taken from the imported files', input.model[key], 'an import reads it from the configuration');
  }
  const settings: ProjectSettings = validateSettings({
    ...settingsInput,
    model: { ...(input.model ?? {}), dim: first.dim, particles: n, density: densityForSide(n, first.side, first.dim), diameterMin: low, diameterMax: high },
    sampling: { parentTemperature: 'inf', sweeps: 0, ...(input.sampling ?? {}) },
    samples: configurations.length,
  });
  // Forces at the imported positions: --as-is needs a minimum of this potential.
  const checked: ImportedSample[] = [];
  const refused: string[] = [];
  configurations.forEach((c, k) => {
    const glass = makeGlass(settings.model, c.diameters);
    const forces = new Float64Array(c.positions.length);
    const energy = energyAndForces(glass, c.positions, cutoffPairs(glass, c.positions), forces);
    const worst = maxForce(forces, c.dim);
    // A file that rounds positions (ASE's extended XYZ: 8 decimals) cannot hold a minimum closer than
    // its rounding allows: --as-is accepts forces up to that bound, and says so in meta.json.
    const resolution = positionResolution(c.positions);
    const bound = options.mode === 'as-is' && worst > settings.quench.forceTolerance ? roundingForceBound(glass, c.positions, resolution) : 0;
    const rounding = bound > settings.quench.forceTolerance && worst <= bound ? { positionResolution: resolution, forceBound: bound } : undefined;
    checked.push({ id: '', source: c.source, frame: c.frame, energy, maxForce: worst, ...(rounding ? { rounding } : {}) });
    if (options.mode === 'as-is' && !(worst <= settings.quench.forceTolerance) && !rounding) {
      refused.push(`${c.source} frame ${c.frame}: max|f| = ${worst.toExponential(3)}${bound > 0 ? ` (more than the ${bound.toExponential(2)} its positions' rounding to ±${resolution.toExponential(1)} can explain)` : ''}`);
    }
    if (rounding) progress(0.5 + (0.4 * (k + 1)) / configurations.length, `${c.source} frame ${c.frame}: max|f| = ${worst.toExponential(2)} > ${settings.quench.forceTolerance}, within what the file's rounding of positions to ±${resolution.toExponential(1)} allows (${bound.toExponential(2)}): taken as a minimum, recorded in meta.json`);
    progress(0.5 + (0.4 * (k + 1)) / configurations.length, `${c.source} frame ${c.frame}: E/N = ${(energy / n).toPrecision(10)}, max|f| = ${worst.toExponential(2)}`);
  });
  if (refused.length) {
    throw new ProjectError(
      `--as-is: ${refused.length} of ${configurations.length} configuration(s) are not minima of this potential (max|f| > quench.forceTolerance = ${settings.quench.forceTolerance}): ` +
        `${refused.slice(0, 3).join('; ')}${refused.length > 3 ? '; …' : ''}. Import with --quench to quench them first (recorded in the project), ` +
        'or raise --force-tolerance if the file rounds positions (ASE writes extended XYZ with 8 decimals). Nothing was written',
    );
  }
  const record: ImportRecord = {
    mode: options.mode,
    units: IMPORT_UNITS,
    diameters: diameters ? describeDiameterSource(diameters) : 'the file\'s diameter (or radius × 2) property',
    dimension: options.dim !== undefined ? `${first.dim}D (--dim ${options.dim})` : `${first.dim}D (from the file)`,
    files,
  };
  configurations.forEach((c, k) => files.find((f) => f.sha256 === c.sha256 && f.path === resolve(c.source))?.samples.push(sampleId(k)));
  const project = createProject(dir, settings, { name: options.name, createdBy: options.createdBy ?? 'cli import', imported: record });
  project.samples.forEach((entry, k) => {
    const c = configurations[k];
    const s = checked[k];
    s.id = entry.id;
    const folder = sampleDir(dir, entry.id);
    const origin = { source: resolve(c.source), sha256: c.sha256, frame: c.frame };
    writeExtxyz(join(folder, 'parent.extxyz'), { dim: c.dim, side: c.side, positions: c.positions, diameters: c.diameters, info: { imported_from: basename(c.source), frame: c.frame, sha256: c.sha256 } });
    let meta: SampleMeta = { id: entry.id, seed: entry.seed, version: APP_VERSION, timings: {}, host: hostname(), import: { ...origin, mode: options.mode, energy: s.energy, maxForce: s.maxForce } };
    if (options.mode === 'as-is') {
      writeExtxyz(join(folder, 'config.extxyz'), { dim: c.dim, side: c.side, positions: c.positions, diameters: c.diameters, info: { energy: s.energy, max_force: s.maxForce, seed: entry.seed } });
      meta = {
        ...meta,
        energy: s.energy,
        energyPerParticle: s.energy / n,
        maxForce: s.maxForce,
        quench: {
          method: 'as-is',
          iterations: 0,
          evaluations: 0,
          converged: true,
          reason: s.rounding
            ? `imported as a minimum (--as-is): max|f| = ${s.maxForce.toExponential(3)} exceeds forceTolerance, but the file rounds positions to ±${s.rounding.positionResolution.toExponential(1)}, which alone allows max|f| up to ${s.rounding.forceBound.toExponential(3)} (√d · Gershgorin bound of H · δ)`
            : 'imported as a minimum (--as-is): max|f| ≤ forceTolerance at the file\'s positions',
          forceTolerance: settings.quench.forceTolerance,
          ...(s.rounding ? { rounding: s.rounding } : {}),
        },
      };
    }
    writeJsonAtomic(join(folder, 'meta.json'), meta);
  });
  progress(1, `${project.samples.length} sample(s) imported`);
  return { project, samples: checked, record };
}
