// Issue 15, item 4: the elastic moduli of a sample are computed once, by the run, and stored in
// meta.json's elasticity section; the Modes view (sampleSpectrum) and the analysis read them, an
// older project without the section still works, and a malformed section makes the sample damaged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elasticModuli, lowestPhononFrequency, meanShearModulus, transverseSoundSpeed } from '../engine/analysis/elasticity';
import { loadEnsemble } from '../engine/io/analysisFiles';
import { fileDigest, type ElasticityRecord } from '../engine/io/elasticityRecord';
import { readExtxyz } from '../engine/io/files';
import { createProject, openProject, ProjectError, projectStatus, sampleDir } from '../engine/io/project';
import { prepareRedo } from '../engine/io/redo';
import { sampleSpectrum } from '../engine/io/results';
import { runProject, type RunEvent } from '../engine/io/runner';
import { makeGlass } from '../engine/model/glass';
import { boxSide } from '../engine/model/settings';
import { analyzeEnsemble } from '../engine/products/ensembleSeries';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-stored-elasticity-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const base = join(scratch, 'base'); // 3D, N = 64, two samples, T* = ∞, run once
const events: RunEvent[] = [];

beforeAll(async () => {
  createProject(base, { model: { dim: 3, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { storedModes: 20, backend: 'reference' }, samples: 2, seed: 11 }, { name: 'base' });
  const summary = await runProject(base, { inProcess: true, onEvent: (e) => events.push(e) });
  expect(summary.done).toEqual(['s0000', 's0001']);
}, 120_000);

let copies = 0;
/** A fresh copy of the run project (each test edits its own). */
function copy(): string {
  const dir = join(scratch, `copy${copies++}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}
const metaPath = (dir: string, id: string) => join(sampleDir(dir, id), 'meta.json');
const readMeta = (dir: string, id: string) => JSON.parse(readFileSync(metaPath(dir, id), 'utf8')) as Record<string, unknown> & { elasticity?: ElasticityRecord };
const writeMeta = (dir: string, id: string, meta: unknown) => writeFileSync(metaPath(dir, id), JSON.stringify(meta, null, 2));

/** The moduli computed afresh from a sample's stored configuration. */
function fresh(dir: string, id: string) {
  const { settings } = openProject(dir);
  const config = readExtxyz(join(sampleDir(dir, id), 'config.extxyz'));
  return elasticModuli(makeGlass(settings.model, config.diameters), config.positions);
}

/** A section as valid as a stored one but with every plane modulus scaled (G, v_T, ω_0 from the same formulas): a planted value. */
function planted(dir: string, id: string, factor: number): ElasticityRecord {
  const { settings } = openProject(dir);
  const record = readMeta(dir, id).elasticity!;
  const planes = record.planes.map((p) => ({ ...p, modulus: p.modulus * factor }));
  const shearModulus = meanShearModulus(planes);
  const side = boxSide(settings.model);
  const transverseSpeed = transverseSoundSpeed(shearModulus, settings.model.particles / record.volume);
  return { ...record, planes, shearModulus, transverseSpeed, omega0: lowestPhononFrequency(transverseSpeed, side) };
}

const analysis = (dir: string, options = {}) => {
  const a = analyzeEnsemble(loadEnsemble(dir).samples, { bootstrapResamples: 10, ...options });
  return { summary: a.summary, series: a.series.map((s) => s.data.map((c) => Array.from(c))) };
};

describe('the elastic moduli stored at run time (meta.json elasticity)', () => {
  it('equal a fresh elasticModuli of the stored configuration to the bit, with the tolerance, the config digest and the time', () => {
    for (const id of ['s0000', 's0001']) {
      const stored = readMeta(base, id).elasticity!;
      const m = fresh(base, id);
      expect(stored.planes).toHaveLength(3);
      for (const key of ['shearModulus', 'bulkModulus', 'bulkRelativeResidual', 'pressure', 'transverseSpeed', 'omega0', 'volume'] as const) expect(Object.is(stored[key], m[key])).toBe(true);
      m.planes.forEach((p, k) => expect(stored.planes[k]).toStrictEqual(p));
      expect(stored.tolerance).toBe(1e-14);
      expect(stored.configDigest).toBe(fileDigest(join(sampleDir(base, id), 'config.extxyz')));
      expect(stored.seconds).toBeGreaterThanOrEqual(0);
      expect(readMeta(base, id).timings).toHaveProperty('elasticity', stored.seconds);
    }
    // The stage reports its progress and its result like the others.
    const progress = events.filter((e): e is Extract<RunEvent, { type: 'progress' }> => e.type === 'progress' && e.stage === 'elasticity');
    expect(progress.some((e) => /shear plane xy/.test(e.message))).toBe(true);
    expect(progress.some((e) => e.fraction === 1 && /ω_0 = .*CG residual/.test(e.message))).toBe(true);
  });

  it('are what the Modes view data path reports: a planted stored omega0 is shown, none computed', () => {
    const dir = copy();
    const meta = readMeta(dir, 's0000');
    const plant = planted(dir, 's0000', 4);
    expect(plant.omega0).not.toBe(meta.elasticity!.omega0);
    writeMeta(dir, 's0000', { ...meta, elasticity: plant });
    expect(sampleSpectrum(dir, 's0000').omega0).toBe(plant.omega0);
  });

  it('give the same analysis numbers as when they are removed and computed there, and a planted section is what the analysis uses', () => {
    const dir = copy();
    const withStored = analysis(dir);
    const ensemble = loadEnsemble(dir);
    expect(ensemble.samples.every((s) => s.moduli !== undefined)).toBe(true);
    for (const id of ['s0000', 's0001']) {
      const { elasticity: _e, ...older } = readMeta(dir, id);
      writeMeta(dir, id, older);
    }
    expect(loadEnsemble(dir).samples.every((s) => s.moduli === undefined)).toBe(true);
    const computed = analysis(dir);
    expect(JSON.stringify(computed)).toBe(JSON.stringify(withStored));
    // Planted in both samples: the analysis reports G of the planted planes.
    const planting = copy();
    for (const id of ['s0000', 's0001']) writeMeta(planting, id, { ...readMeta(planting, id), elasticity: planted(planting, id, 2) });
    expect(analysis(planting).summary.shearModulus.value).toBeCloseTo(2 * withStored.summary.shearModulus.value, 12);
    // Another CG tolerance asked: the stored moduli are not those, so they are computed.
    expect(analysis(planting, { moduliTolerance: 1e-12 }).summary.shearModulus.value).toBeCloseTo(withStored.summary.shearModulus.value, 8);
  });

  it('of an older project without the section are computed as before (the sample is done, the view and the analysis work)', () => {
    const dir = copy();
    const { elasticity: _e, ...older } = readMeta(dir, 's0000');
    writeMeta(dir, 's0000', older);
    expect(projectStatus(dir).samples[0].state).toBe('done');
    expect(sampleSpectrum(dir, 's0000').omega0).toBe(fresh(dir, 's0000').omega0);
    expect(analysis(dir).summary.samples).toBe(2);
  });

  it('that belong to another configuration (config.extxyz replaced after them) are not used', () => {
    const dir = copy();
    const meta = readMeta(dir, 's0000');
    writeMeta(dir, 's0000', { ...meta, elasticity: { ...planted(dir, 's0000', 4), configDigest: '0123456789abcdef' } });
    expect(sampleSpectrum(dir, 's0000').omega0).toBe(fresh(dir, 's0000').omega0);
    expect(loadEnsemble(dir).samples[0].moduli).toBeUndefined();
  });

  it('in a malformed section make the sample damaged, named with its file, for the view, the analysis and the run', async () => {
    const cases: [string, (e: ElasticityRecord) => unknown, RegExp][] = [
      ['a string modulus', (e) => ({ ...e, planes: e.planes.map((p, k) => (k === 1 ? { ...p, modulus: 'x' } : p)) }), /planes\[1\]\.modulus is "x", not a finite number/],
      ['an omega0 edited by hand', (e) => ({ ...e, omega0: e.omega0 * 1.5 }), /omega0 .* is not 2π v_T\/L/],
      ['a plane missing', (e) => ({ ...e, planes: e.planes.slice(1) }), /planes must list the 3 shear plane\(s\) of 3D, got 2/],
      ['no tolerance', ({ tolerance: _t, ...e }) => e, /tolerance is undefined/],
      ['not an object', () => 7, /it is not an object/],
    ];
    for (const [what, edit, reason] of cases) {
      const dir = copy();
      const meta = readMeta(dir, 's0001');
      writeMeta(dir, 's0001', { ...meta, elasticity: edit(meta.elasticity!) });
      const status = projectStatus(dir).samples[1];
      expect(status.state, what).toBe('damaged');
      expect(status.damage!.file).toBe('samples/s0001/meta.json');
      expect(status.damage!.reason).toMatch(/^its elasticity section is malformed: /);
      expect(status.damage!.reason).toMatch(reason);
      expect(() => sampleSpectrum(dir, 's0001')).toThrow(ProjectError);
      expect(() => sampleSpectrum(dir, 's0001')).toThrow(/samples\/s0001\/meta\.json: its elasticity section is malformed.*--redo s0001/);
      expect(() => loadEnsemble(dir)).toThrow(/s0001: samples\/s0001\/meta\.json: its elasticity section is malformed/);
    }
    // The run reports it as damaged and leaves the file as it is.
    const dir = copy();
    writeMeta(dir, 's0001', { ...readMeta(dir, 's0001'), elasticity: 7 });
    const before = readFileSync(metaPath(dir, 's0001'), 'utf8');
    const summary = await runProject(dir, { inProcess: true });
    expect((summary.damaged ?? []).map((d) => d.id)).toEqual(['s0001']);
    expect(readFileSync(metaPath(dir, 's0001'), 'utf8')).toBe(before);
  });

  it('are rewritten by a rerun of the spectrum stage and by --redo', async () => {
    const dir = copy();
    // The spectrum reruns (eigenvalues.npy gone): a planted section is replaced by the moduli of the configuration.
    writeMeta(dir, 's0000', { ...readMeta(dir, 's0000'), elasticity: planted(dir, 's0000', 3) });
    rmSync(join(sampleDir(dir, 's0000'), 'eigenvalues.npy'));
    expect((await runProject(dir, { inProcess: true })).done).toEqual(['s0000']);
    expect(readMeta(dir, 's0000').elasticity).toStrictEqual({ ...readMeta(base, 's0000').elasticity, seconds: readMeta(dir, 's0000').elasticity!.seconds });
    // --redo moves meta.json aside; the new run writes the section again, the same to the bit.
    prepareRedo(dir, openProject(dir), 's0001');
    expect((await runProject(dir, { inProcess: true })).done).toEqual(['s0001']);
    const { seconds: _a, ...redone } = readMeta(dir, 's0001').elasticity!;
    const { seconds: _b, ...original } = readMeta(base, 's0001').elasticity!;
    expect(redone).toStrictEqual(original);
  });
});
