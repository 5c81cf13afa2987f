/**
 * Histograms as probability densities, on linear or logarithmic bins. Every spectral and stress
 * distribution of docs/PHYSICS.md §5 goes through these two functions, so one binning convention holds
 * everywhere: density = count / (total · bin width), with `total` the number of values offered
 * (values outside the range count in the normalisation but fall in no bin).
 */

export interface Histogram {
  /** Bin edges, length bins + 1, ascending. */
  edges: Float64Array;
  /** Bin centres: arithmetic for linear bins, geometric for logarithmic ones. */
  centres: Float64Array;
  counts: Float64Array;
  /** count / (total · width). */
  density: Float64Array;
  /** Number of values offered (the normalisation). */
  total: number;
}

export function linearEdges(low: number, high: number, bins: number): Float64Array {
  if (!(high > low) || !(bins >= 1)) throw new RangeError(`linear bins need high > low and bins ≥ 1 (got ${low}, ${high}, ${bins})`);
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = low + ((high - low) * k) / bins;
  return edges;
}

export function logEdges(low: number, high: number, bins: number): Float64Array {
  if (!(low > 0) || !(high > low) || !(bins >= 1)) throw new RangeError(`log bins need 0 < low < high and bins ≥ 1 (got ${low}, ${high}, ${bins})`);
  const edges = new Float64Array(bins + 1);
  const a = Math.log(low);
  const b = Math.log(high);
  for (let k = 0; k <= bins; k++) edges[k] = Math.exp(a + ((b - a) * k) / bins);
  edges[0] = low;
  edges[bins] = high;
  return edges;
}

/** Histogram of `values` on the given ascending edges (the last bin includes its upper edge). */
export function histogram(values: ArrayLike<number>, edges: Float64Array, geometricCentres = false): Histogram {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const lo = edges[0];
  const hi = edges[bins];
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= lo && v <= hi)) continue;
    // Binary search for the bin: edges[b] ≤ v < edges[b+1].
    let a = 0;
    let b = bins;
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (edges[mid] <= v) a = mid;
      else b = mid;
    }
    counts[a] += 1;
  }
  const total = values.length;
  const centres = new Float64Array(bins);
  const density = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    // exp of the mean log, not √(ab): the product of two tiny edges underflows to 0.
    centres[b] = geometricCentres ? Math.exp(0.5 * (Math.log(edges[b]) + Math.log(edges[b + 1]))) : 0.5 * (edges[b] + edges[b + 1]);
    density[b] = total > 0 ? counts[b] / (total * (edges[b + 1] - edges[b])) : 0;
  }
  return { edges, centres, counts, density, total };
}

/** Mean and standard error of the mean over rows (one row per sample), column by column. */
export function meanAndError(rows: Float64Array[]): { mean: Float64Array; error: Float64Array } {
  const n = rows.length;
  const width = n > 0 ? rows[0].length : 0;
  const mean = new Float64Array(width);
  const error = new Float64Array(width);
  for (const row of rows) for (let k = 0; k < width; k++) mean[k] += row[k] / n;
  if (n > 1) {
    for (let k = 0; k < width; k++) {
      let s = 0;
      for (const row of rows) s += (row[k] - mean[k]) ** 2;
      error[k] = Math.sqrt(s / (n - 1) / n);
    }
  }
  return { mean, error };
}

/** Mean and standard error of a list of numbers (error 0 for fewer than two). */
export function meanWithError(values: ArrayLike<number>): { value: number; error: number; count: number } {
  const n = values.length;
  if (n === 0) return { value: NaN, error: NaN, count: 0 };
  let m = 0;
  for (let k = 0; k < n; k++) m += values[k] / n;
  let s = 0;
  for (let k = 0; k < n; k++) s += (values[k] - m) ** 2;
  return { value: m, error: n > 1 ? Math.sqrt(s / (n - 1) / n) : 0, count: n };
}

/** The q-quantile (0 ≤ q ≤ 1) of already sorted values, by linear interpolation. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const x = q * (n - 1);
  const k = Math.floor(x);
  if (k >= n - 1) return sorted[n - 1];
  return sorted[k] + (x - k) * (sorted[k + 1] - sorted[k]);
}
