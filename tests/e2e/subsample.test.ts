// Issue 15, item 4: the 3D views at large N, in Debian's Chromium on SwiftShader through the test
// bridge. A project of N = 25 000 in 3D (above DRAWN_PARTICLE_LIMIT) is written synthetically — a
// T* = ∞ configuration, the d translations and one localised mode, and its elasticity section, so
// no quench, eigensolver or CG has to run — and both views draw 20 000 instances and say so on
// screen; a project of N = 500 draws every particle and says nothing. Screenshots go to
// test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lowestPhononFrequency, meanShearModulus, shearPlanes, transverseSoundSpeed } from '../../engine/analysis/elasticity';
import { elasticityRecord, fileDigest } from '../../engine/io/elasticityRecord';
import { readExtxyz, writeExtxyz, writeJsonAtomic, writeNpy } from '../../engine/io/files';
import { createProject, openProject, projectStatus, sampleDir } from '../../engine/io/project';
import { resultSettings, settingsDigest } from '../../engine/io/sampleCheck';
import { boxSide } from '../../engine/model/settings';
import { randomConfiguration } from '../../engine/pipeline/stages';
import { participationRatio } from '../../engine/spectrum/participation';
import { APP_VERSION } from '../../engine/version';
import { DRAWN_PARTICLE_LIMIT } from '../../renderer/src/three/subsample';
import { ensureRendererBuild, startBridge, type Bridge } from './bridge';
import { drawnFraction, launchChromium, openAppPage, openInApp, route, screenshot } from './app';

let scratch: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;

/**
 * A finished sample written directly: random positions (T* = ∞, unquenched: the views only draw
 * them), eigenvalues 0, 0, 0, 0.25 with the three translations and a mode localised on the ~200
 * particles nearest particle 0, and a valid elasticity section (ω_0 without a CG).
 */
function syntheticProject(dir: string, particles: number): void {
  createProject(dir, { model: { dim: 3, particles }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: true, method: 'lowest', storedModes: 1 }, samples: 1, seed: 5 }, { name: `synthetic-${particles}` });
  const project = openProject(dir);
  const { settings } = project;
  const entry = project.samples[0];
  const folder = sampleDir(dir, entry.id);
  const state = randomConfiguration(settings, entry.seed);
  const side = boxSide(settings.model);
  const configPath = join(folder, 'config.extxyz');
  writeExtxyz(configPath, { dim: 3, side, positions: state.positions, diameters: state.diameters, info: { energy: 0, max_force: 0, seed: entry.seed } });
  const dn = 3 * particles;
  const modes = new Float64Array(4 * dn);
  for (let a = 0; a < 3; a++) for (let i = 0; i < particles; i++) modes[a * dn + 3 * i + a] = 1 / Math.sqrt(particles);
  // Row 3: a bump of width 2 around particle 0 (periodic distance), along a fixed direction, normalised.
  const mode = modes.subarray(3 * dn);
  let norm = 0;
  for (let i = 0; i < particles; i++) {
    let r2 = 0;
    for (let a = 0; a < 3; a++) {
      let s = state.positions[3 * i + a] - state.positions[a];
      s -= side * Math.round(s / side);
      r2 += s * s;
    }
    const w = Math.exp(-r2 / 8) + 1e-6;
    mode.set([w * 0.6, w * 0.8 * Math.cos(i), w * 0.8 * Math.sin(i)], 3 * i);
  }
  for (const x of mode) norm += x * x;
  for (let k = 0; k < dn; k++) mode[k] /= Math.sqrt(norm);
  const eigenvalues = Float64Array.from([0, 0, 0, 0.25]);
  writeNpy(join(folder, 'eigenvalues.npy'), eigenvalues, [4]);
  writeNpy(join(folder, 'modes.npy'), modes, [4, dn]);
  writeNpy(join(folder, 'participation.npy'), Float64Array.from({ length: 4 }, (_, k) => participationRatio(modes, 3, k * dn, dn)), [4]);
  // Moduli as the elasticity stage would store them (numbers of the order of this model's).
  const volume = side ** 3;
  const planes = shearPlanes(3).map(([alpha, beta], k) => ({ alpha, beta, born: 30 + k, nonAffine: 15, modulus: (15 + k) / volume, relativeResidual: 1e-15 }));
  const shearModulus = meanShearModulus(planes);
  const transverseSpeed = transverseSoundSpeed(shearModulus, particles / volume);
  const moduli = { shearModulus, planes, bulkModulus: 40, bulkRelativeResidual: 1e-15, pressure: 5, transverseSpeed, omega0: lowestPhononFrequency(transverseSpeed, side), volume };
  writeJsonAtomic(join(folder, 'meta.json'), {
    id: entry.id,
    seed: entry.seed,
    version: APP_VERSION,
    timings: {},
    settingsDigest: settingsDigest(settings),
    settings: resultSettings(settings),
    energy: 0,
    energyPerParticle: 0,
    maxForce: 0,
    quench: { method: 'lbfgs', iterations: 0, evaluations: 0, converged: true, reason: 'synthetic (test)', forceTolerance: settings.quench.forceTolerance },
    spectrum: { method: 'lowest', backend: 'synthetic', zeroModes: 3, zeroModeIndices: [0, 1, 2], zeroTolerance: 1e-9, unstable: false, storedModes: 4, storedEigenvalues: 4, lowestEigenvalue: 0, largestEigenvalue: null },
    elasticity: elasticityRecord(moduli, 1e-14, fileDigest(configPath), 0),
  });
  const status = projectStatus(dir).samples[0];
  if (status.state !== 'done') throw new Error(`the synthetic sample is ${status.state}: ${status.error}`);
}

const large = () => join(scratch, 'large');
const small = () => join(scratch, 'small');

beforeAll(async () => {
  browser = await launchChromium();
  await ensureRendererBuild();
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-subsample-'));
  syntheticProject(large(), 25_000);
  syntheticProject(small(), 500);
  bridge = await startBridge(join(scratch, 'state'), 1);
  page = await openAppPage(browser, bridge);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const viewer = (label: string) => page.locator(`${label} .viewer`).first();
const NOTE = `showing 20 000 of 25 000 particles (subsampled for drawing; analysis uses all)`;

describe('the 3D views above the drawing limit', () => {
  it('the Configuration view of N = 25 000 draws 20 000 instances and says so on screen', async () => {
    expect(DRAWN_PARTICLE_LIMIT).toBe(20_000);
    await openInApp(page, large(), 'synthetic-25000');
    await route(page, '#/configuration');
    await page.waitForSelector('.viewer[data-instances="20000"]', { timeout: 120_000 });
    const view = viewer('section');
    expect(await view.getAttribute('data-particles')).toBe('25000');
    await expect(page.locator('.viewer .subsample-note').textContent()).resolves.toBe(NOTE);
    expect(await page.locator('.viewer .subsample-note').isVisible()).toBe(true);
    await page.waitForTimeout(500);
    expect(await drawnFraction(page, '.viewer canvas')).toBeGreaterThan(0.05);
    // The rest of the view speaks of all particles.
    await expect(page.locator('section').first().textContent()).resolves.toMatch(/N = 25000/);
    await screenshot(page, 'subsample-01-configuration-25000');
    // A slab a fifth of the box thick is drawn from its own particles: all of them, and no note.
    await page.selectOption('select[aria-label="Slab axis"]', '0');
    await page.waitForFunction(() => Number(document.querySelector('.viewer')?.getAttribute('data-instances')) < 20000, undefined, { timeout: 60_000 });
    const inSlab = Number(await view.getAttribute('data-instances'));
    expect(inSlab).toBeGreaterThan(25_000 / 5);
    expect(inSlab).toBeLessThan(25_000 / 2);
    expect(await page.locator('.subsample-note').count()).toBe(0);
    await page.waitForTimeout(500);
    expect(await drawnFraction(page, '.viewer canvas')).toBeGreaterThan(0.02);
    await screenshot(page, 'subsample-02-configuration-25000-slab');
    // A click picks by the particle's own index: the particle picked at the centre lies in the slab.
    const canvas = page.locator('.viewer canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('[aria-label="Picked particle"] .picked-index', { timeout: 30_000 });
    const picked = Number(await page.locator('[aria-label="Picked particle"]').getAttribute('data-index'));
    const config = readExtxyz(join(sampleDir(large(), 's0000'), 'config.extxyz'));
    const x = config.positions[3 * picked] - config.side * Math.floor(config.positions[3 * picked] / config.side);
    const half = Math.min(config.side, Math.max(1, config.side / 5)) / 2 + config.diameters[picked] / 2;
    expect(Math.abs(x - config.side / 2)).toBeLessThanOrEqual(half + 1e-9);
    // The whole box again: the subsample and its note are back.
    await page.selectOption('select[aria-label="Slab axis"]', 'none');
    await page.waitForSelector('.viewer[data-instances="20000"] .subsample-note');
  });

  it('the Modes view of N = 25 000 draws 20 000 instances, says so, and reports the mode of all particles', async () => {
    await route(page, '#/modes?sample=s0000&mode=3');
    await page.waitForSelector('.viewport .viewer[data-instances="20000"]', { timeout: 180_000 });
    expect(await page.locator('.viewport .viewer').first().getAttribute('data-particles')).toBe('25000');
    await expect(page.locator('.viewport .subsample-note').first().textContent()).resolves.toBe(NOTE);
    // Still frames from here on: 20 000 animated spheres on software GL would slow the screenshot down.
    await page.click('button:has-text("Pause")');
    await page.waitForTimeout(500);
    expect(await drawnFraction(page, '.viewport .viewer canvas')).toBeGreaterThan(0.02);
    // ω_0 comes from the stored elasticity section (no CG on this unquenched configuration).
    await expect(page.locator('section').first().textContent()).resolves.toMatch(/N = 25000/);
    await screenshot(page, 'subsample-03-modes-25000');
  });
});

describe('the 3D views below the drawing limit', () => {
  it('draw every particle of N = 500 with no note, in both views', async () => {
    await openInApp(page, small(), 'synthetic-500');
    await route(page, '#/configuration');
    await page.waitForSelector('.viewer[data-instances="500"]', { timeout: 60_000 });
    expect(await page.locator('.subsample-note').count()).toBe(0);
    await route(page, '#/modes?sample=s0000&mode=3');
    await page.waitForSelector('.viewport .viewer[data-instances="500"]', { timeout: 60_000 });
    expect(await page.locator('.subsample-note').count()).toBe(0);
  });
});
