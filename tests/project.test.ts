import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createProject, openProject, ProjectError, projectStatus } from '../engine/io/project';
import { runProject } from '../engine/io/runner';
import { readExtxyz, readNpy, writeFileAtomic, writeNpy } from '../engine/io/files';
import { formatExtxyz, parseExtxyz } from '../engine/io/extxyz';
import { totalEnergy, makeGlass } from '../engine/model/glass';
import { APP_VERSION } from '../engine/version';
import { repoRoot } from './helpers/reference';

const scratch = mkdtempSync(join(tmpdir(), 'glassmodes-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args], { encoding: 'utf8', cwd: repoRoot });
const small = (extra: Record<string, unknown> = {}) => ({ model: { dim: 2, particles: 64, taper: 2 }, spectrum: { enabled: false }, samples: 3, seed: 5, ...extra });
const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = readFileSync(p, 'latin1');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
};

describe('project folder (docs/DESIGN.md)', () => {
  it('new writes project.json with settings, samples and provenance; open reads it back', () => {
    const dir = join(scratch, 'p-new');
    const p = createProject(dir, small());
    expect(p.schemaVersion).toBe(1);
    expect(p.samples.map((s) => s.id)).toEqual(['s0000', 's0001', 's0002']);
    expect(new Set(p.samples.map((s) => s.seed)).size).toBe(3);
    expect(openProject(dir)).toEqual(p);
    expect(() => createProject(dir, small())).toThrow(/already holds a glassmodes project/);
  });

  it('a corrupt project.json is refused with a clear message, and nothing on disk changes', () => {
    const dir = join(scratch, 'p-corrupt');
    createProject(dir, small());
    const path = join(dir, 'project.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length / 2));
    const before = snapshot(dir);
    expect(() => openProject(dir)).toThrow(ProjectError);
    expect(() => openProject(dir)).toThrow(/is corrupt: it is not valid JSON/);
    const r = cli(['run', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/project\.json is corrupt/);
    expect(snapshot(dir)).toEqual(before);
    // Settings edited into an invalid state are refused, naming the setting.
    writeFileSync(path, text.replace('"taper": 2', '"taper": 1'));
    expect(() => openProject(dir)).toThrow(/model\.taper must be an integer m ≥ 2/);
  });

  it('bad settings on the command line are refused with the setting named, and no folder is created', () => {
    const cases: [string[], RegExp][] = [
      [['--taper', 'cosine'], /model\.taper must be an integer m ≥ 2 or 'inf'/],
      [['--taper', '1'], /discontinuous at the cutoff/],
      [['--particles', '50'], /minimum image/],
      [['--parent-temperature=-0.3'], /sampling\.parentTemperature must be a positive number/],
      [['--particles', 'many'], /--particles must be an integer/],
    ];
    for (const [args, message] of cases) {
      const dir = join(scratch, `p-bad-${args.join('')}`);
      const r = cli(['new', dir, '--dim', '3', '--particles', '1000', '--taper', '2', ...args]);
      expect(r.status, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(existsSync(dir)).toBe(false);
    }
    expect(cli(['new']).status).toBe(2);
    expect(cli(['frobnicate']).stderr).toMatch(/unknown command/);
  });

  it('an interrupted atomic write leaves the old file whole', () => {
    const path = join(scratch, 'atomic.json');
    writeFileAtomic(path, '{"ok": 1}');
    const poisoned = { get length() { throw new Error('disk full'); } } as unknown as Uint8Array;
    expect(() => writeFileAtomic(path, poisoned)).toThrow();
    expect(readFileSync(path, 'utf8')).toBe('{"ok": 1}');
    expect(readdirSync(scratch).filter((n) => n.includes('atomic') && n.endsWith('.tmp'))).toEqual([]);
  });

  it('extxyz round-trips float64 exactly and npy round-trips with its shape', () => {
    const c = { dim: 3 as const, side: 10.000000000000002, positions: Float64Array.from([0.1, 1 / 3, Math.PI, 9.999999999999998, 5e-17, 2]), diameters: Float64Array.from([0.73, 1.6199999999999999]), info: { energy: 1.2345678901234567, note: 'two words' } };
    const back = parseExtxyz(formatExtxyz(c));
    expect(Array.from(back.positions)).toEqual(Array.from(c.positions));
    expect(Array.from(back.diameters)).toEqual(Array.from(c.diameters));
    expect(back.side).toBe(c.side);
    expect(back.info.note).toBe('two words');
    const path = join(scratch, 'x.npy');
    writeNpy(path, Float64Array.from([1, -2.5, 1e-300, 7]), [2, 2]);
    expect(readNpy(path)).toEqual({ shape: [2, 2], data: Float64Array.from([1, -2.5, 1e-300, 7]) });
    expect(() => parseExtxyz('3\nLattice="1 0 0 0 1 0 0 0 1"\nX 0 0 0\n', 'bad.extxyz')).toThrow(/bad\.extxyz/);
  });

  it('run does what is pending: --samples a-b takes only those, a second run does nothing, workers equal in-process', async () => {
    const dir = join(scratch, 'p-run');
    createProject(dir, small());
    const first = await runProject(dir, { samples: [1, 2], jobs: 2 });
    expect(first.done.sort()).toEqual(['s0001', 's0002']);
    expect(projectStatus(dir).samples.map((s) => s.state)).toEqual(['pending', 'done', 'done']);
    const again = await runProject(dir, { samples: [1, 2] });
    expect(again.done).toEqual([]);
    const rest = await runProject(dir, { inProcess: true });
    expect(rest.done).toEqual(['s0000']);
    // The same sample computed in a worker and in process is bit-identical.
    const twin = join(scratch, 'p-run-twin');
    createProject(twin, small());
    await runProject(twin, { samples: [1, 1], inProcess: true });
    expect(readFileSync(join(twin, 'samples/s0001/config.extxyz'), 'utf8')).toBe(readFileSync(join(dir, 'samples/s0001/config.extxyz'), 'utf8'));
    const meta = JSON.parse(readFileSync(join(dir, 'samples/s0001/meta.json'), 'utf8'));
    expect(meta).toMatchObject({ id: 's0001', version: APP_VERSION, quench: { method: 'lbfgs', converged: true } });
    expect(meta.maxForce).toBeLessThanOrEqual(1e-10);
    const config = readExtxyz(join(dir, 'samples/s0001/config.extxyz'));
    const recomputed = totalEnergy(makeGlass(openProject(dir).settings.model, config.diameters), config.positions);
    expect(Math.abs(recomputed - meta.energy) / meta.energy).toBeLessThan(1e-12);
  });

  it('a cancelled run keeps what finished, and a later run completes the rest', async () => {
    const dir = join(scratch, 'p-cancel');
    createProject(dir, small({ samples: 4, sampling: { parentTemperature: 0.5, sweeps: 400 } }));
    const controller = new AbortController();
    const done: string[] = [];
    const summary = await runProject(dir, {
      jobs: 1,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'sample-done') {
          done.push(e.sampleId);
          controller.abort();
        }
      },
    });
    expect(summary.cancelled).toBe(true);
    expect(done).toEqual(['s0000']);
    const states = projectStatus(dir).samples.map((s) => s.state);
    expect(states[0]).toBe('done');
    expect(states.slice(1).every((s) => s !== 'done')).toBe(true);
    const rest = await runProject(dir, { jobs: 2 });
    expect(rest.done.sort()).toEqual(['s0001', 's0002', 's0003']);
  });

  it('a killed Monte Carlo run resumes from its checkpoint and ends bit-identical to an uninterrupted one', async () => {
    const settings = ['--dim', '2', '--particles', '100', '--taper', '2', '--parent-temperature', '0.5', '--sweeps', '20000', '--checkpoint-seconds', '0.2', '--samples', '1', '--seed', '8', '--no-spectrum'];
    const killed = join(scratch, 'p-killed');
    const straight = join(scratch, 'p-straight');
    expect(cli(['new', killed, ...settings]).status).toBe(0);
    expect(cli(['new', straight, ...settings]).status).toBe(0);
    const child = spawn(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), 'run', killed], { stdio: 'ignore' });
    const checkpoint = join(killed, 'samples/s0000/checkpoint.json');
    const t0 = Date.now();
    // Kill as soon as the first checkpoint is on disk: long before the 20000 sweeps end, however fast the machine.
    while (!existsSync(checkpoint) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(checkpoint)).toBe(true);
    const sweepsAtKill = JSON.parse(readFileSync(checkpoint, 'utf8')).sweepsDone;
    expect(sweepsAtKill).toBeGreaterThan(0);
    expect(sweepsAtKill).toBeLessThan(20000);
    expect(existsSync(join(killed, 'samples/s0000/parent.extxyz'))).toBe(false);
    const info = cli(['info', killed]);
    expect(info.stdout).toMatch(/1 sampling/);
    const resumed = cli(['run', killed]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed at sweep/);
    expect(cli(['run', straight]).status).toBe(0);
    for (const file of ['parent.extxyz', 'config.extxyz']) {
      expect(readFileSync(join(killed, 'samples/s0000', file), 'utf8')).toBe(readFileSync(join(straight, 'samples/s0000', file), 'utf8'));
    }
    const meta = JSON.parse(readFileSync(join(killed, 'samples/s0000/meta.json'), 'utf8'));
    expect(meta.mc.sweepsDone).toBe(20000);
    expect(meta.mc.acceptance.displacement).toBeGreaterThan(0);
    expect(meta.mc.acceptance.swap).toBeGreaterThan(0);
    expect(existsSync(checkpoint)).toBe(false);
  });

  it('config.extxyz loads in ASE unchanged (where python3 with ase is installed)', () => {
    const dir = join(scratch, 'p-run');
    const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import ase.io'], { encoding: 'utf8' }).status === 0);
    if (!python) {
      console.warn('SKIPPED: no python3 with ase (apt-get install python3-ase) — the ASE load check did not run');
      return;
    }
    const out = execFileSync(python, ['-c', `
import ase.io, json, sys
a = ase.io.read(sys.argv[1])
print(json.dumps({"n": len(a), "cell": a.cell.lengths().tolist(), "pbc": a.pbc.tolist(), "d": a.arrays["diameter"][:3].tolist(), "x": a.positions[:2].tolist()}))
`, resolve(dir, 'samples/s0001/config.extxyz')], { encoding: 'utf8' });
    const got = JSON.parse(out);
    const mine = readExtxyz(join(dir, 'samples/s0001/config.extxyz'));
    expect(got.n).toBe(64);
    expect(got.pbc).toEqual([true, true, false]);
    expect(got.cell[0]).toBe(mine.side);
    expect(got.d).toEqual(Array.from(mine.diameters.slice(0, 3)));
    expect(got.x[1].slice(0, 2)).toEqual(Array.from(mine.positions.slice(2, 4)));
  });

  it('APP_VERSION is package.json’s version', () => {
    expect(APP_VERSION).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
  });
});
