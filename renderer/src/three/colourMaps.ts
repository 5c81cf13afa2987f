/**
 * Colour maps for per-particle fields and the vorticity slice. One table per map, in sRGB, used by
 * the scenes (instance colours, slice textures) and by the colour bars alike, so the bar always shows
 * the colours the scene draws.
 *
 * - sequential: viridis (a magnitude: diameter, local energy, |e_i|, |η| …), t ∈ [0, 1];
 * - diverging: ColorBrewer RdBu reversed (a signed quantity: η in 2D, η along a slice normal),
 *   negative blue, zero white, positive red; t ∈ [0, 1] with 0.5 at zero.
 */
import * as THREE from 'three';

export type ColourMapName = 'sequential' | 'diverging';

type Stops = readonly (readonly [number, number, number])[];

const viridis: Stops = [
  [0x44, 0x01, 0x54],
  [0x48, 0x28, 0x78],
  [0x3b, 0x52, 0x8b],
  [0x2c, 0x72, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x28, 0xae, 0x80],
  [0x5e, 0xc9, 0x62],
  [0xad, 0xdc, 0x30],
  [0xfd, 0xe7, 0x25],
];

const redBlue: Stops = [
  [0x21, 0x66, 0xac],
  [0x67, 0xa9, 0xcf],
  [0xd1, 0xe5, 0xf0],
  [0xf7, 0xf7, 0xf7],
  [0xfd, 0xdb, 0xc7],
  [0xef, 0x8a, 0x62],
  [0xb2, 0x18, 0x2b],
];

const tables: Record<ColourMapName, Stops> = { sequential: viridis, diverging: redBlue };

/** Colour used for a value that is missing (NaN, null: e.g. a vorticity the engine could not fit). */
export const missingColourSrgb: readonly [number, number, number] = [0xb0, 0xb4, 0xbc];

/** The map at t ∈ [0, 1] (clamped) as sRGB bytes, written into `out` (no allocation). */
export function colourAt(map: ColourMapName, t: number, out: [number, number, number]): [number, number, number] {
  const stops = tables[map];
  if (!Number.isFinite(t)) {
    out[0] = missingColourSrgb[0];
    out[1] = missingColourSrgb[1];
    out[2] = missingColourSrgb[2];
    return out;
  }
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(x));
  const f = x - k;
  const a = stops[k];
  const b = stops[k + 1];
  out[0] = Math.round(a[0] + f * (b[0] - a[0]));
  out[1] = Math.round(a[1] + f * (b[1] - a[1]));
  out[2] = Math.round(a[2] + f * (b[2] - a[2]));
  return out;
}

/** A value range [min, max] over the finite entries (NaN, null skipped); [0, 0] when there are none. */
export function finiteRange(values: ArrayLike<number | null>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** Where `value` falls on a colour bar [min, max] (0.5 when the range is empty). */
export function normalise(value: number, [min, max]: readonly [number, number]): number {
  return max > min ? (value - min) / (max - min) : 0.5;
}

/**
 * Fills a linear-RGB float array (three per entry, as three.js instance colours want) with the map
 * of `values` over `range`. Works in place: no allocation per entry.
 */
export function fillInstanceColours(target: Float32Array, values: ArrayLike<number | null>, map: ColourMapName, range: readonly [number, number]): void {
  const srgb: [number, number, number] = [0, 0, 0];
  const colour = new THREE.Color();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    colourAt(map, v === null ? NaN : normalise(v, range), srgb);
    colour.setRGB(srgb[0] / 255, srgb[1] / 255, srgb[2] / 255, THREE.SRGBColorSpace);
    target[3 * i] = colour.r;
    target[3 * i + 1] = colour.g;
    target[3 * i + 2] = colour.b;
  }
}

/** One flat colour (given as sRGB hex) for every entry. */
export function fillUniformColour(target: Float32Array, hex: number): void {
  const colour = new THREE.Color(hex);
  for (let i = 0; i < target.length; i += 3) {
    target[i] = colour.r;
    target[i + 1] = colour.g;
    target[i + 2] = colour.b;
  }
}

/** Paints the map left (t = 0) to right (t = 1) into a 2D canvas, for colour bars. */
export function paintColourBar(canvas: HTMLCanvasElement, map: ColourMapName): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  const image = context.createImageData(width, height);
  const srgb: [number, number, number] = [0, 0, 0];
  for (let x = 0; x < width; x++) {
    colourAt(map, width > 1 ? x / (width - 1) : 0.5, srgb);
    for (let y = 0; y < height; y++) {
      const o = 4 * (y * width + x);
      image.data[o] = srgb[0];
      image.data[o + 1] = srgb[1];
      image.data[o + 2] = srgb[2];
      image.data[o + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}
