/**
 * Heterogeneous-elasticity theory in the self-consistent Born approximation (Methods M1,
 * Eqs. 24–35; docs/PHYSICS.md §6), dimensionless: ρ_m = G_0 = k_ξ = 1, inputs γ (Eq. 32) and K/G_0.
 *
 *   Σ(z) = 3γ ∫_0^1 dq q⁴ [ (2/3) G_L(q,z) + G_T(q,z) ]                    (Eq. 33)
 *   G_L(q,z) = 1/(−z + q² M(z)),  G_T(q,z) = 1/(−z + q²(1 − Σ(z)))         (Eqs. 24–26)
 *   M(z) = K + (4/3)(1 − Σ(z)),   z = ω² + i0⁺
 *   G_(L,T)(z) = 3 ∫_0^1 dq q² G_(L,T)(q,z)                                 (Eq. 34)
 *   g(ω) = (2ω/3π) Im[G_L(z) + 2 G_T(z)]                                    (Eq. 35)
 *
 * Continuum: the q-integrals in closed form. Finite box (side L in units of 1/k_ξ): the integrals
 * become sums over the lattice k = 2π n/L, n ≠ 0, |k| ≤ k_ξ, with weight 6π²/(k_ξ L)³ (the
 * discrete form of 3∫q² dq, from f_0 = 6π²/k_ξ³, Eq. 31); the translations n = 0 are left out.
 * The theory is the paper's d = 3 one.
 */
import { makeSeries, type Series } from '../series';
import { abs, add, atan, complex, div, inv, mul, scale, sqrt, sub, type Complex } from './complex';
import { goldenSection } from '../numerics/goldenSection';

export interface HetParameters {
  /** Disorder parameter γ = ⟨ΔG²⟩/G_0² (Eq. 32). */
  gamma: number;
  /** K/G_0. */
  bulk: number;
  /** Box side L k_ξ for the finite-box theory; omitted or null for the continuum. */
  box?: number | null;
  /** The i0⁺ of z = ω² + i0⁺ (default 1e-10). */
  eta?: number;
}

/** The q-space on which the integrals run: continuum, or lattice shells of a finite box. */
export interface WavevectorSet {
  kind: 'continuum' | 'box';
  /** Box: q² of each shell (ascending), its multiplicity, and the weight 6π²/(k_ξ L)³. */
  shells: Float64Array;
  multiplicity: Float64Array;
  weight: number;
}

export function wavevectors(box?: number | null): WavevectorSet {
  if (box === undefined || box === null) return { kind: 'continuum', shells: new Float64Array(0), multiplicity: new Float64Array(0), weight: 1 };
  if (!(box > 2 * Math.PI)) throw new RangeError(`the box side L k_ξ must exceed 2π (got ${box}): otherwise no wavevector 2πn/L lies inside |k| ≤ k_ξ`);
  const nMax = Math.floor(box / (2 * Math.PI));
  const counts = new Map<number, number>();
  for (let a = -nMax; a <= nMax; a++) {
    for (let b = -nMax; b <= nMax; b++) {
      for (let c = -nMax; c <= nMax; c++) {
        const n2 = a * a + b * b + c * c;
        if (n2 === 0) continue;
        const q2 = ((2 * Math.PI) / box) ** 2 * n2;
        if (q2 > 1) continue;
        counts.set(n2, (counts.get(n2) ?? 0) + 1);
      }
    }
  }
  const keys = [...counts.keys()].sort((x, y) => x - y);
  return {
    kind: 'box',
    shells: Float64Array.from(keys, (n2) => ((2 * Math.PI) / box) ** 2 * n2),
    multiplicity: Float64Array.from(keys, (n2) => counts.get(n2)!),
    weight: (6 * Math.PI * Math.PI) / box ** 3,
  };
}

/** I(c) = ∫_0^1 dq / (q² − c) = arctan(1/b)/b with b = √(−c) (Re b ≥ 0). */
function inverseSquareIntegral(c: Complex): Complex {
  const b = sqrt(scale(c, -1));
  return div(atan(inv(b)), b);
}

/**
 * The two q-integrals the theory needs, for a complex modulus a and spectral parameter z:
 *   S2(a) = 3 ∫ dq q² / (q² a − z)    (so G(z) = S2),
 *   S4(a) = 3 ∫ dq q⁴ / (q² a − z)    (so Σ = γ[(2/3) S4(M) + S4(1 − Σ)]).
 * Continuum, with c = z/a and I(c) = ∫ dq/(q² − c): ∫ q²/(q² − c) = 1 + c I(c) and
 * ∫ q⁴/(q² − c) = ∫ [q² + c q²/(q² − c)] = 1/3 + c (1 + c I(c)).
 */
export function momentIntegrals(ks: WavevectorSet, a: Complex, z: Complex): { s2: Complex; s4: Complex } {
  if (ks.kind === 'box') {
    let s2 = complex(0);
    let s4 = complex(0);
    for (let k = 0; k < ks.shells.length; k++) {
      const q2 = ks.shells[k];
      const g = inv(sub(scale(a, q2), z));
      s2 = add(s2, scale(g, ks.multiplicity[k]));
      s4 = add(s4, scale(g, ks.multiplicity[k] * q2));
    }
    return { s2: scale(s2, ks.weight), s4: scale(s4, ks.weight) };
  }
  const c = div(z, a);
  const ia = inv(a);
  const j2 = add(complex(1), mul(c, inverseSquareIntegral(c)));
  const j4 = add(complex(1 / 3), mul(c, j2));
  return { s2: scale(mul(ia, j2), 3), s4: scale(mul(ia, j4), 3) };
}

/** M(z) = K + (4/3)(1 − Σ). */
function longitudinalModulus(bulk: number, sigma: Complex): Complex {
  return add(complex(bulk), scale(sub(complex(1), sigma), 4 / 3));
}

/** Right-hand side of Eq. (33): γ[(2/3) S4(M) + S4(1 − Σ)]. */
export function selfEnergyMap(p: HetParameters, ks: WavevectorSet, sigma: Complex, z: Complex): Complex {
  const m = longitudinalModulus(p.bulk, sigma);
  const t = sub(complex(1), sigma);
  const l = momentIntegrals(ks, m, z).s4;
  const tr = momentIntegrals(ks, t, z).s4;
  return scale(add(scale(l, 2 / 3), tr), p.gamma);
}

export interface SelfEnergySolution {
  sigma: Complex;
  residual: number;
  iterations: number;
}

/**
 * Eq. (33) solved for Σ at one z by Newton's method in the complex plane (derivative by a central
 * difference, which is exact enough for quadratic-like convergence), damped by step halving.
 */
export function solveSelfEnergy(p: HetParameters, ks: WavevectorSet, z: Complex, guess: Complex): SelfEnergySolution {
  let s = guess;
  const phi = (x: Complex) => sub(x, selfEnergyMap(p, ks, x, z));
  let f = phi(s);
  let res = abs(f);
  for (let it = 0; it < 200; it++) {
    if (res <= 1e-15 * (1 + abs(s))) return { sigma: s, residual: res, iterations: it };
    const h = 1e-7 * (1 + abs(s));
    const dh = complex(h, 0);
    const df = scale(sub(phi(add(s, dh)), phi(sub(s, dh))), 1 / (2 * h));
    let step = div(f, df);
    let lambda = 1;
    let next = sub(s, step);
    let fNext = phi(next);
    while (!(abs(fNext) < res) && lambda > 1e-6) {
      lambda /= 2;
      step = scale(step, 0.5);
      next = sub(s, step);
      fNext = phi(next);
    }
    if (!(abs(fNext) < res)) return { sigma: s, residual: res, iterations: it };
    s = next;
    f = fNext;
    res = abs(f);
  }
  return { sigma: s, residual: res, iterations: 200 };
}

/** Static weight Σ_z→0 S4(a)·a: 1 in the continuum, (6π²/(k_ξL)³)·#{n ≠ 0, |k| ≤ k_ξ} in a box. */
function staticWeight(ks: WavevectorSet): number {
  if (ks.kind === 'continuum') return 1;
  let n = 0;
  for (const m of ks.multiplicity) n += m;
  return ks.weight * n;
}

/**
 * Σ(0): at z = 0, S4(a) = w/a and Eq. (33) becomes Σ = γw[(2/3)/M + 1/(1 − Σ)], a cubic in
 * u = 1 − Σ: (4/3)u³ + (K − 4/3)u² + (2γw − K)u + γwK = 0. The physical root is the one that
 * continues u = 1 from γ = 0 (the largest root in (0, 1)); above γ_c that root and its partner turn
 * into a complex pair, of which the one with Im Σ > 0 is returned.
 */
export function staticSelfEnergy(p: HetParameters, ks: WavevectorSet = wavevectors(p.box)): Complex {
  const g = p.gamma * staticWeight(ks);
  const K = p.bulk;
  const roots = cubicRoots(4 / 3, K - 4 / 3, 2 * g - K, g * K);
  const real = roots.filter((r) => Math.abs(r.im) <= 1e-12 * (1 + abs(r)) && r.re > 0 && r.re <= 1).map((r) => r.re);
  if (real.length > 0) return complex(1 - Math.max(...real), 0);
  const pair = roots.filter((r) => r.im < 0).sort((a, b) => b.re - a.re);
  const u = pair[0];
  return complex(1 - u.re, -u.im);
}

/** Roots of a x³ + b x² + c x + d (Durand–Kerner, then Newton polish). */
function cubicRoots(a: number, b: number, c: number, d: number): Complex[] {
  const p = (x: Complex) => add(mul(add(mul(add(scale(x, a), complex(b)), x), complex(c)), x), complex(d));
  const dp = (x: Complex) => add(mul(add(scale(x, 3 * a), complex(2 * b)), x), complex(c));
  let r: Complex[] = [complex(0.4, 0.9), complex(-0.65, 0.72), complex(0.3, -0.8)];
  for (let it = 0; it < 500; it++) {
    r = r.map((x, k) => {
      let den = complex(a);
      r.forEach((y, l) => {
        if (l !== k) den = mul(den, sub(x, y));
      });
      return sub(x, div(p(x), den));
    });
  }
  return r.map((x) => {
    let y = x;
    for (let k = 0; k < 5; k++) {
      const dy = dp(y);
      if (abs(dy) === 0) break;
      y = sub(y, div(p(y), dy));
    }
    return y;
  });
}

/**
 * γ_c, where Σ(0) turns complex (the instability of Eq. 39): the largest γ for which the cubic
 * above has a real root in (0, 1), γ_c w = max_(0<u<1) (u − u²)(K + 4u/3)/(K + 2u).
 */
export function criticalDisorder(bulk: number, box?: number | null): number {
  const w = staticWeight(wavevectors(box));
  const f = (u: number) => ((u - u * u) * (bulk + (4 * u) / 3)) / (bulk + 2 * u);
  // f is smooth and unimodal on (0, 1): golden-section search.
  return f(goldenSection(f, 0, 1, { tolerance: 1e-15, maxIterations: 200 }).x) / w;
}

export interface HetPoint {
  omega: number;
  lambda: number;
  sigma: Complex;
  greenL: Complex;
  greenT: Complex;
  /** Eq. (35): g(ω) = (2ω/3π) Im[G_L + 2 G_T]. */
  g: number;
  /** g(ω)/ω². */
  reduced: number;
  /** ρ(λ) = g(ω)/(2ω). */
  rho: number;
  residual: number;
}

/** Eq. (35) and the Green's functions at one z, given the solved Σ. */
export function hetPoint(p: HetParameters, ks: WavevectorSet, omega: number, sigma: Complex, residual = 0): HetPoint {
  const lambda = omega * omega;
  const z = complex(lambda, p.eta ?? 1e-10);
  const greenL = momentIntegrals(ks, longitudinalModulus(p.bulk, sigma), z).s2;
  const greenT = momentIntegrals(ks, sub(complex(1), sigma), z).s2;
  const g = ((2 * omega) / (3 * Math.PI)) * (greenL.im + 2 * greenT.im);
  return { omega, lambda, sigma, greenL, greenT, g, reduced: g / lambda, rho: g / (2 * omega), residual };
}

/**
 * The HET spectrum on ascending frequencies: Σ by continuation from Σ(0) (each solution seeds the
 * next), a small positive imaginary nudge to the seed so that Newton can leave the real axis where
 * the real solution ends (the gap edge, the boson peak).
 */
export function hetSpectrum(p: HetParameters, omegas: ArrayLike<number>): HetPoint[] {
  const ks = wavevectors(p.box);
  const eta = p.eta ?? 1e-10;
  let guess = staticSelfEnergy(p, ks);
  const out: HetPoint[] = [];
  for (let k = 0; k < omegas.length; k++) {
    const w = omegas[k];
    if (k > 0 && !(w > omegas[k - 1])) throw new RangeError('hetSpectrum needs ascending frequencies');
    const z = complex(w * w, eta);
    let sol = solveSelfEnergy(p, ks, z, guess);
    const nudged = solveSelfEnergy(p, ks, z, add(guess, complex(0, 1e-3 * (1 + abs(guess)))));
    // Two seeds: prefer a converged root, and between converged roots the one closest to the seed
    // that is causal (Im Σ ≥ 0 up to rounding), so the continuation stays on the physical branch.
    const ok = (s: SelfEnergySolution) => s.residual <= 1e-12 * (1 + abs(s.sigma)) && s.sigma.im >= -1e-9;
    if (!ok(sol) && ok(nudged)) sol = nudged;
    else if (ok(sol) && ok(nudged) && nudged.sigma.im > sol.sigma.im + 1e-9 && realBranchEnded(p, ks, z, sol.sigma)) sol = nudged;
    out.push(hetPoint(p, ks, w, sol.sigma, sol.residual));
    guess = sol.sigma;
  }
  return out;
}

/**
 * Whether a nearly real root is an unphysical partner: on the physical branch the map's derivative
 * dΣ_map/dΣ has real part below 1 (the fixed point is attracting from below, h = map − Σ decreasing).
 */
function realBranchEnded(p: HetParameters, ks: WavevectorSet, z: Complex, sigma: Complex): boolean {
  const h = 1e-7 * (1 + abs(sigma));
  const d = scale(sub(selfEnergyMap(p, ks, add(sigma, complex(h)), z), selfEnergyMap(p, ks, sub(sigma, complex(h)), z)), 1 / (2 * h));
  return d.re > 1;
}

/** Ascending frequency grid (0, omegaMax] with uniform spacing in λ = ω² (as the reference uses) or in ω. */
export function frequencyGrid(omegaMax: number, points: number, spacing: 'lambda' | 'omega' = 'omega', omegaMin = omegaMax / points): Float64Array {
  const out = new Float64Array(points);
  for (let k = 0; k < points; k++) {
    const t = points === 1 ? 1 : k / (points - 1);
    out[k] = spacing === 'lambda' ? Math.sqrt(omegaMin ** 2 + t * (omegaMax ** 2 - omegaMin ** 2)) : omegaMin + t * (omegaMax - omegaMin);
  }
  return out;
}

/** Upper edge of the continuum HET band in ω: √(M(0)) plus margin (the largest q²M at q = 1). */
export function bandEdgeEstimate(p: HetParameters): number {
  const s = staticSelfEnergy(p);
  return Math.sqrt(p.bulk + (4 / 3) * (1 - s.re)) * 1.25;
}

export interface BosonPeak {
  omega: number;
  /** max g(ω)/ω². */
  reduced: number;
}

/**
 * The boson peak: the maximum of g(ω)/ω² (Fig. 1a,b), on a grid up to the band edge and refined by
 * golden-section search between the grid neighbours of the largest value. Null if the maximum sits
 * at the lowest grid point (no peak above the Debye level resolved).
 */
export function bosonPeak(p: HetParameters, points = 400): BosonPeak | null {
  const top = bandEdgeEstimate(p);
  const grid = frequencyGrid(top, points, 'omega', top / points / 4);
  const curve = hetSpectrum(p, grid);
  let best = 0;
  for (let k = 1; k < curve.length; k++) if (curve[k].reduced > curve[best].reduced) best = k;
  if (best === 0 || best === curve.length - 1) return null;
  const ks = wavevectors(p.box);
  const seed = curve[best].sigma;
  const reducedAt = (w: number) => {
    const sol = solveSelfEnergy(p, ks, complex(w * w, p.eta ?? 1e-10), seed);
    return hetPoint(p, ks, w, sol.sigma).reduced;
  };
  const omega = goldenSection(reducedAt, grid[best - 1], grid[best + 1], { tolerance: 1e-12, maxIterations: 80 }).x;
  return { omega, reduced: reducedAt(omega) };
}

export interface FiniteBoxGap {
  /** λ_c of Eq. (40), null when no gap edge lies below the first lattice phonon line. */
  lambdaC: number | null;
  omegaC: number | null;
  /** Σ at the edge (real). */
  sigmaC: number | null;
  /** The first transverse phonon line q_1²(1 − Σ) at the edge (or at λ = 0 without one). */
  firstResonance: number;
}

/**
 * The gap of the finite-box theory (Eq. 40): below the first phonon line every Green's function is
 * real and h(Σ, λ) = map(Σ, λ) − Σ is convex in Σ on [0, Σ_max(λ)), Σ_max = 1 − λ/q_1²; a real
 * solution exists while min_Σ h ≤ 0, and min_Σ h increases with λ. λ_c is where that minimum
 * reaches 0 (the fold where the physical root meets its partner and Σ turns complex), found by
 * bisection; there ρ(λ) ~ √(λ − λ_c).
 */
export function finiteBoxGap(p: HetParameters): FiniteBoxGap {
  if (p.box === undefined || p.box === null) throw new RangeError('the gap of Eq. (40) needs a finite box');
  const ks = wavevectors(p.box);
  const q1 = ks.shells[0];
  const hMin = (lambda: number): { value: number; at: number } => {
    const z = complex(lambda, 0);
    const h = (s: number) => selfEnergyMap(p, ks, complex(s), z).re - s;
    const lo = 0;
    let hi = 1 - lambda / q1;
    if (!(hi > lo)) return { value: Infinity, at: NaN };
    hi -= 1e-15 * Math.max(1, hi);
    const at = goldenSection(h, lo, hi, { extremum: 'min', tolerance: 1e-16, maxIterations: 300 }).x;
    return { value: h(at), at };
  };
  const start = hMin(0);
  if (!(start.value <= 0)) return { lambdaC: null, omegaC: null, sigmaC: null, firstResonance: q1 };
  let lo = 0;
  let hi = q1;
  for (let it = 0; it < 200 && hi - lo > 1e-15 * q1; it++) {
    const mid = 0.5 * (lo + hi);
    if (hMin(mid).value <= 0) lo = mid;
    else hi = mid;
  }
  const edge = hMin(lo);
  if (lo >= q1 * (1 - 1e-9)) return { lambdaC: null, omegaC: null, sigmaC: null, firstResonance: q1 };
  return { lambdaC: lo, omegaC: Math.sqrt(lo), sigmaC: edge.at, firstResonance: q1 * (1 - edge.at) };
}

/** The HET curves as a plotted series (what `glassmodes theory --out f.csv` writes). */
export function hetSeries(points: HetPoint[], p: HetParameters): Series {
  const box = p.box ? `, box L k_xi = ${p.box}` : ', continuum';
  return makeSeries('het', `HET-SCBA (docs/PHYSICS.md §6), gamma = ${p.gamma}, K/G0 = ${p.bulk}${box}; dimensionless (rho_m = G0 = k_xi = 1)`, [
    ['omega', '1', points.map((q) => q.omega)],
    ['g', '1', points.map((q) => q.g)],
    ['g_over_omega2', '1', points.map((q) => q.reduced)],
    ['lambda', '1', points.map((q) => q.lambda)],
    ['rho', '1', points.map((q) => q.rho)],
    ['sigma_re', '1', points.map((q) => q.sigma.re)],
    ['sigma_im', '1', points.map((q) => q.sigma.im)],
  ]);
}
