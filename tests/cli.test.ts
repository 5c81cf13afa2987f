import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reference, repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });
const readCsv = (path: string) => {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  return { header: header.split(','), rows: rows.map((r) => r.split(',').map((x) => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : Number(x)))) };
};

describe('glassmodes theory', () => {
  it('writes the HET-SCBA curve as CSV with omega and g columns that match the independent reference', () => {
    const het = (reference as unknown as Record<string, { omega: number[]; g: number[] }>)['het_gamma0.1_K3'];
    const out = join(scratch, 'het.csv');
    const r = cli(['theory', '--gamma', '0.1', '--bulk', '3', '--omega-min', '0.05', '--omega-max', '1', '--points', '40', '--spacing', 'lambda', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/γ_c = 0\.229/);
    const { header, rows } = readCsv(out);
    expect(header.slice(0, 2)).toEqual(['omega', 'g']);
    expect(rows.length).toBe(40);
    rows.forEach((row, k) => {
      expect(Math.abs(row[0] - het.omega[k]) / het.omega[k]).toBeLessThan(1e-12);
      expect(Math.abs(row[1] - het.g[k]) / het.g[k]).toBeLessThan(1e-8);
    });
  });
  it('refuses bad input without writing', () => {
    const out = join(scratch, 'never.csv');
    expect(cli(['theory', '--gamma=-1', '--bulk', '3', '--out', out]).stderr).toMatch(/--gamma must be ≥ 0/);
    expect(cli(['theory', '--gamma', '0.1', '--out', out]).status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('glassmodes demo, analyze and compare', () => {
  it('runs the main job end to end on small glasses and reports measured against predicted exponents', () => {
    const dir = join(scratch, 'demo');
    const r = cli(['demo', dir, '--particles', '216', '--samples', '2', '--equilibrate', '40', '--sample-every', '20', '--jobs', '2']);
    expect(r.status, r.stderr + r.stdout.slice(-2000)).toBe(0);
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    // the contrast of each taper (s and localisation at matched ω) and what the scale cannot resolve
    expect(report).toMatch(/\| m = 2 \| [\d.]+ \[[\d.]+, [\d.]+\] \| [\d.]+ \[/);
    expect(report).toMatch(/\| m = ∞ \|/);
    expect(report).toContain('## What this scale can and cannot resolve');
    expect(report).toContain('reproduce <dir> --scale paper');
    const low = JSON.parse(readFileSync(join(dir, 'low-T-m2', 'project.json'), 'utf8'));
    expect(low.settings.sampling).toMatchObject({ parentTemperature: 0.1, chains: 2, equilibrate: 40, sampleEvery: 20, maxDisplacement: 'auto' });
    for (const name of ['high-T-m2', 'high-T-minf', 'low-T-m2', 'low-T-minf']) {
      expect(report).toContain(`| ${name} |`);
      const summary = JSON.parse(readFileSync(join(dir, name, 'analysis', 'summary.json'), 'utf8'));
      expect(summary.samples).toBe(2);
      expect(summary.s.low).toBeLessThanOrEqual(summary.s.value);
      expect(summary.s.high).toBeGreaterThanOrEqual(summary.s.value);
      expect(summary.omega0).toBeGreaterThan(0);
      expect(summary.shearModulus.value).toBeGreaterThan(0);
      expect(summary.bulkModulus.value).toBeGreaterThan(summary.shearModulus.value);
      expect(summary.meanRatio.lowest.value).toBeGreaterThan(0.2);
      expect(summary.stressSlope.predicted).toBe(name.endsWith('m2') ? -0.5 : -1);
      expect(summary.tableOne.dos).toBe(name.endsWith('m2') ? 4 : 3);
      expect(summary.provenance.computedBy).toMatch(/glassmodes .* analyze/);
      const dos = readCsv(join(dir, name, 'analysis', 'integrated_dos.csv'));
      expect(dos.header[0]).toMatch(/^omega/);
      const meta = JSON.parse(readFileSync(join(dir, name, 'samples', 's0000', 'meta.json'), 'utf8'));
      expect(meta.spectrum.backend).toBeTruthy();
      expect(meta.spectrum.zeroModes).toBe(3);
    }
    expect(existsSync(join(dir, 'het_gamma0.1_K3.csv'))).toBe(true);

    // analyze again, with a user window: the summary records it.
    const again = cli(['analyze', join(dir, 'high-T-m2'), '--window', '0.5,2.5']);
    expect(again.status, again.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'high-T-m2', 'analysis', 'summary.json'), 'utf8'));
    expect(summary.s.window).toEqual([0.5, 2.5]);
    expect(summary.s.automatic).toBe(false);

    const out = join(scratch, 'energies.csv');
    const cmp = cli(['compare', join(dir, 'high-T-m2'), join(dir, 'low-T-m2'), '--out', out]);
    expect(cmp.status, cmp.stderr).toBe(0);
    const table = readCsv(out);
    expect(table.header[0]).toBe('parent_temperature [eps]');
    expect(table.rows.map((row) => row[0])).toEqual([0.1, Infinity]);
  });

  it('analyze refuses a project without finished samples, and one made without spectra', () => {
    const dir = join(scratch, 'empty');
    expect(cli(['new', dir, '--dim', '2', '--particles', '64', '--taper', '2', '--samples', '1']).status).toBe(0);
    expect(cli(['analyze', dir]).stderr).toMatch(/no finished samples/);
    const off = join(scratch, 'off');
    expect(cli(['new', off, '--dim', '2', '--particles', '64', '--taper', '2', '--no-spectrum']).status).toBe(0);
    expect(cli(['analyze', off]).stderr).toMatch(/spectrum stage off/);
  });
});
