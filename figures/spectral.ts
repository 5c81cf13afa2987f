/**
 * Spectral figures from analysis/ (OBSERVABLES.md "Spectrum", "Modes"): the DOS on linear bins,
 * the reduced DOS on logarithmic bins, the integrated DOS with its low-frequency exponent, the
 * participation ratio of the stored modes, and one sample's modes for picking one to look at.
 * ω_0 (summary.omega0) is a vertical line on each.
 */
import type { AnalysisData, SampleSpectrum } from '../main/ipc/contract';
import { fitPowerLaw } from '../engine/linalg/fit';
import { UNITS } from '../engine/series';
import { column, finiteOr, plottableRows, sameUnit, seriesNamed, taperText, type Column } from './analysisData';
import { formatNumber, superscript } from './axes';
import { FigureDataError, type FigureModel, type Marker, type Trace } from './model';
import { makePanel, pointsAt, powerLawSegment } from './panels';
import { DASH, LIGHT, MUTED, WIDE_PANEL_SIZE, projectColour } from './style';
import { modeContrasts, type ReferenceModes } from './modeContrast';

/** ω_0 = 2π v_T/L of each project as a dashed vertical line in its colour (docs/PHYSICS.md §5). */
export function omega0Markers(projects: AnalysisData[]): Marker[] {
  return projects.flatMap((p, i): Marker[] => {
    const omega0 = finiteOr(p.summary.omega0);
    if (!Number.isFinite(omega0)) return [];
    return [{ value: omega0, text: 'ω₀', label: i === 0 ? `ω₀ = 2πv_T/L${projects.length > 1 ? ' (each project)' : ` = ${formatNumber(omega0)}`}` : '', group: p.name, colour: projectColour(i), dash: DASH.marker }];
  });
}

function columns(projects: AnalysisData[], seriesName: string, names: string[]): Column[][] {
  return projects.map((p) => {
    const s = seriesNamed(p, seriesName);
    return names.map((n) => column(s, n));
  });
}

function requireProjects(projects: AnalysisData[], what: string): void {
  if (projects.length === 0) throw new FigureDataError(`the ${what} figure needs at least one analysed project`);
}

/** g(ω) on linear bins (dos_linear), mean ± standard error over samples. */
export function dosFigure(projects: AnalysisData[]): FigureModel {
  requireProjects(projects, 'DOS');
  const cols = columns(projects, 'dos_linear', ['omega', 'g', 'g_error']);
  const xUnit = sameUnit(cols.map((c) => c[0]), 'frequencies', projects);
  const yUnit = sameUnit(cols.map((c) => c[1]), 'the DOS', projects);
  const traces = projects.map((p, i): Trace => {
    const [omega, g, error] = cols[i];
    const rows = plottableRows(omega.values, g.values, 'linear', 'linear');
    return { id: `dos-${i}`, label: p.name, group: p.name, role: 'data', style: 'line+points', errors: 'bars', colour: projectColour(i), points: pointsAt(rows, omega.values, g.values, error.values) };
  });
  const panel = makePanel({
    id: 'dos',
    title: 'Density of states (linear bins)',
    x: { quantity: 'omega', label: 'ω', unit: xUnit, scale: 'linear', includeZero: true },
    y: { quantity: 'g', label: 'g(ω)', unit: yUnit, scale: 'linear', includeZero: true },
    traces,
    markers: omega0Markers(projects),
  });
  return { kind: 'dos', title: 'DOS g(ω)', panels: [panel], notes: [] };
}

/** g(ω)/ω^(d−1) on logarithmic bins (dos_log: g_reduced). */
export function reducedDosFigure(projects: AnalysisData[]): FigureModel {
  requireProjects(projects, 'reduced DOS');
  const cols = columns(projects, 'dos_log', ['omega', 'g_reduced', 'g_reduced_error']);
  const xUnit = sameUnit(cols.map((c) => c[0]), 'frequencies', projects);
  const yUnit = sameUnit(cols.map((c) => c[1]), 'the reduced DOS', projects);
  const d = projects[0].summary.dim;
  const power = d - 1 === 1 ? '' : superscript(String(d - 1));
  const traces = projects.map((p, i): Trace => {
    const [omega, g, error] = cols[i];
    const rows = plottableRows(omega.values, g.values, 'log', 'linear');
    return { id: `reduced-dos-${i}`, label: p.name, group: p.name, role: 'data', style: 'line+points', errors: 'bars', colour: projectColour(i), points: pointsAt(rows, omega.values, g.values, error.values) };
  });
  const panel = makePanel({
    id: 'reduced-dos',
    title: `Reduced DOS g(ω)/ω${power} (logarithmic bins)`,
    x: { quantity: 'omega', label: 'ω', unit: xUnit, scale: 'log' },
    y: { quantity: 'g_reduced', label: `g(ω)/ω${power}`, unit: yUnit, scale: 'linear', includeZero: true },
    traces,
    markers: omega0Markers(projects),
  });
  return { kind: 'reduced-dos', title: 'Reduced DOS', panels: [panel], notes: [] };
}

/** The exponent of F ~ ω^(s+1) printed with its bootstrap interval. */
function exponentText(p: AnalysisData): string {
  const s = p.summary.s;
  const value = finiteOr(s.value);
  if (!Number.isFinite(value)) return 's not determined';
  const low = finiteOr(s.low);
  const high = finiteOr(s.high);
  return `s = ${formatNumber(value)}${Number.isFinite(low) && Number.isFinite(high) && (low !== value || high !== value) ? ` [${formatNumber(low)}, ${formatNumber(high)}]` : ''}`;
}

/**
 * F(ω) (Eq. 19, no binning) on log–log axes with the fitted ω^(s+1) over the fit window of
 * summary.s (the engine's least squares, fitPowerLaw, on the same points), and the predicted
 * slopes through the top of that window: ω³ (s = 2, type I) and ω^(4+2/m) (Table 1, type II).
 */
export function integratedDosFigure(projects: AnalysisData[]): FigureModel {
  requireProjects(projects, 'integrated DOS');
  const cols = columns(projects, 'integrated_dos', ['omega', 'F', 'F_error']);
  const xUnit = sameUnit(cols.map((c) => c[0]), 'frequencies', projects);
  const traces: Trace[] = [];
  const guides = new Map<number, Trace>();
  const notes: string[] = [];
  projects.forEach((p, i) => {
    const [omega, F, error] = cols[i];
    const rows = plottableRows(omega.values, F.values, 'log', 'log');
    const colour = projectColour(i);
    traces.push({ id: `idos-${i}`, label: p.name, group: p.name, role: 'data', style: 'line', errors: 'band', colour, points: pointsAt(rows, omega.values, F.values, error.values) });
    if (rows.length === 0) return;
    const [lo, hi] = [finiteOr(p.summary.s.window?.[0]), finiteOr(p.summary.s.window?.[1])];
    const inside = rows.filter((k) => omega.values[k] >= lo && omega.values[k] <= hi);
    const fit = inside.length >= 2 ? fitPowerLaw(inside.map((k) => omega.values[k]), inside.map((k) => F.values[k])) : null;
    let anchor = { x: omega.values[rows[0]], y: F.values[rows[0]] };
    if (fit && Number.isFinite(fit.slope)) {
      const line = (w: number) => fit.prefactor * w ** fit.slope;
      traces.push({ id: `idos-fit-${i}`, label: `fit F ∝ ω⁽ˢ⁺¹⁾, ${exponentText(p)}`, group: p.name, role: 'fit', style: 'line', colour, strokeWidth: 2.2, points: [{ x: lo, y: line(lo) }, { x: hi, y: line(hi) }] });
      anchor = { x: hi, y: line(hi) };
    } else {
      notes.push(`${p.name}: too few frequencies in the fit window to draw the fitted ω⁽ˢ⁺¹⁾`);
      const top = inside.length ? inside[inside.length - 1] : rows[0];
      anchor = { x: omega.values[top], y: F.values[top] };
    }
    const lowest = omega.values[rows[0]];
    const typeTwo = finiteOr(p.summary.tableOne?.integratedDos);
    const predictions: [number, string, string, string][] = [
      [3, `ω³ (s = 2, type I)`, MUTED, DASH.alternative],
      [typeTwo, `ω${superscript(formatNumber(typeTwo))} (Table 1, m = ${p.summary.potential === 'lj' ? '1, minimum' : taperText(p)}: type II)`, colour, DASH.prediction],
    ];
    for (const [exponent, label, stroke, dash] of predictions) {
      if (!Number.isFinite(exponent) || guides.has(exponent)) continue;
      guides.set(exponent, { id: `idos-prediction-${guides.size}`, label, group: p.name, role: 'prediction', style: 'line', colour: stroke, dash, points: powerLawSegment(exponent, anchor, Math.min(lowest, anchor.x / 2), anchor.x) });
    }
  });
  const panel = makePanel({
    id: 'idos',
    title: 'Integrated DOS F(ω) (Eq. 19)',
    x: { quantity: 'omega', label: 'ω', unit: xUnit, scale: 'log' },
    y: { quantity: 'F', label: 'F(ω)', unit: cols[0][1].unit, scale: 'log' },
    traces: [...traces, ...guides.values()],
    markers: omega0Markers(projects),
    legend: 'top-left',
  });
  return { kind: 'idos', title: 'Integrated DOS', panels: [panel], notes };
}

/** Participation ratio of every stored non-zero mode (the modes series) against ω. */
export function participationFigure(projects: AnalysisData[]): FigureModel {
  requireProjects(projects, 'participation-ratio');
  for (const p of projects) {
    if (!p.series.some((s) => s.name === 'modes')) throw new FigureDataError(`${p.name}: analysis/ has no modes.csv: the project stores no eigenvectors (create it with --modes K > 0)`);
  }
  const cols = columns(projects, 'modes', ['omega', 'participation_ratio']);
  const xUnit = sameUnit(cols.map((c) => c[0]), 'frequencies', projects);
  const traces = projects.map((p, i): Trace => {
    const [omega, pr] = cols[i];
    const rows = plottableRows(omega.values, pr.values, 'linear', 'log');
    return { id: `pr-${i}`, label: p.name, group: p.name, role: 'data', style: 'points', colour: projectColour(i), points: pointsAt(rows, omega.values, pr.values) };
  });
  const panel = makePanel({
    id: 'pr',
    title: 'Participation ratio of the stored modes',
    x: { quantity: 'omega', label: 'ω', unit: xUnit, scale: 'linear', includeZero: true },
    y: { quantity: 'participation_ratio', label: 'PR', unit: cols[0][1].unit, scale: 'log' },
    traces,
    markers: omega0Markers(projects),
    // PR ≤ 1: the axis reaches 1, and the legend sits above the modes.
    yExtent: [1],
  });
  return { kind: 'pr', title: 'Participation ratio', panels: [panel], notes: [] };
}

/**
 * One sample's modes, PR against ω: the stored modes (eigenvectors in modes.npy) as clickable
 * points that carry their index, the others in grey; the translations left out. With a reference
 * (the stored modes of a T* = ∞ project of the same model, modeContrast.ts), the stored modes are
 * coloured by the validated indicator: localised against the reference at the same ω, extended-like,
 * or no reference modes at that ω (docs/REPRODUCTION.md, "Which per-mode indicator separates the classes").
 */
export function sampleModesFigure(spectrum: SampleSpectrum, projectName: string, reference?: ReferenceModes): FigureModel {
  const zero = new Set(spectrum.zeroModes);
  const stored: Trace = { id: 'sample-modes-stored', label: `${spectrum.sampleId}: stored modes (click to open)`, group: projectName, role: 'data', style: 'points', colour: projectColour(0), points: [], clickable: true };
  const localised: Trace = { id: 'sample-modes-localised', label: `localised vs ${reference?.name} at this ω (click to open)`, group: projectName, role: 'data', style: 'points', colour: projectColour(1), points: [], clickable: true };
  const unjudged: Trace = { id: 'sample-modes-unjudged', label: `no ${reference?.name} modes at this ω (click to open)`, group: projectName, role: 'data', style: 'points', colour: MUTED, points: [], clickable: true };
  if (reference) stored.label = `extended-like vs ${reference.name} at this ω (click to open)`;
  const rest: Trace = { id: 'sample-modes-other', label: `${spectrum.sampleId}: other modes (no eigenvector stored)`, group: projectName, role: 'data', style: 'points', colour: LIGHT, points: [] };
  const contrasts = reference ? modeContrasts(spectrum, reference) : [];
  spectrum.frequencies.forEach((omega, k) => {
    const pr = spectrum.participation[k];
    if (zero.has(k) || omega === null || !(omega > 0) || !(pr > 0)) return;
    const rf = k < spectrum.rotationalFraction.length ? spectrum.rotationalFraction[k] : null;
    const c = contrasts[k];
    const versus = c ? (c.localised === null ? `; only ${c.referenceModes} ${reference!.name} modes within ±10 % of this ω` : `; ${formatNumber(100 * c.rank, 2)} % of ${c.referenceModes} ${reference!.name} modes at this ω have a lower PR`) : '';
    const title = `mode ${k}: ω = ${formatNumber(omega, 4)}, PR = ${formatNumber(pr)}${versus}${rf !== null && rf !== undefined ? `, rotational fraction ${formatNumber(rf)} (not a type-II indicator)` : ''}`;
    const trace = k >= spectrum.storedModes ? rest : !c ? stored : c.localised === null ? unjudged : c.localised ? localised : stored;
    trace.points.push({ x: omega, y: pr, mode: k, title });
  });
  const markers: Marker[] = Number.isFinite(spectrum.omega0) ? [{ value: spectrum.omega0, text: 'ω₀', label: `ω₀ = ${formatNumber(spectrum.omega0)}`, group: projectName, colour: MUTED, dash: DASH.marker }] : [];
  const panel = makePanel({
    id: 'sample-modes',
    title: `Modes of ${spectrum.sampleId}: participation ratio`,
    x: { quantity: 'omega', label: 'ω', unit: UNITS.frequency, scale: 'linear', includeZero: true },
    y: { quantity: 'participation_ratio', label: 'PR', unit: UNITS.none, scale: 'log' },
    traces: reference ? [rest, unjudged, stored, localised] : [rest, stored],
    markers,
    yExtent: [1],
    size: WIDE_PANEL_SIZE,
  });
  const notes = reference
    ? [`Stored modes coloured by PR against the ${reference.name} (T* = ∞) modes within ±10 % of their ω: localised when under 5 % of those have a lower PR (docs/REPRODUCTION.md, "Which per-mode indicator separates the classes"). A contrast against extended modes at the same ω, not a proof of vortex character.`]
    : [];
  return { kind: 'sample-modes', title: `Modes of ${spectrum.sampleId}`, panels: [panel], notes };
}

/** The stored mode whose ω is nearest the given one (translations left out); null when none is stored. */
export function nearestStoredMode(spectrum: SampleSpectrum, omega: number): number | null {
  const zero = new Set(spectrum.zeroModes);
  let best: number | null = null;
  let distance = Infinity;
  for (let k = 0; k < Math.min(spectrum.storedModes, spectrum.frequencies.length); k++) {
    const w = spectrum.frequencies[k];
    if (zero.has(k) || w === null) continue;
    const d = Math.abs(w - omega);
    if (d < distance) {
      distance = d;
      best = k;
    }
  }
  return best;
}
