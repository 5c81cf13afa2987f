#!/usr/bin/env node
// The headless glassmodes CLI. In an installed package it runs the compiled JavaScript of dist/
// (scripts/build-cli.mjs; `npm pack --ignore-scripts=false` builds it first). In a checkout of the
// repository, where the TypeScript sources are, it runs those through tsx (a dev dependency) with
// the repository's tsconfig.json, from any working folder, so that what runs is the code as it stands.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = new URL('../cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli.mjs', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  process.env.TSX_TSCONFIG_PATH ??= tsconfig; // worker threads too
  register({ tsconfig });
  ({ main } = await import(sources.href));
} else if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  console.error('glassmodes: this copy has neither the sources (cli/) nor the compiled CLI (dist/); it was packed without its build: pack with `npm pack --ignore-scripts=false`');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
