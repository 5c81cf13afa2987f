#!/usr/bin/env node
// The headless glassmodes CLI: the engine's TypeScript sources, loaded through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig (JSX for the figure code), whatever folder the command is run from: tsx
// would otherwise look for one from the working directory and compile the figures without it.
const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
if (existsSync(tsconfig)) process.env.TSX_TSCONFIG_PATH ??= tsconfig;
register(existsSync(tsconfig) ? { tsconfig } : undefined);
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
