/** Panel assembly shared by the figure builders: axes fitted to what the panel shows. */
import { plottable } from './analysisData';
import { axisValues, makeAxis, makeAxisWithInfinity } from './axes';
import type { AxisScale, LegendPlacement, Marker, Panel, Trace, TracePoint } from './model';
import { PANEL_SIZE } from './style';

export interface AxisSpec {
  quantity: string;
  label: string;
  unit: string;
  scale: AxisScale;
  /** Fixed range instead of the data's. */
  domain?: [number, number];
  includeZero?: boolean;
  /** x only, linear only: points at x = ∞ are kept and drawn after an axis break (makeAxisWithInfinity). */
  infinity?: boolean;
}

export interface PanelSpec {
  id: string;
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  traces: Trace[];
  markers?: Marker[];
  legend?: LegendPlacement;
  size?: { width: number; height: number };
  /** Values the y axis must reach although no point does (e.g. a fit line that leaves the data). */
  yExtent?: number[];
}

/** A panel with axes over its points, error bars and markers; points an axis cannot show are left out. */
export function makePanel(spec: PanelSpec): Panel {
  const traces = spec.traces
    .map((t) => ({ ...t, points: t.points.filter((p) => (plottable(p.x, spec.x.scale) || (spec.x.infinity && p.x === Infinity)) && plottable(p.y, spec.y.scale)) }))
    .filter((t) => t.points.length > 0);
  const markers = (spec.markers ?? []).filter((m) => plottable(m.value, spec.x.scale));
  // Reference curves (fits, predictions, theory) follow the data's range rather than set it.
  const leading = traces.some((t) => t.role === 'data') ? traces.filter((t) => t.role === 'data') : traces;
  const xValues = axisValues(traces, 'x', spec.x.scale, markers);
  const yValues = [...axisValues(leading, 'y', spec.y.scale), ...(spec.yExtent ?? []).filter((v) => plottable(v, spec.y.scale))];
  const size = spec.size ?? PANEL_SIZE;
  return {
    id: spec.id,
    title: spec.title,
    x: spec.x.infinity
      ? makeAxisWithInfinity(spec.x.quantity, spec.x.label, spec.x.unit, axisValues(leading, 'x', 'linear', markers), { includeZero: spec.x.includeZero })
      : makeAxis(spec.x.quantity, spec.x.label, spec.x.unit, spec.x.scale, xValues, { includeZero: spec.x.includeZero, domain: spec.x.domain }),
    y: makeAxis(spec.y.quantity, spec.y.label, spec.y.unit, spec.y.scale, yValues, { includeZero: spec.y.includeZero, domain: spec.y.domain }),
    traces,
    markers,
    legend: spec.legend ?? 'top-right',
    width: size.width,
    height: size.height,
  };
}

/** Points (x_k, y_k[, error_k]) for the given rows. */
export function pointsAt(rows: number[], x: number[], y: number[], error?: number[]): TracePoint[] {
  return rows.map((k) => (error ? { x: x[k], y: y[k], error: Number.isFinite(error[k]) ? error[k] : undefined } : { x: x[k], y: y[k] }));
}

/** A power law y = a·x^p through (x0, y0), as the two ends of its straight line over [lo, hi] on log–log axes. */
export function powerLawSegment(exponent: number, through: { x: number; y: number }, lo: number, hi: number): TracePoint[] {
  const at = (x: number) => through.y * (x / through.x) ** exponent;
  return [
    { x: lo, y: at(lo) },
    { x: hi, y: at(hi) },
  ];
}
