/**
 * How far from a minimum a configuration can look only because its file rounded the positions
 * (`glassmodes import --as-is`, docs/PROJECT_FORMAT.md "Imported projects"): ASE writes extended
 * XYZ with 8 decimals, so a glass quenched to max|f| ≤ 1e-10 comes back with forces ~1e-6.
 *
 * - positionResolution: the half-width δ of the decimal grid every coordinate lies on (0.5·10⁻ᵏ for
 *   the smallest k ≤ 10 that holds every coordinate; 0 when they carry full float64 precision);
 * - roundingForceBound: the largest per-particle force that displacements |Δx_iα| ≤ δ from a true
 *   minimum can produce, to first order: |f_i| ≤ √d · max_r Σ_c |H_rc| · δ (Gershgorin's row sums).
 */
import type { Glass } from '../model/glass';
import { hessianGershgorinBound, sparseHessian } from './sparse';

export function positionResolution(positions: ArrayLike<number>): number {
  for (let k = 0; k <= 10; k++) {
    const scale = 10 ** k;
    let all = true;
    for (let i = 0; i < positions.length && all; i++) {
      const y = positions[i] * scale;
      // a coordinate printed with k decimals and read back (or wrapped by a box side that has them)
      // is within a few units in the last place of y of an integer
      if (Math.abs(y - Math.round(y)) > 16 * Number.EPSILON * Math.max(1, Math.abs(y))) all = false;
    }
    if (all) return 0.5 / scale;
  }
  return 0;
}

export function roundingForceBound(glass: Glass, positions: Float64Array, resolution: number): number {
  if (!(resolution > 0)) return 0;
  return Math.sqrt(glass.box.dim) * hessianGershgorinBound(sparseHessian(glass, positions)) * resolution;
}
