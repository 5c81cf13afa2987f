// The Export view in Debian's Chromium against the real services (tests/e2e/bridge.ts), on a
// small real project with spectra: a mode movie exported as WebM decodes (mediabunny's demuxer and
// WebCodecs' VideoDecoder) to exactly the requested frames, in VP9 at the requested size; a GIF
// has the requested frames and size; a cancelled export saves nothing; a series saved as CSV
// reads back to the numbers in analysis/. encodeMovie itself is also run from source on synthetic
// frames. Screenshots go to test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { createProject } from '../../engine/io/project';
import { runProject } from '../../engine/io/runner';
import { analyzeProjectFolder, readAnalysis } from '../../engine/io/analysisFiles';
import { seriesFromCsv } from '../../engine/series';
import { ensureRendererBuild, startBridge, repoRoot, type Bridge } from './bridge';
import { launchChromium, openAppPage, openInApp, screenshot, SCREENSHOTS } from './app';

let scratch: string;
let projectDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
/** A page outside the app (no app CSP) with helpers bundled from source: decodeWebm, encodeSynthetic. */
let lab: Page;

/** Helpers for the lab page, bundled by esbuild from the app's own modules and mediabunny. */
const labSource = `
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { encodeMovie } from './renderer/src/export/movie';

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// What a decoded frame shows: the fraction of pixels that are not the white background, and the
// mean absolute difference (0-255) of its pixels from the first frame's.
let firstPixels = null;
let keptCanvas = null;
function fingerprint(image, width, height, index, keep) {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(image, 0, 0);
  if (index === keep) keptCanvas = canvas;
  const pixels = context.getImageData(0, 0, width, height).data;
  if (index === 0) firstPixels = pixels;
  let inked = 0;
  let difference = 0;
  for (let p = 0; p < pixels.length; p += 4) {
    if (Math.min(pixels[p], pixels[p + 1], pixels[p + 2]) < 225) inked++;
    for (let c = 0; c < 3; c++) difference += Math.abs(pixels[p + c] - firstPixels[p + c]);
  }
  return { inked: inked / (width * height), fromFirst: difference / (3 * width * height) };
}

// Decodes every frame of a GIF with WebCodecs' ImageDecoder.
window.decodeGif = async (base64) => {
  const decoder = new ImageDecoder({ data: fromBase64(base64), type: 'image/gif' });
  await decoder.tracks.ready;
  await decoder.completed;
  const track = decoder.tracks.selectedTrack;
  const frames = [];
  for (let i = 0; i < track.frameCount; i++) {
    const { image } = await decoder.decode({ frameIndex: i });
    frames.push({ width: image.displayWidth, height: image.displayHeight, ...fingerprint(image, image.displayWidth, image.displayHeight, i) });
    image.close();
  }
  decoder.close();
  return { frameCount: track.frameCount, animated: track.animated, frames };
};

// Demuxes a WebM with mediabunny and decodes every packet with WebCodecs' VideoDecoder.
window.decodeWebm = async (base64, keepFrame) => {
  keptCanvas = null;
  const input = new Input({ formats: ALL_FORMATS, source: new BufferSource(fromBase64(base64)) });
  const format = await input.getFormat();
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new Error('no video track');
  const config = await track.getDecoderConfig();
  const frames = [];
  let failure = null;
  const decoder = new VideoDecoder({
    output: (frame) => { frames.push({ timestamp: frame.timestamp, width: frame.displayWidth, height: frame.displayHeight, ...fingerprint(frame, frame.displayWidth, frame.displayHeight, frames.length, keepFrame) }); frame.close(); },
    error: (e) => { failure = String(e); },
  });
  decoder.configure(config);
  let packets = 0;
  for await (const packet of new EncodedPacketSink(track).packets()) {
    packets++;
    decoder.decode(packet.toEncodedVideoChunk());
  }
  await decoder.flush();
  decoder.close();
  let keptFrame = null;
  if (keptCanvas) {
    const png = new Uint8Array(await (await keptCanvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    keptFrame = btoa(Array.from(png, (b) => String.fromCharCode(b)).join(''));
  }
  return {
    keptFrame,
    container: format.name,
    mimeType: await input.getMimeType(),
    codec: await track.getCodec(),
    decoderCodec: config.codec,
    width: await track.getCodedWidth(),
    height: await track.getCodedHeight(),
    packets,
    frames,
    failure,
  };
};

// encodeMovie on synthetic frames: a red square moving across a pale canvas.
window.encodeSynthetic = async (format, frames, abortAfter) => {
  const canvas = new OffscreenCanvas(64, 48);
  const context = canvas.getContext('2d');
  const controller = new AbortController();
  const progress = [];
  try {
    const movie = await encodeMovie({
      format, width: 64, height: 48, frames, fps: 10, signal: controller.signal,
      drawFrame: (i) => { context.fillStyle = '#eef'; context.fillRect(0, 0, 64, 48); context.fillStyle = '#c00'; context.fillRect(2 + 3 * i, 10, 12, 12); return canvas; },
      onProgress: (done) => { progress.push(done); if (done === abortAfter) controller.abort(); },
    });
    return { ok: true, codec: movie.codec, frames: movie.frames, bytes: movie.bytes.length, notes: movie.notes, progress };
  } catch (error) {
    return { ok: false, name: error.name, message: error.message, progress };
  }
};
`;

/** A decoded frame: its size, the fraction of non-background pixels, its mean |difference| from frame 0 (0–255). */
type FrameFingerprint = { width: number; height: number; inked: number; fromFirst: number };
type DecodedWebm = { keptFrame: string | null; container: string; mimeType: string; codec: string; decoderCodec: string; width: number; height: number; packets: number; frames: (FrameFingerprint & { timestamp: number })[]; failure: string | null };
type DecodedGif = { frameCount: number; animated: boolean; frames: FrameFingerprint[] };

/** Decodes a WebM in the lab page; `keepFrame` comes back as a PNG (base64). */
async function decodeWebm(path: string, keepFrame = -1): Promise<DecodedWebm> {
  const base64 = readFileSync(path).toString('base64');
  return lab.evaluate(([b, k]) => (window as unknown as { decodeWebm: (b: string, k: number) => Promise<DecodedWebm> }).decodeWebm(b, k), [base64, keepFrame] as const);
}

async function decodeGif(path: string): Promise<DecodedGif> {
  const base64 = readFileSync(path).toString('base64');
  return lab.evaluate((b) => (window as unknown as { decodeGif: (b: string) => Promise<DecodedGif> }).decodeGif(b), base64);
}

/**
 * The movie shows the mode moving: every frame has the glass drawn on it, the frame a quarter
 * period in (largest displacement) differs from the first, and the frame one period later is the
 * first again (up to compression), so whole periods loop.
 */
function expectOscillation(frames: FrameFingerprint[], framesPerPeriod: number) {
  for (const f of frames) expect(f.inked).toBeGreaterThan(0.05);
  const quarter = frames[framesPerPeriod / 4].fromFirst;
  expect(quarter).toBeGreaterThan(1);
  if (frames.length > framesPerPeriod) expect(frames[framesPerPeriod].fromFirst).toBeLessThan(quarter / 4);
}

/** The frames of a GIF, read from its blocks (GIF89a: header, screen, tables, extensions, images). */
function readGif(bytes: Buffer) {
  const header = bytes.subarray(0, 6).toString('latin1');
  const width = bytes.readUInt16LE(6);
  const height = bytes.readUInt16LE(8);
  const packed = bytes[10];
  let at = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const skipSubBlocks = () => {
    while (bytes[at] !== 0) at += bytes[at] + 1;
    at++;
  };
  const images: { width: number; height: number; delay: number }[] = [];
  let delay = 0;
  let loops = false;
  let trailer = false;
  while (at < bytes.length) {
    const block = bytes[at++];
    if (block === 0x3b) {
      trailer = true;
      break;
    } else if (block === 0x21) {
      const label = bytes[at++];
      if (label === 0xf9) delay = bytes.readUInt16LE(at + 2);
      if (label === 0xff && bytes.subarray(at + 1, at + 12).toString('latin1') === 'NETSCAPE2.0') loops = true;
      skipSubBlocks();
    } else if (block === 0x2c) {
      const w = bytes.readUInt16LE(at + 4);
      const h = bytes.readUInt16LE(at + 6);
      const fields = bytes[at + 8];
      at += 9 + (fields & 0x80 ? 3 * 2 ** ((fields & 7) + 1) : 0);
      at++; // LZW minimum code size
      skipSubBlocks();
      images.push({ width: w, height: h, delay });
    } else {
      throw new Error(`unexpected GIF block 0x${block.toString(16)} at byte ${at - 1}`);
    }
  }
  return { header, width, height, images, loops, trailer };
}

async function go(view: string) {
  await page.click(`nav >> text="${view}"`);
  await page.waitForSelector(`nav a.active:has-text("${view}")`);
}

/** Sets the movie form: a custom size, a length, the seconds per period, the frame rate and the format. */
async function setMovie(options: { width: number; height: number; length: number; unit: 'periods' | 'seconds'; periodSeconds: number; fps: number; format: 'WebM' | 'GIF' }) {
  await page.selectOption('select[aria-label="Size"]', 'custom');
  await page.fill('input[aria-label="Width"]', String(options.width));
  await page.fill('input[aria-label="Height"]', String(options.height));
  await page.selectOption('select[aria-label="Length unit"]', options.unit);
  await page.fill('input[aria-label="Length"]', String(options.length));
  await page.fill('input[aria-label="Seconds per period"]', String(options.periodSeconds));
  await page.fill('input[aria-label="Frame rate"]', String(options.fps));
  await page.check(`input[aria-label="${options.format}"]`);
}

async function exportedMovie(): Promise<string> {
  await page.click('button:has-text("Export movie")');
  const result = page.locator('[aria-label="Movie result"]');
  await result.waitFor({ timeout: 90_000 });
  const outcome = await result.getAttribute('data-outcome');
  expect(outcome, await result.textContent() ?? '').toBe('saved');
  return (await result.getAttribute('data-path'))!;
}

const exportedFiles = () => (existsSync(bridge.exportDir) ? readdirSync(bridge.exportDir).sort() : []);

beforeAll(async () => {
  browser = await launchChromium();
  await ensureRendererBuild();
  mkdirSync(SCREENSHOTS, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-export-'));

  // A small real glass with its spectrum and analysis on disk: d = 2, N = 64, T* = ∞.
  projectDir = join(scratch, 'movie-glass');
  createProject(projectDir, { model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: true, backend: 'reference' }, samples: 1, seed: 11 }, { createdBy: 'test' });
  const run = await runProject(projectDir, { inProcess: true });
  expect(run.done).toEqual(['s0000']);
  analyzeProjectFolder(projectDir);

  bridge = await startBridge(join(scratch, 'state'), 1);
  const lab_ = await build({ stdin: { contents: labSource, resolveDir: repoRoot, loader: 'ts' }, bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent' });
  page = await openAppPage(browser, bridge, { width: 1280, height: 1000 });
  await openInApp(page, projectDir, 'movie-glass');

  // The lab page: same origin (a secure context, as WebCodecs needs) but not the app.
  lab = await browser.newPage();
  lab.on('pageerror', (error) => console.error('lab page error:', error.message));
  await lab.goto(`${bridge.url}/__export-lab`);
  await lab.evaluate(lab_.outputFiles[0].text);
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('encodeMovie on synthetic frames (from source)', () => {
  it('encodes a WebM in VP9 and a GIF with one frame per drawn frame', async () => {
    const webm = await lab.evaluate(() => (window as unknown as { encodeSynthetic: (f: string, n: number) => Promise<Record<string, unknown>> }).encodeSynthetic('webm', 15));
    expect(webm).toMatchObject({ ok: true, codec: 'vp9', frames: 15, notes: [] });
    expect(webm.progress).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const gif = await lab.evaluate(() => (window as unknown as { encodeSynthetic: (f: string, n: number) => Promise<Record<string, unknown>> }).encodeSynthetic('gif', 7));
    expect(gif).toMatchObject({ ok: true, codec: 'gif', frames: 7 });
  });

  it('stops at an abort with an AbortError and encodes no further frame', async () => {
    for (const format of ['webm', 'gif']) {
      const result = await lab.evaluate((f) => (window as unknown as { encodeSynthetic: (f: string, n: number, a: number) => Promise<Record<string, unknown>> }).encodeSynthetic(f, 40, 5), format);
      expect(result).toMatchObject({ ok: false, name: 'AbortError' });
      expect(result.progress).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('says plainly when the browser has no WebCodecs encoder', async () => {
    const result = await lab.evaluate(async () => {
      const saved = (window as unknown as { VideoEncoder: unknown }).VideoEncoder;
      (window as unknown as { VideoEncoder: unknown }).VideoEncoder = undefined;
      try {
        return await (window as unknown as { encodeSynthetic: (f: string, n: number) => Promise<Record<string, unknown>> }).encodeSynthetic('webm', 3);
      } finally {
        (window as unknown as { VideoEncoder: unknown }).VideoEncoder = saved;
      }
    });
    expect(result).toMatchObject({ ok: false, name: 'WebCodecsMissingError' });
    expect(result.message).toMatch(/WebM export needs the browser's WebCodecs video encoder.*Choose GIF/);
  });
});

describe('Export view', () => {
  it('exports a mode as WebM that decodes to exactly the requested frames, in VP9 at the requested size', async () => {
    await go('Export');
    await page.waitForSelector('select[aria-label="Mode"] option', { state: 'attached' });
    // The first non-zero mode is chosen by default (2D: modes 0 and 1 are the translations).
    const modeIndex = Number(await page.inputValue('select[aria-label="Mode"]'));
    expect(modeIndex).toBe(2);
    await screenshot(page, 'export-view');

    // 2 periods of 1 s at 12 fps: 24 frames of 160 × 120.
    await setMovie({ width: 160, height: 120, length: 2, unit: 'periods', periodSeconds: 1, fps: 12, format: 'WebM' });
    await expect(page.locator('[aria-label="Movie summary"]').textContent()).resolves.toMatch(/^24 frames at 12 fps = 2\.00 s, 2 periods of 12 frames; 160 × 120 pixels/);
    const path = await exportedMovie();
    expect(basename(path)).toBe('mode-s0000-2.webm');
    expect(path.startsWith(bridge.exportDir)).toBe(true);
    await expect(page.locator('[aria-label="Movie result"]').textContent()).resolves.toMatch(/Saved 24 frames, 160 × 120, WebM \(VP9, vp09\.00\.10\.08\), 12 fps/);
    await screenshot(page, 'export-movie-saved');

    const decoded = await decodeWebm(path, 3);
    expect(decoded.failure).toBeNull();
    expect(decoded.container).toMatch(/WebM/i);
    expect(decoded.codec).toBe('vp9');
    expect(decoded.decoderCodec).toMatch(/^vp09\./);
    expect([decoded.width, decoded.height]).toEqual([160, 120]);
    expect(decoded.packets).toBe(24);
    expect(decoded.frames).toHaveLength(24);
    expect(decoded.frames.every((f) => f.width === 160 && f.height === 120)).toBe(true);
    // One frame every 1/12 s (Matroska keeps milliseconds).
    decoded.frames.forEach((f, i) => expect(Math.abs(f.timestamp - (i * 1e6) / 12)).toBeLessThanOrEqual(1000));
    expectOscillation(decoded.frames, 12);
    writeFileSync(join(SCREENSHOTS, 'export-movie-frame.png'), Buffer.from(decoded.keptFrame!, 'base64'));
  });

  it('exports the mode chosen in the URL as a GIF with the requested frames and size', async () => {
    // As a link from the Modes view would (a hash change, not a reload: the project stays open).
    await page.evaluate(() => (window.location.hash = '#/export?sample=s0000&mode=3'));
    await page.waitForSelector('select[aria-label="Mode"] option', { state: 'attached' });
    await page.waitForFunction(() => (document.querySelector('select[aria-label="Mode"]') as HTMLSelectElement).value === '3');
    // 1 period of 1 s at 12 fps: 12 frames of 160 × 120.
    await setMovie({ width: 160, height: 120, length: 1, unit: 'periods', periodSeconds: 1, fps: 12, format: 'GIF' });
    await page.check('input[aria-label="Arrows"]');
    const path = await exportedMovie();
    expect(basename(path)).toBe('mode-s0000-3.gif');
    const gif = readGif(readFileSync(path));
    expect(gif.header).toBe('GIF89a');
    expect([gif.width, gif.height]).toEqual([160, 120]);
    expect(gif.images).toHaveLength(12);
    expect(gif.images.every((f) => f.width === 160 && f.height === 120)).toBe(true);
    // 12 fps is 8.33 hundredths of a second per frame; GIF keeps whole hundredths.
    expect(gif.images.every((f) => f.delay === 8)).toBe(true);
    expect(gif.loops).toBe(true);
    expect(gif.trailer).toBe(true);
    // And a browser's own GIF decoder finds the same frames, showing the mode move.
    const decoded = await decodeGif(path);
    expect(decoded.frameCount).toBe(12);
    expect(decoded.animated).toBe(true);
    expect(decoded.frames.every((f) => f.width === 160 && f.height === 120)).toBe(true);
    expectOscillation(decoded.frames, 12);
  });

  it('exports two modes side by side (a link from the Modes view) as one WebM, each panel labelled', async () => {
    await page.evaluate(() => (window.location.hash = '#/export?sample=s0000&mode=2&compare=12'));
    await page.waitForFunction(() => (document.querySelector('select[aria-label="Compare with"]') as HTMLSelectElement | null)?.value === '12');
    await setMovie({ width: 240, height: 120, length: 1, unit: 'periods', periodSeconds: 1, fps: 12, format: 'WebM' });
    const path = await exportedMovie();
    expect(basename(path)).toBe('mode-s0000-2-vs-12.webm');
    const decoded = await decodeWebm(path, 3);
    expect(decoded.failure).toBeNull();
    expect(decoded.codec).toBe('vp9');
    expect([decoded.width, decoded.height]).toEqual([240, 120]);
    expect(decoded.frames).toHaveLength(12);
    writeFileSync(join(SCREENSHOTS, 'export-movie-side-by-side-frame.png'), Buffer.from(decoded.keptFrame!, 'base64'));
    await page.selectOption('select[aria-label="Compare with"]', '');
  });

  it('saves nothing when an export is cancelled midway', async () => {
    const before = exportedFiles();
    // 60 s at 24 fps: 1440 frames, far more than are encoded before the click.
    await setMovie({ width: 160, height: 120, length: 60, unit: 'seconds', periodSeconds: 1, fps: 24, format: 'WebM' });
    await page.click('button:has-text("Export movie")');
    await page.waitForFunction(() => Number(document.querySelector('[aria-label="Movie progress"]')?.getAttribute('aria-valuenow') ?? 0) >= 1, null, { timeout: 60_000 });
    await page.click('button:has-text("Cancel")');
    const result = page.locator('[aria-label="Movie result"]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-outcome')).toBe('cancelled');
    await expect(result.textContent()).resolves.toMatch(/Cancelled: nothing was saved/);
    expect(await page.locator('[aria-label="Movie progress"]').count()).toBe(0);
    await page.waitForTimeout(500);
    expect(exportedFiles()).toEqual(before);
  });

  it('saves a series as CSV that reads back to the numbers in analysis/, and the summary as JSON', async () => {
    const onDisk = readAnalysis(projectDir)!;
    const table = page.locator('table[aria-label="Series"]');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(onDisk.series.length);
    await page.locator('fieldset[aria-label="Analysis tables"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'export-analysis');

    for (const name of ['dos_log', onDisk.series.at(-1)!.name]) {
      const reference = onDisk.series.find((s) => s.name === name);
      expect(reference, `analysis/ has ${name}.csv`).toBeDefined();
      const row = table.locator(`tr[data-series="${name}"]`);
      await row.locator('button:has-text("Save CSV")').click();
      const saved = row.locator('[aria-label="Saved"]');
      await saved.waitFor();
      const path = (await saved.getAttribute('data-path'))!;
      expect(basename(path)).toBe(`${name}.csv`);
      const text = readFileSync(path, 'utf8');
      // The header names each column with its unit, as analysis/ does.
      expect(text.split('\n')[0]).toBe(readFileSync(join(projectDir, 'analysis', `${name}.csv`), 'utf8').split('\n')[0]);
      const parsed = seriesFromCsv(name, reference!.description, text);
      expect(parsed.columns).toEqual(reference!.columns);
      expect(parsed.data.map((c) => Array.from(c))).toEqual(reference!.data.map((c) => Array.from(c)));
    }

    await page.click('button:has-text("Save summary as JSON")');
    const summaryNote = page.locator('fieldset[aria-label="Analysis tables"] .row [aria-label="Saved"]');
    await summaryNote.waitFor();
    const summary = JSON.parse(readFileSync((await summaryNote.getAttribute('data-path'))!, 'utf8'));
    expect(summary).toEqual(JSON.parse(readFileSync(join(projectDir, 'analysis/summary.json'), 'utf8')));
  });
});
