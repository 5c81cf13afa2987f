/**
 * The ensembles of `glassmodes reproduce` (issue 10, item 2) as data: which project folders a
 * reproduction of the paper's Figs. 2–4 needs, with the full settings of each, at two scales.
 * Pure: no files, no clocks; engine/io/reproduceRun.ts creates and runs what this returns.
 *
 *   - tapers m = 2 and m = ∞ (IPL-12), at T* = ∞ and at every rung of the parental-temperature
 *     ladder (Fig. 4 A/B, s(T*), E_IS/N(T*));
 *   - the tapered Lennard-Jones potential (m = 2) at the lowest rung only, for the s = 5 prediction
 *     of a potential with a minimum (Table 1);
 *   - small full-spectrum projects for the Fig. 2 ensembles (T* = ∞ and the lowest rung, m = 2 and
 *     ∞), because the level-spacing windows (middle and highest 50 modes) need every eigenvalue while
 *     the ladder's projects compute the lowest K = 50 modes only at the paper's scale.
 */
import type { Taper, Temperature } from '../model/settings';

/**
 * T_d of this model (3D, ρ = 1, IPL-12, m = 2, N = 1000), measured here (issue 10 item 1;
 * docs/REPRODUCTION.md "T_d"): the mode-coupling fit τ_α = A (T − T_d)^(−γ) of the swap-free τ_α(T)
 * of F_s averaged over four compositions (`glassmodes relaxation` at T = 0.3 … 0.18, 10⁵ sweeps,
 * scripts/relaxation-seeds.ts): 0.130 (γ = 3.28). low/high: the 95 % bootstrap interval over the
 * compositions (400 resamples; 17 % of them do not locate T_d): bounded above, hardly below —
 * composition scatters τ_α by 2–3× at N = 1000.
 */
export const MEASURED_TD = Object.freeze({ value: 0.13, low: 0.008, high: 0.155, seeds: 4 });

/**
 * The parental-temperature ladder (T*, descending), chosen from the measured T_d: six values from
 * T* = 0.5 (a liquid that relaxes within ~10² swap sweeps) down to ≈ T_d, closer together near
 * T_d where s(T*) and E_IS/N(T*) change fastest. The lowest rung, 0.14, is the paper's "T* near
 * T_d" (just above the fitted 0.130, where the swap chains still equilibrate in ~10⁵ sweeps).
 */
export const LADDER: readonly number[] = Object.freeze([0.5, 0.3, 0.22, 0.18, 0.16, 0.14]);

/**
 * Swap-MC τ_α in sweeps (N = 1000, m = 2, p_swap = 0.2, δ auto; F_s(k = 2π) of one chain's
 * production, chain.json `tauAlpha`), measured here on 2026-12-02 (docs/REPRODUCTION.md "Swap τ_α").
 * The paper-scale schedule interpolates ln τ_α linearly in T between them (and holds the end
 * slopes beyond): equilibrate max(10⁴, 20 τ_α), a parent every 2 τ_α. Every chain still measures its
 * own τ_α and warns when sample-every < 2 τ_α (docs/PROJECT_FORMAT.md "Chains").
 */
export const SWAP_TAU_ALPHA: readonly (readonly [number, number])[] = Object.freeze([
  [0.3, 620],
  [0.25, 1030],
  [0.22, 1248],
  [0.2, 1407],
  [0.17, 2961],
  [0.15, 4888],
  [0.13, 7585],
] as const);

const SWAP_TAU_ALPHA_ASCENDING = [...SWAP_TAU_ALPHA].sort((a, b) => a[0] - b[0]);

/** ln τ_α(T) interpolated linearly in T through SWAP_TAU_ALPHA (extrapolated with the end segments' slopes). */
export function swapTauAlpha(temperature: number): number {
  const table = SWAP_TAU_ALPHA_ASCENDING;
  let k = 0;
  while (k < table.length - 2 && temperature > table[k + 1][0]) k++;
  const [t0, tau0] = table[k];
  const [t1, tau1] = table[k + 1];
  const slope = (Math.log(tau1) - Math.log(tau0)) / (t1 - t0);
  return Math.exp(Math.log(tau0) + slope * (temperature - t0));
}

export type ReproduceScale = 'quick' | 'paper';
/** What an ensemble is for in the report. */
export type EnsembleRole = 'ladder' | 'lj' | 'full-spectrum';

export interface PlannedEnsemble {
  /** Folder name inside the reproduction directory (also the project's name). */
  name: string;
  role: EnsembleRole;
  taper: Taper;
  potential: 'ipl' | 'lj';
  temperature: Temperature;
  /** One of the four Fig. 4 ensembles (T* = ∞ and the lowest rung, m = 2 and ∞, IPL). */
  figure4: boolean;
  /** Settings input for createProject (validateSettings fills nothing the plan cares about). */
  settings: {
    model: { dim: 2 | 3; particles: number; taper: Taper; potential: 'ipl' | 'lj' };
    sampling: {
      parentTemperature: Temperature;
      sweeps: number;
      chains: number;
      equilibrate: number;
      sampleEvery: number;
      maxDisplacement: number | 'auto';
      checkpointSeconds: number;
    };
    spectrum: { method: 'full' | 'lowest'; storedModes: number };
    samples: number;
    seed: number;
  };
}

export interface ReproducePlan {
  scale: ReproduceScale | 'tiny';
  ladder: number[];
  /** Where the ladder comes from, for the report (the measured T_d, or a test plan's own). */
  ladderNote: string;
  ensembles: PlannedEnsemble[];
  /** Figure-4 / other-rung / full-spectrum sample counts, for the report. */
  description: string;
}

/** Scale parameters: everything that differs between the quick and paper runs. */
export interface ScaleParameters {
  dim: 2 | 3;
  particles: number;
  /** Samples of the four Fig. 4 ensembles, of the other rungs, of the LJ ensemble and of each full-spectrum ensemble. */
  figure4Samples: number;
  rungSamples: number;
  ljSamples: number;
  fullSpectrumSamples: number;
  /** Spectrum of the ladder (and LJ) projects. */
  ladderSpectrum: { method: 'full' | 'lowest'; storedModes: number };
  /** Chains per ensemble for a given sample count. */
  chains: (samples: number) => number;
  /** Chain schedule (sweeps) at a rung. */
  schedule: (temperature: number) => { equilibrate: number; sampleEvery: number };
  ladder: readonly number[];
  /** Tapers of the ladder (the reproduction: 2 and ∞). */
  tapers: readonly Taper[];
  seed: number;
}

export const LOWEST_K = 50;


/** Paper scale (issue 10 item 2): N = 1000, 3D, ≥ 900 / ≥ 100 samples, lowest-K spectra plus full spectra for Fig. 2. */
export const PAPER_SCALE: ScaleParameters = {
  dim: 3,
  particles: 1000,
  figure4Samples: 900,
  rungSamples: 100,
  ljSamples: 100,
  fullSpectrumSamples: 100,
  ladderSpectrum: { method: 'lowest', storedModes: LOWEST_K },
  chains: (samples) => (samples >= 900 ? 30 : 10),
  schedule: (t) => ({ equilibrate: Math.max(10_000, Math.ceil(20 * swapTauAlpha(t) / 1000) * 1000), sampleEvery: Math.max(200, Math.ceil(2 * swapTauAlpha(t) / 100) * 100) }),
  ladder: LADDER,
  tapers: [2, 'inf'],
  seed: 2024,
};

/**
 * Quick scale: the same ladder, tapers and layout at N = 216 in 3D (dN = 648: full spectra cost
 * well under a second, so every project keeps all eigenvalues), with few samples and short chains,
 * sized by measurement to run in ≤ 15 min with --jobs 2 on the 2-core machine of docs/REPRODUCTION.md.
 * Its chains are far too short to equilibrate the low rungs: it checks the pipeline and the report
 * layout, not the paper's numbers.
 */
export const QUICK_SCALE: ScaleParameters = {
  dim: 3,
  particles: 216,
  figure4Samples: 8,
  rungSamples: 4,
  ljSamples: 4,
  fullSpectrumSamples: 4,
  ladderSpectrum: { method: 'full', storedModes: 300 },
  chains: () => 2,
  schedule: () => ({ equilibrate: 4000, sampleEvery: 500 }),
  ladder: LADDER,
  tapers: [2, 'inf'],
  seed: 2024,
};

const tag = (t: Temperature): string => (t === 'inf' ? 'Tinf' : `T${t}`);
const taperTag = (m: Taper): string => (m === 'inf' ? 'minf' : `m${m}`);

/** Builds the plan from scale parameters (also used by the tests' tiny plan). */
export function planFromScale(scale: ReproducePlan['scale'], p: ScaleParameters): ReproducePlan {
  if (p.ladder.length === 0) throw new RangeError('the ladder needs at least one finite T*');
  const ladder = [...p.ladder].sort((a, b) => b - a);
  const lowest = ladder[ladder.length - 1];
  const ensembles: PlannedEnsemble[] = [];
  let index = 0;
  const make = (role: EnsembleRole, taper: Taper, potential: 'ipl' | 'lj', temperature: Temperature, samples: number, spectrum: { method: 'full' | 'lowest'; storedModes: number }, figure4: boolean) => {
    const prefix = role === 'full-spectrum' ? 'full-' : potential === 'lj' ? 'lj-' : '';
    const chains = temperature === 'inf' ? 0 : Math.min(samples, p.chains(samples));
    const schedule = temperature === 'inf' ? { equilibrate: 0, sampleEvery: 1000 } : p.schedule(temperature);
    ensembles.push({
      name: `${prefix}${taperTag(taper)}-${tag(temperature)}`,
      role,
      taper,
      potential,
      temperature,
      figure4,
      settings: {
        model: { dim: p.dim, particles: p.particles, taper, potential },
        sampling: {
          parentTemperature: temperature,
          sweeps: 0,
          chains,
          equilibrate: schedule.equilibrate,
          sampleEvery: schedule.sampleEvery,
          maxDisplacement: 'auto',
          checkpointSeconds: 60,
        },
        spectrum: { ...spectrum },
        samples,
        // Every ensemble its own seed, fixed by its place in the plan.
        seed: p.seed + 1000 * ++index,
      },
    });
  };
  for (const taper of p.tapers) {
    for (const t of ['inf' as const, ...ladder]) {
      const figure4 = t === 'inf' || t === lowest;
      make('ladder', taper, 'ipl', t, figure4 ? p.figure4Samples : p.rungSamples, p.ladderSpectrum, figure4);
    }
  }
  if (p.ljSamples > 0) make('lj', 2, 'lj', lowest, p.ljSamples, p.ladderSpectrum, false);
  if (p.fullSpectrumSamples > 0) {
    for (const taper of [2, 'inf'] as const) for (const t of ['inf' as const, lowest]) make('full-spectrum', taper, 'ipl', t, p.fullSpectrumSamples, { method: 'full', storedModes: 300 }, false);
  }
  return {
    scale,
    ladder,
    ladderNote:
      ladder.length === LADDER.length && ladder.every((t, k) => t === LADDER[k])
        ? `chosen from the measured T_d = ${MEASURED_TD.value} [${MEASURED_TD.low}, ${MEASURED_TD.high}] (engine/pipeline/reproducePlan.ts LADDER; docs/REPRODUCTION.md "T_d")`
        : 'not the measured ladder (a test plan of its own)',
    ensembles,
    description:
      `${p.dim}D, N = ${p.particles}; taper${p.tapers.length > 1 ? 's' : ''} m = ${p.tapers.map((m) => (m === 'inf' ? '∞' : String(m))).join(' and ')} at T* = ∞ and ${ladder.join(', ')}` +
      `${p.ljSamples > 0 ? `, tapered LJ (m = 2) at T* = ${lowest}` : ''}; ${p.figure4Samples} samples for each Fig. 4 ensemble, ${p.rungSamples} per other rung` +
      `${p.fullSpectrumSamples > 0 ? `, ${p.fullSpectrumSamples} full spectra per Fig. 2 ensemble` : ''}; ladder spectra '${p.ladderSpectrum.method}'${p.ladderSpectrum.method === 'lowest' ? ` (K = ${p.ladderSpectrum.storedModes})` : ''}`,
  };
}

export function reproducePlan(scale: ReproduceScale): ReproducePlan {
  if (scale === 'paper') return planFromScale('paper', PAPER_SCALE);
  if (scale === 'quick') return planFromScale('quick', QUICK_SCALE);
  throw new RangeError(`--scale must be quick or paper, got '${String(scale)}'`);
}

/**
 * A plan for tests (reachable as the hidden `reproduce --scale tiny`): 2D, N = 64, two ensembles
 * (m = 2 at T* = ∞ and at T* = 0.5 from a short chain), three full-spectrum samples each. Not a
 * physics result of any kind.
 */
export function tinyPlan(): ReproducePlan {
  return planFromScale('tiny', {
    dim: 2,
    particles: 64,
    figure4Samples: 3,
    rungSamples: 3,
    ljSamples: 0,
    fullSpectrumSamples: 0,
    ladderSpectrum: { method: 'full', storedModes: 128 },
    chains: () => 1,
    schedule: () => ({ equilibrate: 12_000, sampleEvery: 1000 }),
    ladder: [0.5],
    tapers: [2],
    seed: 7,
  });
}

/** Only the named ensembles (for --only); refuses an unknown name, listing the known ones. */
export function selectEnsembles(plan: ReproducePlan, only: string[] | undefined): PlannedEnsemble[] {
  if (!only || only.length === 0) return plan.ensembles;
  const known = new Set(plan.ensembles.map((e) => e.name));
  for (const name of only) if (!known.has(name)) throw new RangeError(`--only: no ensemble '${name}' in the ${plan.scale} plan; the ensembles are ${[...known].join(', ')}`);
  return plan.ensembles.filter((e) => only.includes(e.name));
}
