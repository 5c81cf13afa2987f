// Issue 13: glasses in from files ASE and LAMMPS wrote (each imports to the original's energy and
// spectrum), bad files refused with file and line, modes out as extended XYZ that ASE reads back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importGlasses } from '../engine/io/glassImport';
import { exportModeAnimation, exportModes, parseModeList } from '../engine/io/modeExport';
import { checkOutputFile } from '../cli/output';
import { formatExtxyz, parseExtxyzFrames } from '../engine/io/extxyz';
import { readExtxyz, readNpy } from '../engine/io/files';
import { openProject, readSampleMeta, type ProjectFile } from '../engine/io/project';
import { ProjectService } from '../main/services/project-service';
import { ResultsService } from '../main/services/results-service';
import { SettingsService } from '../main/services/settings-service';
import { JobQueue } from '../main/services/job-queue';
import { createDispatcher } from '../main/ipc/dispatch';
import { createHandlers } from '../main/ipc/handlers';
import { runProject } from '../engine/io/runner';
import { modeData, particleFields } from '../engine/io/results';
import { cutoffPairs, energyAndForces, makeGlass, maxForce } from '../engine/model/glass';
import { boxSide, validateSettings } from '../engine/model/settings';
import { quench } from '../engine/minimize/quench';
import { createRng, uniform } from '../engine/random';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-import-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string) => join(scratch, name);
const PY = '/usr/bin/python3';
const hasAse = existsSync(PY) && spawnSync(PY, ['-c', 'import ase.io'], { encoding: 'utf8' }).status === 0;
const hasLammps = spawnSync('lmp', ['-h'], { encoding: 'utf8' }).status === 0;
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: scratch });
const python = (code: string) => execFileSync(PY, ['-c', code], { encoding: 'utf8', cwd: scratch });
const lammps = (script: string) => {
  writeFileSync(file('in.lmp'), script);
  execFileSync('lmp', ['-in', 'in.lmp', '-log', 'none', '-screen', 'none'], { cwd: scratch, encoding: 'utf8' });
};
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

// The reference glass: N = 64 in 3D, three diameters (so that a type map can carry them), the
// paper's IPL-12 with taper m = 2, quenched by the engine to max|f| ≤ 1e-12.
const N = 64;
const DIAMETERS = [0.8, 1, 1.25];
const settings = validateSettings({ model: { dim: 3, particles: N, taper: 2, diameterMin: 0.8, diameterMax: 1.25 }, quench: { forceTolerance: 1e-12 } });
const side = (N / settings.model.density) ** (1 / 3);
const diameters = Float64Array.from({ length: N }, (_, i) => DIAMETERS[i % 3]);
const glass = makeGlass(settings.model, diameters);
let positions: Float64Array;
let energy: number;
let eigenvalues: Float64Array;
const TYPE_MAP = '1:0.8,2:1,3:1.25';
const MODEL = { taper: 2 };
const SPECTRUM = { backend: 'reference' };

const forcesAt = (p: Float64Array) => {
  const f = new Float64Array(p.length);
  const e = energyAndForces(glass, p, cutoffPairs(glass, p), f);
  return { energy: e, maxForce: maxForce(f, 3) };
};
async function importAndRun(name: string, files: string[], options: Parameters<typeof importGlasses>[3], extra: Record<string, unknown> = {}) {
  const dir = file(name);
  const result = importGlasses(dir, files, { model: MODEL, spectrum: SPECTRUM, ...extra }, options);
  // The engine's box (N/ρ)^(1/d) is the file's box exactly.
  expect(boxSide(result.project.settings.model)).toBe(readExtxyz(join(dir, 'samples/s0000/parent.extxyz')).side);
  const summary = await runProject(dir, { inProcess: true });
  expect(summary.failed, JSON.stringify(summary.failed)).toEqual([]);
  return { dir, result, eigenvalues: readNpy(join(dir, 'samples/s0000/eigenvalues.npy')).data, config: readExtxyz(join(dir, 'samples/s0000/config.extxyz')) };
}
/** Largest relative difference of the non-zero eigenvalues (the first 3 are the translations). */
const spectrumGap = (a: Float64Array, b: Float64Array) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let k = 3; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]) / Math.abs(b[k]));
  return worst;
};
/** Largest periodic distance between two position sets (the imports wrap into [0, L)). */
const positionGap = (a: Float64Array, b: Float64Array) => {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k] - b[k]);
    worst = Math.max(worst, Math.min(d, Math.abs(d - side)));
  }
  return worst;
};

beforeAll(async () => {
  const rng = createRng(13);
  const start = Float64Array.from({ length: 3 * N }, () => uniform(rng) * side);
  const q = quench(glass, start, settings.quench);
  expect(q.converged).toBe(true);
  positions = q.positions;
  energy = q.energy;
  // The original, written by glassmodes' own writer (17 digits): its spectrum is the reference.
  writeFileSync(file('original.extxyz'), formatExtxyz({ dim: 3, side, positions, diameters, info: {} }));
  const original = await importAndRun('original', [file('original.extxyz')], { mode: 'as-is' }, { quench: { forceTolerance: 1e-12 } });
  eigenvalues = original.eigenvalues;
  expect(eigenvalues.length).toBe(3 * N);
}, 60_000);

describe.skipIf(!hasAse || !hasLammps)('configurations written by ASE and LAMMPS import to the original energy and spectrum', () => {
  beforeAll(() => {
    // ASE: our file in; extended XYZ (with species per diameter) and a LAMMPS data file (atomic) out.
    python(`
import ase.io
a = ase.io.read('original.extxyz')
sym = {0.8: 'H', 1.0: 'He', 1.25: 'Li'}
a.set_chemical_symbols([sym[round(float(d), 6)] for d in a.arrays['diameter']])
ase.io.write('ase.extxyz', a, format='extxyz')
ase.io.write('ase-atomic.data', a, format='lammps-data', atom_style='atomic')
b = ase.io.read('ase.extxyz')
ase.io.write('ase-from-extxyz.data', b, format='lammps-data', atom_style='atomic')
`);
    // LAMMPS: read_data ASE's atomic file, write_data and write_dump (scaled with images, and unwrapped).
    lammps(`units lj
atom_style atomic
read_data ase-atomic.data
mass * 1.0
write_data lmp-atomic.data
write_dump all custom lmp-scaled.dump id type xs ys zs ix iy iz modify format float %.17g
displace_atoms all move 1.7 -2.3 0.4 units box
write_dump all custom lmp-unwrapped.dump id type xu yu zu modify format float %.17g
`);
    // atom_style sphere: a data file with per-atom diameters (box shifted to [-L/2, L/2)), through LAMMPS.
    const h = side / 2;
    const atoms = Array.from({ length: N }, (_, i) => `${i + 1} 1 ${diameters[i]} 1 ${positions[3 * i] - h} ${positions[3 * i + 1] - h} ${positions[3 * i + 2] - h}`);
    writeFileSync(file('sphere-in.data'), `sphere glass\n\n${N} atoms\n1 atom types\n\n${-h} ${h} xlo xhi\n${-h} ${h} ylo yhi\n${-h} ${h} zlo zhi\n\nAtoms # sphere\n\n${atoms.join('\n')}\n`);
    lammps(`units lj
atom_style sphere
read_data sphere-in.data
write_data lmp-sphere.data
write_dump all custom lmp-sphere.dump id type diameter x y z modify format float %.17g
`);
    // A dump of two snapshots (steps 0 and 1 of a run that moves nothing: no forces, no velocities).
    lammps(`units lj
atom_style atomic
read_data ase-atomic.data
mass * 1.0
pair_style zero 2.0
pair_coeff * *
dump d all custom 1 lmp-two.dump id type x y z
dump_modify d format float %.17g
run 1
`);
    lammps(`units lj
atom_style atomic
read_data ase-from-extxyz.data
mass * 1.0
write_data lmp-from-ase-extxyz.data
`);
  }, 60_000);

  const cases: [string, string, Record<string, unknown>][] = [
    ['ASE lammps-data (atomic, type map)', 'ase-atomic.data', { diametersFrom: TYPE_MAP }],
    ['LAMMPS write_data (atomic, type map)', 'lmp-atomic.data', { diametersFrom: TYPE_MAP }],
    ['LAMMPS write_dump (scaled xs ys zs with image flags)', 'lmp-scaled.dump', { diametersFrom: TYPE_MAP }],
    ['LAMMPS write_dump (unwrapped xu yu zu, displaced)', 'lmp-unwrapped.dump', { diametersFrom: TYPE_MAP }],
    ['LAMMPS write_data (atom_style sphere, diameters from the file)', 'lmp-sphere.data', {}],
    ['LAMMPS write_dump (diameter column)', 'lmp-sphere.dump', {}],
  ];
  it.each(cases)('%s: --as-is, same energy and eigenvalues to 1e-10', async (_, name, options) => {
    const out = await importAndRun(`from-${name}`, [file(name)], { mode: 'as-is', ...options }, { quench: { forceTolerance: 1e-12 } });
    const e = out.result.samples[0].energy;
    expect(Math.abs(e - energy) / energy).toBeLessThan(1e-10);
    expect(Array.from(out.config.diameters)).toEqual(Array.from(diameters));
    if (!name.includes('unwrapped')) expect(positionGap(out.config.positions, positions)).toBeLessThan(1e-12);
    expect(spectrumGap(out.eigenvalues, eigenvalues)).toBeLessThan(1e-10);
  });

  it('a multi-frame file is many samples: ASE\'s two-frame extended XYZ, LAMMPS\'s two-snapshot dump; files of different N are refused', () => {
    python(`
import ase.io
a = ase.io.read('original.extxyz')
b = a.copy()
b.positions += [0.3, -0.2, 0.1]
ase.io.write('ase-two-frames.extxyz', [a, b], format='extxyz')
del b[[0]]
ase.io.write('ase-63.extxyz', b, format='extxyz')
`);
    const loose = { model: MODEL, quench: { forceTolerance: 1e-4 } };
    const frames = importGlasses(file('multi-extxyz'), [file('ase-two-frames.extxyz')], loose, { mode: 'as-is' });
    expect(frames.samples.map((x) => [x.id, x.frame])).toEqual([['s0000', 0], ['s0001', 1]]);
    expect(frames.record.files[0]).toMatchObject({ frames: 2, samples: ['s0000', 's0001'] });
    expect(Math.abs(frames.samples[1].energy - frames.samples[0].energy) / energy).toBeLessThan(1e-12); // a translated copy
    const dump = importGlasses(file('multi-dump'), [file('lmp-two.dump')], { model: MODEL }, { mode: 'as-is', diametersFrom: TYPE_MAP });
    expect(dump.samples.map((x) => x.frame)).toEqual([0, 1]);
    for (const x of dump.samples) expect(Math.abs(x.energy - energy) / energy).toBeLessThan(1e-10);
    expect(() => importGlasses(file('multi-bad'), [file('ase-two-frames.extxyz'), file('ase-63.extxyz')], loose, { mode: 'as-is' })).toThrow(/ase-63\.extxyz frame 0: 63 atoms, but .*ase-two-frames\.extxyz frame 0 has 64/);
    expect(existsSync(file('multi-bad'))).toBe(false);
  });

  it('the position resolution of a file: 0.5·10⁻ᵏ for coordinates printed with k decimals, 0 at full float64 precision', async () => {
    const { positionResolution } = await import('../engine/hessian/rounding');
    const { createRng, uniform } = await import('../engine/random');
    const rng = createRng(5);
    const full = Float64Array.from({ length: 192 }, () => 10 * uniform(rng));
    expect(positionResolution(full)).toBe(0);
    for (const k of [3, 6, 8]) expect(positionResolution(full.map((x) => Number(x.toFixed(k))))).toBe(0.5 * 10 ** -k);
    // wrapped by a box side with the same decimals, still on the grid
    expect(positionResolution(full.map((x) => Number(x.toFixed(8)) + 9.87654321))).toBe(5e-9);
  });

  it('ASE extended XYZ: read exactly as ASE reads it; 8 decimals, so --as-is needs a looser tolerance, and LAMMPS of the same configuration agrees to 1e-10', async () => {
    // ASE writes extended XYZ floats with %16.8f (ase/io/extxyz.py): positions and diameters rounded.
    const ase = JSON.parse(python(`
import ase.io, json
a = ase.io.read('ase.extxyz')
print(json.dumps({'pos': [repr(float(x)) for x in a.positions.ravel()], 'd': [repr(float(x)) for x in a.arrays['diameter']], 'sym': list(a.get_chemical_symbols())}))
`));
    // At the default tolerance (1e-10) the rounded configuration has max|f| ~1e-6, but no more than
    // its 8-decimal positions allow: it is taken as a minimum, and meta.json says why.
    const strict = importGlasses(file('ase-strict'), [file('ase.extxyz')], { model: MODEL, spectrum: SPECTRUM }, { mode: 'as-is', diametersFrom: 'diameter' });
    const rounding = strict.samples[0].rounding!;
    expect(rounding.positionResolution).toBe(5e-9);
    expect(strict.samples[0].maxForce).toBeGreaterThan(1e-10);
    expect(strict.samples[0].maxForce).toBeLessThanOrEqual(rounding.forceBound);
    const strictMeta = JSON.parse(readFileSync(join(file('ase-strict'), 'samples/s0000/meta.json'), 'utf8'));
    expect(strictMeta.quench.rounding.positionResolution).toBe(5e-9);
    expect(strictMeta.quench.reason).toMatch(/rounds positions to ±5\.0e-9/);
    // A configuration that is not a minimum is refused although its file rounds too, and nothing is written.
    python(`
import ase.io
a = ase.io.read('ase.extxyz')
a.positions[0] += [0.01, 0, 0]
ase.io.write('ase-displaced.extxyz', a, format='extxyz')
`);
    expect(() => importGlasses(file('ase-displaced'), [file('ase-displaced.extxyz')], { model: MODEL }, { mode: 'as-is', diametersFrom: 'diameter' })).toThrow(/--as-is: 1 of 1 .*max\|f\| = .*more than the .* its positions' rounding .*--quench/s);
    expect(existsSync(file('ase-displaced'))).toBe(false);
    const tolerance = { quench: { forceTolerance: 1e-4 } };
    const viaProperty = await importAndRun('ase-extxyz', [file('ase.extxyz')], { mode: 'as-is', diametersFrom: 'diameter' }, tolerance);
    const parent = readExtxyz(join(viaProperty.dir, 'samples/s0000/parent.extxyz'));
    expect(Array.from(parent.positions)).toEqual(ase.pos.map(Number).map((x: number) => x - Math.floor(x / side) * side));
    expect(Array.from(parent.diameters)).toEqual(ase.d.map(Number));
    // The same file with diameters from the species (a type map of chemical symbols) is the same glass.
    const viaSpecies = importGlasses(file('ase-extxyz-species'), [file('ase.extxyz')], { model: MODEL, ...tolerance }, { mode: 'as-is', diametersFrom: 'H:0.8,He:1,Li:1.25' });
    expect(viaSpecies.samples[0].energy).toBe(viaProperty.result.samples[0].energy);
    // LAMMPS write_data of the configuration ASE read from its extended XYZ: the same eigenvalues.
    const viaLammps = await importAndRun('ase-extxyz-lammps', [file('lmp-from-ase-extxyz.data')], { mode: 'as-is', diametersFrom: TYPE_MAP }, tolerance);
    expect(spectrumGap(viaLammps.eigenvalues, viaProperty.eigenvalues)).toBeLessThan(1e-10);
    // Against the unrounded original: the 8-decimal rounding shows (not 1e-10, but small).
    const gap = spectrumGap(viaProperty.eigenvalues, eigenvalues);
    expect(gap).toBeGreaterThan(1e-12);
    expect(gap).toBeLessThan(1e-5);
    expect(Math.abs(viaProperty.result.samples[0].energy - energy) / energy).toBeLessThan(1e-7);
  }, 60_000);

  it('the CLI: import … --as-is, run and analyze; --quench records the quench; provenance has file and sha256', () => {
    const dir = file('cli-imp');
    let r = cli(['import', dir, 'lmp-atomic.data', '--potential', 'ipl', '--taper', '2', '--diameters-from', TYPE_MAP, '--as-is', '--backend', 'reference']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/units: no conversion/);
    r = cli(['run', dir, '--in-process', '--no-estimate']);
    expect(r.status, r.stderr).toBe(0);
    r = cli(['analyze', dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'analysis/summary.json'))).toBe(true);
    const project = openProject(dir);
    const sha = execFileSync('sha256sum', [file('lmp-atomic.data')], { encoding: 'utf8' }).split(' ')[0];
    expect(project.imported).toMatchObject({ mode: 'as-is', files: [{ path: file('lmp-atomic.data'), sha256: sha, format: 'lammps-data', frames: 1, samples: ['s0000'] }] });
    expect(readSampleMeta(dir, 's0000')?.quench).toMatchObject({ method: 'as-is', converged: true });
    expect(spectrumGap(readNpy(join(dir, 'samples/s0000/eigenvalues.npy')).data, eigenvalues)).toBeLessThan(1e-10);
  });

  it('--quench: ASE\'s rounded file is quenched by run, and the project records it', async () => {
    const q = file('quenched');
    importGlasses(q, [file('ase.extxyz')], { model: MODEL, spectrum: { enabled: false } }, { mode: 'quench' });
    expect(openProject(q).imported?.mode).toBe('quench');
    expect(existsSync(join(q, 'samples/s0000/config.extxyz'))).toBe(false);
    expect((await runProject(q, { inProcess: true })).failed).toEqual([]);
    const meta = readSampleMeta(q, 's0000')!;
    expect(meta.quench).toMatchObject({ method: 'lbfgs', converged: true });
    expect(meta.maxForce!).toBeLessThanOrEqual(1e-10);
    expect((meta.import as { maxForce: number }).maxForce).toBeGreaterThan(1e-10);
  }, 120_000);
});

describe('extended XYZ as OVITO writes it', () => {
  it('Origin is subtracted, a radius column is doubled, other columns are ignored', () => {
    const o = [-2, -1.5, 0.25];
    const rows = Array.from({ length: N }, (_, i) => `${['A', 'B', 'C'][i % 3]} ${positions[3 * i] + o[0]} ${positions[3 * i + 1] + o[1]} ${positions[3 * i + 2] + o[2]} ${diameters[i] / 2} ${i + 1}`);
    const lattice = `${side} 0 0 0 ${side} 0 0 0 ${side}`;
    writeFileSync(file('ovito.xyz'), `${N}\nLattice="${lattice}" Origin="${o.join(' ')}" Properties=species:S:1:pos:R:3:radius:R:1:id:I:1 pbc="T T T" Time=0\n${rows.join('\n')}\n`);
    const r = importGlasses(file('ovito'), [file('ovito.xyz')], { model: MODEL }, { mode: 'as-is' });
    expect(Math.abs(r.samples[0].energy - energy) / energy).toBeLessThan(1e-12);
    expect(r.record.diameters).toMatch(/radius/);
    const byType = importGlasses(file('ovito-types'), [file('ovito.xyz')], { model: MODEL }, { mode: 'as-is', diametersFrom: 'A:0.8,B:1,C:1.25' });
    expect(Math.abs(byType.samples[0].energy - energy) / energy).toBeLessThan(1e-12);
  });
});

describe('bad files are refused with file, line and reason, and nothing is written', () => {
  const good = () => formatExtxyz({ dim: 3, side, positions, diameters, info: {} });
  const atomic = (body: string[], header = `${N} atoms\n3 atom types\n\n0 ${side} xlo xhi\n0 ${side} ylo yhi\n0 ${side} zlo zhi\n`) =>
    `title\n\n${header}\nAtoms # atomic\n\n${body.join('\n')}\n`;
  const atomLines = () => Array.from({ length: N }, (_, i) => `${i + 1} ${(i % 3) + 1} ${positions[3 * i]} ${positions[3 * i + 1]} ${positions[3 * i + 2]}`);
  const dump = (bounds = 'pp pp pp', rows = atomLines(), count = N, extra = '') =>
    `ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n${count}\nITEM: BOX BOUNDS ${bounds}\n0 ${side}${extra}\n0 ${side}${extra}\n0 ${side}${extra}\nITEM: ATOMS id type x y z\n${rows.join('\n')}\n`;
  const cases: [string, string, () => string, RegExp, Record<string, unknown>?][] = [
    ['truncated extxyz', 'trunc.extxyz', () => good().split('\n').slice(0, 40).join('\n'), /trunc\.extxyz:41: file ends after 38 of the 64 particle lines/],
    ['wrong atom count in extxyz', 'count.extxyz', () => good().replace(/^64\n/, '65\n'), /count\.extxyz:67: file ends after 64 of the 65/],
    ['triclinic extxyz', 'tri.extxyz', () => good().replace(/Lattice="(\S+) 0.0 0.0/, 'Lattice="$1 0.5 0.0'), /tri\.extxyz:2: triclinic/],
    ['non-cubic extxyz', 'rect.extxyz', () => good().replace(/ 0.0 0.0 0.0 (\S+)"/, ' 0.0 0.0 0.0 5.5"'), /rect\.extxyz:2: the box is not cubic/],
    ['non-periodic extxyz', 'open.extxyz', () => good().replace('pbc="T T T"', 'pbc="T F T"'), /open\.extxyz:2: non-periodic axis y/],
    ['NaN in extxyz', 'nan.extxyz', () => good().replace(/\nX (\S+)/, '\nX nan'), /nan\.extxyz:3: column 2 \(pos\) must be a finite number, got 'nan'/],
    ['mixed dimension (2D pbc, varying z)', 'mixed.extxyz', () => good().replace('pbc="T T T"', 'pbc="T T F"'), /mixed\.extxyz:4: mixed dimension/],
    ['truncated LAMMPS data', 'trunc.data', () => atomic(atomLines().slice(0, 50)), /trunc\.data:62: the Atoms section holds 50 atom lines, the header \(line 3\) says 64/],
    ['wrong atom count in LAMMPS data', 'count.data', () => atomic(atomLines(), `65 atoms\n3 atom types\n\n0 ${side} xlo xhi\n0 ${side} ylo yhi\n0 ${side} zlo zhi\n`), /count\.data:.*holds 64 atom lines, the header \(line 3\) says 65/],
    ['triclinic LAMMPS data', 'tri.data', () => atomic(atomLines(), `${N} atoms\n3 atom types\n\n0 ${side} xlo xhi\n0 ${side} ylo yhi\n0 ${side} zlo zhi\n0.1 0 0 xy xz yz\n`), /tri\.data:9: triclinic box/],
    ['unknown atom style', 'full.data', () => atomic(atomLines()).replace('Atoms # atomic', 'Atoms # full'), /full\.data:10: unknown atom style 'full'/],
    ['NaN in LAMMPS data', 'nan.data', () => atomic(atomLines().map((l, i) => (i === 5 ? l.replace(/ \S+$/, ' nan') : l))), /nan\.data:17: z must be a finite number, got 'nan'/],
    ['truncated dump', 'trunc.dump', () => dump().split('\n').slice(0, 30).join('\n'), /trunc\.dump:31: snapshot 0 ends after 21 of its 64 atoms/],
    ['wrong atom count in dump', 'count.dump', () => dump('pp pp pp', atomLines(), 63), /count\.dump:73: more atom lines than the 63 of line 4/],
    ['triclinic dump', 'tri.dump', () => dump('xy xz yz pp pp pp', atomLines(), N, ' 0.1'), /tri\.dump:5: triclinic box/],
    ['non-periodic dump', 'open.dump', () => dump('pp ff pp'), /open\.dump:5: non-periodic axis \(y is 'ff'/],
    ['NaN in dump', 'nan.dump', () => dump('pp pp pp', atomLines().map((l, i) => (i === 2 ? l.replace(/^(\S+ \S+) \S+/, '$1 NaN') : l))), /nan\.dump:12: x must be a finite number, got 'NaN'/],
    ['a type missing from the map', 'types.data', () => atomic(atomLines()), /types\.data:14: atom type 3 has no diameter in --diameters-from/, { diametersFrom: '1:0.8,2:1' }],
  ];
  it.each(cases)('%s', (_, name, text, message, options = { diametersFrom: TYPE_MAP }) => {
    writeFileSync(file(name), text());
    const dir = file(`refused-${name}`);
    expect(() => importGlasses(dir, [file(name)], { model: MODEL }, { mode: 'as-is', ...options })).toThrow(message);
    expect(listing(dir)).toEqual([]);
  });
  it('the CLI names the file and line and exits non-zero', () => {
    const r = cli(['import', file('refused-cli'), 'tri.data', '--taper', '2', '--as-is', '--diameters-from', TYPE_MAP]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/tri\.data:9: triclinic box/);
    expect(existsSync(file('refused-cli'))).toBe(false);
    expect(cli(['import', file('refused-cli'), 'tri.data', '--taper', '2']).stderr).toMatch(/exactly one of --as-is .* and --quench/);
  });
});

describe('modes out: extended XYZ for OVITO and ASE', () => {
  const dir = () => file('original');
  it('one frame per mode with every per-particle field equal to the engine values', () => {
    const { text, modes } = exportModes(dir(), 's0000', [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const frames = parseExtxyzFrames(text, 'modes.extxyz');
    expect(frames.length).toBe(10);
    const fields = particleFields(dir(), 's0000');
    frames.forEach((f, k) => {
      const mode = modeData(dir(), 's0000', 3 + k);
      expect(Number(f.info.mode)).toBe(3 + k);
      expect(Number(f.info.eigenvalue)).toBe(mode.eigenvalue);
      expect(Number(f.info.omega)).toBe(mode.omega);
      expect(Number(f.info.participation_ratio)).toBe(mode.participation);
      expect(Number(f.info.rotational_fraction)).toBe(mode.rotationalFraction);
      expect(Array.from(f.numbers.displacement)).toEqual(mode.displacement);
      expect(Array.from(f.numbers.pos)).toEqual(mode.positions);
      expect(Array.from(f.numbers.local_energy)).toEqual(fields.energy);
      expect(Array.from(f.numbers.local_pressure)).toEqual(fields.pressure);
      expect(Array.from(f.numbers.local_shear_stress)).toEqual(fields.shearStress);
      // |η| from the vorticity vector; ‖ε‖² = (tr ε)²/d + ‖dev ε‖² against the Modes view's ‖ε‖.
      for (let i = 0; i < N; i++) {
        const eta = mode.vorticity.slice(3 * i, 3 * i + 3) as number[];
        expect(f.numbers.vorticity_magnitude[i]).toBeCloseTo(Math.hypot(...eta), 14);
        const e2 = f.numbers.strain_volumetric[i] ** 2 / 3 + f.numbers.strain_shear[i] ** 2;
        expect(Math.sqrt(e2)).toBeCloseTo(mode.strain[i]!, 12);
      }
    });
    expect(modes[0].eigenvalue).toBe(eigenvalues[3]);
  });

  it('zero modes carry no rotational fraction (issue 10 item 5): the frame says zero_mode, the CLI says so', () => {
    const { text, modes } = exportModes(dir(), 's0000', [0, 1, 2, 3]);
    const frames = parseExtxyzFrames(text, 'modes.extxyz');
    // The d = 3 translations of this sample are modes 0–2 by the one rule; mode 3 is the first vibration.
    expect(modes.map((m) => m.zeroMode)).toEqual([true, true, true, false]);
    expect(modes.slice(0, 3).map((m) => m.rotationalFraction)).toEqual([null, null, null]);
    expect(modes[3].rotationalFraction).toBeGreaterThan(0);
    for (const f of frames.slice(0, 3)) {
      expect(f.info.rotational_fraction).toBeUndefined();
      expect(String(f.info.zero_mode)).toMatch(/^(T|true)$/);
    }
    expect(frames[3].info.rotational_fraction).toBeDefined();
    const r = cli(['export-modes', dir(), '--sample', 's0000', '--modes', '0-3', '--out', file('zero-modes.extxyz')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/zero mode \(a translation\): no rotational fraction/g)?.length).toBe(3);
    expect(r.stdout).toMatch(/mode 3 .*rotational fraction 0\.\d+ \(not a type-II indicator/);
  });

  it.skipIf(!hasAse)('ASE reads the file back with every property present and equal', () => {
    const out = file('modes.extxyz');
    const r = cli(['export-modes', dir(), '--sample', 's0000', '--modes', '3-12', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const ase = JSON.parse(python(`
import ase.io, json
f = ase.io.read('modes.extxyz', ':')
print(json.dumps({'n': len(f), 'keys': sorted(f[0].arrays.keys()), 'info': {k: repr(v) for k, v in f[4].info.items()},
  'arrays': {k: [repr(float(x)) for x in f[4].arrays[k].ravel()] for k in f[4].arrays if k != 'numbers'}}))
`));
    expect(ase.n).toBe(10);
    expect(ase.keys).toEqual(['diameter', 'displacement', 'displacement_magnitude', 'local_energy', 'local_pressure', 'local_shear_stress', 'numbers', 'positions', 'radius', 'strain_shear', 'strain_volumetric', 'vorticity', 'vorticity_magnitude']);
    const mine = parseExtxyzFrames(readFileSync(out, 'utf8'))[4];
    for (const [name, values] of Object.entries(ase.arrays as Record<string, string[]>)) {
      const ours = mine.numbers[name === 'positions' ? 'pos' : name];
      expect(values.map(Number), name).toEqual(Array.from(ours));
    }
    expect(Number(ase.info.omega)).toBe(Number(mine.info.omega));
    expect(Number(ase.info.mode)).toBe(7);
  });

  it('refuses a mode that is not stored and an --out inside the project', () => {
    expect(() => exportModes(dir(), 's0000', parseModeList('3-999'))).toThrow(/mode 192 of s0000 has no stored eigenvector/);
    expect(() => exportModes(dir(), 's0099', [3])).toThrow(/s0099 is not a sample/);
    expect(() => checkOutputFile(join(dir(), 'samples/s0000/x.extxyz'))).toThrow(/a file of the project/);
    expect(parseModeList('3-5,9,4')).toEqual([3, 4, 5, 9]);
    expect(() => parseModeList('5-3')).toThrow(/backwards/);
  });

  it('a mode animation: frames over one period, r_i + A sin(2πt/F) e_i / max|e_j|', () => {
    const text = exportModeAnimation(dir(), 's0000', 3, { frames: 8, amplitude: 0.25 });
    const frames = parseExtxyzFrames(text);
    expect(frames.length).toBe(8);
    const mode = modeData(dir(), 's0000', 3);
    let largest = 0;
    for (let i = 0; i < N; i++) largest = Math.max(largest, Math.hypot(...mode.displacement.slice(3 * i, 3 * i + 3)));
    expect(Array.from(frames[0].numbers.pos)).toEqual(mode.positions);
    const quarter = frames[2].numbers.pos; // sin(π/2) = 1: the largest excursion is A
    let excursion = 0;
    for (let i = 0; i < N; i++) excursion = Math.max(excursion, Math.hypot(quarter[3 * i] - mode.positions[3 * i], quarter[3 * i + 1] - mode.positions[3 * i + 1], quarter[3 * i + 2] - mode.positions[3 * i + 2]));
    expect(excursion).toBeCloseTo(0.25, 12);
    expect(Number(frames[2].info.phase)).toBeCloseTo(Math.PI / 2, 14);
  });
});

describe('the app side: Projects → Import… and Export → modes, through the IPC contract', () => {
  it('projects.importGlass makes the same project as the CLI; results.exportModes gives the CLI\'s file; bad input is refused', async () => {
    const stateDir = file('app-state');
    const projects = new ProjectService({ stateDir, trash: async () => {} });
    const results = new ResultsService();
    const saved: Record<string, Uint8Array> = {};
    const dispatch = createDispatcher(
      createHandlers(
        { projects, settings: new SettingsService(stateDir, {}), jobs: new JobQueue({ stateDir, recentProjects: () => [], workers: () => 1 }), results },
        {
          host: 'bridge',
          versions: {},
          chooseFolder: async () => null,
          // a user who confirms each typed path in the main process (main/security.ts PathGuard)
          confirmFolder: async () => true,
          computeStatus: () => ({ order: [], attempts: [], available: false }),
          computeProbe: async () => ({ order: [], attempts: [], available: false }),
          saveExport: async (name, _kind, bytes) => {
            saved[name] = bytes;
            return { path: name };
          },
        },
      ),
    );
    try {
      const dir = file('app-import');
      const reply = await dispatch('projects.importGlass', { dir, files: [file('original.extxyz')], settings: { model: MODEL, spectrum: SPECTRUM, quench: { forceTolerance: 1e-12 } }, mode: 'as-is' });
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      const detail = (reply as { value: { project: ProjectFile; samples: { state: string }[] } }).value;
      expect(detail.project.provenance.createdBy).toBe('app import');
      expect(detail.project.imported?.files[0].sha256).toBe(openProject(file('original')).imported?.files[0].sha256);
      expect(detail.samples[0].state).toBe('quenched');
      expect(await dispatch('projects.chooseFiles', { purpose: 'import' })).toEqual({ ok: true, value: null });
      // Refused, with file and line, nothing written; a payload outside the contract never reaches the service.
      writeFileSync(file('app-bad.extxyz'), formatExtxyz({ dim: 3, side, positions, diameters, info: {} }).replace('pbc="T T T"', 'pbc="F F F"'));
      const bad = await dispatch('projects.importGlass', { dir: file('app-bad'), files: [file('app-bad.extxyz')], settings: { model: MODEL }, mode: 'as-is' });
      expect(bad).toMatchObject({ ok: false, error: { name: 'FormatError', message: expect.stringMatching(/app-bad\.extxyz:2: non-periodic axis x, y, z/) } });
      expect(existsSync(file('app-bad'))).toBe(false);
      expect(await dispatch('projects.importGlass', { dir, files: [], settings: {}, mode: 'as-is' })).toMatchObject({ ok: false, error: { name: 'ContractError' } });
      expect(await dispatch('projects.importGlass', { dir, files: ['x'], settings: {}, mode: 'maybe' })).toMatchObject({ ok: false, error: { name: 'ContractError' } });
      // Export: the same text as the engine function the CLI calls, saved as .extxyz.
      const modes = await dispatch('results.exportModes', { dir: file('original'), sampleId: 's0000', modes: '3-5' });
      expect(modes.ok, JSON.stringify(modes)).toBe(true);
      const out = (modes as { value: { name: string; text: string; frames: number } }).value;
      expect(out.text).toBe(exportModes(file('original'), 's0000', [3, 4, 5]).text);
      expect(out.frames).toBe(3);
      expect(await dispatch('export.save', { name: out.name, kind: 'extxyz', base64: Buffer.from(out.text).toString('base64') })).toEqual({ ok: true, value: { path: out.name } });
      expect(new TextDecoder().decode(saved[out.name])).toBe(out.text);
      const movie = await dispatch('results.exportModes', { dir: file('original'), sampleId: 's0000', modes: '4', animate: true, frames: 6, amplitude: 0.2 });
      expect((movie as { value: { text: string } }).value.text).toBe(exportModeAnimation(file('original'), 's0000', 4, { frames: 6, amplitude: 0.2 }));
      expect(await dispatch('results.exportModes', { dir: file('original'), sampleId: 's0000', modes: '4,5', animate: true })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/an animation takes one mode/) } });
    } finally {
      await results.shutdown();
    }
  }, 60_000);
});
