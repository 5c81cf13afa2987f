/**
 * The per-mode type-II contrast that was validated (docs/REPRODUCTION.md "Which per-mode indicator
 * separates the classes"): localisation at a given frequency. The few low modes of a stable glass
 * (low T*) below its phonon band are quasi-localised (small participation ratio, docs/PHYSICS.md:
 * PR = (Σ|e_i|²)² / (N Σ|e_i|⁴); the paper's "quasi-localized" modes of Laird and Schober), while
 * the modes of a marginal T* = ∞ glass at the same ω are extended. Compared at matched ω, because PR falls with ω in either class and the two
 * classes' lowest modes sit at different frequencies (comparing "the lowest k modes" mixes in the
 * first plane waves of the stable glass and does not separate: same section).
 *
 * Separation is the AUC of the two classes' PR in the window (Mann–Whitney; 0.5 none, 0 complete
 * with the test class below), with a 95 % bootstrap interval over samples (resample each
 * ensemble's samples with replacement, keep the window). A contrast, not a label: it says the test
 * ensemble's low modes are more localised than extended modes at the same frequency, not that they
 * are vortices. This is the ensemble form; the per-mode form (one mode's PR ranked among the
 * reference modes near its ω) is modeIndicators.ts localisationContrast.
 */
import { nonZeroSpectrum } from '../spectrum/zeroModes';
import { participationRatios } from '../spectrum/participation';
import { createRng, uniformInt } from '../random';
import { sortedQuantile } from './histogram';
import { separationAuc } from './modeIndicators';

/** The stored non-zero modes of one sample: ω and PR, in the stored order. */
export interface SampleModes {
  /** Row of each in the stored modes (modes.npy). */
  index: Int32Array;
  omega: Float64Array;
  participation: Float64Array;
}

/**
 * ω and participation ratio of every stored mode of a sample that is not a zero mode
 * (identifyZeroModes, the project's one rule, through nonZeroSpectrum). Empty without stored modes.
 */
export function storedNonZeroModes(eigenvalues: Float64Array, modes: Float64Array | null | undefined, dim: number, particles: number): SampleModes {
  if (!modes || modes.length === 0) return { index: new Int32Array(0), omega: new Float64Array(0), participation: new Float64Array(0) };
  const dn = dim * particles;
  const zero = new Set(nonZeroSpectrum(eigenvalues, dim, modes, particles).zeroModes);
  const pr = participationRatios(modes, dim, dn);
  const index: number[] = [];
  const omega: number[] = [];
  const participation: number[] = [];
  for (let m = 0; m < pr.length; m++) {
    if (zero.has(m)) continue;
    index.push(m);
    omega.push(Math.sqrt(Math.max(0, eigenvalues[m])));
    participation.push(pr[m]);
  }
  return { index: Int32Array.from(index), omega: Float64Array.from(omega), participation: Float64Array.from(participation) };
}

export interface EnsembleLocalisationContrast {
  /** The frequency window [0, ω_w]: ω_w is where the test ensemble has `modesPerSample` modes per sample on average. */
  window: [number, number];
  modesPerSample: number;
  reference: { samples: number; modes: number; medianParticipation: number };
  test: { samples: number; modes: number; medianParticipation: number };
  /** P(PR_test > PR_ref) + ½ P(=) over the modes in the window; < 0.5: the test modes are more localised. */
  auc: number;
  /** 95 % bootstrap interval over samples. */
  low: number;
  high: number;
  resamples: number;
  /** The interval excludes 0.5: the classes differ measurably at this scale. */
  separated: boolean;
}

export interface ContrastOptions {
  /** Test-ensemble modes per sample that set the window (default 2). */
  modesPerSample?: number;
  resamples?: number;
  seed?: number;
}

function inWindow(samples: SampleModes[], high: number): Float64Array {
  const out: number[] = [];
  for (const s of samples) for (let k = 0; k < s.omega.length; k++) if (s.omega[k] <= high) out.push(s.participation[k]);
  return Float64Array.from(out);
}

function median(values: Float64Array): number {
  return values.length ? sortedQuantile(Float64Array.from(values).sort(), 0.5) : Number.NaN;
}

/**
 * Localisation of the test ensemble's low modes against the reference ensemble's modes at the
 * same frequencies (module comment). Null when either ensemble has no stored mode in the window.
 */
export function ensembleLocalisationContrast(reference: SampleModes[], test: SampleModes[], options: ContrastOptions = {}): EnsembleLocalisationContrast | null {
  const perSample = options.modesPerSample ?? 2;
  const resamples = options.resamples ?? 1000;
  if (!(perSample > 0)) throw new RangeError(`modesPerSample must be > 0, got ${perSample}`);
  const pooled = Float64Array.from(test.flatMap((s) => Array.from(s.omega))).sort();
  if (pooled.length === 0 || reference.length === 0) return null;
  const rank = Math.min(pooled.length, Math.max(1, Math.round(perSample * test.length)));
  const high = pooled[rank - 1];
  const a = inWindow(reference, high);
  const b = inWindow(test, high);
  if (a.length === 0 || b.length === 0) return null;
  const auc = separationAuc(a, b);
  const rng = createRng(options.seed ?? 1);
  const boot: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const ra = inWindow(Array.from(reference, () => reference[uniformInt(rng, reference.length)]), high);
    const rb = inWindow(Array.from(test, () => test[uniformInt(rng, test.length)]), high);
    const v = separationAuc(ra, rb);
    if (Number.isFinite(v)) boot.push(v);
  }
  boot.sort((x, y) => x - y);
  const low = boot.length ? sortedQuantile(boot, 0.025) : Number.NaN;
  const highCi = boot.length ? sortedQuantile(boot, 0.975) : Number.NaN;
  return {
    window: [0, high],
    modesPerSample: perSample,
    reference: { samples: reference.length, modes: a.length, medianParticipation: median(a) },
    test: { samples: test.length, modes: b.length, medianParticipation: median(b) },
    auc,
    low,
    high: highCi,
    resamples: boot.length,
    separated: highCi < 0.5 || low > 0.5,
  };
}
