/**
 * The docs/PHYSICS.md §4 accuracy contract, measured: a spectrum against a float64 dense reference on the same
 * matrix. Lowest 200 non-zero eigenvalues within 1e-9 relative; all eigenvalues within 1e-6 λ_max;
 * eigenvectors with ‖Hv − λv‖ ≤ 1e-8 λ_max.
 */
export const CONTRACT = { lowestCount: 200, lowestRelative: 1e-9, allAbsolute: 1e-6, residual: 1e-8 } as const;

export interface ContractMeasure {
  /** max relative error of the lowest (up to) 200 non-zero eigenvalues. */
  lowestRelative: number;
  /** max |Δλ| / λ_max over all eigenvalues. */
  allAbsolute: number;
  /** max ‖Hv − λv‖ / λ_max over the checked eigenvectors. */
  residual: number;
  holds: boolean;
}

/**
 * Compares ascending eigenvalues with a reference (same length, ascending); `zeroModes` leading
 * modes are the translations and are left out of the relative test; `residualMax` is the measured
 * max ‖Hv − λv‖ / λ_max of the result's vectors.
 */
export function measureContract(values: Float64Array, reference: Float64Array, zeroModes: number, residualMax: number): ContractMeasure {
  if (values.length !== reference.length) throw new RangeError(`spectrum has ${values.length} eigenvalues, reference ${reference.length}`);
  const lambdaMax = Math.max(Math.abs(reference[0]), Math.abs(reference[reference.length - 1]));
  let allAbsolute = 0;
  for (let k = 0; k < values.length; k++) allAbsolute = Math.max(allAbsolute, Math.abs(values[k] - reference[k]) / lambdaMax);
  let lowestRelative = 0;
  const end = Math.min(values.length, zeroModes + CONTRACT.lowestCount);
  for (let k = zeroModes; k < end; k++) lowestRelative = Math.max(lowestRelative, Math.abs(values[k] - reference[k]) / Math.abs(reference[k]));
  const holds = lowestRelative <= CONTRACT.lowestRelative && allAbsolute <= CONTRACT.allAbsolute && residualMax <= CONTRACT.residual;
  return { lowestRelative, allAbsolute, residual: residualMax, holds };
}
