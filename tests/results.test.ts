// What the app's views read from a project: per-particle stresses that add up to the virial
// pressure, analysis/ read back exactly as written, a sample's spectrum and one mode's geometry,
// all through the results worker the main process uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriesFromCsv, seriesToCsv, makeSeries } from '../engine/series';
import { localPressures, localShearStresses, particleStresses } from '../engine/analysis/stress';
import { virialPressure } from '../engine/analysis/elasticity';
import { gradientNeighbours, modeRotationalFractions } from '../engine/analysis/modeGeometry';
import { participationRatio } from '../engine/spectrum/participation';
import { contacts, makeGlass, particleEnergies, totalEnergy } from '../engine/model/glass';
import { loadEnsemble, readAnalysis } from '../engine/io/analysisFiles';
import { analyzeEnsemble } from '../engine/products/ensembleSeries';
import { readExtxyz, readNpy } from '../engine/io/files';
import { createProject } from '../engine/io/project';
import { runProject } from '../engine/io/runner';
import { validateSettings } from '../engine/model/settings';
import { ResultsService } from '../main/services/results-service';
import { loadReferenceGlass } from './helpers/reference';

let scratch: string;
let dir: string;
const results = new ResultsService();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-results-'));
  dir = join(scratch, 'glass');
  createProject(dir, { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { storedModes: 40, backend: 'reference' }, samples: 2, seed: 3 });
  const summary = await runProject(dir, { inProcess: true });
  expect(summary.done).toHaveLength(2);
});

afterAll(async () => {
  await results.shutdown();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('per-particle fields', () => {
  it('local energies add up to V and local pressures to the virial pressure times the volume', () => {
    const { glass, positions } = loadReferenceGlass('d3_n125_taper2');
    const energies = particleEnergies(glass, positions);
    expect(energies.reduce((a, b) => a + b, 0)).toBeCloseTo(totalEnergy(glass, positions), 10);
    const c = contacts(glass, positions);
    const stresses = particleStresses(c, 3, positions.length / 3);
    const volume = glass.box.side ** 3;
    const pressureTimesVolume = localPressures(stresses, 3).reduce((a, b) => a + b, 0);
    expect(pressureTimesVolume / volume).toBeCloseTo(virialPressure(c, 3, volume), 12);
    // The shear stress is the traceless part's norm: zero for an isotropic tensor, |σ_xy|·√2 for pure shear.
    const iso = Float64Array.from([2, 0, 0, 0, 2, 0, 0, 0, 2]);
    const shear = Float64Array.from([0, 1.5, 0, 1.5, 0, 0, 0, 0, 0]);
    expect(localShearStresses(iso, 3)[0]).toBe(0);
    expect(localShearStresses(shear, 3)[0]).toBeCloseTo(1.5 * Math.SQRT2, 14);
  });
});

describe('analysis/ read back', () => {
  it('a series survives CSV both ways, NaN and infinities included, and a malformed table is refused by row', () => {
    const series = makeSeries('demo', 'a test series', [
      ['omega', 'sqrt(eps/m)/a', [0.1, 1 / 3, 2]],
      ['g', '1', [NaN, Infinity, -1e-300]],
    ]);
    const back = seriesFromCsv('demo', 'a test series', seriesToCsv(series));
    expect(back.columns).toEqual(series.columns);
    expect(Array.from(back.data[0])).toEqual(Array.from(series.data[0]));
    expect(Array.from(back.data[1])).toEqual([NaN, Infinity, -1e-300]);
    expect(() => seriesFromCsv('demo', '', 'omega,g\n1,2\n3\n')).toThrow(/demo\.csv row 3: 1 values, expected 2/);
    expect(() => seriesFromCsv('demo', '', 'omega,g\n1,x\n')).toThrow(/'x' is not a number/);
  });

  it('is null before the analysis, equal to what was written after it, and a damaged summary is refused', async () => {
    expect(await results.analysis(dir)).toBeNull();
    const progress: { fraction: number; message: string; dir: string }[] = [];
    const off = results.onAnalysisProgress((event) => progress.push(event));
    const analysed = await results.analyze(dir);
    off();
    // Progress along the way: from 0, never backwards, through each sample's moduli (stored by the run), to 1.
    expect(progress[0].fraction).toBe(0);
    expect(progress.at(-1)).toMatchObject({ fraction: 1, dir });
    for (let k = 1; k < progress.length; k++) expect(progress[k].fraction).toBeGreaterThanOrEqual(progress[k - 1].fraction);
    expect(progress.map((p) => p.message)).toContain('elastic moduli of s0001 (2/2), stored by the run');
    expect(analysed.summary.samples).toBe(2);
    expect(analysed.summary.provenance?.samples).toEqual(['s0000', 's0001']);
    const again = await results.analysis(dir);
    expect(again).toEqual(analysed);
    const stored = readAnalysis(dir)!;
    const dos = stored.series.find((s) => s.name === 'dos_linear')!;
    const sent = analysed.series.find((s) => s.name === 'dos_linear')!;
    expect(sent.data[1]).toEqual(Array.from(dos.data[1], (x) => (Number.isFinite(x) ? x : null)));

    const broken = join(scratch, 'broken');
    createProject(broken, { model: { dim: 2, particles: 64 }, samples: 1, seed: 1 });
    mkdirSync(join(broken, 'analysis'), { recursive: true });
    writeFileSync(join(broken, 'analysis/summary.json'), '{"samples": 1');
    await expect(results.analysis(broken)).rejects.toThrow(/summary\.json is not valid JSON.*run glassmodes analyze/);
  });
});

describe('one sample alone', () => {
  it('is the analysis of that sample as its own ensemble, computed without writing', async () => {
    rmSync(join(dir, 'analysis'), { recursive: true, force: true });
    const single = await results.sampleAnalysis(dir, 's0001');
    expect(single.summary.samples).toBe(1);
    expect(single.summary.provenance.samples).toEqual(['s0001']);
    expect(single.name).toMatch(/· s0001$/);
    const ensemble = loadEnsemble(dir, ['s0001']);
    const direct = analyzeEnsemble(ensemble.samples);
    const dos = direct.series.find((x) => x.name === 'dos_linear')!;
    expect(single.series.find((x) => x.name === 'dos_linear')!.data[1]).toEqual(Array.from(dos.data[1], (x) => (Number.isFinite(x) ? x : null)));
    expect(single.summary.s.value).toBe(direct.summary.s.value);
    expect(await results.analysis(dir)).toBeNull(); // nothing written
    await expect(results.sampleAnalysis(dir, 's0007')).rejects.toThrow(/s0007 is not a sample/);
  });
});

describe('sample spectrum and modes', () => {
  it('gives the stored eigenvalues, d zero modes, and rotational fractions of the stored modes', async () => {
    const spectrum = await results.spectrum(dir, 's0000');
    const folder = join(dir, 'samples/s0000');
    const eigenvalues = readNpy(join(folder, 'eigenvalues.npy')).data;
    expect(spectrum.eigenvalues).toEqual(Array.from(eigenvalues));
    expect(spectrum.zeroModes).toEqual([0, 1]);
    expect(spectrum.storedModes).toBe(40);
    expect(spectrum.frequencies[10]).toBe(Math.sqrt(eigenvalues[10]));
    const config = readExtxyz(join(folder, 'config.extxyz'));
    const settings = validateSettings({ model: { dim: 2, particles: 64 } });
    const glass = makeGlass(settings.model, config.diameters);
    const modes = readNpy(join(folder, 'modes.npy')).data;
    const fractions = modeRotationalFractions(config.positions, glass.box, modes, gradientNeighbours(config.positions, glass.box, glass.potential.cutoff));
    expect(spectrum.rotationalFraction[7]).toBe(fractions[7]);
    expect(spectrum.omega0).toBeGreaterThan(0);
  });

  it('keeps a sample spectrum until its files change', async () => {
    const first = await results.spectrum(dir, 's0001');
    expect(await results.spectrum(dir, 's0001')).toBe(first);
    const file = join(dir, 'samples/s0001/eigenvalues.npy');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    const again = await results.spectrum(dir, 's0001');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('gives one mode with unit displacement, its PR, vorticity per particle and a coarse-grained grid', async () => {
    const mode = await results.mode(dir, 's0000', 5, 2);
    const modes = readNpy(join(dir, 'samples/s0000/modes.npy')).data;
    expect(mode.displacement).toEqual(Array.from(modes.subarray(5 * 128, 6 * 128)));
    expect(Math.hypot(...mode.displacement)).toBeCloseTo(1, 10);
    expect(mode.participation).toBe(participationRatio(modes, 2, 5 * 128, 128));
    expect(mode.omega).toBe(Math.sqrt(mode.eigenvalue));
    expect(mode.vorticityComponents).toBe(1);
    expect(mode.vorticity).toHaveLength(64);
    expect(mode.grid.nodes).toBe(Math.round(mode.side / 2));
    expect(mode.grid.values).toHaveLength(mode.grid.nodes ** 2);
    const spectrum = await results.spectrum(dir, 's0000');
    expect(mode.rotationalFraction).toBe(spectrum.rotationalFraction[5]);
  });

  it('refuses a mode without a stored eigenvector and a sample that does not exist, by name', async () => {
    await expect(results.mode(dir, 's0000', 40)).rejects.toThrow(/mode 40 of s0000 has no stored eigenvector: modes\.npy holds the lowest 40/);
    await expect(results.spectrum(dir, 's0009')).rejects.toMatchObject({ name: 'ProjectError', message: expect.stringMatching(/s0009 is not a sample/) });
  });

  it('gives local energy, pressure and shear stress of every particle', async () => {
    const fields = await results.particleFields(dir, 's0001');
    expect(fields.energy).toHaveLength(64);
    expect(fields.pressure).toHaveLength(64);
    expect(fields.shearStress.every((x) => x >= 0)).toBe(true);
  });
});
