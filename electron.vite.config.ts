/**
 * One entry per process (electron-vite's template), with the folders at the top level as
 * DESIGN.md's card has them. The main bundle also carries the engine's sample and results workers, which
 * start as worker threads; the preloads are CommonJS single files, as a sandboxed
 * preload must be.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * `electron-vite dev` serves the renderer from a local dev server with hot reload, which needs an
 * inline preamble and a websocket; only in that mode is the CSP relaxed for them. Builds keep the
 * strict policy of renderer/index.html.
 */
function devServerCsp(): Plugin {
  return {
    name: 'glassmodes-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replaceAll("script-src 'self'", "script-src 'self' 'unsafe-inline'").replaceAll("connect-src 'none'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*").replaceAll("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          sampleWorker: resolve(root, 'engine/io/sampleWorker.ts'),
          resultsWorker: resolve(root, 'engine/io/resultsWorker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload may require only 'electron': zod and the contract are bundled in. The
      // two preloads share no module, so each is one file (electron-vite's isolatedEntries is not
      // used: it fails when stdout is not a terminal, as in CI).
      externalizeDeps: false,
      rollupOptions: {
        input: {
          index: resolve(root, 'preload/index.ts'),
          compute: resolve(root, 'preload/compute.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), devServerCsp()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: {
        input: {
          index: resolve(root, 'renderer/index.html'),
          compute: resolve(root, 'renderer/compute.html'),
        },
      },
    },
  },
});
