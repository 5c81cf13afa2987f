/**
 * The CLI as a user gets it: `npm pack` (its prepack compiles dist/), the tarball installed into an
 * empty folder (dependencies from the npm cache where it has them), then `glassmodes demo` (tiny)
 * and `glassmodes figure` run from / through `npx --prefix`: compiled JavaScript only — no
 * TypeScript sources, no tsx — from a working folder that is not the repository.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-package-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** This process's environment without what an outer `npm test` passes to its children (npm_config_*, npm_package_*…). */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
function run(command: string, args: string[], options: SpawnSyncOptions) {
  const r = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 << 20, ...options });
  return { status: r.status, stdout: String(r.stdout), output: `${r.stdout}${r.stderr}` };
}

describe('the packed CLI', () => {
  it('installs from its tarball into an empty folder and runs demo and figure from /', () => {
    const pack = run('npm', ['pack', '--ignore-scripts=false', '--json', '--pack-destination', scratch], { cwd: repo });
    expect(pack.status, pack.output).toBe(0);
    const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = packed.files.map((f) => f.path);
    for (const f of ['bin/glassmodes.mjs', 'dist/cli.mjs', 'dist/sampleWorker.mjs', 'resources/fonts/DejaVuSans-figures.ttf']) expect(files).toContain(f);
    expect(files.filter((f) => /\.(ts|tsx|mts)$/.test(f) || /^(cli|engine|figures|main|renderer)\//.test(f))).toEqual([]);

    const prefix = join(scratch, 'x');
    mkdirSync(prefix);
    const install = run('npm', ['install', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(scratch, packed.filename)], { cwd: prefix });
    expect(install.status, install.output).toBe(0);
    const installed = join(prefix, 'node_modules/glassmodes');
    expect(existsSync(join(installed, 'dist/cli.mjs'))).toBe(true);
    expect(existsSync(join(installed, 'cli'))).toBe(false);
    expect(existsSync(join(prefix, 'node_modules/tsx'))).toBe(false);

    const demo = join(scratch, 'demo');
    const r = run('npx', ['--prefix', prefix, 'glassmodes', 'demo', demo, '--particles', '64', '--samples', '2', '--equilibrate', '10', '--sample-every', '10', '--jobs', '2'], { cwd: '/' });
    expect(r.status, r.output).toBe(0);
    const report = readFileSync(join(demo, 'report.md'), 'utf8');
    for (const name of ['high-T-m2', 'high-T-minf', 'low-T-m2', 'low-T-minf']) expect(report).toContain(`| ${name} |`);
    expect(existsSync(join(demo, 'low-T-m2/samples/s0001'))).toBe(true);

    const png = join(scratch, 'idos.png');
    const f = run('npx', ['--prefix', prefix, 'glassmodes', 'figure', join(demo, 'low-T-m2'), 'idos', '--out', png, '--dpi', '96'], { cwd: '/' });
    expect(f.status, f.output).toBe(0);
    expect(f.output).not.toMatch(/React is not defined/);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(5000);
  }, 900_000);
});
