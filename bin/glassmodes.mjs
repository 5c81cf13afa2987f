#!/usr/bin/env node
// The headless glassmodes CLI: the engine's TypeScript sources, loaded through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
