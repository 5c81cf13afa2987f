// The layer rule (docs/DESIGN.md "Processes", after VS Code's layering), in two checks:
//  1. imports: the rule table of .dependency-cruiser.cjs over the whole tree (who may import whom,
//     the order inside engine/, no cycles), read from the syntax tree by dependency-cruiser;
//  2. globals: engine/ outside engine/io/ type-checks without DOM and Node typings
//     (tsconfig.engine.json), so no use of document, window, process, Buffer… slips through.
// Usage: node scripts/check-layers.mjs [--imports-only] [root]  (root: the tree to check, default
// this repository; tests/layers.test.ts checks a copy with planted imports).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const importsOnly = args.includes('--imports-only');
const repo = new URL('..', import.meta.url).pathname;
const root = resolve(args.find((a) => !a.startsWith('--')) ?? repo);

const folders = ['engine', 'cli', 'main', 'preload', 'renderer', 'figures', 'bin', 'scripts', 'tests', 'bench'].filter((f) => existsSync(join(root, f)));
const cruiser = join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const cruise = spawnSync(process.execPath, [cruiser, '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long', ...folders], { cwd: root, encoding: 'utf8' });
if (cruise.status !== 0) {
  console.error(`Layer check failed: imports that the rule table (.dependency-cruiser.cjs) refuses:\n${cruise.stdout}${cruise.stderr}`);
  process.exit(1);
}
console.log(`Layer check: the imports of ${folders.join(', ')} follow .dependency-cruiser.cjs (no cycles).`);
if (importsOnly) process.exit(0);

const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, 'tsconfig.engine.json')], { encoding: 'utf8' });
if (tsc.status !== 0) {
  console.error('Layer check failed: engine/ (outside engine/io/) uses globals that only some hosts have:\n' + tsc.stdout + tsc.stderr);
  process.exit(1);
}
console.log('Layer check: engine/ outside engine/io/ uses no DOM or Node globals.');
