/**
 * Every parameter of a glassmodes project, its default (the paper's, docs/PHYSICS.md §1–4) and its allowed
 * range. `validateSettings` is the one gate: the CLI, the app and the runner pass user input
 * through it, and it names the offending setting and the allowed range when it refuses.
 */
import { makePairPotential } from './potential';

import type { Taper } from './potential';
export type { Taper } from './potential';
export type Temperature = number | 'inf';

export interface ModelSettings {
  /** Spatial dimension d. */
  dim: 2 | 3;
  /** Number of particles N. */
  particles: number;
  /** Number density ρ = N / L^d. */
  density: number;
  /** Diameter range of P(a) ∝ a^-3. */
  diameterMin: number;
  diameterMax: number;
  /** Cutoff r_c (one for all pairs). */
  cutoff: number;
  /** Exponent n of the inverse power law. */
  exponent: number;
  /** Tapering order m of T_m(x) = (1 − x²)^m, or 'inf' for T_∞(x) = exp[x / (2(x − 1))]. */
  taper: Taper;
  /** 'ipl': (a/r_c)^n [x^-n − 1] T(x); 'lj': tapered Lennard-Jones, a potential with a minimum. */
  potential: 'ipl' | 'lj';
}

export interface SamplingSettings {
  /** Parental temperature T*; 'inf' means uniformly random positions. */
  parentTemperature: Temperature;
  /** Swap Monte Carlo sweeps (one sweep = N attempts). */
  sweeps: number;
  /** Probability that an attempt is a diameter swap. */
  swapProbability: number;
  /**
   * Radius δ of the ball from which displacements are drawn, or 'auto': tuned towards
   * `targetAcceptance` during equilibration only (the first half of `sweeps` for independent
   * samples, the `equilibrate` sweeps of a chain), then frozen, so that production obeys detailed
   * balance (engine/sim/stepSize.ts).
   */
  maxDisplacement: number | 'auto';
  /** Displacement acceptance that δ = 'auto' aims at. */
  targetAcceptance: number;
  /** Seconds between checkpoints of a Monte Carlo run. */
  checkpointSeconds: number;
  /**
   * 0: every sample is its own chain of `sweeps` sweeps from random positions (independent
   * samples). C ≥ 1: C chains, each equilibrated once for `equilibrate` sweeps, then yielding a
   * parent every `sampleEvery` sweeps until it has its share of the samples (engine/pipeline/chain.ts).
   */
  chains: number;
  /** Sweeps of a chain before its first parent. */
  equilibrate: number;
  /** Sweeps between successive parents of a chain. */
  sampleEvery: number;
}

export interface QuenchSettings {
  method: 'lbfgs' | 'fire';
  /** Converged when max_i |f_i| ≤ forceTolerance. */
  forceTolerance: number;
  maxIterations: number;
  /** L-BFGS history length. */
  memory: number;
}

export interface SpectrumSettings {
  /** Compute the spectrum stage at all. */
  enabled: boolean;
  /**
   * 'full': all dN eigenpairs by a dense solver; 'lowest': only the K = storedModes lowest non-zero
   * modes (plus the d translations) by the sparse float64 solver (engine/spectrum/lowest.ts).
   * Default: 'full' up to dN = FULL_SPECTRUM_MAX_ORDER, 'lowest' beyond (docs/SPECTRUM.md).
   */
  method: 'full' | 'lowest';
  /** 'full': number K of lowest eigenvectors stored in modes.npy (default min(300, dN)); 'lowest': the K non-zero modes computed (default min(50, dN − d)). */
  storedModes: number;
  /** gpu.js backend, or 'auto' (webgpu → webgl2 → webasm → cpu), or 'reference' (float64 dense). */
  backend: 'auto' | 'webgpu' | 'webgl2' | 'webasm' | 'cpu' | 'reference';
  /**
   * 'lowest' only: the certificate that none of the K lowest was missed (engine/spectrum/lowest.ts).
   * 'auto' (default): the cheaper of the Sylvester inertia and the Krylov check by a fixed cost model
   * (the inertia only where its LDLᵀ costs ≤ INERTIA_AUTO_MAX_FLOPS, 3D: up to N ≈ 2000; the Krylov
   * check is probabilistic: a miss with probability ≤ 2·10⁻⁶, engine/linalg/krylovCheck.ts; the
   * inertia if the check cannot certify and the factor fits CERTIFICATION_BUDGET); 'always': the inertia whatever it costs; 'krylov': the Krylov check at any
   * size; 'never': skipped (meta.json then says "not requested").
   */
  certify: 'auto' | 'always' | 'never' | 'krylov';
}

export interface ProjectSettings {
  model: ModelSettings;
  sampling: SamplingSettings;
  quench: QuenchSettings;
  spectrum: SpectrumSettings;
  /** Number of independent samples in the ensemble. */
  samples: number;
  /** Project seed; sample k uses deriveSeed(seed, k). */
  seed: number;
}

export const DEFAULT_SETTINGS: ProjectSettings = {
  model: {
    dim: 3,
    particles: 1000,
    density: 1,
    diameterMin: 0.73,
    diameterMax: 1.62,
    cutoff: 1.955,
    exponent: 12,
    taper: 2,
    potential: 'ipl',
  },
  sampling: {
    parentTemperature: 'inf',
    sweeps: 1_100_000,
    swapProbability: 0.2,
    maxDisplacement: 0.2,
    targetAcceptance: 0.35,
    checkpointSeconds: 120,
    chains: 0,
    equilibrate: 0,
    sampleEvery: 1000,
  },
  quench: { method: 'lbfgs', forceTolerance: 1e-10, maxIterations: 1_000_000, memory: 10 },
  spectrum: { enabled: true, method: 'full', storedModes: 300, backend: 'auto', certify: 'auto' },
  samples: 1,
  seed: 1,
};

/**
 * Largest dN for which the default spectrum is 'full': the dense float64 solve costs ~20 s and
 * dN² × 8 bytes = 72 MB at dN = 3000 (N = 1000 in 3D, the paper's size) and grows as dN³ and dN².
 */
export const FULL_SPECTRUM_MAX_ORDER = 3000;

/** Default K of the 'lowest' method: the lowest 50 non-zero modes hold the type-II window (docs/PHYSICS.md §4). */
export const LOWEST_DEFAULT_MODES = 50;

export class SettingsError extends Error {
  constructor(
    readonly setting: string,
    readonly allowed: string,
    readonly got: unknown,
    readonly why?: string,
  ) {
    super(`${setting} must be ${allowed} (got ${JSON.stringify(got)})${why ? `: ${why}` : ''}`);
    this.name = 'SettingsError';
  }
}

/** The largest N a project may have: one .extxyz line is ≤ 100 characters, and a file is built as one string of at most 2^29 − 24. */
export const MAX_PARTICLES = 5_000_000;

/**
 * How many times the quench tolerance the pair force at contact of the two smallest particles
 * must exceed: below it (a taper m so large that T_m = (1 − x²)^m underflows) every configuration
 * is already "converged" and every eigenvalue 0, a degenerate glass reported as a result.
 */
export const CONTACT_FORCE_MARGIN = 1e3;

function contactForce(model: ModelSettings): number {
  const out = new Float64Array(3);
  makePairPotential(model).terms(model.diameterMin, model.diameterMin, out);
  return Math.abs(out[1]);
}

function checkContactForce(model: ModelSettings, forceTolerance: number): void {
  const threshold = CONTACT_FORCE_MARGIN * forceTolerance;
  const force = contactForce(model);
  if (Number.isFinite(force) && force >= threshold) return;
  const setting = model.taper !== 'inf' && contactForce({ ...model, taper: 2 }) >= threshold ? 'model.taper' : 'model.exponent';
  let why = `the pair force at contact of the two smallest particles (r = a = ${model.diameterMin}) is |φ'| = ${force.toExponential(3)}, below ${CONTACT_FORCE_MARGIN} × quench.forceTolerance = ${threshold.toExponential(1)}: every configuration would count as an inherent structure, with all eigenvalues ~0`;
  if (setting === 'model.taper') {
    let lo = 2;
    let hi = model.taper as number;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (contactForce({ ...model, taper: mid }) >= threshold) lo = mid;
      else hi = mid;
    }
    why += ` (T_m(x) = (1 − x²)^m ${force === 0 ? 'underflows to 0' : 'is that small'} at x = a/r_c = ${(model.diameterMin / model.cutoff).toFixed(3)}); the largest m that keeps it is ${lo}, or use 'inf' (T_∞)`;
    throw new SettingsError('model.taper', `an integer m ≥ 2 with a non-degenerate potential, or 'inf'`, model.taper, why);
  }
  throw new SettingsError(setting, 'a value that gives a finite, non-negligible pair force at contact', setting === 'model.exponent' ? model.exponent : model.taper, why);
}

/** Box side L = (N/ρ)^(1/d). */
export function boxSide(model: Pick<ModelSettings, 'particles' | 'density' | 'dim'>): number {
  return (model.particles / model.density) ** (1 / model.dim);
}

type Plain = Record<string, unknown>;
const isPlain = (x: unknown): x is Plain => typeof x === 'object' && x !== null && !Array.isArray(x);

function number(obj: Plain, key: string, path: string, fallback: number, allowed: string, ok: (x: number) => boolean): number {
  const value = key in obj ? obj[key] : fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new SettingsError(path ? `${path}.${key}` : key, allowed, value);
  return value;
}

function choice<T extends string>(obj: Plain, key: string, path: string, fallback: T, options: readonly T[]): T {
  const value = key in obj ? obj[key] : fallback;
  if (typeof value !== 'string' || !options.includes(value as T)) throw new SettingsError(`${path}.${key}`, `one of ${options.map((o) => `'${o}'`).join(', ')}`, value);
  return value as T;
}

function section(input: Plain, key: string): Plain {
  const value = input[key] ?? {};
  if (!isPlain(value)) throw new SettingsError(key, 'an object', value);
  const known = Object.keys((DEFAULT_SETTINGS as unknown as Record<string, Plain>)[key]);
  for (const k of Object.keys(value)) if (!known.includes(k)) throw new SettingsError(`${key}.${k}`, `one of the known settings (${known.join(', ')})`, k, 'unknown setting');
  return value;
}

/** Parses a taper given as a number, '2', 'inf', 'Infinity' or ∞. */
export function parseTaper(value: unknown): Taper {
  if (value === 'inf' || value === 'Infinity' || value === '∞' || value === Infinity) return 'inf';
  const m = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 2) {
    throw new SettingsError('model.taper', "an integer m ≥ 2 or 'inf'", value, 'for m < 2 the Hessian is discontinuous at the cutoff r_c, so no harmonic spectrum exists');
  }
  return m;
}

export function parseTemperature(value: unknown, setting = 'sampling.parentTemperature'): Temperature {
  if (value === 'inf' || value === 'Infinity' || value === Infinity) return 'inf';
  const t = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) throw new SettingsError(setting, "a positive number or 'inf'", value);
  return t;
}

/**
 * Fills defaults into (possibly partial) settings and checks every value. Throws a SettingsError
 * naming the first offending setting; returns a complete, frozen-shape ProjectSettings.
 */
export function validateSettings(input: unknown = {}): ProjectSettings {
  if (!isPlain(input)) throw new SettingsError('settings', 'an object', input);
  for (const k of Object.keys(input)) if (!(k in DEFAULT_SETTINGS)) throw new SettingsError(k, `one of ${Object.keys(DEFAULT_SETTINGS).join(', ')}`, k, 'unknown setting');
  const d = DEFAULT_SETTINGS;
  const m = section(input, 'model');
  const dim = number(m, 'dim', 'model', d.model.dim, '2 or 3', (x) => x === 2 || x === 3) as 2 | 3;
  const particles = number(m, 'particles', 'model', d.model.particles, `an integer in [2, ${MAX_PARTICLES}]`, (x) => Number.isInteger(x) && x >= 2);
  if (particles > MAX_PARTICLES) {
    throw new SettingsError('model.particles', `an integer in [2, ${MAX_PARTICLES}]`, particles, `a configuration file (.extxyz) of ${particles} particles is ~${Math.round(particles / 1e4)} million characters, more than the longest string this runtime can build (2^29 − 24)`);
  }
  const density = number(m, 'density', 'model', d.model.density, 'a positive number', (x) => x > 0);
  const diameterMin = number(m, 'diameterMin', 'model', d.model.diameterMin, 'a positive number', (x) => x > 0);
  const diameterMax = number(m, 'diameterMax', 'model', d.model.diameterMax, `a number > model.diameterMin = ${diameterMin}`, (x) => x > diameterMin);
  const cutoff = number(m, 'cutoff', 'model', d.model.cutoff, `a number > model.diameterMax = ${diameterMax}`, (x) => x > diameterMax);
  const exponent = number(m, 'exponent', 'model', d.model.exponent, 'a positive number', (x) => x > 0);
  const taper = parseTaper(m.taper ?? d.model.taper);
  const potential = choice(m, 'potential', 'model', d.model.potential, ['ipl', 'lj'] as const);
  const model: ModelSettings = { dim, particles, density, diameterMin, diameterMax, cutoff, exponent, taper, potential };
  const side = boxSide(model);
  if (side < 2 * cutoff) {
    throw new SettingsError(
      'model.particles',
      `large enough that the box side L = (N/ρ)^(1/d) is at least 2 r_c = ${2 * cutoff}`,
      particles,
      `L = ${side.toPrecision(6)} makes the minimum image ambiguous; use at least ${Math.ceil(density * (2 * cutoff) ** dim)} particles at density ${density}`,
    );
  }

  const s = section(input, 'sampling');
  const sampling: SamplingSettings = {
    parentTemperature: parseTemperature(s.parentTemperature ?? d.sampling.parentTemperature),
    sweeps: number(s, 'sweeps', 'sampling', d.sampling.sweeps, 'a non-negative integer', (x) => Number.isInteger(x) && x >= 0),
    swapProbability: number(s, 'swapProbability', 'sampling', d.sampling.swapProbability, 'a number in [0, 1]', (x) => x >= 0 && x <= 1),
    maxDisplacement:
      s.maxDisplacement === 'auto'
        ? 'auto'
        : number(s, 'maxDisplacement', 'sampling', d.sampling.maxDisplacement as number, `'auto' or a positive number below L/2 = ${side / 2}`, (x) => x > 0 && x < side / 2),
    targetAcceptance: number(s, 'targetAcceptance', 'sampling', d.sampling.targetAcceptance, 'a number in (0, 1)', (x) => x > 0 && x < 1),
    checkpointSeconds: number(s, 'checkpointSeconds', 'sampling', d.sampling.checkpointSeconds, 'a positive number of seconds', (x) => x > 0),
    chains: number(s, 'chains', 'sampling', d.sampling.chains, 'an integer ≥ 1 (or 0 for independent samples)', (x) => Number.isInteger(x) && x >= 0),
    equilibrate: number(s, 'equilibrate', 'sampling', d.sampling.equilibrate, 'a non-negative integer number of sweeps', (x) => Number.isInteger(x) && x >= 0),
    sampleEvery: number(s, 'sampleEvery', 'sampling', d.sampling.sampleEvery, 'an integer ≥ 1 number of sweeps', (x) => Number.isInteger(x) && x >= 1),
  };

  const q = section(input, 'quench');
  const quench: QuenchSettings = {
    method: choice(q, 'method', 'quench', d.quench.method, ['lbfgs', 'fire'] as const),
    forceTolerance: number(q, 'forceTolerance', 'quench', d.quench.forceTolerance, 'a positive number', (x) => x > 0),
    maxIterations: number(q, 'maxIterations', 'quench', d.quench.maxIterations, 'a positive integer', (x) => Number.isInteger(x) && x > 0),
    memory: number(q, 'memory', 'quench', d.quench.memory, 'an integer in [1, 100]', (x) => Number.isInteger(x) && x >= 1 && x <= 100),
  };

  checkContactForce(model, quench.forceTolerance);

  const sp = section(input, 'spectrum');
  const enabled = sp.enabled ?? d.spectrum.enabled;
  if (typeof enabled !== 'boolean') throw new SettingsError('spectrum.enabled', 'true or false', enabled);
  const order = dim * particles;
  const method = choice(sp, 'method', 'spectrum', order <= FULL_SPECTRUM_MAX_ORDER ? 'full' : 'lowest', ['full', 'lowest'] as const);
  const storedModes =
    method === 'full'
      ? number(sp, 'storedModes', 'spectrum', Math.min(d.spectrum.storedModes, order), `an integer in [0, dN = ${order}]`, (x) => Number.isInteger(x) && x >= 0 && x <= order)
      : number(sp, 'storedModes', 'spectrum', Math.min(LOWEST_DEFAULT_MODES, order - dim), `an integer in [1, dN − d = ${order - dim}] with spectrum.method 'lowest' (the K lowest non-zero modes)`, (x) => Number.isInteger(x) && x >= 1 && x <= order - dim);
  const spectrum: SpectrumSettings = {
    enabled,
    method,
    storedModes,
    backend: choice(sp, 'backend', 'spectrum', d.spectrum.backend, ['auto', 'webgpu', 'webgl2', 'webasm', 'cpu', 'reference'] as const),
    certify: choice(sp, 'certify', 'spectrum', d.spectrum.certify, ['auto', 'always', 'never', 'krylov'] as const),
  };

  const samples = number(input, 'samples', '', d.samples, 'an integer in [1, 100000]', (x) => Number.isInteger(x) && x >= 1 && x <= 100000);
  if (sampling.chains > 0 && sampling.parentTemperature === 'inf') {
    throw new SettingsError('sampling.chains', "0 when sampling.parentTemperature is 'inf'", sampling.chains, 'T* = ∞ samples are independent random configurations; chains need a finite T*');
  }
  if (sampling.chains > samples) {
    throw new SettingsError('samples', `at least sampling.chains = ${sampling.chains}`, samples, 'every chain yields at least one sample');
  }
  const seed = number(input, 'seed', '', d.seed, 'a non-negative integer', (x) => Number.isInteger(x) && x >= 0);
  return { model, sampling, quench, spectrum, samples, seed };
}
