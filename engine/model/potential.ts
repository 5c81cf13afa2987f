/**
 * Pair potentials of docs/PHYSICS.md §1 (paper Eqs. 13–17) with analytic first and second derivatives.
 *
 *   x = r / r_c,   φ(r) = A(r) · T(x) for x < 1, 0 beyond,
 *   IPL-n:  A(r) = (a_ij/r)^n − (a_ij/r_c)^n          ( = (a_ij/r_c)^n [x^-n − 1] )
 *   LJ:     A(r) = 4[(a_ij/r)^12 − (a_ij/r)^6 − (a_ij/r_c)^12 + (a_ij/r_c)^6]
 *   T_m(x) = (1 − x²)^m          (Eq. 16 for m = 2)
 *   T_∞(x) = exp[x / (2(x − 1))] (Eq. 17)
 *
 * T vanishes with its first m derivatives at x = 1, so φ ~ (r_c − r)^(m+1) near the cutoff.
 */
/** Tapering order m of T_m(x) = (1 − x²)^m, or 'inf' for T_∞(x) = exp[x / (2(x − 1))] (re-exported by settings.ts). */
export type Taper = number | 'inf';

/** The settings a pair potential is made from (a part of ModelSettings, which settings.ts builds on this). */
export interface PotentialSettings {
  cutoff: number;
  exponent: number;
  taper: Taper;
  potential: 'ipl' | 'lj';
}

/** x^k for a non-negative integer k by repeated squaring (Math.pow is several times slower here). */
export function integerPower(x: number, k: number): number {
  let result = 1;
  let base = x;
  let e = k;
  while (e > 0) {
    if (e & 1) result *= base;
    base *= base;
    e >>= 1;
  }
  return result;
}

/** Taper value and its first two derivatives with respect to x, written into out[0..2]. */
export type TaperFunction = (x: number, out: Float64Array) => void;

/** T_m(x) = (1 − x²)^m and derivatives, for integer m ≥ 2 (paper Eq. 16 for m = 2). */
export function polynomialTaper(m: number): TaperFunction {
  return (x, out) => {
    const u = 1 - x * x;
    const um2 = integerPower(u, m - 2);
    const um1 = um2 * u;
    out[0] = um1 * u;
    out[1] = -2 * m * x * um1;
    out[2] = -2 * m * um1 + 4 * m * (m - 1) * x * x * um2;
  };
}

/**
 * T_∞(x) = exp[g(x)], g = x / (2(x − 1)) (paper Eq. 17): smooth to all orders at x = 1.
 * g' = −1 / (2(x − 1)²), g'' = 1 / (x − 1)³, T' = T g', T'' = T (g'² + g'').
 */
export function exponentialTaper(): TaperFunction {
  return (x, out) => {
    const xm1 = x - 1;
    const t = Math.exp(x / (2 * xm1));
    const g1 = -1 / (2 * xm1 * xm1);
    const g2 = 1 / (xm1 * xm1 * xm1);
    out[0] = t;
    out[1] = t === 0 ? 0 : t * g1;
    out[2] = t === 0 ? 0 : t * (g1 * g1 + g2);
  };
}

export function taperFunction(taper: Taper): TaperFunction {
  return taper === 'inf' ? exponentialTaper() : polynomialTaper(taper);
}

/**
 * A pair potential with analytic derivatives. `terms(r, a, out)` writes φ(r), φ'(r), φ''(r) for a
 * pair of mean diameter a = a_ij at distance r < cutoff into out[0..2]; it is the hot path of
 * energies, forces, Hessians and stresses alike.
 */
export interface PairPotential {
  readonly cutoff: number;
  readonly settings: PotentialSettings;
  terms(r: number, a: number, out: Float64Array): void;
  energy(r: number, a: number): number;
}

export function makePairPotential(model: PotentialSettings): PairPotential {
  const rc = model.cutoff;
  const taper = taperFunction(model.taper);
  const n = model.exponent;
  const t = new Float64Array(3);
  const envelope = model.potential === 'lj' ? ljEnvelope(rc) : iplEnvelope(n, rc);
  const e = new Float64Array(3);
  const terms = (r: number, a: number, out: Float64Array): void => {
    if (r >= rc) {
      out[0] = 0;
      out[1] = 0;
      out[2] = 0;
      return;
    }
    envelope(r, a, e);
    taper(r / rc, t);
    const t1 = t[1] / rc;
    const t2 = t[2] / (rc * rc);
    out[0] = e[0] * t[0];
    out[1] = e[1] * t[0] + e[0] * t1;
    out[2] = e[2] * t[0] + 2 * e[1] * t1 + e[0] * t2;
  };
  return {
    cutoff: rc,
    settings: { cutoff: rc, exponent: n, taper: model.taper, potential: model.potential },
    terms,
    energy: pairEnergy(model),
  };
}

/**
 * φ(r) alone, for Monte Carlo, which needs no derivatives: the same formulas as `terms`, without
 * the derivative work (tests check the two agree).
 */
function pairEnergy(model: PotentialSettings): (r: number, a: number) => number {
  const rc = model.cutoff;
  const n = model.exponent;
  const m = model.taper;
  const power = Number.isInteger(n) && n > 0 && n <= 64 ? (x: number) => integerPower(x, n) : (x: number) => x ** n;
  const taper = m === 'inf'
    ? (x: number) => Math.exp(x / (2 * (x - 1)))
    : (x: number) => integerPower(1 - x * x, m);
  if (model.potential === 'lj') {
    return (r, a) => {
      if (r >= rc) return 0;
      const s2 = (a / r) * (a / r);
      const s6 = s2 * s2 * s2;
      const c2 = (a / rc) * (a / rc);
      const c6 = c2 * c2 * c2;
      return 4 * (s6 * s6 - s6 - c6 * c6 + c6) * taper(r / rc);
    };
  }
  return (r, a) => (r >= rc ? 0 : (power(a / r) - power(a / rc)) * taper(r / rc));
}

/** A(r) = (a/r)^n − (a/r_c)^n and its r-derivatives. */
function iplEnvelope(n: number, rc: number) {
  const power = Number.isInteger(n) && n > 0 && n <= 64 ? (x: number) => integerPower(x, n) : (x: number) => x ** n;
  return (r: number, a: number, out: Float64Array): void => {
    const q = power(a / r);
    out[0] = q - power(a / rc);
    out[1] = (-n * q) / r;
    out[2] = (n * (n + 1) * q) / (r * r);
  };
}

/** A(r) = 4[(a/r)^12 − (a/r)^6 − (a/r_c)^12 + (a/r_c)^6] and its r-derivatives. */
function ljEnvelope(rc: number) {
  return (r: number, a: number, out: Float64Array): void => {
    const s2 = (a / r) * (a / r);
    const s6 = s2 * s2 * s2;
    const s12 = s6 * s6;
    const c2 = (a / rc) * (a / rc);
    const c6 = c2 * c2 * c2;
    out[0] = 4 * (s12 - s6 - c6 * c6 + c6);
    out[1] = (4 * (-12 * s12 + 6 * s6)) / r;
    out[2] = (4 * (156 * s12 - 42 * s6)) / (r * r);
  };
}

/**
 * The inverse power law factorised for Monte Carlo: φ(r, a_ij) = A(a_i + a_j) · G(r²) with
 *   A(s) = (s/2)^n = a_ij^n,   G(r²) = (r^-n − r_c^-n) T(r/r_c)  (0 for r ≥ r_c),
 * the same φ as `energy` (paper Eqs. 13–17) written so that the geometry G of a pair does not
 * depend on the diameters: a diameter swap changes A only, and for even n with a polynomial taper
 * G needs no square root. Undefined for Lennard-Jones (two powers of a_ij).
 */
export interface PairFactors {
  amplitude(diameterSum: number): number;
  geometry(r2: number): number;
}

export function pairFactors(model: PotentialSettings): PairFactors | undefined {
  if (model.potential !== 'ipl') return undefined;
  const rc = model.cutoff;
  const rc2 = rc * rc;
  const inverseRc2 = 1 / rc2;
  const n = model.exponent;
  const m = model.taper;
  const shift = rc ** -n;
  const amplitude = n === 12
    ? (s: number) => {
        const h = 0.5 * s;
        const h2 = h * h;
        const h4 = h2 * h2;
        return h4 * h4 * h4;
      }
    : Number.isInteger(n) && n > 0 && n <= 64 ? (s: number) => integerPower(0.5 * s, n) : (s: number) => (0.5 * s) ** n;
  // r^-n from r²: a power of 1/r² for even n, else through r.
  const inversePower = n === 12
    ? (r2: number) => {
        const q = 1 / r2;
        const q3 = q * q * q;
        return q3 * q3;
      }
    : Number.isInteger(n) && n % 2 === 0 && n > 0 && n <= 64 ? (r2: number) => integerPower(1 / r2, n / 2) : (r2: number) => r2 ** (-n / 2);
  if (m === 'inf') {
    return {
      amplitude,
      geometry: (r2) => {
        if (r2 >= rc2) return 0;
        const x = Math.sqrt(r2) / rc;
        return (inversePower(r2) - shift) * Math.exp(x / (2 * (x - 1)));
      },
    };
  }
  const taper = m === 2 ? (u: number) => u * u : (u: number) => integerPower(u, m);
  return {
    amplitude,
    geometry: (r2) => (r2 >= rc2 ? 0 : (inversePower(r2) - shift) * taper(1 - r2 * inverseRc2)),
  };
}
