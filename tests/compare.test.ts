// `glassmodes compare` reads each project's analysis/summary.json through engine/io/analysisFiles.ts
// (readSummary), as the app does: the values it shows are the stored ones, and a malformed file is a
// refusal naming it (exit 1), not a crash.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });

describe('glassmodes compare and analysis/summary.json', () => {
  it('shows s, G and ω_0 of the stored summary, and refuses a malformed one naming the file', () => {
    const project = join(scratch, 'p');
    expect(cli(['new', project, '--dim', '2', '--particles', '64', '--parent-temperature', '0.5', '--sweeps', '10', '--samples', '1', '--no-spectrum']).status).toBe(0);
    mkdirSync(join(project, 'analysis'), { recursive: true });
    const summary = join(project, 'analysis', 'summary.json');
    writeFileSync(summary, JSON.stringify({ s: { value: 3.25 }, shearModulus: { value: 12.5 }, omega0: 1.375, provenance: { series: {} } }));
    const shown = cli(['compare', project]);
    expect(shown.status, shown.stderr).toBe(0);
    const row = shown.stdout.split('\n').find((l) => l.startsWith('0.500'))!;
    expect(row.split(/\s+/).slice(-4)).toEqual(['3.25', '12.500', '1.375', project]);
    writeFileSync(summary, '{"s": ');
    const bad = cli(['compare', project]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${summary} is not valid JSON`);
  });
});
