/**
 * What every browser test does to reach the app: Debian's Chromium with the flags this machine
 * needs (no network chatter; SwiftShader for WebGL/WebGPU), the app page on the test bridge, and
 * a project opened through the Projects view as a user would.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, type Bridge } from './bridge';

/** Where every browser test keeps its screenshots (made on first use). */
export const SCREENSHOTS = join(repoRoot, 'test-results/screenshots');

/** A full-page screenshot of `page` as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Sets a range input the way a user's drag does (React listens to 'input', not to a value change). */
export async function setRange(page: Page, selector: string, value: number): Promise<void> {
  await page.$eval(
    selector,
    (element, v) => {
      const input = element as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(v));
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // gpu.js's and three.js's GPU paths on SwiftShader (docs/DESIGN.md).
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`these tests need Debian Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The app on the bridge, at the Projects view; page errors and console errors go to the test log. */
export async function openAppPage(browser: Browser, bridge: Bridge, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('console', (message) => message.type() === 'error' && !message.location().url.endsWith('/favicon.ico') && console.error('page console error:', message.text(), message.location().url));
  await page.goto(bridge.url);
  await page.waitForSelector('h1:has-text("Projects")');
  return page;
}

/** Opens a project folder from the Projects view and waits until the app shows it by name. */
export async function openInApp(page: Page, dir: string, name: string): Promise<void> {
  await route(page, '#/projects');
  await page.fill('input[aria-label="Project folder"]', dir);
  await page.click('button:has-text("Open")');
  await page.waitForSelector(`section[aria-label="Open project"] h2:has-text("${name}")`);
}

/** Goes to a route without reloading the page (the open project lives in the page's store). */
export async function route(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

/** Fraction of a canvas's pixels that differ from the view's background (#fbfcfe): something was drawn. */
export async function drawnFraction(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (element) => {
    const canvas = element as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d')!;
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 0xfb) + Math.abs(data[i + 1] - 0xfc) + Math.abs(data[i + 2] - 0xfe) > 12) drawn++;
    return drawn / (data.length / 4);
  });
}
