// Issue 13 in Debian's Chromium against the real services (tests/e2e/bridge.ts): Projects →
// Import configurations… makes a project from an extended XYZ file, and Export → Modes for OVITO
// and ASE saves the same text as `glassmodes export-modes`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatExtxyz } from '../../engine/io/extxyz';
import { openProject } from '../../engine/io/project';
import { runProject } from '../../engine/io/runner';
import { exportModes } from '../../engine/io/modeExport';
import { makeGlass } from '../../engine/model/glass';
import { validateSettings } from '../../engine/model/settings';
import { quench } from '../../engine/minimize/quench';
import { createRng, uniform } from '../../engine/random';
import { ensureRendererBuild, startBridge, type Bridge } from './bridge';
import { launchChromium, openAppPage, route, screenshot } from './app';

let scratch: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  await ensureRendererBuild();
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-import-e2e-'));
  // A glass made "elsewhere": 2D, N = 64, quenched, written as extended XYZ.
  const settings = validateSettings({ model: { dim: 2, particles: 64, taper: 2 } });
  const side = 8;
  const rng = createRng(4);
  const diameters = Float64Array.from({ length: 64 }, (_, i) => [0.9, 1.2][i % 2]);
  const q = quench(makeGlass(settings.model, diameters), Float64Array.from({ length: 128 }, () => uniform(rng) * side), settings.quench);
  expect(q.converged).toBe(true);
  writeFileSync(join(scratch, 'glass.extxyz'), formatExtxyz({ dim: 2, side, positions: q.positions, diameters, info: {} }));
  bridge = await startBridge(join(scratch, 'state'), 1);
  page = await openAppPage(browser, bridge);
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('Import configurations… and Modes for OVITO and ASE', () => {
  it('imports a file as a project, and exports its modes as the CLI does', async () => {
    const dir = join(scratch, 'imported');
    await page.click('button:has-text("Import configurations…")');
    await page.fill('textarea[aria-label="Configuration files"]', join(scratch, 'glass.extxyz'));
    await page.fill('input[aria-label="New project folder"]', dir);
    // A refusal first: a tolerance the configuration does not meet is shown, and nothing is written.
    await page.fill('input[aria-label="Force tolerance"]', '1e-30');
    await page.click('fieldset[aria-label="Import configurations"] button:has-text("Import")');
    await page.waitForSelector('fieldset[aria-label="Import configurations"] [role="alert"]:has-text("--as-is")');
    await page.fill('input[aria-label="Force tolerance"]', '1e-9');
    await page.click('fieldset[aria-label="Import configurations"] button:has-text("Import")');
    await page.waitForSelector('section[aria-label="Open project"] h2:has-text("imported")');
    await screenshot(page, 'import-projects');
    const project = openProject(dir);
    expect(project.provenance.createdBy).toBe('app import');
    expect(project.imported?.mode).toBe('as-is');
    expect(project.settings.model).toMatchObject({ dim: 2, particles: 64, density: 1 });
    expect((await runProject(dir, { inProcess: true })).failed).toEqual([]);

    await route(page, '#/projects');
    await page.fill('input[aria-label="Project folder"]', dir);
    await page.click('button:has-text("Open")');
    await route(page, '#/export');
    await page.waitForSelector('fieldset[aria-label="Modes for OVITO and ASE"]');
    await page.fill('input[aria-label="Modes to export"]', '2-4');
    await page.click('button:has-text("Save extended XYZ…")');
    const saved = await page.waitForSelector('[aria-label="Mode file saved"]');
    expect(await saved.textContent()).toMatch(/saved 3 frame\(s\)/);
    await screenshot(page, 'import-export-modes');
    const path = (await saved.getAttribute('data-path'))!;
    expect(readFileSync(path, 'utf8')).toBe(exportModes(dir, 's0000', [2, 3, 4]).text);
  }, 120_000);
});
