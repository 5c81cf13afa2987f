/**
 * What the app shows of one sample, as numbers (docs/PHYSICS.md §4–5): its spectrum with the zero
 * modes, the rotational fraction of each stored mode and ω_0; one mode's strain and vorticity
 * (Eqs. 52–54) with its coarse-grained field; per-particle energy and stresses. Pure: a glass,
 * positions and the stored eigenpairs in, typed arrays out; engine/io/results.ts reads the files
 * and packs these for JSON.
 */
import { contacts, particleEnergies, type Glass } from '../model/glass';
import { frequencyOf, identifyZeroModes } from '../spectrum/zeroModes';
import { elasticModuli, type ElasticModuli } from './elasticity';
import { coarseGrainedVorticity, displacementGradients, gradientNeighbours, modeRotationalFractions, rotationalFraction, strainAndVorticity, type StrainVorticity, type VorticityGrid } from './modeGeometry';
import { participationRatio } from '../spectrum/participation';
import { localPressures, localShearStresses, particleStresses } from './stress';

export interface SpectrumObservables {
  /** ω_k = √λ_k; NaN where λ_k < 0. */
  frequencies: Float64Array;
  /** Indices of the d translational zero modes (engine/spectrum/zeroModes.ts). */
  zeroModes: number[];
  /** Rows of `modes`: the lowest K eigenvectors. */
  storedModes: number;
  /** Rotational fraction of each stored mode; NaN where undetermined. */
  rotationalFraction: Float64Array;
  /** ω_0 = 2π v_T / L of this configuration. */
  omega0: number;
}

/**
 * The spectrum of one sample as the app shows it: eigenvalues, their stored modes (K × dN), and the
 * glass they belong to; ω_0 from `moduli` when given (the run's stored moduli of this configuration),
 * else from elasticModuli.
 */
export function spectrumObservables(glass: Glass, positions: Float64Array, eigenvalues: Float64Array, modes: Float64Array, moduli?: Pick<ElasticModuli, 'omega0'>): SpectrumObservables {
  const particles = glass.diameters.length;
  const pairs = gradientNeighbours(positions, glass.box, glass.potential.cutoff);
  return {
    frequencies: eigenvalues.map(frequencyOf),
    zeroModes: identifyZeroModes(eigenvalues, glass.box.dim, modes, particles).indices,
    storedModes: Math.floor(modes.length / positions.length),
    rotationalFraction: modeRotationalFractions(positions, glass.box, modes, pairs),
    omega0: (moduli ?? elasticModuli(glass, positions)).omega0,
  };
}

/** ‖ε_i‖, the Frobenius norm of each particle's strain (NaN where undetermined). */
export function strainMagnitudes(sv: StrainVorticity, dim: number): Float64Array {
  const dd = dim * dim;
  const n = sv.strain.length / dd;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < dd; k++) sum += sv.strain[i * dd + k] ** 2;
    out[i] = Math.sqrt(sum);
  }
  return out;
}

export interface ModeObservables {
  participation: number;
  /** NaN where undetermined (no particle with a determined gradient). */
  rotationalFraction: number;
  /** Per particle: the vorticity (components each) and the strain magnitude ‖ε‖. */
  strainVorticity: StrainVorticity;
  strain: Float64Array;
  /** Coarse-grained vorticity on a periodic grid of the given spacing. */
  grid: VorticityGrid;
}

/** Row `index` of the stored modes (K × dN): participation, rotational fraction, strain, vorticity and its grid field. */
export function modeObservables(glass: Glass, positions: Float64Array, modes: Float64Array, index: number, gridSpacing: number): ModeObservables {
  const d = glass.box.dim;
  const dn = positions.length;
  const pairs = gradientNeighbours(positions, glass.box, glass.potential.cutoff);
  const sv = strainAndVorticity(displacementGradients(positions, glass.box, modes, pairs, index * dn));
  return {
    participation: participationRatio(modes, d, index * dn, dn),
    rotationalFraction: rotationalFraction(sv, d),
    strainVorticity: sv,
    strain: strainMagnitudes(sv, d),
    grid: coarseGrainedVorticity(positions, glass.box, sv, gridSpacing),
  };
}

export interface ParticleObservables {
  /** e_i = ½ Σ_j φ(r_ij); sums to V. */
  energy: Float64Array;
  /** p_i = −(1/d) tr σ_i, σ_i = ½ Σ_j r φ'(r) ê ê (no volume factor). */
  pressure: Float64Array;
  /** ‖dev σ_i‖ (Frobenius). */
  shearStress: Float64Array;
}

/** Local energy, pressure and shear stress of every particle. */
export function particleObservables(glass: Glass, positions: Float64Array): ParticleObservables {
  const d = glass.box.dim;
  const stresses = particleStresses(contacts(glass, positions), d, glass.diameters.length);
  return { energy: particleEnergies(glass, positions), pressure: localPressures(stresses, d), shearStress: localShearStresses(stresses, d) };
}
