/**
 * A figure as plain data: panels with axes, traces of (x, y[, error]) points, vertical markers and
 * legends. The builders (spectral.ts, statistics.ts, theory.ts) make one from a project's
 * analysis/ (`AnalysisData`) or from the theory functions; `FigureView` draws it with recharts;
 * figureTable.ts writes its data as CSV; svgDocument.ts turns the drawn figure into a standalone
 * SVG. The app and `glassmodes figure` use the same builders and the same component, so one
 * figure is drawn one way.
 */

/** What `glassmodes figure` and the views can draw. */
export const FIGURE_KINDS = {
  dos: 'DOS g(ω) on linear bins with error bars',
  'reduced-dos': 'reduced DOS g(ω)/ω^(d−1) on logarithmic bins',
  idos: 'integrated DOS F(ω), log–log, with the fitted ω^(s+1) and the predicted slopes',
  pr: 'participation ratio of every stored mode against ω',
  'sample-modes': "one sample's modes, participation ratio against ω, the stored ones highlighted",
  'level-ratio': 'level-spacing ratios P(r) in three windows against GOE and Poisson',
  stress: 'local-stress distributions P(σ), log–log, with fitted and predicted low-σ slopes',
  ghet: 'GHET type-II g(ω) from the measured P(σ) over the measured low-frequency DOS',
  het: 'HET-SCBA g(ω) and g(ω)/ω² for given γ and K/G₀ (continuum or finite box)',
  'boson-peak': 'HET-SCBA boson-peak frequency against γ/γ_c',
  's-vs-temperature': 's against T* across projects (one per T*), 95 % bootstrap intervals, s = 2 and the type-II s as reference lines, T* = ∞ after an axis break',
  'energy-vs-temperature': 'E_IS/N against T* across projects (one per T*), ± standard error, T* = ∞ after an axis break',
} as const;
export type FigureKind = keyof typeof FIGURE_KINDS;
export const figureKinds = Object.keys(FIGURE_KINDS) as FigureKind[];

/** Kinds drawn from the HET theory alone (no project data). */
export const THEORY_ONLY_KINDS: readonly FigureKind[] = ['het', 'boson-peak'];

export function isFigureKind(kind: string): kind is FigureKind {
  return Object.hasOwn(FIGURE_KINDS, kind);
}

export type AxisScale = 'linear' | 'log';

export interface Axis {
  /** Column name of the quantity, as in the series (e.g. 'omega'); names the CSV column. */
  quantity: string;
  /** Display label, e.g. 'ω' or 'g(ω)/ω²'. */
  label: string;
  /** Unit as the series writes it (ASCII, '1' for dimensionless). */
  unit: string;
  scale: AxisScale;
  domain: [number, number];
  ticks: number[];
  /**
   * Where x = ∞ is drawn, on an axis that has it (T* = ∞ of the random parents): points with
   * x = Infinity sit at `at`, the tick there reads '∞', and the axis is broken at `breakAt`
   * (between the largest finite tick and `at`). The model and the CSV keep x = Infinity ('inf').
   */
  infinity?: { at: number; breakAt: number };
}

export interface TracePoint {
  x: number;
  y: number;
  /** Standard error of y (symmetric), when the data have one. */
  error?: number;
  /** A confidence interval of y [low, high] (e.g. the 95 % bootstrap interval of s), drawn as an error bar; the CSV writes its ends. */
  interval?: [number, number];
  /** The project this point comes from, when one trace gathers several (the CSV's project column; default the trace's group). */
  project?: string;
  /** The mode (index into the sample's ascending eigenvalues) this point stands for. */
  mode?: number;
  /** Tooltip text for this point. */
  title?: string;
}

export type TraceRole = 'data' | 'fit' | 'prediction' | 'reference' | 'theory';

export interface Trace {
  /** Unique within the figure; used as a CSS class (gm-trace--<id>) in the drawn SVG. */
  id: string;
  /** Legend text; empty leaves the trace out of the legend. */
  label: string;
  /** Project (or theory parameter set) the trace belongs to: the CSV's first column. */
  group: string;
  role: TraceRole;
  style: 'line' | 'points' | 'line+points';
  /** How errors are drawn, when the points carry them. */
  errors?: 'bars' | 'band';
  colour: string;
  dash?: string;
  strokeWidth?: number;
  points: TracePoint[];
  /** Points carry `mode` and a click on one opens that mode. */
  clickable?: boolean;
}

export interface Marker {
  /** A vertical line at x = value. */
  value: number;
  /** Short text drawn at the top of the line, e.g. 'ω₀'. */
  text: string;
  /** Legend text; empty leaves it out of the legend. */
  label: string;
  group: string;
  colour: string;
  dash?: string;
}

export type LegendPlacement = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';

export interface Panel {
  id: string;
  title: string;
  x: Axis;
  y: Axis;
  traces: Trace[];
  markers: Marker[];
  legend: LegendPlacement;
  /** Size in CSS pixels (1/96 in). */
  width: number;
  height: number;
}

export interface FigureModel {
  kind: FigureKind;
  title: string;
  /** Drawn left to right. */
  panels: Panel[];
  /** Facts worth a line under the figure (γ_c, fit windows, what is missing). */
  notes: string[];
  /** Where the data came from and what drew it (buildFigure): written into an exported SVG's <desc>, not drawn. */
  provenance?: string[];
}

/** A figure's overall size in CSS pixels: its panels side by side. */
export function figureSize(model: FigureModel): { width: number; height: number } {
  return {
    width: model.panels.reduce((sum, p) => sum + p.width, 0),
    height: Math.max(0, ...model.panels.map((p) => p.height)),
  };
}

/** Where each panel sits in the figure (left to right, top aligned). */
export function panelOffsets(model: FigureModel): { x: number; y: number }[] {
  let x = 0;
  return model.panels.map((p) => {
    const at = { x, y: 0 };
    x += p.width;
    return at;
  });
}

/** Data that cannot make the requested figure (a missing series, mismatched units, bad options). */
export class FigureDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FigureDataError';
  }
}
