/**
 * Elastic moduli of an inherent structure (docs/PHYSICS.md §5): Born term minus the non-affine relaxation,
 *   G_αβ = (1/V)[∂²V/∂γ² − Ξᵀ H⁺ Ξ]   for simple shear x_α → x_α + γ x_β,
 *   K    = V ∂²V/∂V²                 for isotropic strain, with the same correction,
 * Ξ_i = ∂f_i/∂γ the force response to the affine strain and H⁺ the pseudo-inverse of the Hessian
 * on its non-zero modes, applied by conjugate gradients with the d translations projected out
 * (Ξ is orthogonal to them: the affine forces on all particles sum to zero). Then v_T = √(G/ρ) and
 * ω_0 = 2π v_T / L (Fig. 1c).
 */
import { contacts, type Contacts, type Glass } from '../model/glass';
import { bondStiffness, sparseHessian, type SparseHessian } from '../hessian/sparse';
import { hessianRowsOperator } from '../hessian/hessianRows';

/** Removes the d uniform translations from v (in place): v_i ← v_i − mean_j v_j. */
export function projectOutTranslations(v: Float64Array, dim: number): Float64Array {
  const n = v.length / dim;
  for (let a = 0; a < dim; a++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[dim * i + a];
    s /= n;
    for (let i = 0; i < n; i++) v[dim * i + a] -= s;
  }
  return v;
}

export interface SolveResult {
  solution: Float64Array;
  /** ‖b − H x‖ / ‖b‖ of the returned x (recomputed, not the recurrence's). */
  relativeResidual: number;
  iterations: number;
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
};

/**
 * x = H⁺ b by conjugate gradients on the sparse Hessian, b and every iterate kept orthogonal to the
 * translations. Restarts from the true residual when the recurrence drifts, until
 * ‖b − Hx‖/‖b‖ ≤ tolerance (default 1e-14) or the iteration budget (default 50 dN) is spent.
 */
export function pseudoInverseSolve(h: SparseHessian, rhs: Float64Array, tolerance = 1e-14, maxIterations?: number): SolveResult {
  const d = h.dim;
  const size = rhs.length;
  const b = projectOutTranslations(Float64Array.from(rhs), d);
  const bNorm = Math.sqrt(dot(b, b));
  const x = new Float64Array(size);
  if (bNorm === 0) return { solution: x, relativeResidual: 0, iterations: 0, converged: true };
  const budget = maxIterations ?? 50 * size;
  const r = new Float64Array(size);
  const p = new Float64Array(size);
  const hp = new Float64Array(size);
  // H p by the WebAssembly SIMD kernel in 3D (the same bits as hessianMultiply, engine/hessian/hessianRows.ts).
  const product = hessianRowsOperator(h);
  let iterations = 0;
  let best = Infinity;
  let stalls = 0;
  for (;;) {
    // True residual r = b − H x, the start of a (re)started CG.
    product(x, hp, 1);
    for (let k = 0; k < size; k++) r[k] = b[k] - hp[k];
    projectOutTranslations(r, d);
    const trueResidual = Math.sqrt(dot(r, r)) / bNorm;
    if (trueResidual <= tolerance || iterations >= budget) {
      return { solution: x, relativeResidual: trueResidual, iterations, converged: trueResidual <= tolerance };
    }
    if (trueResidual < best * 0.5) {
      best = trueResidual;
      stalls = 0;
    } else if (++stalls > 3) {
      // Rounding floor reached: more restarts do not help.
      return { solution: x, relativeResidual: trueResidual, iterations, converged: trueResidual <= tolerance };
    }
    p.set(r);
    let rr = dot(r, r);
    const restartAt = Math.max(20, Math.min(size, 2000));
    for (let it = 0; it < restartAt && iterations < budget; it++, iterations++) {
      product(p, hp, 1);
      projectOutTranslations(hp, d);
      const php = dot(p, hp);
      if (!(php > 0)) break; // p in the null space (or H not positive): restart from the true residual
      const alpha = rr / php;
      for (let k = 0; k < size; k++) {
        x[k] += alpha * p[k];
        r[k] -= alpha * hp[k];
      }
      const rrNew = dot(r, r);
      if (Math.sqrt(rrNew) / bNorm < 0.1 * tolerance) {
        iterations++;
        break;
      }
      const beta = rrNew / rr;
      rr = rrNew;
      for (let k = 0; k < size; k++) p[k] = r[k] + beta * p[k];
    }
    projectOutTranslations(x, d);
  }
}

/** A homogeneous deformation: the displacement gradient's (α, β) entries that are 1 (others 0). */
type Deformation = { kind: 'shear'; alpha: number; beta: number } | { kind: 'dilation' };

/**
 * Born term ∂²V/∂γ² of an affine deformation, summed over pairs. With s the pair separation and
 * ds/dγ = D s (D the unit displacement gradient), r'' = |D s|²/r − (s·D s)²/r³ and
 * ∂²φ/∂γ² = φ'' (s·Ds / r)² + φ' r''. Simple shear D = e_α e_βᵀ: s·Ds = s_α s_β, |Ds|² = s_β²;
 * dilation D = 1: ∂²φ/∂ε² = φ'' r².
 */
export function bornTerm(c: Contacts, dim: number, deformation: Deformation): number {
  let total = 0;
  for (let p = 0; p < c.count; p++) {
    const r = c.distance[p];
    const s = (a: number) => c.separation[p * dim + a];
    if (deformation.kind === 'dilation') {
      total += c.d2phi[p] * r * r;
    } else {
      const sab = s(deformation.alpha) * s(deformation.beta);
      const sb2 = s(deformation.beta) ** 2;
      total += c.d2phi[p] * (sab / r) ** 2 + c.dphi[p] * (sb2 / r - (sab * sab) / (r * r * r));
    }
  }
  return total;
}

/**
 * Ξ_i = ∂f_i/∂γ of the affine deformation: the force on i from pair (i, j) is φ'(r) s/r with
 * s = r_j − r_i, and ∂(φ' s/r)/∂s = K (the bond stiffness, Eq. 46), so Ξ_i += K D s, Ξ_j −= K D s.
 */
export function affineForceResponse(c: Contacts, dim: number, particles: number, deformation: Deformation): Float64Array {
  const out = new Float64Array(dim * particles);
  const k = new Float64Array(dim * dim);
  const ds = new Float64Array(dim);
  for (let p = 0; p < c.count; p++) {
    bondStiffness(c.separation, p * dim, dim, c.distance[p], c.dphi[p], c.d2phi[p], k);
    ds.fill(0);
    if (deformation.kind === 'dilation') for (let a = 0; a < dim; a++) ds[a] = c.separation[p * dim + a];
    else ds[deformation.alpha] = c.separation[p * dim + deformation.beta];
    const i = c.i[p];
    const j = c.j[p];
    for (let a = 0; a < dim; a++) {
      let v = 0;
      for (let b = 0; b < dim; b++) v += k[a * dim + b] * ds[b];
      out[dim * i + a] += v;
      out[dim * j + a] -= v;
    }
  }
  return out;
}

/** Ξᵀ H⁺ Ξ, the energy released by the non-affine relaxation. */
export function nonAffineRelaxation(h: SparseHessian, xi: Float64Array, tolerance = DEFAULT_MODULI_TOLERANCE): { value: number; solve: SolveResult } {
  const solve = pseudoInverseSolve(h, xi, tolerance);
  return { value: dot(xi, solve.solution), solve };
}

export interface ShearPlaneModulus {
  /** Displaced direction α and gradient direction β of x_α → x_α + γ x_β. */
  alpha: number;
  beta: number;
  born: number;
  nonAffine: number;
  /** G_αβ = (born − nonAffine)/V. */
  modulus: number;
  relativeResidual: number;
}

export interface ElasticModuli {
  /** G = mean over the d(d−1)/2 planes. */
  shearModulus: number;
  planes: ShearPlaneModulus[];
  /** K = V ∂²V/∂V², relaxed. */
  bulkModulus: number;
  /** ‖b − Hx‖/‖b‖ of the dilation's non-affine solve. */
  bulkRelativeResidual: number;
  /** Virial pressure P = −Σ r φ'(r) / (d V). */
  pressure: number;
  /** v_T = √(G/ρ), ρ = N/V (mass 1). */
  transverseSpeed: number;
  /** ω_0 = 2π v_T / L. */
  omega0: number;
  volume: number;
}

/** The CG tolerance on ‖b − Hx‖/‖b‖ that the moduli are computed with unless asked otherwise. */
export const DEFAULT_MODULI_TOLERANCE = 1e-14;

export interface ModuliOptions {
  /** CG tolerance on ‖b − Hx‖/‖b‖ (default DEFAULT_MODULI_TOLERANCE). */
  tolerance?: number;
  /** Shear planes as [α, β] (default [0,1], [0,2], [1,2] in 3D; [0,1] in 2D). */
  planes?: [number, number][];
  /** Called before each of the d(d−1)/2 + 1 solves (the shear planes, then the dilation), with the fraction of them done. */
  onProgress?: (fraction: number, message: string) => void;
}

/** Default shear planes: α < β, x_α → x_α + γ x_β. */
export function shearPlanes(dim: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < dim; a++) for (let b = a + 1; b < dim; b++) out.push([a, b]);
  return out;
}

/** docs/PHYSICS.md §5: G per plane, G, K, P, v_T and ω_0 of one configuration. */
export function elasticModuli(glass: Glass, positions: Float64Array, options: ModuliOptions = {}): ElasticModuli {
  const d = glass.box.dim;
  const n = glass.diameters.length;
  const L = glass.box.side;
  const volume = L ** d;
  const c = contacts(glass, positions);
  const h = sparseHessian(glass, positions, c);
  const tol = options.tolerance ?? DEFAULT_MODULI_TOLERANCE;
  const progress = options.onProgress ?? (() => {});
  const planeList = options.planes ?? shearPlanes(d);
  const solves = planeList.length + 1;
  const axis = 'xyz';
  const planes = planeList.map(([alpha, beta], k) => {
    progress(k / solves, `shear plane ${axis[alpha]}${axis[beta]} (solve ${k + 1}/${solves})`);
    const deformation: Deformation = { kind: 'shear', alpha, beta };
    const born = bornTerm(c, d, deformation);
    const relax = nonAffineRelaxation(h, affineForceResponse(c, d, n, deformation), tol);
    return { alpha, beta, born, nonAffine: relax.value, modulus: (born - relax.value) / volume, relativeResidual: relax.solve.relativeResidual };
  });
  const shearModulus = meanShearModulus(planes);
  progress(planeList.length / solves, `dilation (solve ${solves}/${solves})`);
  const bulk = bulkModulusOf(c, h, d, n, volume, tol);
  const pressure = virialPressure(c, d, volume);
  const transverseSpeed = transverseSoundSpeed(shearModulus, n / volume);
  const omega0 = lowestPhononFrequency(transverseSpeed, L);
  return { shearModulus, planes, bulkModulus: bulk.modulus, bulkRelativeResidual: bulk.relativeResidual, pressure, transverseSpeed, omega0, volume };
}

/** G = mean of G_αβ over the shear planes. */
export function meanShearModulus(planes: readonly { modulus: number }[]): number {
  return planes.reduce((s, p) => s + p.modulus, 0) / planes.length;
}

/** Virial pressure P = −Σ_pairs r φ'(r) / (d V) = −∂V/∂V_box. */
export function virialPressure(c: Contacts, dim: number, volume: number): number {
  let w = 0;
  for (let p = 0; p < c.count; p++) w += c.distance[p] * c.dphi[p];
  return -w / (dim * volume);
}

/**
 * K = V ∂²V/∂V² for x → (1+ε)x, V_box = V(1+ε)^d:
 * ∂²V/∂ε² = d² V² V'' + d(d−1) V V', so K = [∂²V/∂ε²]_relaxed / (d² V) + (d−1) P / d.
 */
function bulkModulusOf(c: Contacts, h: SparseHessian, dim: number, n: number, volume: number, tol: number): { modulus: number; relativeResidual: number } {
  const born = bornTerm(c, dim, { kind: 'dilation' });
  const relax = nonAffineRelaxation(h, affineForceResponse(c, dim, n, { kind: 'dilation' }), tol);
  const modulus = (born - relax.value) / (dim * dim * volume) + ((dim - 1) * virialPressure(c, dim, volume)) / dim;
  return { modulus, relativeResidual: relax.solve.relativeResidual };
}

/** v_T = √(G/ρ) with mass 1. */
export function transverseSoundSpeed(shearModulus: number, density: number): number {
  return Math.sqrt(shearModulus / density);
}

/** Fig. 1c: ω_0 = 2π v_T / L, the lowest transverse phonon of the box. */
export function lowestPhononFrequency(transverseSpeed: number, side: number): number {
  return (2 * Math.PI * transverseSpeed) / side;
}
