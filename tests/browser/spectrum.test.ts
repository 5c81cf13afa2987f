/**
 * The gpu.js kernels of engine/compute on the browser backends, webgl2 and webgpu, in headless
 * Debian Chromium (SwiftShader) driven by playwright-core (docs/DESIGN.md "Testing where the desktop
 * binary is missing"): the blocked Jacobi eigensolver and the device Hessian against the float64
 * reference computed here in Node, and the float64 refinement of the device result against the
 * docs/PHYSICS.md §4 contract. Skips, saying so, only when /usr/bin/chromium is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { symmetricEigen } from '../../engine/linalg/symmetricEigen';
import { refineEigenpairs } from '../../engine/linalg/refine';
import { readExtxyz } from '../../engine/io/files';
import { DEFAULT_SETTINGS } from '../../engine/model/settings';
import { makeGlass } from '../../engine/model/glass';
import { denseHessian, hessianMultiply, sparseHessian } from '../../engine/hessian/sparse';
import { measureContract } from '../../engine/spectrum';

const here = dirname(fileURLToPath(import.meta.url));
const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) console.warn(`tests/browser/spectrum.test.ts skipped: ${chromiumPath} is absent (apt-get install -y chromium)`);

let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  if (!haveChromium) return;
  const bundle = await build({ entryPoints: [resolve(here, 'spectrum.browser.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022', logLevel: 'silent' });
  const js = bundle.outputFiles[0].text;
  const html = '<!doctype html><meta charset="utf-8"><title>glassmodes compute</title><script type="module" src="/compute.js"></script>';
  server = createServer((req, res) => {
    if (req.url === '/compute.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (globalThis as unknown as { glassmodesReady?: boolean }).glassmodesReady === true, null, { timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
});

type Compute = {
  runJacobi(backend: string, matrix: number[], n: number): Promise<{ values: number[]; vectors: number[]; sweeps: number; offNorms: number[]; backend: string; executor: string; device: string }>;
  runHessian(backend: string, model: unknown, diameters: number[], positions: number[]): Promise<{ hessian: number[]; device: string }>;
  availableBackends(): Promise<string[]>;
};

const referenceDir = resolve(here, '../../../shared/reference');
function loadStructure(name: string) {
  const entry = JSON.parse(readFileSync(resolve(referenceDir, 'reference.json'), 'utf8'))[name];
  const c = readExtxyz(resolve(referenceDir, entry.file));
  const model = { ...DEFAULT_SETTINGS.model, dim: c.dim, particles: c.diameters.length, taper: entry.taper === 'inf' ? ('inf' as const) : Number(entry.taper), density: c.diameters.length / c.side ** c.dim };
  return { model, glass: makeGlass(model, c.diameters), positions: c.positions };
}

describe.skipIf(!haveChromium)('gpu.js kernels in Chromium (SwiftShader)', () => {
  it('Chromium offers both webgpu and webgl2 to gpu.js', async () => {
    const backends = await page.evaluate(() => (globalThis as unknown as { glassmodesCompute: Compute }).glassmodesCompute.availableBackends());
    expect(backends).toContain('webgl2');
    expect(backends).toContain('webgpu');
  });

  for (const backend of ['webgl2', 'webgpu'] as const) {
    it(`${backend}: the device Hessian of a 2D glass (200×200) equals the float64 engine Hessian to float32 accuracy`, async () => {
      const { model, glass, positions } = loadStructure('d2_n100_taper2');
      const out = await page.evaluate(([b, m, d, p]) => (globalThis as unknown as { glassmodesCompute: Compute }).glassmodesCompute.runHessian(b, m, d, p), [backend, model, Array.from(glass.diameters), Array.from(positions)] as const);
      expect(out.device).toBe(backend);
      const exact = denseHessian(sparseHessian(glass, positions));
      let scale = 0;
      let worst = 0;
      for (let q = 0; q < exact.length; q++) {
        scale = Math.max(scale, Math.abs(exact[q]));
        worst = Math.max(worst, Math.abs(exact[q] - out.hessian[q]));
      }
      expect(worst / scale).toBeLessThan(1e-5);
    });

    it(`${backend}: blocked Jacobi diagonalises that Hessian; refined in float64 it meets the docs/PHYSICS.md §4 contract`, async () => {
      const { glass, positions } = loadStructure('d2_n100_taper2');
      const h = sparseHessian(glass, positions);
      const n = 200;
      const matrix = denseHessian(h);
      const out = await page.evaluate(([b, m, size]) => (globalThis as unknown as { glassmodesCompute: Compute }).glassmodesCompute.runJacobi(b, m, size), [backend, Array.from(matrix), n] as const);
      expect(out.device).toBe(backend);
      expect(out.backend).toBe(backend);
      expect(out.sweeps).toBeGreaterThan(2);
      expect(out.offNorms.at(-1)).toBeLessThan(1e-5);
      const ref = symmetricEigen(matrix, n);
      const lambdaMax = ref.values[n - 1];
      const sorted = [...out.values].sort((x, y) => x - y);
      // float32 device result: every eigenvalue within 1e-4 λ_max
      for (let k = 0; k < n; k++) expect(Math.abs(sorted[k] - ref.values[k])).toBeLessThan(1e-4 * lambdaMax);
      const op = (x: Float64Array, y: Float64Array) => void hessianMultiply(h, x, y);
      const refined = refineEigenpairs(op, Float64Array.from(out.vectors), n, { residualTarget: 1e-11 * lambdaMax });
      const c = measureContract(refined.values, ref.values, 2, refined.maxResidual / lambdaMax);
      expect(c.lowestRelative).toBeLessThan(1e-9);
      expect(c.allAbsolute).toBeLessThan(1e-6);
      expect(c.residual).toBeLessThan(1e-8);
    });
  }
});
