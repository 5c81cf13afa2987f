/**
 * The products of an ensemble analysis: the plotted series that `glassmodes analyze` writes to
 * analysis/<name>.csv and the app and `glassmodes figure` draw — their names, descriptions, column
 * names and units (docs/OBSERVABLES.md) — made from the numbers of engine/analysis/ensemble.ts.
 * No statistic is computed here.
 */
import { ensembleStatistics, type AnalysisOptions, type AnalysisProgress, type AnalysisSummary, type EnsembleStatistics, type SampleInput } from '../analysis/ensemble';
import { makeSeries, UNITS, type Series } from '../series';

export interface EnsembleAnalysis {
  series: Series[];
  summary: AnalysisSummary;
}

/** The series of an ensemble's statistics, in the order analysis/ lists them. */
export function ensembleSeries({ summary, curves }: EnsembleStatistics): Series[] {
  const d = summary.dim;
  const exactBelow = summary.partialSpectrumBelow;
  const series: Series[] = [];
  if (curves.dosLinear) {
    const c = curves.dosLinear;
    series.push(makeSeries('dos_linear', `DOS g(omega), linear bins, normalised over the non-zero modes, mean and standard error over the ${c.samples} samples with a full spectrum`, [
      ['omega', UNITS.frequency, c.omega],
      ['g', UNITS.dos, c.g],
      ['g_error', UNITS.dos, c.error],
    ]));
  }
  const lg = curves.dosLog;
  series.push(makeSeries('dos_log', `DOS g(omega) on logarithmic bins and reduced DOS g/omega^${d - 1}; omega0 = ${summary.omega0}${exactBelow !== null ? `; up to omega = ${exactBelow} (partial spectra: the lowest modes only), normalised by the dN - d modes of each sample` : ''}`, [
    ['omega', UNITS.frequency, lg.omega],
    ['g', UNITS.dos, lg.g],
    ['g_error', UNITS.dos, lg.error],
    ['g_reduced', `a^${d}*(m/eps)^${d / 2}`, lg.reduced],
    ['g_reduced_error', `a^${d}*(m/eps)^${d / 2}`, lg.reducedError],
  ]));
  const F = curves.integratedDos;
  series.push(makeSeries('integrated_dos', `integrated DOS F(omega) (Eq. 19, no binning), normalised by the dN - d non-zero modes of each sample, mean and standard error over samples, at every pooled frequency${exactBelow !== null ? ` up to omega = ${exactBelow} (partial spectra)` : ''}`, [
    ['omega', UNITS.frequency, F.omega],
    ['F', UNITS.none, F.value],
    ['F_error', UNITS.none, F.error],
  ]));
  for (const { window, curve: h } of curves.levelRatios) {
    series.push(makeSeries(`level_ratio_${window}`, `distribution P(r) of level-spacing ratios, ${window} window; Atas GOE surmise (Eq. 18) and Poisson alongside; <r~> = ${summary.meanRatio[window].value}`, [
      ['r', UNITS.none, h.r],
      ['P', UNITS.none, h.density],
      ['count', UNITS.none, h.counts],
      ['P_goe', UNITS.none, h.goe],
      ['P_poisson', UNITS.none, h.poisson],
    ]));
  }
  const { offDiagonal: offSlope, radial: radSlope, predicted } = summary.stressSlope;
  const off = curves.stressOffDiagonal;
  series.push(makeSeries('stress_offdiagonal', `distribution of |sigma^ab|, a != b (Eqs. 86-88), log bins; fitted low-sigma slope ${offSlope.value} on [${offSlope.window}], predicted ${predicted}`, [
    ['sigma', UNITS.stress, off.sigma],
    ['P', UNITS.stressDensity, off.density],
    ['count', UNITS.none, off.counts],
    ['P_fit', UNITS.stressDensity, off.fit],
  ]));
  const rad = curves.stressRadial;
  series.push(makeSeries('stress_radial', `distribution of sigma = |r phi'(r)| (Eq. 90), log bins; fitted low-sigma slope ${radSlope.value} on [${radSlope.window}], predicted ${predicted}`, [
    ['sigma', UNITS.stress, rad.sigma],
    ['P', UNITS.stressDensity, rad.density],
    ['count', UNITS.none, rad.counts],
    ['P_fit', UNITS.stressDensity, rad.fit],
  ]));
  const { zeta, amplitude } = summary.ghet;
  series.push(makeSeries('ghet_type2', `GHET type-II DOS g(omega) = 2 omega A sigma^2 P(sigma) at sigma = omega^2 zeta (Eqs. 8, 85), zeta = ${zeta}, A = ${amplitude} matched to the measured DOS in the s window`, [
    ['omega', UNITS.frequency, curves.ghet.omega],
    ['g', UNITS.dos, curves.ghet.g],
    ['sigma', UNITS.stress, curves.ghet.sigma],
  ]));
  if (curves.modes) {
    series.push(makeSeries('modes', 'participation ratio (docs/PHYSICS.md §5) and rotational fraction sum|eta|^2/(sum|eta|^2 + sum|eps|^2) (Eqs. 52-54) of every stored non-zero mode', [
      ['omega', UNITS.frequency, curves.modes.omega],
      ['participation_ratio', UNITS.none, curves.modes.participation],
      ['rotational_fraction', UNITS.none, curves.modes.rotationalFraction],
    ]));
  }
  return series;
}

/** The analysis of an ensemble as analysis/ holds it: its statistics (engine/analysis) and their series. */
export function analyzeEnsemble(samples: SampleInput[], options: AnalysisOptions = {}, onProgress?: AnalysisProgress): EnsembleAnalysis {
  const statistics = ensembleStatistics(samples, options, onProgress);
  return { series: ensembleSeries(statistics), summary: statistics.summary };
}
