/**
 * Statistics figures from analysis/ (OBSERVABLES.md "Level statistics", "Local stresses"): P(r)
 * of the level-spacing ratios in three windows against the Atas GOE surmise (Eq. 18) and Poisson,
 * and the local-stress distributions P(σ) with the fitted and the predicted low-σ slopes (Eq. 11).
 */
import type { AnalysisData } from '../main/ipc/contract';
import { atasSurmise, poissonRatioDensity, type RatioWindowName } from '../engine/analysis/levelSpacing';
import { resolvedStressFloor, STRESS_RESOLVED_DECADES } from '../engine/analysis/stress';
import { column, finiteOr, hasSeries, plottableRows, sameUnit, seriesNamed, taperText } from './analysisData';
import { formatNumber } from './axes';
import { FigureDataError, type FigureModel, type Panel, type Trace, type TracePoint } from './model';
import { makePanel, pointsAt, powerLawSegment } from './panels';
import { DASH, INK, MUTED, NARROW_PANEL_SIZE, projectColour } from './style';

const RATIO_WINDOWS: RatioWindowName[] = ['lowest', 'middle', 'highest'];

/** A curve on a fine grid of [0, rMax] from one of the engine's ratio densities. */
function ratioCurve(density: (r: number) => number, rMax: number, points = 161): TracePoint[] {
  return Array.from({ length: points }, (_, k) => {
    const r = (rMax * k) / (points - 1);
    return { x: r, y: density(r) };
  });
}

function meanRatioText(value: number, error?: number): string {
  return `⟨r̃⟩ = ${formatNumber(value)}${error !== undefined && Number.isFinite(error) && error > 0 ? ` ± ${formatNumber(error, 2)}` : ''}`;
}

/** P(r) in the lowest, middle and highest windows (level_ratio_<window>), one panel each. */
export function levelRatioFigure(projects: AnalysisData[]): FigureModel {
  if (projects.length === 0) throw new FigureDataError('the level-ratio figure needs at least one analysed project');
  // The middle and highest windows need every eigenvalue: a window no project has is left out with a note.
  const notes: string[] = [];
  const windows = RATIO_WINDOWS.filter((window) => {
    if (projects.some((p) => hasSeries(p, `level_ratio_${window}`))) return true;
    notes.push(`${window} window: needs the full spectrum (the samples hold only their lowest modes)`);
    return false;
  });
  const panels: Panel[] = windows.map((window) => {
    const traces: Trace[] = [];
    let rMax = 0;
    let tallest = 1;
    projects.forEach((p, i) => {
      if (!hasSeries(p, `level_ratio_${window}`)) {
        notes.push(`${p.name}, ${window} window: needs the full spectrum`);
        return;
      }
      const s = seriesNamed(p, `level_ratio_${window}`);
      const r = column(s, 'r').values;
      const P = column(s, 'P').values;
      // Bin centres on [0, rMax]: the last edge is the last centre plus half a bin.
      if (r.length > 1) rMax = Math.max(rMax, r[r.length - 1] + (r[1] - r[0]) / 2);
      const mean = p.summary.meanRatio?.[window];
      const label = `${p.name}: ${meanRatioText(finiteOr(mean?.value), finiteOr(mean?.error))}`;
      for (const k of plottableRows(r, P, 'linear', 'linear')) tallest = Math.max(tallest, P[k]);
      traces.push({ id: `level-ratio-${window}-${i}`, label, group: p.name, role: 'data', style: 'line+points', colour: projectColour(i), points: pointsAt(plottableRows(r, P, 'linear', 'linear'), r, P) });
    });
    const summary = projects[0].summary.meanRatio;
    traces.push({ id: `level-ratio-${window}-goe`, label: `GOE (Eq. 18): ${meanRatioText(finiteOr(summary?.goe, 0.5307))}`, group: 'reference', role: 'reference', style: 'line', colour: INK, strokeWidth: 1.4, points: ratioCurve(atasSurmise, rMax || 4) });
    traces.push({ id: `level-ratio-${window}-poisson`, label: `Poisson: ${meanRatioText(finiteOr(summary?.poisson, 2 * Math.LN2 - 1))}`, group: 'reference', role: 'reference', style: 'line', colour: MUTED, dash: DASH.alternative, strokeWidth: 1.4, points: ratioCurve(poissonRatioDensity, rMax || 4) });
    const count = summary?.windows?.[window]?.count;
    return makePanel({
      id: `level-ratio-${window}`,
      title: `${window[0].toUpperCase()}${window.slice(1)} ${count ?? ''} levels`.replace('  ', ' '),
      x: { quantity: 'r', label: 'r', unit: '1', scale: 'linear', domain: [0, rMax || 4] },
      y: { quantity: 'P', label: 'P(r)', unit: '1', scale: 'linear', includeZero: true },
      traces,
      size: NARROW_PANEL_SIZE,
      // Head room for the legend above the histograms.
      yExtent: [tallest * (1.2 + 0.08 * projects.length)],
    });
  });
  return { kind: 'level-ratio', title: 'Level-spacing ratios', panels, notes };
}

const STRESS_PANELS = [
  { series: 'stress_offdiagonal', slope: 'offDiagonal', title: 'Off-diagonal |σᵅᵝ|, α ≠ β (Fig. 3)' },
  { series: 'stress_radial', slope: 'radial', title: 'Radial σ = |r φ′(r)| (Eq. 90)' },
] as const;

/**
 * P(σ) of |off-diagonal σ^αβ| and of |r φ'(r)| on log–log axes, each with the fitted low-σ line
 * (P_fit, inside the fit window) and the predicted slope −1 + 1/m (Eq. 11) through the middle of it.
 * Only the resolved range is drawn, the 12 decades below the largest σ (STRESS_RESOLVED_DECADES in
 * engine/analysis/stress.ts: with m = ∞ the data reach 10⁻³⁰⁰); the binning is stated in the notes.
 */
export function stressFigure(projects: AnalysisData[]): FigureModel {
  if (projects.length === 0) throw new FigureDataError('the stress figure needs at least one analysed project');
  const notes: string[] = [];
  const panels = STRESS_PANELS.map(({ series, slope, title }) => {
    const cols = projects.map((p) => {
      const s = seriesNamed(p, series);
      return { sigma: column(s, 'sigma'), P: column(s, 'P'), fit: column(s, 'P_fit') };
    });
    const xUnit = sameUnit(cols.map((c) => c.sigma), 'stresses', projects);
    const yUnit = sameUnit(cols.map((c) => c.P), 'stress distributions', projects);
    const traces: Trace[] = [];
    const predictions = new Map<number, Trace>();
    projects.forEach((p, i) => {
      const { sigma, P, fit } = cols[i];
      const colour = projectColour(i);
      const populated = plottableRows(sigma.values, P.values, 'log', 'log');
      const largest = populated.reduce((m, k) => Math.max(m, sigma.values[k]), 0);
      const floor = resolvedStressFloor(largest);
      const resolved = (rows: number[]) => rows.filter((k) => sigma.values[k] >= floor);
      const dropped = populated.length - resolved(populated).length;
      const decades = populated.length >= 2 ? Math.log10(sigma.values[populated[populated.length - 1]] / sigma.values[populated[0]]) : 0;
      notes.push(`${p.name}, ${series.replace('stress_', '')}: ${sigma.values.length} logarithmic bins over the data (${formatNumber(decades, 3)} decades, analysis/${series}.csv); drawn: σ ≥ ${formatNumber(floor, 2)}, the ${STRESS_RESOLVED_DECADES} decades below the largest${dropped > 0 ? ` (${dropped} populated bins below are left out of the figure, kept in the CSV)` : ''}`);
      traces.push({ id: `${series}-${i}`, label: p.name, group: p.name, role: 'data', style: 'points', colour, points: pointsAt(resolved(populated), sigma.values, P.values) });
      const measured = p.summary.stressSlope?.[slope];
      const fitRows = resolved(plottableRows(sigma.values, fit.values, 'log', 'log'));
      const window = [finiteOr(measured?.window?.[0]), finiteOr(measured?.window?.[1])];
      let anchor: { x: number; y: number } | null = null;
      if (fitRows.length >= 2 && Number.isFinite(finiteOr(measured?.value))) {
        traces.push({ id: `${series}-fit-${i}`, label: `fit slope ${formatNumber(finiteOr(measured?.value))}${Number.isFinite(finiteOr(measured?.error)) ? ` ± ${formatNumber(finiteOr(measured?.error), 2)}` : ''}`, group: p.name, role: 'fit', style: 'line', colour, strokeWidth: 2.2, points: pointsAt(fitRows, sigma.values, fit.values) });
        const middle = fitRows[Math.floor(fitRows.length / 2)];
        anchor = { x: sigma.values[middle], y: fit.values[middle] };
      } else {
        notes.push(`${p.name}: too few counts in the low-σ window of ${series.replace('stress_', '')} stresses for a slope fit`);
        const data = resolved(populated).filter((k) => sigma.values[k] <= window[1]);
        if (data.length) anchor = { x: sigma.values[data[data.length - 1]], y: P.values[data[data.length - 1]] };
      }
      const predicted = finiteOr(p.summary.stressSlope?.predicted);
      if (anchor && Number.isFinite(predicted) && !predictions.has(predicted) && window.every(Number.isFinite)) {
        const m = p.summary.potential === 'lj' ? '1 (minimum)' : taperText(p);
        predictions.set(predicted, { id: `${series}-prediction-${predictions.size}`, label: `predicted −1 + 1/m = ${formatNumber(predicted)} (m = ${m})`, group: p.name, role: 'prediction', style: 'line', colour: INK, dash: DASH.prediction, strokeWidth: 1.4, points: powerLawSegment(predicted, anchor, window[0], window[1]) });
      }
    });
    return makePanel({
      id: series,
      title,
      x: { quantity: 'sigma', label: 'σ', unit: xUnit, scale: 'log' },
      y: { quantity: 'P', label: 'P(σ)', unit: yUnit, scale: 'log' },
      traces: [...traces, ...predictions.values()],
      legend: 'bottom-left',
    });
  });
  return { kind: 'stress', title: 'Local stresses', panels, notes };
}
