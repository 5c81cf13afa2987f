/**
 * `glassmodes run --redo <id>`: a damaged or failed sample recomputed from its seed. Its files are
 * moved aside (nothing is deleted: samples/<id>/replaced-<time>/ keeps them until the user removes
 * it), so that the next run computes the sample again. In a project of chains the parent comes
 * from its chain: a valid parent.extxyz is kept with the chain's record in meta.json, and only the
 * quench and the spectrum are redone.
 */
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { acquireSampleLock, ProjectError, readSampleMeta, sampleDir, type ProjectFile, type SampleMeta } from './project';
import { configurationProblem, metaProblem } from './sampleCheck';
import { writeJsonAtomic } from './files';

/** Files a sample's stages write (the lock and earlier replaced-* folders stay). */
const STAGE_FILES = ['checkpoint.json', 'parent.extxyz', 'config.extxyz', 'unconverged.extxyz', 'meta.json', 'eigenvalues.npy', 'modes.npy', 'participation.npy'];

/** Parses "s0003,4" into sample ids of the project (an index or an id each). */
export function parseRedo(text: string, project: ProjectFile): string[] {
  const ids = text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
    const entry = /^\d+$/.test(t) ? project.samples[Number(t)] : project.samples.find((s) => s.id === t);
    if (!entry) throw new RangeError(`--redo ${t}: not a sample of this project (samples s0000 to ${project.samples[project.samples.length - 1].id}, or indices 0-${project.samples.length - 1})`);
    return entry.id;
  });
  if (ids.length === 0) throw new RangeError('--redo needs one or more sample ids, e.g. --redo s0003,s0007');
  return [...new Set(ids)];
}

/** Moves a sample's stage files aside; returns where they went (undefined when there was nothing to move). */
export function prepareRedo(dir: string, project: ProjectFile, id: string, now = new Date()): string | undefined {
  const entry = project.samples.find((s) => s.id === id)!;
  const folder = sampleDir(dir, id);
  const release = acquireSampleLock(dir, id);
  if (!release) throw new ProjectError(`${id} is being computed by another run (samples/${id}/.lock): redo it when that run has finished`);
  try {
    const chains = project.settings.sampling.chains > 0;
    let keepParent = false;
    let chainMeta: SampleMeta | undefined;
    if (chains && existsSync(join(folder, 'parent.extxyz'))) {
      if (configurationProblem(join(folder, 'parent.extxyz'), project.settings)) {
        throw new ProjectError(
          `${id}: its parent (samples/${id}/parent.extxyz) is damaged, and in a project of chains a parent comes from its chain; to recompute it, move chains/ and the chain's samples aside and run the project again`,
        );
      }
      keepParent = true;
      const meta = readSampleMeta(dir, id);
      if (meta && !metaProblem(meta, entry)) {
        const { quench: _q, spectrum: _s, elasticity: _el, failed: _f, energy: _e, energyPerParticle: _p, maxForce: _m, ...kept } = meta;
        chainMeta = { ...kept, timings: { parent: meta.timings.parent ?? 0 } };
      } else chainMeta = { id, seed: entry.seed, version: project.provenance.version, timings: {} };
    }
    const moving = STAGE_FILES.filter((name) => existsSync(join(folder, name)) && !(keepParent && name === 'parent.extxyz'));
    if (moving.length === 0) return undefined;
    const aside = join(folder, `replaced-${now.toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(aside, { recursive: true });
    for (const name of moving) renameSync(join(folder, name), join(aside, name));
    if (chainMeta) writeJsonAtomic(join(folder, 'meta.json'), chainMeta);
    return aside;
  } finally {
    release();
  }
}

/** The replaced-* folders of a sample (what earlier --redo runs moved aside). */
export function replacedFolders(dir: string, id: string): string[] {
  const folder = sampleDir(dir, id);
  return existsSync(folder) ? readdirSync(folder).filter((n) => n.startsWith('replaced-')) : [];
}
