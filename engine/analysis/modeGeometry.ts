/**
 * Geometry of a mode (paper Eqs. 49–54, docs/PHYSICS.md §5): the per-particle displacement gradient
 * A^(αγ) = ∂_γ u^α fitted by least squares over the neighbours within r_c (Eq. 51:
 * u_j − u_i ≈ A s_ij), its split into strain ε = ½(A + Aᵀ) and vorticity η = ½ ∇×u (Eqs. 52–54),
 * the rotational fraction of the mode, and a coarse-grained vorticity field on a grid.
 */
import { minimumImage, type Box } from '../space/box';
import { buildPairList, type PairList } from '../space/neighbours';

export interface DisplacementGradients {
  dim: number;
  particles: number;
  /** A_i^(αγ) = ∂_γ u^α at particle i, d×d row-major per particle (NaN where it is undetermined). */
  gradient: Float64Array;
  /** Number of neighbours that entered each fit. */
  neighbours: Int32Array;
}

/** Neighbour pairs within `range` (default: the cutoff) for the gradient fits, built once per configuration. */
export function gradientNeighbours(positions: Float64Array, box: Box, range: number): PairList {
  return buildPairList(positions, box, range);
}

/**
 * Eq. (51) by least squares: A_i = (Σ_j Δu_ij s_ijᵀ)(Σ_j s_ij s_ijᵀ)⁻¹ over the neighbours j of i,
 * s_ij = r_j − r_i (minimum image), Δu_ij = u_j − u_i. A particle with fewer than d neighbours, or
 * neighbours in a lower-dimensional set, gets NaN.
 */
export function displacementGradients(positions: Float64Array, box: Box, mode: ArrayLike<number>, pairs: PairList, modeOffset = 0): DisplacementGradients {
  const d = box.dim;
  const n = positions.length / d;
  const dd = d * d;
  const us = new Float64Array(n * dd); // Σ Δu sᵀ
  const ss = new Float64Array(n * dd); // Σ s sᵀ
  const count = new Int32Array(n);
  const s = new Float64Array(3);
  const du = new Float64Array(3);
  for (let p = 0; p < pairs.count; p++) {
    const i = pairs.i[p];
    const j = pairs.j[p];
    for (let a = 0; a < d; a++) {
      s[a] = minimumImage(positions[d * j + a] - positions[d * i + a], box.side);
      du[a] = mode[modeOffset + d * j + a] - mode[modeOffset + d * i + a];
    }
    // The pair enters the fit of i with (s, Δu) and that of j with (−s, −Δu): the same products.
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const usab = du[a] * s[b];
        const ssab = s[a] * s[b];
        us[i * dd + a * d + b] += usab;
        us[j * dd + a * d + b] += usab;
        ss[i * dd + a * d + b] += ssab;
        ss[j * dd + a * d + b] += ssab;
      }
    }
    count[i]++;
    count[j]++;
  }
  const gradient = new Float64Array(n * dd);
  const inv = new Float64Array(dd);
  for (let i = 0; i < n; i++) {
    const ok = count[i] >= d && invertSmall(ss, i * dd, d, inv);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let v = 0;
        for (let c = 0; c < d; c++) v += us[i * dd + a * d + c] * inv[c * d + b];
        gradient[i * dd + a * d + b] = ok ? v : NaN;
      }
    }
  }
  return { dim: d, particles: n, gradient, neighbours: count };
}

/** Inverse of a symmetric 2×2 or 3×3 block; false when (nearly) singular. */
function invertSmall(m: Float64Array, o: number, d: number, out: Float64Array): boolean {
  if (d === 2) {
    const det = m[o] * m[o + 3] - m[o + 1] * m[o + 2];
    const scale = Math.abs(m[o] * m[o + 3]) + Math.abs(m[o + 1] * m[o + 2]);
    if (!(Math.abs(det) > 1e-12 * scale)) return false;
    out[0] = m[o + 3] / det;
    out[1] = -m[o + 1] / det;
    out[2] = -m[o + 2] / det;
    out[3] = m[o] / det;
    return true;
  }
  const [a, b, c, dd, e, f, g, h, k] = [m[o], m[o + 1], m[o + 2], m[o + 3], m[o + 4], m[o + 5], m[o + 6], m[o + 7], m[o + 8]];
  const A = e * k - f * h;
  const B = -(dd * k - f * g);
  const C = dd * h - e * g;
  const det = a * A + b * B + c * C;
  const scale = Math.abs(a * A) + Math.abs(b * B) + Math.abs(c * C);
  if (!(Math.abs(det) > 1e-12 * scale)) return false;
  out[0] = A / det;
  out[1] = -(b * k - c * h) / det;
  out[2] = (b * f - c * e) / det;
  out[3] = B / det;
  out[4] = (a * k - c * g) / det;
  out[5] = -(a * f - c * dd) / det;
  out[6] = C / det;
  out[7] = -(a * h - b * g) / det;
  out[8] = (a * e - b * dd) / det;
  return true;
}

export interface StrainVorticity {
  /** ε^(αγ) = ½(∂_γ u^α + ∂_α u^γ), d×d per particle (Eq. 52). */
  strain: Float64Array;
  /**
   * η = ½ ∇×u (Eq. 54): in 3D three components per particle,
   * (½(∂_y u_z − ∂_z u_y), ½(∂_z u_x − ∂_x u_z), ½(∂_x u_y − ∂_y u_x)); in 2D the one component ½(∂_x u_y − ∂_y u_x).
   */
  vorticity: Float64Array;
  /** Components of η per particle: 3 in 3D, 1 in 2D. */
  vorticityComponents: number;
}

/** Eqs. (52)–(54): split of each gradient into strain (symmetric) and vorticity (antisymmetric, as a vector). */
export function strainAndVorticity(g: DisplacementGradients): StrainVorticity {
  const d = g.dim;
  const dd = d * d;
  const n = g.particles;
  const A = g.gradient;
  const strain = new Float64Array(n * dd);
  const vc = d === 3 ? 3 : 1;
  const vorticity = new Float64Array(n * vc);
  // du(α, γ) = ∂_γ u^α = A[α][γ]
  for (let i = 0; i < n; i++) {
    const o = i * dd;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) strain[o + a * d + b] = 0.5 * (A[o + a * d + b] + A[o + b * d + a]);
    if (d === 3) {
      vorticity[3 * i] = 0.5 * (A[o + 2 * 3 + 1] - A[o + 1 * 3 + 2]); // ½(∂_y u_z − ∂_z u_y)
      vorticity[3 * i + 1] = 0.5 * (A[o + 0 * 3 + 2] - A[o + 2 * 3 + 0]); // ½(∂_z u_x − ∂_x u_z)
      vorticity[3 * i + 2] = 0.5 * (A[o + 1 * 3 + 0] - A[o + 0 * 3 + 1]); // ½(∂_x u_y − ∂_y u_x)
    } else {
      vorticity[i] = 0.5 * (A[o + 1 * 2 + 0] - A[o + 0 * 2 + 1]);
    }
  }
  return { strain, vorticity, vorticityComponents: vc };
}

/**
 * docs/PHYSICS.md §5: rotational fraction Σ|η|² / (Σ|η|² + Σ|ε|²) with |η| the length of the vorticity vector
 * and |ε|² = Σ_αγ (ε^(αγ))² (Frobenius). 1 for a rigid rotation, 0 for a pure strain. Particles whose
 * gradient is undetermined, or outside `subset` when one is given, are left out.
 */
export function rotationalFraction(sv: StrainVorticity, dim: number, subset?: ArrayLike<number>): number {
  const dd = dim * dim;
  const vc = sv.vorticityComponents;
  const n = sv.vorticity.length / vc;
  let eta = 0;
  let eps = 0;
  const visit = (i: number) => {
    let e2 = 0;
    let h2 = 0;
    for (let k = 0; k < dd; k++) e2 += sv.strain[i * dd + k] ** 2;
    for (let k = 0; k < vc; k++) h2 += sv.vorticity[i * vc + k] ** 2;
    if (Number.isFinite(e2) && Number.isFinite(h2)) {
      eps += e2;
      eta += h2;
    }
  };
  if (subset) for (let k = 0; k < subset.length; k++) visit(subset[k]);
  else for (let i = 0; i < n; i++) visit(i);
  return eta + eps > 0 ? eta / (eta + eps) : NaN;
}

/** Rotational fraction of each of K modes stored row by row (K × dN). */
export function modeRotationalFractions(positions: Float64Array, box: Box, modes: Float64Array, pairs: PairList): Float64Array {
  const dn = positions.length;
  const k = Math.floor(modes.length / dn);
  const out = new Float64Array(k);
  for (let m = 0; m < k; m++) out[m] = rotationalFraction(strainAndVorticity(displacementGradients(positions, box, modes, pairs, m * dn)), box.dim);
  return out;
}

export interface VorticityGrid {
  dim: number;
  /** Nodes per side; node (a, b[, c]) sits at ((a + ½) h, (b + ½) h[, (c + ½) h]). */
  nodes: number;
  spacing: number;
  /** Components per node: 3 in 3D, 1 in 2D. */
  components: number;
  /** Node-major, x fastest: index ((c·nodes + b)·nodes + a)·components + k. */
  values: Float64Array;
}

/**
 * A coarse-grained vorticity field for rendering: at each node of a periodic grid of spacing ≈ h
 * (nodes = round(L/h) per side), the Gaussian-weighted average (width h, cut at 3h, minimum image)
 * of the per-particle vorticity. Nodes with no particle within 3h get 0.
 */
export function coarseGrainedVorticity(positions: Float64Array, box: Box, sv: StrainVorticity, spacing: number): VorticityGrid {
  const d = box.dim;
  const L = box.side;
  const nodes = Math.max(1, Math.round(L / spacing));
  const h = L / nodes;
  const vc = sv.vorticityComponents;
  const total = nodes ** d;
  const values = new Float64Array(total * vc);
  const weight = new Float64Array(total);
  const n = positions.length / d;
  const reach = Math.min(3, Math.floor((nodes - 1) / 2)); // nodes each side within 3h
  const width2 = 2 * h * h;
  const node = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    let finite = true;
    for (let k = 0; k < vc; k++) if (!Number.isFinite(sv.vorticity[i * vc + k])) finite = false;
    if (!finite) continue;
    const base = [0, 0, 0];
    for (let a = 0; a < d; a++) base[a] = Math.round(positions[d * i + a] / h - 0.5);
    const span = 2 * reach + 1;
    const steps = span ** d;
    for (let t = 0; t < steps; t++) {
      let rest = t;
      let r2 = 0;
      let index = 0;
      let stride = 1;
      for (let a = 0; a < d; a++) {
        const off = (rest % span) - reach;
        rest = Math.floor(rest / span);
        node[a] = (((base[a] + off) % nodes) + nodes) % nodes;
        const dx = minimumImage((node[a] + 0.5) * h - positions[d * i + a], L);
        r2 += dx * dx;
        index += node[a] * stride;
        stride *= nodes;
      }
      if (r2 > 9 * h * h) continue;
      const w = Math.exp(-r2 / width2);
      weight[index] += w;
      for (let k = 0; k < vc; k++) values[index * vc + k] += w * sv.vorticity[i * vc + k];
    }
  }
  for (let m = 0; m < total; m++) if (weight[m] > 0) for (let k = 0; k < vc; k++) values[m * vc + k] /= weight[m];
  return { dim: d, nodes, spacing: h, components: vc, values };
}

/**
 * The two strain invariants of each particle (Eq. 52): the volumetric strain tr ε and the shear
 * strain ‖dev ε‖ = ‖ε − (tr ε / d) 1‖ (Frobenius), NaN where the gradient is undetermined.
 */
export function strainInvariants(sv: StrainVorticity, dim: number): { volumetric: Float64Array; shear: Float64Array } {
  const dd = dim * dim;
  const n = sv.strain.length / dd;
  const volumetric = new Float64Array(n);
  const shear = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let trace = 0;
    for (let a = 0; a < dim; a++) trace += sv.strain[i * dd + a * dim + a];
    let sum = 0;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) sum += (sv.strain[i * dd + a * dim + b] - (a === b ? trace / dim : 0)) ** 2;
    volumetric[i] = trace;
    shear[i] = Math.sqrt(sum);
  }
  return { volumetric, shear };
}

/** |v_i| of per-particle vectors with `components` entries each (NaN stays NaN). */
export function vectorMagnitudes(values: ArrayLike<number>, components: number): Float64Array {
  const n = Math.floor(values.length / components);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < components; k++) sum += values[components * i + k] ** 2;
    out[i] = Math.sqrt(sum);
  }
  return out;
}

/**
 * The amplitude A for which r_i + A e_i moves the particle that moves most by `excursion`:
 * A = excursion / max_i |e_i| (e is a unit vector over all dN components, so its per-particle
 * entries are ~1/√N). 0 for a mode that moves no particle. The app's scenes, the movie export and
 * the extended-XYZ animation all scale a mode by it.
 */
export function excursionAmplitude(mode: ArrayLike<number>, dim: number, excursion: number): number {
  let largest = 0;
  for (let i = 0; i + dim <= mode.length; i += dim) {
    let sum = 0;
    for (let a = 0; a < dim; a++) sum += mode[i + a] ** 2;
    largest = Math.max(largest, Math.sqrt(sum));
  }
  return largest > 0 ? excursion / largest : 0;
}
