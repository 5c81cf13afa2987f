/**
 * PNG at a chosen resolution: figures are laid out in CSS pixels (1/96 in), so a PNG at N dpi is
 * round(width·N/96) × round(height·N/96) pixels, and says so in its pHYs chunk (pixels per metre)
 * so that a layout program places it at the figure's physical size. Pure bytes; Node and browser.
 */
import { FigureDataError } from './model';

export const DPI_RANGE = { min: 72, max: 600, default: 300 } as const;
export const CSS_PIXELS_PER_INCH = 96;

/** Refuses a resolution outside 72–600 dpi or not an integer. */
export function checkDpi(dpi: number): number {
  if (!Number.isInteger(dpi) || dpi < DPI_RANGE.min || dpi > DPI_RANGE.max) {
    throw new FigureDataError(`the resolution must be a whole number of dots per inch from ${DPI_RANGE.min} to ${DPI_RANGE.max}, got ${dpi}`);
  }
  return dpi;
}

/** Pixel size of a PNG of a figure of width × height CSS pixels at `dpi`. */
export function pngPixelSize(size: { width: number; height: number }, dpi: number): { width: number; height: number } {
  const scale = dpi / CSS_PIXELS_PER_INCH;
  return { width: Math.round(size.width * scale), height: Math.round(size.height * scale) };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as PNG chunks use). */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

interface Chunk {
  type: string;
  start: number;
  end: number;
}

function chunks(png: Uint8Array): Chunk[] {
  if (png.length < 8 || PNG_SIGNATURE.some((b, k) => png[k] !== b)) throw new FigureDataError('not a PNG image');
  const out: Chunk[] = [];
  let at = 8;
  while (at + 8 <= png.length) {
    const length = readUint32(png, at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    out.push({ type, start: at, end: at + 12 + length });
    at += 12 + length;
  }
  return out;
}

/** Width and height from the IHDR chunk. */
export function pngDimensions(png: Uint8Array): { width: number; height: number } {
  const ihdr = chunks(png).find((c) => c.type === 'IHDR');
  if (!ihdr) throw new FigureDataError('PNG without IHDR');
  return { width: readUint32(png, ihdr.start + 8), height: readUint32(png, ihdr.start + 12) };
}

/** Resolution from the pHYs chunk in dots per inch (null without one, or when not in metres). */
export function pngDpi(png: Uint8Array): number | null {
  const phys = chunks(png).find((c) => c.type === 'pHYs');
  if (!phys || png[phys.start + 16] !== 1) return null;
  return Math.round(readUint32(png, phys.start + 8) * 0.0254);
}

/** The PNG with a pHYs chunk (replacing any) that states `dpi` in both directions. */
export function withPngResolution(png: Uint8Array, dpi: number): Uint8Array {
  const list = chunks(png);
  const ihdr = list.find((c) => c.type === 'IHDR');
  if (!ihdr) throw new FigureDataError('PNG without IHDR');
  const perMetre = Math.round(dpi / 0.0254);
  const phys = new Uint8Array(21);
  writeUint32(phys, 0, 9);
  phys.set([0x70, 0x48, 0x59, 0x73], 4); // 'pHYs'
  writeUint32(phys, 8, perMetre);
  writeUint32(phys, 12, perMetre);
  phys[16] = 1; // unit: metre
  writeUint32(phys, 17, crc32(phys.subarray(4, 17)));
  const parts: Uint8Array[] = [png.subarray(0, ihdr.end), phys];
  for (const c of list) if (c.type !== 'IHDR' && c.type !== 'pHYs') parts.push(png.subarray(c.start, c.end));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
