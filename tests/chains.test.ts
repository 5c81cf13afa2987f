import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSettings } from '../engine/model/settings';
import { advanceChain, chainEntries, chainOfSample, chainReport, energyDrift, parentSweep, startChain, type ChainState } from '../engine/pipeline/chain';
import { TUNING_WINDOW } from '../engine/sim/stepSize';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-chains-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });

const chainSettings = (extra: Record<string, unknown> = {}) =>
  validateSettings({
    model: { dim: 3, particles: 125, taper: 2 },
    sampling: { parentTemperature: 0.3, chains: 2, equilibrate: 200, sampleEvery: 30, maxDisplacement: 'auto', ...extra },
    spectrum: { enabled: false },
    samples: 5,
    seed: 9,
  });

/** A chain state through JSON and back, as a checkpoint file carries it. */
const roundTrip = (s: ChainState): ChainState => {
  const j = JSON.parse(JSON.stringify({ ...s, mc: { ...s.mc, positions: Array.from(s.mc.positions), diameters: Array.from(s.mc.diameters) }, relaxation: { ...s.relaxation, reference: s.relaxation.reference && Array.from(s.relaxation.reference), unwrapped: s.relaxation.unwrapped && Array.from(s.relaxation.unwrapped), previous: s.relaxation.previous && Array.from(s.relaxation.previous) } }));
  const typed = (a: number[] | null) => (a ? Float64Array.from(a) : null);
  return { ...j, mc: { ...j.mc, positions: Float64Array.from(j.mc.positions), diameters: Float64Array.from(j.mc.diameters) }, relaxation: { ...j.relaxation, reference: typed(j.relaxation.reference), unwrapped: typed(j.relaxation.unwrapped), previous: typed(j.relaxation.previous) } };
};

describe('chains that yield many samples', () => {
  it('split the samples into contiguous blocks, the first ones one longer; every sample has one chain', () => {
    const s = validateSettings({ sampling: { parentTemperature: 0.3, chains: 3 }, samples: 8 });
    expect(chainEntries(s).map((c) => c.samples)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
    expect(new Set(chainEntries(s).map((c) => c.seed)).size).toBe(3);
    expect(chainOfSample(s, 4)).toMatchObject({ chain: { index: 1 }, indexInChain: 1 });
    expect(parentSweep(chainSettings(), 0)).toBe(230);
    expect(chainEntries(validateSettings({ samples: 4 }))).toEqual([]);
  });

  it('a chain stopped at arbitrary sweeps and resumed from its JSON state yields the same parents, bit for bit (δ tuning and F_s included)', () => {
    const settings = chainSettings();
    const entry = chainEntries(settings)[0];
    const straight = startChain(settings, entry);
    const parents: string[] = [];
    for (;;) {
      const r = advanceChain(settings, entry, straight);
      if (r === 'done') break;
      expect(r).toBe('parent');
      parents.push(Array.from(straight.mc.positions).join(','));
      straight.written++;
    }
    expect(parents.length).toBe(entry.samples.length);
    let pieces = startChain(settings, entry);
    const resumedParents: string[] = [];
    const stops = [17, 104, 199, 201, 233, 250];
    for (;;) {
      const r = advanceChain(settings, entry, pieces, (s) => !stops.includes(s.mc.sweepsDone));
      if (r === 'done') break;
      if (r === 'parent') {
        resumedParents.push(Array.from(pieces.mc.positions).join(','));
        pieces.written++;
      }
      pieces = roundTrip(pieces);
    }
    expect(resumedParents).toEqual(parents);
    expect(chainReport(settings, entry, pieces)).toEqual(chainReport(settings, entry, straight));
  });

  it('δ = auto is tuned towards the target acceptance during equilibration only, then frozen', () => {
    const settings = chainSettings({ targetAcceptance: 0.3, equilibrate: 300 });
    const entry = chainEntries(settings)[1];
    const state = startChain(settings, entry);
    const deltas: number[] = [];
    while (advanceChain(settings, entry, state, (s) => void deltas.push(s.mc.tuning!.delta)) === 'parent') state.written++;
    const report = chainReport(settings, entry, state);
    // Changed while tuning (every TUNING_WINDOW sweeps), never after sweep 300.
    expect(new Set(deltas.slice(0, 300)).size).toBeGreaterThan(300 / TUNING_WINDOW / 3);
    expect(new Set(deltas.slice(300)).size).toBe(1);
    expect(report.step!.tuningSweeps).toBe(300);
    expect(report.delta).toBe(deltas[deltas.length - 1]);
    expect(report.delta).not.toBe(0.2);
    expect(Math.abs(report.step!.production.displacement! - 0.3)).toBeLessThan(0.08);
  });

  it('tells a drifting energy from a steady one', () => {
    const sweeps = Array.from({ length: 100 }, (_, k) => k * 10);
    let seed = 1;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.01;
    expect(energyDrift({ sweeps, energy: sweeps.map(() => 1 + noise()) }, 990).verdict).toBe('steady');
    expect(energyDrift({ sweeps, energy: sweeps.map((t) => 1 - 1e-4 * t + noise()) }, 990).verdict).toBe('drifting');
    expect(energyDrift({ sweeps: [0, 10], energy: [1, 1] }, 10).verdict).toBe('too short');
  });

  it('refuses bad chain settings with the setting named, writing nothing', () => {
    const base = ['--dim', '3', '--particles', '125', '--taper', '2', '--parent-temperature', '0.2', '--seed', '1'];
    const cases: [string[], RegExp][] = [
      [['--chains', '0', '--samples', '4'], /--chains \(sampling\.chains\) must be an integer ≥ 1/],
      [['--chains', '5', '--samples', '4'], /samples must be at least sampling\.chains = 5/],
      [['--chains', '2', '--samples', '4', '--sample-every', '0'], /sampling\.sampleEvery must be an integer ≥ 1/],
      [['--chains', '2', '--samples', '4', '--equilibrate=-5'], /sampling\.equilibrate must be a non-negative integer/],
      [['--chains', '2', '--samples', '4', '--max-displacement', 'auto', '--target-acceptance', '1.2'], /sampling\.targetAcceptance must be a number in \(0, 1\)/],
      [['--chains', '2', '--samples', '4', '--target-acceptance', '0'], /sampling\.targetAcceptance must be a number in \(0, 1\)/],
      [['--samples', '4', '--sample-every', '10'], /belong to a project of chains/],
    ];
    for (const [extra, message] of cases) {
      const dir = join(scratch, `bad-${cases.findIndex((c) => c[0] === extra)}`);
      const r = cli(['new', dir, ...base, ...extra]);
      expect(r.status, extra.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(existsSync(dir)).toBe(false);
    }
  });

  it('a run killed (SIGKILL) during a chain and run again writes the same files as an uninterrupted run', async () => {
    const args = (dir: string) => ['new', dir, '--dim', '3', '--particles', '125', '--taper', '2', '--parent-temperature', '0.25', '--chains', '2', '--samples', '6', '--equilibrate', '300', '--sample-every', '100', '--max-displacement', 'auto', '--seed', '3', '--checkpoint-seconds', '0.05', '--no-estimate'];
    const straight = join(scratch, 'straight');
    const killed = join(scratch, 'killed');
    expect(cli(args(straight)).status).toBe(0);
    expect(cli(args(killed)).status).toBe(0);
    expect(cli(['run', straight, '--jobs', '1', '--no-estimate']).status).toBe(0);
    const child = spawn(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), 'run', killed, '--jobs', '1', '--no-estimate'], { stdio: 'ignore' });
    const checkpoint = join(killed, 'chains/c000/checkpoint.json');
    const t0 = Date.now();
    // Kill mid-chain: once its checkpoint says it is past its first parent.
    const written = () => (existsSync(checkpoint) ? (JSON.parse(readFileSync(checkpoint, 'utf8')) as { written: number }).written : 0);
    while (written() < 1 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(written()).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(killed, 'samples/s0005/parent.extxyz'))).toBe(false);
    const again = cli(['run', killed, '--jobs', '1', '--no-estimate']);
    expect(again.status, again.stderr).toBe(0);
    for (let k = 0; k < 6; k++) {
      for (const file of ['parent.extxyz', 'config.extxyz']) {
        const id = `s000${k}`;
        // Missing: say what the rerun said (a lock judged live, a sample skipped) rather than only ENOENT.
        expect(existsSync(join(killed, 'samples', id, file)), `${id}/${file} after the rerun, which said:\n${again.stdout}\n${again.stderr}`).toBe(true);
        expect(readFileSync(join(killed, 'samples', id, file), 'utf8'), `${id}/${file}`).toBe(readFileSync(join(straight, 'samples', id, file), 'utf8'));
      }
    }
    for (const c of ['c000', 'c001']) {
      const strip = (dir: string) => {
        const { elapsedSeconds: _e, ...rest } = JSON.parse(readFileSync(join(dir, 'chains', c, 'chain.json'), 'utf8'));
        return rest;
      };
      expect(strip(killed)).toEqual(strip(straight));
    }
    const info = cli(['info', killed]);
    expect(info.stdout).toMatch(/chain c000 {2}3\/3 parents, sweep 600 in \d+s of Monte Carlo/);
    expect(info.stdout).toMatch(/τ_α/);
    expect(info.stdout).toMatch(/acc\. disp/);
    expect(info.stdout).toMatch(/E\/N (steady|drifting) over the last half of equilibration|drift: too short/);
  }, 180_000);
});
