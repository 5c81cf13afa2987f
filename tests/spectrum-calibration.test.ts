/**
 * `backend: auto` by measurement (issue 15 item 6): the cost model and the choice on constructed
 * timings, a real calibration of this machine with its cache, and a run that records the choice.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseByCalibration, predictSeconds, type SpectrumCalibration } from '../engine/spectrum/calibration';

const repoRoot = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-calibration-'));

const calibration = (paths: SpectrumCalibration['paths']): SpectrumCalibration => ({ fingerprint: 'test', measuredAt: '2026-12-02T00:00:00Z', model: 1, paths });

describe('the cost model t(n) = a + b n³ and the choice of auto', () => {
  it('recovers a and b from two probes exactly, and extrapolates a single probe as n³', () => {
    const a = 0.8;
    const b = 2e-9;
    const t = (n: number) => a + b * n ** 3;
    const timing = { path: 'webgpu' as const, probes: [{ dof: 192, seconds: t(192) }, { dof: 648, seconds: t(648) }] };
    for (const n of [96, 3000, 30000]) expect(predictSeconds(timing, n)).toBeCloseTo(t(n), 9);
    expect(predictSeconds({ path: 'reference', probes: [{ dof: 100, seconds: 1 }] }, 200)).toBeCloseTo(8, 12);
  });

  it('takes a GPU only beyond the size where its launch overhead is paid back, never a path predicted slower than the reference', () => {
    // Reference: no overhead, 1e-8 s per n³; GPU: 2 s of overhead, 1e-10 s per n³ → crossover at n ≈ 588.
    const c = calibration([
      { path: 'reference', probes: [{ dof: 192, seconds: 1e-8 * 192 ** 3 }, { dof: 648, seconds: 1e-8 * 648 ** 3 }] },
      { path: 'webgpu', probes: [{ dof: 192, seconds: 2 + 1e-10 * 192 ** 3 }, { dof: 648, seconds: 2 + 1e-10 * 648 ** 3 }] },
    ]);
    expect(chooseByCalibration(c, 300).backend).toBe('reference');
    expect(chooseByCalibration(c, 3000).backend).toBe('webgpu');
    const choice = chooseByCalibration(c, 3000);
    expect(choice.predicted.webgpu!).toBeLessThan(choice.predicted.reference!);
    expect(choice.why).toMatch(/webgpu predicted .* at dN = 3000; reference/);
  });

  it('never takes an excluded path, and refuses a calibration without the reference', () => {
    const c = calibration([
      { path: 'reference', probes: [{ dof: 192, seconds: 0.1 }, { dof: 648, seconds: 1 }] },
      { path: 'webasm', probes: [{ dof: 192, seconds: 0.01 }], excluded: 'failed: no device' },
    ]);
    const choice = chooseByCalibration(c, 3000);
    expect(choice.backend).toBe('reference');
    expect(choice.predicted.webasm).toBeUndefined();
    expect(choice.why).toMatch(/not considered: webasm \(failed: no device\)/);
    expect(() => chooseByCalibration(calibration([{ path: 'webasm', probes: [{ dof: 1, seconds: 1 }, { dof: 2, seconds: 2 }] }]), 10)).toThrow(/reference/);
  });
});

describe('a calibration of this machine', () => {
  const cacheDir = join(scratch, 'cache');
  const env = { ...process.env, GLASSMODES_CACHE_DIR: cacheDir };

  it('times the reference at both probes, stops the webasm device path that cannot win, caches the result, and measures again for another machine or a damaged file', async () => {
    process.env.GLASSMODES_CACHE_DIR = cacheDir;
    const { loadOrCalibrate, calibrationCachePath } = await import('../engine/io/spectrumCalibration');
    const first = await loadOrCalibrate();
    expect(first.calibrated).toBe(true);
    expect(first.path).toBe(calibrationCachePath());
    const reference = first.calibration.paths.find((p) => p.path === 'reference')!;
    expect(reference.probes.map((p) => p.dof)).toEqual([192, 648]);
    expect(reference.probes[1].seconds).toBeGreaterThan(reference.probes[0].seconds);
    // On a host without a GPU the float32 Jacobi through gpu.js's WebAssembly kernels is slower than the float64 reference.
    const webasm = first.calibration.paths.find((p) => p.path === 'webasm');
    expect(webasm?.excluded).toMatch(/slower than the float64 reference/);
    expect(chooseByCalibration(first.calibration, 3000).backend).toBe('reference');

    const again = await loadOrCalibrate();
    expect(again.calibrated).toBe(false);
    expect(again.calibration.measuredAt).toBe(first.calibration.measuredAt);

    const cached = JSON.parse(readFileSync(first.path, 'utf8'));
    expect(cached.description).toMatch(/cpu .* × \d+; memory \d+ MiB; .*node v\d+.*glassmodes .*backends/);
    // Another machine's (or version's) file, or a damaged one, is not used: it is measured again.
    const { readCalibrationCache } = await import('../engine/io/spectrumCalibration');
    const fingerprint = first.calibration.fingerprint;
    expect(readCalibrationCache(first.path, fingerprint)?.measuredAt).toBe(first.calibration.measuredAt);
    const elsewhere = join(scratch, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify({ ...cached, fingerprint: 'another machine' }));
    expect(readCalibrationCache(elsewhere, fingerprint)).toBeUndefined();
    writeFileSync(elsewhere, JSON.stringify({ ...cached, paths: [{ path: 'reference', probes: [{ dof: 192, seconds: -1 }] }] }));
    expect(readCalibrationCache(elsewhere, fingerprint)).toBeUndefined();
    writeFileSync(elsewhere, '{"fingerprint": ');
    expect(readCalibrationCache(elsewhere, fingerprint)).toBeUndefined();
    delete process.env.GLASSMODES_CACHE_DIR;
  }, 600_000);

  it('a run with backend auto records the calibrated choice and its predictions in meta.json', () => {
    const dir = join(scratch, 'p');
    const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: scratch, env });
    let r = cli(['new', dir, '--dim', '3', '--particles', '64', '--taper', '2', '--parent-temperature', 'inf', '--samples', '1', '--seed', '5']);
    expect(r.status, r.stderr).toBe(0);
    r = cli(['run', dir]);
    expect(r.status, r.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(join(dir, 'samples', 's0000', 'meta.json'), 'utf8'));
    expect(meta.spectrum.backend).toBe('reference');
    expect(meta.spectrum.backendChoice).toMatch(/^auto, calibrated on this machine .*reference predicted .* at dN = 192/);
    expect(meta.spectrum.backendPredictedSeconds.reference).toBeGreaterThan(0);
  }, 600_000);
});
