/**
 * LAMMPS files as LAMMPS writes them (write_data, write_dump / dump custom), read into raw frames:
 * data files of atom_style atomic (id type x y z [ix iy iz]) and sphere (id type diameter density
 * x y z [ix iy iz]) with their header box and Masses/Atoms sections, and text dumps (ITEM: TIMESTEP,
 * NUMBER OF ATOMS, BOX BOUNDS, ATOMS … with x/xs/xu/xsu coordinates and image flags). Pure string
 * functions; every refusal is a FormatError naming the file, the line and the reason.
 */
import { FormatError } from './extxyz';

/** A configuration as a file holds it, before glassmodes' checks (cubic box, diameters, dimension). */
export interface RawFrame {
  source: string;
  /** Frame index inside the file (0 for a data file). */
  frame: number;
  /** 1-based line where the frame (or the box) is declared, for messages. */
  line: number;
  count: number;
  /** Edge lengths along x, y, z. */
  lengths: [number, number, number];
  /** Lower corner of the box. */
  origin: [number, number, number];
  /** Periodic along x, y, z. */
  pbc: [boolean, boolean, boolean];
  /** Off-diagonal cell components (tilts); any non-zero one makes the box triclinic. */
  tilt: number[];
  /** Cartesian positions, 3 per atom, as the file gives them (wrapped or not; image flags are not applied). */
  positions: Float64Array;
  /** Per-atom type (LAMMPS type number, extxyz species), or undefined when the file has none. */
  types?: string[];
  /** Per-atom scalar properties by name (diameter, radius, …). */
  properties: Record<string, Float64Array>;
  /** 1-based line of each atom, for messages. */
  atomLines: Int32Array;
  /** The dimension the file itself declares (extxyz pbc "T T F" says 2), if it does. */
  dim?: 2 | 3;
}

const at = (source: string, line: number) => `${source}:${line}`;

function numberAt(v: string | undefined, source: string, line: number, what: string, integer = false): number {
  const x = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new FormatError(`${at(source, line)}: ${what} must be ${integer ? 'an integer' : 'a finite number'}, got '${v ?? '(nothing)'}'`);
  }
  return x;
}

const stripComment = (line: string) => {
  const hash = line.indexOf('#');
  return (hash >= 0 ? line.slice(0, hash) : line).trim();
};

const SECTIONS = [
  'Atoms', 'Velocities', 'Masses', 'Ellipsoids', 'Lines', 'Triangles', 'Bodies', 'Bonds', 'Angles', 'Dihedrals', 'Impropers',
  'Pair Coeffs', 'PairIJ Coeffs', 'Bond Coeffs', 'Angle Coeffs', 'Dihedral Coeffs', 'Improper Coeffs',
  'BondBond Coeffs', 'BondAngle Coeffs', 'MiddleBondTorsion Coeffs', 'EndBondTorsion Coeffs', 'AngleTorsion Coeffs',
  'AngleAngleTorsion Coeffs', 'BondBond13 Coeffs', 'AngleAngle Coeffs',
];

/** The atom styles glassmodes reads, their columns before x y z, and their column counts (without, with image flags). */
const STYLES = {
  atomic: { before: 2, columns: [5, 8] },
  sphere: { before: 4, columns: [7, 10] },
} as const;

/**
 * A LAMMPS data file (read_data format, as write_data and ASE's write_lammps_data write it).
 * `atom_style` is read from the `Atoms # style` comment LAMMPS writes, else told by the column count.
 */
export function parseLammpsData(text: string, source = 'LAMMPS data file'): RawFrame {
  const lines = text.split(/\r?\n/);
  let atoms: number | undefined;
  let atomsLine = 0;
  const lo: number[] = [NaN, NaN, NaN];
  const hi: number[] = [NaN, NaN, NaN];
  let boxLine = 0;
  let tilt: number[] = [0, 0, 0];
  let k = 1; // line 1 is the title
  // Header: until the first section keyword.
  for (; k < lines.length; k++) {
    const line = stripComment(lines[k]);
    if (line === '') continue;
    if (SECTIONS.some((s) => line === s || line.startsWith(s + ' '))) break;
    const f = line.split(/\s+/);
    const lineNo = k + 1;
    if (/^atoms$/.test(f[f.length - 1]) && f.length === 2) {
      atoms = numberAt(f[0], source, lineNo, 'the atom count', true);
      atomsLine = lineNo;
      if (atoms < 1) throw new FormatError(`${at(source, lineNo)}: the atom count must be at least 1, got ${atoms}`);
    } else if (f.length === 4 && /^[xyz]lo$/.test(f[2]) && /^[xyz]hi$/.test(f[3])) {
      const axis = 'xyz'.indexOf(f[2][0]);
      lo[axis] = numberAt(f[0], source, lineNo, `${f[2]}`);
      hi[axis] = numberAt(f[1], source, lineNo, `${f[3]}`);
      if (!(hi[axis] > lo[axis])) throw new FormatError(`${at(source, lineNo)}: ${f[3]} must exceed ${f[2]}, got ${f[0]} ${f[1]}`);
      boxLine ||= lineNo;
    } else if (f.length === 6 && f[3] === 'xy' && f[4] === 'xz' && f[5] === 'yz') {
      tilt = f.slice(0, 3).map((v) => numberAt(v, source, lineNo, 'a tilt factor'));
      if (tilt.some((t) => t !== 0)) throw new FormatError(`${at(source, lineNo)}: triclinic box (tilt factors xy xz yz = ${f.slice(0, 3).join(' ')}); glassmodes takes cubic/square periodic boxes only`);
    } else if (!/^\d+$/.test(f[0])) {
      throw new FormatError(`${at(source, lineNo)}: not a LAMMPS data header line: '${line.slice(0, 60)}'`);
    }
  }
  if (atoms === undefined) throw new FormatError(`${source}: the header has no 'N atoms' line`);
  for (let a = 0; a < 3; a++) if (!Number.isFinite(lo[a])) throw new FormatError(`${source}: the header has no '${'xyz'[a]}lo ${'xyz'[a]}hi' line`);
  // Sections.
  let found = false;
  let style: keyof typeof STYLES | undefined;
  let styleLine = 0;
  const rows: { line: number; f: string[] }[] = [];
  while (k < lines.length) {
    const line = stripComment(lines[k]);
    if (line === '') {
      k++;
      continue;
    }
    const name = SECTIONS.find((s) => line === s);
    if (!name) throw new FormatError(`${at(source, k + 1)}: expected a section keyword (Atoms, Masses, Velocities, …), got '${line.slice(0, 60)}'`);
    const headerLine = k + 1;
    const comment = lines[k].includes('#') ? lines[k].slice(lines[k].indexOf('#') + 1).trim() : '';
    k++;
    // The section's entries: non-blank lines up to the next keyword.
    const body: { line: number; f: string[] }[] = [];
    while (k < lines.length) {
      const l = stripComment(lines[k]);
      if (l !== '' && SECTIONS.some((s) => l === s)) break;
      if (l !== '') body.push({ line: k + 1, f: l.split(/\s+/) });
      k++;
    }
    if (name !== 'Atoms') continue;
    if (found) throw new FormatError(`${at(source, headerLine)}: a second Atoms section`);
    found = true;
    if (comment) {
      const s = comment.split(/\s+/)[0];
      if (!(s in STYLES)) throw new FormatError(`${at(source, headerLine)}: unknown atom style '${s}': glassmodes reads atom_style atomic (id type x y z) and sphere (id type diameter density x y z)`);
      style = s as keyof typeof STYLES;
      styleLine = headerLine;
    }
    rows.push(...body);
    if (rows.length !== atoms) {
      const where = rows.length < atoms ? (rows.length ? rows[rows.length - 1].line + 1 : headerLine + 1) : rows[atoms].line;
      throw new FormatError(`${at(source, where)}: the Atoms section holds ${rows.length} atom lines, the header (line ${atomsLine}) says ${atoms} atoms (truncated file, or a wrong atom count)`);
    }
    if (!style) {
      const n = rows[0].f.length;
      const guess = (Object.keys(STYLES) as (keyof typeof STYLES)[]).find((s) => (STYLES[s].columns as readonly number[]).includes(n));
      if (!guess) throw new FormatError(`${at(source, rows[0].line)}: ${n} columns in Atoms and no '# style' comment on line ${headerLine}: not atom_style atomic (5 or 8 columns) or sphere (7 or 10)`);
      style = guess;
      styleLine = headerLine;
    }
  }
  if (!found) throw new FormatError(`${source}: has no Atoms section`);
  const spec = STYLES[style!];
  const lengths: [number, number, number] = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
  const count = atoms;
  const order = rows.map((r, index) => ({ id: numberAt(r.f[0], source, r.line, 'the atom id', true), index })).sort((a, b) => a.id - b.id);
  for (let i = 1; i < order.length; i++) if (order[i].id === order[i - 1].id) throw new FormatError(`${at(source, rows[order[i].index].line)}: atom id ${order[i].id} appears twice (also line ${rows[order[i - 1].index].line})`);
  const positions = new Float64Array(3 * count);
  const types: string[] = [];
  const atomLines = new Int32Array(count);
  const diameter = new Float64Array(count);
  order.forEach(({ index }, i) => {
    const { line, f } = rows[index];
    if (!(spec.columns as readonly number[]).includes(f.length)) {
      throw new FormatError(`${at(source, line)}: ${f.length} columns; atom_style ${style} (line ${styleLine}) has ${spec.columns[0]}, or ${spec.columns[1]} with image flags`);
    }
    types.push(String(numberAt(f[1], source, line, 'the atom type', true)));
    if (style === 'sphere') {
      diameter[i] = numberAt(f[2], source, line, 'the diameter');
      numberAt(f[3], source, line, 'the density');
    }
    for (let a = 0; a < 3; a++) {
      positions[3 * i + a] = numberAt(f[spec.before + a], source, line, `${'xyz'[a]}`);
      // Image flags are checked but not applied: they do not change a periodic configuration.
      if (f.length === spec.columns[1]) numberAt(f[spec.before + 3 + a], source, line, `image flag ${'xyz'[a]}`, true);
    }
    atomLines[i] = line;
  });
  return {
    source,
    frame: 0,
    line: boxLine,
    count,
    lengths,
    origin: [lo[0], lo[1], lo[2]],
    pbc: [true, true, true],
    tilt,
    positions,
    types,
    properties: style === 'sphere' ? { diameter } : {},
    atomLines,
  };
}

/**
 * Every snapshot of a LAMMPS text dump (dump atom/custom). Positions from xu yu zu, else x y z,
 * else xsu…, else xs ys zs (scaled by the box). Box bounds
 * must be orthogonal (no xy xz yz) and periodic (pp) on every axis. Image flags are checked but
 * not applied: in a periodic box they do not change the configuration.
 */
export function parseLammpsDump(text: string, source = 'LAMMPS dump'): RawFrame[] {
  const lines = text.split(/\r?\n/);
  const frames: RawFrame[] = [];
  let k = 0;
  const expectItem = (item: string) => {
    while (k < lines.length && lines[k].trim() === '') k++;
    const line = lines[k];
    if (line === undefined) throw new FormatError(`${at(source, k + 1)}: file ends where 'ITEM: ${item}' was expected (truncated dump)`);
    if (!line.startsWith(`ITEM: ${item}`)) throw new FormatError(`${at(source, k + 1)}: expected 'ITEM: ${item}', got '${line.slice(0, 60)}'`);
    k++;
    return line.slice(`ITEM: ${item}`.length).trim();
  };
  const next = (what: string) => {
    const line = lines[k];
    if (line === undefined || (line.trim() === '' && k >= lines.length - 1)) throw new FormatError(`${at(source, k + 1)}: file ends where ${what} was expected (truncated dump)`);
    k++;
    return line.trim();
  };
  while (true) {
    while (k < lines.length && lines[k].trim() === '') k++;
    if (k >= lines.length) break;
    const frameLine = k + 1;
    expectItem('TIMESTEP');
    numberAt(next('the timestep'), source, k, 'the timestep', true);
    expectItem('NUMBER OF ATOMS');
    const countLine = k + 1;
    const count = numberAt(next('the number of atoms'), source, countLine, 'the number of atoms', true);
    if (count < 1) throw new FormatError(`${at(source, countLine)}: the number of atoms must be at least 1`);
    const boundsLine = k + 1;
    const bounds = expectItem('BOX BOUNDS').split(/\s+/).filter(Boolean);
    if (bounds.includes('xy') || bounds.includes('xz') || bounds.includes('yz')) throw new FormatError(`${at(source, boundsLine)}: triclinic box (BOX BOUNDS ${bounds.join(' ')}); glassmodes takes cubic/square periodic boxes only`);
    const flags = bounds.length === 3 ? bounds : ['pp', 'pp', 'pp'];
    const pbc = flags.map((b) => b === 'pp') as [boolean, boolean, boolean];
    const open = flags.map((b, a) => (b === 'pp' ? '' : `${'xyz'[a]} is '${b}'`)).filter(Boolean);
    if (open.length) throw new FormatError(`${at(source, boundsLine)}: non-periodic axis (${open.join(', ')}; 'pp' is periodic); glassmodes takes periodic boxes only`);
    const lo: number[] = [];
    const hi: number[] = [];
    for (let a = 0; a < 3; a++) {
      const lineNo = k + 1;
      const f = next(`the ${'xyz'[a]} bounds`).split(/\s+/);
      if (f.length !== 2) throw new FormatError(`${at(source, lineNo)}: box bounds must be 'lo hi', got '${f.join(' ')}'${f.length === 3 ? ' (a tilt factor: triclinic box)' : ''}`);
      lo.push(numberAt(f[0], source, lineNo, `${'xyz'[a]}lo`));
      hi.push(numberAt(f[1], source, lineNo, `${'xyz'[a]}hi`));
      if (!(hi[a] > lo[a])) throw new FormatError(`${at(source, lineNo)}: ${'xyz'[a]}hi must exceed ${'xyz'[a]}lo`);
    }
    const atomsLine = k + 1;
    const names = expectItem('ATOMS').split(/\s+/).filter(Boolean);
    const col = (n: string) => names.indexOf(n);
    const sets = [['xu', 'yu', 'zu', 'u'], ['x', 'y', 'z', 'w'], ['xsu', 'ysu', 'zsu', 'su'], ['xs', 'ys', 'zs', 's']] as const;
    const chosen = sets.find((s) => col(s[0]) >= 0 && col(s[1]) >= 0 && col(s[2]) >= 0);
    if (!chosen) throw new FormatError(`${at(source, atomsLine)}: ATOMS has no coordinate columns (x y z, xs ys zs, xu yu zu or xsu ysu zsu): '${names.join(' ')}'`);
    const pc = [col(chosen[0]), col(chosen[1]), col(chosen[2])];
    const scaled = chosen[3] === 's' || chosen[3] === 'su';
    const wrapped = chosen[3] === 'w' || chosen[3] === 's';
    const ic = [col('ix'), col('iy'), col('iz')];
    const useImages = wrapped && ic.every((c) => c >= 0);
    const idc = col('id');
    const tc = col('type');
    const lengths: [number, number, number] = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
    const rows: { line: number; f: string[]; id: number }[] = [];
    for (let i = 0; i < count; i++) {
      const lineNo = k + 1;
      const line = lines[k];
      if (line === undefined || line.startsWith('ITEM:') || (line.trim() === '' && k >= lines.length - 1)) {
        throw new FormatError(`${at(source, lineNo)}: snapshot ${frames.length} ends after ${i} of its ${count} atoms (line ${countLine}): truncated dump or a wrong atom count`);
      }
      const f = line.trim().split(/\s+/);
      if (f.length !== names.length) throw new FormatError(`${at(source, lineNo)}: ${f.length} columns, ITEM: ATOMS (line ${atomsLine}) names ${names.length}`);
      rows.push({ line: lineNo, f, id: idc >= 0 ? numberAt(f[idc], source, lineNo, 'the atom id', true) : i + 1 });
      k++;
    }
    if (k < lines.length && lines[k].trim() !== '' && !lines[k].startsWith('ITEM:')) {
      throw new FormatError(`${at(source, k + 1)}: more atom lines than the ${count} of line ${countLine} (a wrong atom count)`);
    }
    rows.sort((a, b) => a.id - b.id);
    for (let i = 1; i < rows.length; i++) if (rows[i].id === rows[i - 1].id) throw new FormatError(`${at(source, rows[i].line)}: atom id ${rows[i].id} appears twice in snapshot ${frames.length}`);
    const positions = new Float64Array(3 * count);
    const atomLines = new Int32Array(count);
    const types: string[] | undefined = tc >= 0 ? [] : undefined;
    const extra = names.filter((n, c) => c !== idc && c !== tc && !pc.includes(c) && !ic.includes(c));
    const properties: Record<string, Float64Array> = Object.fromEntries(extra.map((n) => [n, new Float64Array(count)]));
    rows.forEach(({ line, f }, i) => {
      atomLines[i] = line;
      if (types) types.push(String(numberAt(f[tc], source, line, 'the atom type', true)));
      for (let a = 0; a < 3; a++) {
        let x = numberAt(f[pc[a]], source, line, names[pc[a]]);
        if (scaled) x = lo[a] + x * lengths[a];
        if (useImages) numberAt(f[ic[a]], source, line, names[ic[a]], true); // checked; not needed in a periodic box
        positions[3 * i + a] = x;
      }
      for (const n of extra) {
        const v = f[names.indexOf(n)];
        const x = Number(v);
        properties[n][i] = x;
        if (v.toLowerCase().includes('nan') || v.toLowerCase().includes('inf')) throw new FormatError(`${at(source, line)}: ${n} is '${v}', not a finite number`);
      }
    });
    frames.push({ source, frame: frames.length, line: frameLine, count, lengths, origin: [lo[0], lo[1], lo[2]], pbc, tilt: [0, 0, 0], positions, types, properties, atomLines });
  }
  if (frames.length === 0) throw new FormatError(`${source}: holds no snapshot (empty file)`);
  return frames;
}
