// `glassmodes slurm` on a real scheduler: munged, slurmctld and slurmd for one node on loopback,
// started here from a generated slurm.conf in a temporary folder (proctrack/linuxproc and
// task/none: no cgroups needed), and stopped in afterAll, also when a test fails. Needs root and
// Debian's slurm-wlm and munge (.ci/run installs them); skipped, saying so, where they are missing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers/reference';
import { splitTasks, timeLimitSeconds, type WorkUnit } from '../cli/commands/slurm';
import { acquireLock, createProject, readLock } from '../engine/io/project';

const SEARCH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/usr/local/sbin', '/usr/local/bin'];
const which = (name: string) => SEARCH.map((d) => join(d, name)).find((p) => existsSync(p));
const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'squeue', 'scancel'] as const;
const bin = Object.fromEntries(BINARIES.map((b) => [b, which(b)])) as Record<(typeof BINARIES)[number], string | undefined>;
const missing = BINARIES.filter((b) => !bin[b]);
const skipReason =
  process.platform !== 'linux'
    ? 'SLURM tests need Linux'
    : missing.length
      ? `SLURM tests skipped: ${missing.join(', ')} not installed (Debian: apt-get install slurm-wlm munge, as .ci/run does)`
      : process.getuid?.() !== 0
        ? 'SLURM tests skipped: starting munged, slurmctld and slurmd as this test does needs root'
        : '';
if (skipReason) console.warn(skipReason);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A tiny 2D glass, 8 samples (`glassmodes new <dir> --dim 2 --particles 64 --taper 2
 * --parent-temperature 0.3 --sweeps 4000 --samples 8 --seed 11`, made in this process to spare a
 * Node start); its Monte Carlo lasts long enough (~1–2 s a sample here) to be interrupted midway.
 */
const SWEEPS = 4000;
const newProject = (dir: string) => createProject(dir, { model: { dim: 2, particles: 64, taper: 2 }, sampling: { parentTemperature: 0.3, sweeps: SWEEPS }, samples: 8, seed: 11 }, { createdBy: 'cli' });
/** The files of a sample that are deterministic given the seed (meta.json compared without its wall times and host). */
const SAMPLE_FILES = ['parent.extxyz', 'config.extxyz', 'eigenvalues.npy', 'modes.npy', 'participation.npy'];

describe('glassmodes slurm: task shares and bad input (no scheduler needed)', () => {
  const units = (dir: string, kind: WorkUnit['kind'], n: number) => Array.from({ length: n }, (_, index) => ({ dir, kind, index }));
  it('splits the units into contiguous shares, one run per project folder in each', () => {
    const ranges = (tasks: ReturnType<typeof splitTasks>) => tasks.map((t) => t.runs.map((r) => `${r.dir}:${r.kind}:${r.first}-${r.last}`));
    expect(ranges(splitTasks(units('/p', 'samples', 10), { tasks: 4 }))).toEqual([['/p:samples:0-2'], ['/p:samples:3-5'], ['/p:samples:6-7'], ['/p:samples:8-9']]);
    expect(ranges(splitTasks(units('/p', 'chains', 10), { perTask: 3 }))).toEqual([['/p:chains:0-2'], ['/p:chains:3-5'], ['/p:chains:6-8'], ['/p:chains:9-9']]);
    // A reproduction: the units of its ensembles in order; a task may span two of them.
    expect(ranges(splitTasks([...units('/r/a', 'chains', 3), ...units('/r/b', 'samples', 3)], { tasks: 2 }))).toEqual([['/r/a:chains:0-2'], ['/r/b:samples:0-2']]);
    expect(ranges(splitTasks([...units('/r/a', 'chains', 3), ...units('/r/b', 'samples', 3)], { tasks: 4 }))).toEqual([['/r/a:chains:0-1'], ['/r/a:chains:2-2', '/r/b:samples:0-0'], ['/r/b:samples:1-1'], ['/r/b:samples:2-2']]);
    expect(() => splitTasks(units('/p', 'samples', 3), { tasks: 4 })).toThrow(/--tasks 4 is more than there are units of work \(3 samples\)/);
    expect([timeLimitSeconds('90'), timeLimitSeconds('10:30'), timeLimitSeconds('2:00:00'), timeLimitSeconds('1-2'), timeLimitSeconds('1-0:30:05')]).toEqual([5400, 630, 7200, 93600, 88205]);
  });
  it('a lock left by an earlier run of the same SLURM job (a requeue, maybe on another node) is taken over; others from another host are respected', () => {
    const folder = mkdtempSync('/tmp/glassmodes-slurm-lock-');
    const saved = { job: process.env.SLURM_JOB_ID, restart: process.env.SLURM_RESTART_COUNT };
    const leave = (slurm: object) => writeFileSync(join(folder, '.lock'), JSON.stringify({ pid: 4242, host: 'another-node', since: '2026-01-01T00:00:00Z', slurm }));
    try {
      process.env.SLURM_JOB_ID = '77';
      process.env.SLURM_RESTART_COUNT = '1';
      leave({ job: '77', restart: 1 }); // this very run of the job (restart 1) elsewhere: respected
      expect(acquireLock(folder)).toBeUndefined();
      leave({ job: '76', restart: 0 }); // another job on another host: respected
      expect(acquireLock(folder)).toBeUndefined();
      leave({ job: '77', restart: 0 }); // the run before the requeue: taken over
      const release = acquireLock(folder);
      expect(release).toBeDefined();
      expect(readLock(folder)?.holder?.slurm).toEqual({ job: '77', restart: 1 });
      release!();
      expect(existsSync(join(folder, '.lock'))).toBe(false);
    } finally {
      if (saved.job === undefined) delete process.env.SLURM_JOB_ID;
      else process.env.SLURM_JOB_ID = saved.job;
      if (saved.restart === undefined) delete process.env.SLURM_RESTART_COUNT;
      else process.env.SLURM_RESTART_COUNT = saved.restart;
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses bad options and folders with the reason, exit status non-zero, and writes nothing', async () => {
    const scratch = mkdtempSync('/tmp/glassmodes-slurm-input-');
    const path = process.env.PATH;
    // In this process (main() as bin/glassmodes.mjs calls it), with no sbatch on PATH.
    const { main } = await import('../cli/main');
    const cli = async (args: string[]) => {
      let stderr = '';
      const spy = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void (stderr += parts.join(' ') + '\n'));
      const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
      try {
        return { status: await main(args), stderr };
      } finally {
        spy.mockRestore();
        write.mockRestore();
      }
    };
    try {
      process.env.PATH = '/nonexistent';
      const dir = join(scratch, 'p');
      newProject(dir);
      const cases: [string[], RegExp, number][] = [
        [['--tasks', '0'], /--tasks must be an integer ≥ 1/, 2],
        [['--tasks', '9'], /--tasks 9 is more than there are units of work \(8 samples\); give at most 8/, 2],
        [['--tasks', '2', '--per-task', '2'], /give --tasks or --per-task, not both/, 2],
        [['--time', '10 minutes'], /--time must be a SLURM time limit/, 2],
        [['--cpus-per-task', '0'], /--cpus-per-task must be an integer ≥ 1/, 2],
        [['--partition', 'a b'], /--partition must be a SLURM partition name/, 2],
        [['--sbatch', 'mem=2G'], /--sbatch takes one sbatch option such as --mem=2G/, 2],
        [['--submit'], /--submit needs SLURM's sbatch on PATH .*nothing was written/, 1],
      ];
      for (const [extra, message, status] of cases) {
        const r = await cli(['slurm', dir, ...extra]);
        expect(r.status, extra.join(' ')).toBe(status);
        expect(r.stderr, extra.join(' ')).toMatch(message);
      }
      expect(existsSync(join(dir, 'slurm'))).toBe(false);
      const notProject = await cli(['slurm', scratch, '--tasks', '2']);
      expect(notProject.status).toBe(1);
      expect(notProject.stderr).toMatch(/is neither a glassmodes project \(no project.json\) nor a reproduction directory/);
      expect(existsSync(join(scratch, 'slurm'))).toBe(false);
    } finally {
      process.env.PATH = path;
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipReason !== '')(skipReason || 'glassmodes slurm on a real slurmctld and slurmd (one node on loopback)', () => {
  let root = '';
  let env: NodeJS.ProcessEnv = {};
  const pidFiles: { name: string; path: string }[] = [];
  const run = (cmd: string, args: string[], input?: string) => spawnSync(cmd, args, { encoding: 'utf8', env, input, cwd: repoRoot });
  const cli = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/glassmodes.mjs'), ...args]);
  /** `scontrol show job -o` as key=value records, one per job (or array task). */
  const showJob = (id: string) =>
    run(bin.scontrol!, ['show', 'job', '-o', id])
      .stdout.trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => Object.fromEntries(line.split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
  const slurmTime = (t: string) => Date.parse(t + 'Z'); // the daemons run in UTC here (TZ of this machine)
  const queueEmpty = () => run(bin.squeue!, ['-h']).stdout.trim() === '';
  async function waitFor(what: string, test: () => boolean, seconds: number, pollMs = 250): Promise<void> {
    const end = Date.now() + seconds * 1000;
    while (!test()) {
      if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}\nsqueue:\n${run(bin.squeue!, []).stdout}`);
      await sleep(pollMs);
    }
  }

  beforeAll(async () => {
    root = mkdtempSync('/tmp/glassmodes-slurm-');
    chmodSync(root, 0o755); // munged wants every directory above its socket searchable by all
    for (const d of ['munge', 'state', 'spool', 'log', 'work']) mkdirSync(join(root, d), { mode: 0o755 });
    const key = join(root, 'munge', 'munge.key');
    writeFileSync(key, randomBytes(1024), { mode: 0o600 });
    const socket = join(root, 'munge', 'munge.socket');
    pidFiles.push({ name: 'munged', path: join(root, 'munge', 'munged.pid') });
    const m = spawnSync(bin.munged!, [`--socket=${socket}`, `--key-file=${key}`, `--log-file=${join(root, 'log', 'munged.log')}`, `--pid-file=${pidFiles[0].path}`, `--seed-file=${join(root, 'munge', 'seed')}`], { encoding: 'utf8' });
    if (m.status !== 0) throw new Error(`munged did not start: ${m.stderr}`);
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const conf = join(root, 'slurm.conf');
    writeFileSync(
      conf,
      [
        'ClusterName=glassmodestest',
        'SlurmctldHost=localhost(127.0.0.1)',
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        `AuthInfo=socket=${socket}`,
        'CredType=cred/munge',
        `StateSaveLocation=${join(root, 'state')}`,
        `SlurmdSpoolDir=${join(root, 'spool')}`,
        `SlurmctldPidFile=${join(root, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(root, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(root, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${join(root, 'log', 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'SwitchType=switch/none',
        'MpiDefault=none',
        'SchedulerType=sched/builtin',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_CPU',
        'ReturnToService=2',
        // Four CPUs declared on this two-core machine, so that the four tasks of an array run at once.
        'SlurmdParameters=config_overrides',
        'KillWait=10',
        'MinJobAge=3600',
        `NodeName=gm1 NodeHostname=${hostname()} NodeAddr=127.0.0.1 CPUs=4 RealMemory=2000 State=UNKNOWN`,
        'PartitionName=debug Nodes=gm1 Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    env = { ...process.env, SLURM_CONF: conf };
    pidFiles.push({ name: 'slurmctld', path: join(root, 'slurmctld.pid') }, { name: 'slurmd', path: join(root, 'slurmd.pid') });
    const ctld = run(bin.slurmctld!, ['-f', conf, '-i']);
    if (ctld.status !== 0) throw new Error(`slurmctld did not start: ${ctld.stderr}`);
    const d = run(bin.slurmd!, ['-f', conf, '-N', 'gm1']);
    if (d.status !== 0) throw new Error(`slurmd did not start: ${d.stderr}`);
    await waitFor('node gm1 to be idle', () => /State=IDLE/.test(run(bin.scontrol!, ['show', 'node', 'gm1']).stdout), 60, 500);
  }, 90_000);

  afterAll(async () => {
    // Stopping the daemons is part of the test: cancel what is left, stop slurmd, slurmctld and
    // munged by their pid files, and fail if any of them is still alive.
    if (root && env.SLURM_CONF && bin.scancel) {
      run(bin.scancel, ['--user=root']);
      const end = Date.now() + 20_000;
      while (!queueEmpty() && Date.now() < end) await sleep(250);
    }
    const alive: string[] = [];
    for (const { name, path } of [...pidFiles].reverse()) {
      if (!existsSync(path)) continue;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (!pid) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue; // already gone
      }
      const end = Date.now() + 15_000;
      let gone = false;
      while (!gone && Date.now() < end) {
        try {
          process.kill(pid, 0);
          await sleep(100);
        } catch {
          gone = true;
        }
      }
      if (!gone) {
        process.kill(pid, 'SIGKILL');
        alive.push(`${name} (pid ${pid}) ignored SIGTERM for 15 s`);
      }
    }
    if (root) rmSync(root, { recursive: true, force: true });
    if (alive.length) throw new Error(`daemons did not stop: ${alive.join('; ')}`);
  }, 60_000);

  /** The local reference: the same project, run here without a scheduler. */
  let local = '';
  const localRun = () => {
    if (local) return local;
    local = join(root, 'work', 'local', 'p');
    mkdirSync(join(root, 'work', 'local'));
    newProject(local);
    const r = cli(['run', local, '--jobs', '2', '--no-estimate']);
    expect(r.status, r.stderr).toBe(0);
    return local;
  };
  const meta = (dir: string, id: string) => {
    const m = JSON.parse(readFileSync(join(dir, 'samples', id, 'meta.json'), 'utf8'));
    delete m.timings; // wall seconds of each stage
    delete m.host; // the machine that ran it
    if (m.spectrum) delete m.spectrum.timings;
    if (m.spectrum) delete m.spectrum.gemmThreads; // how many gemm threads ran there (the bits are the same: tests/gemm-threads.test.ts)
    if (m.elasticity) delete m.elasticity.seconds; // wall seconds of the moduli
    return m;
  };
  /** Every sample's deterministic files equal the local run's, byte for byte. */
  const expectSameAsLocal = (dir: string) => {
    const reference = localRun();
    const ids = readdirSync(join(reference, 'samples')).sort();
    expect(ids).toHaveLength(8);
    expect(readdirSync(join(dir, 'samples')).sort()).toEqual(ids);
    for (const id of ids) {
      for (const f of SAMPLE_FILES) expect(readFileSync(join(dir, 'samples', id, f)).equals(readFileSync(join(reference, 'samples', id, f))), `${id}/${f}`).toBe(true);
      expect(meta(dir, id), `${id}/meta.json`).toEqual(meta(reference, id));
      expect(existsSync(join(dir, 'samples', id, 'checkpoint.json')), `${id}/checkpoint.json left over`).toBe(false);
      expect(existsSync(join(dir, 'samples', id, '.lock')), `${id}/.lock left over`).toBe(false);
    }
  };
  const submit = (name: string) => {
    const dir = join(root, 'work', name, 'p'); // the same folder name as the reference: project.json names it after the folder
    mkdirSync(join(root, 'work', name));
    newProject(dir);
    const r = cli(['slurm', dir, '--tasks', '4', '--time', '10:00', '--submit', '--no-estimate']);
    expect(r.status, r.stderr).toBe(0);
    const submitted = JSON.parse(readFileSync(join(dir, 'slurm', 'submitted.json'), 'utf8'));
    expect(submitted.tasks.map((t: { runs: string[] }) => t.runs)).toEqual([['--samples 0-1'], ['--samples 2-3'], ['--samples 4-5'], ['--samples 6-7']]);
    return { dir, arrayJob: String(submitted.arrayJob), analyzeJob: String(submitted.analyzeJob) };
  };
  const taskLog = (dir: string, arrayJob: string, task: number) => readFileSync(join(dir, 'slurm', 'logs', `task-${arrayJob}_${task}.out`), 'utf8');
  /** Waits for the analyze job to finish, then checks that it ran after every task and analysed all 8 samples. */
  const expectAnalyzedAfterTasks = async (dir: string, arrayJob: string, analyzeJob: string) => {
    await waitFor(`analyze job ${analyzeJob}`, () => showJob(analyzeJob)[0]?.JobState === 'COMPLETED' || /FAILED|CANCELLED|TIMEOUT/.test(showJob(analyzeJob)[0]?.JobState ?? ''), 150, 500);
    const analysis = showJob(analyzeJob)[0];
    expect(analysis.JobState, readFileSync(join(dir, 'slurm', 'logs', `analyze-${analyzeJob}.out`), 'utf8')).toBe('COMPLETED');
    expect(analysis.ExitCode).toBe('0:0');
    const tasks = showJob(arrayJob);
    expect(tasks.map((t) => Number(t.ArrayTaskId)).sort()).toEqual([0, 1, 2, 3]);
    for (const t of tasks) {
      expect(t.JobState, `task ${t.ArrayTaskId}`).toBe('COMPLETED');
      expect(slurmTime(analysis.StartTime)).toBeGreaterThanOrEqual(slurmTime(t.EndTime));
    }
    const summary = JSON.parse(readFileSync(join(dir, 'analysis', 'summary.json'), 'utf8'));
    expect(summary.samples).toBe(8);
    const summaryTime = statSync(join(dir, 'analysis', 'summary.json')).mtimeMs;
    for (const id of readdirSync(join(dir, 'samples'))) expect(summaryTime).toBeGreaterThan(statSync(join(dir, 'samples', id, 'meta.json')).mtimeMs);
    return tasks;
  };
  /** Each sample finished exactly once over all task logs (a requeued task skips what is done). */
  const expectDoneOnce = (dir: string, arrayJob: string) => {
    const logs = [0, 1, 2, 3].map((t) => taskLog(dir, arrayJob, t)).join('\n');
    for (let k = 0; k < 8; k++) expect(logs.match(new RegExp(`^s000${k} done`, 'gm')) ?? [], `s000${k} done lines`).toHaveLength(1);
  };

  it('prints an array script that sbatch --test-only accepts', () => {
    const dir = join(root, 'work', 'plain', 'p');
    mkdirSync(join(root, 'work', 'plain'));
    newProject(dir);
    const r = cli(['slurm', dir, '--tasks', '4', '--no-estimate']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^#!\/bin\/bash\n/);
    expect(r.stdout).toContain('#SBATCH --array=0-3');
    expect(r.stdout).toContain('#SBATCH --signal=B:TERM@60');
    expect(r.stdout).toContain(`run ${dir} --samples 6-7`);
    expect(readFileSync(join(dir, 'slurm', 'array.sh'), 'utf8')).toBe(r.stdout);
    const test = run(bin.sbatch!, ['--test-only'], r.stdout);
    expect(test.status, test.stderr).toBe(0);
    expect(test.stderr).toMatch(/Job \d+ to start at/);
    const analyze = run(bin.sbatch!, ['--test-only', join(dir, 'slurm', 'analyze.sh')]);
    expect(analyze.status, analyze.stderr).toBe(0);
    expect(existsSync(join(dir, 'slurm', 'submitted.json'))).toBe(false);
  });

  it('a reproduction directory (--reproduce): tasks over all its ensembles, the report job runs reproduce; sbatch --test-only accepts both', () => {
    const dir = join(root, 'work', 'reproduction');
    const r = cli(['slurm', dir, '--reproduce', 'tiny', '--per-task', '2', '--no-estimate']);
    expect(r.status, r.stderr).toBe(0);
    const ensembles = readdirSync(dir).filter((n) => existsSync(join(dir, n, 'project.json'))).sort();
    expect(ensembles.length).toBeGreaterThanOrEqual(2);
    for (const e of ensembles) expect(r.stdout).toContain(`run ${join(dir, e)} --`);
    const analyze = readFileSync(join(dir, 'slurm', 'analyze.sh'), 'utf8');
    expect(analyze).toContain(`reproduce ${dir} --scale tiny`);
    expect(run(bin.sbatch!, ['--test-only'], r.stdout).status).toBe(0);
    expect(run(bin.sbatch!, ['--test-only', join(dir, 'slurm', 'analyze.sh')]).status).toBe(0);
    // Recognised again without --reproduce: the same script.
    const again = cli(['slurm', dir, '--per-task', '2', '--no-estimate']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.split('\n').slice(3)).toEqual(r.stdout.split('\n').slice(3));
  });

  it('runs 4 tasks × 2 samples into one folder: every sample done once, files identical to a local run, analyze after the last task', async () => {
    const { dir, arrayJob, analyzeJob } = submit('array');
    localRun(); // meanwhile, on this machine's cores too
    await expectAnalyzedAfterTasks(dir, arrayJob, analyzeJob);
    expectDoneOnce(dir, arrayJob);
    expectSameAsLocal(dir);
  }, 240_000);

  it('a task signalled mid-run (scancel --signal=TERM) writes its checkpoint, requeues itself and resumes from it; the same files, analyze after it', async () => {
    const { dir, arrayJob, analyzeJob } = submit('requeue');
    // Task 1's first sample, s0002, in its Monte Carlo: its lock is taken, its parent not yet written.
    const folder = join(dir, 'samples', 's0002');
    await waitFor('s0002 to start', () => existsSync(join(folder, '.lock')), 120, 50);
    expect(existsSync(join(folder, 'parent.extxyz'))).toBe(false);
    const signal = run(bin.scancel!, ['--signal=TERM', '--batch', `${arrayJob}_1`]);
    expect(signal.status, signal.stderr).toBe(0);
    // SLURM holds a requeued batch job for about two minutes before it is eligible again (its
    // Reason is BeginTime); release it at once to keep this test short.
    await waitFor('task 1 to requeue', () => showJob(`${arrayJob}_1`)[0]?.JobState === 'PENDING', 60, 100);
    const log1 = taskLog(dir, arrayJob, 1);
    const written = new RegExp(`s0002: Monte Carlo checkpoint written at sweep (\\d+) of ${SWEEPS}`).exec(log1);
    expect(written, log1).not.toBeNull();
    const sweep = Number(written![1]);
    expect(sweep).toBeGreaterThan(0);
    expect(sweep).toBeLessThan(SWEEPS);
    expect(JSON.parse(readFileSync(join(folder, 'checkpoint.json'), 'utf8')).sweepsDone).toBe(sweep);
    expect(log1).toContain('SIGTERM: stopping; running samples write their checkpoints');
    expect(log1).toMatch(/state RUNNING, requeued to resume from its checkpoints \(restart 1 of at most 10\)/);
    expect(existsSync(join(folder, '.lock'))).toBe(false); // released as it stopped
    const info = cli(['info', dir]);
    expect(info.stdout).toMatch(new RegExp(`s0002 +sampling +checkpoint at sweep ${sweep}/${SWEEPS}`));
    expect(info.stdout).toContain(`array job ${arrayJob} (4 task(s)), then analyze job ${analyzeJob}`);
    expect(run(bin.scontrol!, ['update', `JobId=${arrayJob}_1`, 'StartTime=now']).status).toBe(0);
    const tasks = await expectAnalyzedAfterTasks(dir, arrayJob, analyzeJob);
    expect(tasks.find((t) => t.ArrayTaskId === '1')!.Restarts).toBe('1');
    for (const t of tasks.filter((t) => t.ArrayTaskId !== '1')) expect(t.Restarts).toBe('0');
    const after = taskLog(dir, arrayJob, 1);
    expect(after).toContain(`s0002 parent: resumed at sweep ${sweep}`);
    expect(after).toMatch(/restart 1\) on /);
    expectDoneOnce(dir, arrayJob);
    expectSameAsLocal(dir);
  }, 300_000);
});
