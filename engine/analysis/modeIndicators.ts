/**
 * Candidate per-mode indicators of type-II (vortex-like, stress-driven) character, to be validated
 * against ensembles (issue 10 item 5, docs/REPRODUCTION.md "Which indicator separates the classes"):
 *
 * - participation ratio PR (participation.ts);
 * - the rotational fraction of the neighbour-fitted gradients over the whole mode (modeGeometry.ts),
 *   over the mode's core only (the fewest particles carrying half of Σ|e_i|²), and over its vortex
 *   core (the fewest particles carrying half of Σ|η_i|²);
 * - the share of the mode's energy carried by the pre-stress (tension) term of the Hessian:
 *   for a pair potential, eᵀHe = Σ_pairs [φ''(r)(n̂·Δe)² + (φ'(r)/r)(|Δe|² − (n̂·Δe)²)],
 *   Δe = e_j − e_i; the second sum is the pair form of the paper's non-irrotational term V⁽²⁾
 *   (Eq. 59), the one Alexander's argument ties to the frozen-in stresses;
 * - the stress-weighted vorticity energy of the paper's Eq. (63), Σ_i ½(tr σ_i |η_i|² − η_iᵀσ_iη_i)
 *   with the per-particle stresses σ_i of stress.ts and the fitted vorticities η_i, relative to
 *   ½ eᵀHe (in 2D, η is a scalar and the bracket is tr σ_i η_i²);
 * - the far-field weight: the mean |e_i|² of the particles farther than 3L/8 (minimum image) from the
 *   mode's centre (the |e_i|²-weighted periodic centroid), over the mean |e_i|² of all particles
 *   (≈ 1 for an extended mode, → 0 for a localised one).
 *
 * And the separation statistic used to judge them: the AUC of two samples of values (the probability
 * that a value of the second class exceeds one of the first, ties counting ½).
 */
import type { Box } from '../space/box';
import { minimumImage } from '../space/box';
import type { Contacts } from '../model/glass';
import { participationRatio } from '../spectrum/participation';
import { rotationalFraction, type StrainVorticity } from './modeGeometry';

/** Squared displacement |e_i|² of every particle of a mode stored at `offset` in `modes`. */
export function particleWeights(mode: ArrayLike<number>, dim: number, particles: number, offset = 0): Float64Array {
  const w = new Float64Array(particles);
  for (let i = 0; i < particles; i++) {
    let s = 0;
    for (let a = 0; a < dim; a++) s += mode[offset + dim * i + a] ** 2;
    w[i] = s;
  }
  return w;
}

/** The fewest particles whose |e_i|² add up to at least `share` of the total (largest first). */
export function modeCore(weights: Float64Array, share = 0.5): Int32Array {
  const order = Array.from(weights.keys()).sort((a, b) => weights[b] - weights[a] || a - b);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const core: number[] = [];
  let sum = 0;
  for (const i of order) {
    if (sum >= share * total) break;
    core.push(i);
    sum += weights[i];
  }
  return Int32Array.from(core);
}

/** |η_i|² of every particle (0 where the gradient fit is undetermined). */
export function vorticityWeights(sv: StrainVorticity): Float64Array {
  const k = sv.vorticityComponents;
  const n = sv.vorticity.length / k;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < k; a++) s += sv.vorticity[i * k + a] ** 2;
    w[i] = Number.isFinite(s) ? s : 0;
  }
  return w;
}

/** The two parts of eᵀHe for a pair potential: the bond-stiffness (φ'') part and the pre-stress (φ'/r) part. */
export interface ModeEnergyParts {
  stiffness: number;
  prestress: number;
}

/**
 * eᵀHe split by pairs into Σ φ''(n̂·Δe)² and Σ (φ'/r)(|Δe|² − (n̂·Δe)²). Their sum is the Hessian's
 * quadratic form (the eigenvalue λ for a normalised eigenvector).
 */
export function modeEnergyParts(c: Contacts, dim: number, mode: ArrayLike<number>, offset = 0): ModeEnergyParts {
  let stiffness = 0;
  let prestress = 0;
  for (let p = 0; p < c.count; p++) {
    const i = c.i[p];
    const j = c.j[p];
    const r = c.distance[p];
    let along = 0;
    let all = 0;
    for (let a = 0; a < dim; a++) {
      const du = mode[offset + dim * j + a] - mode[offset + dim * i + a];
      along += (c.separation[p * dim + a] / r) * du;
      all += du * du;
    }
    stiffness += c.d2phi[p] * along * along;
    prestress += (c.dphi[p] / r) * (all - along * along);
  }
  return { stiffness, prestress };
}

/**
 * Eq. (63) summed over particles: Σ_i ½(tr σ_i |η_i|² − η_iᵀ σ_i η_i) (3D), Σ_i ½ tr σ_i η_i² (2D).
 * Particles whose gradient fit is undetermined (NaN vorticity) are left out.
 */
export function stressVorticityEnergy(stresses: Float64Array, sv: StrainVorticity, dim: number): number {
  const dd = dim * dim;
  const k = sv.vorticityComponents;
  const n = stresses.length / dd;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let trace = 0;
    for (let a = 0; a < dim; a++) trace += stresses[i * dd + a * dim + a];
    let eta2 = 0;
    for (let a = 0; a < k; a++) eta2 += sv.vorticity[i * k + a] ** 2;
    if (!Number.isFinite(eta2)) continue;
    let quadratic = 0;
    if (dim === 3) {
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) quadratic += sv.vorticity[i * 3 + a] * stresses[i * dd + a * 3 + b] * sv.vorticity[i * 3 + b];
    }
    sum += 0.5 * (trace * eta2 - quadratic);
  }
  return sum;
}

/**
 * The |e_i|²-weighted periodic centroid of a mode: on each axis the argument of Σ_i w_i exp(2πi x_i/L)
 * (the circular mean), mapped back to [0, L).
 */
export function modeCentre(positions: Float64Array, box: Box, weights: Float64Array): Float64Array {
  const d = box.dim;
  const centre = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    let c = 0;
    let s = 0;
    for (let i = 0; i < weights.length; i++) {
      const t = (2 * Math.PI * positions[d * i + a]) / box.side;
      c += weights[i] * Math.cos(t);
      s += weights[i] * Math.sin(t);
    }
    const angle = Math.atan2(s, c);
    centre[a] = (((angle / (2 * Math.PI)) * box.side) % box.side + box.side) % box.side;
  }
  return centre;
}

/** Mean |e_i|² beyond 3L/8 of the mode's centre, over the mean |e_i|² of all particles. */
export function farFieldWeight(positions: Float64Array, box: Box, weights: Float64Array): number {
  const d = box.dim;
  const n = weights.length;
  const centre = modeCentre(positions, box, weights);
  const limit2 = ((3 * box.side) / 8) ** 2;
  let far = 0;
  let farCount = 0;
  let all = 0;
  for (let i = 0; i < n; i++) {
    let r2 = 0;
    for (let a = 0; a < d; a++) r2 += minimumImage(positions[d * i + a] - centre[a], box.side) ** 2;
    all += weights[i];
    if (r2 >= limit2) {
      far += weights[i];
      farCount++;
    }
  }
  if (farCount === 0 || all === 0) return Number.NaN;
  return far / farCount / (all / n);
}

/** Every candidate indicator of one mode. */
export interface ModeIndicators {
  participation: number;
  rotationalFraction: number;
  coreRotationalFraction: number;
  vortexCoreRotationalFraction: number;
  /** Pre-stress part of eᵀHe over eᵀHe. */
  prestressShare: number;
  /** Eq. (63) summed, over ½ eᵀHe. */
  vorticityStressShare: number;
  farFieldWeight: number;
}

export interface ModeContext {
  positions: Float64Array;
  box: Box;
  contacts: Contacts;
  /** Per-particle stresses (stress.ts particleStresses). */
  stresses: Float64Array;
}

/** The candidate indicators of the mode at `offset` of `modes`, given its fitted strain and vorticity. */
export function modeIndicators(context: ModeContext, modes: ArrayLike<number>, offset: number, sv: StrainVorticity): ModeIndicators {
  const d = context.box.dim;
  const n = context.positions.length / d;
  const weights = particleWeights(modes, d, n, offset);
  const energy = modeEnergyParts(context.contacts, d, modes, offset);
  const form = energy.stiffness + energy.prestress;
  return {
    participation: participationRatio(modes, d, offset, d * n),
    rotationalFraction: rotationalFraction(sv, d),
    coreRotationalFraction: rotationalFraction(sv, d, modeCore(weights)),
    vortexCoreRotationalFraction: rotationalFraction(sv, d, modeCore(vorticityWeights(sv))),
    prestressShare: energy.prestress / form,
    vorticityStressShare: stressVorticityEnergy(context.stresses, sv, d) / (0.5 * form),
    farFieldWeight: farFieldWeight(context.positions, context.box, weights),
  };
}

/**
 * Area under the ROC curve of `second` against `first`: P(x₂ > x₁) + ½ P(x₂ = x₁) over all pairs
 * (Mann–Whitney U / (n₁ n₂)). 0.5: no separation; 0 or 1: complete. NaNs are left out.
 */
export function separationAuc(first: ArrayLike<number>, second: ArrayLike<number>): number {
  const a = Array.from(first).filter(Number.isFinite).sort((x, y) => x - y);
  const b = Array.from(second).filter(Number.isFinite);
  if (a.length === 0 || b.length === 0) return Number.NaN;
  let u = 0;
  for (const x of b) {
    // count of a below x and equal to x by binary search
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    let eq = lo;
    while (eq < a.length && a[eq] === x) eq++;
    u += lo + 0.5 * (eq - lo);
  }
  return u / (a.length * b.length);
}

/**
 * The validated per-mode indicator (docs/REPRODUCTION.md "Which per-mode indicator separates the
 * classes"): a mode's participation ratio against the modes of a reference ensemble (T* = ∞, same
 * model) at the same frequency. `rank` is the fraction of reference modes with |ω_ref/ω − 1| ≤
 * relativeWindow whose PR is below this mode's (ties counting ½): the per-mode form of the AUC that
 * separated the classes (≤ 0.005 at matched ω). `localised` when rank < `threshold`. A contrast
 * against extended modes at the same ω, not a proof of vortex character.
 */
export interface LocalisationContrast {
  /** Reference modes in the ω window. */
  referenceModes: number;
  /** Median PR of those reference modes (NaN when there are fewer than minReference). */
  referenceMedian: number;
  /** Fraction of them with PR below this mode's, ties ½ (NaN when too few). */
  rank: number;
  /** rank < threshold; null when there are too few reference modes at this ω to say. */
  localised: boolean | null;
}

export interface LocalisationContrastOptions {
  /** Half-width of the frequency window, relative to ω (default 0.1). */
  relativeWindow?: number;
  /** Fewest reference modes in the window for a verdict (default 10). */
  minReference?: number;
  /** rank below this is 'localised' (default 0.05). */
  threshold?: number;
}

export function localisationContrast(omega: number, participation: number, referenceOmega: ArrayLike<number>, referenceParticipation: ArrayLike<number>, options: LocalisationContrastOptions = {}): LocalisationContrast {
  const window = options.relativeWindow ?? 0.1;
  const minReference = options.minReference ?? 10;
  const threshold = options.threshold ?? 0.05;
  if (!(window > 0) || !(minReference >= 1) || !(threshold > 0 && threshold < 1)) throw new RangeError(`localisationContrast: relativeWindow > 0, minReference ≥ 1 and 0 < threshold < 1 are needed (got ${window}, ${minReference}, ${threshold})`);
  if (referenceOmega.length !== referenceParticipation.length) throw new RangeError(`localisationContrast: ${referenceOmega.length} reference frequencies but ${referenceParticipation.length} participation ratios`);
  const inWindow: number[] = [];
  if (Number.isFinite(omega) && omega > 0) {
    for (let k = 0; k < referenceOmega.length; k++) {
      const w = referenceOmega[k];
      const pr = referenceParticipation[k];
      if (Number.isFinite(w) && Number.isFinite(pr) && Math.abs(w / omega - 1) <= window) inWindow.push(pr);
    }
  }
  if (inWindow.length < minReference || !Number.isFinite(participation)) return { referenceModes: inWindow.length, referenceMedian: Number.NaN, rank: Number.NaN, localised: null };
  inWindow.sort((a, b) => a - b);
  const mid = inWindow.length >> 1;
  const median = inWindow.length % 2 ? inWindow[mid] : 0.5 * (inWindow[mid - 1] + inWindow[mid]);
  const rank = separationAuc(inWindow, [participation]);
  return { referenceModes: inWindow.length, referenceMedian: median, rank, localised: rank < threshold };
}
