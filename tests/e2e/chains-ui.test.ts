// Projects of chains in the desktop renderer (Debian's Chromium through playwright-core, on the
// real main-process services of the test bridge): Run setup measures the expected Monte Carlo time
// before anything is created and refuses bad chain settings by name; the Jobs view draws one row
// per chain with its E/N trace, τ_α, δ and acceptances, and marks its warnings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectStatus } from '../../engine/io/project';
import { readChainReport } from '../../engine/io/chainRun';
import { ensureRendererBuild, startBridge, type Bridge } from './bridge';
import { launchChromium, openAppPage, screenshot } from './app';

let scratch: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  await ensureRendererBuild();
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-e2e-chains-'));
  bridge = await startBridge(join(scratch, 'state'), 2);
  page = await openAppPage(browser, bridge);
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const field = (name: string) => page.locator(`label:has([name="${name}"])`);
const estimate = () => page.locator('[aria-label="Monte Carlo estimate"]');

async function fill(fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) {
    const select = await page.$(`select[name="${name}"]`);
    if (select) await select.selectOption(value);
    else await page.fill(`input[name="${name}"]`, value);
  }
}

describe('chains in the app', () => {
  it('Run setup shows the measured Monte Carlo time and refuses bad chain settings by name', async () => {
    await page.click('nav >> text="Run setup"');
    await page.waitForSelector('h1:has-text("Run setup")');
    await expect(field('sampling.sweeps').textContent()).resolves.toMatch(/sweeps per independent sample/);
    await expect(field('sampling.maxDisplacement').locator('.hint').textContent()).resolves.toMatch(/'auto': tuned during equilibration towards the target acceptance, then frozen/);
    const dir = join(scratch, 'two-chains');
    await page.fill('input[aria-label="Folder"]', dir);
    await page.uncheck('input[name="spectrum.enabled"]');

    // T* = ∞: no Monte Carlo at all, said at once.
    await fill({ 'model.dim': '2', 'model.particles': '64', samples: '4', 'sampling.parentTemperature': 'inf' });
    await expect(estimate().textContent()).resolves.toMatch(/no Monte Carlo \(T\* = ∞\)/);

    // Independent samples at finite T*: measured in main, per sample.
    await fill({ 'sampling.parentTemperature': '0.3', 'sampling.sweeps': '200000' });
    await page.waitForFunction(() => /per sample/.test(document.querySelector('[aria-label="Monte Carlo estimate"]')?.textContent ?? ''), null, { timeout: 30_000 });
    await expect(estimate().textContent()).resolves.toMatch(/^Monte Carlo: ~\S+ per sample, ~\S+ on one core in all, ~\S+ with 2 workers \(measured here: \d+k attempts\/s at N = 64, T\* = 0\.3\)/);

    // Bad chain settings: the engine's message beside the field, naming the setting; nothing can be created.
    for (const bad of ['-1', '1.5']) {
      await fill({ 'sampling.chains': bad });
      await expect(field('sampling.chains').locator('.error').textContent()).resolves.toMatch(/^sampling\.chains must be an integer ≥ 1 \(or 0 for independent samples\)/);
      expect(await page.isDisabled('button:has-text("Create and run")')).toBe(true);
      expect(await estimate().count()).toBe(0); // no estimate for settings that do not validate
    }
    await fill({ 'sampling.chains': '5' });
    await expect(field('samples').locator('.error').textContent()).resolves.toMatch(/^samples must be at least sampling\.chains = 5/);
    await fill({ 'sampling.chains': '2', 'sampling.equilibrate': '-1' });
    await expect(field('sampling.equilibrate').locator('.error').textContent()).resolves.toMatch(/^sampling\.equilibrate must be a non-negative integer number of sweeps/);
    await fill({ 'sampling.equilibrate': '400', 'sampling.sampleEvery': '0' });
    await expect(field('sampling.sampleEvery').locator('.error').textContent()).resolves.toMatch(/^sampling\.sampleEvery must be an integer ≥ 1/);
    await fill({ 'sampling.sampleEvery': '10', 'sampling.maxDisplacement': 'often' });
    await expect(field('sampling.maxDisplacement').locator('.error').textContent()).resolves.toMatch(/^sampling\.maxDisplacement must be 'auto' or a positive number/);
    await fill({ 'sampling.maxDisplacement': 'auto', 'sampling.targetAcceptance': '1' });
    await expect(field('sampling.targetAcceptance').locator('.error').textContent()).resolves.toMatch(/^sampling\.targetAcceptance must be a number in \(0, 1\)/);
    await fill({ 'sampling.targetAcceptance': '0.35' });
    expect(await page.locator('.error').count()).toBe(0);

    // Chains: the estimate is per chain, 2 chains on the preference's 2 workers.
    await page.waitForFunction(() => /per chain/.test(document.querySelector('[aria-label="Monte Carlo estimate"]')?.textContent ?? ''), null, { timeout: 30_000 });
    await expect(estimate().textContent()).resolves.toMatch(/^Monte Carlo: ~\S+ per chain, ~\S+ on one core in all, ~\S+ with 2 workers \(measured here: \d+k attempts\/s at N = 64, T\* = 0\.3\); quench and spectrum come on top$/);
    expect(existsSync(dir)).toBe(false); // measured before anything was created
    await screenshot(page, 'chains-01-run-setup');
  });

  it('Jobs draws one row per chain with its E/N trace, τ_α, δ and acceptances, and marks its warnings', async () => {
    const dir = join(scratch, 'two-chains');
    await page.click('button:has-text("Create and run")');
    await page.waitForSelector('nav a.active:has-text("Jobs")');
    const card = page.locator('article[aria-label="Job two-chains"]');
    await page.waitForSelector('article[aria-label="Job two-chains"][data-state="done"]', { timeout: 90_000 });
    expect(projectStatus(dir).samples.every((s) => s.state === 'done')).toBe(true);
    await expect(card.locator('.counts').textContent()).resolves.toBe('4/4 samples done');

    const rows = card.locator('table[aria-label="Chains"] tbody tr');
    expect(await rows.count()).toBe(2);
    for (const id of ['c000', 'c001']) {
      const report = readChainReport(dir, id)!;
      const row = card.locator(`tr[data-chain="${id}"]`);
      await expect(row.locator('.parents').textContent()).resolves.toMatch(/^2\/2 written/);
      // The trace: an SVG path with one point per trace entry (421 on disk, downsampled to 200).
      const d = await row.locator(`svg[aria-label="E/N of ${id}"] path`).getAttribute('d');
      expect(d!.match(/[ML]/g)!.length).toBe(200);
      const tau = report.tauAlpha !== null ? `${report.tauAlpha.toFixed(0)} sweeps` : `> ${report.tauAlphaLowerBound} sweeps`;
      await expect(row.locator('.tau').textContent()).resolves.toBe(tau);
      await expect(row.locator('.step').textContent()).resolves.toMatch(new RegExp(`^δ = ${report.delta.toPrecision(3).replace('.', '\\.')} \\(auto, target 0\\.35\\)accepted: displacement 0\\.\\d\\d, swap`));
      // Its warnings, marked: at T* = 0.3 F_s has not decayed after 20 sweeps, so every 10 sweeps is too often.
      expect(report.warnings.length).toBeGreaterThan(0);
      expect(await row.getAttribute('data-warnings')).toBe(String(report.warnings.length));
      await expect(row.locator('.warning[role="note"]').allTextContents()).resolves.toEqual(report.warnings.map((w) => `⚠ ${w}`));
    }
    await expect(card.locator('.warning[role="note"]').first().textContent()).resolves.toMatch(/successive parents are correlated/);
    await screenshot(page, 'chains-02-jobs');
  });
});
