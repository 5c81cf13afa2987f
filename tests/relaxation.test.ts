import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accumulateUnwrapped, logSpacedSweeps, relaxationTime, selfIntermediateScattering } from '../engine/analysis/relaxation';
import { seriesFromCsv } from '../engine/series';
import { SettingsError } from '../engine/model/settings';
import { fitRelaxationTimes, relaxAtTemperature, runRelaxation, validateRelaxationPlan } from '../engine/pipeline/relaxationRun';
import { createRng, normal, uniform } from '../engine/random';
import { fitModeCoupling, modeCouplingTau } from '../engine/theory/modeCoupling';
import { repoRoot } from './helpers/reference';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function randomPositions(n: number, dim: number, side: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * dim }, () => uniform(rng) * side);
}

/** F_s written out over the 2d wavevectors ±k ê_α, independently of the engine's folded form. */
function fsOverWavevectors(before: Float64Array, after: Float64Array, dim: number, k: number): number {
  const n = before.length / dim;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let alpha = 0; alpha < dim; alpha++) {
      for (const sign of [1, -1]) {
        // k·Δr with k = sign·k ê_α; the real part of exp(i k·Δr).
        let dot = 0;
        for (let beta = 0; beta < dim; beta++) dot += (beta === alpha ? sign * k : 0) * (after[dim * i + beta] - before[dim * i + beta]);
        sum += Math.cos(dot);
      }
    }
  }
  return sum / (2 * dim * n);
}

describe('self-intermediate scattering function', () => {
  for (const dim of [2, 3] as const) {
    it(`in d = ${dim}, a rigid translation of every particle by a along x gives F_s = [(d − 1) + cos(k a)]/d, the exact average over the 2d wavevectors ±k ê_α`, () => {
      const side = 6.3;
      const k = 2 * Math.PI;
      const before = randomPositions(40, dim, side, 11);
      for (const a of [0.1, 0.37, 1.9]) {
        const after = Float64Array.from(before);
        for (let i = 0; i < 40; i++) after[dim * i] += a;
        const expected = ((dim - 1) + Math.cos(k * a)) / dim;
        expect(Math.abs(selfIntermediateScattering(before, after, dim, k) - expected)).toBeLessThan(1e-14);
        expect(Math.abs(fsOverWavevectors(before, after, dim, k) - expected)).toBeLessThan(1e-14);
      }
    });
  }

  it('equals the average over the 2d wavevectors ±k ê_α for arbitrary displacements', () => {
    const rng = createRng(5);
    for (const dim of [2, 3]) {
      const before = randomPositions(30, dim, 5, 3);
      const after = Float64Array.from(before, (x) => x + 0.8 * normal(rng));
      for (const k of [1.3, 2 * Math.PI, 9.7]) {
        expect(Math.abs(selfIntermediateScattering(before, after, dim, k) - fsOverWavevectors(before, after, dim, k))).toBeLessThan(1e-14);
      }
    }
  });

  it('is 1 at t = 0', () => {
    const positions = randomPositions(50, 3, 4, 7);
    expect(selfIntermediateScattering(positions, Float64Array.from(positions), 3, 2 * Math.PI)).toBe(1);
  });

  it('from positions wrapped into the box, unwrapping consecutive snapshots recovers the translation across the periodic boundary, even past L/2 in all', () => {
    const dim = 3;
    const side = 4.5;
    const k = 3; // not commensurate with the box: a displacement known only modulo L would give another F_s
    const n = 30;
    const start = randomPositions(n, dim, side, 21);
    const a = 0.9 * side; // beyond L/2: one minimum-image difference would read −0.1 L
    const steps = 6; // each step 0.15 L < L/2
    const wrap = (x: number) => x - side * Math.floor(x / side);
    const unwrapped = Float64Array.from(start);
    let previous = Float64Array.from(start);
    let largest = 0;
    for (let s = 1; s <= steps; s++) {
      const now = Float64Array.from(start, (x, c) => wrap(c % dim === 0 ? x + (a * s) / steps : x));
      largest = Math.max(largest, accumulateUnwrapped(unwrapped, previous, now, side));
      previous = now;
    }
    // Particles did cross the boundary: their wrapped coordinate is now smaller than where they started.
    expect(Array.from({ length: n }, (_, i) => previous[dim * i] < start[dim * i]).some(Boolean)).toBe(true);
    expect(largest).toBeCloseTo(a / steps, 12);
    const expected = ((dim - 1) + Math.cos(k * a)) / dim;
    expect(Math.abs(selfIntermediateScattering(start, unwrapped, dim, k) - expected)).toBeLessThan(1e-12);
    // …whereas the single minimum-image difference between the first and last snapshots aliases.
    const aliased = Float64Array.from(start);
    accumulateUnwrapped(aliased, start, previous, side);
    expect(Math.abs(selfIntermediateScattering(start, aliased, dim, k) - expected)).toBeGreaterThan(0.1);
  });
});

describe('α-relaxation time', () => {
  it('interpolates F_s linearly in ln t: for F_s = 1 − 0.1 ln t it returns exactly exp[(1 − 1/e)/0.1]', () => {
    const times = logSpacedSweeps(10_000, 7);
    const fs = times.map((t) => (t === 0 ? 1 : 1 - 0.1 * Math.log(t)));
    const { tau, lowerBound } = relaxationTime(times, fs);
    expect(lowerBound).toBeNull();
    expect(relative(tau!, Math.exp((1 - Math.exp(-1)) / 0.1))).toBeLessThan(1e-12);
  });
  it('is null, with the run length as a lower bound, when F_s never falls below 1/e', () => {
    const times = logSpacedSweeps(500);
    expect(relaxationTime(times, times.map((t) => Math.exp(-t / 1000)))).toEqual({ tau: null, lowerBound: 500 });
  });
  it('lags start at 0, increase strictly and end at the run length', () => {
    for (const total of [1, 7, 1000, 12345]) {
      const times = logSpacedSweeps(total, 10);
      expect(times[0]).toBe(0);
      expect(times[times.length - 1]).toBe(total);
      for (let j = 1; j < times.length; j++) expect(times[j]).toBeGreaterThan(times[j - 1]);
    }
    expect(logSpacedSweeps(1000, 10).length).toBeLessThan(40);
  });
});

describe('mode-coupling fit τ = A (T − T_d)^(−γ)', () => {
  const temperatures = [0.12, 0.13, 0.15, 0.18, 0.22, 0.3, 0.4];
  const truth = { Td: 0.1, gamma: 2.5, A: 0.5 };
  it('recovers T_d, γ and A of exact power-law data to 1e-6', () => {
    const tau = temperatures.map((t) => modeCouplingTau(t, truth));
    const fit = fitModeCoupling(temperatures, tau);
    expect(relative(fit.Td, truth.Td)).toBeLessThan(1e-6);
    expect(relative(fit.gamma, truth.gamma)).toBeLessThan(1e-6);
    expect(relative(fit.A, truth.A)).toBeLessThan(1e-6);
    expect(fit.residual).toBeLessThan(1e-20);
    expect(fit.points).toBe(7);
    expect(fit.atBoundary).toBe(false);
  });
  it('with 1% noise on τ still finds T_d to 1%, γ to 5% and A to 15%', () => {
    const rng = createRng(2024);
    for (let trial = 0; trial < 5; trial++) {
      const tau = temperatures.map((t) => modeCouplingTau(t, truth) * (1 + 0.01 * normal(rng)));
      const fit = fitModeCoupling(temperatures, tau);
      expect(relative(fit.Td, truth.Td)).toBeLessThan(0.01);
      expect(relative(fit.gamma, truth.gamma)).toBeLessThan(0.05);
      expect(relative(fit.A, truth.A)).toBeLessThan(0.15);
      // The residual is that of the noise: about 7 × (0.01)², not of a wrong law.
      expect(fit.residual).toBeLessThan(7 * 1e-4 * 4);
    }
  });
  it('flags data with no divergence above T = 0 (τ ∝ T^(−γ)) as not locating T_d', () => {
    const fit = fitModeCoupling(temperatures, temperatures.map((t) => 3 * t ** -2));
    expect(fit.atBoundary).toBe(true);
    expect(Math.abs(fit.Td)).toBeLessThan(1e-9);
  });
  it('refuses 2 points, non-positive τ and repeated temperatures', () => {
    expect(() => fitModeCoupling([0.3, 0.4], [10, 5])).toThrow(RangeError);
    expect(() => fitModeCoupling([0.3, 0.4], [10, 5])).toThrow(/at least 3/);
    expect(() => fitModeCoupling([0.3, 0.4, 0.5], [10, 0, 5])).toThrow(/positive/);
    expect(() => fitModeCoupling([0.3, 0.3, 0.5], [10, 9, 5])).toThrow(/3 distinct/);
  });
  it('a scan gives no fit, with the reason, when fewer than 3 temperatures relaxed', () => {
    const outcome = fitRelaxationTimes([{ temperature: 1, tauAlpha: 10 }, { temperature: 0.5, tauAlpha: 40 }, { temperature: 0.3, tauAlpha: null }]);
    expect(outcome.fit).toBeNull();
    expect(outcome.note).toMatch(/measured at 2 of 3 temperature\(s\).*at least 3/);
  });
});

describe('relaxation scan (swap MC equilibration, swap-free MC measurement)', () => {
  const plan = validateRelaxationPlan({ model: { dim: 2, particles: 100 }, temperatures: [2, 0.5], equilibrationSweeps: 300, sweeps: 1500, seed: 4 });
  const result = runRelaxation(plan);

  it('F_s decays from 1, and τ_α is larger at the lower temperature', () => {
    for (const run of result.runs) {
      expect(run.times[0]).toBe(0);
      expect(run.fs[0]).toBe(1);
      expect(run.fs[1]).toBeLessThan(1);
      expect(Math.max(...run.fs.slice(1))).toBeLessThan(1);
      // Decreasing beyond the noise of 100 particles: the late plateau lies well below the early value.
      expect(run.fs[run.fs.length - 1]).toBeLessThan(run.fs[5] - 0.3);
      expect(run.acceptance.measurement.swap).toBe(0);
      expect(run.acceptance.equilibration.swap).toBeGreaterThan(0);
      expect(run.largestUnwrapStep).toBeLessThan(0.25 * 10);
    }
    const [hot, cold] = result.runs;
    expect(hot.tauAlpha).not.toBeNull();
    expect(cold.tauAlpha).not.toBeNull();
    expect(cold.tauAlpha!).toBeGreaterThan(2 * hot.tauAlpha!);
    expect(result.fit).toBeNull();
    expect(result.fitNote).toMatch(/at least 3/);
  });

  it('is deterministic for a seed, and each temperature depends only on (seed, T)', () => {
    const alone = relaxAtTemperature(plan, 0.5);
    expect(Array.from(alone.fs)).toEqual(Array.from(result.runs[1].fs));
    expect(alone.tauAlpha).toBe(result.runs[1].tauAlpha);
  });

  it('the plan refuses no temperatures, a non-positive or repeated one, an unknown taper and L < 2 r_c, naming the setting', () => {
    const base = { model: { dim: 2 as const, particles: 64 }, sweeps: 10 };
    const refused = (input: object, setting: string) => {
      try {
        validateRelaxationPlan(input);
      } catch (error) {
        expect(error).toBeInstanceOf(SettingsError);
        expect((error as SettingsError).setting).toBe(setting);
        return;
      }
      throw new Error(`accepted ${JSON.stringify(input)}`);
    };
    refused({ ...base, temperatures: [] }, 'temperatures');
    refused({ ...base, temperatures: [0.5, -1] }, 'temperatures');
    refused({ ...base, temperatures: [0.5, 0] }, 'temperatures');
    refused({ ...base, temperatures: [0.5, 0.5] }, 'temperatures');
    refused({ ...base, temperatures: [0.5], model: { dim: 2, particles: 64, taper: 1 } }, 'model.taper');
    refused({ ...base, temperatures: [0.5], model: { dim: 2, particles: 12 } }, 'model.particles');
    refused({ ...base, temperatures: [0.5], sweeps: 0 }, 'sweeps');
  });
});

describe('glassmodes relaxation', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-relaxation-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), 'relaxation', ...args], { encoding: 'utf8', cwd: repoRoot });
  const tiny = ['--dim', '2', '--particles', '64', '--taper', 'inf', '--equilibrate', '20', '--sweeps', '60', '--seed', '4'];

  it('refuses bad input, naming the setting, and writes nothing', () => {
    const out = join(scratch, 'never');
    const cases: [string[], RegExp][] = [
      [[...tiny, '--temperatures', '0.5,-1', '--out', out], /temperatures \(--temperatures\) must be positive/],
      [[...tiny, '--temperatures', '0.5,abc', '--out', out], /--temperatures/],
      [[...tiny, '--temperatures', '', '--out', out], /--temperatures/],
      [[...tiny, '--taper', 'two', '--temperatures', '0.5', '--out', out], /model\.taper \(--taper\)/],
      [[...tiny, '--particles', '10', '--temperatures', '0.5', '--out', out], /model\.particles \(--particles\).*2 r_c/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, r.stdout).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    const missing = cli([...tiny, '--temperatures', '0.5']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/needs --temperatures, --equilibrate, --sweeps and --out/);
    expect(existsSync(out)).toBe(false);
  });

  it('writes fs.csv, tau.csv and summary.json on a tiny run', () => {
    const out = join(scratch, 'scan');
    const r = cli([...tiny, '--temperatures', '1.5,0.8', '--out', out, '--k', '6']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/relaxation \[/);
    const fs = seriesFromCsv('fs', '', readFileSync(join(out, 'fs.csv'), 'utf8'));
    expect(fs.columns.map((c) => (c.unit === '1' ? c.name : `${c.name} [${c.unit}]`))).toEqual(['t [sweeps]', 'Fs(T=1.5)', 'Fs(T=0.8)']);
    expect(fs.data[0][0]).toBe(0);
    expect(fs.data[0][fs.data[0].length - 1]).toBe(60);
    expect(fs.data[1][0]).toBe(1);
    const tau = seriesFromCsv('tau', '', readFileSync(join(out, 'tau.csv'), 'utf8'));
    expect(tau.columns.map((c) => c.name)).toEqual(['T', 'tau_alpha', 'tau_alpha_lower_bound']);
    expect(Array.from(tau.data[0])).toEqual([1.5, 0.8]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.temperatures).toEqual([1.5, 0.8]);
    expect(summary.tauAlpha).toHaveLength(2);
    expect(summary.wavevector).toBe(6);
    expect(summary.fit).toBeNull();
    expect(summary.fitNote).toMatch(/at least 3/);
    expect(summary.provenance.command).toMatch(/^glassmodes relaxation /);
    expect(summary.provenance.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(summary.provenance.seed).toBe(4);
    expect(summary.provenance.settings.model.taper).toBe('inf');
    expect(Number.isNaN(Date.parse(summary.provenance.date))).toBe(false);
  });

  it('--combine joins scans run one temperature per task into the table and fit of a single scan', () => {
    const args = ['--dim', '2', '--particles', '64', '--equilibrate', '20', '--sweeps', '300', '--seed', '5', '--points-per-decade', '5'];
    expect(cli([...args, '--temperatures', '2,1', '--out', join(scratch, 'a')]).status).toBe(0);
    expect(cli([...args, '--temperatures', '0.7', '--out', join(scratch, 'b')]).status).toBe(0);
    expect(cli([...args, '--temperatures', '2,1,0.7', '--out', join(scratch, 'one')]).status).toBe(0);
    const r = cli(['--combine', join(scratch, 'a'), join(scratch, 'b'), '--out', join(scratch, 'all')]);
    expect(r.status, r.stderr).toBe(0);
    const combined = JSON.parse(readFileSync(join(scratch, 'all', 'summary.json'), 'utf8'));
    const single = JSON.parse(readFileSync(join(scratch, 'one', 'summary.json'), 'utf8'));
    expect(combined.temperatures).toEqual([2, 1, 0.7]);
    expect(combined.tauAlpha).toEqual(single.tauAlpha);
    expect(combined.fit === null).toBe(single.fit === null);
    if (single.fit) expect(combined.fit.Td).toBe(single.fit.Td);
    expect(readFileSync(join(scratch, 'all', 'fs.csv'), 'utf8')).toBe(readFileSync(join(scratch, 'one', 'fs.csv'), 'utf8'));
    const twice = cli(['--combine', join(scratch, 'a'), join(scratch, 'a'), '--out', join(scratch, 'never2')]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/T = 2 is in both/);
    expect(existsSync(join(scratch, 'never2'))).toBe(false);
    // A folder without a scan (engine/io/relaxationScan.ts reads it) is a usage error, exit 2.
    const none = cli(['--combine', join(scratch, 'a'), join(scratch, 'never2'), '--out', join(scratch, 'never3')]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/never2 holds no relaxation scan/);
  });
});
