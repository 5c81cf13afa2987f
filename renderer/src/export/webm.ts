/**
 * WebM from canvas frames: the browser's WebCodecs VideoEncoder (VP9, or VP8 where this browser
 * has no VP9 encoder) makes the packets, mediabunny muxes them into a WebM (Matroska) file in
 * memory.
 */
import { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Output, WebMOutputFormat } from 'mediabunny';

export type WebmCodec = 'vp9' | 'vp8';

/** VP9 profile 0, level 1.0, 8 bit (4:2:0): what every VP9 decoder plays. */
export const VP9_CODEC_STRING = 'vp09.00.10.08';
export const VP8_CODEC_STRING = 'vp8';

export class WebCodecsMissingError extends Error {
  constructor(what: string) {
    super(`WebM export needs the browser's WebCodecs video encoder, and ${what}. Choose GIF instead, which needs no codec.`);
    this.name = 'WebCodecsMissingError';
  }
}

/** Bits per second for a frame size and rate: ~0.15 bit per pixel per frame, within 0.5–40 Mbit/s. */
export function webmBitrate(width: number, height: number, fps: number): number {
  return Math.round(Math.min(40e6, Math.max(0.5e6, width * height * fps * 0.15)));
}

export interface WebmEncoderChoice {
  codec: WebmCodec;
  config: VideoEncoderConfig;
  /** Set when the file is not VP9, with the reason. */
  note?: string;
}

/** VP9 if VideoEncoder.isConfigSupported accepts it at this size and rate, else VP8, else an error. */
export async function chooseWebmEncoder(width: number, height: number, fps: number): Promise<WebmEncoderChoice> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') throw new WebCodecsMissingError('this browser has none (VideoEncoder is not defined)');
  const base = { width, height, framerate: fps, bitrate: webmBitrate(width, height, fps), latencyMode: 'quality' as const };
  const vp9: VideoEncoderConfig = { ...base, codec: VP9_CODEC_STRING };
  if ((await VideoEncoder.isConfigSupported(vp9)).supported) return { codec: 'vp9', config: vp9 };
  const vp8: VideoEncoderConfig = { ...base, codec: VP8_CODEC_STRING };
  if ((await VideoEncoder.isConfigSupported(vp8)).supported) {
    return { codec: 'vp8', config: vp8, note: `this browser cannot encode VP9 at ${width}×${height}, so the movie is VP8 (also WebM, plays everywhere VP9 does)` };
  }
  throw new WebCodecsMissingError(`it encodes neither VP9 nor VP8 at ${width}×${height}, ${fps} fps`);
}

export interface WebmWriter {
  readonly codec: WebmCodec;
  readonly codecString: string;
  readonly note?: string;
  /** Encodes one frame (the canvas as it is now) at time index / fps. */
  addFrame(canvas: HTMLCanvasElement | OffscreenCanvas, index: number): Promise<void>;
  /** Flushes the encoder and returns the finished file. */
  finish(): Promise<Uint8Array>;
  /** Stops encoding and drops everything; safe to call more than once. */
  cancel(): Promise<void>;
}

/** A key frame every two seconds of movie, so a player can seek. */
const keyFrameSeconds = 2;

export async function createWebmWriter(width: number, height: number, fps: number): Promise<WebmWriter> {
  if (width % 2 || height % 2) throw new RangeError(`a WebM movie needs an even width and height (4:2:0 chroma), got ${width}×${height}`);
  const choice = await chooseWebmEncoder(width, height, fps);
  const target = new BufferTarget();
  const output = new Output({ format: new WebMOutputFormat(), target });
  const source = new EncodedVideoPacketSource(choice.codec);
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();

  let failure: Error | undefined;
  // Packets reach the muxer in the order the encoder emits them (decode order), one at a time.
  let muxing: Promise<void> = Promise.resolve();
  const encoder = new VideoEncoder({
    output: (chunk, meta) => {
      const packet = EncodedPacket.fromEncodedChunk(chunk);
      muxing = muxing.then(() => source.add(packet, meta)).catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      });
    },
    error: (error) => {
      failure ??= error;
    },
  });
  encoder.configure(choice.config);
  const frameMicroseconds = 1e6 / fps;
  const keyEvery = Math.max(1, Math.round(keyFrameSeconds * fps));
  let closed = false;

  const check = () => {
    if (failure) throw new Error(`the ${choice.codec.toUpperCase()} encoder failed: ${failure.message}`);
  };

  return {
    codec: choice.codec,
    codecString: choice.config.codec,
    note: choice.note,
    async addFrame(canvas, index) {
      check();
      // Backpressure: let the encoder drain before giving it more frames.
      // (The timeout keeps a failed encoder, which fires no more 'dequeue', from hanging us.)
      while (encoder.encodeQueueSize > 2 && encoder.state === 'configured') {
        await new Promise<void>((resolve) => {
          encoder.addEventListener('dequeue', () => resolve(), { once: true });
          setTimeout(resolve, 50);
        });
      }
      check();
      const frame = new VideoFrame(canvas, { timestamp: Math.round(index * frameMicroseconds), duration: Math.round(frameMicroseconds) });
      try {
        encoder.encode(frame, { keyFrame: index % keyEvery === 0 });
      } finally {
        frame.close();
      }
    },
    async finish() {
      check();
      await encoder.flush();
      encoder.close();
      closed = true;
      await muxing;
      check();
      source.close();
      await output.finalize();
      if (!target.buffer) throw new Error('the WebM muxer produced no file');
      return new Uint8Array(target.buffer);
    },
    async cancel() {
      if (!closed && encoder.state !== 'closed') encoder.close();
      closed = true;
      if (output.state !== 'canceled' && output.state !== 'finalized') await output.cancel();
    },
  };
}
