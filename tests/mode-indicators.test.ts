import { describe, expect, it } from 'vitest';
import { contacts, makeGlass } from '../engine/model/glass';
import { validateSettings } from '../engine/model/settings';
import { sparseHessian, hessianMultiply } from '../engine/hessian/sparse';
import { displacementGradients, gradientNeighbours, rotationalFraction, strainAndVorticity, type StrainVorticity } from '../engine/analysis/modeGeometry';
import { participationRatio } from '../engine/spectrum/participation';
import { particleStresses } from '../engine/analysis/stress';
import { farFieldWeight, localisationContrast, modeCore, modeEnergyParts, modeIndicators, particleWeights, separationAuc, stressVorticityEnergy, vorticityWeights } from '../engine/analysis/modeIndicators';
import { createRng, normal, uniform } from '../engine/random';
import type { Box } from '../engine/space/box';

/** A simple cubic lattice of side n (spacing 1). */
function lattice(n: number): Float64Array {
  const x = new Float64Array(3 * n ** 3);
  let k = 0;
  for (let c = 0; c < n; c++) for (let b = 0; b < n; b++) for (let a = 0; a < n; a++) x.set([a + 0.5, b + 0.5, c + 0.5], 3 * k++);
  return x;
}

function normalise(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x * x;
  const f = 1 / Math.sqrt(s);
  for (let k = 0; k < v.length; k++) v[k] *= f;
  return v;
}

const n = 8;
const box: Box = { dim: 3, side: n };
const positions = lattice(n);
const N = n ** 3;
const centre = [n / 2 + 0.5, n / 2 + 0.5, n / 2 + 0.5]; // a lattice site

/** A longitudinal wave u = A sin(2πx/L) x̂: a pure strain field. */
function strainWave(amplitude: number): Float64Array {
  const u = new Float64Array(3 * N);
  for (let i = 0; i < N; i++) u[3 * i] = amplitude * Math.sin((2 * Math.PI * positions[3 * i]) / n);
  return u;
}

/** A rigid rotation Ω × (r − c) of the particles within `radius` of the box centre, added to u. */
function addRotatingCluster(u: Float64Array, omega: [number, number, number], radius: number): number[] {
  const inside: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = [0, 1, 2].map((a) => positions[3 * i + a] - centre[a]);
    if (Math.hypot(s[0], s[1], s[2]) > radius) continue;
    inside.push(i);
    u[3 * i] += omega[1] * s[2] - omega[2] * s[1];
    u[3 * i + 1] += omega[2] * s[0] - omega[0] * s[2];
    u[3 * i + 2] += omega[0] * s[1] - omega[1] * s[0];
  }
  return inside;
}

const pairs = gradientNeighbours(positions, box, 1.5); // first and second shells of the lattice
const fields = (u: Float64Array): StrainVorticity => strainAndVorticity(displacementGradients(positions, box, u, pairs));

describe('per-mode type-II indicators on constructed fields', () => {
  it('a longitudinal wave is pure strain (rotational fraction 0) with PR = 2/3 and an extended far field', () => {
    const u = normalise(strainWave(1));
    expect(rotationalFraction(fields(u), 3)).toBeLessThan(1e-12);
    expect(participationRatio(u, 3)).toBeCloseTo(2 / 3, 12);
    expect(farFieldWeight(positions, box, particleWeights(u, 3, N))).toBeGreaterThan(0.8);
  });

  it('random displacements give a rotational fraction of 1/5 (|η|² against the Frobenius |ε|²: 1.5 v against 6 v)', () => {
    const rng = createRng(7);
    const u = new Float64Array(3 * N);
    for (let k = 0; k < u.length; k++) u[k] = normal(rng);
    // on a cubic lattice the fitted A_ab are uncorrelated with equal variance v: E|η|² = 3·v/2,
    // E|ε|² = 3v (diagonal) + 6·v/2 (off-diagonal), so the fraction is 1/5, not the 1/3 of counting
    // each independent strain component once
    const f = rotationalFraction(fields(u), 3);
    expect(Math.abs(f - 0.2)).toBeLessThan(0.02);
  });

  it('a rigidly rotating cluster inside a strain field: the core is rotational, the whole mode is not', () => {
    const u = strainWave(0.25);
    const inside = addRotatingCluster(u, [0.3, -0.5, 0.8], 2.2);
    normalise(u);
    const sv = fields(u);
    const weights = particleWeights(u, 3, N);
    const core = modeCore(weights);
    // the core is inside the cluster (its rim carries the largest displacements)
    for (const i of core) expect(inside).toContain(i);
    // interior particles (all neighbours inside the cluster) see the rigid rotation only
    const interior = inside.filter((i) => Math.hypot(...[0, 1, 2].map((a) => positions[3 * i + a] - centre[a])) < 2.2 - 1.5);
    expect(interior.length).toBeGreaterThan(0);
    expect(rotationalFraction(sv, 3, interior)).toBeGreaterThan(0.95); // the rotation plus the weak wave inside
    // the largest displacements sit on the rim, where the fit straddles the rotating cluster and the
    // nearly still wave around it: the rim reads as strain, so the |e|-core is not rotational
    const whole = rotationalFraction(sv, 3);
    expect(rotationalFraction(sv, 3, core)).toBeLessThan(0.3);
    // the vortex core (the particles carrying half of Σ|η|²) is, and is far above the whole mode
    const vortexCore = rotationalFraction(sv, 3, modeCore(vorticityWeights(sv)));
    expect(vortexCore).toBeGreaterThan(0.6);
    expect(whole).toBeLessThan(vortexCore - 0.3);
    // localised: small PR, little weight far from the core
    expect(participationRatio(u, 3)).toBeLessThan(0.15);
    expect(farFieldWeight(positions, box, weights)).toBeLessThan(0.5);
  });

  it('modeCore takes the fewest particles carrying half the weight', () => {
    const w = Float64Array.from([1, 5, 2, 2]);
    expect(Array.from(modeCore(w))).toEqual([1]); // 5 of 10
    expect(Array.from(modeCore(w, 0.8))).toEqual([1, 2, 3]); // 9 of 10 ≥ 8
  });

  it('Eq. (63) for isotropic stresses s·I and uniform η is s|η|² per particle (3D) and s η² (2D)', () => {
    const s = -0.7;
    const eta = [0.2, -0.1, 0.4];
    const m = 5;
    const stresses = new Float64Array(9 * m);
    for (let i = 0; i < m; i++) for (let a = 0; a < 3; a++) stresses[9 * i + 4 * a] = s;
    const sv: StrainVorticity = { strain: new Float64Array(9 * m), vorticity: new Float64Array(3 * m), vorticityComponents: 3 };
    for (let i = 0; i < m; i++) sv.vorticity.set(eta, 3 * i);
    const eta2 = eta.reduce((a, x) => a + x * x, 0);
    expect(stressVorticityEnergy(stresses, sv, 3)).toBeCloseTo(m * s * eta2, 14);
    // a uniaxial stress along η does not couple: ½(tr σ η² − ησ η) = 0
    const axis = eta.map((x) => x / Math.sqrt(eta2));
    const uni = new Float64Array(9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) uni[3 * a + b] = 2.5 * axis[a] * axis[b];
    expect(stressVorticityEnergy(uni, { strain: new Float64Array(9), vorticity: Float64Array.from(eta), vorticityComponents: 3 }, 3)).toBeCloseTo(0, 14);
    const sv2: StrainVorticity = { strain: new Float64Array(4), vorticity: Float64Array.from([0.3]), vorticityComponents: 1 };
    expect(stressVorticityEnergy(Float64Array.from([s, 0, 0, s]), sv2, 2)).toBeCloseTo(0.5 * 2 * s * 0.09, 14);
  });
});

describe('the pair split of the Hessian form', () => {
  it('stiffness + pre-stress = eᵀHe of the engine Hessian, for random vectors on a soft-sphere configuration', () => {
    const model = validateSettings({ model: { dim: 3, particles: 64 } }).model;
    const rng = createRng(11);
    const glass = makeGlass(model, new Float64Array(64).fill(1));
    const L = glass.box.side;
    const x = new Float64Array(192);
    for (let k = 0; k < x.length; k++) x[k] = L * uniform(rng);
    const c = contacts(glass, x);
    expect(c.count).toBeGreaterThan(50);
    const h = sparseHessian(glass, x, c);
    const random = () => Float64Array.from({ length: 192 }, () => normal(rng));
    for (let trial = 0; trial < 3; trial++) {
      const e = random();
      const he = hessianMultiply(h, e, new Float64Array(192));
      let form = 0;
      for (let k = 0; k < 192; k++) form += e[k] * he[k];
      const parts = modeEnergyParts(c, 3, e);
      expect(Math.abs(parts.stiffness + parts.prestress - form)).toBeLessThan(1e-10 * Math.abs(form));
      expect(parts.prestress).toBeLessThan(0); // repulsive soft spheres: φ' < 0
    }
    const e = normalise(random());
    const sv = strainAndVorticity(displacementGradients(x, glass.box, e, gradientNeighbours(x, glass.box, glass.potential.cutoff)));
    const got = modeIndicators({ positions: x, box: glass.box, contacts: c, stresses: particleStresses(c, 3, 64) }, e, 0, sv);
    const parts = modeEnergyParts(c, 3, e);
    expect(got.prestressShare).toBeCloseTo(parts.prestress / (parts.stiffness + parts.prestress), 14);
    expect(got.participation).toBeCloseTo(participationRatio(e, 3), 14);
  });
});

describe('separation AUC', () => {
  it('is the Mann–Whitney U over n₁n₂, ties ½, checked by brute force', () => {
    expect(separationAuc([1, 2, 3], [4, 5])).toBe(1);
    expect(separationAuc([4, 5], [1, 2, 3])).toBe(0);
    expect(separationAuc([1, 2, 3], [1, 2, 3])).toBe(0.5);
    const rng = createRng(3);
    const a = Array.from({ length: 40 }, () => Math.round(normal(rng) * 3));
    const b = Array.from({ length: 30 }, () => Math.round(normal(rng) * 3 + 1));
    let u = 0;
    for (const x of a) for (const y of b) u += y > x ? 1 : y === x ? 0.5 : 0;
    expect(separationAuc(a, b)).toBeCloseTo(u / (a.length * b.length), 14);
    expect(separationAuc([1, Number.NaN], [2])).toBe(1);
  });
});

describe('localisationContrast: PR against the reference modes at the same ω (the validated indicator)', () => {
  // A reference band of extended modes: ω from 0.5 to 1.5 in steps of 0.01, PR 0.25…0.35.
  const refOmega = Array.from({ length: 101 }, (_, k) => 0.5 + 0.01 * k);
  const refPr = refOmega.map((_, k) => 0.25 + 0.001 * k);

  it('ranks a mode among the reference modes within ±10 % of its ω, and calls it localised only below 5 %', () => {
    // ω = 1.005: window [0.9045, 1.1055], reference modes 0.91 … 1.10 (k = 41 … 60, 20 modes, PR 0.291 … 0.310).
    const low = localisationContrast(1.005, 0.04, refOmega, refPr);
    expect(low.referenceModes).toBe(20);
    expect(low.referenceMedian).toBeCloseTo(0.3005, 12);
    expect(low.rank).toBe(0);
    expect(low.localised).toBe(true);
    // PR at the window's median: half the reference modes below it; on a reference value, that one counts ½.
    const mid = localisationContrast(1.005, 0.3005, refOmega, refPr);
    expect(mid.rank).toBe(0.5);
    expect(localisationContrast(1.005, refPr[41], refOmega, refPr).rank).toBe(0.5 / 20);
    expect(mid.localised).toBe(false);
    // PR 0.255 is below every mode near ω = 1, but above those near ω = 0.55: the window matters.
    expect(localisationContrast(1.005, 0.255, refOmega, refPr).localised).toBe(true);
    expect(localisationContrast(0.55, 0.255, refOmega, refPr).localised).toBe(false);
  });

  it('gives no verdict where the reference has too few modes at that ω (or ω is not positive)', () => {
    const none = localisationContrast(3, 0.01, refOmega, refPr);
    expect(none.referenceModes).toBe(0);
    expect(none.localised).toBeNull();
    expect(Number.isNaN(none.rank)).toBe(true);
    expect(localisationContrast(1, 0.01, refOmega, refPr, { minReference: 22 }).localised).toBeNull();
    expect(localisationContrast(0, 0.01, refOmega, refPr).localised).toBeNull();
    expect(() => localisationContrast(1, 0.1, [1], [])).toThrow(/reference frequencies/);
    expect(() => localisationContrast(1, 0.1, refOmega, refPr, { threshold: 1 })).toThrow(/threshold/);
  });
});
