/**
 * Extended XYZ (the format of ASE and OVITO) for configurations, docs/DESIGN.md "The project folder":
 *   Lattice="L 0 0 0 L 0 0 0 L" Properties=species:S:1:pos:R:3:diameter:R:1 pbc="T T T"
 * species X (ASE's dummy atom, so ase.io.read accepts it), 17 significant digits so that float64
 * positions round-trip exactly. 2D: z = 0, pbc="T T F" and the third lattice vector spans L.
 * Pure string functions: the file side is in ./files.
 */
export interface Configuration {
  dim: 2 | 3;
  side: number;
  positions: Float64Array;
  diameters: Float64Array;
  /** Extra key=value pairs written to, and read from, the comment line. */
  info: Record<string, string | number | boolean>;
}

export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

const fmt = (x: number) => {
  if (!Number.isFinite(x)) throw new FormatError(`cannot write a non-finite number (${x}) to extended XYZ`);
  return x === 0 ? '0' : x.toPrecision(17);
};

function infoValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'number') return fmt(v);
  if (/[\s"=]/.test(v)) return `"${v.replace(/"/g, "'")}"`;
  return v;
}

export function formatExtxyz(c: Configuration): string {
  const n = c.diameters.length;
  const d = c.dim;
  if (c.positions.length !== d * n) throw new FormatError(`positions hold ${c.positions.length} numbers, expected ${d * n}`);
  const L = fmt(c.side);
  const lattice = `${L} 0.0 0.0 0.0 ${L} 0.0 0.0 0.0 ${L}`;
  const extra = Object.entries(c.info)
    .filter(([k]) => !['Lattice', 'Properties', 'pbc'].includes(k))
    .map(([k, v]) => `${k}=${infoValue(v)}`)
    .join(' ');
  const header = `Lattice="${lattice}" Properties=species:S:1:pos:R:3:diameter:R:1 pbc="${d === 3 ? 'T T T' : 'T T F'}"${extra ? ' ' + extra : ''}`;
  const lines = [String(n), header];
  for (let i = 0; i < n; i++) {
    const z = d === 3 ? fmt(c.positions[3 * i + 2]) : '0';
    lines.push(`X ${fmt(c.positions[d * i])} ${fmt(c.positions[d * i + 1])} ${z} ${fmt(c.diameters[i])}`);
  }
  return lines.join('\n') + '\n';
}

/** Parses key=value pairs of an extended XYZ comment line (values may be "quoted"). */
export function parseInfoLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w.-]*)=(?:"([^"]*)"|(\S+))/g;
  for (const m of line.matchAll(re)) out[m[1]] = m[2] ?? m[3];
  return out;
}

/**
 * One frame of an extended XYZ file as ASE and OVITO write it, before any glassmodes check:
 * the comment line's key=value pairs, the Lattice, pbc and Origin, and every per-atom column
 * declared by Properties=name:type:width (types S, R, I, L). Numbers stay float64.
 */
export interface ExtxyzFrame {
  /** 1-based line of the count line of this frame. */
  line: number;
  count: number;
  /** The 9 numbers of Lattice (a, b, c row after row), or undefined when the frame has none. */
  lattice?: number[];
  pbc: [boolean, boolean, boolean];
  /** Origin="x y z" (OVITO), default 0 0 0. */
  origin: [number, number, number];
  /** The comment line's key=value pairs other than Lattice, Properties, pbc and Origin. */
  info: Record<string, string>;
  columns: ExtxyzColumn[];
  /** Per-atom numbers of each R, I or L column, width values per atom (L as 1/0). */
  numbers: Record<string, Float64Array>;
  /** Per-atom strings of each S column of width 1. */
  strings: Record<string, string[]>;
}

export interface ExtxyzColumn {
  name: string;
  type: 'S' | 'R' | 'I' | 'L';
  width: number;
}

const at = (source: string, line: number) => `${source}:${line}`;

/** Properties=name:type:width:… as a column list; refuses unknown types and bad widths. */
export function parseProperties(text: string, where: string): ExtxyzColumn[] {
  const parts = text.split(':');
  if (parts.length % 3 !== 0) throw new FormatError(`${where}: Properties must be name:type:width triples, got '${text}'`);
  const columns: ExtxyzColumn[] = [];
  for (let k = 0; k < parts.length; k += 3) {
    const [name, type, w] = [parts[k], parts[k + 1].toUpperCase(), Number(parts[k + 2])];
    if (!['S', 'R', 'I', 'L'].includes(type)) throw new FormatError(`${where}: Properties column '${name}' has type '${parts[k + 1]}'; extended XYZ types are S, R, I and L`);
    if (!Number.isInteger(w) || w < 1) throw new FormatError(`${where}: Properties column '${name}' has width '${parts[k + 2]}', expected a positive integer`);
    if (columns.some((c) => c.name === name)) throw new FormatError(`${where}: Properties names column '${name}' twice`);
    columns.push({ name, type: type as ExtxyzColumn['type'], width: w });
  }
  return columns;
}

function logical(v: string): boolean | undefined {
  if (/^(T|True|true|TRUE|1)$/.test(v)) return true;
  if (/^(F|False|false|FALSE|0)$/.test(v)) return false;
  return undefined;
}

/**
 * Every frame of an extended XYZ text (one or many, as ase.io.write and OVITO write them). Bad
 * input is a FormatError naming the file and the line: a truncated frame, a count that is not a
 * number, a line with too few columns, a number that does not parse or is NaN/infinite.
 * No Properties means ASE's default species:S:1:pos:R:3.
 */
export function parseExtxyzFrames(text: string, source = 'extended XYZ'): ExtxyzFrame[] {
  const lines = text.split(/\r?\n/);
  const frames: ExtxyzFrame[] = [];
  let k = 0;
  while (k < lines.length) {
    if (lines[k].trim() === '') {
      k++;
      continue;
    }
    const first = k + 1;
    const count = Number(lines[k].trim());
    if (!/^\d+$/.test(lines[k].trim()) || count < 1) throw new FormatError(`${at(source, first)}: expected the particle count of frame ${frames.length} (a positive integer), got '${lines[k].trim().slice(0, 40)}'${frames.length ? ` (is the count ${frames[frames.length - 1].count} on line ${frames[frames.length - 1].line} right?)` : ''}`);
    if (k + 1 >= lines.length) throw new FormatError(`${at(source, first + 1)}: file ends before the comment line of frame ${frames.length}`);
    const comment = lines[k + 1];
    const where = at(source, first + 1);
    const raw = parseInfoLine(comment);
    let lattice: number[] | undefined;
    if (raw.Lattice !== undefined) {
      lattice = raw.Lattice.trim().split(/\s+/).map(Number);
      if (lattice.length !== 9 || lattice.some((x) => !Number.isFinite(x))) throw new FormatError(`${where}: Lattice must hold 9 finite numbers, got "${raw.Lattice}"`);
    }
    let pbc: [boolean, boolean, boolean] = lattice ? [true, true, true] : [false, false, false];
    if (raw.pbc !== undefined) {
      const flags = raw.pbc.trim().split(/\s+/).map(logical);
      if (flags.length !== 3 || flags.some((f) => f === undefined)) throw new FormatError(`${where}: pbc must be three of T/F, got "${raw.pbc}"`);
      pbc = flags as [boolean, boolean, boolean];
    }
    let origin: [number, number, number] = [0, 0, 0];
    if (raw.Origin !== undefined) {
      const o = raw.Origin.trim().split(/\s+/).map(Number);
      if (o.length !== 3 || o.some((x) => !Number.isFinite(x))) throw new FormatError(`${where}: Origin must hold 3 finite numbers, got "${raw.Origin}"`);
      origin = o as [number, number, number];
    }
    const columns = parseProperties(raw.Properties ?? 'species:S:1:pos:R:3', where);
    const fields = columns.reduce((sum, c) => sum + c.width, 0);
    const numbers: Record<string, Float64Array> = {};
    const strings: Record<string, string[]> = {};
    for (const c of columns) {
      if (c.type === 'S') strings[c.name] = [];
      else numbers[c.name] = new Float64Array(c.width * count);
    }
    for (let i = 0; i < count; i++) {
      const lineNo = first + 2 + i;
      const line = lines[k + 2 + i];
      if (line === undefined || (line.trim() === '' && k + 2 + i >= lines.length - 1)) {
        throw new FormatError(`${at(source, lineNo)}: file ends after ${i} of the ${count} particle lines of frame ${frames.length} (truncated, or a wrong atom count on line ${first})`);
      }
      const f = line.trim().split(/\s+/);
      if (f.length < fields) throw new FormatError(`${at(source, lineNo)}: ${f.length} columns, Properties declares ${fields} (${raw.Properties ?? 'species:S:1:pos:R:3'}): a wrong atom count on line ${first}, or a truncated line`);
      if (f.length > fields) throw new FormatError(`${at(source, lineNo)}: ${f.length} columns, Properties declares ${fields}: the atom count on line ${first} is wrong or the line is not a particle line`);
      let col = 0;
      for (const c of columns) {
        for (let w = 0; w < c.width; w++, col++) {
          const v = f[col];
          if (c.type === 'S') {
            if (c.width === 1) strings[c.name].push(v);
            continue;
          }
          let x: number;
          if (c.type === 'L') {
            const b = logical(v);
            if (b === undefined) throw new FormatError(`${at(source, lineNo)}: column ${col + 1} (${c.name}) must be T or F, got '${v}'`);
            x = b ? 1 : 0;
          } else {
            x = Number(v);
            if (!Number.isFinite(x) || (c.type === 'I' && !Number.isInteger(x))) {
              throw new FormatError(`${at(source, lineNo)}: column ${col + 1} (${c.name}) must be ${c.type === 'I' ? 'an integer' : 'a finite number'}, got '${v}'`);
            }
          }
          numbers[c.name][c.width * i + w] = x;
        }
      }
    }
    const info: Record<string, string> = {};
    for (const [key, v] of Object.entries(raw)) if (!['Lattice', 'Properties', 'pbc', 'Origin'].includes(key)) info[key] = v;
    frames.push({ line: first, count, lattice, pbc, origin, info, columns, numbers, strings });
    k += 2 + count;
  }
  if (frames.length === 0) throw new FormatError(`${source}: holds no frame (empty file)`);
  return frames;
}

/** A glassmodes configuration file (config.extxyz, parent.extxyz): one frame, a cubic/square box, pos and diameter. */
export function parseExtxyz(text: string, source = 'extended XYZ'): Configuration {
  const frame = parseExtxyzFrames(text, source)[0];
  const where = at(source, frame.line + 1);
  if (!frame.lattice) throw new FormatError(`${where}: the comment line has no Lattice`);
  const lattice = frame.lattice;
  const side = lattice[0];
  if (!(side > 0) || lattice[4] !== side || lattice[8] !== side || [1, 2, 3, 5, 6, 7].some((k) => lattice[k] !== 0)) {
    throw new FormatError(`${where}: only cubic/square boxes are supported (Lattice="L 0 0 0 L 0 0 0 L")`);
  }
  const dim: 2 | 3 = frame.pbc[2] ? 3 : 2;
  const pos = frame.numbers.pos;
  const dia = frame.numbers.diameter;
  if (!pos || frame.columns.find((c) => c.name === 'pos')!.width !== 3) throw new FormatError(`${where}: Properties has no pos:R:3 column`);
  if (!dia) throw new FormatError(`${where}: Properties has no diameter column`);
  const n = frame.count;
  const positions = new Float64Array(dim * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) positions[dim * i + a] = pos[3 * i + a];
  for (let i = 0; i < n; i++) if (!(dia[i] > 0)) throw new FormatError(`${at(source, frame.line + 2 + i)}: no positive diameter`);
  return { dim, side, positions, diameters: Float64Array.from(dia), info: { ...frame.info } };
}

/** A per-atom column to write: numbers (width per atom; NaN is written as nan) or strings. */
export type ExtxyzOutColumn =
  | { name: string; type: 'R'; width: number; values: ArrayLike<number> }
  | { name: string; type: 'S'; values: string[] };

/**
 * One frame with any per-atom columns, as OVITO and ASE read them: a cubic/square Lattice, pbc,
 * Properties=name:type:width… and the comment's key=value pairs. 17 significant digits; NaN
 * (an undetermined value) as `nan`, which numpy and OVITO parse.
 */
export function formatExtxyzFrame(frame: { dim: 2 | 3; side: number; columns: ExtxyzOutColumn[]; info: Record<string, string | number | boolean> }): string {
  const n = frame.columns[0]?.values.length === undefined ? 0 : frame.columns[0].type === 'S' ? frame.columns[0].values.length : frame.columns[0].values.length / frame.columns[0].width;
  for (const c of frame.columns) {
    const rows = c.type === 'S' ? c.values.length : c.values.length / c.width;
    if (rows !== n) throw new FormatError(`column ${c.name} has ${rows} rows, expected ${n}`);
  }
  const L = fmt(frame.side);
  const lattice = `${L} 0.0 0.0 0.0 ${L} 0.0 0.0 0.0 ${L}`;
  const properties = frame.columns.map((c) => `${c.name}:${c.type}:${c.type === 'S' ? 1 : c.width}`).join(':');
  const extra = Object.entries(frame.info)
    .filter(([k]) => !['Lattice', 'Properties', 'pbc'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isFinite(v) ? 'nan' : infoValue(v)}`)
    .join(' ');
  const lines = [String(n), `Lattice="${lattice}" Properties=${properties} pbc="${frame.dim === 3 ? 'T T T' : 'T T F'}"${extra ? ' ' + extra : ''}`];
  const num = (x: number) => (Number.isNaN(x) ? 'nan' : fmt(x));
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    for (const c of frame.columns) {
      if (c.type === 'S') parts.push(c.values[i]);
      else for (let w = 0; w < c.width; w++) parts.push(num(c.values[c.width * i + w]));
    }
    lines.push(parts.join(' '));
  }
  return lines.join('\n') + '\n';
}
