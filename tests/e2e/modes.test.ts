// The Configuration and Modes views (three.js) in Debian's Chromium on SwiftShader, against the
// real services through the test bridge, on small real projects with spectra (d = 3, N = 125 and
// d = 2, N = 64, T* = ∞): the configuration is drawn, colouring by a local field puts that field's
// min and max on the colour bar, a click picks the particle the configuration file has there; the
// Modes view shows a mode's ω = √λ and PR as eigenvalues.npy and participation.npy have them, two
// modes side by side move their cameras together; and the scene module the movie exporter uses
// renders the period as it should (phase 0 and ½ are the rest positions). Screenshots go to
// test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createProject } from '../../engine/io/project';
import { runProject } from '../../engine/io/runner';
import { readExtxyz, readNpy } from '../../engine/io/files';
import { modeData, particleFields, sampleSpectrum } from '../../engine/io/results';
import { ensureRendererBuild, startBridge, repoRoot, type Bridge } from './bridge';
import { drawnFraction as drawnFractionOf, launchChromium, openAppPage, openInApp as openProjectInApp, route as goTo, screenshot, setRange as setRangeIn } from './app';

let scratch: string;
let glass3d: string;
let glass2d: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;

const shot = (name: string) => screenshot(page, name);

const openInApp = (dir: string, name: string) => openProjectInApp(page, dir, name);
const route = (hash: string) => goTo(page, hash);

const setRange = (selector: string, value: number) => setRangeIn(page, selector, value);

const drawnFraction = (selector: string) => drawnFractionOf(page, selector);

const canvasPixels = (selector: string) => page.$eval(selector, (element) => (element as HTMLCanvasElement).toDataURL());

beforeAll(async () => {
  browser = await launchChromium();
  await ensureRendererBuild();
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-modes-'));
  // Two small glasses with their spectra (the float64 reference eigensolver: exact and quick at this size).
  glass3d = join(scratch, 'modes-3d');
  createProject(glass3d, { model: { dim: 3, particles: 125 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: true, backend: 'reference' }, samples: 1, seed: 3 }, { name: 'modes-3d' });
  glass2d = join(scratch, 'modes-2d');
  createProject(glass2d, { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: true, backend: 'reference' }, samples: 1, seed: 4 }, { name: 'modes-2d' });
  for (const dir of [glass3d, glass2d]) {
    const run = await runProject(dir, { inProcess: true });
    expect(run.done).toEqual(['s0000']);
  }

  bridge = await startBridge(join(scratch, 'state'), 1);
  page = await openAppPage(browser, bridge);
  await openInApp(glass3d, 'modes-3d');
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('Configuration view', () => {
  it('draws the inherent structure from disk', async () => {
    await route('#/configuration');
    await page.waitForSelector('.viewer canvas');
    await expect(page.locator('section').first().textContent()).resolves.toMatch(/N = 125, L = 5\.0000, d = 3/);
    await page.waitForTimeout(300);
    expect(await drawnFraction('.viewer canvas')).toBeGreaterThan(0.1);
    const bar = page.locator('[aria-label="Colour bar"]');
    const diameters = readExtxyz(join(glass3d, 'samples/s0000/config.extxyz')).diameters;
    expect(Number(await bar.getAttribute('data-min'))).toBe(Math.min(...diameters));
    expect(Number(await bar.getAttribute('data-max'))).toBe(Math.max(...diameters));
    await shot('modes-01-configuration-3d');
  });

  it("colouring by a local field puts the field's min and max on the colour bar", async () => {
    const fields = particleFields(glass3d, 's0000');
    const bar = page.locator('[aria-label="Colour bar"]');
    for (const [option, values, label] of [
      ['energy', fields.energy, 'local energy'],
      ['pressure', fields.pressure, 'local pressure'],
      ['shearStress', fields.shearStress, 'local shear stress'],
    ] as const) {
      await page.selectOption('select[aria-label="Colour by"]', option);
      await page.waitForSelector(`[aria-label="Colour bar"] figcaption:has-text("${label}")`, { timeout: 60_000 });
      expect(Number(await bar.getAttribute('data-min'))).toBe(Math.min(...values));
      expect(Number(await bar.getAttribute('data-max'))).toBe(Math.max(...values));
      // The printed ends are those numbers to 4 digits.
      expect(Number(await bar.locator('.colour-bar-min').textContent())).toBeCloseTo(Math.min(...values), 3);
    }
    await page.selectOption('select[aria-label="Colour by"]', 'energy');
    await page.waitForSelector('[aria-label="Colour bar"] figcaption:has-text("local energy")');
    await page.waitForTimeout(200);
    await shot('modes-02-configuration-energy');
  });

  it('colours by a mode amplitude |e_i| of a stored mode', async () => {
    await page.selectOption('select[aria-label="Colour by"]', 'modeAmplitude');
    await page.waitForSelector('select[aria-label="Mode"]', { timeout: 60_000 });
    await page.selectOption('select[aria-label="Mode"]', '5');
    await page.waitForSelector('[aria-label="Colour bar"] figcaption:has-text("of mode 5")', { timeout: 60_000 });
    const e = modeData(glass3d, 's0000', 5).displacement;
    const amplitudes = Array.from({ length: e.length / 3 }, (_, i) => Math.hypot(e[3 * i], e[3 * i + 1], e[3 * i + 2]));
    const bar = page.locator('[aria-label="Colour bar"]');
    expect(Number(await bar.getAttribute('data-max'))).toBeCloseTo(Math.max(...amplitudes), 12);
    expect(Number(await bar.getAttribute('data-min'))).toBeCloseTo(Math.min(...amplitudes), 12);
    await page.selectOption('select[aria-label="Colour by"]', 'energy');
  });

  it('a click on the canvas centre picks the particle the configuration file has there, and the slab limits the pick', async () => {
    const config = readExtxyz(join(glass3d, 'samples/s0000/config.extxyz'));
    const canvas = page.locator('.viewer canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const panel = page.locator('[aria-label="Picked particle"]');
    await page.waitForSelector('[aria-label="Picked particle"] .picked-index');
    const index = Number(await panel.locator('.picked-index').textContent());
    expect(Number.isInteger(index)).toBe(true);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(125);
    expect(await panel.locator('.picked-diameter').textContent()).toBe(config.diameters[index].toPrecision(6));
    expect(Number(await panel.getAttribute('data-diameter'))).toBe(config.diameters[index]);
    const energy = particleFields(glass3d, 's0000').energy[index];
    expect(Number(await panel.locator('.picked-value').textContent())).toBeCloseTo(energy, 5);
    await page.waitForTimeout(200);
    await shot('modes-03-configuration-picked');

    // A thin slab along z: what is picked now lies in it (its centre within a radius of the slab).
    await page.selectOption('select[aria-label="Slab axis"]', '2');
    await setRange('input[aria-label="Slab position"]', 1.5);
    await setRange('input[aria-label="Slab thickness"]', 1);
    await page.waitForTimeout(200);
    const xs = [0.5, 0.45, 0.55, 0.4, 0.6];
    let inSlab: number | undefined;
    for (const fx of xs) {
      await page.mouse.click(box.x + box.width * fx, box.y + box.height / 2);
      await page.waitForTimeout(100);
      const text = await panel.getAttribute('data-index');
      if (text !== '' && text !== null && Number(text) !== index) {
        inSlab = Number(text);
        break;
      }
    }
    expect(inSlab, 'some click picks a particle in the slab').toBeDefined();
    const z = config.positions[3 * inSlab! + 2];
    const zWrapped = z - 5 * Math.floor(z / 5);
    expect(zWrapped).toBeGreaterThan(1 - config.diameters[inSlab!] / 2 - 1e-9);
    expect(zWrapped).toBeLessThan(2 + config.diameters[inSlab!] / 2 + 1e-9);
    await shot('modes-04-configuration-slab');
    await page.selectOption('select[aria-label="Slab axis"]', 'none');
  });
});

describe('Modes view', () => {
  it('shows the mode the URL names, with ω = √λ and PR from the files on disk', async () => {
    const d = 3;
    const k = d + 2;
    const eigenvalues = readNpy(join(glass3d, 'samples/s0000/eigenvalues.npy')).data;
    const participation = readNpy(join(glass3d, 'samples/s0000/participation.npy')).data;
    await route(`#/modes?sample=s0000&mode=${k}`);
    const facts = page.locator(`[aria-label="Mode ${k}"]`);
    await facts.waitFor({ timeout: 60_000 });
    const omega = Number(await facts.locator('.mode-omega').textContent());
    expect(Math.abs(omega - Math.sqrt(eigenvalues[k])) / Math.sqrt(eigenvalues[k])).toBeLessThan(1e-6);
    expect(omega.toPrecision(5)).toBe(Math.sqrt(eigenvalues[k]).toPrecision(5));
    const pr = Number(await facts.locator('.mode-participation').textContent());
    expect(pr).toBeCloseTo(participation[k], 5);
    expect(Number(await facts.locator('.mode-eigenvalue').textContent())).toBeCloseTo(eigenvalues[k], 6);
    // The list: the d zero modes are marked and cannot be picked; the current mode is highlighted.
    const list = page.locator('table[aria-label="Mode list"]');
    for (let z = 0; z < d; z++) {
      await expect(list.locator(`tr[data-mode="${z}"]`).getAttribute('aria-disabled')).resolves.toBe('true');
      await expect(list.locator(`tr[data-mode="${z}"]`).textContent()).resolves.toMatch(/zero mode/);
    }
    await expect(list.locator(`tr[data-mode="${k}"]`).getAttribute('class')).resolves.toMatch(/current/);
    await page.waitForSelector('.viewport .viewer canvas');
    await page.waitForTimeout(400);
    expect(await drawnFraction('.viewport .viewer canvas')).toBeGreaterThan(0.05);
    await shot('modes-05-mode-3d');

    // A click on a row of the list picks that mode, through the URL.
    await list.locator(`tr[data-mode="${k + 1}"]`).click();
    await page.waitForSelector(`[aria-label="Mode ${k + 1}"]`, { timeout: 60_000 });
    expect(await page.evaluate(() => window.location.hash)).toBe(`#/modes?sample=s0000&mode=${k + 1}`);
  });

  it('refuses a zero mode and a mode without a stored eigenvector, saying why', async () => {
    await route('#/modes?sample=s0000&mode=1');
    await expect(page.locator('.notice.info').first().textContent()).resolves.toMatch(/translational zero modes/);
    const stored = sampleSpectrum(glass3d, 's0000').storedModes;
    await route(`#/modes?sample=s0000&mode=${stored + 3}`);
    await expect(page.locator('.notice.info').first().textContent()).resolves.toMatch(new RegExp(`only the lowest ${stored} modes are stored`));
  });

  it('shows two modes side by side whose cameras move together, with vorticity arrows and a field slice', async () => {
    // Compare the lowest non-zero mode with the most rotational of the next stored ones.
    const spectrum = sampleSpectrum(glass3d, 's0000');
    const candidates = Array.from({ length: 40 }, (_, j) => j + 4);
    const rotational = candidates.reduce((best, j) => ((spectrum.rotationalFraction[j] ?? 0) > (spectrum.rotationalFraction[best] ?? 0) ? j : best), candidates[0]);
    await route(`#/modes?sample=s0000&mode=3&compare=${rotational}`);
    await page.waitForSelector('[aria-label="Second mode"] .viewer canvas', { timeout: 60_000 });
    await page.waitForSelector('[aria-label="First mode"] .viewer canvas');
    expect(await page.locator('.viewport .viewer canvas').count()).toBe(2);
    await page.check('input[aria-label="Vorticity"]');
    await page.waitForSelector('[aria-label="First mode vorticity field"]');
    await page.click('button[aria-label="Pause"]');
    await page.waitForTimeout(400);
    for (const which of ['First', 'Second']) expect(await drawnFraction(`[aria-label="${which} mode"] .viewer canvas`)).toBeGreaterThan(0.05);
    await shot('modes-06-compare-vorticity');

    // Dragging in the first view turns the second one too.
    const before = await canvasPixels('[aria-label="Second mode"] .viewer canvas');
    const first = (await page.locator('[aria-label="First mode"] .viewer canvas').boundingBox())!;
    await page.mouse.move(first.x + first.width / 2, first.y + first.height / 2);
    await page.mouse.down();
    await page.mouse.move(first.x + first.width / 2 + 120, first.y + first.height / 2 + 30, { steps: 6 });
    await page.mouse.up();
    await page.waitForTimeout(400);
    expect(await canvasPixels('[aria-label="Second mode"] .viewer canvas')).not.toBe(before);
    await shot('modes-07-compare-turned');
  });

  it('saves the two views side by side as one labelled PNG, and links to a movie of the same two modes', async () => {
    const hash = await page.evaluate(() => window.location.hash);
    const compare = Number(new URLSearchParams(hash.split('?')[1]).get('compare'));
    const widths = await page.$$eval('.viewport .viewer canvas', (cs) => cs.map((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]));
    await page.click('button:has-text("Save picture (PNG)")');
    await page.waitForSelector('[role="status"]:has-text("Saved")');
    const path = join(bridge.exportDir, `mode-s0000-3-vs-${compare}.png`);
    const png = readFileSync(path);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBe(widths[0][0] + widths[1][0]);
    expect(png.readUInt32BE(20)).toBe(Math.max(widths[0][1], widths[1][1]));
    const link = await page.getAttribute('a:has-text("Movie of these modes")', 'href');
    expect(link).toBe(`#/export?sample=s0000&mode=3&compare=${compare}`);
  });

  it('2D: η colours the disks on a diverging map, over the coarse-grained field', async () => {
    await openInApp(glass2d, 'modes-2d');
    await route('#/modes?sample=s0000&mode=4');
    await page.waitForSelector('[aria-label="Mode 4"]', { timeout: 60_000 });
    await page.check('input[aria-label="Vorticity"]');
    await page.waitForSelector('[aria-label="First mode particle colours"][data-map="diverging"]');
    const particles = page.locator('[aria-label="First mode particle colours"]');
    const mode = modeData(glass2d, 's0000', 4);
    const largest = Math.max(...mode.vorticity.map((v) => Math.abs(v ?? 0)));
    expect(Number(await particles.getAttribute('data-max'))).toBeCloseTo(largest, 12);
    expect(Number(await particles.getAttribute('data-min'))).toBeCloseTo(-largest, 12);
    await page.waitForSelector('[aria-label="First mode vorticity field"]');
    await page.waitForTimeout(400);
    expect(await drawnFraction('.viewport .viewer canvas')).toBeGreaterThan(0.3);
    await shot('modes-08-mode-2d-vorticity');
  });
});

describe('mode scene module (what the movie exporter renders offscreen)', () => {
  it('draws a period on an OffscreenCanvas: phase 0 and ½ at rest, ¼ and ¾ displaced', async () => {
    const bundle = await build({
      stdin: { contents: "import { createModeScene, defaultAmplitude } from './renderer/src/three/modeScene'; Object.assign(window, { createModeScene, defaultAmplitude });", resolveDir: repoRoot, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      logLevel: 'silent',
    });
    const lab = await browser.newPage();
    lab.on('pageerror', (error) => console.error('lab page error:', error.message));
    await lab.goto(`${bridge.url}/__modes-lab`);
    await lab.evaluate(bundle.outputFiles[0].text);
    const mode = modeData(glass3d, 's0000', 5);
    const result = await lab.evaluate((m) => {
      type Scene = { renderFrame(p: number): void; setOptions(o: object): void; renderer: { getContext(): WebGL2RenderingContext }; dispose(): void };
      const w = window as unknown as { createModeScene: (c: OffscreenCanvas, m: unknown, o: object, s: object) => Scene; defaultAmplitude: (m: unknown) => number };
      const canvas = new OffscreenCanvas(160, 120);
      const scene = w.createModeScene(canvas, m, { amplitude: 2 * w.defaultAmplitude(m), showArrows: true, showVorticity: true }, { width: 160, height: 120 });
      const gl = scene.renderer.getContext();
      const frame = (phase: number) => {
        scene.renderFrame(phase);
        const pixels = new Uint8Array(160 * 120 * 4);
        gl.readPixels(0, 0, 160, 120, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
        return pixels;
      };
      const differing = (a: Uint8Array, b: Uint8Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
      const rest = frame(0);
      const half = frame(0.5);
      const quarter = frame(0.25);
      const threeQuarters = frame(0.75);
      scene.setOptions({ background: 0x000000, showArrows: false, showVorticity: false });
      const dark = frame(0);
      scene.dispose();
      return { restVsHalf: differing(rest, half), restVsQuarter: differing(rest, quarter), quarterVsThree: differing(quarter, threeQuarters), restVsDark: differing(rest, dark), canvas: [canvas.width, canvas.height] };
    }, mode);
    expect(result.canvas).toEqual([160, 120]);
    expect(result.restVsHalf).toBe(0);
    expect(result.restVsQuarter).toBeGreaterThan(100);
    expect(result.quarterVsThree).toBeGreaterThan(100);
    expect(result.restVsDark).toBeGreaterThan(1000);
    await lab.close();
  });
});
