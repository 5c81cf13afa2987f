/**
 * Resuming `glassmodes relaxation`: checkpoints of a running temperature, finished temperatures
 * kept, a killed run that ends bit for bit as an uninterrupted one, and a folder of another plan
 * refused untouched (docs/RELAXATION.md "Resuming a killed run").
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkTemperatureCheckpoint,
  relaxAtTemperature,
  RELAXATION_BLOCK_SWEEPS,
  validateRelaxationPlan,
  type TemperatureCheckpoint,
  type TemperatureRelaxation,
} from '../engine/pipeline/relaxationRun';
import { openRelaxationCheckpoints } from '../engine/io/relaxationFiles';
import { monteCarloStateToJson } from '../engine/sim/moves';
import { repoRoot } from './helpers/reference';

const same = (a: TemperatureRelaxation, b: TemperatureRelaxation) => {
  expect(Array.from(a.fs)).toEqual(Array.from(b.fs));
  expect(a.times).toEqual(b.times);
  expect(a.tauAlpha).toBe(b.tauAlpha);
  expect(a.acceptance).toEqual(b.acceptance);
  expect(a.energyPerParticle).toEqual(b.energyPerParticle);
  expect(a.largestUnwrapStep).toBe(b.largestUnwrapStep);
};

describe('a temperature of the scan resumed from a checkpoint', () => {
  const plan = validateRelaxationPlan({ model: { dim: 2, particles: 64, taper: 'inf' }, temperatures: [0.8], equilibrationSweeps: 230, sweeps: 420, seed: 3 });
  const straight = relaxAtTemperature(plan, 0.8);
  const checkpoints: TemperatureCheckpoint[] = [];
  const saving = relaxAtTemperature(plan, 0.8, undefined, { due: () => true, save: (c) => checkpoints.push(c) });

  it('checkpoints at every block boundary of both phases, without changing the result', () => {
    same(saving, straight);
    const sweeps = checkpoints.map((c) => c.state.sweepsDone);
    // Blocks are counted from the start of each phase; none at the end of a phase.
    expect(sweeps).toEqual([50, 100, 150, 200, 280, 330, 380, 430, 480, 530, 580, 630]);
    expect(checkpoints.map((c) => c.phase)).toEqual([...Array(4).fill('equilibration'), ...Array(8).fill('measurement')]);
    expect(RELAXATION_BLOCK_SWEEPS).toBe(50);
    for (const c of checkpoints) expect(() => checkTemperatureCheckpoint(plan, c)).not.toThrow();
  });

  it('ends bit for bit as the uninterrupted run, from any checkpoint of either phase', () => {
    for (const c of checkpoints) same(relaxAtTemperature(plan, 0.8, undefined, { resume: c }), straight);
  });

  it('the saved checkpoints are copies: the run going on does not change them', () => {
    const first = checkpoints[0];
    expect(first.state.sweepsDone).toBe(50);
    same(relaxAtTemperature(plan, 0.8, undefined, { resume: first }), straight);
    same(relaxAtTemperature(plan, 0.8, undefined, { resume: first }), straight);
  });

  it('on disk a checkpoint holds its MC state in the one MC checkpoint form (monteCarloStateToJson), and an older file (generator as {s}) still resumes', () => {
    const out = mkdtempSync(join(tmpdir(), 'glassmodes-mcform-'));
    try {
      const c = checkpoints[6];
      openRelaxationCheckpoints(out, plan).save(c);
      const path = join(out, 'checkpoint', 'T0.8.checkpoint.json');
      const raw = JSON.parse(readFileSync(path, 'utf8'));
      expect(raw.state).toEqual(JSON.parse(JSON.stringify(monteCarloStateToJson(c.state))));
      const back = openRelaxationCheckpoints(out, plan).checkpoints.get(0.8)!;
      same(relaxAtTemperature(plan, 0.8, undefined, { resume: back }), straight);
      writeFileSync(path, JSON.stringify({ ...raw, state: { ...raw.state, rng: { s: raw.state.rng } } }));
      const legacy = openRelaxationCheckpoints(out, plan).checkpoints.get(0.8)!;
      expect(legacy.state.rng.s).toEqual(c.state.rng.s);
      same(relaxAtTemperature(plan, 0.8, undefined, { resume: legacy }), straight);
      writeFileSync(path, JSON.stringify({ ...raw, state: { ...raw.state, positions: raw.state.positions.map((x: number, k: number) => (k === 3 ? null : x)) } }));
      expect(() => openRelaxationCheckpoints(out, plan)).toThrow(/state.positions must be an array of numbers/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a checkpoint of another plan or temperature', () => {
    const c = checkpoints[6];
    expect(() => checkTemperatureCheckpoint({ ...plan, temperatures: [0.7] }, c)).toThrow(/not one of the plan's temperatures/);
    expect(() => checkTemperatureCheckpoint({ ...plan, model: { ...plan.model, particles: 100 } }, c)).toThrow(/positions and diameters/);
    expect(() => checkTemperatureCheckpoint({ ...plan, pointsPerDecade: 5 }, c)).toThrow(/F_s must hold/);
    expect(() => checkTemperatureCheckpoint({ ...plan, equilibrationSweeps: 400 }, c)).toThrow(/outside the measurement/);
    expect(() => relaxAtTemperature({ ...plan, temperatures: [0.8, 0.5] }, 0.5, undefined, { resume: c })).toThrow(/cannot resume T = 0.5/);
  });
});

describe('glassmodes relaxation, killed and run again', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-relaxation-resume-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const bin = join(repoRoot, 'bin/glassmodes.mjs');
  // Long enough that each temperature takes about a second or more, however the machine is loaded.
  const settings = ['--dim', '2', '--particles', '64', '--taper', 'inf', '--equilibrate', '2000', '--sweeps', '20000', '--seed', '4', '--temperatures', '1,0.6', '--checkpoint-seconds', '0.2'];
  const cli = (args: string[]) => spawnSync(process.execPath, [bin, 'relaxation', ...args], { encoding: 'utf8', cwd: repoRoot });
  /** Every file under a folder with its bytes and mtime. */
  const snapshot = (dir: string): Record<string, string> => {
    const files: Record<string, string> = {};
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (statSync(path).isDirectory()) walk(path);
        else files[path] = `${statSync(path).mtimeMs} ${readFileSync(path, 'base64')}`;
      }
    };
    walk(dir);
    return files;
  };

  /** Starts the scan and SIGKILLs it as soon as `file` exists (polled, no fixed sleep); returns its stderr. */
  async function killWhenExists(out: string, file: string): Promise<string> {
    const child = spawn(process.execPath, [bin, 'relaxation', ...settings, '--out', out], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));
    const t0 = Date.now();
    while (!existsSync(file) && !done && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(file), `the run ended before ${file} appeared: ${stderr}`).toBe(true);
    return stderr;
  }

  it('resumes a killed scan, keeps its finished temperature, refuses another plan untouched, and ends bit-identical to an uninterrupted one', async () => {
    const killed = join(scratch, 'killed');
    const straight = join(scratch, 'straight');
    const checkpoints = join(killed, 'checkpoint');

    // Killed in the first temperature…
    await killWhenExists(killed, join(checkpoints, 'T1.checkpoint.json'));
    expect(existsSync(join(killed, 'fs.csv'))).toBe(false);
    expect(existsSync(join(checkpoints, 'plan.json'))).toBe(true);
    expect(existsSync(join(checkpoints, 'T1.result.json'))).toBe(false);

    // …run again and killed in the second: the first resumed from its checkpoint and kept.
    const second = await killWhenExists(killed, join(checkpoints, 'T0.6.checkpoint.json'));
    expect(second).toMatch(/resumed T = 1 at sweep [1-9]\d* of 22000/);
    expect(existsSync(join(checkpoints, 'T1.result.json'))).toBe(true);
    expect(existsSync(join(checkpoints, 'T1.checkpoint.json'))).toBe(false);
    expect(existsSync(join(killed, 'fs.csv'))).toBe(false);

    // Another plan in that folder is refused, and nothing on disk changes.
    const before = snapshot(killed);
    const other = cli([...settings.map((a) => (a === '20000' ? '30000' : a)), '--out', killed]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/holds checkpoints of a relaxation scan that this run cannot resume: they belong to another plan \(sweeps: 20000 there, 30000 here\).*choose another --out/);
    const otherSeed = cli([...settings, '--seed', '5', '--out', killed]);
    expect(otherSeed.status).toBe(2);
    expect(otherSeed.stderr).toMatch(/seed: 4 there, 5 here/);
    expect(snapshot(killed)).toEqual(before);

    // The same command finishes it: T = 1 is not recomputed, T = 0.6 goes on from its checkpoint.
    const resumed = cli([...settings, '--out', killed]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/skipped T = 1: finished in an earlier run/);
    expect(resumed.stderr).not.toMatch(/resumed T = 1 /);
    expect(resumed.stderr).toMatch(/resumed T = 0\.6 at sweep [1-9]\d* of 22000/);
    expect(resumed.stderr).not.toMatch(/T = 1 \(1\/2\): swap/); // no sweep of T = 1 was run
    // Checkpoints are removed once the final files are written.
    expect(existsSync(checkpoints)).toBe(false);

    const uninterrupted = cli([...settings, '--out', straight]);
    expect(uninterrupted.status, uninterrupted.stderr).toBe(0);
    expect(uninterrupted.stderr).not.toMatch(/resumed|skipped/);
    for (const file of ['fs.csv', 'tau.csv']) expect(readFileSync(join(killed, file), 'utf8')).toBe(readFileSync(join(straight, file), 'utf8'));
    const summary = (dir: string) => {
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      delete s.provenance.date;
      delete s.provenance.command; // names the --out folder
      return s;
    };
    expect(summary(killed)).toEqual(summary(straight));
    expect(readdirSync(killed).sort()).toEqual(['fs.csv', 'summary.json', 'tau.csv']);
  }, 240_000);

  it('refuses a non-positive --checkpoint-seconds before anything is written', () => {
    const out = join(scratch, 'never');
    const r = cli([...settings, '--checkpoint-seconds', '0', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--checkpoint-seconds/);
    expect(existsSync(out)).toBe(false);
  });
});
