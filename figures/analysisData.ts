/**
 * Reading a project's analysis/ as it travels (`AnalysisData`: series with number arrays, null for
 * NaN) without inventing anything: a series by the name the engine writes it under
 * (engine/analysis/ensemble.ts), a column by name with its unit, and the rows that can be drawn.
 */
import type { AnalysisData, SeriesData } from '../main/ipc/contract';
import { FigureDataError, type AxisScale } from './model';

/** The series of analysis/ by file stem (dos_linear, integrated_dos, …); an error names what is missing. */
export function seriesNamed(project: AnalysisData, name: string): SeriesData {
  const found = project.series.find((s) => s.name === name);
  // A series the analysis left out because the samples hold only their lowest modes (spectrum.method 'lowest').
  const needsFull = ((project.summary as { needsFullSpectrum?: string[] } | null)?.needsFullSpectrum ?? []).find((entry) => entry.includes(`(${name})`));
  if (!found && needsFull) throw new FigureDataError(`${project.name}: ${needsFull} (its samples hold only the lowest modes, spectrum.method 'lowest')`);
  if (!found) {
    const have = project.series.map((s) => s.name).join(', ') || 'none';
    throw new FigureDataError(`${project.name}: analysis/ has no ${name}.csv (it has ${have}); run the analysis again`);
  }
  return found;
}

export function hasSeries(project: AnalysisData, name: string): boolean {
  return project.series.some((s) => s.name === name);
}

export interface Column {
  name: string;
  unit: string;
  /** null (NaN on disk) as NaN. */
  values: number[];
}

export function column(series: SeriesData, name: string): Column {
  const k = series.columns.findIndex((c) => c.name === name);
  if (k < 0) throw new FigureDataError(`${series.name}.csv has no column ${name} (columns: ${series.columns.map((c) => c.name).join(', ')})`);
  return { name, unit: series.columns[k].unit, values: series.data[k].map((v) => (v === null ? NaN : v)) };
}

/** Whether a value can be drawn on an axis of this scale (finite; positive on a log axis). */
export function plottable(value: number, scale: AxisScale): boolean {
  return Number.isFinite(value) && (scale === 'linear' || value > 0);
}

/** Row indices whose x and y can both be drawn. */
export function plottableRows(x: number[], y: number[], xScale: AxisScale, yScale: AxisScale): number[] {
  const rows: number[] = [];
  for (let k = 0; k < x.length; k++) if (plottable(x[k], xScale) && plottable(y[k], yScale)) rows.push(k);
  return rows;
}

/** A number from summary.json, where NaN was written as null. */
export function finiteOr(value: number | null | undefined, fallback = NaN): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Overlaid projects must agree on a column's unit (a 2D and a 3D reduced DOS do not). */
export function sameUnit(columns: Column[], what: string, projects: AnalysisData[]): string {
  const units = [...new Set(columns.map((c) => c.unit))];
  if (units.length > 1) {
    throw new FigureDataError(`cannot overlay ${what} of ${projects.map((p) => p.name).join(', ')}: the units differ (${units.join(' vs ')})`);
  }
  return units[0];
}

export function taperText(project: AnalysisData): string {
  return project.summary.taper === 'inf' ? '∞' : String(project.summary.taper);
}
