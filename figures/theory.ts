/**
 * Theory figures (docs/PHYSICS.md §6; OBSERVABLES.md "Theory"): HET-SCBA g(ω) and g(ω)/ω² with the boson peak
 * (and, in a finite box, the gap of Eq. 40) marked; the boson peak against γ/γ_c, which goes to
 * zero at the instability; and the GHET type-II curve from a project's measured P(σ) over its
 * measured low-frequency DOS. Every number comes from engine/theory.
 */
import type { AnalysisData } from '../main/ipc/contract';
import { matchAmplitude, typeTwoSpectrum } from '../engine/theory/ghet';
import { bandEdgeEstimate, bosonPeak, criticalDisorder, finiteBoxGap, frequencyGrid, hetSeries, hetSpectrum, type HetParameters } from '../engine/theory/het';
import { column, finiteOr, plottableRows, sameUnit, seriesNamed } from './analysisData';
import { formatNumber } from './axes';
import { FigureDataError, type FigureModel, type Marker, type Trace, type TracePoint } from './model';
import { makePanel, pointsAt } from './panels';
import { omega0Markers } from './spectral';
import { DASH, INK, MUTED, projectColour } from './style';

export interface HetFigureOptions {
  /** Disorder γ = ⟨ΔG²⟩/G_0² (Eq. 32). */
  gamma: number;
  /** K/G_0. */
  bulk: number;
  /** Box side L k_ξ for the finite-box theory; null or absent for the continuum. */
  box?: number | null;
  /** Frequencies on the curve (default 400). */
  points?: number;
}

/** Refuses parameters the theory does not take, in the words of the CLI's `theory` command. */
export function checkHetOptions(o: HetFigureOptions): void {
  if (!(Number.isFinite(o.gamma) && o.gamma >= 0)) throw new FigureDataError(`γ (--gamma) must be a number ≥ 0, got ${o.gamma}`);
  if (!(Number.isFinite(o.bulk) && o.bulk > 0)) throw new FigureDataError(`K/G₀ (--bulk) must be positive, got ${o.bulk}`);
  if (o.box !== undefined && o.box !== null && !(o.box > 2 * Math.PI)) throw new FigureDataError(`the box side L k_ξ (--box) must exceed 2π (got ${o.box}): otherwise no wavevector 2πn/L lies inside |k| ≤ k_ξ`);
}

function hetParameters(o: HetFigureOptions): HetParameters {
  return { gamma: o.gamma, bulk: o.bulk, box: o.box ?? null };
}

function hetLabel(o: HetFigureOptions): string {
  return `HET-SCBA, γ = ${formatNumber(o.gamma)}, K/G₀ = ${formatNumber(o.bulk)}${o.box ? `, L k_ξ = ${formatNumber(o.box)}` : ''}`;
}

/** What the HET curves say besides the curves: γ_c, the boson peak, the finite-box gap. */
export interface HetFacts {
  gammaC: number;
  stable: boolean;
  bosonPeak: { omega: number; reduced: number } | null;
  gap: { lambdaC: number; omegaC: number } | null;
}

export function hetFacts(o: HetFigureOptions): HetFacts {
  checkHetOptions(o);
  const p = hetParameters(o);
  const gammaC = criticalDisorder(o.bulk, o.box ?? null);
  const gap = o.box ? finiteBoxGap(p) : null;
  return {
    gammaC,
    stable: o.gamma < gammaC,
    bosonPeak: bosonPeak(p),
    gap: gap && gap.lambdaC !== null && gap.omegaC !== null ? { lambdaC: gap.lambdaC, omegaC: gap.omegaC } : null,
  };
}

/** HET-SCBA g(ω) (Eq. 35) and g(ω)/ω², the boson peak and (finite box) the gap ω_c = √λ_c marked. */
export function hetFigure(o: HetFigureOptions): FigureModel {
  const facts = hetFacts(o);
  const p = hetParameters(o);
  const omegas = frequencyGrid(bandEdgeEstimate(p), o.points ?? 400);
  const series = hetSeries(hetSpectrum(p, omegas), p);
  const get = (name: string) => {
    const k = series.columns.findIndex((c) => c.name === name);
    return { unit: series.columns[k].unit, values: Array.from(series.data[k]) };
  };
  const omega = get('omega');
  const g = get('g');
  const reduced = get('g_over_omega2');
  const group = hetLabel(o);
  const markers: Marker[] = [];
  if (facts.bosonPeak) markers.push({ value: facts.bosonPeak.omega, text: 'ω_BP', label: `boson peak ω_BP = ${formatNumber(facts.bosonPeak.omega)}`, group, colour: MUTED, dash: DASH.marker });
  if (facts.gap) markers.push({ value: facts.gap.omegaC, text: 'ω_c', label: `gap ω_c = √λ_c = ${formatNumber(facts.gap.omegaC)} (Eq. 40)`, group, colour: projectColour(1), dash: DASH.alternative });
  const curve = (values: number[], id: string): Trace => ({ id, label: group, group, role: 'theory', style: 'line', colour: INK, strokeWidth: 1.6, points: pointsAt(plottableRows(omega.values, values, 'linear', 'linear'), omega.values, values) });
  const notes = [`γ_c = ${formatNumber(facts.gammaC, 5)}${facts.stable ? '' : ': γ ≥ γ_c, beyond the instability (Σ(0) is complex)'}`];
  if (o.box && !facts.gap) notes.push('no gap edge below the first lattice phonon line');
  const panels = [
    makePanel({ id: 'het-g', title: 'HET-SCBA DOS g(ω) (Eq. 35)', x: { quantity: 'omega', label: 'ω', unit: omega.unit, scale: 'linear', includeZero: true }, y: { quantity: 'g', label: 'g(ω)', unit: g.unit, scale: 'linear', includeZero: true }, traces: [curve(g.values, 'het-g')], markers }),
    makePanel({ id: 'het-reduced', title: 'Reduced DOS g(ω)/ω² (boson peak)', x: { quantity: 'omega', label: 'ω', unit: omega.unit, scale: 'linear', includeZero: true }, y: { quantity: 'g_over_omega2', label: 'g(ω)/ω²', unit: reduced.unit, scale: 'linear', includeZero: true }, traces: [curve(reduced.values, 'het-reduced')], markers }),
  ];
  return { kind: 'het', title: group, panels, notes };
}

/** Fractions of γ_c at which the boson-peak curve is evaluated; dense towards the instability. */
export const BOSON_PEAK_FRACTIONS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

/** The boson peak ω_BP (maximum of g/ω²) against γ/γ_c at fixed K/G₀: it moves to zero as γ → γ_c. */
export function bosonPeakFigure(o: HetFigureOptions): FigureModel {
  checkHetOptions(o);
  const gammaC = criticalDisorder(o.bulk, o.box ?? null);
  const points: TracePoint[] = [];
  for (const f of BOSON_PEAK_FRACTIONS) {
    const peak = bosonPeak({ gamma: f * gammaC, bulk: o.bulk, box: o.box ?? null });
    if (peak) points.push({ x: f, y: peak.omega });
  }
  const group = `HET-SCBA, K/G₀ = ${formatNumber(o.bulk)}${o.box ? `, L k_ξ = ${formatNumber(o.box)}` : ''}`;
  const markers: Marker[] = o.gamma > 0 ? [{ value: o.gamma / gammaC, text: 'γ', label: `γ = ${formatNumber(o.gamma)} (γ/γ_c = ${formatNumber(o.gamma / gammaC)})`, group, colour: projectColour(1), dash: DASH.marker }] : [];
  const panel = makePanel({
    id: 'boson-peak',
    title: `Boson peak against disorder (γ_c = ${formatNumber(gammaC, 4)})`,
    x: { quantity: 'gamma_over_gamma_c', label: 'γ/γ_c', unit: '1', scale: 'linear', domain: [0, 1] },
    y: { quantity: 'omega_bp', label: 'ω_BP', unit: '1', scale: 'linear', includeZero: true },
    traces: [{ id: 'boson-peak', label: group, group, role: 'theory', style: 'line+points', colour: INK, points }],
    markers,
    legend: 'bottom-left',
  });
  return { kind: 'boson-peak', title: 'Boson peak against γ/γ_c', panels: [panel], notes: [`γ_c = ${formatNumber(gammaC, 5)}`] };
}

export interface GhetFigureOptions {
  /** ζ of σ = λζ; absent: the curve analysis/ holds (ghet_type2, ζ of summary.ghet). */
  zeta?: number;
}

/**
 * The GHET type-II curve (Eqs. 8, 85) over the measured low-frequency DOS (dos_log) on log–log
 * axes. At the analysis's ζ it is ghet_type2 as written; at another ζ it is recomputed from the
 * measured off-diagonal P(σ) (stress_offdiagonal) by the engine's typeTwoSpectrum and matched
 * to the DOS in the s window by matchAmplitude, as the analysis does.
 */
export function ghetFigure(projects: AnalysisData[], options: GhetFigureOptions = {}): FigureModel {
  if (projects.length === 0) throw new FigureDataError('the GHET figure needs at least one analysed project');
  if (options.zeta !== undefined && !(options.zeta > 0)) throw new FigureDataError(`ζ must be positive, got ${options.zeta}`);
  const dos = projects.map((p) => {
    const s = seriesNamed(p, 'dos_log');
    return { omega: column(s, 'omega'), g: column(s, 'g'), error: column(s, 'g_error') };
  });
  const xUnit = sameUnit(dos.map((d) => d.omega), 'frequencies', projects);
  const yUnit = sameUnit(dos.map((d) => d.g), 'the DOS', projects);
  const traces: Trace[] = [];
  const notes: string[] = [];
  projects.forEach((p, i) => {
    const { omega, g, error } = dos[i];
    const colour = projectColour(i);
    const rows = plottableRows(omega.values, g.values, 'log', 'log');
    traces.push({ id: `ghet-dos-${i}`, label: `${p.name}: measured g(ω)`, group: p.name, role: 'data', style: 'points', errors: 'bars', colour, points: pointsAt(rows, omega.values, g.values, error.values) });
    if (rows.length === 0) return;
    const lowest = omega.values[rows[0]];
    const highest = omega.values[rows[rows.length - 1]];
    const curve = typeTwoCurve(p, options.zeta, omega.values, g.values);
    if (!Number.isFinite(curve.amplitude)) notes.push(`${p.name}: the GHET curve and the measured DOS do not overlap in the s window; amplitude not matched (A = 1)`);
    const keep = curve.omega.map((_, k) => k).filter((k) => curve.omega[k] >= lowest / 2 && curve.omega[k] <= highest);
    traces.push({ id: `ghet-curve-${i}`, label: `GHET type II (Eqs. 8, 85), ζ = ${formatNumber(curve.zeta)}, A = ${formatNumber(curve.amplitude)}`, group: p.name, role: 'theory', style: 'line', colour, dash: DASH.alternative, strokeWidth: 1.8, points: pointsAt(keep, curve.omega, curve.g) });
  });
  const panel = makePanel({
    id: 'ghet',
    title: 'Type-II DOS from the measured P(σ) (GHET)',
    x: { quantity: 'omega', label: 'ω', unit: xUnit, scale: 'log' },
    y: { quantity: 'g', label: 'g(ω)', unit: yUnit, scale: 'log' },
    traces,
    markers: omega0Markers(projects),
    legend: 'bottom-right',
  });
  return { kind: 'ghet', title: 'GHET type-II contribution', panels: [panel], notes };
}

function typeTwoCurve(p: AnalysisData, zeta: number | undefined, dosOmega: number[], dosG: number[]): { omega: number[]; g: number[]; zeta: number; amplitude: number } {
  const written = finiteOr(p.summary.ghet?.zeta, 1);
  if (zeta === undefined || zeta === written) {
    const s = seriesNamed(p, 'ghet_type2');
    return { omega: column(s, 'omega').values, g: column(s, 'g').values, zeta: written, amplitude: finiteOr(p.summary.ghet?.amplitude) };
  }
  const stress = seriesNamed(p, 'stress_offdiagonal');
  const sigma = column(stress, 'sigma').values;
  const density = column(stress, 'P').values;
  const window: [number, number] = [finiteOr(p.summary.s.window?.[0]), finiteOr(p.summary.s.window?.[1])];
  const amplitude = matchAmplitude(typeTwoSpectrum(sigma, density, zeta, 1), dosOmega, dosG, window);
  const curve = typeTwoSpectrum(sigma, density, zeta, Number.isFinite(amplitude) ? amplitude : 1);
  return { omega: Array.from(curve.omega), g: Array.from(curve.g), zeta, amplitude };
}
