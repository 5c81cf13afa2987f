/**
 * The periodic cubic (3D) or square (2D) box: minimum image and wrapping.
 * Positions are flat float64 arrays, particle i at [d·i, d·i + d).
 */
export interface Box {
  readonly dim: 2 | 3;
  readonly side: number;
}

/** Minimum-image component of a separation: dx − L round(dx / L). */
export function minimumImage(dx: number, side: number): number {
  return dx - side * Math.round(dx / side);
}

/** Folds every coordinate into [0, L). */
export function wrapPositions(positions: Float64Array, side: number): Float64Array {
  for (let k = 0; k < positions.length; k++) {
    let x = positions[k] - side * Math.floor(positions[k] / side);
    if (x >= side) x -= side; // guards the rounding case x = L
    positions[k] = x;
  }
  return positions;
}

/** Minimum-image separation vector r_j − r_i into out, returns |r|². */
export function separation(positions: Float64Array, i: number, j: number, box: Box, out: Float64Array): number {
  const d = box.dim;
  let r2 = 0;
  for (let a = 0; a < d; a++) {
    const dx = minimumImage(positions[d * j + a] - positions[d * i + a], box.side);
    out[a] = dx;
    r2 += dx * dx;
  }
  return r2;
}
