/**
 * Modes out to OVITO and ASE (docs/PROJECT_FORMAT.md "Exported modes"): one extended XYZ frame
 * per stored mode with per-particle fields, and a mode animation as a multi-frame file. Every
 * number comes from the engine function named for it (the same ones the Modes view and
 * `glassmodes analyze` use); this module only loads the sample and lays out the columns.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { displacementGradients, excursionAmplitude, gradientNeighbours, rotationalFraction, strainAndVorticity, strainInvariants, vectorMagnitudes } from '../analysis/modeGeometry';
import { participationRatio } from '../spectrum/participation';
import { frequencyOf, nonZeroSpectrum } from '../spectrum/zeroModes';
import { localPressures, localShearStresses, particleStresses } from '../analysis/stress';
import { contacts, makeGlass, particleEnergies } from '../model/glass';
import { formatExtxyzFrame, type ExtxyzOutColumn } from './extxyz';
import { readExtxyz, readNpy } from './files';
import { ProjectError, projectStatus, sampleDir } from './project';

/** The per-atom columns of an exported mode frame, in order (name, components). */
export const MODE_COLUMNS: readonly [string, number, string][] = [
  ['species', 1, 'X (ASE dummy atom)'],
  ['pos', 3, 'position r_i of the inherent structure'],
  ['diameter', 1, 'a_i'],
  ['radius', 1, 'a_i / 2 (OVITO draws particles with it)'],
  ['displacement', 3, 'e_i, the particle block of the unit eigenvector (z = 0 in 2D)'],
  ['displacement_magnitude', 1, '|e_i|'],
  ['strain_volumetric', 1, 'tr ε_i (Eq. 52)'],
  ['strain_shear', 1, '‖dev ε_i‖ (Frobenius)'],
  ['vorticity', 3, 'η_i = ½ ∇×u (Eq. 54; (0, 0, η) in 2D)'],
  ['vorticity_magnitude', 1, '|η_i|'],
  ['local_energy', 1, 'e_i = ½ Σ_j φ(r_ij)'],
  ['local_pressure', 1, 'p_i = −(1/d) tr σ_i'],
  ['local_shear_stress', 1, '‖dev σ_i‖'],
];

/** Parses `3-12`, `5` or `3,5,9-11` into ascending mode indices. */
export function parseModeList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new ProjectError(`--modes must be indices or ranges such as 3-12 or 3,5,9-11 (0-based, zero modes first), got '${text}'`);
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a) throw new ProjectError(`--modes range ${part} runs backwards`);
    for (let k = a; k <= b; k++) out.add(k);
  }
  return [...out].sort((x, y) => x - y);
}

interface LoadedModes {
  dim: 2 | 3;
  side: number;
  positions: Float64Array;
  diameters: Float64Array;
  eigenvalues: Float64Array;
  modes: Float64Array;
  stored: number;
  glass: ReturnType<typeof makeGlass>;
}

function loadModes(dir: string, sampleId: string, indices: number[]): LoadedModes {
  const { project, samples } = projectStatus(dir);
  const status = samples.find((s) => s.id === sampleId);
  if (!status) throw new ProjectError(`${sampleId} is not a sample of ${project.name} (samples ${samples[0].id} to ${samples[samples.length - 1].id})`);
  const folder = sampleDir(dir, sampleId);
  for (const file of ['config.extxyz', 'eigenvalues.npy', 'modes.npy']) {
    if (!existsSync(join(folder, file))) throw new ProjectError(`${sampleId} has no ${file} (${status.state}): run the project first (glassmodes run ${dir})`);
  }
  const config = readExtxyz(join(folder, 'config.extxyz'));
  const eigenvalues = readNpy(join(folder, 'eigenvalues.npy')).data;
  const modes = readNpy(join(folder, 'modes.npy')).data;
  const stored = Math.floor(modes.length / config.positions.length);
  const bad = indices.filter((k) => k >= stored);
  if (bad.length) throw new ProjectError(`mode ${bad[0]} of ${sampleId} has no stored eigenvector: modes.npy holds the lowest ${stored} (0 to ${stored - 1}); raise --modes when creating the project to store more`);
  return { dim: config.dim, side: config.side, positions: config.positions, diameters: config.diameters, eigenvalues, modes, stored, glass: makeGlass(project.settings.model, config.diameters) };
}

const toThree = (values: ArrayLike<number>, components: number, n: number): Float64Array => {
  if (components === 3) return Float64Array.from(values);
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    if (components === 2) {
      out[3 * i] = values[2 * i];
      out[3 * i + 1] = values[2 * i + 1];
    } else out[3 * i + 2] = values[i];
  }
  return out;
};

/** The fields of one exported mode: what each column holds, and the frame's comment values. */
export interface ExportedMode {
  index: number;
  eigenvalue: number;
  omega: number;
  participationRatio: number;
  /** null for a zero mode (a translation, by the one rule of spectrum/zeroModes.ts): it has no strain or vorticity to share. */
  rotationalFraction: number | null;
  zeroMode: boolean;
  columns: ExtxyzOutColumn[];
}

/** One frame per mode in `indices` (0-based, zero modes first) of a sample, as extended XYZ text. */
export function exportModes(dir: string, sampleId: string, indices: number[], onProgress?: (fraction: number, message: string) => void): { text: string; modes: ExportedMode[] } {
  if (indices.length === 0) throw new ProjectError('--modes names no mode');
  const m = loadModes(dir, sampleId, indices);
  const { dim: d, positions, diameters, glass } = m;
  const n = diameters.length;
  const dn = positions.length;
  const stresses = particleStresses(contacts(glass, positions), d, n);
  const energy = particleEnergies(glass, positions);
  const pressure = localPressures(stresses, d);
  const shearStress = localShearStresses(stresses, d);
  const pairs = gradientNeighbours(positions, glass.box, glass.potential.cutoff);
  const positions3 = toThree(positions, d, n);
  const out: ExportedMode[] = [];
  const frames: string[] = [];
  const zero = new Set(nonZeroSpectrum(m.eigenvalues, d, m.modes, n).zeroModes);
  indices.forEach((index, k) => {
    const sv = strainAndVorticity(displacementGradients(positions, glass.box, m.modes, pairs, index * dn));
    const e = m.modes.subarray(index * dn, (index + 1) * dn);
    const inv = strainInvariants(sv, d);
    const lambda = m.eigenvalues[index];
    const mode: ExportedMode = {
      index,
      eigenvalue: lambda,
      omega: frequencyOf(lambda),
      participationRatio: participationRatio(m.modes, d, index * dn, dn),
      rotationalFraction: zero.has(index) ? null : rotationalFraction(sv, d),
      zeroMode: zero.has(index),
      columns: [
        { name: 'species', type: 'S', values: Array.from({ length: n }, () => 'X') },
        { name: 'pos', type: 'R', width: 3, values: positions3 },
        { name: 'diameter', type: 'R', width: 1, values: diameters },
        { name: 'radius', type: 'R', width: 1, values: diameters.map((a) => a / 2) },
        { name: 'displacement', type: 'R', width: 3, values: toThree(e, d, n) },
        { name: 'displacement_magnitude', type: 'R', width: 1, values: vectorMagnitudes(e, d) },
        { name: 'strain_volumetric', type: 'R', width: 1, values: inv.volumetric },
        { name: 'strain_shear', type: 'R', width: 1, values: inv.shear },
        { name: 'vorticity', type: 'R', width: 3, values: toThree(sv.vorticity, sv.vorticityComponents, n) },
        { name: 'vorticity_magnitude', type: 'R', width: 1, values: vectorMagnitudes(sv.vorticity, sv.vorticityComponents) },
        { name: 'local_energy', type: 'R', width: 1, values: energy },
        { name: 'local_pressure', type: 'R', width: 1, values: pressure },
        { name: 'local_shear_stress', type: 'R', width: 1, values: shearStress },
      ],
    };
    out.push(mode);
    frames.push(
      formatExtxyzFrame({
        dim: d,
        side: m.side,
        columns: mode.columns,
        info: { sample: sampleId, mode: index, eigenvalue: mode.eigenvalue, omega: mode.omega, participation_ratio: mode.participationRatio, ...(mode.rotationalFraction === null ? { zero_mode: true } : { rotational_fraction: mode.rotationalFraction }) },
      }),
    );
    onProgress?.((k + 1) / indices.length, `mode ${index}: ω = ${mode.omega.toPrecision(6)}, PR = ${mode.participationRatio.toFixed(4)}`);
  });
  return { text: frames.join(''), modes: out };
}

/** Positions of frame t of a mode animation: r_i + A sin(2π t / frames) e_i / max_j |e_j| (A = the largest particle excursion). */
export function animationPositions(positions: ArrayLike<number>, mode: ArrayLike<number>, dim: number, amplitude: number, t: number, frames: number): Float64Array {
  const s = excursionAmplitude(mode, dim, amplitude) * Math.sin((2 * Math.PI * t) / frames);
  return Float64Array.from(positions, (r, k) => r + s * mode[k]);
}

/** A mode animation: `frames` frames over one period, each with the displaced positions and the displacement of that moment. */
export function exportModeAnimation(dir: string, sampleId: string, index: number, options: { frames?: number; amplitude?: number } = {}): string {
  const frames = options.frames ?? 24;
  const amplitude = options.amplitude ?? 0.3;
  if (!Number.isInteger(frames) || frames < 2) throw new ProjectError(`--frames must be an integer ≥ 2, got ${frames}`);
  if (!(amplitude > 0) || !Number.isFinite(amplitude)) throw new ProjectError(`--amplitude must be a positive length, got ${amplitude}`);
  const m = loadModes(dir, sampleId, [index]);
  const d = m.dim;
  const n = m.diameters.length;
  const dn = m.positions.length;
  const e = m.modes.subarray(index * dn, (index + 1) * dn);
  const lambda = m.eigenvalues[index];
  const text: string[] = [];
  for (let t = 0; t < frames; t++) {
    const r = animationPositions(m.positions, e, d, amplitude, t, frames);
    const offset = Float64Array.from(r, (x, k) => x - m.positions[k]);
    text.push(
      formatExtxyzFrame({
        dim: d,
        side: m.side,
        columns: [
          { name: 'species', type: 'S', values: Array.from({ length: n }, () => 'X') },
          { name: 'pos', type: 'R', width: 3, values: toThree(r, d, n) },
          { name: 'diameter', type: 'R', width: 1, values: m.diameters },
          { name: 'radius', type: 'R', width: 1, values: m.diameters.map((a) => a / 2) },
          { name: 'displacement', type: 'R', width: 3, values: toThree(offset, d, n) },
        ],
        info: { sample: sampleId, mode: index, eigenvalue: lambda, omega: frequencyOf(lambda), frame: t, frames, amplitude, phase: (2 * Math.PI * t) / frames },
      }),
    );
  }
  return text.join('');
}

/** A mode export as the app asks for it: the file's text, a name to suggest, and what each frame holds. */
export interface ModeExportFile {
  name: string;
  text: string;
  frames: number;
  modes: { index: number; eigenvalue: number; omega: number | null; participationRatio: number; rotationalFraction: number | null }[];
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * `glassmodes export-modes` for the app (Export view): one frame per mode of `modes` ("3-12"), or
 * with `animate` the animation of the one mode named. The same functions as the CLI.
 */
export function modeExportFile(dir: string, sampleId: string, modes: string, options: { animate?: boolean; frames?: number; amplitude?: number } = {}, onProgress?: (fraction: number, message: string) => void): ModeExportFile {
  const indices = parseModeList(modes);
  if (options.animate) {
    if (indices.length !== 1) throw new ProjectError(`an animation takes one mode, got ${modes}`);
    const text = exportModeAnimation(dir, sampleId, indices[0], options);
    const frames = options.frames ?? 24;
    const m = loadModes(dir, sampleId, indices);
    const lambda = m.eigenvalues[indices[0]];
    const dn = m.positions.length;
    return {
      name: `${sampleId}-mode${indices[0]}-animation.extxyz`,
      text,
      frames,
      modes: [{ index: indices[0], eigenvalue: lambda, omega: finiteOrNull(frequencyOf(lambda)), participationRatio: participationRatio(m.modes, m.dim, indices[0] * dn, dn), rotationalFraction: null }],
    };
  }
  const { text, modes: out } = exportModes(dir, sampleId, indices, onProgress);
  return {
    name: `${sampleId}-modes-${modes.replace(/[^\w-]+/g, '_')}.extxyz`,
    text,
    frames: out.length,
    modes: out.map((m) => ({ index: m.index, eigenvalue: m.eigenvalue, omega: finiteOrNull(m.omega), participationRatio: m.participationRatio, rotationalFraction: m.rotationalFraction === null ? null : finiteOrNull(m.rotationalFraction) })),
  };
}
