// Main-process services in Node (docs/DESIGN.md "Testing where the desktop binary is missing"): the
// project manager, the settings service, the IPC dispatcher, and the job queue on the real engine
// runner — cancel keeps what is finished, pause resumes, and a crashed app resumes in a new queue.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createProject, projectStatus } from '../engine/io/project';
import { ProjectService } from '../main/services/project-service';
import { SettingsService, defaultJobs } from '../main/services/settings-service';
import { ResultsService } from '../main/services/results-service';
import { JobQueue, estimateSecondsLeft, sampleFraction, stageWeights } from '../main/services/job-queue';
import { createDispatcher } from '../main/ipc/dispatch';
import { createHandlers } from '../main/ipc/handlers';
import type { JobSnapshot } from '../main/ipc/contract';
import { validateSettings } from '../engine/model/settings';

const root = fileURLToPath(new URL('..', import.meta.url));
let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'glassmodes-main-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** A glass that quenches in a fraction of a second: 2D, 64 particles, random parents. */
const tiny = (samples: number) => ({ model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 'inf' }, spectrum: { enabled: false }, samples, seed: 11 });
/** Samples that take a few seconds each (swap MC at T* = 0.5), so a run can be stopped midway. */
const slow = (samples: number, sweeps = 15000) => ({ model: { dim: 2, particles: 64 }, sampling: { parentTemperature: 0.5, sweeps }, spectrum: { enabled: false }, samples, seed: 5 });

function trashInto(folder: string) {
  mkdirSync(folder, { recursive: true });
  return async (path: string) => renameSync(path, join(folder, basename(path)));
}

function services(stateDir = join(scratch, 'state')) {
  const projects = new ProjectService({ stateDir, trash: trashInto(join(scratch, 'trash')) });
  const settings = new SettingsService(stateDir, { projectsFolder: scratch });
  const jobs = new JobQueue({ stateDir, recentProjects: () => projects.recentPaths(), workers: () => 1 });
  const results = new ResultsService();
  return { projects, settings, jobs, results, stateDir };
}

function until(queue: JobQueue, test: (jobs: JobSnapshot[]) => boolean, timeoutMs = 60_000): Promise<JobSnapshot[]> {
  return new Promise((resolve, reject) => {
    if (test(queue.list())) return resolve(queue.list());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out; jobs: ${JSON.stringify(queue.list().map((j) => [j.state, j.done]))}`));
    }, timeoutMs);
    const off = queue.onChange((jobs) => {
      if (test(jobs)) {
        clearTimeout(timer);
        off();
        resolve(jobs);
      }
    });
  });
}

const mtime = (path: string) => statSync(path).mtimeMs;
const doneIds = (dir: string) => projectStatus(dir).samples.filter((s) => s.state === 'done').map((s) => s.id);

describe('ProjectService', () => {
  it('creates, opens, renames and lists projects, newest first, across restarts', () => {
    const { projects, stateDir } = services();
    const a = projects.create(join(scratch, 'a'), tiny(2), 'First glass');
    expect(a.project.name).toBe('First glass');
    expect(a.project.provenance.createdBy).toBe('app');
    expect(a.samples.map((s) => s.state)).toEqual(['pending', 'pending']);
    projects.create(join(scratch, 'b'), tiny(1));
    expect(projects.recent().map((r) => r.name)).toEqual(['b', 'First glass']);
    projects.open(join(scratch, 'a'));
    const renamed = projects.rename(join(scratch, 'a'), 'Renamed glass');
    expect(renamed.project.name).toBe('Renamed glass');
    const again = new ProjectService({ stateDir, trash: trashInto(join(scratch, 'trash')) });
    expect(again.recent().map((r) => [r.name, r.total, r.counts?.pending])).toEqual([
      ['Renamed glass', 2, 2],
      ['b', 1, 1],
    ]);
  });

  it('imports a folder made by the CLI, and refuses a folder that is not a project', () => {
    const { projects } = services();
    createProject(join(scratch, 'cli-made'), tiny(3), { createdBy: 'cli' });
    const detail = projects.import(join(scratch, 'cli-made'));
    expect(detail.project.provenance.createdBy).toBe('cli');
    expect(projects.recentPaths()).toEqual([join(scratch, 'cli-made')]);
    mkdirSync(join(scratch, 'plain'));
    expect(() => projects.import(join(scratch, 'plain'))).toThrow(/has no project\.json/);
  });

  it('reports a corrupt project.json in the recent list instead of failing, and never rewrites it', () => {
    const { projects } = services();
    const dir = join(scratch, 'c');
    projects.create(dir, tiny(1));
    writeFileSync(join(dir, 'project.json'), '{ not json');
    const [entry] = projects.recent();
    expect(entry.problem).toMatch(/corrupt/);
    expect(() => projects.rename(dir, 'x')).toThrow(/corrupt/);
    expect(readFileSync(join(dir, 'project.json'), 'utf8')).toBe('{ not json');
  });

  it('deletes by moving to the trash, and only glassmodes projects', async () => {
    const { projects } = services();
    const dir = join(scratch, 'gone');
    projects.create(dir, tiny(1));
    await projects.remove(dir);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(scratch, 'trash', 'gone', 'project.json'))).toBe(true);
    expect(projects.recent()).toEqual([]);
    mkdirSync(join(scratch, 'keep'));
    await expect(projects.remove(join(scratch, 'keep'))).rejects.toThrow(/not a glassmodes project/);
    expect(existsSync(join(scratch, 'keep'))).toBe(true);
  });
});

describe('SettingsService and the IPC dispatcher', () => {
  it('defaults to cores − 1 workers and remembers preferences', () => {
    const { settings, stateDir } = services();
    expect(settings.preferences().jobs).toBe(defaultJobs());
    expect(defaultJobs(1)).toBe(1);
    expect(defaultJobs(8)).toBe(7);
    settings.setPreferences({ jobs: 3 });
    expect(new SettingsService(stateDir).preferences().jobs).toBe(3);
    expect(() => settings.setPreferences({ jobs: 0 })).toThrow();
  });

  it('explains invalid settings by the setting and its allowed range', () => {
    const { settings } = services();
    const bad = settings.validate({ model: { taper: 1 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.setting).toBe('model.taper');
      expect(bad.message).toMatch(/Hessian is discontinuous/);
    }
    expect(settings.validate(tiny(1)).ok).toBe(true);
  });

  it('checks every payload against the contract before a service sees it', async () => {
    const s = services();
    const dispatch = createDispatcher(
      createHandlers(s, { host: 'bridge', versions: {}, chooseFolder: async () => null, confirmFolder: async () => true, computeStatus: () => ({ order: [], attempts: [], available: false }), computeProbe: async () => ({ order: [], attempts: [], available: false }), saveExport: async () => null }),
    );
    expect(await dispatch('projects.nope', {})).toMatchObject({ ok: false, error: { name: 'ContractError' } });
    expect(await dispatch('constructor.name', {})).toMatchObject({ ok: false });
    expect(await dispatch('projects.open', { dir: 42 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/projects\.open: dir/) } });
    expect(await dispatch('jobs.enqueue', { dir: scratch, samples: [3, 1] })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/first sample index/) } });
    const refused = await dispatch('projects.create', { dir: join(scratch, 'p'), settings: { model: { dim: 4 } } });
    expect(refused).toMatchObject({ ok: false, error: { name: 'SettingsError', setting: 'model.dim' } });
    expect(existsSync(join(scratch, 'p'))).toBe(false);
    const created = await dispatch('projects.create', { dir: join(scratch, 'p'), settings: tiny(1) });
    expect(created.ok).toBe(true);
    expect(await dispatch('results.mode', { dir: scratch, sampleId: 's0000', index: -1 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/results\.mode: index/) } });
    expect(await dispatch('export.save', { name: '../escape.svg', kind: 'svg', base64: '' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/a file name, not a path/) } });
  });
});

describe('JobQueue', () => {
  it('runs a project to completion and logs what it did', async () => {
    const { projects, jobs } = services();
    const dir = projects.create(join(scratch, 'run'), tiny(3)).path;
    const job = jobs.enqueue(dir);
    expect(['queued', 'running']).toContain(job.state);
    await jobs.whenIdle();
    const [done] = jobs.list();
    expect(done).toMatchObject({ state: 'done', done: 3, total: 3, failed: 0, fraction: 1 });
    expect(doneIds(dir)).toEqual(['s0000', 's0001', 's0002']);
    expect(done.log.join('\n')).toMatch(/run started with 1 worker thread[\s\S]*run ended: done \(3\/3 samples done\)/);
    expect(() => jobs.enqueue(join(scratch, 'nothing-here'))).toThrow(/not a glassmodes project/);
  });

  it('reports stage progress and time left; cancel midway keeps the finished samples, and a resumed job does only what is pending', async () => {
    const { projects, jobs } = services();
    const dir = projects.create(join(scratch, 'cancel'), slow(4)).path;
    const job = jobs.enqueue(dir);
    // While it runs: the stage of each running sample with its fraction, and the time left.
    const [running] = await until(jobs, (list) => list[0].running.some((r) => r.stage === 'parent' && r.fraction > 0) && list[0].etaSeconds !== undefined);
    expect(running.state).toBe('running');
    expect(running.running[0].message).toMatch(/sweep \d+\/15000/);
    expect(running.etaSeconds).toBeGreaterThan(0);
    await until(jobs, (list) => list[0].done >= 1);
    jobs.cancel(job.id);
    await jobs.whenIdle();
    const cancelled = jobs.get(job.id);
    expect(cancelled.state).toBe('cancelled');
    const kept = doneIds(dir);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(4);
    expect(cancelled.done).toBe(kept.length);
    const stamps = kept.map((id) => mtime(join(dir, 'samples', id, 'config.extxyz')));

    jobs.resume(job.id);
    await jobs.whenIdle();
    expect(jobs.get(job.id)).toMatchObject({ state: 'done', done: 4 });
    expect(doneIds(dir)).toHaveLength(4);
    // The samples finished before the cancel were not computed again.
    expect(kept.map((id) => mtime(join(dir, 'samples', id, 'config.extxyz')))).toEqual(stamps);
  });

  it('pause keeps the job; after a restart the paused project is offered and resumes', async () => {
    const { projects, jobs, stateDir } = services();
    const dir = projects.create(join(scratch, 'pause'), slow(3, 8000)).path;
    const job = jobs.enqueue(dir);
    await until(jobs, (list) => list[0].running.length > 0);
    jobs.pause(job.id);
    await jobs.whenIdle();
    expect(jobs.get(job.id).state).toBe('paused');

    const restarted = new JobQueue({ stateDir, recentProjects: () => projects.recentPaths(), workers: () => 1 });
    expect(restarted.get(job.id).state).toBe('paused');
    expect(restarted.resumeOffers()).toEqual([expect.objectContaining({ project: dir, total: 3, interrupted: false })]);
    restarted.resume(job.id);
    await restarted.whenIdle();
    expect(restarted.get(job.id)).toMatchObject({ state: 'done', done: 3 });
    expect(restarted.resumeOffers()).toEqual([]);
  });

  it('after a crash (SIGKILL mid-run) a new queue finds the interrupted job and finishes it without redoing samples', async () => {
    const stateDir = join(scratch, 'state');
    const { projects } = services(stateDir);
    const dir = projects.create(join(scratch, 'crash'), slow(4)).path;
    const queueModule = new URL('../main/services/job-queue.ts', import.meta.url).href;
    // A separate app process: runs the queue and dies without warning once one sample is on disk.
    // (A script file, not --eval: the runner's worker threads inherit the parent's execArgv.)
    const script = join(scratch, 'app.mts');
    writeFileSync(
      script,
      `const { JobQueue } = await import(${JSON.stringify(queueModule)});
       const q = new JobQueue({ stateDir: ${JSON.stringify(stateDir)}, recentProjects: () => [], workers: () => 1 });
       q.onChange((jobs) => { if (jobs[0].done >= 1) process.kill(process.pid, 'SIGKILL'); });
       q.enqueue(${JSON.stringify(dir)});\n`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const signal = await new Promise<string | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const before = doneIds(dir);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(4);
    const stamps = before.map((id) => mtime(join(dir, 'samples', id, 'config.extxyz')));

    const queue = new JobQueue({ stateDir, recentProjects: () => projects.recentPaths(), workers: () => 1 });
    const [job] = queue.list();
    expect(job.state).toBe('interrupted');
    expect(queue.resumeOffers()).toEqual([expect.objectContaining({ project: dir, interrupted: true, pending: 4 - before.length })]);
    queue.resume(job.id);
    await queue.whenIdle();
    expect(queue.get(job.id)).toMatchObject({ state: 'done', done: 4, failed: 0 });
    expect(before.map((id) => mtime(join(dir, 'samples', id, 'config.extxyz')))).toEqual(stamps);
    // The run that was killed left its lock behind; the new run took it over and released it.
    expect(existsSync(join(dir, 'samples', before[0], '.lock'))).toBe(false);
  });

  it('weights stages by their cost and extrapolates time left', () => {
    const inf = stageWeights(validateSettings(tiny(1)));
    expect(inf.parent).toBeLessThan(0.1);
    expect(inf.spectrum).toBe(0);
    const mc = stageWeights(validateSettings({ ...slow(1), spectrum: { enabled: true } }));
    expect(mc.parent + mc.quench + mc.spectrum + mc.elasticity).toBeCloseTo(1, 12);
    expect(sampleFraction(mc, 'quench', 0)).toBeCloseTo(mc.parent, 12);
    expect(sampleFraction(mc, 'elasticity', 0)).toBeCloseTo(mc.parent + mc.quench + mc.spectrum, 12);
    expect(sampleFraction(mc, 'elasticity', 1)).toBeCloseTo(1, 12);
    expect(estimateSecondsLeft(0, 500, 0, 0.5)).toBeUndefined(); // under a second: no estimate yet
    expect(estimateSecondsLeft(0, 10_000, 0.2, 0.6)).toBeCloseTo(10, 9);
  });
});
