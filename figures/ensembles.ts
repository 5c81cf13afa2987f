/**
 * Figures across ensembles, one analysed project per parental temperature T*: the DOS exponent s
 * with its 95 % bootstrap interval (summary.s) and the inherent-structure energy E_IS/N ± its
 * standard error (summary.energyPerParticle), one series per potential and taper. T* = ∞ (random
 * parents, no Monte Carlo) has no place on a T* axis: it is drawn at its own tick '∞' after a
 * break of the axis (makeAxisWithInfinity) and written 'inf' in the CSV.
 */
import type { AnalysisData } from '../main/ipc/contract';
import { UNITS } from '../engine/series';
import { finiteOr } from './analysisData';
import { formatNumber } from './axes';
import { FigureDataError, type FigureKind, type FigureModel, type Trace, type TracePoint } from './model';
import { makePanel } from './panels';
import { DASH, MUTED, WIDE_PANEL_SIZE, projectColour } from './style';

/** One series of the figure: the projects of one potential and taper, ordered by T* (∞ last). */
interface EnsembleSeries {
  key: string;
  label: string;
  projects: AnalysisData[];
}

function temperatureOf(p: AnalysisData): number {
  const t = p.summary.parentTemperature;
  return t === 'inf' ? Infinity : t;
}

function seriesLabel(p: AnalysisData): string {
  const m = p.summary.taper === 'inf' ? '∞' : String(p.summary.taper);
  return p.summary.potential === 'lj' ? `LJ, m = ${m}` : `m = ${m}`;
}

/** The projects grouped by potential and taper (first appearance first), each ordered by T*. */
export function ensembleSeries(projects: AnalysisData[]): EnsembleSeries[] {
  const out: EnsembleSeries[] = [];
  for (const p of projects) {
    const key = `${p.summary.potential}-${p.summary.taper}`;
    let series = out.find((s) => s.key === key);
    if (!series) out.push((series = { key, label: seriesLabel(p), projects: [] }));
    series.projects.push(p);
  }
  for (const s of out) s.projects.sort((a, b) => temperatureOf(a) - temperatureOf(b));
  return out;
}

function requireProjects(projects: AnalysisData[], what: string): void {
  if (projects.length === 0) throw new FigureDataError(`the ${what} figure needs at least one analysed project (one per T*)`);
}

const T_AXIS = { quantity: 'T*', label: 'T*', unit: UNITS.none, scale: 'linear' as const, includeZero: true, infinity: true };
const INFINITY_NOTE = 'T* = ∞ (random parents) is drawn at the tick ∞ after the break of the T* axis; the CSV writes it as inf.';

/** A horizontal reference line y = value over the T* axis, from 0 to ∞. */
function referenceLine(id: string, label: string, value: number, colour: string, dash: string): Trace {
  return { id, label, group: 'reference', role: 'prediction', style: 'line', colour, dash, points: [{ x: 0, y: value }, { x: Infinity, y: value }] };
}

/**
 * s(T*): the exponent of g(ω) ~ ω^s (from F ~ ω^(s+1), summary.s) of each project with its 95 %
 * bootstrap interval as an error bar; s = 2 (type I) and each series' type-II s of Table 1
 * (summary.tableOne.dos: 4 for m = 2, 3 for m = ∞, 5 for LJ) as horizontal lines.
 */
export function exponentVsTemperatureFigure(projects: AnalysisData[]): FigureModel {
  requireProjects(projects, 's(T*)');
  const notes: string[] = [INFINITY_NOTE];
  const traces: Trace[] = [];
  const references: Trace[] = [referenceLine('s-type-one', 's = 2 (type I)', 2, MUTED, DASH.alternative)];
  ensembleSeries(projects).forEach((series, i) => {
    const colour = projectColour(i);
    const points: TracePoint[] = [];
    for (const p of series.projects) {
      const s = p.summary.s;
      const value = finiteOr(s.value);
      if (!Number.isFinite(value)) {
        notes.push(`${p.name}: s not determined, left out`);
        continue;
      }
      const low = finiteOr(s.low);
      const high = finiteOr(s.high);
      const interval: [number, number] | undefined = Number.isFinite(low) && Number.isFinite(high) ? [low, high] : undefined;
      const level = Math.round(100 * finiteOr(s.level, 0.95));
      points.push({ x: temperatureOf(p), y: value, interval, project: p.name, title: `${p.name}: s = ${formatNumber(value)}${interval ? ` [${formatNumber(low)}, ${formatNumber(high)}] (${level} %)` : ''}, ${p.summary.samples} samples` });
    }
    traces.push({ id: `s-${series.key}`, label: series.label, group: series.label, role: 'data', style: 'points', errors: 'bars', colour, points });
    const typeTwo = finiteOr(series.projects[0].summary.tableOne?.dos);
    if (Number.isFinite(typeTwo) && !references.some((r) => r.points[0].y === typeTwo)) {
      references.push(referenceLine(`s-type-two-${series.key}`, `s = ${formatNumber(typeTwo)} (type II for ${series.label})`, typeTwo, colour, DASH.prediction));
    }
  });
  const level = Math.round(100 * finiteOr(projects[0].summary.s.level, 0.95));
  const panel = makePanel({
    id: 's-vs-temperature',
    title: `DOS exponent s against T* (${level} % bootstrap intervals)`,
    x: T_AXIS,
    y: { quantity: 's', label: 's', unit: UNITS.none, scale: 'linear' },
    traces: [...traces, ...references],
    // The low-T* rungs, where s may rise, sit on the left: the legend goes right, above the T* = ∞ points near s = 2.
    legend: 'top-right',
    size: WIDE_PANEL_SIZE,
    // Every reference line inside, with headroom above the highest so that it does not run along the frame.
    yExtent: [...references.map((r) => r.points[0].y), Math.max(...references.map((r) => r.points[0].y)) + 0.5],
  });
  return { kind: 's-vs-temperature' satisfies FigureKind, title: 's(T*)', panels: [panel], notes };
}

/** E_IS/N(T*): the mean inherent-structure energy per particle of each project ± its standard error over samples. */
export function energyVsTemperatureFigure(projects: AnalysisData[]): FigureModel {
  requireProjects(projects, 'E_IS/N(T*)');
  const notes: string[] = [INFINITY_NOTE];
  const traces = ensembleSeries(projects).map((series, i): Trace => {
    const points: TracePoint[] = [];
    for (const p of series.projects) {
      const e = p.summary.energyPerParticle;
      const value = finiteOr(e?.value);
      if (!Number.isFinite(value)) {
        notes.push(`${p.name}: E_IS/N not determined, left out`);
        continue;
      }
      const error = finiteOr(e.error);
      points.push({ x: temperatureOf(p), y: value, error: Number.isFinite(error) ? error : undefined, project: p.name, title: `${p.name}: E_IS/N = ${formatNumber(value, 5)} ± ${formatNumber(error)}, ${p.summary.samples} samples` });
    }
    return { id: `energy-${series.key}`, label: series.label, group: series.label, role: 'data', style: 'points', errors: 'bars', colour: projectColour(i), points };
  });
  const panel = makePanel({
    id: 'energy-vs-temperature',
    title: 'Inherent-structure energy E_IS/N against T*',
    x: T_AXIS,
    y: { quantity: 'E_IS_per_N', label: 'E_IS/N', unit: 'eps', scale: 'linear' }, // energy in units of ε
    traces,
    legend: 'top-right',
    size: WIDE_PANEL_SIZE,
  });
  return { kind: 'energy-vs-temperature' satisfies FigureKind, title: 'E_IS/N(T*)', panels: [panel], notes };
}
