/**
 * `glassmodes reproduce` (issue 10 item 2): the plan as data at both scales, refusal of an
 * existing project that disagrees with the plan, an end-to-end run of the tiny plan (2D, N = 64,
 * two ensembles) writing report.md/json and SVG figures, and a SIGKILL mid-run whose rerun gives
 * the same report numbers as an uninterrupted run.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reproducePlan, tinyPlan, selectEnsembles, LADDER, MEASURED_TD, PAPER_SCALE, swapTauAlpha, SWAP_TAU_ALPHA, type ReproducePlan } from '../engine/pipeline/reproducePlan';
import { runReproduction, checkAgainstPlan, type ReproduceReport } from '../engine/io/reproduceRun';
import { createProject, ProjectError } from '../engine/io/project';
import { validateSettings } from '../engine/model/settings';

const repoRoot = new URL('..', import.meta.url).pathname;
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-reproduce-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(plan: ReproducePlan, minima: { particles: number; dim: number; fig4: number; rung: number; full: number; ladderMethod: 'full' | 'lowest' }) {
  const names = plan.ensembles.map((e) => e.name);
  expect(new Set(names).size).toBe(names.length);
  expect(plan.ladder.length).toBeGreaterThanOrEqual(6);
  expect([...plan.ladder]).toEqual([...plan.ladder].sort((a, b) => b - a));
  const lowest = plan.ladder[plan.ladder.length - 1];
  for (const taper of [2, 'inf'] as const) {
    const ladder = plan.ensembles.filter((e) => e.role === 'ladder' && e.taper === taper);
    // T* = ∞ and every rung, once each.
    expect(ladder.map((e) => e.temperature)).toEqual(['inf', ...plan.ladder]);
    for (const e of ladder) {
      const s = validateSettings(e.settings); // every planned project is valid as it stands
      expect(s.model.dim).toBe(minima.dim);
      expect(s.model.particles).toBe(minima.particles);
      expect(s.model.potential).toBe('ipl');
      expect(s.spectrum.method).toBe(minima.ladderMethod);
      if (minima.ladderMethod === 'lowest') expect(s.spectrum.storedModes).toBe(50);
      const fig4 = e.temperature === 'inf' || e.temperature === lowest;
      expect(e.figure4).toBe(fig4);
      expect(s.samples).toBeGreaterThanOrEqual(fig4 ? minima.fig4 : minima.rung);
      if (e.temperature === 'inf') expect(s.sampling.chains).toBe(0);
      else {
        expect(s.sampling.chains).toBeGreaterThan(0);
        expect(s.sampling.maxDisplacement).toBe('auto');
        expect(s.sampling.equilibrate).toBeGreaterThan(0);
        expect(s.sampling.sampleEvery).toBeGreaterThan(0);
      }
    }
    // The Fig. 2 ensembles: full spectra at T* = ∞ and the lowest rung.
    const full = plan.ensembles.filter((e) => e.role === 'full-spectrum' && e.taper === taper);
    expect(full.map((e) => e.temperature)).toEqual(['inf', lowest]);
    for (const e of full) {
      expect(e.settings.spectrum.method).toBe('full');
      expect(e.settings.samples).toBeGreaterThanOrEqual(minima.full);
      expect(e.settings.model.particles).toBe(minima.particles);
    }
  }
  const lj = plan.ensembles.filter((e) => e.role === 'lj');
  expect(lj).toHaveLength(1);
  expect(lj[0].potential).toBe('lj');
  expect(lj[0].taper).toBe(2);
  expect(lj[0].temperature).toBe(lowest);
  expect(plan.ensembles).toHaveLength(2 * (1 + plan.ladder.length) + 1 + 4);
  // Distinct seeds: no two ensembles share their random numbers.
  expect(new Set(plan.ensembles.map((e) => e.settings.seed)).size).toBe(plan.ensembles.length);
}

describe('the reproduce plan as data', () => {
  it('paper scale: N = 1000 in 3D, ≥ 900 samples for the four Fig. 4 ensembles, ≥ 100 per other rung and per Fig. 2 full-spectrum ensemble, lowest-K spectra', () => {
    const plan = reproducePlan('paper');
    check(plan, { particles: 1000, dim: 3, fig4: 900, rung: 100, full: 100, ladderMethod: 'lowest' });
    expect(plan.ensembles.filter((e) => e.figure4)).toHaveLength(4);
    expect(plan.ensembles.filter((e) => e.figure4).every((e) => e.settings.samples >= 900)).toBe(true);
  });

  it('quick scale: the same ladder, tapers and layout, smaller', () => {
    const quick = reproducePlan('quick');
    const paper = reproducePlan('paper');
    check(quick, { particles: quick.ensembles[0].settings.model.particles, dim: 3, fig4: 2, rung: 2, full: 2, ladderMethod: 'full' });
    expect(quick.ladder).toEqual(paper.ladder);
    expect(quick.ensembles.map((e) => e.name)).toEqual(paper.ensembles.map((e) => e.name));
    expect(quick.ensembles[0].settings.model.particles).toBeLessThan(1000);
  });

  it('the ladder: six finite T* from 0.5 down to the measured T_d (within its interval), said so in the plan; --only refuses unknown names', () => {
    const plan = reproducePlan('paper');
    expect(plan.ladder).toEqual([...LADDER]);
    expect(plan.ladder.length).toBeGreaterThanOrEqual(6);
    expect(plan.ladder[0]).toBe(0.5);
    const lowest = plan.ladder[plan.ladder.length - 1];
    expect(lowest).toBeGreaterThanOrEqual(MEASURED_TD.low);
    expect(lowest).toBeLessThanOrEqual(MEASURED_TD.high);
    expect(plan.ladderNote).toMatch(new RegExp(`measured T_d = ${MEASURED_TD.value}`));
    expect(tinyPlan().ladderNote).toMatch(/not the measured ladder/);
    expect(() => reproducePlan('huge' as never)).toThrow(/quick or paper/);
    const low = `minf-T${lowest}`;
    expect(selectEnsembles(reproducePlan('quick'), ['m2-Tinf', low]).map((e) => e.name)).toEqual(['m2-Tinf', low]);
    expect(() => selectEnsembles(reproducePlan('quick'), ['m3-Tinf'])).toThrow(/no ensemble 'm3-Tinf'/);
  });
});

describe('the paper-scale chain schedule from the measured swap τ_α', () => {
  it('interpolates ln τ_α through the measurements (exact at each), and samples every ≥ 2 τ_α after ≥ 20 τ_α of equilibration', () => {
    for (const [t, tau] of SWAP_TAU_ALPHA) expect(swapTauAlpha(t)).toBeCloseTo(tau, 6);
    // Between two measurements: the geometric mean at the midpoint.
    const [a, b] = [SWAP_TAU_ALPHA[3], SWAP_TAU_ALPHA[4]];
    expect(swapTauAlpha((a[0] + b[0]) / 2)).toBeCloseTo(Math.sqrt(a[1] * b[1]), 6);
    for (const t of LADDER) {
      const { equilibrate, sampleEvery } = PAPER_SCALE.schedule(t);
      expect(sampleEvery).toBeGreaterThanOrEqual(2 * swapTauAlpha(t));
      expect(equilibrate).toBeGreaterThanOrEqual(Math.max(10_000, 20 * swapTauAlpha(t)));
    }
  });
});

describe('reproduce against existing folders', () => {
  it('refuses an existing project whose settings differ from the plan, naming the ensemble and the setting, and changes nothing', async () => {
    const dir = join(scratch, 'mismatch');
    const plan = tinyPlan();
    const [first, second] = plan.ensembles;
    createProject(join(dir, second.name), { ...second.settings, samples: second.settings.samples + 1 }, { name: second.name });
    const before = readFileSync(join(dir, second.name, 'project.json'), 'utf8');
    await expect(runReproduction(dir, plan, { estimate: false })).rejects.toThrow(ProjectError);
    await expect(runReproduction(dir, plan, { estimate: false })).rejects.toThrow(new RegExp(`ensemble ${second.name}: .*samples = 4, the plan has 3`));
    // Nothing was created or changed: not even the first ensemble's folder, which comes earlier in the plan.
    expect(existsSync(join(dir, first.name))).toBe(false);
    expect(readFileSync(join(dir, second.name, 'project.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(dir, second.name, 'samples'))).toEqual([]);
    expect(existsSync(join(dir, 'report.json'))).toBe(false);
    // A matching project is accepted as it is.
    const ok = join(scratch, 'match');
    createProject(join(ok, first.name), first.settings, { name: first.name });
    expect(checkAgainstPlan(ok, plan.ensembles).map((c) => c.exists)).toEqual([true, false]);
  });
});

/** The numbers of a report, without times, dates or paths. */
function numbers(input: ReproduceReport) {
  const report = JSON.parse(JSON.stringify(input)) as ReproduceReport; // as report.json holds it (NaN → null)
  return report.ensembles.map((r) => ({ name: r.name, done: r.samplesDone, s: r.s, ratio: r.ratio, stress: r.stressSlope, energy: r.energyPerParticle, omega0: r.omega0 }));
}

describe('reproduce end to end (tiny plan: 2D, N = 64, two ensembles, full spectra)', () => {
  let reference: ReproduceReport;

  it('writes report.md and report.json with s and its interval per ensemble, the CSVs and the figures as SVG', async () => {
    const dir = join(scratch, 'reference');
    const { drawWithAppFigures } = await import('../cli/commands/reproduce');
    reference = await runReproduction(dir, tinyPlan(), { jobs: 2, estimate: false, drawFigure: drawWithAppFigures });
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReproduceReport;
    expect(json.complete).toBe(true);
    expect(json.ensembles.map((e) => e.name)).toEqual(['m2-Tinf', 'm2-T0.5']);
    for (const e of json.ensembles) {
      expect(e.samplesDone).toBe(3);
      expect(Number.isFinite(e.s!.value)).toBe(true);
      expect(e.s!.low).toBeLessThanOrEqual(e.s!.value);
      expect(e.s!.high).toBeGreaterThanOrEqual(e.s!.value);
      expect(e.s!.level).toBe(0.95);
      expect(e.s!.window[0]).toBeLessThan(e.s!.window[1]);
      expect(e.ratio!.lowest).toBeGreaterThan(0.2);
      expect(e.energyPerParticle!.value).toBeGreaterThan(0);
      expect(e.stressSlope!.predicted).toBe(-0.5);
      expect(e.commands[0]).toContain(`glassmodes run ${join(dir, e.name)}`);
    }
    // The stable ensemble has a lower inherent-structure energy than the random one.
    expect(json.ensembles[1].energyPerParticle!.value).toBeLessThan(json.ensembles[0].energyPerParticle!.value);
    expect(json.machine.cpus).toBeGreaterThan(0);
    expect(json.machine.node).toBe(process.version);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    for (const e of json.ensembles) expect(md).toContain(`| ${e.name} | ipl | 2 |`);
    expect(md).toMatch(/95 % CI/);
    expect(md).toMatch(/Ladder T\* = 0\.5: not the measured ladder/);
    expect(md).not.toMatch(/no such figure kind exists|no figure kind/);
    expect(json.missingFigures).toEqual([]);
    expect(json.figures.length).toBeGreaterThanOrEqual(4);
    for (const f of json.figures) {
      expect(f.drawn, `${f.file}: ${f.note}`).toBe(true);
      const svg = readFileSync(join(dir, 'figures', f.file), 'utf8');
      expect(svg.startsWith('<?xml') || svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(`data-figure-kind="${f.kind}"`);
      // Beside each SVG its PNG and the CSV of what its axes show.
      const stem = join(dir, 'figures', f.file.replace(/\.svg$/, ''));
      expect(readFileSync(`${stem}.png`).subarray(1, 4).toString()).toBe('PNG');
      expect(readFileSync(`${stem}.csv`, 'utf8').split('\n')[0]).toMatch(/^project,panel,curve,/);
      expect(md).toContain(`[figures/${f.file}](figures/${f.file})`);
    }
    expect(json.figures.map((f) => f.kind).sort()).toEqual(['energy-vs-temperature', 'idos', 'level-ratio', 'level-ratio', 'pr', 's-vs-temperature', 'stress']);
    // s(T*) and E_IS/N(T*): one row per ensemble with the report's numbers, T* = ∞ written inf.
    const sRows = readFileSync(join(dir, 'figures', 's-vs-T.csv'), 'utf8').trim().split('\n');
    expect(sRows[0]).toBe('project,panel,curve,T*,s,s_low,s_high');
    for (const e of json.ensembles) {
      const r = sRows.find((line) => line.startsWith(`${e.name},`))!.split(',');
      expect(r[3]).toBe(e.temperature === 'inf' ? 'inf' : String(e.temperature));
      expect([Number(r[4]), Number(r[5]), Number(r[6])]).toEqual([e.s!.value, e.s!.low, e.s!.high]);
    }
    expect(sRows.filter((line) => line.startsWith('reference,')).map((line) => line.split(',')[4])).toEqual(['2', '2', '4', '4']);
    const eRows = readFileSync(join(dir, 'figures', 'energy-vs-T.csv'), 'utf8').trim().split('\n');
    expect(eRows[0]).toBe('project,panel,curve,T*,E_IS_per_N [eps],E_IS_per_N_error [eps]');
    for (const e of json.ensembles) expect(eRows.find((line) => line.startsWith(`${e.name},`))!.split(',').slice(4).map(Number)).toEqual([e.energyPerParticle!.value, e.energyPerParticle!.error]);
    const csv = readFileSync(join(dir, 's_vs_T.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(Number(csv[1].split(',')[5])).toBeCloseTo(json.ensembles[0].s!.value, 12);
  });

  it('scripts/verify_reproduce.py (numpy, no glassmodes code) recomputes F(ω) and s of each ensemble from its config files and agrees with the report', () => {
    const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import numpy, ase.io'], { encoding: 'utf8' }).status === 0);
    if (!python) {
      console.warn('SKIPPED: no python3 with numpy and ase (apt-get install python3-ase) — the independent F(ω)/s check did not run');
      return;
    }
    const dir = join(scratch, 'reference');
    for (const name of ['m2-Tinf', 'm2-T0.5']) {
      const run = spawnSync(python, [join(repoRoot, 'scripts/verify_reproduce.py'), dir, name, '--tolerance', '1e-8'], { encoding: 'utf8' });
      expect(run.status, run.stderr + run.stdout).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.agrees).toBe(true);
      expect(result.samples).toBe(3);
      expect(result.points_here).toBeGreaterThan(2);
    }
  });

  it('a SIGKILL mid-run, then the same command again: completes with the same report numbers', async () => {
    const dir = join(scratch, 'killed');
    const args = [join(repoRoot, 'bin/glassmodes.mjs'), 'reproduce', dir, '--scale', 'tiny', '--jobs', '2', '--no-estimate'];
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
    // Kill it while the chain ensemble (the second) is in its Monte Carlo, before any of its samples is done.
    const chain = join(dir, 'm2-T0.5', 'chains', 'c000', 'checkpoint.json');
    const started = Date.now();
    while (!existsSync(chain) && !existsSync(join(dir, 'm2-T0.5', 'samples', 's0000', 'parent.extxyz')) && Date.now() - started < 40_000) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(dir, 'report.json'))).toBe(false); // it really was killed mid-run
    expect(existsSync(join(dir, 'm2-Tinf', 'project.json'))).toBe(true);
    const rerun = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
    expect(rerun.status, rerun.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReproduceReport;
    expect(report.complete).toBe(true);
    expect(numbers(report)).toEqual(numbers(reference));
    expect(rerun.stdout).toMatch(/\| m2-T0\.5 \| ipl \| 2 \| 0\.5 \| 3\/3 \|/);
  });

  it('a rerun of a finished reproduction runs nothing new and refuses a changed plan', async () => {
    const dir = join(scratch, 'reference');
    const again = await runReproduction(dir, tinyPlan(), { estimate: false });
    expect(numbers(again)).toEqual(numbers(reference));
    const changed = tinyPlan();
    changed.ensembles[0].settings.model.taper = 'inf';
    await expect(runReproduction(dir, changed, { estimate: false })).rejects.toThrow(/ensemble m2-Tinf: .*model\.taper = 2, the plan has "inf"/);
  });
});
