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

/** x folded into [0, L): the one periodic wrap (the engine's moves and quenches, the app's scenes). */
export function wrapCoordinate(x: number, side: number): number {
  const y = x - side * Math.floor(x / side);
  return y >= side ? y - side : y; // guards the rounding case y = L (x a tiny negative number)
}

/** Folds every coordinate into [0, L), in place. */
export function wrapPositions(positions: Float64Array, side: number): Float64Array {
  for (let k = 0; k < positions.length; k++) positions[k] = wrapCoordinate(positions[k], side);
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
