/**
 * Types for gifenc 1.0.3 (it ships none), for the calls movie export makes; read from its
 * README and src/index.js, src/palettize.js, src/pnnquant2.js.
 */
declare module 'gifenc' {
  export type PaletteFormat = 'rgb565' | 'rgb444' | 'rgba4444';
  /** A colour table: [r, g, b] (or [r, g, b, a] for rgba4444) bytes per entry, at most 256 entries. */
  export type Palette = number[][];

  export interface QuantizeOptions {
    format?: PaletteFormat;
    oneBitAlpha?: boolean | number;
    clearAlpha?: boolean;
    clearAlphaThreshold?: number;
    clearAlphaColor?: number;
  }
  /** Reduces RGBA pixels to a palette of at most maxColors colours (pairwise nearest neighbour). */
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: QuantizeOptions): Palette;
  /** The palette index of every pixel (one byte per pixel). */
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: Palette, format?: PaletteFormat): Uint8Array;

  export interface WriteFrameOptions {
    /** Required for the first frame (the global colour table); later frames with one get a local table. */
    palette?: Palette;
    first?: boolean;
    transparent?: boolean;
    transparentIndex?: number;
    /** Frame delay in milliseconds (written in hundredths of a second, rounded). */
    delay?: number;
    /** -1 plays once, 0 loops forever, n > 0 repeats n more times. */
    repeat?: number;
    colorDepth?: number;
    dispose?: number;
  }
  export interface GifEncoderStream {
    writeFrame(index: Uint8Array, width: number, height: number, options?: WriteFrameOptions): void;
    finish(): void;
    /** A copy of the bytes written so far. */
    bytes(): Uint8Array;
    bytesView(): Uint8Array;
    reset(): void;
    writeHeader(): void;
    readonly buffer: ArrayBuffer;
  }
  export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): GifEncoderStream;
  export default GIFEncoder;
}
