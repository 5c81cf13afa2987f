// The desktop renderer in Debian's Chromium, driven by playwright-core, against the real
// main-process services through the test bridge (docs/DESIGN.md "Testing where the desktop binary is
// missing"): create a project, run it to completion, cancel one midway and keep its finished
// samples, reopen a project, walk every view; a screenshot of every view goes to test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProject, projectStatus } from '../../engine/io/project';
import { readExtxyz } from '../../engine/io/files';
import { makeGlass } from '../../engine/model/glass';
import { computeSpectrum } from '../../engine/spectrum';
import { ensureRendererBuild, startBridge, type Bridge } from './bridge';
import { launchChromium, openAppPage, screenshot } from './app';

let scratch: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;

const shot = (name: string) => screenshot(page, name);

async function go(view: string) {
  await page.click(`nav >> text="${view}"`);
  await page.waitForSelector(`nav a.active:has-text("${view}")`);
}

/** Fills the Run setup form: a project folder plus the settings that differ from the form's defaults. */
async function fillSetup(folder: string, fields: Record<string, string>) {
  await go('Run setup');
  await page.fill('input[aria-label="Folder"]', folder);
  for (const [name, value] of Object.entries(fields)) {
    const select = await page.$(`select[name="${name}"]`);
    if (select) await select.selectOption(value);
    else await page.fill(`input[name="${name}"]`, value);
  }
}

const jobCard = (name: string) => page.locator(`article[aria-label="Job ${name}"]`);

beforeAll(async () => {
  browser = await launchChromium();
  await ensureRendererBuild();
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-e2e-'));
  bridge = await startBridge(join(scratch, 'state'), 1);
  page = await openAppPage(browser, bridge, { width: 1280, height: 860 });
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('desktop renderer on the real services', () => {
  it('explains invalid settings inline, creates a project and runs it to completion', async () => {
    await shot('01-projects-empty');
    const dir = join(scratch, 'first-glass');
    await fillSetup(dir, { 'model.dim': '2', 'model.particles': '64', samples: '3', 'sampling.parentTemperature': 'inf' });
    // An invalid taper: the engine's own message appears beside the field, and nothing can be created.
    await page.fill('input[name="model.taper"]', '1');
    const error = page.locator('label:has(input[name="model.taper"]) .error');
    await expect(error.textContent()).resolves.toMatch(/model\.taper must be an integer m ≥ 2 or 'inf'.*Hessian is discontinuous/);
    expect(await page.isDisabled('button:has-text("Create and run")')).toBe(true);
    await page.fill('input[name="model.particles"]', '10');
    await page.fill('input[name="model.taper"]', '2');
    await expect(page.locator('label:has(input[name="model.particles"]) .error').textContent()).resolves.toMatch(/minimum image/);
    await shot('02-run-setup-invalid');
    await page.fill('input[name="model.particles"]', '64');
    expect(await page.locator('.error').count()).toBe(0);
    await shot('03-run-setup');

    await page.click('button:has-text("Create and run")');
    await page.waitForSelector('nav a.active:has-text("Jobs")');
    await page.waitForSelector('article[aria-label="Job first-glass"][data-state="done"]', { timeout: 60_000 });
    await expect(jobCard('first-glass').locator('.counts').textContent()).resolves.toBe('3/3 samples done');
    expect(projectStatus(dir).samples.map((s) => s.state)).toEqual(['done', 'done', 'done']);
    await shot('04-jobs-done');

    await go('Projects');
    await page.waitForSelector('table[aria-label="Samples"] tr[data-state="done"]');
    expect(await page.locator('table[aria-label="Samples"] tr[data-state="done"]').count()).toBe(3);
    await shot('05-projects-with-project');
  });

  it('cancels a run midway and keeps the samples it finished', async () => {
    const dir = join(scratch, 'cancelled-glass');
    await fillSetup(dir, { 'model.dim': '2', 'model.particles': '64', samples: '4', 'sampling.parentTemperature': '0.5', 'sampling.sweeps': '15000' });
    await page.click('button:has-text("Create and run")');
    const card = jobCard('cancelled-glass');
    // Running: per-sample stage bars and an estimate of the time left.
    await card.locator('tr:has-text("parent (T*)")').first().waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /[0-9]+\/4 samples done/.test(document.querySelector('article[aria-label="Job cancelled-glass"] .counts')?.textContent ?? '') && !/^0\//.test(document.querySelector('article[aria-label="Job cancelled-glass"] .counts')?.textContent ?? ''), null, { timeout: 60_000 });
    await expect(card.locator('.eta').textContent()).resolves.toMatch(/left|estimating/);
    await shot('06-jobs-running');
    await card.locator('button:has-text("Cancel")').click();
    await page.waitForSelector('article[aria-label="Job cancelled-glass"][data-state="cancelled"]', { timeout: 30_000 });
    const states = projectStatus(dir).samples.map((s) => s.state);
    const done = states.filter((s) => s === 'done').length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(4);
    await expect(card.locator('.counts').textContent()).resolves.toBe(`${done}/4 samples done`);
    await shot('07-jobs-cancelled');

    // The project view shows the same thing, read back from disk.
    await go('Projects');
    await page.click('table[aria-label="Recent projects"] tr:has-text("cancelled-glass") button:has-text("Open")');
    await page.waitForSelector('section[aria-label="Open project"] h2:has-text("cancelled-glass")');
    expect(await page.locator('table[aria-label="Samples"] tr[data-state="done"]').count()).toBe(done);
    await expect(page.locator('section[aria-label="Open project"] button.primary').textContent()).resolves.toBe(`Run ${4 - done} pending sample${4 - done === 1 ? '' : 's'}`);
    // And it is offered for resuming; resuming runs only the pending samples.
    await expect(page.locator('[aria-label="Unfinished projects"]').textContent()).resolves.toMatch(new RegExp(`cancelled-glass.*${4 - done} of 4 samples pending`));
    const finished = projectStatus(dir).samples.filter((s) => s.state === 'done').map((s) => s.meta!.timings);
    await page.click('[aria-label="Unfinished projects"] tr:has-text("cancelled-glass") button:has-text("Resume")');
    await page.waitForSelector('nav a.active:has-text("Jobs")');
    await page.waitForSelector('article[aria-label="Job cancelled-glass"][data-state="done"]', { timeout: 60_000 });
    const after = projectStatus(dir).samples;
    expect(after.every((s) => s.state === 'done')).toBe(true);
    expect(after.slice(0, done).map((s) => s.meta!.timings)).toEqual(finished); // not computed again
  });

  it('reopens projects after a fresh load, imports a CLI folder and renames a project', async () => {
    const cli = join(scratch, 'from-cli');
    createProject(cli, { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: false }, samples: 2, seed: 4 }, { createdBy: 'cli' });
    // A fresh load of the app (as after a restart): the state comes back from the services.
    await page.goto(bridge.url);
    await page.waitForSelector('h1:has-text("Projects")');
    await page.waitForSelector('table[aria-label="Recent projects"] tr:has-text("first-glass")');
    await page.click('table[aria-label="Recent projects"] tr:has-text("first-glass") button:has-text("Open")');
    await page.waitForSelector('section[aria-label="Open project"] h2:has-text("first-glass")');
    expect(await page.locator('table[aria-label="Samples"] tr[data-state="done"]').count()).toBe(3);

    await page.fill('input[aria-label="Project folder"]', cli);
    await page.click('button:has-text("Import CLI folder")');
    await page.waitForSelector('section[aria-label="Open project"] h2:has-text("from-cli")');
    expect(await page.locator('table[aria-label="Samples"] tr[data-state="pending"]').count()).toBe(2);

    await page.click('table[aria-label="Recent projects"] tr:has-text("from-cli") button:has-text("Rename")');
    await page.fill('input[aria-label="New name"]', 'Imported glass');
    await page.click('button:has-text("Save")');
    await page.waitForSelector('section[aria-label="Open project"] h2:has-text("Imported glass")');
    expect(projectStatus(cli).project.name).toBe('Imported glass');

    // A folder that is not a project is refused with a message, and nothing is added.
    await page.fill('input[aria-label="Project folder"]', join(scratch, 'nowhere'));
    await page.click('button:has-text("Open")');
    await expect(page.locator('.notice.error').textContent()).resolves.toMatch(/is not a glassmodes project/);
    await shot('08-projects-reopened');
  });

  it('renders every view on the finished project: configuration, modes, spectra after Analyse, theory, export', async () => {
    await page.click('table[aria-label="Recent projects"] tr:has-text("first-glass") button:has-text("Open")');
    await page.waitForSelector('section[aria-label="Open project"] h2:has-text("first-glass")');
    await go('Configuration');
    await page.waitForSelector('.viewer canvas', { timeout: 30_000 });
    await expect(page.locator('section').first().textContent()).resolves.toMatch(/N = 64, L = 8\.0000/);
    await page.waitForTimeout(300);
    await shot('09-configuration');
    // The setup form computes spectra by default, so the first project has modes to show.
    await go('Modes');
    await page.waitForSelector('table[aria-label="Mode list"]', { timeout: 30_000 });
    await page.waitForSelector('canvas', { timeout: 30_000 });
    await shot('10-modes');
    await go('Spectra');
    await page.click('button:has-text("Analyse")');
    await page.waitForSelector('article.figure-card[data-figure="idos"]', { timeout: 60_000 });
    expect(existsSync(join(scratch, 'first-glass/analysis/summary.json'))).toBe(true);
    await shot('11-spectra');
    await go('Theory');
    await page.waitForSelector('article.figure-card[data-figure="het"]', { timeout: 60_000 });
    await shot('12-theory');
    await go('Export');
    await page.waitForSelector('fieldset[aria-label="Mode movie"]');
    await shot('13-export');
    await go('Jobs');
    await shot('14-jobs');
  });
});

describe('compute page (gpu.js on SwiftShader)', () => {
  it('runs the probe kernel on a GPU backend and says which one ran', async () => {
    const compute = await browser.newPage();
    await compute.goto(`${bridge.url}/compute.html`);
    await compute.waitForFunction(() => 'glassmodesCompute' in window);
    const replies = await compute.evaluate(async () => {
      const out: unknown[] = [];
      const handle = (window as unknown as { glassmodesCompute: (r: unknown, post: (m: unknown) => void) => Promise<void> }).glassmodesCompute;
      await handle({ type: 'probe', id: 7, backends: ['webgpu', 'webgl2', 'webasm', 'cpu'] }, (m) => out.push(m));
      return out as { type: string; backend?: string; attempts?: { backend: string; ok: boolean; error?: string }[]; probe?: { maxError: number } }[];
    });
    const result = replies.at(-1)!;
    console.log('compute probe attempts:', JSON.stringify(result.attempts));
    expect(result.type).toBe('result');
    expect(['webgpu', 'webgl2']).toContain(result.backend);
    expect(result.probe!.maxError).toBeLessThan(1e-3);
    expect(replies.filter((r) => r.type === 'attempt').length).toBe(result.attempts!.length);
    // WebGL2 (the fallback when WebGPU is missing or lost) computes too.
    const webgl2 = await compute.evaluate(async () => {
      const out: { type: string; backend?: string }[] = [];
      const handle = (window as unknown as { glassmodesCompute: (r: unknown, post: (m: unknown) => void) => Promise<void> }).glassmodesCompute;
      await handle({ type: 'probe', id: 9, backends: ['webgl2'] }, (m) => out.push(m as { type: string }));
      return out.at(-1)!;
    });
    expect(webgl2, JSON.stringify(webgl2)).toMatchObject({ type: 'result', backend: 'webgl2' });
    await compute.close();
  });

  it('computes a sample spectrum through the compute protocol on the GPU, matching the float64 reference', async () => {
    const dir = join(scratch, 'first-glass');
    const { project } = projectStatus(dir);
    const config = readExtxyz(join(dir, 'samples/s0000/config.extxyz'));
    const reference = await computeSpectrum(makeGlass(project.settings.model, config.diameters), config.positions, { ...project.settings.spectrum, enabled: true, backend: 'reference' });
    const compute = await browser.newPage();
    await compute.goto(`${bridge.url}/compute.html`);
    await compute.waitForFunction(() => 'glassmodesCompute' in window);
    const t0 = performance.now();
    const reply = await compute.evaluate(
      async ({ model, spectrum, positions, diameters }) => {
        const out: { type: string; backend?: string; attempts?: unknown[]; spectrum?: { eigenvalues: ArrayBuffer; summary: Record<string, unknown> }; message?: string }[] = [];
        const handle = (window as unknown as { glassmodesCompute: (r: unknown, post: (m: unknown) => void) => Promise<void> }).glassmodesCompute;
        const request = { type: 'spectrum', id: 8, backends: ['webgpu', 'webgl2'], model, spectrum, positions: Float64Array.from(positions).buffer, diameters: Float64Array.from(diameters).buffer };
        await handle(request, (m) => out.push(m as (typeof out)[number]));
        const last = out.at(-1)!;
        return { type: last.type, backend: last.backend, attempts: last.attempts, message: last.message, eigenvalues: last.spectrum ? Array.from(new Float64Array(last.spectrum.eigenvalues)) : [], summary: last.spectrum?.summary };
      },
      { model: project.settings.model, spectrum: { ...project.settings.spectrum, enabled: true }, positions: Array.from(config.positions), diameters: Array.from(config.diameters) },
    );
    console.log(`compute spectrum (dN = 128): ${reply.type} on ${reply.backend} in ${((performance.now() - t0) / 1000).toFixed(1)} s; attempts ${JSON.stringify(reply.attempts)}; residualMax ${reply.summary?.residualMax}`);
    expect(reply.type, reply.message).toBe('result');
    expect(['webgpu', 'webgl2']).toContain(reply.backend);
    expect(reply.summary?.backend).toBe(reply.backend);
    expect(reply.eigenvalues).toHaveLength(128);
    const lambdaMax = reference.eigenvalues[127];
    let worst = 0;
    for (let k = 0; k < 128; k++) worst = Math.max(worst, Math.abs(reply.eigenvalues[k] - reference.eigenvalues[k]));
    expect(worst).toBeLessThanOrEqual(1e-6 * lambdaMax); // docs/PHYSICS.md §4: all eigenvalues |Δλ| ≤ 1e-6 λ_max
    await compute.close();
  });
});
