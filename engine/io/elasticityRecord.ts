/**
 * meta.json's `elasticity` section (docs/PROJECT_FORMAT.md): the elastic moduli of a sample's
 * inherent structure (engine/analysis/elasticity.ts elasticModuli), computed once by the run's
 * elasticity stage and read back by every consumer — the Modes view's ω_0 (results.ts
 * sampleSpectrum) and `glassmodes analyze` (analysisFiles.ts loadEnsemble) — instead of four
 * conjugate-gradient solves on every open (286 s at N = 10^5 in 3D, issue 15).
 *
 * The section records the CG tolerance it was computed with and the sha256 of the config.extxyz it
 * belongs to: a consumer uses it only when both match (another tolerance asked, or a configuration
 * replaced after the section was written, and the moduli are computed as before). A section that
 * is malformed makes the sample damaged (sampleCheck.ts readCheckedMeta), named with its file, as
 * for every other file of a sample.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lowestPhononFrequency, meanShearModulus, shearPlanes, transverseSoundSpeed, type ElasticModuli } from '../analysis/elasticity';
import { boxSide, type ProjectSettings } from '../model/settings';

/** What meta.json's `elasticity` holds: the moduli as elasticModuli returns them, and how and from what they were computed. */
export interface ElasticityRecord extends ElasticModuli {
  /** The CG tolerance on ‖b − Hx‖/‖b‖ the solves were asked for. */
  tolerance: number;
  /** sha256 (first 16 hex digits) of the config.extxyz the moduli are of. */
  configDigest: string;
  /** Wall-clock seconds the four (3D) or two (2D) solves took. */
  seconds: number;
}

/** sha256 (first 16 hex digits) of a file's bytes: which configuration an elasticity section belongs to. */
export function fileDigest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
}

/** The section as the elasticity stage writes it. */
export function elasticityRecord(moduli: ElasticModuli, tolerance: number, configDigest: string, seconds: number): ElasticityRecord {
  return { ...moduli, tolerance, configDigest, seconds };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * What is wrong with a parsed `elasticity` section, or undefined: every field present with its
 * type, the planes those of elasticModuli, and the derived numbers (G the mean of the planes,
 * v_T = √(G/ρ), ω_0 = 2π v_T/L, the volume L^d) equal to the bit to what the same functions give
 * from the stored ones — so a hand-edited or truncated section is refused, not shown. v_T and ω_0
 * are null (JSON's NaN) exactly where G < 0.
 */
export function elasticityProblem(raw: unknown, settings: ProjectSettings): string | undefined {
  if (!isObject(raw)) return 'it is not an object';
  const finite = (key: string, x: unknown): string | undefined => (typeof x === 'number' && Number.isFinite(x) ? undefined : `${key} is ${JSON.stringify(x)}, not a finite number`);
  for (const key of ['shearModulus', 'bulkModulus', 'bulkRelativeResidual', 'pressure', 'volume', 'seconds'] as const) {
    const problem = finite(key, raw[key]);
    if (problem) return problem;
  }
  if (!(typeof raw.tolerance === 'number' && raw.tolerance > 0 && raw.tolerance < 1)) return `tolerance is ${JSON.stringify(raw.tolerance)}, not a number in (0, 1)`;
  if (!(typeof raw.configDigest === 'string' && /^[0-9a-f]{16}$/.test(raw.configDigest))) return `configDigest is ${JSON.stringify(raw.configDigest)}, not 16 hex digits`;
  if ((raw.seconds as number) < 0 || (raw.bulkRelativeResidual as number) < 0) return 'seconds and residuals must not be negative';
  const { dim, particles } = settings.model;
  const expected = shearPlanes(dim);
  if (!Array.isArray(raw.planes) || raw.planes.length !== expected.length) return `planes must list the ${expected.length} shear plane(s) of ${dim}D, got ${Array.isArray(raw.planes) ? raw.planes.length : JSON.stringify(raw.planes)}`;
  for (let k = 0; k < expected.length; k++) {
    const p = raw.planes[k] as unknown;
    if (!isObject(p) || p.alpha !== expected[k][0] || p.beta !== expected[k][1]) return `planes[${k}] is not the shear plane (${expected[k].join(', ')})`;
    for (const key of ['born', 'nonAffine', 'modulus', 'relativeResidual'] as const) {
      const problem = finite(`planes[${k}].${key}`, p[key]);
      if (problem) return problem;
    }
    if ((p.relativeResidual as number) < 0) return `planes[${k}].relativeResidual is negative`;
  }
  const side = boxSide(settings.model);
  const volume = side ** dim;
  if (raw.volume !== volume) return `volume is ${raw.volume}, the box of the settings has ${volume}`;
  const g = meanShearModulus(raw.planes as { modulus: number }[]);
  if (raw.shearModulus !== g) return `shearModulus ${raw.shearModulus} is not the mean ${g} of its planes`;
  const speed = transverseSoundSpeed(g, particles / volume);
  const omega0 = lowestPhononFrequency(speed, side);
  const same = (x: unknown, want: number) => (Number.isNaN(want) ? x === null : x === want);
  if (!same(raw.transverseSpeed, speed)) return `transverseSpeed ${JSON.stringify(raw.transverseSpeed)} is not √(G/ρ) = ${speed} of its G`;
  if (!same(raw.omega0, omega0)) return `omega0 ${JSON.stringify(raw.omega0)} is not 2π v_T/L = ${omega0} of its G`;
  return undefined;
}

/**
 * The stored moduli of a sample, when its meta.json has an elasticity section computed with
 * `tolerance` (any, when not given: the caller compares) from the config.extxyz now in `folder`;
 * otherwise undefined (compute them). The
 * section's schema was checked with the rest of meta.json (sampleStatus); JSON's null is NaN.
 */
export function storedElasticity(folder: string, meta: { elasticity?: unknown } | undefined, tolerance?: number): ElasticityRecord | undefined {
  const raw = meta?.elasticity;
  if (!isObject(raw) || (tolerance !== undefined && raw.tolerance !== tolerance)) return undefined;
  if (raw.configDigest !== fileDigest(join(folder, 'config.extxyz'))) return undefined;
  const record = raw as unknown as ElasticityRecord;
  const nan = (x: unknown) => (x === null ? NaN : (x as number));
  return { ...record, planes: record.planes.map((p) => ({ ...p })), transverseSpeed: nan(record.transverseSpeed), omega0: nan(record.omega0) };
}
