/**
 * Publication style of every figure: one bundled font (resources/fonts/DejaVuSans-figures.ttf,
 * embedded in exported SVGs and given to resvg for PNGs), fixed panel sizes in CSS pixels
 * (1/96 in), and a colour-blind-safe palette (Okabe & Ito) for overlaid projects.
 */

/** The family name inside the bundled TTF (a subset of DejaVu Sans 2.37). */
export const FIGURE_FONT_FAMILY = 'DejaVu Sans';
export const FIGURE_FONT_FILE = 'DejaVuSans-figures.ttf';
/** The font-family value written on every figure. */
export const FIGURE_FONT_STACK = `'${FIGURE_FONT_FAMILY}', sans-serif`;

export const FONT_SIZE = { tick: 10, label: 11.5, title: 12, legend: 9.5, marker: 9.5 } as const;

/** One panel: 3.75 in × 2.92 in, about a journal column. */
export const PANEL_SIZE = { width: 360, height: 280 } as const;
/** Panels of a three-panel figure, so that it fits the app's content width (about 1000 px). */
export const NARROW_PANEL_SIZE = { width: 330, height: 280 } as const;
/** A wider panel for the per-sample mode scatter. */
export const WIDE_PANEL_SIZE = { width: 560, height: 300 } as const;

/** Space around the plot area: title above, tick labels and axis titles below and left. */
export const PANEL_MARGIN = { top: 26, right: 14, bottom: 40, left: 58 } as const;

export const INK = '#1a1a1a';
export const AXIS_COLOUR = '#333333';
export const MUTED = '#8c8c8c';
export const LIGHT = '#c8c8c8';

/** Okabe–Ito, without yellow (too light on white). */
export const PROJECT_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

export function projectColour(index: number): string {
  return PROJECT_COLOURS[index % PROJECT_COLOURS.length];
}

/** Dash patterns that tell reference curves apart in black and white. */
export const DASH = { marker: '5 3', prediction: '2 3', alternative: '7 3 2 3', fit: undefined } as const;
