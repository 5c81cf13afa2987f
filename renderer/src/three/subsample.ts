/**
 * Which particles a 3D view draws (issue 15, item 4). Up to DRAWN_PARTICLE_LIMIT every particle is
 * drawn; above it a deterministic subsample is, and the view says so on screen. Only the drawing
 * is subsampled: every number shown (ω, PR, rotational fraction, the colour bars' ranges, a picked
 * particle's values) and every export comes from all particles, as the engine computed it.
 *
 * - Configuration: every k-th particle in file order (indices ⌊j·N/M⌋, j < M). Particle order
 *   carries no position in a glass made here (random draws, then swaps), and even for a file sorted
 *   in space (an imported one) a stride of N/M ≈ 5 keeps one particle of every few neighbours in
 *   file order, so the subsample is uniform over the box.
 * - Mode: the M/2 particles with the largest |e_i|, plus every k-th of the others. A quasi-localised
 *   (type-II) mode lives on few particles (PR ≈ 0.01–0.05, i.e. ~10^3–5·10^3 of N = 10^5), all inside
 *   the first half, so its core is drawn whole and does not thin out; the uniform half keeps the
 *   extended background (and an extended, type-I mode) visible everywhere in the box. The spheres
 *   and both kinds of arrows use the same subsample, so every arrow sits on a drawn sphere.
 */

/**
 * Most particles a 3D view draws (spheres, and arrows on them). 2·10^4 spheres at 14 × 10 segments
 * (particles.ts) are ~5·10^6 triangles, which a laptop's integrated GPU still turns at interactive
 * rates, with the displacement and vorticity arrows (two more instanced meshes of the same count);
 * 10^5 spheres with their arrows are five times that, and the inside of a 3D box of them is hidden
 * behind its outer layers anyway. 2D disks are far cheaper and hide nothing: 2D views draw all.
 */
export const DRAWN_PARTICLE_LIMIT = 20_000;

export interface DrawnParticles {
  /** Indices of the drawn particles, ascending (all N when nothing is left out). */
  indices: Uint32Array;
  /** The particles they are drawn from: N, or those of a slab. */
  total: number;
  /** Whether some of those are not drawn (the view then says so). */
  subsampled: boolean;
  /** Set when `total` counts the particles of a slab rather than all N. */
  slab?: boolean;
}

/** `count` indices spread evenly over 0 … total − 1: ⌊j·total/count⌋, ascending, distinct. */
export function evenlySpaced(total: number, count: number): Uint32Array {
  const out = new Uint32Array(Math.min(total, count));
  for (let j = 0; j < out.length; j++) out[j] = Math.floor((j * total) / out.length);
  return out;
}

const all = (total: number): DrawnParticles => ({ indices: evenlySpaced(total, total), total, subsampled: false });

/** The particles the Configuration view draws: all of them in 2D or up to `limit`, else every k-th. */
export function configurationSubsample(total: number, dim: number, limit = DRAWN_PARTICLE_LIMIT): DrawnParticles {
  if (dim !== 3 || total <= limit) return all(total);
  return { indices: evenlySpaced(total, limit), total, subsampled: true };
}

/**
 * The particles the Configuration view draws while a slab is kept (3D, N above `limit`): those
 * whose sphere reaches into [low, high] along `axis` (scene coordinates, three per particle; the
 * clipping planes cut the rest of them away), all of them up to `limit`, else evenly spaced among
 * them — so a thin slab of a large box is drawn whole instead of thinned with the box.
 */
export function slabSubsample(centres: Float32Array, diameters: ArrayLike<number>, axis: number, low: number, high: number, limit = DRAWN_PARTICLE_LIMIT): DrawnParticles {
  const inside: number[] = [];
  for (let i = 0; i < diameters.length; i++) {
    const x = centres[3 * i + axis];
    const r = diameters[i] / 2;
    if (x + r >= low && x - r <= high) inside.push(i);
  }
  if (inside.length <= limit) return { indices: Uint32Array.from(inside), total: inside.length, subsampled: false, slab: true };
  return { indices: Uint32Array.from(evenlySpaced(inside.length, limit), (j) => inside[j]), total: inside.length, subsampled: true, slab: true };
}

/**
 * The particles the Modes view draws of one mode: all in 2D or up to `limit`; else the ⌊limit/2⌋
 * with the largest |e_i| (ties by index) and the rest of `limit` spread evenly over the others.
 */
export function modeSubsample(amplitudes: ArrayLike<number>, dim: number, limit = DRAWN_PARTICLE_LIMIT): DrawnParticles {
  const total = amplitudes.length;
  if (dim !== 3 || total <= limit) return all(total);
  const largest = Math.floor(limit / 2);
  const size = (i: number) => (Number.isFinite(amplitudes[i]) ? amplitudes[i] : -Infinity);
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => size(b) - size(a) || a - b);
  const chosen = new Uint8Array(total);
  for (let k = 0; k < largest; k++) chosen[order[k]] = 1;
  const others = new Uint32Array(total - largest);
  for (let i = 0, o = 0; i < total; i++) if (!chosen[i]) others[o++] = i;
  for (const j of evenlySpaced(others.length, limit - largest)) chosen[others[j]] = 1;
  const indices = new Uint32Array(limit);
  for (let i = 0, o = 0; i < total; i++) if (chosen[i]) indices[o++] = i;
  return { indices, total, subsampled: true };
}

/** The rows `indices` of a per-particle array of `components` numbers each (the drawn particles' values). */
export function drawnRows<T>(values: ArrayLike<T>, indices: ArrayLike<number>, components = 1): T[] {
  const out: T[] = new Array(indices.length * components);
  for (let j = 0; j < indices.length; j++) for (let c = 0; c < components; c++) out[j * components + c] = values[indices[j] * components + c];
  return out;
}

/** Scene coordinates (three per particle) of the drawn particles. */
export function drawnCentres(centres: Float32Array, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(3 * indices.length);
  for (let j = 0; j < indices.length; j++) out.set(centres.subarray(3 * indices[j], 3 * indices[j] + 3), 3 * j);
  return out;
}

/** The line a view shows while it draws a subsample, e.g. "showing 20 000 of 100 000 particles …". */
export function subsampleNote(drawn: DrawnParticles): string | undefined {
  if (!drawn.subsampled) return undefined;
  const n = (x: number) => x.toLocaleString('en-US').replace(/,/g, ' ');
  return `showing ${n(drawn.indices.length)} of ${n(drawn.total)} particles${drawn.slab ? ' in the slab' : ''} (subsampled for drawing; analysis uses all)`;
}
