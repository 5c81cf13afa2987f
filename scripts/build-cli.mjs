// Compiles the headless CLI to plain JavaScript in dist/ (esbuild): dist/cli.mjs (the commands),
// dist/sampleWorker.mjs (the runner's worker thread) and their shared chunks, all in one folder so
// that a module finds its siblings by import.meta.url (engine/io/runner.ts workerEntry) and the
// bundled font at ../resources/fonts (figures/headless.ts). npm packages stay imports, resolved from
// the installed package's node_modules. bin/glassmodes.mjs runs dist/ where the sources are absent
// (an installed package); `npm pack` builds it first (prepack), and so does `npm run build`.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'cli/main.ts', sampleWorker: 'engine/io/sampleWorker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  tsconfig: 'tsconfig.json',
  legalComments: 'none',
  logLevel: 'warning',
});
// to stderr, so that `npm pack --json` keeps stdout to its JSON
console.error('dist/: the CLI compiled (cli.mjs, sampleWorker.mjs)');
