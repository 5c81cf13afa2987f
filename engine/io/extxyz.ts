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

export function parseExtxyz(text: string, source = 'extended XYZ'): Configuration {
  const lines = text.split(/\r?\n/);
  const n = Number(lines[0]?.trim());
  if (!Number.isInteger(n) || n < 1) throw new FormatError(`${source}: first line must be the particle count, got '${lines[0]?.slice(0, 40)}'`);
  const raw = parseInfoLine(lines[1] ?? '');
  if (!raw.Lattice) throw new FormatError(`${source}: the comment line has no Lattice`);
  const lattice = raw.Lattice.trim().split(/\s+/).map(Number);
  if (lattice.length !== 9 || lattice.some((x) => !Number.isFinite(x))) throw new FormatError(`${source}: Lattice must hold 9 numbers`);
  const side = lattice[0];
  if (!(side > 0) || lattice[4] !== side || lattice[8] !== side || [1, 2, 3, 5, 6, 7].some((k) => lattice[k] !== 0)) {
    throw new FormatError(`${source}: only cubic/square boxes are supported (Lattice="L 0 0 0 L 0 0 0 L")`);
  }
  const pbc = (raw.pbc ?? 'T T T').trim().split(/\s+/);
  const dim: 2 | 3 = pbc[2] === 'F' ? 2 : 3;
  const props = (raw.Properties ?? '').split(':');
  const columns: { name: string; width: number }[] = [];
  for (let k = 0; k + 2 < props.length; k += 3) columns.push({ name: props[k], width: Number(props[k + 2]) });
  const column = (name: string) => {
    let at = 0;
    for (const c of columns) {
      if (c.name === name) return at;
      at += c.width;
    }
    return -1;
  };
  const posAt = column('pos');
  const diaAt = column('diameter');
  if (posAt < 0) throw new FormatError(`${source}: Properties has no pos column`);
  if (diaAt < 0) throw new FormatError(`${source}: Properties has no diameter column`);
  const positions = new Float64Array(dim * n);
  const diameters = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const line = lines[2 + i];
    if (line === undefined) throw new FormatError(`${source}: expected ${n} particle lines, found ${i}`);
    const f = line.trim().split(/\s+/);
    for (let a = 0; a < dim; a++) positions[dim * i + a] = Number(f[posAt + a]);
    diameters[i] = Number(f[diaAt]);
    for (let a = 0; a < dim; a++) if (!Number.isFinite(positions[dim * i + a])) throw new FormatError(`${source}: line ${i + 3} has a non-numeric position`);
    if (!(diameters[i] > 0)) throw new FormatError(`${source}: line ${i + 3} has no positive diameter`);
  }
  const info: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (!['Lattice', 'Properties', 'pbc'].includes(k)) info[k] = v;
  return { dim, side, positions, diameters, info };
}
