import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from './helpers/fingerprint';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-out-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });

describe('an --out never replaces what it should not (issue 12, item 1)', () => {
  const project = join(scratch, 'p');
  it('refuses a file of a project, whatever --force says, and leaves the project byte-identical', () => {
    expect(cli(['new', project, '--dim', '2', '--particles', '64', '--parent-temperature', 'inf', '--samples', '1', '--seed', '2', '--no-spectrum']).status).toBe(0);
    expect(cli(['run', project, '--in-process']).status).toBe(0);
    const before = fingerprint(project);
    for (const target of ['project.json', 'samples/s0000/config.extxyz', 'analysis/summary.json']) {
      for (const force of [[], ['--force']]) {
        const compare = cli(['compare', project, '--out', join(project, target), ...force]);
        expect(compare.status, target).toBe(2);
        expect(compare.stderr).toMatch(new RegExp(`would replace ${target.replace(/\//g, '\\/').replace('.', '\\.')}, a file of the project`));
        const theory = cli(['theory', '--gamma', '0.1', '--bulk', '3', '--points', '10', '--out', join(project, target), ...force]);
        expect(theory.status, target).toBe(2);
        expect(theory.stderr).toMatch(/a file of the project/);
      }
    }
    expect(cli(['figure', 'het', '--gamma', '0.1', '--bulk', '3', '--out', join(project, 'samples/s0000/x.svg')]).stderr).toMatch(/a file of the project/);
    expect(fingerprint(project)).toEqual(before);
    expect(cli(['info', project]).status).toBe(0);
  });

  it('refuses an existing file unless --force, a folder, and a missing or unwritable folder', () => {
    const existing = join(scratch, 'het.csv');
    writeFileSync(existing, 'keep me\n');
    const theory = (out: string, ...extra: string[]) => cli(['theory', '--gamma', '0.1', '--bulk', '3', '--points', '10', '--out', out, ...extra]);
    const refused = theory(existing);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/exists; choose another name, or add --force/);
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n');
    expect(theory(existing, '--force').status).toBe(0);
    expect(readFileSync(existing, 'utf8')).toMatch(/^omega/m);
    expect(theory(scratch).stderr).toMatch(/is a folder; give a file name/);
    expect(theory(join(scratch, 'no/such/folder.csv')).stderr).toMatch(/does not exist/);
    const locked = join(scratch, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const r = theory(join(locked, 'x.csv'));
    chmodSync(locked, 0o700);
    // root may write anywhere: then the write succeeds, which is the truth of that machine.
    if (process.getuid?.() !== 0) expect(r.stderr).toMatch(/cannot be written/);
    expect(existsSync(join(scratch, 'no'))).toBe(false);
    expect(r.stderr).not.toMatch(/    at /); // never a stack trace
  });
});
