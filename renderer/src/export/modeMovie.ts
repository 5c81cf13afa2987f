/**
 * A mode movie: the oscillation r_i + A sin(2πt/T) e_i of one stored mode, drawn by the Modes
 * view's scene (three/modeScene.ts) at one phase per frame and encoded by encodeMovie. A period
 * spans a whole number of frames, so a movie of whole periods loops without a jump.
 */
import type { ModeData } from '../../../main/ipc/contract';
import { createModeScene, largestParticleDisplacement, type ParticleColouring } from '../three/modeScene';
import { encodeMovie, type EncodedMovie, type MovieFormat } from './movie';

export type ModeColouring = ParticleColouring;
export type MovieLength = { unit: 'periods'; value: number } | { unit: 'seconds'; value: number };

export interface ModeMovieSettings {
  format: MovieFormat;
  width: number;
  height: number;
  fps: number;
  /** Seconds of movie that one oscillation period lasts. */
  periodSeconds: number;
  length: MovieLength;
  /**
   * How far the particle that moves most moves at the turning points, in mean diameters (the Modes
   * view's default is 0.3). The scene's A is this over max_i |e_i|.
   */
  largestDisplacement: number;
  showArrows: boolean;
  showVorticity: boolean;
  colourBy: ModeColouring;
}

export interface MovieTiming {
  framesPerPeriod: number;
  frames: number;
  /** Movie duration in seconds. */
  seconds: number;
  /** Oscillation periods shown (fractional when the length is given in seconds). */
  periods: number;
}

/** Frames per period (at least 2, whole), total frames and duration for these settings. */
export function movieTiming(settings: Pick<ModeMovieSettings, 'fps' | 'periodSeconds' | 'length'>): MovieTiming {
  const { fps, periodSeconds, length } = settings;
  const framesPerPeriod = Math.max(2, Math.round(periodSeconds * fps));
  const frames = length.unit === 'periods' ? Math.max(1, Math.round(length.value)) * framesPerPeriod : Math.max(1, Math.round(length.value * fps));
  return { framesPerPeriod, frames, seconds: frames / fps, periods: frames / framesPerPeriod };
}

/** Phase in [0, 1) of frame `index` within its period. */
export function framePhase(index: number, framesPerPeriod: number): number {
  return (index % framesPerPeriod) / framesPerPeriod;
}

/** The scene's amplitude A for a wanted largest displacement (e is a unit vector over all dN components). */
export function sceneAmplitude(mode: Pick<ModeData, 'displacement' | 'dim'>, largestDisplacement: number): number {
  const largest = largestParticleDisplacement(mode.displacement, mode.dim);
  return largest > 0 ? largestDisplacement / largest : 0;
}

/** 'mode-s0000-3.webm': the sample, the mode index (0-based, as in eigenvalues.npy) and the format. */
export function modeMovieName(sampleId: string, index: number, format: MovieFormat): string {
  return `mode-${sampleId}-${index}.${format}`;
}

const white = 0xffffff;

export async function encodeModeMovie(
  mode: ModeData,
  settings: ModeMovieSettings,
  options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<EncodedMovie> {
  const { width, height, format, fps } = settings;
  const timing = movieTiming(settings);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const scene = createModeScene(
    canvas,
    mode,
    { amplitude: sceneAmplitude(mode, settings.largestDisplacement), showArrows: settings.showArrows, showVorticity: settings.showVorticity, colourBy: settings.colourBy, background: white },
    { width, height },
  );
  try {
    return await encodeMovie({
      format,
      width,
      height,
      fps,
      frames: timing.frames,
      background: '#ffffff',
      drawFrame: (index) => {
        scene.renderFrame(framePhase(index, timing.framesPerPeriod));
        return canvas;
      },
      onProgress: options.onProgress,
      signal: options.signal,
    });
  } finally {
    scene.dispose();
    // Give the WebGL context back now: a browser keeps only a few alive, and each export makes one.
    scene.renderer.forceContextLoss();
  }
}
