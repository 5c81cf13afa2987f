/**
 * A plotted series: named columns with units, one Float64Array per column. `glassmodes analyze`
 * writes each as analysis/<name>.csv; the app plots them; `seriesToCsv` is the one formatter.
 * Units follow SPEC: mass 1, energy ε of the pair potential, length a = mean diameter, so a
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
