/**
 * A mode movie: the oscillation r_i + A sin(2πt/T) e_i of one stored mode, or of two side by side
 * (e.g. a type-I and a type-II mode, as the Modes view compares them), drawn by the Modes view's
 * scene (three/modeScene.ts) at one phase per frame, each panel labelled with its mode, ω, PR and
 * rotational fraction, and encoded by encodeMovie. A period spans a whole number of frames, so a
 * movie of whole periods loops without a jump.
 */
import type { ModeData } from '../../../main/ipc/contract';
import { excursionAmplitude } from '../../../engine/analysis/modeGeometry';
import { createModeScene, type ParticleColouring } from '../three/modeScene';
import { subsampleNote } from '../three/subsample';
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
  return excursionAmplitude(mode.displacement, mode.dim, largestDisplacement);
}

/**
 * 'mode-s0000-3.webm', or 'mode-s0000-3-vs-18.webm' for two modes side by side: the sample, the
 * mode indices (0-based, as in eigenvalues.npy) and the format.
 */
export function modeMovieName(sampleId: string, indices: number | number[], format: string): string {
  return `mode-${sampleId}-${[indices].flat().join('-vs-')}.${format}`;
}

/** The label of a panel: 'mode 3 · ω = 1.027 · PR 0.23 · rot. 0.31'. */
export function modePanelLabel(mode: Pick<ModeData, 'index' | 'omega' | 'participation' | 'rotationalFraction'>): string {
  const omega = mode.omega === null ? 'ω unstable' : `ω = ${mode.omega.toPrecision(4)}`;
  const rotation = mode.rotationalFraction === null ? '' : ` · rot. ${mode.rotationalFraction.toFixed(2)}`;
  return `mode ${mode.index} · ${omega} · PR ${mode.participation.toFixed(2)}${rotation}`;
}

/**
 * Draws rendered panels side by side into one 2D canvas, each with its label in the top-left
 * corner: the frame of a comparison movie, and the picture the Modes view saves.
 */
export function composePanels(target: HTMLCanvasElement, panels: { image: CanvasImageSource; width: number; label: string }[], background = '#ffffff'): HTMLCanvasElement {
  const context = target.getContext('2d')!;
  context.fillStyle = background;
  context.fillRect(0, 0, target.width, target.height);
  const fontSize = Math.max(10, Math.round(target.height / 28));
  context.font = `${fontSize}px sans-serif`;
  context.textBaseline = 'top';
  let x = 0;
  for (const panel of panels) {
    context.drawImage(panel.image, x, 0, panel.width, target.height);
    context.fillStyle = '#1b2430';
    context.fillText(panel.label, x + fontSize / 2, fontSize / 2, panel.width - fontSize);
    x += panel.width;
  }
  return target;
}

const white = 0xffffff;

export async function encodeModeMovie(
  modes: ModeData | ModeData[],
  settings: ModeMovieSettings,
  options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<EncodedMovie> {
  const { width, height, format, fps } = settings;
  const list = [modes].flat();
  const timing = movieTiming(settings);
  // Panels of equal width (even, as video encoders want), the last one taking what is left.
  const panelWidth = 2 * Math.floor(width / list.length / 2);
  const panels = list.map((mode, k) => {
    const w = k === list.length - 1 ? width - panelWidth * (list.length - 1) : panelWidth;
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = height;
    const scene = createModeScene(
      canvas,
      mode,
      { amplitude: sceneAmplitude(mode, settings.largestDisplacement), showArrows: settings.showArrows, showVorticity: settings.showVorticity, colourBy: settings.colourBy, background: white },
      { width: w, height },
    );
    // A subsampled drawing (subsample.ts) says so in the movie too.
    const note = subsampleNote(scene.drawn);
    return { canvas, scene, width: w, label: note ? `${modePanelLabel(mode)} · ${note}` : modePanelLabel(mode) };
  });
  const frame = document.createElement('canvas');
  frame.width = width;
  frame.height = height;
  try {
    return await encodeMovie({
      format,
      width,
      height,
      fps,
      frames: timing.frames,
      background: '#ffffff',
      drawFrame: (index) => {
        const phase = framePhase(index, timing.framesPerPeriod);
        for (const panel of panels) panel.scene.renderFrame(phase);
        return composePanels(frame, panels.map((p) => ({ image: p.canvas, width: p.width, label: p.label })));
      },
      onProgress: options.onProgress,
      signal: options.signal,
    });
  } finally {
    for (const panel of panels) {
      panel.scene.dispose();
      // Give the WebGL context back now: a browser keeps only a few alive, and each export makes one.
      panel.scene.renderer.forceContextLoss();
    }
  }
}
