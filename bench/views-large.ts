/**
 * Opens a project's Configuration and Modes views in Debian's Chromium (SwiftShader: software
 * rendering, so times are upper bounds for a real GPU) through the e2e test bridge, and says how
 * long each took to draw and how much the page holds. Not a test: meant for the N = 10^5 glass of
 * issue 15 (`glassmodes new /tmp/big --particles 100000 … --spectrum lowest --modes 30` + `run`).
 *   node --import tsx bench/views-large.ts <project> [sample] [mode]
 * Screenshots go to test-results/screenshots/large-*.png.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ensureRendererBuild, startBridge } from '../tests/e2e/bridge';
import { drawnFraction, launchChromium, openAppPage, openInApp, route, screenshot } from '../tests/e2e/app';

const dir = resolve(process.argv[2] ?? '/tmp/big');
const sample = process.argv[3] ?? 's0000';
const mode = Number(process.argv[4] ?? 3);
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

await ensureRendererBuild();
const browser = await launchChromium();
const bridge = await startBridge(join(mkdtempSync(join(tmpdir(), 'glassmodes-views-')), 'state'), 1);
const page = await openAppPage(browser, bridge, { width: 1280, height: 860 });
const drawn = (selector: string) => drawnFraction(page, selector);
try {
  let t = performance.now();
  await openInApp(page, dir, basename(dir));
  console.log(`project opened in ${seconds(t)} s`);
  t = performance.now();
  await route(page, `#/configuration?sample=${sample}`);
  await page.waitForSelector('.viewer canvas', { timeout: 600_000 });
  await page.waitForTimeout(500);
  console.log(`Configuration view: canvas in ${seconds(t)} s, ${(100 * (await drawn('.viewer canvas'))).toFixed(0)} % of its pixels drawn; header: ${(await page.locator('section').first().textContent())?.slice(0, 200)}`);
  await screenshot(page, 'large-configuration');
  t = performance.now();
  await route(page, `#/modes?sample=${sample}&mode=${mode}`);
  await page.locator(`[aria-label="Mode ${mode}"]`).waitFor({ timeout: 600_000 });
  await page.waitForSelector('.viewport .viewer canvas', { timeout: 600_000 });
  await page.waitForTimeout(500);
  const facts = (await page.locator(`[aria-label="Mode ${mode}"]`).textContent())?.replace(/\s+/g, ' ').slice(0, 200);
  console.log(`Modes view, mode ${mode}: shown in ${seconds(t)} s, ${(100 * (await drawn('.viewport .viewer canvas'))).toFixed(0)} % of the canvas drawn; ${facts}`);
  const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
  console.log(`renderer JS heap ${(heap / 2 ** 20).toFixed(0)} MB`);
  await screenshot(page, 'large-modes');
} finally {
  await browser.close();
  await bridge.close();
}
