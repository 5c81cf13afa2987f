/**
 * A plotted series: named columns with units, one Float64Array per column. `glassmodes analyze`
 * writes each as analysis/<name>.csv; the app plots them; `seriesToCsv` is the one formatter.
 * Units follow docs/PHYSICS.md: mass 1, energy ε of the pair potential, length a = mean diameter, so a
 * frequency is in √(ε/m)/a.
 */
export interface SeriesColumn {
  name: string;
  /** Unit in ASCII, e.g. 'sqrt(eps/m)/a'; '1' for a dimensionless column. */
  unit: string;
}

export interface Series {
  /** File stem, e.g. 'dos_log'. */
  name: string;
  description: string;
  columns: SeriesColumn[];
  /** One array per column, all of one length. */
  data: Float64Array[];
}

export const UNITS = {
  frequency: 'sqrt(eps/m)/a',
  dos: 'a*sqrt(m/eps)',
  stress: 'eps',
  stressDensity: '1/eps',
  none: '1',
} as const;

export function makeSeries(name: string, description: string, columns: [string, string, ArrayLike<number>][]): Series {
  const length = columns.length ? columns[0][2].length : 0;
  for (const [col, , values] of columns) if (values.length !== length) throw new RangeError(`series ${name}: column ${col} has ${values.length} rows, expected ${length}`);
  return { name, description, columns: columns.map(([n, unit]) => ({ name: n, unit })), data: columns.map(([, , v]) => Float64Array.from(v)) };
}

/**
 * CSV text: a header row naming each column with its unit, `name [unit]`, and a dimensionless
 * column (unit '1') by its plain name (so `omega,g` for the dimensionless HET curves); then one row
 * per point; numbers round-trip (shortest form), NaN as NaN.
 */
export function seriesToCsv(series: Series): string {
  const header = series.columns.map((c) => (c.unit === UNITS.none ? c.name : `${c.name} [${c.unit}]`)).join(',');
  const rows = series.data.length ? series.data[0].length : 0;
  const lines = [header];
  for (let k = 0; k < rows; k++) lines.push(series.data.map((col) => formatNumber(col[k])).join(','));
  return lines.join('\n') + '\n';
}

function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

/**
 * The inverse of `seriesToCsv`: a header of `name [unit]` (or a plain name, unit '1') and rows of
 * numbers ('NaN', 'inf', '-inf' as written). Refuses a malformed table with the row it stopped at.
 */
export function seriesFromCsv(name: string, description: string, text: string): Series {
  const lines = text.split('\n').filter((line) => line.length > 0);
  if (lines.length === 0) throw new SyntaxError(`${name}.csv is empty: expected a header row`);
  const columns = lines[0].split(',').map((cell): SeriesColumn => {
    const match = /^(.*?) \[(.*)\]$/.exec(cell);
    return match ? { name: match[1], unit: match[2] } : { name: cell, unit: UNITS.none };
  });
  const data = columns.map(() => new Float64Array(lines.length - 1));
  for (let row = 1; row < lines.length; row++) {
    const cells = lines[row].split(',');
    if (cells.length !== columns.length) throw new SyntaxError(`${name}.csv row ${row + 1}: ${cells.length} values, expected ${columns.length}`);
    for (let c = 0; c < cells.length; c++) {
      const value = parseNumber(cells[c]);
      if (value === undefined) throw new SyntaxError(`${name}.csv row ${row + 1}: '${cells[c]}' is not a number`);
      data[c][row - 1] = value;
    }
  }
  return { name, description, columns, data };
}

function parseNumber(cell: string): number | undefined {
  if (cell === 'NaN') return NaN;
  if (cell === 'inf') return Infinity;
  if (cell === '-inf') return -Infinity;
  const value = Number(cell);
  return cell.trim() !== '' && Number.isFinite(value) ? value : undefined;
}
