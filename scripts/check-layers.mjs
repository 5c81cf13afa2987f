// Layer rule (docs/DESIGN.md "Processes", after VS Code's layering): engine/ is pure TypeScript that runs in every
// process. It may not import Electron, the DOM-bound renderer, or Node built-ins — except in its
// I/O corner, engine/io/, which owns files, project folders and worker threads.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const engine = join(root, 'engine');
const ioCorner = join(engine, 'io');
const nodeBuiltins = /^(node:|fs$|path$|os$|child_process$|worker_threads$|crypto$|url$|stream$|util$|events$|process$)/;
const forbiddenEverywhere = /^(electron$|react|react-dom|three|recharts|\.\.\/(\.\.\/)*(main|preload|renderer|cli)\b)/;

const problems = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|tsx|mts)$/.test(name)) check(path);
  }
}
function check(path) {
  const source = readFileSync(path, 'utf8');
  const specifiers = [...source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2]);
  const inIo = path.startsWith(ioCorner + '/');
  for (const spec of specifiers) {
    if (forbiddenEverywhere.test(spec)) problems.push(`${relative(root, path)} imports '${spec}': engine/ must not depend on Electron, UI or app layers`);
    else if (!inIo && nodeBuiltins.test(spec)) problems.push(`${relative(root, path)} imports '${spec}': Node built-ins belong in engine/io/ only`);
    else if (!inIo && /^\.\.?\/(.*\/)?io\//.test(spec)) problems.push(`${relative(root, path)} imports '${spec}': pure engine code may not depend on the I/O corner`);
  }
}
walk(engine);
if (problems.length) {
  console.error('Layer check failed:\n  ' + problems.join('\n  '));
  process.exit(1);
}
// DOM and Node globals (document, window, process, Buffer…): the pure engine is type-checked
// without their typings, so any use of them outside engine/io/ fails to compile.
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, 'tsconfig.engine.json')], { encoding: 'utf8' });
if (tsc.status !== 0) {
  console.error('Layer check failed: engine/ (outside engine/io/) uses globals that only some hosts have:\n' + tsc.stdout + tsc.stderr);
  process.exit(1);
}
console.log('Layer check: engine/ is free of Electron, DOM and Node built-ins outside engine/io/.');
