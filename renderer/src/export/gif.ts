/**
 * Animated GIF from RGBA frames, with gifenc: each frame gets its own 256-colour palette
 * (pairwise-nearest-neighbour quantisation, rgb565), so colours that appear only late in the
 * oscillation are not lost; the first palette is the global colour table. The GIF loops forever.
 */
import { GIFEncoder, applyPalette, quantize } from 'gifenc';

/**
 * GIF stores a frame's delay in hundredths of a second, and browsers play delays under 2/100 s
 * as 10/100 s; so a GIF cannot run faster than 50 frames per second.
 */
export const GIF_MAX_FPS = 50;

/** The delay written for each frame, in hundredths of a second (at least 2). */
export function gifFrameDelay(fps: number): number {
  return Math.max(2, Math.round(100 / fps));
}

/** The frame rate a GIF actually plays at for a requested fps (the delay is rounded to 1/100 s). */
export function gifActualFps(fps: number): number {
  return 100 / gifFrameDelay(fps);
}

export interface GifWriter {
  /** Appends one frame: width × height RGBA pixels, row by row. */
  addFrame(rgba: Uint8ClampedArray | Uint8Array): void;
  /** Writes the trailer and returns the whole file. */
  finish(): Uint8Array;
  /** Frames written so far. */
  readonly frames: number;
}

export function createGifWriter(width: number, height: number, fps: number): GifWriter {
  const stream = GIFEncoder();
  const delayMs = gifFrameDelay(fps) * 10;
  let frames = 0;
  return {
    addFrame(rgba) {
      if (rgba.length !== width * height * 4) throw new RangeError(`a GIF frame needs ${width}×${height} RGBA pixels (${width * height * 4} bytes), got ${rgba.length}`);
      const palette = quantize(rgba, 256, { format: 'rgb565' });
      const index = applyPalette(rgba, palette, 'rgb565');
      stream.writeFrame(index, width, height, { palette, delay: delayMs, repeat: 0 });
      frames++;
    },
    finish() {
      stream.finish();
      return stream.bytes();
    },
    get frames() {
      return frames;
    },
  };
}
