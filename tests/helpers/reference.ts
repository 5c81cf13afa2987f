/** The shared reference data of an independent numpy/LAPACK implementation (../shared/reference). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readExtxyz } from '../../engine/io/files';
import { makeGlass } from '../../engine/model/glass';
import { validateSettings } from '../../engine/model/settings';
import { createRng, uniform } from '../../engine/random';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const referenceDir = resolve(repoRoot, '../shared/reference');

export interface ReferenceStructure {
  file: string;
  dim: 2 | 3;
  particles: number;
  taper: number | 'inf';
  rc: number;
  n: number;
  box: number;
  energy: number;
  maxForce: number;
  zeroModes: number;
  lowestNonZeroEigenvalues: number[];
  largestEigenvalue: number;
  traceHessian: number;
  shearModulus: number;
  shearModulusPlanes: number[];
}

export const reference = JSON.parse(readFileSync(resolve(referenceDir, 'reference.json'), 'utf8')) as Record<string, ReferenceStructure> & {
  het_gamma0_1_K3?: unknown;
};

export const STRUCTURES = ['d3_n125_taper2', 'd3_n125_taperinf', 'd2_n100_taper2'] as const;

export function loadReferenceGlass(key: (typeof STRUCTURES)[number]) {
  const r = reference[key];
  const config = readExtxyz(resolve(referenceDir, r.file));
  const settings = validateSettings({ model: { dim: r.dim, particles: r.particles, taper: r.taper, cutoff: r.rc, exponent: r.n } });
  return { ref: r, config, settings, glass: makeGlass(settings.model, config.diameters), positions: config.positions };
}

/** A reference structure as { glass, positions, entry } (entry: its reference.json record). */
export function loadStructure(key: string) {
  const loaded = loadReferenceGlass(key as (typeof STRUCTURES)[number]);
  return { glass: loaded.glass, positions: loaded.positions, entry: loaded.ref };
}

/** A seeded source of uniform numbers in [−½, ½), from the engine's generator. */
export function centredUniform(seed: number): () => number {
  const rng = createRng(seed);
  return () => uniform(rng) - 0.5;
}
