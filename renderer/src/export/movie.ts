/**
 * Movies from a frame-drawing function: `encodeMovie` asks for each frame in turn, puts it on an
 * opaque width × height canvas, and encodes it as WebM (VP9 through WebCodecs, muxed by
 * mediabunny; webm.ts) or as an animated GIF (gifenc; gif.ts). Cancellable through an
 * AbortSignal; nothing is returned (or saved) for a cancelled movie.
 */
import { createGifWriter, gifActualFps, GIF_MAX_FPS } from './gif';
import { createWebmWriter, type WebmCodec } from './webm';

export type MovieFormat = 'webm' | 'gif';

export interface MovieRequest {
  format: MovieFormat;
  width: number;
  height: number;
  /** Number of frames to encode. */
  frames: number;
  /** Frames per second of the movie. */
  fps: number;
  /**
   * Draws frame `index` (0 … frames − 1) and returns what to put in the movie; it is drawn
   * scaled to width × height over `background`. Read at once (before the next task), so a WebGL
   * canvas without preserveDrawingBuffer is fine.
   */
  drawFrame: (index: number) => CanvasImageSource | Promise<CanvasImageSource>;
  /** CSS colour under each frame (movies are opaque); white unless given. */
  background?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface EncodedMovie {
  bytes: Uint8Array;
  format: MovieFormat;
  /** 'vp9' (or 'vp8' where VP9 cannot be encoded: see `notes`) for WebM, 'gif' for GIF. */
  codec: WebmCodec | 'gif';
  /** The WebCodecs codec string for WebM ('vp09.00.10.08'), 'gif' for GIF. */
  codecString: string;
  mimeType: string;
  width: number;
  height: number;
  frames: number;
  /** The frame rate the file plays at (a GIF's is rounded to whole hundredths of a second per frame). */
  fps: number;
  /** Anything the user should know about the file, e.g. a VP8 fallback. */
  notes: string[];
}

export const MOVIE_MIME: Record<MovieFormat, string> = { webm: 'video/webm', gif: 'image/gif' };

/** Refuses settings no encoder takes, naming the setting and its range. */
export function checkMovieRequest(request: Pick<MovieRequest, 'format' | 'width' | 'height' | 'frames' | 'fps'>): void {
  const { format, width, height, frames, fps } = request;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16 || width > 4096 || height > 4096) throw new RangeError(`the movie size must be whole pixels from 16 to 4096 on each side (got ${width}×${height})`);
  if (format === 'webm' && (width % 2 || height % 2)) throw new RangeError(`a WebM movie needs an even width and height (got ${width}×${height})`);
  if (!Number.isInteger(frames) || frames < 1 || frames > 100_000) throw new RangeError(`a movie needs 1 to 100000 frames (got ${frames})`);
  if (!(fps > 0) || fps > 120) throw new RangeError(`the frame rate must be above 0 and at most 120 fps (got ${fps})`);
  if (format === 'gif' && fps > GIF_MAX_FPS) throw new RangeError(`a GIF plays at most ${GIF_MAX_FPS} frames per second (got ${fps}); choose WebM for more`);
}

function abortError(): DOMException {
  return new DOMException('The movie export was cancelled', 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Lets the page paint (progress bar) and hear a Cancel click between frames. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function encodeMovie(request: MovieRequest): Promise<EncodedMovie> {
  checkMovieRequest(request);
  const { format, width, height, frames, fps, drawFrame, onProgress, signal } = request;
  if (signal?.aborted) throw abortError();

  // Every frame is composed here: opaque, exactly width × height, whatever drawFrame returns.
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { alpha: false, willReadFrequently: format === 'gif' });
  if (!context) throw new Error('this browser gives no 2D canvas for composing movie frames');
  const compose = async (index: number) => {
    const image = await drawFrame(index);
    context.fillStyle = request.background ?? '#ffffff';
    context.fillRect(0, 0, width, height);
    context.drawImage(image, 0, 0, width, height);
  };

  const base = { format, width, height, frames, mimeType: MOVIE_MIME[format] };
  if (format === 'gif') {
    const gif = createGifWriter(width, height, fps);
    for (let i = 0; i < frames; i++) {
      if (signal?.aborted) throw abortError();
      await compose(i);
      gif.addFrame(context.getImageData(0, 0, width, height).data);
      onProgress?.(i + 1, frames);
      await nextTask();
    }
    if (signal?.aborted) throw abortError();
    const actual = gifActualFps(fps);
    const notes = Math.abs(actual - fps) > 1e-9 ? [`GIF frame delays are whole hundredths of a second, so it plays at ${actual.toFixed(2)} fps instead of ${fps}`] : [];
    return { ...base, bytes: gif.finish(), codec: 'gif', codecString: 'gif', fps: actual, notes };
  }

  const webm = await createWebmWriter(width, height, fps);
  try {
    for (let i = 0; i < frames; i++) {
      if (signal?.aborted) throw abortError();
      await compose(i);
      await webm.addFrame(canvas, i);
      onProgress?.(i + 1, frames);
      await nextTask();
    }
    if (signal?.aborted) throw abortError();
    const bytes = await webm.finish();
    return { ...base, bytes, codec: webm.codec, codecString: webm.codecString, fps, notes: webm.note ? [webm.note] : [] };
  } catch (error) {
    await webm.cancel();
    throw error;
  }
}
