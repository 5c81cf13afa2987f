// The Spectra and Theory views in Debian's Chromium against the real services through the test
// bridge, on small real projects (d = 2, N = 100, T* = ∞, tapers 2 and ∞): Analyse fills analysis/
// and the figures draw its series point for point; a click on a point of the PR–ω scatter opens
// that mode and a click in the DOS opens the stored mode nearest the ω under the pointer; SVG,
// PNG and CSV exports go through export.save and read back right; another analysed project can be
// overlaid; the Theory view recomputes HET under its sliders. Screenshots go to
// test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { Resvg } from '@resvg/resvg-js';
import { createProject } from '../../engine/io/project';
import { runProject } from '../../engine/io/runner';
import { analyzeProjectFolder, readAnalysis } from '../../engine/io/analysisFiles';
import { readNpy } from '../../engine/io/files';
import { criticalDisorder } from '../../engine/theory/het';
import { figureFontPath } from '../../figures/headless';
import { pngDimensions, pngDpi } from '../../figures/png';
import { ensureRendererBuild, startBridge, type Bridge } from './bridge';
import { launchChromium, openAppPage, openInApp as openProjectInApp, route as goTo, screenshot, setRange } from './app';

let scratch: string;
let glass: string;
let other: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;

const shot = (name: string) => screenshot(page, name);

const openInApp = (dir: string, name: string) => openProjectInApp(page, dir, name);
const route = (hash: string) => goTo(page, hash);

const card = (kind: string) => `article.figure-card[data-figure="${kind}"]`;

beforeAll(async () => {
  browser = await launchChromium();
  await ensureRendererBuild();
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-spectra-'));
  glass = join(scratch, 'spectra-m2');
  other = join(scratch, 'spectra-minf');
  createProject(glass, { model: { dim: 2, particles: 100, taper: 2 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: true, backend: 'reference' }, samples: 2, seed: 21 }, { name: 'spectra-m2' });
  createProject(other, { model: { dim: 2, particles: 100, taper: 'inf' }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: true, backend: 'reference' }, samples: 2, seed: 22 }, { name: 'spectra-minf' });
  for (const dir of [glass, other]) expect((await runProject(dir, { inProcess: true })).done).toEqual(['s0000', 's0001']);
  analyzeProjectFolder(other); // the one to overlay; `glass` is analysed from the view

  bridge = await startBridge(join(scratch, 'state'), 1);
  page = await openAppPage(browser, bridge);
  await openInApp(other, 'spectra-minf');
  await openInApp(glass, 'spectra-m2');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function parseSvg(text: string): Document {
  expect(() => new Resvg(text)).not.toThrow(); // strict XML
  return new new Window().DOMParser().parseFromString(text, 'image/svg+xml') as unknown as Document;
}

function finiteRows(dir: string, series: string, x: string, y: string): number {
  const s = readAnalysis(dir)!.series.find((q) => q.name === series)!;
  const [cx, cy] = [x, y].map((n) => s.data[s.columns.findIndex((c) => c.name === n)]);
  return Array.from(cx).filter((v, k) => Number.isFinite(v) && Number.isFinite(cy[k])).length;
}

describe('Spectra view', () => {
  it('offers Analyse for a project without analysis/, then draws its series point for point', async () => {
    await route('#/spectra');
    await page.waitForSelector('button:has-text("Analyse")');
    await expect(page.locator('section').first().textContent()).resolves.toMatch(/has not been analysed yet/);
    await page.click('button:has-text("Analyse")');
    await page.waitForSelector(`${card('dos')} .gm-figure`, { timeout: 60_000 });
    expect(existsSync(join(glass, 'analysis/summary.json'))).toBe(true);
    for (const kind of ['dos', 'reduced-dos', 'idos', 'pr', 'level-ratio', 'stress']) await page.waitForSelector(`${card(kind)} .gm-figure`);
    expect(await page.locator(`${card('dos')} circle[data-trace="dos-0"]`).count()).toBe(finiteRows(glass, 'dos_linear', 'omega', 'g'));
    expect(await page.locator(`${card('pr')} circle[data-trace="pr-0"]`).count()).toBe(finiteRows(glass, 'modes', 'omega', 'participation_ratio'));
    expect(await page.locator(`${card('level-ratio')} .gm-panel`).count()).toBe(3);
    await page.waitForSelector(`${card('sample-modes')} circle[data-mode-index]`);
    await page.waitForTimeout(200);
    await shot('spectra-01-figures');
  });

  it('opens the mode of a clicked point of the PR–ω scatter', async () => {
    // A point no other point covers (in view), so that the pointer lands on it.
    await page.locator(`${card('sample-modes')} .gm-figure`).scrollIntoViewIfNeeded();
    const target = await page.$$eval(`${card('sample-modes')} circle.gm-point--clickable`, (circles) => {
      for (const c of circles) {
        const box = c.getBoundingClientRect();
        const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
        if (document.elementFromPoint(x, y) === c && Number(c.getAttribute('data-mode-index')) > 10) return { x, y, mode: c.getAttribute('data-mode-index')! };
      }
      return null;
    });
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    await page.waitForFunction((mode) => window.location.hash === `#/modes?sample=s0000&mode=${mode}`, target!.mode);
  });

  it('opens the stored mode nearest the ω clicked in the DOS', async () => {
    await route('#/spectra');
    await page.waitForSelector(`${card('dos')} .gm-figure`);
    await page.waitForSelector(`${card('sample-modes')} circle[data-mode-index]`);
    await page.locator(`${card('dos')} .gm-figure`).scrollIntoViewIfNeeded(); // the page may be scrolled from an earlier click
    // Click at the x of the ω = 5 tick, at a height where nothing but the plot's background is.
    const at = await page.$eval(`${card('dos')} .gm-figure`, (figure) => {
      const tick = Array.from(figure.querySelectorAll('text.gm-tick[data-axis="x"]')).find((t) => t.getAttribute('data-tick-value') === '5')!;
      const svg = (tick as SVGTextElement).ownerSVGElement!;
      const point = new DOMPoint(Number(tick.getAttribute('x')), 0).matrixTransform(svg.getScreenCTM()!);
      const frame = figure.querySelector('rect.gm-frame')!.getBoundingClientRect();
      for (let y = frame.top + 3; y < frame.bottom; y += 2) if (document.elementFromPoint(point.x, y)?.classList.contains('gm-click-layer')) return { x: point.x, y };
      return null;
    });
    expect(at).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    await page.waitForFunction(() => window.location.hash.startsWith('#/modes?'));
    const hash = await page.evaluate(() => window.location.hash);
    const lambda = readNpy(join(glass, 'samples/s0000/eigenvalues.npy')).data;
    const stored = readNpy(join(glass, 'samples/s0000/modes.npy')).data.length / 200;
    let nearest = -1;
    for (let k = 2; k < stored; k++) if (nearest < 0 || Math.abs(Math.sqrt(lambda[k]) - 5) < Math.abs(Math.sqrt(lambda[nearest]) - 5)) nearest = k;
    expect(hash).toBe(`#/modes?sample=s0000&mode=${nearest}`);
  });

  it('exports a figure as SVG (font embedded, every point there), PNG at the chosen dpi and CSV', async () => {
    await route('#/spectra');
    const dos = page.locator(card('dos'));
    await dos.locator('.gm-figure').waitFor();
    await dos.locator('button:has-text("SVG")').click();
    await dos.locator('.saved').waitFor();
    const svg = readFileSync(join(bridge.exportDir, 'spectra-m2-dos.svg'), 'utf8');
    const doc = parseSvg(svg);
    expect(doc.documentElement.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(svg).toContain(`data:font/ttf;base64,${readFileSync(figureFontPath).toString('base64')}`);
    expect(svg).not.toMatch(/ style="/);
    expect(doc.querySelectorAll('circle[data-trace="dos-0"]').length).toBe(finiteRows(glass, 'dos_linear', 'omega', 'g'));
    expect(doc.querySelector('.gm-click-layer')).toBeNull();

    await dos.locator('input[aria-label="PNG resolution (dpi)"]').fill('144');
    await dos.locator('button:has-text("PNG")').click();
    await page.waitForFunction(() => /\.png$/.test(document.querySelector('article.figure-card[data-figure="dos"] .saved')?.textContent ?? ''));
    const png = new Uint8Array(readFileSync(join(bridge.exportDir, 'spectra-m2-dos.png')));
    expect(pngDimensions(png)).toEqual({ width: 540, height: 420 });
    expect(pngDpi(png)).toBe(144);

    await dos.locator('button:has-text("CSV")').click();
    await page.waitForFunction(() => /\.csv$/.test(document.querySelector('article.figure-card[data-figure="dos"] .saved')?.textContent ?? ''));
    const csv = readFileSync(join(bridge.exportDir, 'spectra-m2-dos.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('project,panel,curve,omega [sqrt(eps/m)/a],g [a*sqrt(m/eps)],g_error [a*sqrt(m/eps)]');
    expect(csv.filter((row) => row.startsWith('spectra-m2,dos,spectra-m2,')).length).toBe(finiteRows(glass, 'dos_linear', 'omega', 'g'));

    // A resolution outside 72–600 is refused before anything is saved.
    await dos.locator('input[aria-label="PNG resolution (dpi)"]').fill('1000');
    expect(await dos.locator('button:has-text("PNG")').isDisabled()).toBe(true);
    await dos.locator('input[aria-label="PNG resolution (dpi)"]').fill('300');
  });

  it('shows one sample alone, analysed in memory, and back to the ensemble', async () => {
    await route('#/spectra');
    await page.waitForSelector(`${card('dos')} .gm-figure`);
    await page.selectOption('select[aria-label="Scope"]', 's0001');
    await page.waitForSelector('.summary-line:has-text("spectra-m2 · s0001: 1 sample(s)")', { timeout: 60_000 });
    await page.waitForSelector(`${card('dos')} .gm-figure`);
    await page.selectOption('select[aria-label="Scope"]', 'ensemble');
    await page.waitForSelector('.summary-line:has-text("spectra-m2: 2 sample(s)")');
  });

  it('overlays another analysed project in its own colour', async () => {
    await page.check('input[aria-label="Overlay spectra-minf"]');
    await page.waitForSelector(`${card('dos')} circle[data-trace="dos-1"]`);
    expect(await page.locator(`${card('dos')} circle[data-trace="dos-1"]`).count()).toBe(finiteRows(other, 'dos_linear', 'omega', 'g'));
    await expect(page.locator(`${card('idos')} .gm-legend`).textContent()).resolves.toContain('spectra-minf');
    await shot('spectra-02-overlay');
    await page.uncheck('input[aria-label="Overlay spectra-minf"]');
    await page.waitForFunction(() => !document.querySelector('article.figure-card[data-figure="dos"] circle[data-trace="dos-1"]'));
  });
});

describe('Theory view', () => {
  it('draws HET-SCBA under sliders, with γ_c, the boson peak, the GHET curve and Table 1', async () => {
    await route('#/theory');
    await page.waitForSelector(`${card('het')} .gm-figure`);
    expect(await page.locator('input[type="range"]').count()).toBe(3);
    await expect(page.locator('[aria-label="HET facts"]').textContent()).resolves.toContain(`γ_c = ${Number(criticalDisorder(3).toPrecision(5))}`);
    await page.waitForSelector(`${card('boson-peak')} circle.gm-point`);
    await page.waitForSelector(`${card('ghet')} .gm-figure`);
    await expect(page.locator('table[aria-label="Table 1"]').textContent()).resolves.toContain('this project');

    await setRange(page, 'input[aria-label="gamma"]', 0.2);
    await page.waitForFunction(() => document.querySelector('article.figure-card[data-figure="het"] .gm-legend')?.textContent?.includes('γ = 0.2'));
    await page.check('input[aria-label="Finite box"]');
    await page.waitForFunction(() => document.querySelector('article.figure-card[data-figure="het"] .gm-legend')?.textContent?.includes('L k_ξ = 20'));
    await expect(page.locator('[aria-label="HET facts"]').textContent()).resolves.toMatch(/Finite-box gap|No gap edge/);
    await page.waitForTimeout(200);
    await shot('theory-01');
  });
});
