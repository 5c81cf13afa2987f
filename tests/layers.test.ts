/**
 * The layer rule (scripts/check-layers.mjs with .dependency-cruiser.cjs) on a copy of this tree:
 * the copy as it is passes; with forbidden imports planted (cli → renderer internals, renderer →
 * main's internals, a cycle in engine/, engine/theory → engine/analysis, a Node built-in in the
 * pure engine) it fails, naming each planted import and its rule, and nothing else.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
let copy: string;

function check(): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [join(repo, 'scripts/check-layers.mjs'), '--imports-only', copy], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** "error <rule>: <from> → <to>" lines of dependency-cruiser's report. */
function violations(output: string): { rule: string; from: string; to: string }[] {
  return [...output.matchAll(/error ([\w-]+): (\S+) → *\n?\s*(\S+)/g)].map((m) => ({ rule: m[1], from: m[2], to: m[3] }));
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'glassmodes-layers-'));
  for (const part of ['engine', 'cli', 'main', 'preload', 'renderer', 'figures', 'bin', 'resources', 'package.json', 'tsconfig.json', '.dependency-cruiser.cjs']) {
    cpSync(join(repo, part), join(copy, part), { recursive: true });
  }
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(copy, 'node_modules'));
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('the layer rule', () => {
  it('passes the tree as it is, and refuses each planted forbidden import by its rule', () => {
    const clean = check();
    expect(clean.output).toContain('follow .dependency-cruiser.cjs');
    expect(clean.status).toBe(0);

    writeFileSync(join(copy, 'cli/commands/planted.ts'), "import { FigureCard } from '../../renderer/src/views/FigureCard';\nexport const card = FigureCard;\n");
    writeFileSync(join(copy, 'renderer/src/planted.ts'), "import type { HostHooks } from '../../main/ipc/handlers';\nexport type H = HostHooks;\n");
    appendFileSync(join(copy, 'engine/linalg/gemm.ts'), "\nimport { symmetricEigen } from './symmetricEigen';\nexport const planted = symmetricEigen;\n");
    writeFileSync(join(copy, 'engine/theory/planted.ts'), "import { densityOfStates } from '../analysis/dos';\nexport const dos = densityOfStates;\n");
    writeFileSync(join(copy, 'engine/model/planted.ts'), "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");

    const planted = check();
    expect(planted.status).toBe(1);
    const found = violations(planted.output);
    expect(found).toContainEqual({ rule: 'cli', from: 'cli/commands/planted.ts', to: 'renderer/src/views/FigureCard.tsx' });
    expect(found).toContainEqual({ rule: 'renderer', from: 'renderer/src/planted.ts', to: 'main/ipc/handlers.ts' });
    expect(found).toContainEqual({ rule: 'no-cycle', from: 'engine/linalg/gemm.ts', to: 'engine/linalg/symmetricEigen.ts' });
    expect(found).toContainEqual({ rule: 'engine-order-theory', from: 'engine/theory/planted.ts', to: 'engine/analysis/dos.ts' });
    expect(found).toContainEqual({ rule: 'engine-core-pure', from: 'engine/model/planted.ts', to: 'fs' });
    // nothing but the planted imports: every cycle found runs through the planted gemm.ts import
    for (const v of found) {
      if (v.rule === 'no-cycle') expect(planted.output).toMatch(/engine\/linalg\/gemm\.ts/);
      else expect(v.from).toMatch(/planted\.ts$/);
    }
    expect(new Set(found.map((v) => v.rule))).toEqual(new Set(['cli', 'renderer', 'no-cycle', 'engine-order-theory', 'engine-core-pure']));
  });
});
